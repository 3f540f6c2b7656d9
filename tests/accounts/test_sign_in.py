"""Signing in: generic failures, lockout, the second factor for staff, a fresh session key."""

from __future__ import annotations

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from cellpath.accounts import mfa
from cellpath.accounts.access import MFA_SESSION_KEY
from cellpath.accounts.models import AuditEvent, TOTPDevice
from tests.factories import PASSWORD

SIGN_IN = reverse("accounts:sign-in")
GENERIC = "That e-mail address and password do not match"


def post_sign_in(client: Client, email: str, password: str, **extra: str):
    return client.post(SIGN_IN, {"email": email, "password": password, **extra})


@pytest.fixture
def csrf_client() -> Client:
    return Client(enforce_csrf_checks=False)


def test_it_signs_a_patient_in_without_a_second_factor(world, client) -> None:
    response = post_sign_in(client, "patient.a@example.org", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="sign_in", actor=world.users["patient_a"]).exists()


def test_the_failure_message_does_not_say_whether_the_account_exists(world, client) -> None:
    wrong_password = post_sign_in(client, "coordinator.a@example.org", "not the password")
    no_account = post_sign_in(client, "nobody@example.org", "not the password")
    for response in (wrong_password, no_account):
        assert response.status_code == 200
        assert GENERIC in response.content.decode()
    assert AuditEvent.objects.filter(action="sign_in_failed").count() == 2


def test_it_locks_the_address_after_repeated_failures(world, client, settings) -> None:
    settings.CELLPATH_SIGNIN_MAX_FAILURES = 3
    for _ in range(3):
        post_sign_in(client, "patient.a@example.org", "wrong")
    # Even the right password is refused while the lock lasts.
    response = post_sign_in(client, "patient.a@example.org", PASSWORD)
    assert response.status_code == 200
    assert "Too many unsuccessful attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="sign_in_locked").exists()


def test_the_lock_lifts_after_the_lockout_period(world, client, settings) -> None:
    settings.CELLPATH_SIGNIN_MAX_FAILURES = 2
    settings.CELLPATH_SIGNIN_LOCKOUT_SECONDS = 60
    for _ in range(2):
        post_sign_in(client, "patient.a@example.org", "wrong")
    from datetime import timedelta

    from cellpath.accounts.models import ThrottleEvent

    # Age the recorded failures past the window (ThrottleEvent is not patient data).
    for event in ThrottleEvent.objects.all():
        event.at -= timedelta(seconds=61)
        event.save()
    assert post_sign_in(client, "patient.a@example.org", PASSWORD).status_code == 302


def test_staff_with_an_authenticator_must_enter_a_code(world, client) -> None:
    user = world.users["clinician_a"]
    device = TOTPDevice.objects.create(
        user=user, secret=mfa.new_secret(), confirmed_at="2026-01-01T00:00Z"
    )
    response = post_sign_in(client, user.email, PASSWORD)
    assert response.url.startswith(reverse("accounts:mfa-verify"))
    assert "_auth_user_id" not in client.session  # not signed in before the second factor

    bad = client.post(reverse("accounts:mfa-verify"), {"code": "000000"})
    assert "not accepted" in bad.content.decode()
    good = client.post(reverse("accounts:mfa-verify"), {"code": pyotp.TOTP(device.secret).now()})
    assert good.status_code == 302
    assert client.session[MFA_SESSION_KEY] is True
    assert client.get(reverse("care:patient-list")).status_code == 200


def test_a_code_is_accepted_only_once(world) -> None:
    device = TOTPDevice.objects.create(
        user=world.users["clinician_a"], secret=mfa.new_secret(), confirmed_at="2026-01-01T00:00Z"
    )
    code = pyotp.TOTP(device.secret).now()
    assert mfa.verify(device, code)
    assert not mfa.verify(device, code)


def test_staff_without_an_authenticator_are_sent_to_enrol_before_patient_data(
    world, client
) -> None:
    post_sign_in(client, "coordinator.a@example.org", PASSWORD)
    response = client.get(reverse("care:patient-list"))
    assert response.status_code == 302 and response.url == reverse("accounts:mfa-setup")

    page = client.get(reverse("accounts:mfa-setup"))
    assert "<svg" in page.content.decode()
    secret = client.session["cellpath_mfa_enrol_secret"]
    client.post(reverse("accounts:mfa-setup"), {"code": pyotp.TOTP(secret).now()})
    assert client.get(reverse("care:patient-list")).status_code == 200
    assert AuditEvent.objects.filter(action="mfa_enrolled").exists()


def test_the_session_key_changes_at_sign_in(world, client) -> None:
    client.get(SIGN_IN)
    client.session.save()
    before = client.session.session_key
    post_sign_in(client, "patient.a@example.org", PASSWORD)
    assert client.session.session_key != before


def test_it_refuses_a_redirect_to_another_host(world, client) -> None:
    response = post_sign_in(client, "patient.a@example.org", PASSWORD, next="https://evil.example/")
    assert response.url == reverse("home")


def test_the_demo_code_is_shown_only_in_demo_mode(world, client, settings) -> None:
    user = world.users["clinician_a"]
    user.is_demo = True
    user.save()
    TOTPDevice.objects.create(user=user, secret=mfa.new_secret(), confirmed_at="2026-01-01T00:00Z")
    post_sign_in(client, user.email, PASSWORD)
    settings.CELLPATH_DEMO = False
    assert "Demo mode" not in client.get(reverse("accounts:mfa-verify")).content.decode()
    settings.CELLPATH_DEMO = True
    assert "Demo mode" in client.get(reverse("accounts:mfa-verify")).content.decode()


def test_sign_out_needs_a_post_with_a_csrf_token(world, client_for) -> None:
    client = client_for("patient_a")
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    forged = client.post(reverse("accounts:sign-out"))
    assert forged.status_code == 403
    assert "Please try that again" in forged.content.decode()
    assert client.get(reverse("home")).status_code == 200  # still signed in


def test_the_page_asked_for_survives_the_code_step(world, client) -> None:
    user = world.users["clinician_a"]
    device = TOTPDevice.objects.create(
        user=user, secret=mfa.new_secret(), confirmed_at="2026-01-01T00:00Z"
    )
    target = "/patients/?q=AAA&overdue=on"
    response = post_sign_in(client, user.email, PASSWORD, next=target)
    page = client.get(response.url).content.decode()
    assert 'name="next" value="/patients/?q=AAA&amp;overdue=on"' in page  # not cut at the "&"
    done = client.post(response.url, {"code": pyotp.TOTP(device.secret).now(), "next": target})
    assert done.status_code == 302 and done.url == target
