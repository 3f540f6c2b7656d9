"""Password reset by e-mail, sent through the background-task layer and rate limited."""

from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

from cellpath.accounts.models import AuditEvent

RESET = reverse("accounts:password-reset")


def test_it_sends_a_working_reset_link(world, client, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESET, {"email": "patient.a@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    new = "a brand new long passphrase"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    world.users["patient_a"].refresh_from_db()
    assert world.users["patient_a"].check_password(new)
    assert AuditEvent.objects.filter(action="password_changed").exists()


def test_the_answer_is_the_same_for_unknown_addresses(
    world, client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESET, {"email": "nobody@example.org"})
    assert response.status_code == 302 and response.url == reverse("accounts:password-reset-done")
    assert mail.outbox == []


def test_reset_requests_are_rate_limited(
    world, client, settings, django_capture_on_commit_callbacks
) -> None:
    settings.CELLPATH_PASSWORD_RESET_LIMIT = 2
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            client.post(RESET, {"email": "patient.a@example.org"})
    assert len(mail.outbox) == 2
    assert (
        AuditEvent.objects.filter(action="password_reset_requested", detail__sent=False).count()
        == 2
    )


def test_a_short_password_is_refused_with_a_clear_message(
    world, client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"email": "patient.a@example.org"})
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "short", "new_password2": "short"}
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()
