"""Friendly error pages, and a health check that tells whether the database answers."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse


def database_down():
    return mock.patch.object(
        BaseDatabaseWrapper, "cursor", side_effect=OperationalError("connection refused")
    )


def test_healthz_answers_200_when_the_database_answers(client, db) -> None:
    response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.json()["database"] == "up"


def test_healthz_answers_503_when_the_database_is_down(client, db) -> None:
    with database_down():
        response = client.get(reverse("healthz"))
    assert response.status_code == 503 and response.json()["database"] == "down"


def test_pages_show_the_friendly_500_page_when_the_database_is_down(world, client_for) -> None:
    client = client_for("coordinator_a")
    client.raise_request_exception = False
    with database_down():
        response = client.get(reverse("care:patient-list"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_unknown_urls_get_the_404_page(client, db) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "Page not found" in response.content.decode()


def test_a_missing_csrf_token_gets_the_friendly_403_page(db) -> None:
    response = Client(enforce_csrf_checks=True).post(
        reverse("accounts:sign-in"), {"email": "a@example.org", "password": "x"}
    )
    assert response.status_code == 403
    assert "Please try that again" in response.content.decode()


@pytest.mark.parametrize("url", ["/patients/", "/accounts/audit/"])
def test_a_wrong_role_gets_the_friendly_403_page(url: str, world, client_for) -> None:
    response = client_for("patient_a").get(url)
    assert response.status_code == 403 and "You cannot open this page" in response.content.decode()
