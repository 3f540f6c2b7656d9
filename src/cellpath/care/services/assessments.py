"""Assessments: ALSFRS-R (staff or self-report), spirometry, adverse events, weight, updates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.urls import reverse

from cellpath.accounts.audit import Actor, audited_save
from cellpath.accounts.models import Membership
from cellpath.accounts.roles import Role
from cellpath.care.models import (
    AdverseEvent,
    AlsfrsR,
    Patient,
    PatientUpdate,
    Spirometry,
    TreatmentCourse,
    Visit,
    Weight,
)
from cellpath.care.models.assessments import Expectedness, Respondent
from cellpath.care.services.data_queries import rechecks
from cellpath.care.services.followup import visit_attend
from cellpath.care.services.permissions import (
    STAFF,
    actor_user,
    require_role_at_site,
    require_staff_or_self,
)
from cellpath.outbox import absolute_url, send_email_after_commit
from cellpath.outcomes.vocabulary import ALSFRS_R_KEYS


@transaction.atomic
@rechecks
def alsfrs_r_record(
    *,
    actor: Actor,
    patient: Patient,
    assessed_on: date,
    respondent: str,
    items: Mapping[str, int | None],
    visit: Visit | None = None,
) -> AlsfrsR:
    """Record one ALSFRS-R and mark the visit it belongs to as seen. The patient may
    self-report (respondent "self"); staff of the site may enter any kind."""
    require_staff_or_self(actor, patient)
    if actor_user(actor) is not None and patient.user_id == actor.pk:
        respondent = Respondent.SELF
    unknown = set(items) - set(ALSFRS_R_KEYS)
    if unknown:
        raise ValueError(f"Unknown ALSFRS-R items: {', '.join(sorted(unknown))}")
    assessment = AlsfrsR(
        patient=patient,
        assessed_on=assessed_on,
        respondent=respondent,
        entered_by=actor_user(actor),
        **{name: items.get(name) for name in ALSFRS_R_KEYS},
    )
    assessment.full_clean()  # refuse before a visit is marked as seen
    assessment.visit = visit_attend(actor=actor, patient=patient, day=assessed_on, visit=visit)
    return audited_save(assessment, actor=actor)


@transaction.atomic
@rechecks
def spirometry_record(
    *,
    actor: Actor,
    patient: Patient,
    measured_on: date,
    fvc_litres: Decimal | None = None,
    fvc_percent_entered: Decimal | None = None,
    svc_litres: Decimal | None = None,
    equation: str = Spirometry.DEFAULT_EQUATION,
    visit: Visit | None = None,
) -> Spirometry:
    require_role_at_site(
        actor, patient.site_id, STAFF, "Only this patient's care team can do this."
    )
    measurement = Spirometry(
        patient=patient,
        measured_on=measured_on,
        fvc_litres=fvc_litres,
        fvc_percent_entered=fvc_percent_entered,
        svc_litres=svc_litres,
        equation=equation,
        entered_by=actor_user(actor),
    )
    measurement.full_clean()
    measurement.visit = visit_attend(actor=actor, patient=patient, day=measured_on, visit=visit)
    return audited_save(measurement, actor=actor)


@transaction.atomic
@rechecks
def adverse_event_record(
    *,
    actor: Actor,
    patient: Patient,
    description: str,
    onset_date: date,
    grade: int,
    serious: bool,
    related_to_procedure: str,
    related_to_cells: str,
    outcome: str = AdverseEvent.Outcome.UNKNOWN,
    resolved_date: date | None = None,
    action_taken: str = "",
    course: TreatmentCourse | None = None,
    expectedness: str = Expectedness.NOT_ASSESSED,
    aware_date: date | None = None,
    reported_to_regulator_on: date | None = None,
    reported_to_ethics_on: date | None = None,
    **criteria: bool,
) -> AdverseEvent:
    """Record an adverse event; a serious one alerts every clinician of the site at once.
    `criteria` are the ICH E2A seriousness criteria met (`safety.CRITERIA`, as keywords): one
    ticked makes the event serious (the model's clean); a serious event without one is
    refused."""
    require_role_at_site(
        actor, patient.site_id, STAFF, "Only this patient's care team can do this."
    )
    event = audited_save(
        AdverseEvent(
            patient=patient,
            course=course,
            description=description,
            onset_date=onset_date,
            resolved_date=resolved_date,
            grade=grade,
            serious=serious,
            related_to_procedure=related_to_procedure,
            related_to_cells=related_to_cells,
            outcome=outcome,
            action_taken=action_taken,
            expectedness=expectedness,
            aware_date=aware_date,
            reported_to_regulator_on=reported_to_regulator_on,
            reported_to_ethics_on=reported_to_ethics_on,
            entered_by=actor_user(actor),
            **criteria,
        ),
        actor=actor,
    )
    if event.serious:
        alert_clinicians(event)
    return event


def alert_clinicians(event: AdverseEvent) -> None:
    clinicians = Membership.objects.filter(
        site_id=event.patient.site_id, role=Role.CLINICIAN, user__is_active=True
    ).values_list("user__email", flat=True)
    link = absolute_url(reverse("care:patient-detail", args=[event.patient_id]))
    for email in clinicians:
        send_email_after_commit(
            subject=f"Serious adverse event: {event.patient.study_id}",
            body=(
                f"A serious adverse event (CTCAE grade {event.grade}) was recorded for "
                f"{event.patient.study_id}, starting {event.onset_date:%d %B %Y}.\n"
                f"Related to the procedure: {event.get_related_to_procedure_display()}; "
                f"to the cells: {event.get_related_to_cells_display()}.\n\n"
                f"Review it in Cellpath: {link}\n"
            ),
            to=[email],
        )


@transaction.atomic
@rechecks
def weight_record(*, actor: Actor, patient: Patient, measured_on: date, kg: Decimal) -> Weight:
    require_staff_or_self(actor, patient)
    return audited_save(
        Weight(patient=patient, measured_on=measured_on, kg=kg, entered_by=actor_user(actor)),
        actor=actor,
    )


@transaction.atomic
@rechecks
def update_post(*, actor: Actor, patient: Patient, written_on: date, text: str) -> PatientUpdate:
    """'How are you doing?' — the patient in the portal, or their care team."""
    require_staff_or_self(actor, patient, roles=[Role.COORDINATOR, Role.CLINICIAN])
    return audited_save(
        PatientUpdate(
            patient=patient, written_on=written_on, text=text.strip(), entered_by=actor_user(actor)
        ),
        actor=actor,
    )
