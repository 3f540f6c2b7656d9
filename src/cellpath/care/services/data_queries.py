"""Data-quality queries: run the rules of `care.data_quality` over a patient's record, keep one
query per rule and record in step with what they find, and move queries through
open → answered → closed. Every write is audited; each function runs in a transaction.

`queries_refresh` runs after every service write that changes a clinical fact (on save) and over
whole sites in `check_data` (the `cellpath check_data` command). A query a person closed as
"checked: right as entered" stays closed while the rule finds the same thing again; one that
closed because the record no longer broke the rule opens anew if it breaks it again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cellpath.accounts.audit import Actor, audited_save
from cellpath.accounts.models import Site
from cellpath.accounts.roles import Role
from cellpath.care import data_quality as rules
from cellpath.care.data_quality import Finding
from cellpath.care.measurements import alsfrs_r_total_shown, fvc_percents
from cellpath.care.models import (
    Administration,
    AdverseEvent,
    AlsfrsR,
    Consent,
    DataQuery,
    Harvest,
    Medication,
    Patient,
    PatientUpdate,
    Spirometry,
    TreatmentCourse,
    Visit,
    Weight,
)
from cellpath.care.services.permissions import STAFF, actor_user, require_role_at_site

SYSTEM = "data-quality rules"
"""How the audit log names the rules when they open or close a query on their own."""

ANSWER_MAX = 2000

T = TypeVar("T")


@dataclass(frozen=True)
class Check:
    """A finding about one record: `subject` names it ("alsfrs_r:12"); `visit_id` is the visit
    it belongs to, if any, so that the visit's page and its signer see it."""

    subject: str
    finding: Finding
    visit_id: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.finding.rule, self.subject)


def _checks(subject: str, findings: Iterable[Finding], visit_id: int | None = None) -> list[Check]:
    return [Check(subject, finding, visit_id) for finding in findings]


def _patient_dates(patient: Patient) -> list[Check]:
    p = patient
    onset = ("symptom onset", p.onset_date)
    pairs = [
        ("date of birth", p.date_of_birth, "symptom onset", p.onset_date),
        (*onset, "diagnosis", p.diagnosis_date),
        (*onset, "gastrostomy", p.gastrostomy_date),
        (*onset, "non-invasive ventilation", p.niv_date),
        (*onset, "tracheostomy", p.tracheostomy_date),
        (*onset, "death", p.death_date),
        ("non-invasive ventilation", p.niv_date, "ventilation over 23 hours", p.niv_full_time_date),
    ]
    found: list[Check] = []
    for pair in pairs:
        # One query per pair of dates, so that correcting one closes its own.
        slug = pair[2].split()[0]
        found += _checks(f"patient:{p.pk}:{slug}", rules.date_order_findings("patient", [pair]))
    return found


def patient_checks(patient: Patient) -> list[Check]:
    """Every rule over one patient's record: a bounded number of queries, whatever its size."""
    death = patient.death_date
    found = _patient_dates(patient)

    alsfrs = list(AlsfrsR.objects.filter(patient=patient).order_by("assessed_on", "id"))
    previous: AlsfrsR | None = None
    for a in alsfrs:
        a.patient = patient
        subject, total = f"alsfrs_r:{a.pk}", alsfrs_r_total_shown(a)
        findings = rules.item5_findings(
            answered_5b=a.q5b is not None,
            gastrostomy_date=patient.gastrostomy_date,
            assessed_on=a.assessed_on,
        )
        findings += rules.ventilation_findings(
            item12=a.q12,
            niv_date=patient.niv_date,
            tracheostomy_date=patient.tracheostomy_date,
            assessed_on=a.assessed_on,
        )
        if previous is not None and total is not None:
            findings += rules.alsfrs_r_change_findings(
                total, alsfrs_r_total_shown(previous), previous.assessed_on, a.assessed_on
            )
        findings += rules.after_death_findings(
            what="an ALSFRS-R", day=a.assessed_on, death_date=death
        )
        found += _checks(subject, findings, a.visit_id)
        if total is not None:
            previous = a

    spirometry = list(Spirometry.objects.filter(patient=patient).order_by("measured_on", "id"))
    for m, fvc in zip(spirometry, fvc_percents(patient, spirometry), strict=True):
        findings = rules.fvc_percent_findings(fvc.percent)
        findings += rules.after_death_findings(
            what="a spirometry test", day=m.measured_on, death_date=death
        )
        found += _checks(f"spirometry:{m.pk}", findings, m.visit_id)

    weights = list(Weight.objects.filter(patient=patient).order_by("measured_on", "id"))
    last_before: Weight | None = None  # the last weight of an earlier day
    for i, w in enumerate(weights):
        if i and weights[i - 1].measured_on < w.measured_on:
            last_before = weights[i - 1]
        findings = rules.after_death_findings(what="a weight", day=w.measured_on, death_date=death)
        if last_before is not None:
            findings += rules.weight_change_findings(
                w.kg, last_before.kg, last_before.measured_on, w.measured_on
            )
        found += _checks(f"weight:{w.pk}", findings, w.visit_id)

    for u in PatientUpdate.objects.filter(patient=patient, written_on__gt=death or date.max):
        found += _checks(
            f"update:{u.pk}",
            rules.after_death_findings(what="an update", day=u.written_on, death_date=death),
            u.visit_id,
        )

    for v in Visit.objects.filter(patient=patient, visit_date__isnull=False):
        findings = rules.visit_window_findings(
            seen_on=v.visit_date, due=v.due_date, window_days=v.window_days
        )
        findings += rules.after_death_findings(what="a visit", day=v.visit_date, death_date=death)
        found += _checks(f"visit:{v.pk}", findings, v.pk)

    for c in TreatmentCourse.objects.filter(patient=patient):
        findings = rules.unlinked_programme_findings(
            programme_name=c.programme_name,
            linked=c.programme_id is not None,
            confirmed_not_listed=c.programme_not_listed,
        )
        findings += rules.after_death_findings(
            what=f"course {c.number}", day=c.started_on, death_date=death
        )
        found += _checks(f"course:{c.pk}", findings)

    consents = list(
        Consent.objects.filter(patient=patient, purpose=Consent.Purpose.TREATMENT).values_list(
            "given_on", "withdrawn_on"
        )
    )
    for h in Harvest.objects.filter(course__patient=patient):
        findings = rules.consent_findings(what="a harvest", day=h.collected_on, consents=consents)
        findings += rules.after_death_findings(
            what="a harvest", day=h.collected_on, death_date=death
        )
        found += _checks(f"harvest:{h.pk}", findings)
    for d in Administration.objects.filter(course__patient=patient):
        findings = rules.consent_findings(what="a dose", day=d.given_on, consents=consents)
        findings += rules.after_death_findings(what="a dose", day=d.given_on, death_date=death)
        found += _checks(f"dose:{d.pk}", findings)

    for c in Consent.objects.filter(patient=patient):
        findings = rules.date_order_findings(
            "consent", [("consent given", c.given_on, "its withdrawal", c.withdrawn_on)]
        )
        findings += rules.after_death_findings(what="a consent", day=c.given_on, death_date=death)
        found += _checks(f"consent:{c.pk}", findings)

    for m in Medication.objects.filter(patient=patient):
        findings = rules.date_order_findings(
            "medication", [("the start", m.started_on, "the stop", m.stopped_on)]
        )
        findings += rules.after_death_findings(
            what=f"{m.get_drug_display().lower()} started", day=m.started_on, death_date=death
        )
        found += _checks(f"medication:{m.pk}", findings)

    for e in AdverseEvent.objects.filter(patient=patient):
        findings = rules.date_order_findings(
            "adverse_event", [("its start", e.onset_date, "the event's end", e.resolved_date)]
        )
        findings += rules.after_death_findings(
            what="an adverse event", day=e.onset_date, death_date=death
        )
        findings += rules.open_event_at_death_findings(
            description=e.description, is_open=e.open, death_date=death
        )
        findings += rules.serious_without_criterion_findings(
            description=e.description,
            serious=e.serious,
            criteria=e.criteria().values(),
        )
        found += _checks(f"adverse_event:{e.pk}", findings, e.visit_id)
    return found


@dataclass
class Refreshed:
    opened: int = 0
    closed: int = 0
    still_open: int = 0

    def __iadd__(self, other: Refreshed) -> Refreshed:
        self.opened += other.opened
        self.closed += other.closed
        self.still_open += other.still_open
        return self


@transaction.atomic
def queries_refresh(*, actor: Actor, patient: Patient) -> Refreshed:
    """Bring the patient's queries in step with what the rules find now (run on save)."""
    checks = {check.key: check for check in patient_checks(patient)}
    queries = list(DataQuery.objects.filter(patient=patient).order_by("id"))
    live = {(q.rule, q.subject): q for q in queries if q.live}
    confirmed = {
        (q.rule, q.subject)
        for q in queries
        if q.status == DataQuery.Status.CLOSED and q.closure == DataQuery.Closure.CONFIRMED
    }
    result = Refreshed()
    now = timezone.now()
    for key, query in live.items():
        if key in checks:
            result.still_open += 1
            message = checks[key].finding.message
            if query.message != message:  # the value changed but still breaks the rule
                query.message = message
                audited_save(query, actor=actor)
            continue
        query.status = DataQuery.Status.CLOSED
        query.closure = DataQuery.Closure.RESOLVED
        query.closed_at = now
        query.closed_by = None
        audited_save(query, actor=actor)
        result.closed += 1
    for key, check in checks.items():
        if key in live or key in confirmed:
            continue
        audited_save(
            DataQuery(
                patient=patient,
                visit_id=check.visit_id,
                rule=check.finding.rule,
                subject=check.subject,
                message=check.finding.message,
            ),
            actor=actor,
        )
        result.opened += 1
    return result


def check_data(
    *,
    actor: Actor,
    sites: Iterable[Site],
    progress: Callable[[int, int], None] | None = None,
) -> Refreshed:
    """Run the rules over every patient of `sites`: one transaction per patient, so that a long
    run keeps what it did if stopped."""
    patients = list(Patient.objects.filter(site__in=list(sites)).order_by("pk"))
    total = Refreshed()
    for done, patient in enumerate(patients, 1):
        total += queries_refresh(actor=actor, patient=patient)
        if progress is not None:
            progress(done, len(patients))
    return total


def _text(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({what: "Write what you found or did."})
    if len(value) > ANSWER_MAX:
        raise ValidationError({what: f"Keep it under {ANSWER_MAX} characters."})
    return value


@transaction.atomic
def query_answer(*, actor: Actor, query: DataQuery, answer: str) -> DataQuery:
    """The care team (a coordinator or a clinician of the site) answers an open query."""
    require_role_at_site(
        actor, query.patient.site_id, STAFF, "Only this patient's care team can answer."
    )
    if query.status != DataQuery.Status.OPEN:
        raise ValidationError({"answer": "This query is not open: it was answered or closed."})
    query.answer = _text(answer, "answer")
    query.answered_by = actor_user(actor)
    query.answered_at = timezone.now()
    query.status = DataQuery.Status.ANSWERED
    return audited_save(query, actor=actor)


@transaction.atomic
def query_close(*, actor: Actor, query: DataQuery, closure: str, note: str = "") -> DataQuery:
    """A coordinator closes a query: the record was checked and is right, or was corrected."""
    require_role_at_site(
        actor, query.patient.site_id, [Role.COORDINATOR], "Only a coordinator closes queries."
    )
    if not query.live:
        raise ValidationError({"closure": "This query is already closed."})
    if closure not in {DataQuery.Closure.CONFIRMED, DataQuery.Closure.CORRECTED}:
        raise ValidationError({"closure": "Choose how the query was settled."})
    if len(note or "") > ANSWER_MAX:
        raise ValidationError({"note": f"Keep it under {ANSWER_MAX} characters."})
    query.status = DataQuery.Status.CLOSED
    query.closure = closure
    query.close_note = (note or "").strip()
    query.closed_by = actor_user(actor)
    query.closed_at = timezone.now()
    return audited_save(query, actor=actor)


@transaction.atomic
def query_reopen(*, actor: Actor, query: DataQuery, note: str) -> DataQuery:
    """A coordinator sends an answered query back to the team, saying why."""
    require_role_at_site(
        actor, query.patient.site_id, [Role.COORDINATOR], "Only a coordinator sends queries back."
    )
    if query.status != DataQuery.Status.ANSWERED:
        raise ValidationError({"note": "Only an answered query can be sent back."})
    query.close_note = _text(note, "note")
    query.status = DataQuery.Status.OPEN
    return audited_save(query, actor=actor)


def _patient_of(row: object) -> Patient | None:
    if isinstance(row, Patient):
        return row
    if isinstance(row, DataQuery):
        return None
    patient = getattr(row, "patient", None)
    if patient is None and getattr(row, "course", None) is not None:
        patient = row.course.patient  # type: ignore[attr-defined]
    return patient if isinstance(patient, Patient) else None


def rechecks(service: Callable[..., T]) -> Callable[..., T]:
    """Run the rules over the written row's patient after `service` writes it, in the same
    transaction (decorate below `transaction.atomic`): data-quality queries on save."""

    @functools.wraps(service)
    def write_then_recheck(*args: Any, actor: Actor, **kwargs: Any) -> T:
        row = service(*args, actor=actor, **kwargs)
        patient = _patient_of(row)
        if patient is not None:
            queries_refresh(actor=actor, patient=patient)
        return row

    return write_then_recheck
