"""Treatment courses, harvests, processed lots and administrations."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from cellpath.accounts.audit import Actor, audited_save
from cellpath.accounts.models import User
from cellpath.accounts.roles import Role
from cellpath.care.models import (
    Administration,
    Batch,
    FollowUpPlan,
    Harvest,
    Patient,
    TreatmentCourse,
)
from cellpath.care.models.treatment import programme_choices
from cellpath.care.services.data_queries import rechecks
from cellpath.care.services.followup import visits_schedule
from cellpath.care.services.permissions import actor_user, require_role_at_site

TREATING = (Role.COORDINATOR, Role.CLINICIAN)


def _require_team(actor: Actor, patient: Patient) -> None:
    require_role_at_site(
        actor, patient.site_id, TREATING, "Only this patient's care team can record treatment."
    )


def _require_offered(programme: Any, patient: Patient) -> None:
    """A course links only to a programme its site may choose (see `programme_choices`): a
    forged form cannot link to another site's unpublished listing."""
    if not programme_choices(patient.site_id).filter(pk=programme.pk).exists():
        raise ValidationError(
            {"programme": "This programme cannot be chosen for a patient of this site."}
        )


@transaction.atomic
@rechecks
def course_start(
    *,
    actor: Actor,
    patient: Patient,
    cell_type: str,
    donor: str,
    tissue: str,
    route: str,
    started_on: date,
    programme: Any = None,
    programme_name: str = "",
    product: str = "",
    planned_schedule: str = "",
    follow_up_plan: FollowUpPlan | None = None,
) -> TreatmentCourse:
    """Start a course (numbered after the patient's earlier ones) and schedule its follow-up.

    The course links to `programme` (a `programmes.Programme` its site may choose); for a
    programme not listed in Cellpath, pass `programme_name` instead — naming it that way is the
    confirmation that it is not listed."""
    _require_team(actor, patient)
    if programme is not None and programme_name.strip():
        raise ValidationError(
            {"programme_name": "Choose a programme from the list or type a name, not both."}
        )
    if programme is not None:
        _require_offered(programme, patient)
    plan = follow_up_plan or FollowUpPlan.default()
    last = TreatmentCourse.objects.filter(patient=patient).aggregate(n=Max("number"))["n"] or 0
    course = audited_save(
        TreatmentCourse(
            patient=patient,
            number=last + 1,
            programme=programme,
            programme_name=programme_name.strip(),
            programme_not_listed=programme is None,
            product=product,
            cell_type=cell_type,
            donor=donor,
            tissue=tissue,
            route=route,
            planned_schedule=planned_schedule,
            started_on=started_on,
            follow_up_plan=plan,
        ),
        actor=actor,
    )
    visits_schedule(actor=actor, course=course)
    return course


@transaction.atomic
@rechecks
def course_programme_link(
    *, actor: Actor, course: TreatmentCourse, programme: Any = None
) -> TreatmentCourse:
    """Answer the question an unlinked course asks: link it to `programme`, or (without one)
    confirm that the programme it names is not listed in Cellpath. The name as entered is kept
    either way."""
    _require_team(actor, course.patient)
    if programme is not None:
        _require_offered(programme, course.patient)
        course.programme = programme
        course.programme_not_listed = False
    else:
        if not course.programme_name.strip():
            raise ValidationError(
                {"programme": "This course names no programme: choose one from the list."}
            )
        course.programme = None
        course.programme_not_listed = True
    return audited_save(course, actor=actor)


@transaction.atomic
@rechecks
def harvest_record(
    *, actor: Actor, course: TreatmentCourse, collected_on: date, tissue: str, reference: str
) -> Harvest:
    _require_team(actor, course.patient)
    return audited_save(
        Harvest(course=course, collected_on=collected_on, tissue=tissue, reference=reference),
        actor=actor,
    )


@transaction.atomic
def batch_record(
    *,
    actor: Actor,
    course: TreatmentCourse,
    lot_number: str,
    harvest: Harvest | None = None,
    processed_on: date | None = None,
    cell_count: int | None = None,
    viability_percent: float | None = None,
) -> Batch:
    _require_team(actor, course.patient)
    return audited_save(
        Batch(
            course=course,
            harvest=harvest,
            lot_number=lot_number,
            processed_on=processed_on,
            cell_count=cell_count,
            viability_percent=viability_percent,
        ),
        actor=actor,
    )


@transaction.atomic
@rechecks
def administration_record(
    *,
    actor: Actor,
    course: TreatmentCourse,
    given_on: date,
    dose_cells: int,
    route: str,
    batch: Batch | None = None,
    body_site: str = "",
    given_by_name: str = "",
) -> Administration:
    _require_team(actor, course.patient)
    user: User | None = actor_user(actor)
    return audited_save(
        Administration(
            course=course,
            batch=batch,
            given_on=given_on,
            dose_cells=dose_cells,
            route=route,
            body_site=body_site,
            given_by=user,
            given_by_name=given_by_name or (user.full_name or user.email if user else ""),
        ),
        actor=actor,
    )
