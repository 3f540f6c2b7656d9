"""The follow-up schedule: visits from a plan, attaching assessments, sign-off, reminders."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cellpath.accounts import throttle
from cellpath.accounts.audit import Actor, audited_save
from cellpath.accounts.models import Membership, User
from cellpath.accounts.roles import Role
from cellpath.care.models import Consent, Patient, PatientIdentity, TreatmentCourse, Visit
from cellpath.care.services.permissions import require_role_at_site
from cellpath.outbox import send_email_after_commit


@transaction.atomic
def visits_schedule(*, actor: Actor, course: TreatmentCourse) -> list[Visit]:
    """One visit per time point of the course's plan, due that many days after its start."""
    return [
        audited_save(
            Visit(
                patient=course.patient,
                course=course,
                label=point.label,
                due_date=course.started_on + timedelta(days=point.day_offset),
                window_days=point.window_days,
            ),
            actor=actor,
        )
        for point in course.follow_up_plan.timepoints.all()
    ]


LATE_VISIT_GRACE = timedelta(days=30)
"""How long after its window closed an assessment still counts as a missed visit held late (and
is flagged as outside its window); later than that it is a visit of its own, not that one."""


def visit_for(patient: Patient, day: date) -> Visit | None:
    """The open visit an assessment made on `day` belongs to: the one due nearest to it among
    those whose window has opened and did not close more than `LATE_VISIT_GRACE` before. None
    for an assessment before any window or long after one (unscheduled)."""
    candidates = [
        v
        for v in Visit.objects.filter(patient=patient, visit_date__isnull=True)
        if v.due_date - timedelta(days=v.window_days)
        <= day
        <= v.due_date + timedelta(days=v.window_days) + LATE_VISIT_GRACE
    ]
    return min(candidates, key=lambda v: abs((v.due_date - day).days), default=None)


def visit_attend(*, actor: Actor, patient: Patient, day: date, visit: Visit | None) -> Visit | None:
    """Mark the visit an assessment belongs to as seen on `day` (late visits are flagged by
    `Visit.status`, never refused)."""
    visit = visit or visit_for(patient, day)
    if visit is not None and visit.visit_date is None:
        visit.visit_date = day
        audited_save(visit, actor=actor)
    return visit


class SignatureLockedError(PermissionDenied):
    """Signing is paused after repeated wrong passwords (like sign-in, OWASP ASVS V6.3.1)."""


def visit_sign(*, actor: User, visit: Visit, password: str, meaning: str) -> Visit:
    """An investigator signs a visit off (21 CFR 11.200: the password is entered again; the
    signature records the printed name, date and time, and meaning — 11.50). Wrong passwords
    are counted outside the transaction, so a refusal still counts towards the pause."""
    require_role_at_site(
        actor, visit.patient.site_id, [Role.CLINICIAN], "Only clinicians of this site sign visits."
    )
    key = f"signature:{actor.pk}"
    limit, window = settings.CELLPATH_SIGNIN_MAX_FAILURES, settings.CELLPATH_SIGNIN_LOCKOUT_SECONDS
    if throttle.exceeded(key, limit=limit, window_seconds=window):
        raise SignatureLockedError(
            f"Too many wrong passwords: signing is paused for {window // 60} minutes."
        )
    if not actor.check_password(password):
        throttle.hit(key)
        raise PermissionDenied("The password is not correct.")
    throttle.clear(key)
    if visit.visit_date is None:
        raise ValidationError("A visit can be signed once it has taken place.")
    if meaning not in Visit.Meaning.values:
        raise ValidationError("Choose what your signature means.")
    with transaction.atomic():
        visit.signed_by = actor
        visit.signed_at = timezone.now()
        visit.signature_meaning = meaning
        return audited_save(visit, actor=actor)


def reminders_due(today: date) -> list[Visit]:
    """Visits whose window opens today, not yet seen: the day to remind people."""
    return [
        v
        for v in Visit.objects.filter(
            visit_date__isnull=True,
            due_date__gte=today,
            due_date__lte=today + timedelta(days=60),
            patient__death_date__isnull=True,  # death closes the schedule: no reminders
        ).select_related("patient", "patient__site")
        if v.due_date - timedelta(days=v.window_days) == today
    ]


def reminders_send(today: date | None = None) -> int:
    """E-mail the site's coordinators, and the patient if they consented to contact, about each
    visit whose window opens today. Returns the number of e-mails queued."""
    today = today or timezone.localdate()
    sent = 0
    for visit in reminders_due(today):
        patient = visit.patient
        coordinators = Membership.objects.filter(
            site_id=patient.site_id, role=Role.COORDINATOR, user__is_active=True
        ).values_list("user__email", flat=True)
        subject = f"Follow-up visit due: {patient.study_id} {visit.label}"
        body = (
            f"The {visit.label} follow-up visit of {patient.study_id} is due on "
            f"{visit.due_date:%d %B %Y} (window ± {visit.window_days} days)."
        )
        for email in coordinators:
            send_email_after_commit(subject=subject, body=body, to=[email])
            sent += 1
        contact = Consent.objects.filter(
            patient=patient, purpose=Consent.Purpose.CONTACT, withdrawn_on__isnull=True
        ).exists()
        identity = PatientIdentity.objects.filter(patient=patient).first()
        if contact and identity and identity.email:
            send_email_after_commit(
                subject="Your next Cellpath follow-up",
                body=(
                    f"Hello,\n\nYour {visit.label} follow-up is due around "
                    f"{visit.due_date:%d %B %Y}. If you use the patient portal you can answer the "
                    "ALSFRS-R questionnaire there. Your clinic will contact you about the visit."
                    "\n\nCellpath"
                ),
                to=[identity.email],
            )
            sent += 1
    return sent
