"""Reads of medications and consent records, scoped through `patients_visible_to`."""

from __future__ import annotations

from cellpath.accounts.audit import record_view
from cellpath.accounts.models import User
from cellpath.care.models import Consent, Medication
from cellpath.care.queries.records import patients_visible_to


def medication_get(*, user: User, pk: int) -> Medication | None:
    medication = (
        Medication.objects.filter(pk=pk, patient__in=patients_visible_to(user))
        .select_related("patient", "patient__site")
        .first()
    )
    if medication is not None:
        record_view(user, medication)
    return medication


def consent_get(*, user: User, pk: int) -> Consent | None:
    consent = (
        Consent.objects.filter(pk=pk, patient__in=patients_visible_to(user))
        .select_related("patient", "patient__site")
        .first()
    )
    if consent is not None:
        record_view(user, consent)
    return consent
