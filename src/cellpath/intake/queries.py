"""Reads of applications for the coordinators' triage queue, scoped to their sites."""

from __future__ import annotations

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.http import Http404

from cellpath.accounts.access import site_ids_for
from cellpath.accounts.models import User
from cellpath.accounts.roles import Role
from cellpath.intake.models import Application, ContactMessage
from cellpath.programmes.models import Programme

TRIAGE_ROLES = (Role.COORDINATOR,)
UNDECIDED = "undecided"
"""A status filter meaning every status a decision has not closed yet (new, in review, more
information requested, consultation booked)."""
UNDECIDED_STATUSES = tuple(
    status
    for status, after in Application.TRANSITIONS.items()
    if after and status != Application.Status.DRAFT
)


QUEUE_ORDERS = {
    "newest": ("Newest first", ("-submitted_at", "-pk")),
    "oldest": ("Waiting longest first", ("submitted_at", "pk")),
    "verdict": ("Likely eligible first", ("verdict_rank", "-submitted_at", "-pk")),
    "unassigned": ("Not yet assigned first", ("assigned_rank", "submitted_at", "pk")),
}
"""The queue's orders: (label, order_by)."""


def triage_queue(
    *,
    user: User,
    status: str = "",
    programme: str = "",
    mine: bool = False,
    unassigned: bool = False,
    search: str = "",
    order: str = "newest",
) -> QuerySet[Application]:
    """Sent applications of the user's sites (drafts are the applicant's), filtered by status
    (or `UNDECIDED`), programme, assignment (to the user, or to nobody) and a search for a
    reference, a name or an e-mail address, in one of the `QUEUE_ORDERS` (newest first by
    default)."""
    applications = (
        Application.objects.filter(site_id__in=site_ids_for(user, TRIAGE_ROLES))
        .exclude(status=Application.Status.DRAFT)
        .select_related("programme", "assigned_to", "patient")
    )
    if status == UNDECIDED:
        applications = applications.filter(status__in=UNDECIDED_STATUSES)
    elif status:
        applications = applications.filter(status=status)
    if programme:
        applications = applications.filter(programme__slug=programme)
    if mine:
        applications = applications.filter(assigned_to=user)
    if unassigned:
        applications = applications.filter(assigned_to__isnull=True)
    if search:
        applications = applications.filter(
            Q(reference__icontains=search)
            | Q(applicant_name__icontains=search)
            | Q(patient_name__icontains=search)
            | Q(email__iexact=search)
        )
    applications = applications.annotate(
        verdict_rank=Case(
            When(verdict="likely_eligible", then=Value(0)),
            When(verdict="likely_not_eligible", then=Value(2)),
            default=Value(1),
        ),
        assigned_rank=Case(When(assigned_to__isnull=True, then=Value(0)), default=Value(1)),
    )
    return applications.order_by(*QUEUE_ORDERS.get(order, QUEUE_ORDERS["newest"])[1])


def applications_of_patient(*, user: User, patient_id: int) -> list[Application]:
    """The sent applications a patient record was made from, of the user's triage sites."""
    return list(triage_queue(user=user).filter(patient_id=patient_id))


def queue_programmes(*, user: User) -> QuerySet[Programme]:
    """The programmes of the sites whose applications the user triages, by name."""
    return Programme.objects.filter(site_id__in=site_ids_for(user, TRIAGE_ROLES)).order_by("name")


def status_counts(*, user: User) -> dict[str, int]:
    rows = triage_queue(user=user).order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def application_get(*, user: User, reference: str) -> Application:
    """One sent application of the user's sites; 404 for another site's or a draft."""
    application = (
        triage_queue(user=user)
        .select_related("site", "patient")
        .prefetch_related("notes__author")
        .filter(reference=reference)
        .first()
    )
    if application is None:
        raise Http404
    return application


def same_person(application: Application) -> QuerySet[Application]:
    """Other sent applications with the same e-mail address (possible duplicates)."""
    return (
        Application.objects.filter(site_id=application.site_id)
        .filter(Q(email__iexact=application.email))
        .exclude(pk=application.pk)
        .exclude(status=Application.Status.DRAFT)
    )


def contact_messages(*, user: User) -> QuerySet[ContactMessage]:
    """Messages from the contact form about the user's sites' programmes, and general ones
    (no programme chosen), which every coordinator may answer."""
    sites = site_ids_for(user, TRIAGE_ROLES)
    if not sites:
        return ContactMessage.objects.none()
    return ContactMessage.objects.filter(
        Q(site_id__in=sites) | Q(site__isnull=True)
    ).select_related("programme")
