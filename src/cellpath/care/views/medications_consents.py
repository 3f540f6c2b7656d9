"""Medications (care team) and consent records (coordinators) on the patient record."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cellpath.accounts.access import role_required
from cellpath.accounts.roles import Role
from cellpath.care import services
from cellpath.care.forms import ConsentForm, DateForm, MedicationForm
from cellpath.care.models import Consent, Medication
from cellpath.care.queries import entry as entry_queries
from cellpath.care.queries.medications_consents import consent_get, medication_get
from cellpath.care.views.entry import form_page

TEAM = (Role.COORDINATOR, Role.CLINICIAN)


def _found(obj: Any) -> Any:
    if obj is None:
        raise Http404
    return obj


@role_required(*TEAM)
@require_http_methods(["GET", "POST"])
def medication_create(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _found(entry_queries.team_patient_get(user=request.user, pk=pk))
    form = MedicationForm(request.POST or None, instance=Medication(patient=patient))
    return form_page(
        request,
        form,
        save=lambda data: services.medication_record(actor=request.user, patient=patient, **data),
        done="Medication recorded.",
        back=reverse("care:patient-detail", args=[patient.pk]),
        title=f"Add an ALS medication — {patient.study_id}",
    )


@role_required(*TEAM)
@require_http_methods(["GET", "POST"])
def medication_stop(request: HttpRequest, pk: int) -> HttpResponse:
    medication = _found(medication_get(user=request.user, pk=pk))
    form = DateForm(request.POST or None, label="Stopped on")
    return form_page(
        request,
        form,
        save=lambda data: services.medication_stop(
            actor=request.user, medication=medication, stopped_on=data["day"]
        ),
        non_field_to="day",
        done=f"{medication} marked as stopped.",
        back=reverse("care:patient-detail", args=[medication.patient_id]),
        title=f"Record that {medication} stopped — {medication.patient.study_id}",
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def consent_create(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _found(entry_queries.team_patient_get(user=request.user, pk=pk))
    form = ConsentForm(request.POST or None, instance=Consent(patient=patient))
    return form_page(
        request,
        form,
        save=lambda data: services.consent_record(actor=request.user, patient=patient, **data),
        done="Consent recorded.",
        back=reverse("care:patient-detail", args=[patient.pk]),
        title=f"Record consent — {patient.study_id}",
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consent = _found(consent_get(user=request.user, pk=pk))
    if consent.withdrawn_on is not None:
        raise Http404
    form = DateForm(request.POST or None, label="Withdrawn on")
    return form_page(
        request,
        form,
        save=lambda data: services.consent_withdraw(
            actor=request.user, consent=consent, withdrawn_on=data["day"]
        ),
        non_field_to="day",
        done="Withdrawal recorded. The consent record is kept, marked as withdrawn.",
        back=reverse("care:patient-detail", args=[consent.patient_id]),
        title=f"Record withdrawal of consent ({consent}) — {consent.patient.study_id}",
    )
