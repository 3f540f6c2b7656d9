"""The staff cohort report: the page, its PDF (the same template) and the analysis table."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cellpath.accounts.access import role_required, site_ids_for
from cellpath.accounts.roles import PATIENT_DATA_ROLES, Role
from cellpath.programmes.models import OutcomesCard, Programme
from cellpath.programmes.services import decide_card
from cellpath.reports import pdf
from cellpath.reports.build import build_presentation, build_report
from cellpath.reports.forms import FilterForm, ReferenceCohortForm
from cellpath.reports.models import ReferenceCohort
from cellpath.reports.presentation import analysis_rows
from cellpath.reports.queries import report_sites
from cellpath.reports.services import MAX_UPLOAD_BYTES, prepare_card, upload_reference_cohort

REPORT_ROLES = (Role.COORDINATOR, Role.CLINICIAN, Role.ADMINISTRATOR)
CARD_ROLES = (Role.COORDINATOR, Role.ADMINISTRATOR)


def _form(request: HttpRequest) -> FilterForm:
    """The filters, always bound: no filter at all is a valid choice (every course)."""
    return FilterForm(request.GET, site_ids=report_sites(request.user))


def _context(request: HttpRequest, export: str = "") -> tuple[FilterForm, dict[str, object], int]:
    form = _form(request)
    if not form.is_valid():
        return form, {"form": form, "p": None}, 400
    presentation = build_presentation(
        user=request.user,
        filters=form.filters(),
        described=form.described(),
        controls=form.cleaned_data.get("controls"),
        export=export,
    )
    query = request.GET.urlencode()
    return (
        form,
        {
            "form": form,
            "p": presentation,
            "query": f"?{query}" if query else "",
            "may_download_table": bool(site_ids_for(request.user, PATIENT_DATA_ROLES)),
            "may_publish": bool(site_ids_for(request.user, CARD_ROLES)),
            "may_add_cohorts": bool(site_ids_for(request.user, (Role.ADMINISTRATOR,))),
        },
        200,
    )


@role_required(*REPORT_ROLES)
def cohort_report(request: HttpRequest) -> HttpResponse:
    _, context, status = _context(request)
    return render(request, "reports/report.html", context, status=status)


@role_required(*REPORT_ROLES)
def cohort_report_pdf(request: HttpRequest) -> HttpResponse:
    _, context, status = _context(request, export="pdf")
    if status != 200:
        return render(request, "reports/report.html", context, status=status)
    context["stylesheet"] = pdf.stylesheet()
    html = render_to_string("reports/report_document.html", context, request=request)
    response = HttpResponse(pdf.render(html), content_type="application/pdf")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="cellpath-report-{stamp}.pdf"'
    return response


@role_required(Role.COORDINATOR, Role.CLINICIAN)
def analysis_csv(request: HttpRequest) -> HttpResponse:
    """One row per treated course: every derived figure and every exclusion reason (study IDs
    only; audited as an export with the study IDs it holds)."""
    form = _form(request)
    if not form.is_valid():
        return render(request, "reports/report.html", {"form": form, "p": None}, status=400)
    report = build_report(user=request.user, filters=form.filters(), export="csv")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="cellpath-analysis-{stamp}.csv"'
    if report is not None:
        csv.writer(response).writerows(analysis_rows(report))
    return response


# --- the public outcomes card -----------------------------------------------------------------


@role_required(*CARD_ROLES)
@never_cache
def outcome_cards(request: HttpRequest) -> HttpResponse:
    """The programmes of the user's sites: their published card, the card waiting for an
    administrator, and a button to prepare a new snapshot."""
    site_ids = site_ids_for(request.user, CARD_ROLES)
    admin_sites = set(site_ids_for(request.user, (Role.ADMINISTRATOR,)))
    programmes = list(
        Programme.objects.filter(site_id__in=site_ids)
        .select_related("site")
        .order_by("site__name", "name")
    )
    cards = OutcomesCard.objects.filter(programme__in=programmes).exclude(
        status__in=[OutcomesCard.Status.SUPERSEDED]
    )
    by_programme: dict[int, dict[str, OutcomesCard]] = {}
    for card in cards.order_by("as_of", "pk"):
        by_programme.setdefault(card.programme_id, {})[card.status] = card
    rows = [
        {
            "programme": p,
            "published": by_programme.get(p.pk, {}).get(OutcomesCard.Status.PUBLISHED),
            "pending": by_programme.get(p.pk, {}).get(OutcomesCard.Status.PENDING),
            "may_decide": p.site_id in admin_sites,
        }
        for p in programmes
    ]
    return render(request, "reports/cards.html", {"rows": rows})


@role_required(*CARD_ROLES)
@require_POST
def card_prepare(request: HttpRequest, slug: str) -> HttpResponse:
    programme = Programme.objects.filter(
        slug=slug, site_id__in=site_ids_for(request.user, CARD_ROLES)
    ).first()
    if programme is None:
        raise Http404
    prepare_card(actor=request.user, programme=programme)
    messages.success(
        request,
        f"A new snapshot of {programme.name} is waiting for an administrator of the site.",
    )
    return redirect("reports:cards")


@role_required(Role.ADMINISTRATOR)
@require_POST
def card_decide(request: HttpRequest, pk: int) -> HttpResponse:
    card = OutcomesCard.objects.filter(
        pk=pk, programme__site_id__in=site_ids_for(request.user, (Role.ADMINISTRATOR,))
    ).first()
    if card is None:
        raise Http404
    approve = request.POST.get("decision") == "approve"
    try:
        decide_card(actor=request.user, card=card, approve=approve)
    except PermissionDenied as refused:
        messages.error(request, str(refused))
        return redirect("reports:cards")
    messages.success(request, "Published." if approve else "Not approved; nothing was published.")
    return redirect("reports:cards")


# --- reference cohorts ------------------------------------------------------------------------


@role_required(Role.ADMINISTRATOR)
@never_cache
def reference_cohorts(request: HttpRequest) -> HttpResponse:
    """A site administrator's reference cohorts, and the form that adds one."""
    site_ids = site_ids_for(request.user, (Role.ADMINISTRATOR,))
    form = ReferenceCohortForm(request.POST or None, request.FILES or None, site_ids=site_ids)
    status = 200
    if request.method == "POST":
        for field in ("patients", "visits"):
            upload = request.FILES.get(field)
            if upload is not None and upload.size and upload.size > MAX_UPLOAD_BYTES:
                form.add_error(field, f"Larger than {MAX_UPLOAD_BYTES // 2**20} MB.")
        if form.is_valid():
            data = form.cleaned_data
            try:
                upload_reference_cohort(
                    actor=request.user,
                    site_id=data["site"],
                    name=data["name"],
                    description=data["description"],
                    patients=data["patients"].read(),
                    visits=data["visits"].read(),
                    labels=(data["patients"].name[:100], data["visits"].name[:100]),
                )
            except ValidationError as refused:
                if hasattr(refused, "error_dict"):
                    for field, errors in refused.message_dict.items():
                        form.add_error(field, errors)
                else:
                    form.add_error(None, refused.messages)
            else:
                messages.success(request, f"Reference cohort “{data['name']}” added.")
                return redirect("reports:reference-cohorts")
        status = 400
    cohorts = ReferenceCohort.objects.filter(site_id__in=site_ids).select_related("site")
    return render(
        request,
        "reports/reference_cohorts.html",
        {"form": form, "cohorts": cohorts, "max_mb": MAX_UPLOAD_BYTES // 2**20},
        status=status,
    )
