"""Automatic logoff: idle timeout and absolute lifetime (HIPAA §164.312(a)(2)(iii))."""

from __future__ import annotations

from django.urls import reverse

from cellpath.accounts.models import AuditEvent
from cellpath.accounts.services import AUTH_AT_KEY, LAST_SEEN_KEY


def _age(client, key: str, seconds: int) -> None:
    session = client.session
    session[key] -= seconds
    session.save()


def test_an_idle_session_is_signed_out(world, client_for, settings) -> None:
    client = client_for("coordinator_a")
    _age(client, LAST_SEEN_KEY, settings.CELLPATH_IDLE_TIMEOUT_SECONDS + 1)
    response = client.get(reverse("care:patient-list"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:sign-in"))
    assert client.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action="session_expired", detail__reason="idle").exists()


def test_activity_keeps_a_session_alive(world, client_for, settings) -> None:
    client = client_for("coordinator_a")
    _age(client, LAST_SEEN_KEY, settings.CELLPATH_IDLE_TIMEOUT_SECONDS - 5)
    assert client.get(reverse("care:patient-list")).status_code == 200
    assert client.get(reverse("care:patient-list")).status_code == 200


def test_a_session_ends_after_its_absolute_lifetime_even_when_active(
    world, client_for, settings
) -> None:
    client = client_for("coordinator_a")
    _age(client, AUTH_AT_KEY, settings.CELLPATH_ABSOLUTE_TIMEOUT_SECONDS + 1)
    response = client.get(reverse("care:patient-list"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="session_expired", detail__reason="lifetime").exists()
