"""Writes of the accounts app: sign-in and sign-out, second factors, users and memberships, and
what a site administrator does to the people of their sites (invite, change roles, deactivate,
reset the authenticator)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cellpath.accounts import mfa, throttle
from cellpath.accounts.access import MFA_SESSION_KEY, site_ids_for
from cellpath.accounts.audit import Actor, record
from cellpath.accounts.models import AuditEvent, Membership, Site, TOTPDevice, User
from cellpath.accounts.roles import STAFF_ROLES, Role
from cellpath.accounts.tokens import invitation_token
from cellpath.outbox import absolute_url, send_email_after_commit

AUTH_AT_KEY = "cellpath_auth_at"
LAST_SEEN_KEY = "cellpath_last_seen"
PENDING_USER_KEY = "cellpath_mfa_pending_user"
PENDING_AT_KEY = "cellpath_mfa_pending_at"
PENDING_SECONDS = 5 * 60


@dataclass(frozen=True)
class PasswordCheck:
    user: User | None
    locked: bool = False


def _keys(email: str, ip: str | None) -> tuple[str, str]:
    return f"signin:{email.strip().lower()}", f"signin-ip:{ip or 'unknown'}"


def signin_locked(email: str, ip: str | None) -> bool:
    """Locked after N failures for this address, or 10×N from one network address."""
    email_key, ip_key = _keys(email, ip)
    limit = settings.CELLPATH_SIGNIN_MAX_FAILURES
    window = settings.CELLPATH_SIGNIN_LOCKOUT_SECONDS
    return throttle.exceeded(email_key, limit=limit, window_seconds=window) or throttle.exceeded(
        ip_key, limit=10 * limit, window_seconds=window
    )


def signin_failed(email: str, ip: str | None, *, reason: str) -> None:
    for key in _keys(email, ip):
        throttle.hit(key)
    record(
        email.strip().lower() or "anonymous",
        AuditEvent.Action.SIGN_IN_FAILED,
        detail={"reason": reason},
    )


def password_check(request: HttpRequest, *, email: str, password: str) -> PasswordCheck:
    """First factor. The answer never says whether the address exists."""
    ip = request.META.get("REMOTE_ADDR")
    if signin_locked(email, ip):
        record(email.strip().lower(), AuditEvent.Action.SIGN_IN_LOCKED)
        return PasswordCheck(user=None, locked=True)
    user = authenticate(request, username=email.strip().lower(), password=password)
    if user is None:
        signin_failed(email, ip, reason="password")
        return PasswordCheck(user=None, locked=signin_locked(email, ip))
    return PasswordCheck(user=user)


def sign_in(request: HttpRequest, user: User, *, mfa_passed: bool) -> None:
    """Open a session (a new session key, OWASP ASVS V7.2.4) and record it."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    now = timezone.now().timestamp()
    request.session[AUTH_AT_KEY] = now
    request.session[LAST_SEEN_KEY] = now
    request.session[MFA_SESSION_KEY] = mfa_passed
    throttle.clear(_keys(user.email, None)[0])
    record(user, AuditEvent.Action.SIGN_IN, detail={"mfa": mfa_passed})


def sign_out(request: HttpRequest, *, reason: str = "") -> None:
    user = request.user
    if user.is_authenticated:
        action = AuditEvent.Action.SESSION_EXPIRED if reason else AuditEvent.Action.SIGN_OUT
        record(user, action, detail={"reason": reason} if reason else {})
    logout(request)


def mfa_pending_start(request: HttpRequest, user: User) -> None:
    request.session.cycle_key()
    request.session[PENDING_USER_KEY] = user.pk
    request.session[PENDING_AT_KEY] = timezone.now().timestamp()


def mfa_pending_user(request: HttpRequest) -> User | None:
    pk = request.session.get(PENDING_USER_KEY)
    started = request.session.get(PENDING_AT_KEY, 0)
    if pk is None or timezone.now().timestamp() - started > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def mfa_pending_verify(request: HttpRequest, user: User, code: str) -> bool:
    """Second factor at sign-in; failures count towards the same lockout as passwords."""
    device = mfa.confirmed_device(user)
    ip = request.META.get("REMOTE_ADDR")
    if device is None or signin_locked(user.email, ip):
        return False
    if not mfa.verify(device, code):
        signin_failed(user.email, ip, reason="authenticator code")
        record(user, AuditEvent.Action.MFA_FAILED)
        return False
    for key in (PENDING_USER_KEY, PENDING_AT_KEY):
        request.session.pop(key, None)
    sign_in(request, user, mfa_passed=True)
    return True


@transaction.atomic
def mfa_enrol(request: HttpRequest, *, secret: str, code: str) -> bool:
    """Confirm a new authenticator from its first code; the session then counts as verified."""
    user = request.user
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, defaults={"secret": secret, "confirmed_at": None, "last_used_step": 0}
    )
    if not mfa.verify(device, code):
        transaction.set_rollback(True)
        record(user, AuditEvent.Action.MFA_FAILED, detail={"during": "enrolment"})
        return False
    request.session[MFA_SESSION_KEY] = True
    record(user, AuditEvent.Action.MFA_ENROLLED, obj=device)
    return True


def user_label(user: User) -> str:
    """How the audit log names an account it acts on: by id, never by name or e-mail."""
    return f"user {user.pk}"


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    full_name: str = "",
    actor: Actor,
    is_superuser: bool = False,
    is_demo: bool = False,
    site_id: int | None = None,
) -> User:
    """A new account (no usable password when `password` is None), audited by its id only;
    `site_id` is the site whose administrator created it, if any."""
    email = User.objects.normalize_email(email).lower()
    user = User(
        email=email,
        full_name=full_name,
        is_staff=is_superuser,
        is_superuser=is_superuser,
        is_demo=is_demo,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    record(
        actor,
        AuditEvent.Action.CREATE,
        obj=user,
        object_label=user_label(user),
        site_id=site_id,
        changes={
            "email": {"old": None, "new": "***"},  # an identity: the log names the account by id
            "full_name": {"old": None, "new": "***" if user.full_name else ""},
            "is_superuser": {"old": None, "new": is_superuser},
        },
    )
    return user


@transaction.atomic
def membership_grant(
    *,
    user: User,
    site: Site,
    role: str,
    actor: Actor,
    action: str = AuditEvent.Action.CREATE,
    detail: dict[str, object] | None = None,
) -> Membership:
    """Give `user` a role at `site` (nothing when they have it), audited as `action`."""
    membership, created = Membership.objects.get_or_create(user=user, site=site, role=role)
    if created:
        record(
            actor,
            action,
            obj=membership,
            object_label=f"{user_label(user)} as {role}",
            site_id=site.pk,
            changes={"role": {"old": None, "new": role}},
            detail=detail,
        )
    return membership


@transaction.atomic
def site_create(
    *, name: str, code: str, kind: str, city: str = "", country: str = "", actor: Actor
) -> Site:
    site = Site(name=name, code=code, kind=kind, city=city, country=country)
    site.full_clean()
    site.save()
    record(actor, AuditEvent.Action.CREATE, obj=site, object_label=name, site_id=site.pk)
    return site


# --- people: a site administrator manages the staff of their own sites ---------------------
#
# Every write checks the actor here, not only in the view: an administrator acts only at the
# sites they administer; account-wide changes (deactivating, resetting the authenticator) only
# on accounts whose every role is at those sites; never on an installation administrator
# (unless one themself); never on themselves. Nobody is made an installation administrator here.


def _require_administrator_at(actor: User, site_id: int) -> None:
    if site_id not in site_ids_for(actor, [Role.ADMINISTRATOR]):
        raise PermissionDenied("You do not administer this site.")


def _require_whole_account(actor: User, user: User) -> list[int]:
    """The sites of `user` (all administered by `actor`); refuses anything else."""
    if user.pk == actor.pk:
        raise PermissionDenied("You cannot do this to your own account.")
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied("Only an installation administrator can change this account.")
    administered = set(site_ids_for(actor, [Role.ADMINISTRATOR]))
    sites = set(Membership.objects.filter(user=user).values_list("site_id", flat=True))
    if not actor.is_superuser and (not sites or not sites <= administered):
        raise PermissionDenied("This account also works at sites you do not administer.")
    return sorted(sites)


def _staff_role(role: str) -> str:
    if role not in STAFF_ROLES:
        raise ValidationError({"role": "Patients and caregivers join through the care pathway."})
    return role


def sessions_end(user: User) -> int:
    """End every open session of `user` (database sessions: Django's default, and Cellpath's);
    their next request finds them signed out. Returns how many were ended."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


def _invitation_email(user: User, site: Site, role: str, *, needs_password: bool) -> str:
    role_name = Role(role).label.lower()
    if needs_password:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        link = absolute_url(
            reverse(
                "accounts:invitation",
                kwargs={"uidb64": uid, "token": invitation_token.make_token(user)},
            )
        )
        days = settings.CELLPATH_INVITATION_SECONDS // 86400
        how = (
            f"To choose your password, open this link within {days} days:\n{link}\n\n"
            "After that you will set up an authenticator app on your phone for the second "
            "sign-in step."
        )
    else:
        how = f"Sign in as usual to use it:\n{absolute_url(reverse('accounts:sign-in'))}"
    return (
        f"Hello,\n\nYou have been given the {role_name} role at {site.name} in Cellpath.\n\n"
        f"{how}\n\nIf you did not expect this e-mail, you can ignore it.\n\nCellpath"
    )


@transaction.atomic
def staff_invite(
    *, actor: User, email: str, full_name: str = "", site: Site, role: str
) -> tuple[User, bool]:
    """Give `email` a staff role at `site` and e-mail them: a new account gets no password and
    a signed link (valid `CELLPATH_INVITATION_SECONDS`) to choose one; an existing account is
    told of its new role (and sent the link again if it never chose a password). Returns the
    account and whether it was created."""
    _require_administrator_at(actor, site.pk)
    _staff_role(role)
    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.filter(email=email).first()
    created = user is None
    if user is None:
        user = user_create(
            email=email, password=None, full_name=full_name.strip(), actor=actor, site_id=site.pk
        )
    _membership_add(actor=actor, user=user, site=site, role=role)
    needs_password = not user.has_usable_password()
    record(
        actor,
        AuditEvent.Action.INVITATION_SENT,
        obj=user,
        object_label=user_label(user),
        site_id=site.pk,
        detail={"role": role, "new_account": created, "set_password_link": needs_password},
    )
    send_email_after_commit(
        subject="Your Cellpath account" if needs_password else "A new role in Cellpath",
        body=_invitation_email(user, site, role, needs_password=needs_password),
        to=[user.email],
    )
    return user, created


def _membership_add(*, actor: User, user: User, site: Site, role: str) -> Membership:
    return membership_grant(
        user=user,
        site=site,
        role=role,
        actor=actor,
        action=AuditEvent.Action.ROLE_GRANTED,
        detail={"user": user.pk},
    )


@transaction.atomic
def role_grant(*, actor: User, user: User, site: Site, role: str) -> Membership:
    """Add a staff role at one of the actor's sites to an account."""
    _require_administrator_at(actor, site.pk)
    _staff_role(role)
    return _membership_add(actor=actor, user=user, site=site, role=role)


@transaction.atomic
def role_remove(*, actor: User, membership: Membership) -> None:
    """Remove a staff role at one of the actor's sites (an administrator keeps their own
    administrator role: another administrator removes it)."""
    _require_administrator_at(actor, membership.site_id)
    _staff_role(membership.role)
    if membership.user_id == actor.pk and membership.role == Role.ADMINISTRATOR:
        raise PermissionDenied("You cannot remove your own administrator role.")
    record(
        actor,
        AuditEvent.Action.ROLE_REMOVED,
        obj=membership,
        object_label=f"user {membership.user_id} as {membership.role}",
        site_id=membership.site_id,
        changes={"role": {"old": membership.role, "new": None}},
        detail={"user": membership.user_id},
    )
    membership.delete()


@transaction.atomic
def account_set_active(*, actor: User, user: User, active: bool) -> bool:
    """Deactivate an account (it cannot sign in, and its open sessions end) or reactivate it.
    Returns whether anything changed."""
    sites = _require_whole_account(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return False
    user.is_active = active
    user.save(update_fields=["is_active"])
    ended = 0 if active else sessions_end(user)
    record(
        actor,
        AuditEvent.Action.ACCOUNT_REACTIVATED if active else AuditEvent.Action.ACCOUNT_DEACTIVATED,
        obj=user,
        object_label=user_label(user),
        site_id=sites[0] if sites else None,
        changes={"is_active": {"old": not active, "new": active}},
        detail={"sites": sites, "sessions_ended": ended},
    )
    return True


@transaction.atomic
def mfa_reset(*, actor: User, user: User) -> bool:
    """Remove an account's authenticator (a lost or replaced phone): its open sessions end and
    it enrols a new one at its next sign-in. Returns whether there was one to remove."""
    sites = _require_whole_account(actor, user)
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    if not deleted:
        return False
    ended = sessions_end(user)
    record(
        actor,
        AuditEvent.Action.MFA_RESET,
        obj=user,
        object_label=user_label(user),
        site_id=sites[0] if sites else None,
        detail={"sites": sites, "sessions_ended": ended},
    )
    return True


def audit_export_record(*, actor: User, count: int, filters: dict[str, object]) -> AuditEvent:
    """An administrator downloaded the audit log: which filters, how many rows. The "who"
    filter is part of an e-mail address, so the log says only that it was used."""
    sites = site_ids_for(actor, [Role.ADMINISTRATOR])
    shown = {k: v for k, v in filters.items() if v not in (None, "")}
    if shown.get("actor"):
        shown["actor"] = "***"
    return record(
        actor,
        AuditEvent.Action.EXPORT,
        object_type=AuditEvent._meta.label_lower,
        site_id=sites[0] if sites and not actor.is_superuser else None,
        detail={"format": "csv", "count": count, "filters": shown, "sites": sites},
    )
