"""Writes that staff data entry needed beyond the core services: an unscheduled visit, the
follow-up of an adverse event (and its expedited reporting), a weight or an update kept with the
visit it was taken at, and the audit row of a refused signature."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from cellpath.accounts.audit import Actor, audited_save, record
from cellpath.accounts.models import AuditEvent, User
from cellpath.care.models import AdverseEvent, Patient, PatientUpdate, Visit, Weight
from cellpath.care.safety import CRITERIA
from cellpath.care.services.assessments import alert_clinicians
from cellpath.care.services.data_queries import rechecks
from cellpath.care.services.followup import visit_attend
from cellpath.care.services.permissions import STAFF, actor_user, require_role_at_site


@transaction.atomic
@rechecks
def visit_unscheduled_add(
    *, actor: Actor, patient: Patient, visit_date: date, label: str = "Unscheduled"
) -> Visit:
    """A visit outside the plan (a pre-treatment assessment, an extra clinic visit), seen on
    `visit_date`. A second visit seen on the same day is refused: enter the assessments there."""
    require_role_at_site(
        actor, patient.site_id, STAFF, "Only this patient's care team can do this."
    )
    same_day = Visit.objects.filter(patient=patient, visit_date=visit_date).first()
    if same_day is not None:
        raise ValidationError(
            {"visit_date": f'There is already a visit on this day: "{same_day.label}".'}
        )
    return audited_save(
        Visit(
            patient=patient,
            label=label.strip() or "Unscheduled",
            due_date=visit_date,
            window_days=0,
            visit_date=visit_date,
        ),
        actor=actor,
    )


@transaction.atomic
@rechecks
def adverse_event_resolve(
    *,
    actor: Actor,
    event: AdverseEvent,
    resolved_date: date | None,
    outcome: str,
    action_taken: str = "",
) -> AdverseEvent:
    """Follow an adverse event up: when it resolved, how it ended, what was done."""
    require_role_at_site(
        actor, event.patient.site_id, STAFF, "Only this patient's care team can do this."
    )
    event.resolved_date = resolved_date
    event.outcome = outcome
    event.action_taken = action_taken
    return audited_save(event, actor=actor)


FOLLOW_UP_FIELDS = (
    "resolved_date",
    "outcome",
    "action_taken",
    "grade",
    "serious",
    *CRITERIA,
    "expectedness",
    "related_to_procedure",
    "related_to_cells",
    "aware_date",
    "reported_to_regulator_on",
    "reported_to_ethics_on",
)
"""What the care team learns after an event is recorded: how it ended, its grade and
seriousness as they became clear, the assessments, and when it was reported. What happened
and when it began stay as first recorded."""


@transaction.atomic
@rechecks
def adverse_event_follow_up(*, actor: Actor, event: AdverseEvent, **changes: Any) -> AdverseEvent:
    """Record later facts of an adverse event (`FOLLOW_UP_FIELDS`). A criterion ticked makes it
    serious; an event that becomes serious alerts the site's clinicians, as a new one would."""
    require_role_at_site(
        actor, event.patient.site_id, STAFF, "Only this patient's care team can do this."
    )
    unknown = set(changes) - set(FOLLOW_UP_FIELDS)
    if unknown:
        raise TypeError(f"Not a follow-up of an adverse event: {', '.join(sorted(unknown))}")
    was_serious = event.serious
    for name, value in changes.items():
        setattr(event, name, value)
    event = audited_save(event, actor=actor)
    if event.serious and not was_serious:
        alert_clinicians(event)
    return event


def visit_sign_refused(*, actor: User, visit: Visit) -> None:
    """A signature refused for a wrong password leaves an audit row (repeated refusals are how
    a guessed password shows up in the log)."""
    record(
        actor,
        AuditEvent.Action.ACCESS_DENIED,
        obj=visit,
        detail={"signature": "password not correct"},
    )


def _attended(actor: Actor, visit: Visit | None, day: date) -> Visit | None:
    if visit is None:
        return None
    return visit_attend(actor=actor, patient=visit.patient, day=day, visit=visit)


@transaction.atomic
@rechecks
def weight_record_at_visit(
    *, actor: Actor, patient: Patient, measured_on: date, kg: Decimal, visit: Visit | None
) -> Weight:
    """A weight taken at a visit: kept with the visit, which is then marked as seen (the core
    `weight_record` has no visit, being shared with the patient portal)."""
    require_role_at_site(
        actor, patient.site_id, STAFF, "Only this patient's care team can do this."
    )
    weight = Weight(patient=patient, measured_on=measured_on, kg=kg, entered_by=actor_user(actor))
    weight.full_clean()  # refuse before a visit is marked as seen
    weight.visit = _attended(actor, visit, measured_on)
    return audited_save(weight, actor=actor)


@transaction.atomic
@rechecks
def update_post_at_visit(
    *, actor: Actor, patient: Patient, written_on: date, text: str, visit: Visit | None
) -> PatientUpdate:
    """'How is the patient doing?' written by the care team at a visit."""
    require_role_at_site(
        actor, patient.site_id, STAFF, "Only this patient's care team can do this."
    )
    update = PatientUpdate(
        patient=patient, written_on=written_on, text=text.strip(), entered_by=actor_user(actor)
    )
    update.full_clean()
    update.visit = _attended(actor, visit, written_on)
    return audited_save(update, actor=actor)
