"""Reads of medications and consent records, scoped through `patients_visible_to`, and which
consent covers which harvest and dose."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cellpath.accounts.audit import record_view
from cellpath.accounts.models import User
from cellpath.care.data_quality import consent_state
from cellpath.care.models import Administration, Consent, Harvest, Medication, Patient
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


@dataclass(frozen=True)
class CellEntry:
    """A harvest or a dose, and its day."""

    what: str
    day: date


@dataclass(frozen=True)
class ConsentCover:
    """A consent and the harvests and doses it covers (treatment consents only)."""

    consent: Consent
    covers: list[CellEntry]


@dataclass(frozen=True)
class ConsentCoverage:
    consents: list[ConsentCover]
    uncovered: list[CellEntry]
    """Harvests and doses no consent to treatment covered (entered before the rule)."""


def consent_coverage(patient: Patient) -> ConsentCoverage:
    """Which consent covers which harvest and dose (issue 18), for a patient the caller has
    already fetched through a scoped, audited query: three queries."""
    consents = list(patient.consents.all())
    cells = [
        *(
            CellEntry("harvest", h.collected_on)
            for h in Harvest.objects.filter(course__patient=patient)
        ),
        *(
            CellEntry("dose", d.given_on)
            for d in Administration.objects.filter(course__patient=patient)
        ),
    ]
    cells.sort(key=lambda entry: (entry.day, entry.what))
    treatment = [c for c in consents if c.purpose == Consent.Purpose.TREATMENT]
    periods = [(c.given_on, c.withdrawn_on) for c in treatment]
    return ConsentCoverage(
        consents=[
            ConsentCover(
                c,
                [
                    e
                    for e in cells
                    if consent_state(e.day, [(c.given_on, c.withdrawn_on)]) == "active"
                ]
                if c in treatment
                else [],
            )
            for c in consents
        ],
        uncovered=[e for e in cells if consent_state(e.day, periods) != "active"],
    )
