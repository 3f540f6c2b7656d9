"""Reads of the accounts app, always scoped by the acting user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from cellpath.accounts.access import site_ids_for
from cellpath.accounts.models import AuditEvent, Membership, Site, TOTPDevice, User
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
    return with_role_labels(site.memberships.select_related("user").order_by("role", "user__email"))


# The care app's relations to a sign-in, read by name: accounts sits below care and does not
# import it (pyproject's import contracts). Patient.user is related_name="patient_record",
# CaregiverLink.user related_name="caregiver_links".
_OWN_RECORD = "patient_record__site_id"
_CAREGIVER_SITE = "caregiver_links__patient__site_id"


def with_role_labels(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    """Memberships annotated so that `Membership.role_label` tells a caregiver (who holds the
    patient role to open the portal) from a patient: whether the person has a record of their
    own at that site, and an accepted caregiver link to a patient there (still live, or ended)."""
    user = User.objects.filter(pk=OuterRef("user_id"))
    at_site = {_CAREGIVER_SITE: OuterRef("site_id"), "caregiver_links__accepted_at__isnull": False}
    return memberships.annotate(
        holds_own_record=Exists(user.filter(**{_OWN_RECORD: OuterRef("site_id")})),
        cares_for_someone=Exists(user.filter(**at_site)),
        cares_now=Exists(user.filter(**at_site, caregiver_links__revoked_at__isnull=True)),
    )


def administered_site_ids(user: User) -> list[int]:
    """The sites whose people `user` manages (every site for an installation administrator)."""
    return site_ids_for(user, [Role.ADMINISTRATOR])


@dataclass(frozen=True)
class Person:
    """One account as an administrator sees it: roles only at the sites they administer."""

    user: User
    memberships: list[Membership]
    mfa_enrolled: bool
    elsewhere: bool
    """Whether the account also holds roles at sites this administrator does not manage."""


def people_visible_to(user: User) -> QuerySet[User]:
    """Accounts with a membership at a site `user` administers (every account for an
    installation administrator), annotated with whether they enrolled an authenticator."""
    people = User.objects.all()
    if not user.is_superuser:
        people = people.filter(memberships__site_id__in=administered_site_ids(user)).distinct()
    return people.annotate(
        mfa_enrolled=Exists(
            TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed_at__isnull=False)
        ),
        elsewhere=Exists(
            Membership.objects.filter(user_id=OuterRef("pk")).exclude(
                site_id__in=administered_site_ids(user)
            )
        ),
    )


def _person(account: User, sites: list[int]) -> Person:
    return Person(
        user=account,
        memberships=[m for m in account.admin_memberships if m.site_id in sites],
        mfa_enrolled=account.mfa_enrolled,
        elsewhere=account.elsewhere,
    )


def _with_memberships(people: QuerySet[User], sites: list[int]) -> QuerySet[User]:
    memberships = with_role_labels(
        Membership.objects.filter(site_id__in=sites).select_related("site")
    ).order_by("site__name", "role")
    return people.prefetch_related(
        Prefetch("memberships", memberships, to_attr="admin_memberships")
    )


def people_list(*, user: User) -> list[Person]:
    """The people page: each account with its roles, in plain words, at the user's sites."""
    sites = administered_site_ids(user)
    people = _with_memberships(people_visible_to(user), sites).order_by("full_name", "email")
    return [_person(account, sites) for account in people]


def person_get(*, user: User, pk: int) -> Person | None:
    """One account `user` may manage, or None (another site's account, or none at all)."""
    sites = administered_site_ids(user)
    account = _with_memberships(people_visible_to(user), sites).filter(pk=pk).first()
    return None if account is None else _person(account, sites)


def object_type_label(object_type: str) -> str:
    """An audit row's record type in plain words ("care.patient" → "Patient"); the stored
    name when no model has it (a model since removed)."""
    if not object_type:
        return ""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name).capitalize()
