"""Reads of the accounts app, always scoped by the acting user."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from cellpath.accounts.access import site_ids_for
from cellpath.accounts.models import AuditEvent, Membership, Site, User
from cellpath.accounts.roles import Role


def audit_event_list(
    *,
    user: User,
    actor: str = "",
    action: str = "",
    record: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events an administrator may browse: everything for installation administrators,
    the events of their own sites for site administrators."""
    events = AuditEvent.objects.select_related("site")
    if not user.is_superuser:
        events = events.filter(site_id__in=site_ids_for(user, [Role.ADMINISTRATOR]))
    if actor:
        events = events.filter(actor_label__icontains=actor)
    if action:
        events = events.filter(action=action)
    if record:
        events = events.filter(Q(object_label__iexact=record) | Q(object_id=record))
    tz = timezone.get_current_timezone()
    if date_from:
        events = events.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        events = events.filter(
            at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)
        )
    return events


def site_list(*, user: User, roles: list[str] | None = None) -> QuerySet[Site]:
    """Sites where the user holds one of `roles` (any role when not given)."""
    return Site.objects.filter(pk__in=site_ids_for(user, roles or list(Role.values)))


def site_get(*, user: User, pk: int, roles: list[str]) -> Site | None:
    return site_list(user=user, roles=roles).filter(pk=pk).first()


def site_members(*, site: Site) -> QuerySet[Membership]:
    return site.memberships.select_related("user").order_by("role", "user__email")
