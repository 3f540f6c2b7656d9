"""An applicant goes through the form, sees an explained pre-screen at once, and can come back."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from cellpath.accounts.models import AuditEvent
from cellpath.intake.models import Application
from tests.intake.conftest import ELIGIBLE, csrf_post, start


def _token(response) -> str:
    return re.search(r"/apply/([^/]+)/", response["Location"]).group(1)


def _walk(client: Client, token: str, answers: dict[str, dict[str, str]]) -> None:
    for slug, data in answers.items():
        response = csrf_post(client, reverse("intake:step", args=[token, slug]), data)
        assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def client() -> Client:
    return Client(enforce_csrf_checks=True)


def test_an_eligible_applicant_sees_likely_eligible_and_gets_an_email(
    trial, client, django_capture_on_commit_callbacks
) -> None:
    response = start(client, trial)
    assert response.status_code == 302
    token = _token(response)
    assert response["Location"].endswith("/diagnosis/")
    _walk(client, token, ELIGIBLE)
    with django_capture_on_commit_callbacks(execute=True):
        response = csrf_post(client, reverse("intake:review", args=[token]), {})
    page = client.get(response["Location"]).content.decode()
    assert "Your pre-screen: Likely eligible" in page
    assert "Age between 18 and 75 years" in page
    assert "A pre-screen is not a medical decision" in page
    application = Application.objects.get()
    assert (application.status, application.verdict) == ("new", "likely_eligible")
    [message] = mail.outbox
    assert "likely eligible" in message.body and f"/apply/{token}/result/" in message.body
    assert AuditEvent.objects.filter(object_type="intake.application", action="create").exists()


def test_missing_answers_ask_for_more_information_and_the_link_resumes(trial, client) -> None:
    token = _token(start(client, trial))
    partial = dict(ELIGIBLE)
    partial.pop("daily-life")
    _walk(client, token, partial)
    csrf_post(client, reverse("intake:review", args=[token]), {})
    page = client.get(reverse("intake:result", args=[token])).content.decode()
    assert "We need more information" in page
    assert "ALSFRS-R" in page  # the question still to answer
    link = re.search(r'href="(/apply/[^"]+/daily-life/)"', page).group(1)
    # later, in another browser: the link is all it takes
    later = Client(enforce_csrf_checks=True)
    assert later.get(link).status_code == 200
    _walk(later, token, {"daily-life": ELIGIBLE["daily-life"]})
    csrf_post(later, reverse("intake:review", args=[token]), {})
    page = later.get(reverse("intake:result", args=[token])).content.decode()
    assert "Your pre-screen: Likely eligible" in page


def test_a_failing_criterion_is_named_and_other_options_offered(trial, client) -> None:
    token = _token(start(client, trial))
    answers = dict(ELIGIBLE)
    answers["breathing"] = {"vc_percent_predicted": "82", "tracheostomy": "yes"}
    _walk(client, token, answers)
    csrf_post(client, reverse("intake:review", args=[token]), {})
    page = client.get(reverse("intake:result", args=[token])).content.decode()
    assert "Likely not eligible" in page
    assert "Does not meet" in page and "tracheostomy" in page
    assert reverse("programmes:list") in page and "neurologist" in page


def test_only_the_questions_the_criteria_need_are_asked(world, client) -> None:
    from tests.intake.conftest import criteria_for
    from tests.programmes.kit import clinic_data, make_programme

    clinic = make_programme(world.site_a, clinic_data())
    criteria_for(clinic, [{"field": "active_cancer", "op": "present", "kind": "exclusion",
                           "explanation": "x"}])  # fmt: skip
    response = start(client, clinic)
    assert response["Location"].endswith("/health/")
    page = client.get(response["Location"]).content.decode()
    assert "cancer" in page and "platelet" not in page.lower() and "pregnan" not in page


def test_a_bad_answer_is_refused_beside_the_field_and_kept(trial, client) -> None:
    token = _token(start(client, trial))
    url = reverse("intake:step", args=[token, "breathing"])
    response = csrf_post(client, url, {"vc_percent_predicted": "800", "tracheostomy": "no"})
    assert response.status_code == 200
    assert 'value="800"' in response.content.decode()
    assert "error" in response.content.decode()
    response = csrf_post(
        client,
        reverse("intake:step", args=[token, "diagnosis"]),
        {"date_of_birth": "2990-01-01", "onset_date": "", "diagnosis_date": ""},
    )
    assert "This date is in the future." in response.content.decode()


def test_step_one_validates_and_keeps_what_was_typed(trial, client) -> None:
    response = start(client, trial, email="not-an-email", consent_screening="")
    page = response.content.decode()
    assert response.status_code == 200
    assert "We cannot pre-screen your application without this." in page
    assert 'value="Pat Applicant"' in page
    assert not Application.objects.exists()


def test_applying_for_someone_else_needs_their_name(trial, client) -> None:
    response = start(client, trial, applicant="on_behalf")
    assert "Tell us the name of the person with ALS." in response.content.decode()


def test_an_unknown_link_explains_itself(db, client) -> None:
    response = client.get(reverse("intake:result", args=["no-such-token"]))
    assert response.status_code == 404
    assert "We do not know this application link" in response.content.decode()


def test_an_expired_link_explains_itself(trial, client) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from cellpath.accounts.audit import audited_save

    token = _token(start(client, trial))
    application = Application.objects.get()
    application.resume_expires_at = timezone.now() - timedelta(days=1)
    audited_save(application, actor="test")
    response = client.get(reverse("intake:step", args=[token, "diagnosis"]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_answers_cannot_change_once_a_coordinator_reviews(trial, client, world) -> None:
    from cellpath.intake.services import application_transition

    token = _token(start(client, trial))
    _walk(client, token, ELIGIBLE)
    csrf_post(client, reverse("intake:review", args=[token]), {})
    application = Application.objects.get()
    application_transition(
        actor=world.users["coordinator_a"], application=application, status="in_review"
    )
    response = client.get(reverse("intake:step", args=[token, "breathing"]))
    assert response.status_code == 302 and response["Location"].endswith("/result/")


def test_ticking_the_newsletter_box_starts_the_double_opt_in(
    trial, client, django_capture_on_commit_callbacks
) -> None:
    from cellpath.intake.models import Subscriber

    token = _token(start(client, trial, consent_newsletter="on"))
    _walk(client, token, ELIGIBLE)
    with django_capture_on_commit_callbacks(execute=True):
        csrf_post(client, reverse("intake:review", args=[token]), {})
    subscriber = Subscriber.objects.get(email="pat@example.org")
    assert not subscriber.active  # nothing is sent until the address confirms
    assert any("confirm" in message.body.lower() for message in mail.outbox[1:])


def test_starting_emails_the_private_link_so_nothing_is_lost(
    trial, client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        token = _token(start(client, trial))
    [message] = mail.outbox
    assert f"/apply/{token}/review/" in message.body
    assert Client().get(reverse("intake:review", args=[token])).status_code == 200


def test_medicines_and_previous_treatments_can_be_told_but_are_not_required(trial, client) -> None:
    token = _token(start(client, trial))
    answers = dict(ELIGIBLE)
    answers["health"] = {**ELIGIBLE["health"], "previous_treatments": "Riluzole since 2026."}
    _walk(client, token, answers)
    assert Application.objects.get().answers["previous_treatments"] == "Riluzole since 2026."
    page = client.get(reverse("intake:review", args=[token])).content.decode()
    assert "Riluzole since 2026." in page


def test_sending_reads_and_writes_the_database_a_few_times_only(
    trial, client, django_assert_max_num_queries
) -> None:
    token = _token(start(client, trial))
    _walk(client, token, ELIGIBLE)
    url = reverse("intake:review", args=[token])
    client.get(url)
    data = {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    # the application and its criteria; the row locked, updated and its audit event chained
    with django_assert_max_num_queries(10):
        assert client.post(url, data).status_code == 302
