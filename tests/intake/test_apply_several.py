"""An applicant applies to several programmes at once: one form, answered once, a pre-screen per
programme, and each programme's coordinators get (and see) only their own application."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cellpath.intake.models import Application, ApplicationDocument
from cellpath.intake.services import application_transition
from cellpath.programmes.models import Programme
from tests.intake.conftest import ABOUT, ELIGIBLE, criteria_for, csrf_post
from tests.programmes.kit import clinic_data, make_programme

PLATELETS = [{"field": "platelets", "op": ">=", "value": 150, "kind": "inclusion",
              "explanation": "Low platelets make a bone-marrow harvest unsafe."}]  # fmt: skip
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def clinic(world) -> Programme:
    """A programme of the other site whose one criterion (platelets) the trial does not ask."""
    programme = make_programme(world.site_b, clinic_data())
    criteria_for(programme, PLATELETS)
    return programme


@pytest.fixture
def client() -> Client:
    return Client(enforce_csrf_checks=True)


def _start_both(client: Client, trial: Programme, clinic: Programme) -> str:
    response = csrf_post(
        client, reverse("intake:start"), {**ABOUT, "programmes": [trial.pk, clinic.pk]}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return re.search(r"/apply/([^/]+)/", response["Location"]).group(1)


def _answer(client: Client, token: str, answers: dict[str, dict[str, str]]) -> None:
    for slug, data in answers.items():
        response = csrf_post(client, reverse("intake:step", args=[token, slug]), data)
        assert response.status_code == 302, response.content.decode()[:3000]


def _send(client: Client, token: str) -> str:
    csrf_post(client, reverse("intake:review", args=[token]), {})
    return client.get(reverse("intake:result", args=[token])).content.decode()


def test_one_form_gives_a_pre_screen_per_programme_and_one_email(
    trial, clinic, client, django_capture_on_commit_callbacks
) -> None:
    token = _start_both(client, trial, clinic)
    trial_app, clinic_app = Application.objects.order_by("pk")
    assert (trial_app.site, clinic_app.site) == (trial.site, clinic.site)
    assert trial_app.reference != clinic_app.reference
    # the health step asks the trial's questions and the clinic's platelets, once
    page = client.get(reverse("intake:step", args=[token, "health"])).content.decode()
    assert "platelet" in page.lower() and "stem-cell" in page
    _answer(client, token, ELIGIBLE)
    with django_capture_on_commit_callbacks(execute=True):
        page = _send(client, token)
    assert "Your pre-screens" in page
    assert f"{trial.name}: Likely eligible" in page
    assert f"{clinic.name}: We need more information" in page  # platelets left empty
    assert "platelet count" in page  # the question still to answer, asked once
    [message] = mail.outbox
    assert trial.name in message.body and clinic.name in message.body
    assert trial_app.reference in message.subject and clinic_app.reference in message.subject


def test_answering_the_missing_question_updates_the_programme_that_asked_it(
    trial, clinic, client
) -> None:
    token = _start_both(client, trial, clinic)
    _answer(client, token, ELIGIBLE)
    _send(client, token)
    page = client.get(reverse("intake:result", args=[token])).content.decode()
    answer_url = re.search(r'href="(/apply/[^"]+/health/)"', page).group(1)
    _answer(client, token, {"health": {**ELIGIBLE["health"], "platelets": "120"}})
    assert answer_url.endswith("/health/")
    page = _send(client, token)
    assert f"{clinic.name}: Likely not eligible" in page
    assert f"{trial.name}: Likely eligible" in page  # the trial asks for 100 or more
    assert "compare programmes" in page  # not a dead end


def test_each_site_sees_only_its_own_application(trial, clinic, client, client_for, world) -> None:
    token = _start_both(client, trial, clinic)
    _answer(client, token, ELIGIBLE)
    _send(client, token)
    trial_app, clinic_app = Application.objects.order_by("pk")
    queue_a = client_for("coordinator_a").get(reverse("intake:queue")).content.decode()
    queue_b = client_for("coordinator_b").get(reverse("intake:queue")).content.decode()
    assert trial_app.reference in queue_a and clinic_app.reference not in queue_a
    assert clinic_app.reference in queue_b and trial_app.reference not in queue_b
    detail = reverse("intake:detail", args=[clinic_app.reference])
    assert client_for("coordinator_a").get(detail).status_code == 404


def test_once_one_review_starts_new_answers_go_to_the_other_only(
    trial, clinic, client, world
) -> None:
    token = _start_both(client, trial, clinic)
    _answer(client, token, ELIGIBLE)
    _send(client, token)
    trial_app, clinic_app = Application.objects.order_by("pk")
    application_transition(
        actor=world.users["coordinator_a"], application=trial_app, status="in_review"
    )
    _answer(client, token, {"health": {**ELIGIBLE["health"], "platelets": "150"}})
    page = _send(client, token)
    trial_app.refresh_from_db()
    clinic_app.refresh_from_db()
    assert trial_app.answers.get("platelets") is None  # under review: kept as sent
    assert clinic_app.answers["platelets"] == 150
    assert f"{clinic.name}: Likely eligible" in page
    assert "Where it stands:</strong> In review" in page


def test_a_letter_added_once_reaches_every_programme(
    trial, clinic, client, client_for, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    token = _start_both(client, trial, clinic)
    url = reverse("intake:documents", args=[token])
    client.get(url)
    response = client.post(
        url,
        {
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
            "document": SimpleUploadedFile("letter.pdf", PDF),
        },
    )
    assert response.status_code == 302
    first, second = ApplicationDocument.objects.order_by("pk")
    assert first.file.name == second.file.name  # stored once
    assert {first.application.site, second.application.site} == {trial.site, clinic.site}
    assert len(list(tmp_path.rglob("*"))) == 3  # applications/APP-…/<file>: one file
    download = reverse("intake:document", args=[second.application.reference, second.pk])
    _answer(client, token, ELIGIBLE)
    _send(client, token)  # coordinators read sent applications only
    response = client_for("coordinator_b").get(download)
    assert b"".join(response.streaming_content) == PDF


def test_choosing_no_programme_is_refused_and_a_link_preselects_one(trial, clinic, client) -> None:
    response = csrf_post(client, reverse("intake:start"), {**ABOUT})
    assert "Choose at least one programme." in response.content.decode()
    assert not Application.objects.exists()
    page = client.get(reverse("intake:start"), {"programme": clinic.slug}).content.decode()
    boxes = r'<input type="checkbox" name="programmes" value="(\d+)"[^>]* checked'
    checked = re.findall(boxes, page)
    assert checked == [str(clinic.pk)]
