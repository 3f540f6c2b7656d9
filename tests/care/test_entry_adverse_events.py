"""Adverse events entered by the care team: graded with CTCAE, a serious one e-mails the site's
clinicians at once, and the event is followed up until it resolves."""

from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

from cellpath.care.models import AdverseEvent
from tests.factories import clinical_history


def post(client, url: str, data: dict):
    client.get(reverse("home"))  # every page carries the CSRF cookie (the sign-out form)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


EVENT = {
    "description": "Fever and neck stiffness two days after the intrathecal dose",
    "onset_date": "2024-09-04",
    "grade": "3",
    "serious": "on",
    "hospitalisation": "on",
    "related_to_procedure": "probable",
    "related_to_cells": "possible",
    "outcome": "recovering",
    "expectedness": "not_assessed",
}


def test_a_serious_event_alerts_the_sites_clinicians_at_once(
    world, client_for, django_capture_on_commit_callbacks
) -> None:
    course = clinical_history(world.patient_a)["course"]
    client = client_for("coordinator_a")
    url = reverse("care:adverse-event-create", args=[world.patient_a.pk])
    form_page = client.get(url, {"course": course.pk}).content.decode()
    assert f'<option value="{course.pk}" selected>' in form_page
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, url, {**EVENT, "course": course.pk})
    event = AdverseEvent.objects.get(serious=True)
    assert response.url == reverse("care:adverse-event-detail", args=[event.pk])
    assert [m.to for m in mail.outbox] == [["clinician.a@example.org"]]
    assert mail.outbox[0].subject == f"Serious adverse event: {world.patient_a.study_id}"
    page = client.get(response.url).content.decode()
    assert "The site&#x27;s clinicians have been e-mailed." in page
    assert 'class="tag-serious">Serious</span>' in page and "Course 1" in page


def test_a_non_serious_event_sends_no_e_mail(
    world, client_for, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client_for("clinician_a"),
            reverse("care:adverse-event-create", args=[world.patient_a.pk]),
            {**EVENT, "serious": "", "hospitalisation": "", "grade": "1"},
        )
    assert response.status_code == 302 and mail.outbox == []


def test_a_grade_5_event_must_be_fatal_and_serious_and_answers_are_kept(world, client_for) -> None:
    response = post(
        client_for("coordinator_a"),
        reverse("care:adverse-event-create", args=[world.patient_a.pk]),
        {**EVENT, "grade": "5", "serious": "", "hospitalisation": ""},
    )
    errors = response.context["form"].errors
    assert errors["outcome"] == ["A grade 5 event is fatal by definition (CTCAE v5)."]
    assert errors["serious"] == ["A fatal event is a serious adverse event."]
    page = response.content.decode()
    assert "Fever and neck stiffness" in page
    assert re.search(r'name="grade" value="5"[^>]* checked', page)
    assert not AdverseEvent.objects.exists()


def test_an_event_is_followed_up_until_it_resolves(world, client_for) -> None:
    event = clinical_history(world.patient_a)["event"]
    client = client_for("clinician_a")
    url = reverse("care:adverse-event-detail", args=[event.pk])
    stored = {"grade": "1", "related_to_procedure": "probable", "related_to_cells": "unlikely"}
    stored["expectedness"] = "expected"
    refused = post(client, url, {**stored, "resolved_date": "2024-09-01", "outcome": "recovered"})
    assert refused.context["form"].errors["resolved_date"] == [
        "An event cannot resolve before it started."
    ]
    assert "5 September 2024" in refused.content.decode()  # the stored date, still shown
    post(
        client,
        url,
        {**stored, "resolved_date": "2024-09-10", "outcome": "sequelae", "action_taken": "Rest"},
    )
    event.refresh_from_db()
    assert (event.resolved_date.day, event.outcome, event.action_taken) == (10, "sequelae", "Rest")


def test_another_sites_event_is_not_found(world, client_for) -> None:
    event = clinical_history(world.patient_a)["event"]
    url = reverse("care:adverse-event-detail", args=[event.pk])
    response = post(client_for("coordinator_b"), url, {"outcome": "fatal"})
    assert response.status_code == 404
    event.refresh_from_db()
    assert event.outcome == "recovered"


def test_the_alert_links_to_the_record_with_the_configured_address(
    world, settings, django_capture_on_commit_callbacks
) -> None:
    from datetime import date

    from django.core import mail

    from cellpath.care.services import adverse_event_record

    settings.CELLPATH_BASE_URL = "https://cellpath.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        adverse_event_record(
            actor=world.users["coordinator_a"],
            patient=world.patient_a,
            description="Fever",
            onset_date=date(2024, 9, 4),
            grade=3,
            serious=True,
            hospitalisation=True,
            related_to_procedure="possible",
            related_to_cells="possible",
        )
    (alert,) = mail.outbox
    assert f"https://cellpath.example.org/patients/{world.patient_a.pk}/" in alert.body
