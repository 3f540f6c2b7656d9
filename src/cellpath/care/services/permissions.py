"""Who may write what, checked again inside every service (a forged form cannot cross sites)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied

from cellpath.accounts.access import site_ids_for
from cellpath.accounts.audit import Actor
from cellpath.accounts.models import User
from cellpath.accounts.roles import Role
from cellpath.care.models import CaregiverLink, Patient

STAFF = (Role.COORDINATOR, Role.CLINICIAN)


def require_role_at_site(actor: Actor, site_id: int, roles: Iterable[str], what: str) -> None:
    """System actors (a command, the demo loader) are trusted; people need the role at the site."""
    if isinstance(actor, User) and site_id not in site_ids_for(actor, roles):
        raise PermissionDenied(what)


def require_staff_or_self(actor: Actor, patient: Patient, roles: Iterable[str] = STAFF) -> None:
    """Staff of the patient's site, or the patient themself or a caregiver they invited
    (self-report in the portal)."""
    if isinstance(actor, User) and (patient.user_id == actor.pk or is_caregiver(actor, patient)):
        return
    require_role_at_site(
        actor, patient.site_id, roles, "Only this patient's care team can do this."
    )


def is_caregiver(user: User, patient: Patient) -> bool:
    """An accepted, not revoked, caregiver link from the patient to this user."""
    return CaregiverLink.objects.filter(
        patient=patient, user=user, accepted_at__isnull=False, revoked_at__isnull=True
    ).exists()


def actor_user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None
