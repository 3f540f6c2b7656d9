"""The staff cohort report: the page, its PDF (the same template) and the analysis table."""

from __future__ import annotations

import csv
import math

import numpy as np
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from cellpath.accounts.access import role_required, site_ids_for
from cellpath.accounts.exports import csv_cell
from cellpath.accounts.roles import PATIENT_DATA_ROLES, Role
from cellpath.reports import pdf
from cellpath.reports.analysis.report import ANALYSIS_COLUMNS
from cellpath.reports.build import build_presentation, build_report
from cellpath.reports.forms import FilterForm
from cellpath.reports.queries import report_sites

REPORT_ROLES = (Role.COORDINATOR, Role.CLINICIAN, Role.ADMINISTRATOR)


def _form(request: HttpRequest) -> FilterForm:
    return FilterForm(request.GET or None, site_ids=report_sites(request.user))


def _context(request: HttpRequest) -> tuple[FilterForm, dict[str, object], int]:
    form = _form(request)
    if form.is_bound and not form.is_valid():
        return form, {"form": form, "p": None}, 400
    if not form.is_bound:
        form = FilterForm({}, site_ids=report_sites(request.user))
        form.is_valid()
    presentation = build_presentation(
        user=request.user, filters=form.filters(), described=form.described()
    )
    query = request.GET.urlencode()
    return (
        form,
        {
            "form": form,
            "p": presentation,
            "query": f"?{query}" if query else "",
            "may_download_table": bool(site_ids_for(request.user, PATIENT_DATA_ROLES)),
        },
        200,
    )


@role_required(*REPORT_ROLES)
def cohort_report(request: HttpRequest) -> HttpResponse:
    _, context, status = _context(request)
    return render(request, "reports/report.html", context, status=status)


@role_required(*REPORT_ROLES)
def cohort_report_pdf(request: HttpRequest) -> HttpResponse:
    _, context, status = _context(request)
    if status != 200:
        return render(request, "reports/report.html", context, status=status)
    context["stylesheet"] = pdf.stylesheet()
    html = render_to_string("reports/report_document.html", context, request=request)
    response = HttpResponse(pdf.render(html), content_type="application/pdf")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="cellpath-report-{stamp}.pdf"'
    return response


def _cell(value: object) -> str:
    if isinstance(value, np.datetime64):
        return "" if np.isnat(value) else str(value.astype("datetime64[D]"))
    if isinstance(value, (float, np.floating)):
        return "" if not math.isfinite(value) else f"{float(value):.6g}"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return csv_cell(value)


@role_required(Role.COORDINATOR, Role.CLINICIAN)
def analysis_csv(request: HttpRequest) -> HttpResponse:
    """One row per treated course: every derived figure and every exclusion reason (study IDs
    only; audited as an export with the study IDs it holds)."""
    form = _form(request)
    if form.is_bound and not form.is_valid():
        return render(request, "reports/report.html", {"form": form, "p": None}, status=400)
    if not form.is_bound:
        form = FilterForm({}, site_ids=report_sites(request.user))
        form.is_valid()
    report = build_report(user=request.user, filters=form.filters(), detail=True)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="cellpath-analysis-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(ANALYSIS_COLUMNS)
    if report is not None:
        table = report.table
        for i in range(report.n_courses):
            writer.writerow(_cell(table[c][i]) for c in ANALYSIS_COLUMNS)
    return response
