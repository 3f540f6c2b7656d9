"""The application form's wording helps people finish it (issue 19, "Experience"): questions
follow who is applying, a field says once whether the pre-screen needs it, nothing is chosen for
the person, step titles say what they ask, answers are in everyday words, the review page reads
like a letter, and a phone number is checked beside its field."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from cellpath.intake.models import Application
from cellpath.outcomes.alsfrs_questions import questions_for
from tests.intake.conftest import ELIGIBLE, criteria_for, start
from tests.intake.test_apply import _token, _walk

SOMEONE_ELSE = {"applicant": "on_behalf", "patient_name": "Jo Patient", "relationship": "Son"}
FIELD = re.compile(r'<fieldset class="radio-group.*?</fieldset>|<div class="field.*?</div>', re.S)
CHECKED_RADIO = re.compile(r'<input type="radio"[^>]*\schecked[\s>]')


@pytest.fixture
def client() -> Client:
    return Client(enforce_csrf_checks=True)


def _page(client: Client, token: str, slug: str) -> str:
    return client.get(reverse("intake:step", args=[token, slug])).content.decode()


TRIAL_STEPS = ("diagnosis", "breathing", "daily-life", "health")


# 1. The questions follow who is applying ------------------------------------------------------


def test_someone_applying_for_another_person_is_asked_their_date_of_birth(trial, client) -> None:
    token = _token(start(client, trial, **SOMEONE_ELSE))
    page = _page(client, token, "diagnosis")
    assert "What is their date of birth?" in page
    assert "When did their first ALS symptoms start?" in page
    assert "your date of birth" not in page.lower()
    assert "You are applying for Jo Patient" in page
    _walk(client, token, {"diagnosis": ELIGIBLE["diagnosis"]})
    review = client.get(reverse("intake:review", args=[token])).content.decode()
    labels = re.findall(r"<dt>(.*?)</dt>", review)
    assert "Date of birth" in labels and not any("your" in label.lower() for label in labels)


def test_a_patient_is_still_asked_their_own_date_of_birth(trial, client) -> None:
    token = _token(start(client, trial))
    page = _page(client, token, "diagnosis")
    assert "What is your date of birth?" in page and "their date" not in page
    assert "You are applying for" not in page


# 2. "(optional)" or "Needed for the pre-screen", once, never both --------------------------


def test_no_field_says_optional_twice_or_optional_and_needed(trial, client) -> None:
    token = _token(start(client, trial))
    for slug in TRIAL_STEPS:
        page = _page(client, token, slug)
        assert "(optional) (optional)" not in page
        assert "(optional)</span> <span" not in page
        for field in FIELD.findall(page):
            both = "(optional)" in field and "Needed for the pre-screen" in field
            assert not both, field
            assert field.count("Needed for the pre-screen") <= 1, field
    health = _page(client, token, "health")
    # what the criteria read says so; a free answer nobody needs says "(optional)"
    assert "Needed for the pre-screen." in health
    treatments = next(f for f in FIELD.findall(health) if "treatments for ALS" in f)
    assert treatments.count("(optional)") == 1


# 3. Nothing chosen for the person -----------------------------------------------------------


def test_a_fresh_step_has_no_answer_chosen(trial, client) -> None:
    token = _token(start(client, trial))
    for slug in TRIAL_STEPS:
        page = _page(client, token, slug)
        assert 'type="radio"' in page
        assert not CHECKED_RADIO.search(page), slug


def test_not_sure_is_kept_when_chosen_and_an_unanswered_question_stays_unanswered(
    trial, client
) -> None:
    token = _token(start(client, trial))
    _walk(client, token, {"breathing": {"vc_percent_predicted": "82", "tracheostomy": "not_sure"}})
    answers = Application.objects.get().answers
    assert answers["tracheostomy"] is None  # "not sure" means not known, as before
    assert "gastrostomy" not in answers  # nothing chosen: nothing stored
    page = _page(client, token, "breathing")
    [checked] = CHECKED_RADIO.findall(page)
    assert 'name="tracheostomy"' in checked and 'value="not_sure"' in checked


# 4. The breathing step says "feeding" only when it asks about feeding ------------------------


def test_the_breathing_and_feeding_step_asks_about_a_feeding_tube(trial, client) -> None:
    token = _token(start(client, trial))
    page = _page(client, token, "breathing")
    assert "<h1>Breathing and feeding</h1>" in page
    assert "feeding tube" in page and 'name="gastrostomy"' in page
    # a feeding tube changes question 5 of the next step (5b instead of 5a)
    _walk(client, token, {"breathing": {"vc_percent_predicted": "82", "gastrostomy": "yes"}})
    daily = _page(client, token, "daily-life")
    assert 'name="q5b"' in daily and 'name="q5a"' not in daily


def test_a_step_about_breathing_only_is_called_breathing(world, client) -> None:
    from tests.programmes.kit import clinic_data, make_programme

    clinic = make_programme(world.site_a, clinic_data())
    criteria_for(clinic, [{"field": "vc_percent_predicted", "op": ">=", "value": 60,
                           "explanation": "x"}])  # fmt: skip
    token = _token(start(client, clinic))
    page = _page(client, token, "breathing")
    assert "<h1>Breathing</h1>" in page and "feeding" not in page.lower()


# 5. The ALSFRS-R in everyday words, the portal's ------------------------------------------


def test_the_daily_life_questions_use_the_portals_everyday_words(trial, client) -> None:
    token = _token(start(client, trial))
    page = _page(client, token, "daily-life")
    assert "NPO" not in page and "Helpless" not in page and "parenteral" not in page
    for question in questions_for(gastrostomy=False):
        for _, wording in question.plain_choices():
            assert wording.replace("'", "&#x27;") in page, wording


def test_the_portal_and_the_application_offer_the_same_answers(trial, client) -> None:
    from cellpath.care.forms_portal import AlsfrsAnswerForm
    from cellpath.intake.forms.apply import AnswersForm

    application = AnswersForm(keys=["q3", "q7"], needed=set())
    for item in ("q3", "q7"):
        question = next(q for q in questions_for(gastrostomy=False) if q.item == item)
        portal = AlsfrsAnswerForm(question=question).fields["answer"].choices
        assert list(application.fields[item].choices)[:5] == list(portal)


# 6. The review page reads like a letter ------------------------------------------------------


def test_the_review_page_shows_dates_in_words_and_labels_with_a_capital(trial, client) -> None:
    token = _token(start(client, trial))
    answers = dict(ELIGIBLE)
    answers["health"] = {**ELIGIBLE["health"], "other_medicines": "Baclofen"}
    _walk(client, token, answers)
    page = client.get(reverse("intake:review", args=[token])).content.decode()
    assert "1 May 1970" in page and "1970-05-01" not in page
    assert "<dt>First ALS symptoms</dt>" in page and "<dt>Other medicines</dt>" in page
    labels = re.findall(r"<dt>(.*?)</dt>", page)
    assert labels and all(label[0].isupper() for label in labels), labels
    assert "Early eating problems – occasional choking (3 of 4)" in page


# 7. A phone number is checked beside its field -----------------------------------------------


@pytest.mark.parametrize("phone", ["abc", "12", "+44 20 7946 0958 ext. 12", "1" * 21])
def test_a_phone_number_that_is_not_one_is_refused_beside_the_field(trial, client, phone) -> None:
    response = start(client, trial, phone=phone)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_phone-error">Give a phone number in digits' in page
    assert not Application.objects.exists()


def test_a_phone_number_as_people_write_it_is_accepted(trial, client) -> None:
    response = start(client, trial, phone="+44 20 7946 0958")
    assert response.status_code == 302
    assert Application.objects.get().phone == "+44 20 7946 0958"


def test_a_very_long_phone_number_is_refused_not_a_server_error(trial, client) -> None:
    response = start(client, trial, phone="1" * 5000)
    assert response.status_code == 200
    assert 'maxlength="40"' in response.content.decode()
    assert not Application.objects.exists()
