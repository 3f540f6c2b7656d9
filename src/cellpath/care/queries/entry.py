"""Reads behind staff data entry: a patient's treatment and follow-up, a course with its chain of
identity, a visit with its assessments and the values to check. Every function takes the acting
user, scopes through `patients_visible_to`, answers None for another site's record (→ 404) and
records the read in the audit log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet

from cellpath.accounts.audit import record_view
from cellpath.accounts.models import Membership, User
from cellpath.accounts.roles import Role
from cellpath.care import data_quality
from cellpath.care.data_quality import Finding
from cellpath.care.measurements import alsfrs_r_total_shown, fvc_percents
from cellpath.care.models import (
    Administration,
    AdverseEvent,
    AlsfrsR,
    Batch,
    DataQuery,
    Harvest,
    Patient,
    PatientUpdate,
    Spirometry,
    TreatmentCourse,
    Visit,
    Weight,
)
from cellpath.care.progression.wording import fvc_percent_missing
from cellpath.care.queries.data_queries import visit_queries
from cellpath.care.queries.records import patients_visible_to
from cellpath.outcomes.alsfrs_questions import BY_ITEM, Question
from cellpath.outcomes.spirometry import FvcPercentPredicted
from cellpath.outcomes.vocabulary import completed_years

TEAM = (Role.COORDINATOR, Role.CLINICIAN)


def _team_patients(user: User) -> QuerySet[Patient]:
    """Patients whose care team `user` belongs to. For staff, `patients_visible_to` is exactly
    the patients of their sites; the views let only coordinators and clinicians in."""
    return patients_visible_to(user)


def team_patient_get(*, user: User, pk: int) -> Patient | None:
    patient = _team_patients(user).filter(pk=pk).first()
    if patient is not None:
        record_view(user, patient)
    return patient


def course_get(*, user: User, pk: int) -> TreatmentCourse | None:
    course = (
        TreatmentCourse.objects.filter(pk=pk, patient__in=_team_patients(user))
        .select_related("patient", "patient__site", "follow_up_plan", "programme")
        .first()
    )
    if course is not None:
        record_view(user, course)
    return course


def visit_get(*, user: User, pk: int) -> Visit | None:
    visit = (
        Visit.objects.filter(pk=pk, patient__in=_team_patients(user))
        .select_related("patient", "patient__site", "course__programme", "signed_by")
        .first()
    )
    if visit is not None:
        record_view(user, visit)
    return visit


def adverse_event_get(*, user: User, pk: int) -> AdverseEvent | None:
    event = (
        AdverseEvent.objects.filter(pk=pk, patient__in=_team_patients(user))
        .select_related("patient", "patient__site", "course__programme", "entered_by")
        .first()
    )
    if event is not None:
        record_view(user, event)
    return event


def courses_of(patient: Patient) -> QuerySet[TreatmentCourse]:
    """Choices for a form about a patient the caller has already fetched through a scoped query."""
    return TreatmentCourse.objects.filter(patient=patient).order_by("number")


@dataclass
class PatientTreatment:
    patient: Patient
    courses: list[TreatmentCourse]
    visits: list[Visit]
    adverse_events: list[AdverseEvent]


def patient_treatment(*, user: User, pk: int) -> PatientTreatment | None:
    """A patient's courses, visits and adverse events: four queries, whatever their number."""
    patient = team_patient_get(user=user, pk=pk)
    if patient is None:
        return None
    return PatientTreatment(
        patient=patient,
        courses=list(courses_of(patient).select_related("programme")),
        visits=list(
            Visit.objects.filter(patient=patient)
            .select_related("course", "signed_by")
            .order_by("due_date", "id")
        ),
        adverse_events=list(
            AdverseEvent.objects.filter(patient=patient)
            .select_related("course")
            .order_by("-serious", "-onset_date")
        ),
    )


@dataclass
class CoursePage:
    course: TreatmentCourse
    harvests: list[Harvest]
    batches: list[Batch]
    administrations: list[Administration]
    visits: list[Visit]
    adverse_events: list[AdverseEvent]
    findings: list[Finding] = field(default_factory=list)


def course_findings(course: TreatmentCourse) -> list[Finding]:
    return data_quality.unlinked_programme_findings(
        programme_name=course.programme_name,
        linked=course.programme_id is not None,
        confirmed_not_listed=course.programme_not_listed,
    )


def course_page(*, user: User, pk: int) -> CoursePage | None:
    """A course with its chain of identity (dose → lot → harvest), its visits and its adverse
    events: six queries, whatever their number."""
    course = course_get(user=user, pk=pk)
    if course is None:
        return None
    return CoursePage(
        course=course,
        harvests=list(Harvest.objects.filter(course=course).order_by("collected_on", "id")),
        batches=list(
            Batch.objects.filter(course=course).select_related("harvest").order_by("lot_number")
        ),
        administrations=list(
            Administration.objects.filter(course=course)
            .select_related("batch", "batch__harvest")
            .order_by("given_on", "id")
        ),
        visits=list(
            Visit.objects.filter(course=course)
            .select_related("signed_by")
            .order_by("due_date", "id")
        ),
        adverse_events=list(
            AdverseEvent.objects.filter(course=course).order_by("-serious", "-onset_date")
        ),
        findings=course_findings(course),
    )


def age_years(patient: Patient, on: date) -> int | None:
    """The patient's age in completed years on `on` (None without a date of birth)."""
    if patient.date_of_birth is None:
        return None
    return completed_years(patient.date_of_birth, on)


def _percent_source(measurement: Spirometry, fvc: FvcPercentPredicted) -> str:
    """Where FVC % predicted comes from, or why it is missing (the progression page's words)."""
    if fvc.source == "computed":
        return f"computed with {measurement.get_equation_display()}"
    if fvc.source == "entered":
        return "as entered from a report"
    return fvc_percent_missing(fvc.reason)


def alsfrs_r_findings(assessment: AlsfrsR) -> list[Finding]:
    patient = assessment.patient
    findings = data_quality.item5_findings(
        answered_5b=assessment.q5b is not None,
        gastrostomy_date=patient.gastrostomy_date,
        assessed_on=assessment.assessed_on,
    )
    total = alsfrs_r_total_shown(assessment)
    previous = (
        AlsfrsR.objects.filter(patient=patient, assessed_on__lt=assessment.assessed_on)
        .order_by("-assessed_on")
        .first()
    )
    if total is not None and previous is not None:
        findings += data_quality.alsfrs_r_change_findings(
            total, alsfrs_r_total_shown(previous), previous.assessed_on, assessment.assessed_on
        )
    findings += data_quality.ventilation_findings(
        item12=assessment.q12,
        niv_date=patient.niv_date,
        tracheostomy_date=patient.tracheostomy_date,
        assessed_on=assessment.assessed_on,
    )
    return findings


def spirometry_findings(measurement: Spirometry) -> list[Finding]:
    (fvc,) = fvc_percents(measurement.patient, [measurement])
    return data_quality.fvc_percent_findings(fvc.percent)


def _weight_before(patient: Patient, day: date) -> Weight | None:
    return (
        Weight.objects.filter(patient=patient, measured_on__lt=day)
        .order_by("-measured_on", "-id")
        .first()
    )


def weight_findings(weight: Weight, previous: Weight | None = None) -> list[Finding]:
    """Compared with the last weight before its day (`previous`, when the caller has it)."""
    previous = previous or _weight_before(weight.patient, weight.measured_on)
    if previous is None:
        return []
    return data_quality.weight_change_findings(
        weight.kg, previous.kg, previous.measured_on, weight.measured_on
    )


@dataclass
class ScoredAlsfrsR:
    assessment: AlsfrsR
    total: int | None

    @property
    def answers(self) -> list[tuple[Question, int, str]]:
        """Each answered item with the scale's wording of the answer."""
        return [
            (BY_ITEM[name], score, BY_ITEM[name].answers[4 - score])
            for name, score in self.assessment.items().items()
            if score is not None
        ]


@dataclass
class MeasuredSpirometry:
    measurement: Spirometry
    percent: float | None
    percent_source: str


@dataclass
class VisitPage:
    visit: Visit
    status: Visit.Status
    alsfrs_r: list[ScoredAlsfrsR]
    spirometry: list[MeasuredSpirometry]
    weights: list[Weight]
    updates: list[tuple[PatientUpdate, str]]
    queries: list[DataQuery] = field(default_factory=list)
    """Open and answered data-quality queries about the visit (run on save)."""


def _author(update: PatientUpdate, team: set[int]) -> str:
    """Who wrote an update, without naming the patient or their caregiver (clinicians work on
    study IDs)."""
    if update.entered_by_id in team:
        return update.entered_by.full_name or "the care team"
    return "the patient or their caregiver" if update.entered_by_id else ""


def _on_day(visit: Visit, day_field: str) -> Q:
    """Kept with the visit, or (for a patient's own update, or a weight entered elsewhere)
    dated the day the visit was seen."""
    where = Q(visit=visit)
    if visit.visit_date is not None:
        where |= Q(visit__isnull=True, **{day_field: visit.visit_date})
    return where


def visit_page(*, user: User, pk: int, today: date) -> VisitPage | None:
    """A visit, what was measured at it, and the data-quality queries about it. ALSFRS-R and
    spirometry are attached to the visit; weights and updates too, or found by the day it was
    seen. Queries are bounded: one per kind of measurement."""
    visit = visit_get(user=user, pk=pk)
    if visit is None:
        return None
    patient = visit.patient
    alsfrs = list(AlsfrsR.objects.filter(visit=visit).order_by("assessed_on"))
    spirometry = list(Spirometry.objects.filter(visit=visit).order_by("measured_on"))
    weights = list(
        Weight.objects.filter(_on_day(visit, "measured_on"), patient=patient).order_by("id")
    )
    updates = list(
        PatientUpdate.objects.filter(_on_day(visit, "written_on"), patient=patient)
        .select_related("entered_by")
        .order_by("entered_at")
    )
    for row in (*alsfrs, *spirometry, *weights, *updates):
        row.patient = patient  # already loaded with the visit
    team = set(
        Membership.objects.filter(site_id=patient.site_id, role__in=TEAM).values_list(
            "user_id", flat=True
        )
    )
    return VisitPage(
        visit=visit,
        status=visit.status(today, patient.death_date),
        alsfrs_r=[ScoredAlsfrsR(a, alsfrs_r_total_shown(a)) for a in alsfrs],
        spirometry=[
            MeasuredSpirometry(m, fvc.percent, _percent_source(m, fvc))
            for m, fvc in zip(spirometry, fvc_percents(patient, spirometry), strict=True)
        ],
        weights=weights,
        updates=[(u, _author(u, team)) for u in updates],
        queries=visit_queries(visit),
    )
