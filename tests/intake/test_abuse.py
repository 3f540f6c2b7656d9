"""Public forms resist bots and floods: a honeypot, rate limits with a friendly 429 page."""

from __future__ import annotations

from django.test import Client

from cellpath.intake.models import Application
from tests.intake.conftest import start


def test_a_bot_filling_the_hidden_field_is_thanked_and_nothing_is_kept(trial) -> None:
    response = start(Client(enforce_csrf_checks=True), trial, website="http://spam.example")
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert not Application.objects.exists()


def test_too_many_applications_from_one_email_get_a_429(trial) -> None:
    client = Client(enforce_csrf_checks=True)
    for _ in range(5):
        assert start(client, trial).status_code == 302
    response = start(client, trial)
    assert response.status_code == 429
    assert "Please wait a little" in response.content.decode()
    assert Application.objects.count() == 5


def test_too_many_applications_from_one_address_get_a_429(trial) -> None:
    client = Client(enforce_csrf_checks=True)
    for n in range(20):
        assert start(client, trial, email=f"person{n}@example.org").status_code == 302
    assert start(client, trial, email="another@example.org").status_code == 429
