"""Matching a care record, as the care team and the patient see it: an age in whole years, one
age line per trial, no pregnancy question for a woman of 79, and the questions still open
answered on the page for that check only (never saved to the record)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from cellpath.accounts.audit import audited_save
from cellpath.accounts.models import AuditEvent
from cellpath.care.models import Patient
from cellpath.trials.finder.matching import registry_criteria

pytestmark = pytest.mark.django_db

PREGNANCY = "Are you pregnant or breastfeeding?"
BLOOD_THINNER = "Do you take a blood thinner"


def _cards(page: str) -> dict[str, str]:
    """NCT number → its result card."""
    cards = re.findall(
        r'<li class="card trial-card">(.*?)</li>\s*(?=<li class="card|</ol>)', page, re.S
    )
    return {re.search(r"NCT\d{8}", card).group(0): card for card in cards}


def _verdict(card: str) -> str:
    return re.search(r'class="verdict-box[^"]*"><p><strong>([^<]+)</strong>', card).group(1)


def _aged(patient: Patient, years: float) -> None:
    patient.date_of_birth = date.today() - timedelta(days=round(years * 365.25))
    audited_save(patient, actor="test")


def _url(world) -> str:
    return reverse("trials:match-patient", args=[world.patient_a.pk])


def _post(client, url: str, data: dict):
    client.get(url)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_the_age_is_shown_in_whole_years(demo_trials, world, client_for) -> None:
    _aged(world.patient_a, 79.94)
    page = client_for("clinician_a").get(_url(world)).content.decode()
    assert "You told us: 79 years." in page
    assert not re.search(r"You told us: 79\.\d", page)


def test_each_trial_shows_one_age_line(demo_trials, world, client_for) -> None:
    page = client_for("clinician_a").get(_url(world)).content.decode()
    cards = _cards(page)
    assert cards
    for nct, card in cards.items():
        ages = re.findall(
            r'<li class="criterion criterion-\w+"><strong>[^<]*</strong> (Age [^(]*)\(.*?'
            r'<q class="quote">([^<]*)</q>',
            card,
        )
        requirements = [requirement for requirement, _ in ages]
        assert len(requirements) == len(set(requirements)), nct  # none reads as a duplicate
        assert sum("(registry record)" in quote for _, quote in ages) <= 1, nct
    # NCT99000002: the registry says 18 to 65, the criteria 21 to 65: the same maximum once,
    # the registry's other minimum kept and named as the registry's
    assert "Maximum age: 65 years" not in cards["NCT99000002"]
    assert "Minimum age: 18 years (registry record)" in cards["NCT99000002"]
    # NCT99000001: the registry says 18 to 70 and so do the criteria: one line, not three
    assert "Minimum age: 18 years (registry record)" not in cards.get("NCT99000001", "")


def test_registry_limits_the_criteria_do_not_state_are_kept_as_one_line() -> None:
    stated = [["inclusion", "age_years", "between", [21, 65], None]]
    limits = registry_criteria(minimum_age=18, maximum_age=65, sex="ALL", stated=stated)
    assert [(r["op"], r["value"]) for r in limits] == [(">=", 18)]  # differs: kept, as registry
    assert "(registry record)" in limits[0]["quote"]
    both = registry_criteria(minimum_age=30, maximum_age=80, sex="ALL")
    assert [(r["op"], r["value"]) for r in both] == [("between", [30, 80])]


def test_a_79_year_old_woman_is_not_asked_about_pregnancy_and_sees_results(
    demo_trials, world, client_for
) -> None:
    _aged(world.patient_a, 79.94)
    assert world.patient_a.sex == "F"
    page = client_for("clinician_a").get(_url(world)).content.decode()
    assert PREGNANCY not in page
    assert "<strong>0</strong> likely eligible" not in page
    assert "Likely eligible" in {_verdict(card) for card in _cards(page).values()}


def test_a_younger_woman_is_still_asked_and_the_question_sits_beside_the_trial(
    demo_trials, world, client_for
) -> None:
    _aged(world.patient_a, 40)
    page = client_for("clinician_a").get(_url(world)).content.decode()
    cards = _cards(page)
    asking = [nct for nct, card in cards.items() if PREGNANCY in card]
    assert asking  # shown next to the trial, which is still listed with its verdict
    assert all("Still to answer:" in cards[nct] for nct in asking)


def test_answering_a_question_still_open_changes_the_result(demo_trials, world, client_for) -> None:
    client = client_for("clinician_a")
    before = client.get(_url(world)).content.decode()
    assert 'id="answers"' in before and 'href="#answers"' in before
    asked = [nct for nct, card in _cards(before).items() if BLOOD_THINNER in card]
    assert asked
    saved = AuditEvent.objects.exclude(action="view").count()
    after = _post(client, _url(world), {"answer_anticoagulants": "yes"}).content.decode()
    changed = {nct: _verdict(_cards(after)[nct]) for nct in asked if nct in _cards(after)}
    assert "Likely not eligible" in changed.values()
    assert 'value="yes" id="id_answer_anticoagulants_1" checked' in after  # kept on the page
    assert "not saved to the record" in after
    # nothing written to the record: no audited change, the record as it was
    assert AuditEvent.objects.exclude(action="view").count() == saved


def test_a_bad_answer_is_shown_beside_its_field_not_an_error_page(
    demo_trials, world, client_for
) -> None:
    client = client_for("clinician_a")
    response = _post(
        client,
        _url(world),
        {"answer_alsfrs_r_total": "999", "answer_bmi": "9" * 40, "answer_sod1_mutation": "maybe"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Please give a number between 0 and 48 points." in page
    assert "at most 20 characters" in page
    assert "NCT99000001" in page  # the match still ran


def test_a_patient_can_answer_their_own_questions(demo_trials, world, client_for) -> None:
    client = client_for("patient_a")
    url = reverse("trials:match-mine")
    page = client.get(url).content.decode()
    assert "not saved to your record" in page
    after = _post(client, url, {"answer_anticoagulants": "no"})
    assert after.status_code == 200
