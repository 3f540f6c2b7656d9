"""Writes of the accounts app: sign-in and sign-out, second factors, users and memberships."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cellpath.accounts import mfa, throttle
from cellpath.accounts.access import MFA_SESSION_KEY
from cellpath.accounts.audit import Actor, record
from cellpath.accounts.models import AuditEvent, Membership, Site, TOTPDevice, User

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


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    full_name: str = "",
    actor: Actor,
    is_superuser: bool = False,
    is_demo: bool = False,
) -> User:
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
        object_label=email,
        changes={
            "email": {"old": None, "new": email},
            "is_superuser": {"old": None, "new": is_superuser},
        },
    )
    return user


@transaction.atomic
def membership_grant(*, user: User, site: Site, role: str, actor: Actor) -> Membership:
    membership, created = Membership.objects.get_or_create(user=user, site=site, role=role)
    if created:
        record(
            actor,
            AuditEvent.Action.CREATE,
            obj=membership,
            object_label=f"{user.email} as {role}",
            site_id=site.pk,
            changes={"role": {"old": None, "new": role}},
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
