"""Reads of the patient portal: one's own schedule, updates, self-reports and data, and the
coordinators' queue of erasure requests. Every read starts from `patients_visible_to` and is
recorded in the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from cellpath.accounts.access import site_ids_for
from cellpath.accounts.audit import AuditedModel, record_export, record_list, record_view
from cellpath.accounts.models import User
from cellpath.accounts.roles import Role
from cellpath.care.models import (
    Administration,
    AdverseEvent,
    AlsfrsR,
    Batch,
    CaregiverLink,
    Consent,
    ErasureRequest,
    Harvest,
    Medication,
    Patient,
    PatientIdentity,
    PatientUpdate,
    PredictionRelease,
    Spirometry,
    TreatmentCourse,
    Visit,
    Weight,
)
from cellpath.care.queries.records import patients_visible_to
from cellpath.outcomes.alsfrs import alsfrs_r_total

PORTAL_PATIENT_KEY = "cellpath_portal_patient"
"""Session key: the record a caregiver of several patients chose to act for."""


def portal_patients(*, user: User) -> list[Patient]:
    """The records a user acts for in the portal: their own first, then those of the patients
    who made them their caregiver."""
    if not user.is_authenticated:
        return []
    cared_for = CaregiverLink.objects.filter(
        user=user, accepted_at__isnull=False, revoked_at__isnull=True
    ).values("patient_id")
    rows = patients_visible_to(user).filter(Q(user=user) | Q(pk__in=cared_for))
    return sorted(rows, key=lambda p: (p.user_id != user.pk, p.study_id))


def has_own_record(user: User) -> bool:
    """Whether the user is a patient with a record of their own (not only someone's caregiver);
    an existence check that reads no record, so the menu can ask it on every page."""
    return Patient.objects.filter(user=user).exists()


def own_record(*, user: User) -> Patient | None:
    """The user's own patient record, never one they care for."""
    return next((p for p in portal_patients(user=user) if p.user_id == user.pk), None)


def own_patient(*, user: User, chosen: int | None = None) -> Patient | None:
    """The record the portal shows: the one chosen in this session if the user may act for it,
    else their own, else the first they care for (None when not linked yet)."""
    rows = portal_patients(user=user)
    return next((p for p in rows if p.pk == chosen), rows[0] if rows else None)


@dataclass
class PortalContext:
    """What the patient's home page needs beyond their record (a caregiver has none)."""

    patient: Patient | None
    caregiving: bool
    others: list[Patient]
    questionnaire_due: bool


def portal_context(*, user: User, chosen: int | None = None) -> PortalContext:
    rows = portal_patients(user=user)
    patient = next((p for p in rows if p.pk == chosen), rows[0] if rows else None)
    caregiving = patient is not None and patient.user_id != user.pk
    if caregiving:
        record_view(user, patient)
    return PortalContext(
        patient=patient,
        caregiving=caregiving,
        others=[p for p in rows if p != patient],
        questionnaire_due=patient is not None and questionnaire_due(patient, timezone.localdate()),
    )


def has_gastrostomy(patient: Patient, today: date) -> bool:
    """Item 5b replaces 5a from the day of the gastrostomy on (Cedarbaum 1999)."""
    return patient.gastrostomy_date is not None and patient.gastrostomy_date <= today


def answered_today(patient: Patient, today: date) -> bool:
    """One ALSFRS-R per patient per day (self-reported or rated by the clinic)."""
    return AlsfrsR.objects.filter(patient=patient, assessed_on=today).exists()


def questionnaire_due(patient: Patient, today: date) -> bool:
    """A follow-up visit's window is open today, not yet seen, and no ALSFRS-R today."""
    open_visits = Visit.objects.filter(patient=patient, visit_date__isnull=True).only(
        "due_date", "window_days", "visit_date"
    )
    due = any(v.status(today, patient.death_date) == Visit.Status.DUE for v in open_visits)
    return due and not answered_today(patient, today)


# --- the schedule -------------------------------------------------------------------------


PLAIN_STATUS = {
    Visit.Status.UPCOMING: "Coming up",
    Visit.Status.DUE: "Due now",
    Visit.Status.OVERDUE: "Overdue",
    Visit.Status.DONE: "Done",
    Visit.Status.DONE_OUT_OF_WINDOW: "Done, on another day than planned",
    Visit.Status.NOT_HELD: "Not held",
}


@dataclass(frozen=True)
class ScheduleRow:
    visit: Visit
    status: Visit.Status

    @property
    def status_text(self) -> str:
        return PLAIN_STATUS[self.status]

    @property
    def opens(self) -> date:
        return self.visit.due_date - timedelta(days=self.visit.window_days)

    @property
    def closes(self) -> date:
        return self.visit.due_date + timedelta(days=self.visit.window_days)


@dataclass
class ScheduleGroup:
    title: str
    rows: list[ScheduleRow] = field(default_factory=list)

    UPCOMING_SHOWN = 3

    @property
    def shown(self) -> list[ScheduleRow]:
        """Past and current visits, and the next few: a phone screen, not five years of dates."""
        return self.rows[: len(self.rows) - len(self.later)]

    @property
    def later(self) -> list[ScheduleRow]:
        upcoming = [i for i, row in enumerate(self.rows) if row.status == Visit.Status.UPCOMING]
        cut = upcoming[self.UPCOMING_SHOWN] if len(upcoming) > self.UPCOMING_SHOWN else None
        return self.rows[cut:] if cut is not None else []


@dataclass
class Schedule:
    patient: Patient
    groups: list[ScheduleGroup]
    due_now: bool


def schedule(*, user: User, patient: Patient, today: date) -> Schedule:
    """The patient's visits, course by course, with where each stands today."""
    visits = list(
        Visit.objects.filter(patient=patient)
        .select_related("patient", "course__programme")
        .order_by("course__number", "due_date", "id")
    )
    record_list(user, visits, detail={"page": "portal schedule"})
    groups: dict[int | None, ScheduleGroup] = {}
    for visit in visits:
        key = visit.course_id
        if key not in groups:
            title = (
                f"Treatment course {visit.course.number}: {visit.course.programme_label}"
                if visit.course
                else "Other visits"
            )
            groups[key] = ScheduleGroup(title)
        groups[key].rows.append(ScheduleRow(visit, visit.status(today, patient.death_date)))
    return Schedule(
        patient=patient,
        groups=list(groups.values()),
        due_now=questionnaire_due(patient, today),
    )


# --- self-reports and updates --------------------------------------------------------------


def self_report_get(*, user: User, patient: Patient, pk: int) -> AlsfrsR | None:
    assessment = (
        AlsfrsR.objects.filter(patient__in=patients_visible_to(user), patient=patient, pk=pk)
        .select_related("patient")
        .first()
    )
    if assessment is not None:
        record_view(user, assessment)
    return assessment


def updates(*, user: User, patient: Patient) -> list[tuple[PatientUpdate, str]]:
    """The patient's updates, newest first, each with who wrote it as the reader sees it:
    "you", "the patient", "a caregiver" or "the care team"."""
    rows = list(PatientUpdate.objects.filter(patient=patient).select_related("patient"))
    record_list(user, rows, detail={"page": "portal updates"})
    caregivers = set(
        CaregiverLink.objects.filter(patient=patient, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )

    def author(update: PatientUpdate) -> str:
        if update.entered_by_id == user.pk:
            return "you"
        if update.entered_by_id is not None and update.entered_by_id == patient.user_id:
            return "the patient"
        if update.entered_by_id in caregivers:
            return "a caregiver"
        return "the care team"

    return [(update, author(update)) for update in rows]


# --- the personal data export (GDPR Art. 15 and 20) ------------------------------------------

LEFT_OUT = frozenset(
    {
        "user",
        "entered_by",
        "given_by",
        "signed_by",
        "requested_by",
        "decided_by",
        "released_by",
        "withdrawn_by",
        "token_hash",
    }
)
"""Links to staff accounts are left out (who gave a dose stays in `given_by_name`), and so is
the hash of a caregiver's invitation."""


def _row(obj: Model, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"id": obj.pk}
    for model_field in obj._meta.concrete_fields:
        if model_field.primary_key or model_field.name in LEFT_OUT:
            continue
        row[model_field.attname] = model_field.value_from_object(obj)
    row.update(extra)
    return row


@dataclass
class PersonalData:
    patient: Patient
    exported_at: datetime
    tables: dict[str, list[dict[str, Any]]]


def personal_data(*, user: User, patient: Patient, fmt: str) -> PersonalData:
    """Everything Cellpath holds about the patient, table by table; the download is recorded in
    the audit log as one export naming every record in it."""
    patient = patients_visible_to(user).get(pk=patient.pk)  # with its site and identity
    try:
        identity: PatientIdentity | None = patient.identity
    except PatientIdentity.DoesNotExist:
        identity = None
    course_rows = TreatmentCourse.objects.filter(patient=patient).select_related(
        "patient", "programme"
    )
    by_course = {"course__patient": patient}
    sources: list[tuple[str, Iterable[AuditedModel]]] = [
        ("medications", Medication.objects.filter(patient=patient).select_related("patient")),
        ("consents", Consent.objects.filter(patient=patient).select_related("patient")),
        ("treatment_courses", course_rows),
        ("harvests", Harvest.objects.filter(**by_course).select_related("course__patient")),
        ("lots", Batch.objects.filter(**by_course).select_related("course__patient")),
        (
            "doses",
            Administration.objects.filter(**by_course).select_related("course__patient"),
        ),
        ("visits", Visit.objects.filter(patient=patient).select_related("patient")),
        ("alsfrs_r", AlsfrsR.objects.filter(patient=patient).select_related("patient")),
        ("spirometry", Spirometry.objects.filter(patient=patient).select_related("patient")),
        (
            "adverse_events",
            AdverseEvent.objects.filter(patient=patient).select_related("patient"),
        ),
        ("weights", Weight.objects.filter(patient=patient).select_related("patient")),
        ("updates", PatientUpdate.objects.filter(patient=patient).select_related("patient")),
        (
            "erasure_requests",
            ErasureRequest.objects.filter(patient=patient).select_related("patient"),
        ),
        ("caregivers", CaregiverLink.objects.filter(patient=patient).select_related("patient")),
        (
            "prediction_releases",
            PredictionRelease.objects.filter(patient=patient).select_related("patient"),
        ),
    ]
    tables: dict[str, list[dict[str, Any]]] = {}
    identity_row = _row(identity) if identity else {}
    identity_row.pop("patient_id", None)
    identity_row["sign_in_email"] = user.email
    tables["identity"] = [identity_row]
    tables["patient"] = [_row(patient, site=patient.site.name)]
    exported: list[AuditedModel] = [patient, *([identity] if identity else [])]
    for name, rows in sources:
        rows = list(rows)
        if name == "alsfrs_r":
            tables[name] = [_row(r, total=alsfrs_r_total(r.items())) for r in rows]
        elif name == "treatment_courses":  # the programme by its name, not only its number
            tables[name] = [_row(r, programme=r.programme_label) for r in rows]
        else:
            tables[name] = [_row(r) for r in rows]
        exported += rows
    # One event for the whole download, naming every record in it (the patient's row first).
    record_export(user, exported, fmt=fmt)
    return PersonalData(patient=patient, exported_at=timezone.now(), tables=tables)


# --- erasure requests ------------------------------------------------------------------------


def erasure_requests_own(*, user: User, patient: Patient) -> list[ErasureRequest]:
    rows = list(
        ErasureRequest.objects.filter(
            patient__in=patients_visible_to(user), patient=patient
        ).select_related("patient")
    )
    record_list(user, rows, detail={"page": "portal erasure"})
    return rows


def coordinated_erasure_requests(user: User) -> QuerySet[ErasureRequest]:
    """Requests of the patients at sites where the user is a coordinator."""
    return ErasureRequest.objects.filter(
        patient__in=patients_visible_to(user),
        patient__site_id__in=site_ids_for(user, [Role.COORDINATOR]),
    ).select_related("patient", "patient__site", "patient__identity")


@dataclass
class ErasureQueue:
    open: list[ErasureRequest]
    decided: list[ErasureRequest]


def erasure_queue(*, user: User, decided_shown: int = 20) -> ErasureQueue:
    requests = coordinated_erasure_requests(user)
    queue = ErasureQueue(
        open=list(requests.filter(status=ErasureRequest.Status.OPEN).order_by("requested_at")),
        decided=list(
            requests.exclude(status=ErasureRequest.Status.OPEN).order_by("-decided_at")[
                :decided_shown
            ]
        ),
    )
    record_list(user, [*queue.open, *queue.decided], detail={"page": "erasure requests"})
    return queue


def erasure_request_get(*, user: User, pk: int) -> ErasureRequest | None:
    """One request of a coordinator's site, or None (→ 404) for any other."""
    request = coordinated_erasure_requests(user).filter(pk=pk).first()
    if request is not None:
        record_view(user, request)
    return request


# --- caregivers ----------------------------------------------------------------------------


def caregiver_links(*, user: User, patient: Patient) -> list[CaregiverLink]:
    """The patient's invitations and caregivers, live ones first."""
    rows = list(
        CaregiverLink.objects.filter(patient__in=patients_visible_to(user), patient=patient)
        .select_related("patient", "user")
        .order_by("revoked_at", "-invited_at")
    )
    record_list(user, rows, detail={"page": "portal caregivers"})
    return rows


def has_sign_in(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()
