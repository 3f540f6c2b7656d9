"""Reads for the progression page: one patient's measurements, courses and adverse events.

A fixed number of queries whatever the length of the history (one per table), scoped through
`patients_visible_to` and audited as a view of the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Max, OuterRef, Prefetch, Subquery

from cellpath.accounts.audit import record
from cellpath.accounts.models import AuditEvent, User
from cellpath.accounts.roles import PATIENT_DATA_ROLES
from cellpath.care.models import (
    Administration,
    AdverseEvent,
    AlsfrsR,
    Patient,
    PatientUpdate,
    PredictionRelease,
    Spirometry,
    TreatmentCourse,
    Visit,
    Weight,
)
from cellpath.care.queries.records import patients_visible_to
from cellpath.outcomes.vocabulary import ALSFRS_R_KEYS


@dataclass(frozen=True)
class ProgressionRecords:
    """Everything the progression page is computed from, as stored (nothing derived)."""

    patient: Patient
    alsfrs: list[Any]  # rows with AlsfrsR's assessed_on, respondent, q1…q12
    spirometry: list[Any]  # rows with Spirometry's measured_on, fvc_litres, … equation
    courses: list[TreatmentCourse]  # administrations prefetched, in date order
    adverse_events: list[AdverseEvent]
    last_record_on: date | None  # the latest date of any record: the patient was alive then
    viewer_is_care_team: bool
    release: PredictionRelease | None  # the clinician's live release of the prediction, if any

    @property
    def prediction_shown(self) -> bool:
        """The care team always sees the predicted survival; the patient and their caregivers
        only once a clinician has released it to them (issue 19)."""
        return self.viewer_is_care_team or self.release is not None


def _latest(model: type, day_field: str) -> Subquery:
    return Subquery(
        model.objects.filter(patient=OuterRef("pk"))
        .values("patient")
        .annotate(latest=Max(day_field))
        .values("latest")[:1]
    )


def progression_records(*, user: User, pk: int) -> ProgressionRecords | None:
    """One patient's progression data, or None when it does not exist or ``user`` may not see
    it (→ 404). Records a view of the patient in the audit log."""
    patient = (
        patients_visible_to(user)
        .filter(pk=pk)
        .annotate(
            latest_visit=_latest(Visit, "visit_date"),
            latest_weight=_latest(Weight, "measured_on"),
            latest_update=_latest(PatientUpdate, "written_on"),
        )
        .first()
    )
    if patient is None:
        return None
    record(user, AuditEvent.Action.VIEW, obj=patient, detail={"page": "progression"})

    # Named rows rather than model instances: a long history is read several times faster.
    alsfrs = list(
        AlsfrsR.objects.filter(patient=patient)
        .order_by("assessed_on")
        .values_list("assessed_on", "respondent", *ALSFRS_R_KEYS, named=True)
    )
    spirometry = list(
        Spirometry.objects.filter(patient=patient)
        .order_by("measured_on")
        .values_list(
            "measured_on", "fvc_litres", "fvc_percent_entered", "svc_litres", "equation", named=True
        )
    )
    courses = list(
        TreatmentCourse.objects.filter(patient=patient)
        .select_related("programme")
        .only(
            "patient_id",
            "number",
            "programme",
            "programme__name",
            "programme_name",
            "product",
            "cell_type",
            "route",
            "started_on",
        )
        .prefetch_related(
            Prefetch(
                "administrations",
                queryset=Administration.objects.only(
                    "course_id", "given_on", "dose_cells", "route"
                ).order_by("given_on", "pk"),
            )
        )
        .order_by("started_on", "number")
    )
    adverse_events = list(
        AdverseEvent.objects.filter(patient=patient)
        .only(
            "patient_id",
            "course_id",
            "description",
            "onset_date",
            "resolved_date",
            "grade",
            "serious",
            "outcome",
        )
        .order_by("onset_date", "pk")
    )
    known_alive = [
        patient.latest_visit,
        patient.latest_weight,
        patient.latest_update,
        *(a.assessed_on for a in alsfrs[-1:]),
        *(s.measured_on for s in spirometry[-1:]),
        *(d.given_on for c in courses for d in c.administrations.all()),
        *(e.onset_date for e in adverse_events),
    ]
    known = [day for day in known_alive if day is not None]
    release = (
        PredictionRelease.objects.filter(patient=patient, withdrawn_at__isnull=True)
        .select_related("released_by")
        .first()
    )
    return ProgressionRecords(
        patient=patient,
        alsfrs=alsfrs,
        spirometry=spirometry,
        courses=courses,
        adverse_events=adverse_events,
        last_record_on=max(known) if known else None,
        # patients_visible_to gives staff their sites' patients only, so a staff role here
        # means this patient's care team.
        viewer_is_care_team=bool(user.roles & PATIENT_DATA_ROLES),
        release=release,
    )


def prediction_release_live(*, user: User, patient: Patient) -> PredictionRelease | None:
    """The live release of the patient's prediction, if ``user`` may see the patient (the page
    that shows it has recorded the view)."""
    return (
        PredictionRelease.objects.filter(
            patient__in=patients_visible_to(user).filter(pk=patient.pk),
            withdrawn_at__isnull=True,
        )
        .select_related("released_by")
        .first()
    )
