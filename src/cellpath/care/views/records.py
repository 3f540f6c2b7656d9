"""Patient record pages. Views parse and render; queries scope and audit; services write."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cellpath.accounts.access import role_required
from cellpath.accounts.exports import csv_cell
from cellpath.accounts.queries import site_list
from cellpath.accounts.roles import Role
from cellpath.care import queries, services
from cellpath.care.forms import IdentityForm, NewPatientForm, PatientForm
from cellpath.care.forms_entry import PatientFilterForm
from cellpath.care.links import application_pages
from cellpath.care.queries.medications_consents import consent_coverage

STAFF = (Role.COORDINATOR, Role.CLINICIAN)


def form_errors_from(error: ValidationError, *forms_: object) -> None:
    """Put a model's validation errors next to the fields of whichever form shows them."""
    for field, messages_ in error.message_dict.items():
        target = next((f for f in forms_ if field in f.fields), forms_[0])  # type: ignore[attr-defined]
        for message in messages_:
            target.add_error(field if field in target.fields else None, message)  # type: ignore[attr-defined]


@role_required(*STAFF)
def patient_list(request: HttpRequest) -> HttpResponse:
    sites = site_list(user=request.user, roles=list(STAFF))
    filter_form = PatientFilterForm(
        request.GET or None, sites=sites, searches_names=Role.COORDINATOR in request.user.roles
    )
    page = queries.patient_page(
        user=request.user, page=request.GET.get("page"), **filter_form.filters()
    )
    shows_identity = queries.identity_visibility(request.user)
    rows = [(p, shows_identity(p)) for p in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "care/patient_list.html",
        {
            "page": page,
            "rows": rows,
            "can_add": Role.COORDINATOR in request.user.roles,
            "filter_form": filter_form,
            "filtered": any(filter_form.filters().values()),
            "query": query.urlencode(),
        },
    )


@role_required(Role.PATIENT, *STAFF)
def patient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    patient = queries.patient_get(user=request.user, pk=pk)
    if patient is None:
        raise Http404
    is_team = patient.site_id in {s.pk for s in site_list(user=request.user, roles=list(STAFF))}
    return render(
        request,
        "care/patient_detail.html",
        {
            "patient": patient,
            "show_identity": queries.identity_visibility(request.user)(patient),
            "can_edit": is_team,
            "is_coordinator": patient.site_id
            in {s.pk for s in site_list(user=request.user, roles=[Role.COORDINATOR])},
            "medications": patient.medications.all(),
            "coverage": consent_coverage(patient),
            "at_death": queries.events_at_death(patient) if is_team else ([], []),
            "applications": application_pages(request.user, patient),
        },
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def patient_create(request: HttpRequest) -> HttpResponse:
    sites = site_list(user=request.user, roles=[Role.COORDINATOR])
    identity_form = NewPatientForm(request.POST or None, sites=sites, prefix="identity")
    clinical_form = PatientForm(request.POST or None, prefix="clinical")
    if request.method == "POST" and identity_form.is_valid() and clinical_form.is_valid():
        try:
            patient = services.patient_create(
                actor=request.user,
                **identity_form.cleaned_data,
                **{name: clinical_form.cleaned_data[name] for name in services.EDITABLE_FIELDS},
            )
        except ValidationError as error:
            form_errors_from(error, clinical_form, identity_form)
        else:
            messages.success(request, f"Patient {patient.study_id} added.")
            return redirect("care:patient-detail", pk=patient.pk)
    return render(
        request,
        "care/patient_form.html",
        {"forms": [identity_form, clinical_form], "title": "Add a patient"},
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def patient_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Clinical facts for the care team; names and contact details for coordinators only."""
    patient = queries.patient_get(user=request.user, pk=pk)
    if (
        patient is None
        or not site_list(user=request.user, roles=list(STAFF)).filter(pk=patient.site_id).exists()
    ):
        raise Http404
    edits_identity = (
        queries.identity_visibility(request.user)(patient) and patient.user_id != request.user.pk
    )
    data = request.POST or None
    clinical_form = PatientForm(
        data,
        instance=patient,
        prefix="clinical",
        clinicians=services.clinicians_of(patient.site_id),
    )
    forms_ = [clinical_form]
    identity_form = None
    if edits_identity:
        identity_form = IdentityForm(data, instance=patient.identity, prefix="identity")
        forms_.insert(0, identity_form)
    if request.method == "POST" and all(f.is_valid() for f in forms_):
        try:
            if identity_form is not None:
                services.identity_update(
                    actor=request.user, patient=patient, **identity_form.cleaned_data
                )
            services.patient_update(
                actor=request.user,
                patient=patient,
                **{name: clinical_form.cleaned_data[name] for name in services.EDITABLE_FIELDS},
            )
            services.patient_clinician_set(
                actor=request.user,
                patient=patient,
                clinician=clinical_form.cleaned_data["clinician"],
            )
        except ValidationError as error:
            form_errors_from(error, *forms_)
        else:
            messages.success(request, f"Patient {patient.study_id} saved.")
            return redirect("care:patient-detail", pk=patient.pk)
    return render(
        request, "care/patient_form.html", {"forms": forms_, "title": f"Edit {patient.study_id}"}
    )


@role_required(*STAFF)
def patient_export(request: HttpRequest) -> HttpResponse:
    """CSV of the patients the user may see; names only for coordinators of their site."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="cellpath-patients-{stamp}.csv"'
    writer = csv.writer(response)
    columns = ["study_id", "site", "full_name", *services.EDITABLE_FIELDS]
    writer.writerow(columns)
    shows_identity = queries.identity_visibility(request.user)
    for p in queries.patient_export(user=request.user):
        name = p.identity.full_name if shows_identity(p) else ""
        values = [p.study_id, p.site.code.upper(), name]
        values += [getattr(p, field) for field in services.EDITABLE_FIELDS]
        writer.writerow(csv_cell(v) for v in values)
    return response
