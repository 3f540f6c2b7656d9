"""Staff pages of exchange: export the cohort, download what was built, manage access tokens;
and the FHIR Bundle of one patient (for staff, and for the patient's own download)."""

from __future__ import annotations

import json
import tempfile

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cellpath.accounts.access import role_required
from cellpath.accounts.roles import Role
from cellpath.care.models import Patient
from cellpath.care.queries import patient_get
from cellpath.care.views.portal import patient_portal
from cellpath.exchange import fhir_export, services
from cellpath.exchange.forms import ExportForm, TokenForm
from cellpath.exchange.models import AccessToken, ExportJob
from cellpath.exchange.queries import EXPORT_ROLES, export_scope, export_sites, patient_count

FHIR_JSON = "application/fhir+json; charset=utf-8"


def _export_context(request: HttpRequest, form: ExportForm) -> dict[str, object]:
    services.expire_exports()
    jobs = ExportJob.objects.filter(user=request.user)[:20]
    return {"form": form, "jobs": jobs, "inline_limit": services.INLINE_PATIENTS}


@role_required(*EXPORT_ROLES)
@never_cache
def export_page(request: HttpRequest) -> HttpResponse:
    """Choose the cohort (the report's filters) and a format; small cohorts download at once,
    larger ones are built in the background and listed below with a download link."""
    sites = export_sites(request.user)
    if request.method != "POST":
        form = ExportForm(site_ids=sites)
        return render(request, "exchange/export.html", _export_context(request, form))
    form = ExportForm(request.POST, site_ids=sites)
    if not form.is_valid():
        return render(request, "exchange/export.html", _export_context(request, form), status=400)
    filters, fmt = form.filters(), form.cleaned_data["format"]
    scope = export_scope(user=request.user, filters=filters)
    if patient_count(scope) > services.INLINE_PATIENTS:
        services.start_export(user=request.user, filters=filters, fmt=fmt)
        messages.success(
            request,
            "Your export is being prepared. It will be listed below with a download link; "
            "reload this page in a minute.",
        )
        return redirect("exchange:export")
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    services.write_export(request.user, scope, fmt, out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=services.download_name(fmt),
        content_type="application/zip",
    )


@role_required(*EXPORT_ROLES)
@never_cache
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The file of one of the user's own finished exports (404 for anyone else's)."""
    job = get_object_or_404(ExportJob, pk=pk, user=request.user)
    path = services.export_file(job)
    if path is None:
        raise Http404("This export is not ready or has expired.")
    services.record_download(request.user, job)
    return FileResponse(
        open(path, "rb"),
        as_attachment=True,
        filename=services.download_name(job.format, job.created_at.date()),
        content_type="application/zip",
    )


# --- personal access tokens -------------------------------------------------------------------


@role_required(*EXPORT_ROLES)
@never_cache
def tokens_page(request: HttpRequest) -> HttpResponse:
    """The user's tokens for the FHIR API; a new token's secret is shown once, on this answer
    only (never stored, never put in a message or a redirect)."""
    form = TokenForm(request.POST or None)
    secret = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _, secret = services.token_create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    days=form.cleaned_data["days"],
                )
                form = TokenForm()
            except ValidationError as error:
                form.add_error(None, error)
        if not secret:
            status = 400
    tokens = AccessToken.objects.filter(user=request.user)[:50]
    return render(
        request,
        "exchange/tokens.html",
        {"form": form, "tokens": tokens, "secret": secret, "now": timezone.now()},
        status=status,
    )


@role_required(*EXPORT_ROLES)
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(AccessToken, pk=pk, user=request.user)
    services.token_revoke(user=request.user, token=token)
    messages.success(request, f"The token “{token.name}” no longer works.")
    return redirect("exchange:tokens")


# --- one patient as a FHIR Bundle -------------------------------------------------------------


def _bundle_response(request: HttpRequest, patient: Patient) -> HttpResponse:
    bundle = fhir_export.patient_bundle(user=request.user, patient=patient)
    body = json.dumps(bundle, ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type=FHIR_JSON)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="cellpath-{patient.study_id}-fhir-{stamp}.json"'
    )
    return response


@role_required(Role.COORDINATOR, Role.CLINICIAN)
def patient_fhir(request: HttpRequest, pk: int) -> HttpResponse:
    """One patient's record as a FHIR `collection` Bundle (404 outside the user's sites)."""
    patient = patient_get(user=request.user, pk=pk)
    if patient is None:
        raise Http404
    return _bundle_response(request, patient)


@patient_portal(own_only=True)
def my_fhir(request: HttpRequest, patient: Patient) -> HttpResponse:
    """The patient's own record as a FHIR Bundle (GDPR Art. 20: data portability)."""
    return _bundle_response(request, patient)
