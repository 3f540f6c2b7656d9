"""A programme's page says who can take part, from the same screening criteria the application's
pre-screen checks (issue 19: programme pages had no "who can take part")."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.intake.conftest import criteria_for
from tests.programmes.kit import clinic_data, make_programme

pytestmark = pytest.mark.django_db


def page(programme) -> str:
    return Client().get(programme.get_absolute_url()).content.decode()


def test_the_page_lists_each_criterion_in_plain_words_with_why_and_a_way_to_check(trial):
    html = page(trial)
    who = html[html.index('id="who"') : html.index("The treatment")]
    for criterion in trial.screening_criteria.all():
        assert criterion.as_criterion().describe() in who
        assert criterion.explanation in who
    assert "Check if I may qualify" in who and f"?programme={trial.slug}" in who


def test_a_programme_without_published_criteria_says_so(world):
    programme = make_programme(world.site_a)
    assert "has not published its criteria in Cellpath" in page(programme)


def test_an_offer_with_warning_signs_shows_its_criteria_but_sends_to_the_before_step(world):
    clinic = make_programme(world.site_a, clinic_data())
    criteria_for(clinic)
    html = page(clinic)
    assert "Who can take part" in html and "Check if I may qualify" not in html
    assert "Before you go further" in html
