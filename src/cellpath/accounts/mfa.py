"""Time-based one-time passwords (RFC 6238) for the second sign-in factor.

Staff roles must pass a second factor before they can open patient data (HIPAA §164.312(d),
OWASP ASVS 5.0 V6.3.3). Codes are 6 digits, 30-second steps, one step of clock drift either way,
and each code is accepted once (replay protection).
"""

from __future__ import annotations

import time

import pyotp
import segno
from django.db import transaction
from django.utils import timezone

from cellpath.accounts.models import TOTPDevice, User

ISSUER = "Cellpath"
STEP_SECONDS = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The enrolment QR code as inline SVG markup (no script, no external request)."""
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#1a1a1a", light="#ffffff")


def current_code(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def _matching_step(secret: str, code: str, now: float) -> int | None:
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    step = int(now // STEP_SECONDS)
    for candidate in (step, step - 1, step + 1):
        if pyotp.utils.strings_equal(totp.at(candidate * STEP_SECONDS), code):
            return candidate
    return None


def verify(device: TOTPDevice, code: str, *, now: float | None = None) -> bool:
    """Accept `code` if it matches a current step not used before, and remember the step."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        step = _matching_step(device.secret, code, time.time() if now is None else now)
        if step is None or step <= device.last_used_step:
            return False
        device.last_used_step = step
        if device.confirmed_at is None:
            device.confirmed_at = timezone.now()
        device.save(update_fields=["last_used_step", "confirmed_at"])
        return True


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
