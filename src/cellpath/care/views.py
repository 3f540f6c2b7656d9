"""Patient pages. Views parse and render; queries scope and audit; services write."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cellpath.accounts.access import role_required
from cellpath.accounts.queries import site_list
from cellpath.accounts.roles import Role
from cellpath.care import queries, services
from cellpath.care.forms import PatientForm

STAFF = (Role.COORDINATOR, Role.CLINICIAN)


def _csv_cell(value: object) -> str:
    """Neutralise spreadsheet formulas in exported text (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


@role_required(*STAFF)
def patient_list(request: HttpRequest) -> HttpResponse:
    page = queries.patient_page(user=request.user, page=request.GET.get("page"))
    shows_identity = queries.identity_visibility(request.user)
    rows = [(p, shows_identity(p)) for p in page.object_list]
    return render(
        request,
        "care/patient_list.html",
        {"page": page, "rows": rows, "can_add": Role.COORDINATOR in request.user.roles},
    )


@role_required(Role.PATIENT, *STAFF)
def patient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    patient = queries.patient_get(user=request.user, pk=pk)
    if patient is None:
        raise Http404
    return render(
        request,
        "care/patient_detail.html",
        {
            "patient": patient,
            "show_identity": queries.identity_visibility(request.user)(patient),
            "can_edit": site_list(user=request.user, roles=[Role.COORDINATOR])
            .filter(pk=patient.site_id)
            .exists(),
        },
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def patient_create(request: HttpRequest) -> HttpResponse:
    sites = site_list(user=request.user, roles=[Role.COORDINATOR])
    form = PatientForm(request.POST or None, sites=sites)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        patient = services.patient_create(actor=request.user, **data)
        messages.success(request, f"Patient {patient.study_id} added.")
        return redirect("care:patient-detail", pk=patient.pk)
    return render(request, "care/patient_form.html", {"form": form, "title": "Add a patient"})


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def patient_edit(request: HttpRequest, pk: int) -> HttpResponse:
    patient = queries.patient_get(user=request.user, pk=pk)
    coordinator_sites = site_list(user=request.user, roles=[Role.COORDINATOR])
    if patient is None or not coordinator_sites.filter(pk=patient.site_id).exists():
        raise Http404
    form = PatientForm(request.POST or None, instance=patient, sites=coordinator_sites)
    if request.method == "POST" and form.is_valid():
        services.patient_update(
            actor=request.user,
            patient=patient,
            **{name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS},
        )
        messages.success(request, f"Patient {patient.study_id} saved.")
        return redirect("care:patient-detail", pk=patient.pk)
    return render(
        request, "care/patient_form.html", {"form": form, "title": f"Edit {patient.study_id}"}
    )


@role_required(*STAFF)
def patient_export(request: HttpRequest) -> HttpResponse:
    """CSV of the patients the user may see; names only for coordinators of their site."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="cellpath-patients-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["study_id", "site", "full_name", "sex", "date_of_birth", "onset_date", "diagnosis_date"]
    )
    shows_identity = queries.identity_visibility(request.user)
    for p in queries.patient_export(user=request.user):
        name = p.full_name if shows_identity(p) else ""
        writer.writerow(
            _csv_cell(v)
            for v in (
                p.study_id,
                p.site.code,
                name,
                p.sex,
                p.date_of_birth,
                p.onset_date,
                p.diagnosis_date,
            )
        )
    return response
