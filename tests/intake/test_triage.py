"""Coordinators triage applications of their sites: workflow, notes, assignment, conversion."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cellpath.accounts.models import AuditEvent
from cellpath.care.models import Patient
from cellpath.intake.models import Application
from cellpath.intake.services import (
    application_convert,
    application_note_add,
    application_transition,
)
from tests.intake.conftest import submitted

ANSWERS = {"date_of_birth": "1970-05-01", "onset_date": "2026-01-15", "el_escorial": "probable",
           "diagnosis_date": "2026-06-01", "tracheostomy": False}  # fmt: skip


def post(client, url: str, data: dict):
    client.get(reverse("home"))
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


@pytest.fixture
def application(trial) -> Application:
    return submitted(trial, ANSWERS)[0]


ALLOWED = [
    ("new", "in_review"),
    ("new", "declined"),
    ("new", "withdrawn"),
    ("in_review", "more_information"),
    ("in_review", "consultation"),
    ("in_review", "declined"),
    ("more_information", "in_review"),
    ("consultation", "accepted"),
    ("consultation", "declined"),
    ("consultation", "withdrawn"),
]
PATHS = {
    "new": [],
    "in_review": ["in_review"],
    "more_information": ["in_review", "more_information"],
    "consultation": ["in_review", "consultation"],
    "accepted": ["in_review", "consultation", "accepted"],
    "declined": ["declined"],
}


def _to(application: Application, status: str, actor) -> None:
    for step in PATHS[status]:
        application_transition(actor=actor, application=application, status=step)


@pytest.mark.parametrize(("start", "end"), ALLOWED)
def test_each_allowed_transition_works(application, world, start, end) -> None:
    coordinator = world.users["coordinator_a"]
    _to(application, start, coordinator)
    application_transition(actor=coordinator, application=application, status=end)
    application.refresh_from_db()
    assert application.status == end
    change = AuditEvent.objects.filter(object_type="intake.application", action="update")
    assert change.order_by("pk").last().changes["status"] == {"old": start, "new": end}


@pytest.mark.parametrize(
    ("start", "end"),
    [("new", "accepted"), ("new", "consultation"), ("declined", "in_review"),
     ("accepted", "declined"), ("more_information", "accepted")],
)  # fmt: skip
def test_a_step_the_workflow_does_not_allow_is_refused(application, world, start, end) -> None:
    coordinator = world.users["coordinator_a"]
    _to(application, start, coordinator)
    with pytest.raises(ValidationError, match="cannot become"):
        application_transition(actor=coordinator, application=application, status=end)


def test_another_sites_coordinator_cannot_act(application, world) -> None:
    with pytest.raises(PermissionDenied):
        application_transition(
            actor=world.users["coordinator_b"], application=application, status="in_review"
        )
    with pytest.raises(PermissionDenied):
        application_note_add(actor=world.users["clinician_a"], application=application, text="x")


def test_the_queue_shows_the_pre_screen_and_filters_by_status(application, client_for) -> None:
    client = client_for("coordinator_a")
    page = client.get(reverse("intake:queue")).content.decode()
    assert application.reference in page and "Sam Sent" in page
    assert (
        application.reference
        not in client.get(reverse("intake:queue"), {"status": "accepted"}).content.decode()
    )
    assert (
        application.reference
        not in client_for("coordinator_b").get(reverse("intake:queue")).content.decode()
    )


def test_a_coordinator_moves_notes_assigns_and_converts(application, client_for, world) -> None:
    client = client_for("coordinator_a")
    ref = application.reference
    for status in ("in_review", "consultation", "accepted"):
        response = post(client, reverse("intake:transition", args=[ref]), {"status": status})
        assert response.status_code == 302
    post(client, reverse("intake:note", args=[ref]), {"text": "Called; consultation on Monday."})
    post(client, reverse("intake:assign", args=[ref]), {"to": "me"})
    page = client.get(reverse("intake:detail", args=[ref])).content.decode()
    assert "Called; consultation on Monday." in page
    assert "Unassign me" in page
    response = post(client, reverse("intake:convert", args=[ref]), {})
    patient = Patient.objects.get(identity__full_name="Sam Sent")
    assert response["Location"] == reverse("care:patient-detail", args=[patient.pk])
    assert str(patient.onset_date) == "2026-01-15" and patient.el_escorial == "probable"
    assert patient.site == world.site_a
    application.refresh_from_db()
    assert application.patient == patient


def test_only_an_accepted_application_becomes_a_patient_and_only_once(application, world) -> None:
    coordinator = world.users["coordinator_a"]
    with pytest.raises(ValidationError, match="Only an accepted"):
        application_convert(actor=coordinator, application=application)
    _to(application, "accepted", coordinator)
    application_convert(actor=coordinator, application=application)
    with pytest.raises(ValidationError, match="already has a patient record"):
        application_convert(actor=coordinator, application=application)


def test_a_refused_step_in_the_page_is_a_message_not_an_error(application, client_for) -> None:
    client = client_for("coordinator_a")
    ref = application.reference
    response = post(client, reverse("intake:transition", args=[ref]), {"status": "accepted"})
    assert response.status_code == 302
    page = client.get(reverse("intake:detail", args=[ref])).content.decode()
    assert "cannot become" in page


def test_duplicates_by_email_are_shown(trial, client_for) -> None:
    first, _ = submitted(trial, ANSWERS, email="twice@example.org")
    second, _ = submitted(trial, ANSWERS, email="twice@example.org")
    page = client_for("coordinator_a").get(reverse("intake:detail", args=[second.reference]))
    assert first.reference in page.content.decode()


def test_reading_the_queue_and_an_application_is_audited(application, client_for, world) -> None:
    client = client_for("coordinator_a")
    client.get(reverse("intake:detail", args=[application.reference]))
    assert AuditEvent.objects.filter(
        actor=world.users["coordinator_a"], action="view", object_type="intake.application"
    ).exists()


def test_another_sites_coordinator_gets_404_on_every_action(application, client_for) -> None:
    client = client_for("coordinator_b")
    ref = application.reference
    for name, data in (("transition", {"status": "in_review"}), ("note", {"text": "x"}),
                       ("assign", {"to": "me"}), ("convert", {}),
                       ("email", {"subject": "s", "body": "b"})):  # fmt: skip
        assert post(client, reverse(f"intake:{name}", args=[ref]), data).status_code == 404
    application.refresh_from_db()
    assert application.status == "new" and not application.notes.exists()


def test_a_coordinator_writes_from_a_template_and_it_is_noted(
    application, client_for, django_capture_on_commit_callbacks
) -> None:
    from django.core import mail

    from cellpath.accounts.audit import audited_save

    application.consent_contact = True
    audited_save(application, actor="test")
    client = client_for("coordinator_a")
    ref = application.reference
    page = client.get(reverse("intake:detail", args=[ref]), {"template": "consultation"})
    form = page.context["email_form"]
    assert "Dear Sam Sent" in form.initial["body"] and ref in form.initial["subject"]
    with django_capture_on_commit_callbacks(execute=True):
        post(client, reverse("intake:email", args=[ref]), form.initial)
    [message] = mail.outbox
    assert message.to == ["sam@example.org"] and "neurologist" in message.body
    assert application.notes.get().text.startswith("E-mail sent: Your application")


def test_no_email_without_consent_to_contact(application, client_for) -> None:
    from django.core import mail

    client = client_for("coordinator_a")
    ref = application.reference
    post(client, reverse("intake:email", args=[ref]), {"subject": "Hi", "body": "Hello"})
    assert not mail.outbox
    assert (
        "did not agree to be contacted"
        in client.get(reverse("intake:detail", args=[ref])).content.decode()
    )


def test_the_answers_read_as_asked_not_as_field_names(application, client_for) -> None:
    page = client_for("coordinator_a").get(reverse("intake:detail", args=[application.reference]))
    text = page.content.decode()
    assert "<dt>Tracheostomy</dt><dd>No</dd>" in text
    assert "<dt>El Escorial category</dt><dd>Probable</dd>" in text
    assert "<dt>tracheostomy</dt>" not in text and "<dt>el_escorial</dt>" not in text


def test_a_note_or_email_longer_than_the_page_allows_is_refused_with_a_message(
    application, client_for
) -> None:
    """The walker found a 5,000-character note kept although the page says 4,000 at most."""
    from django.core import mail

    from cellpath.accounts.audit import audited_save

    application.consent_contact = True
    audited_save(application, actor="test")
    client = client_for("coordinator_a")
    ref = application.reference
    detail = reverse("intake:detail", args=[ref])
    post(client, reverse("intake:note", args=[ref]), {"text": "x" * 4001})
    page = client.get(detail).content.decode()
    assert "Note: Ensure this value has at most 4000 characters" in page
    post(client, reverse("intake:email", args=[ref]), {"subject": "s" * 201, "body": "Hello"})
    page = client.get(detail).content.decode()
    assert "Subject: Ensure this value has at most 200 characters" in page
    assert not application.notes.exists() and not mail.outbox


def test_an_empty_note_is_refused_with_the_same_words_as_before(application, client_for) -> None:
    client = client_for("coordinator_a")
    ref = application.reference
    post(client, reverse("intake:note", args=[ref]), {"text": "  "})
    page = client.get(reverse("intake:detail", args=[ref])).content.decode()
    assert "Write the note first." in page and not application.notes.exists()


ITEMS = {f"q{n}": 3 for n in (1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12)} | {"q5a": 2}  # total 35


def test_conversion_keeps_the_alsfrs_r_and_the_two_records_link(trial, client_for, world) -> None:
    from cellpath.care.models import AlsfrsR
    from cellpath.outcomes.alsfrs import alsfrs_r_total

    application = submitted(trial, {**ANSWERS, **ITEMS})[0]
    _to(application, "accepted", world.users["coordinator_a"])
    patient = application_convert(actor=world.users["coordinator_a"], application=application)
    (kept,) = AlsfrsR.objects.filter(patient=patient)
    items = {key: getattr(kept, key) for key in ITEMS}
    assert alsfrs_r_total(items) == 35 and kept.respondent == "self"
    assert kept.assessed_on == application.submitted_at.date()
    client = client_for("coordinator_a")
    record = client.get(reverse("care:patient-detail", args=[patient.pk])).content.decode()
    assert reverse("intake:detail", args=[application.reference]) in record
    back = client.get(reverse("intake:detail", args=[application.reference])).content.decode()
    assert reverse("care:patient-detail", args=[patient.pk]) in back
    clinician = client_for("clinician_a").get(reverse("care:patient-detail", args=[patient.pk]))
    assert application.reference not in clinician.content.decode()  # applications are triage's


def test_an_incomplete_alsfrs_r_is_not_turned_into_an_assessment(trial, world) -> None:
    from cellpath.care.models import AlsfrsR

    application = submitted(trial, {**ANSWERS, **ITEMS, "q12": None})[0]
    _to(application, "accepted", world.users["coordinator_a"])
    patient = application_convert(actor=world.users["coordinator_a"], application=application)
    assert not AlsfrsR.objects.filter(patient=patient).exists()


def test_without_consent_to_contact_both_sides_are_told_how_the_decision_travels(
    application, client_for, world
) -> None:
    from django.test import Client

    token = submitted(application.programme, ANSWERS, email="quiet@example.org")[1]
    quiet = Application.objects.get(email="quiet@example.org")
    assert not quiet.consent_contact
    page = Client().get(reverse("intake:result", args=[token])).content.decode()
    assert "will contact you" not in page and "cannot write to you" in page
    application_transition(actor=world.users["coordinator_a"], application=quiet, status="declined")
    page = Client().get(reverse("intake:result", args=[token])).content.decode()
    assert "Where it stands:</strong> Declined" in page
    detail = client_for("coordinator_a").get(reverse("intake:detail", args=[quiet.reference]))
    assert "Their private result page shows this application" in detail.content.decode()
