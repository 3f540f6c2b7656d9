"""An investigator signs a visit off: the password again and a meaning (21 CFR 11.200); the
visit then shows who signed, when (UTC) and what it means (11.50); every attempt is audited."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from cellpath.accounts.models import AuditEvent
from cellpath.care.models import Visit
from tests.factories import PASSWORD, clinical_history


def post(client, url: str, data: dict):
    client.get(reverse("home"))  # every page carries the CSRF cookie (the sign-out form)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


@pytest.fixture
def baseline(world) -> Visit:
    return clinical_history(world.patient_a)["baseline"].visit


def test_a_clinician_signs_a_visit_and_the_signature_shows_name_time_and_meaning(
    world, client_for, baseline
) -> None:
    clinician = world.users["clinician_a"]
    clinician.full_name = "Dr Carla Neuro"
    clinician.save()
    client = client_for("clinician_a")
    response = post(
        client,
        reverse("care:visit-sign", args=[baseline.pk]),
        {"password": PASSWORD, "meaning": "approved"},
    )
    assert response.status_code == 302
    baseline.refresh_from_db()
    assert baseline.signed_by == clinician and baseline.signature_meaning == "approved"
    stamp = baseline.signed_at.astimezone(UTC)
    page = client.get(response.url).content.decode()
    expected = f"Signed by Dr Carla Neuro on {stamp:%-d %B %Y, %H:%M} UTC — Approved"
    assert expected in page
    event = AuditEvent.objects.get(object_type="care.visit", action="update", actor=clinician)
    assert event.changes["signature_meaning"] == {"old": "", "new": "approved"}
    assert abs(stamp - datetime.now(UTC)).total_seconds() < 60


def test_a_wrong_password_is_refused_with_a_clear_message_and_audited(
    world, client_for, baseline
) -> None:
    client = client_for("clinician_a")
    response = post(
        client,
        reverse("care:visit-sign", args=[baseline.pk]),
        {"password": "not my password", "meaning": "reviewed"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password"] == [
        "This password is not correct. The visit is not signed."
    ]
    page = response.content.decode()
    assert 'role="alert"' in page and re.search(r'value="reviewed"[^>]* checked', page)
    baseline.refresh_from_db()
    assert baseline.signed_at is None
    refused = AuditEvent.objects.get(action="access_denied", object_type="care.visit")
    assert refused.actor == world.users["clinician_a"]
    assert refused.detail == {"signature": "password not correct"}


def test_the_signature_needs_a_meaning(world, client_for, baseline) -> None:
    response = post(
        client_for("clinician_a"),
        reverse("care:visit-sign", args=[baseline.pk]),
        {"password": PASSWORD},
    )
    assert "meaning" in response.context["form"].errors


def test_a_visit_that_has_not_taken_place_cannot_be_signed(world, client_for, baseline) -> None:
    later = Visit.objects.filter(patient=world.patient_a, visit_date__isnull=True).first()
    client = client_for("clinician_a")
    page = client.get(reverse("care:visit-sign", args=[later.pk])).content.decode()
    assert "has not taken place yet" in page and 'type="password"' not in page
    post(
        client,
        reverse("care:visit-sign", args=[later.pk]),
        {"password": PASSWORD, "meaning": "reviewed"},
    )
    later.refresh_from_db()
    assert later.signed_at is None


def test_coordinators_do_not_sign(world, client_for, baseline) -> None:
    response = post(
        client_for("coordinator_a"),
        reverse("care:visit-sign", args=[baseline.pk]),
        {"password": PASSWORD, "meaning": "approved"},
    )
    assert response.status_code == 403
    baseline.refresh_from_db()
    assert baseline.signed_at is None
    page = client_for("coordinator_a").get(reverse("care:visit-detail", args=[baseline.pk]))
    assert "Not signed yet." in page.content.decode()
    assert reverse("care:visit-sign", args=[baseline.pk]) not in page.content.decode()


def test_a_signed_visit_is_not_signed_again(world, client_for, baseline) -> None:
    client = client_for("clinician_a")
    url = reverse("care:visit-sign", args=[baseline.pk])
    post(client, url, {"password": PASSWORD, "meaning": "reviewed"})
    post(client, url, {"password": PASSWORD, "meaning": "approved"})
    baseline.refresh_from_db()
    assert baseline.signature_meaning == "reviewed"
    assert "This visit is already signed." in client.get(url).content.decode()


def test_signing_pauses_after_repeated_wrong_passwords(
    world, client_for, baseline, settings
) -> None:
    settings.CELLPATH_SIGNIN_MAX_FAILURES = 3
    client = client_for("clinician_a")
    url = reverse("care:visit-sign", args=[baseline.pk])
    for _ in range(3):
        post(client, url, {"password": "guess", "meaning": "reviewed"})
    response = post(client, url, {"password": PASSWORD, "meaning": "reviewed"})
    assert response.status_code == 200
    assert "signing is paused for 15 minutes" in response.context["form"].errors["password"][0]
    baseline.refresh_from_db()
    assert baseline.signed_at is None  # even the right password waits
