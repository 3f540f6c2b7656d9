"""The REDCap import page: upload, see the dry run, confirm.

The upload is kept under MEDIA_ROOT/imports/<token>/ (never in the session: it may be 20 MB),
the token random and tied to the user who uploaded it; it is deleted once applied, and any
upload older than a day is deleted whenever the page is used. Confirming derives the plan again
from the stored files: nothing of the plan is taken from the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cellpath.accounts.access import role_required, site_ids_for
from cellpath.accounts.audit import Origin, origin
from cellpath.accounts.models import Site
from cellpath.exchange import uploads
from cellpath.exchange.forms import RedcapImportForm
from cellpath.exchange.redcap.importer import (
    IMPORT_ROLES,
    MAX_FILE_BYTES,
    ImportRefusedError,
    apply_import,
    plan_import,
)
from cellpath.exchange.redcap.mapping import MAX_MAPPING_BYTES, MappingError, read_mapping

SAMPLE = 20
SHOWN_REFUSALS = 500


def _origin(request: HttpRequest) -> Origin:
    return Origin(
        ip_address=request.META.get("REMOTE_ADDR"),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        channel="web",
    )


def _plan_context(plan, token: str) -> dict[str, object]:
    refused = plan.refused
    return {
        "plan": plan,
        "token": token,
        "counts": plan.counts,
        "refused": [reason for row in refused for reason in row.reasons][:SHOWN_REFUSALS],
        "refused_more": max(0, sum(len(r.reasons) for r in refused) - SHOWN_REFUSALS),
        "sample": [r for r in plan.rows if r.action in ("add", "update")][:SAMPLE],
    }


@role_required(*IMPORT_ROLES)
@require_http_methods(["GET", "POST"])
def redcap_import(request: HttpRequest) -> HttpResponse:
    uploads.remove_expired()
    site_ids = site_ids_for(request.user, IMPORT_ROLES)
    form = RedcapImportForm(request.POST or None, request.FILES or None, site_ids=site_ids)
    status = 200
    if request.method == "POST":
        limits = {
            "records": (MAX_FILE_BYTES, f"Larger than {MAX_FILE_BYTES // 2**20} MB."),
            "mapping": (MAX_MAPPING_BYTES, f"Larger than {MAX_MAPPING_BYTES // 1000} kB."),
        }
        for name, (limit, message) in limits.items():
            upload = request.FILES.get(name)
            if upload is not None and upload.size and upload.size > limit:
                form.add_error(name, message)
        if form.is_valid():
            mapping_bytes = form.cleaned_data["mapping"].read()
            try:
                mapping = read_mapping(mapping_bytes, form.cleaned_data["mapping"].name[:100])
            except MappingError as error:
                form.add_error("mapping", error.problems[:50])
            else:
                site = Site.objects.get(pk=form.cleaned_data["site"])
                upload = form.cleaned_data["records"]
                name = upload.name[:100]
                token = uploads.store(
                    request.user, site.pk, name, upload.chunks(), mapping_bytes, mapping.name
                )
                plan = plan_import(
                    uploads.records_path(token), mapping, site=site, actor=request.user,
                    file_name=name,
                )  # fmt: skip
                if not plan.applicable:
                    uploads.remove(token)
                    token = ""
                return render(request, "exchange/redcap_plan.html", _plan_context(plan, token))
        status = 400
    return render(
        request,
        "exchange/redcap_import.html",
        {"form": form, "max_mb": MAX_FILE_BYTES // 2**20},
        status=status,
    )


@role_required(*IMPORT_ROLES)
@require_POST
def redcap_import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    stored = uploads.load(token, request.user)
    if stored is None:
        raise Http404("This upload has expired or is not yours; upload the files again.")
    if stored.site_id not in site_ids_for(request.user, IMPORT_ROLES):
        raise PermissionDenied
    site = Site.objects.get(pk=stored.site_id)
    try:
        mapping = read_mapping(stored.mapping_bytes, stored.mapping_name)
    except MappingError:  # it was checked on upload; a changed file is a new upload
        uploads.remove(token)
        raise Http404("The stored mapping is no longer readable; upload the files again.") from None
    plan = plan_import(
        uploads.records_path(token), mapping, site=site, actor=request.user,
        file_name=stored.records_name,
    )  # fmt: skip
    if not plan.applicable:
        uploads.remove(token)
        return render(request, "exchange/redcap_plan.html", _plan_context(plan, ""), status=409)
    try:
        with origin(_origin(request)):
            counts = apply_import(plan, actor=request.user)
    except ImportRefusedError as error:
        messages.error(request, str(error))
        return redirect("exchange:redcap-import")
    finally:
        uploads.remove(token)
    messages.success(
        request,
        f"Imported {plan.file_name} into {site.name}: {counts['add']:,} rows added, "
        f"{counts['update']:,} updated, {counts['unchanged']:,} unchanged; "
        f"{len(plan.new_records):,} new patients.",
    )
    return redirect("exchange:redcap-import")
