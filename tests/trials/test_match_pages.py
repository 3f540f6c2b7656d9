"""Matching from a visitor's answers, a care record (staff; the patient themself) and an
application: trials ranked with a verdict per criterion and the sentence it came from."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from cellpath.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


def _month(months_ago: int) -> str:
    when = date.today() - timedelta(days=int(months_ago * 30.5))
    return f"{when.year:04d}-{when.month:02d}"


def _post(client: Client, url: str, data: dict):
    client.get(url)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def _verdicts(page: str) -> dict[str, str]:
    """NCT number → the verdict shown on its result card."""
    cards = re.findall(
        r'<li class="card trial-card">(.*?)</li>\s*(?=<li class="card|</ol>)', page, re.S
    )
    out = {}
    for card in cards:
        nct = re.search(r"NCT\d{8}", card).group(0)
        out[nct] = re.search(r'class="verdict-box[^"]*"><p><strong>([^<]+)</strong>', card).group(1)
    return out


EARLY = {"age": "55", "onset": _month(10), "alsfrs_r_total": "38", "vc_percent": "82",
         "vc_measure": "FVC", "el_escorial": "probable", "tracheostomy": "no",
         "prior_stem_cell_therapy": "no", "gastrostomy": "no"}  # fmt: skip


def test_a_visitor_sees_open_als_trials_ranked_with_reasons(demo_trials) -> None:
    client = Client(enforce_csrf_checks=True)
    response = _post(client, "/trials/match/", EARLY)
    page = response.content.decode()
    verdicts = _verdicts(page)
    assert verdicts["NCT99000001"] == "We need more information"  # e.g. blood thinners
    assert "NCT99000011" not in verdicts  # not ALS
    assert "NCT99000004" not in verdicts  # completed
    order = list(verdicts.values())
    rank = {"Likely eligible": 0, "We need more information": 1, "Likely not eligible": 2}
    assert [rank[v] for v in order] == sorted(rank[v] for v in order)
    assert "A listing is not an endorsement" in page


def test_a_failing_answer_names_the_criterion_and_its_sentence(demo_trials) -> None:
    client = Client(enforce_csrf_checks=True)
    page = _post(client, "/trials/match/", {**EARLY, "onset": _month(60)}).content.decode()
    assert _verdicts(page)["NCT99000001"] == "Likely not eligible"
    card = page[page.index("NCT99000001") :]
    card = card[: card.index("</li>\n</ol>") if "</li>\n</ol>" in card else len(card)]
    assert "✗ Time since first symptoms at most 24" in card
    assert "First muscle weakness no more than 24 months before the screening visit" in card


def test_nothing_answered_asks_the_questions(demo_trials) -> None:
    page = _post(Client(enforce_csrf_checks=True), "/trials/match/", {}).content.decode()
    assert "We need more information" in page
    assert "What is your most recent ALSFRS-R total score" in page


def test_a_bad_answer_is_shown_beside_its_field_and_the_rest_still_match(demo_trials) -> None:
    future = date.today() + timedelta(days=70)
    response = _post(
        Client(enforce_csrf_checks=True),
        "/trials/match/",
        {**EARLY, "onset": f"{future.year}-{future.month:02d}", "alsfrs_r_total": "60"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This month is in the future." in page
    assert "Ensure this value is less than or equal to 48." in page
    assert 'value="82"' in page  # what was typed is kept
    assert "NCT99000001" in page


def test_staff_match_a_record_of_their_site_and_the_read_is_audited(
    demo_trials, world, client_for
) -> None:
    url = reverse("trials:match-patient", args=[world.patient_a.pk])
    page = client_for("clinician_a").get(url).content.decode()
    assert f"Trials for {world.patient_a.study_id}" in page
    assert "NCT99000001" in page
    assert "Tell me about new trials" not in page  # staff do not sign patients up
    assert AuditEvent.objects.filter(
        action="view", actor=world.users["clinician_a"], object_label=world.patient_a.study_id
    ).exists()
    assert client_for("clinician_b").get(url).status_code == 404


def test_a_patient_matches_their_own_record(demo_trials, world, client_for) -> None:
    page = client_for("patient_a").get(reverse("trials:match-mine")).content.decode()
    assert f"Trials for {world.patient_a.study_id}" in page and "NCT99000001" in page


def test_an_applicant_matches_their_answers_from_the_private_link(demo_trials, world) -> None:
    from tests.intake.conftest import criteria_for, submitted
    from tests.programmes.kit import make_programme

    programme = make_programme(world.site_a)
    criteria_for(programme)
    application, token = submitted(
        programme, {"onset_date": (date.today() - timedelta(days=300)).isoformat(),
                    "tracheostomy": False}
    )  # fmt: skip
    page = Client().get(reverse("intake:trials", args=[token])).content.decode()
    assert application.reference in page and "NCT99000001" in page
    assert Client().get(reverse("intake:trials", args=["nope"])).status_code == 404
