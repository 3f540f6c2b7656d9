"""A trial programme of site A with the usual criteria, and helpers to apply to it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cellpath.accounts.audit import audited_save
from cellpath.intake.demo import TRIAL_CRITERIA
from cellpath.intake.models import ScreeningCriterion
from cellpath.intake.services import application_start, application_submit
from cellpath.programmes.models import Programme
from tests.programmes.kit import make_programme


def criteria_for(programme: Programme, rows: list[dict[str, Any]] = TRIAL_CRITERIA) -> None:
    for order, row in enumerate(rows):
        audited_save(ScreeningCriterion(programme=programme, order=order, **row), actor="test")


@pytest.fixture
def trial(world) -> Programme:
    programme = make_programme(world.site_a)
    criteria_for(programme)
    return programme


ABOUT = {
    "applicant": "patient",
    "applicant_name": "Pat Applicant",
    "email": "pat@example.org",
    "phone": "",
    "consent_screening": "on",
    "consent_contact": "on",
}
ELIGIBLE = {
    "diagnosis": {"date_of_birth": "1970-05-01", "onset_date": "2026-01-15",
                  "diagnosis_date": "2026-06-01", "el_escorial": "probable"},
    "breathing": {"vc_percent_predicted": "82", "tracheostomy": "no"},
    "daily-life": {f"q{n}": "3" for n in (1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12)} | {"q5a": "3"},
    "health": {"prior_stem_cell_therapy": "no", "pregnancy": "no",
               "active_cancer": "no", "clotting_disorder": "no", "platelets": ""},
}  # fmt: skip


def csrf_post(client: Client, url: str, data: dict[str, Any]):
    client.get(url)
    token = client.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def start(client: Client, programme: Programme, **about: Any):
    data = {**ABOUT, "programmes": programme.pk, **about}
    return csrf_post(client, reverse("intake:start"), data)


def submitted(programme: Programme, answers: dict[str, Any], **details: Any):
    """An application sent straight through the services (for triage tests)."""
    application, token = application_start(
        programme=programme,
        applicant="patient",
        applicant_name=details.get("name", "Sam Sent"),
        email=details.get("email", "sam@example.org"),
        consent_screening=True,
    )
    application.answers = answers
    application_submit(application=application, token=token, notify=False)
    return application, token
