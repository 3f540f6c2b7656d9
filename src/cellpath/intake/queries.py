"""Reads of applications for the coordinators' triage queue, scoped to their sites."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from cellpath.accounts.access import site_ids_for
from cellpath.accounts.models import User
from cellpath.accounts.roles import Role
from cellpath.intake.models import Application, ContactMessage

TRIAGE_ROLES = (Role.COORDINATOR,)


def triage_queue(
    *, user: User, status: str = "", programme: str = "", mine: bool = False
) -> QuerySet[Application]:
    """Sent applications of the user's sites, newest first (drafts are the applicant's)."""
    applications = (
        Application.objects.filter(site_id__in=site_ids_for(user, TRIAGE_ROLES))
        .exclude(status=Application.Status.DRAFT)
        .select_related("programme", "assigned_to")
    )
    if status:
        applications = applications.filter(status=status)
    if programme:
        applications = applications.filter(programme__slug=programme)
    if mine:
        applications = applications.filter(assigned_to=user)
    return applications


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
