"""The finder: open ALS trials by default; status, phase, kind, words, distance; a trial's page
with its criteria beside their sentences and its sites by distance."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from cellpath.trials.finder.queries import Search, place_from, search

pytestmark = pytest.mark.django_db


def _ids(**query) -> list[str]:
    return [row.trial.nct_id for row in search(Search(**query)).rows]


def test_by_default_open_als_trials_only(demo_trials) -> None:
    found = _ids()
    assert "NCT99000001" in found  # recruiting ALS
    assert "NCT99000009" in found  # expanded access, available
    assert "NCT99000004" not in found  # completed
    assert "NCT99000011" not in found  # not ALS
    everything = _ids(als_only=False)
    assert "NCT99000011" in everything


def test_status_phase_and_kind_filters(demo_trials) -> None:
    assert set(_ids(statuses=("COMPLETED",))) == {"NCT99000004", "NCT99000010"}
    assert set(_ids(phases=("PHASE3",))) >= {"NCT99000006"}
    assert all(n != "NCT99000007" for n in _ids(phases=("PHASE3",)))
    cell = set(_ids(kinds=("cell",), statuses=()))
    assert {"NCT99000001", "NCT99000003", "NCT99000004"} <= cell
    assert "NCT99000005" not in cell


def test_words_find_titles_treatments_and_sponsors(demo_trials) -> None:
    assert "NCT99000001" in _ids(words="mesenchymal", statuses=())
    assert "NCT99000001" in _ids(words="Mesenchymal stem cells", statuses=())  # stemmed, any case
    assert _ids(words="nothing-like-this-anywhere") == []
    assert _ids(words='()"*:') == _ids()  # punctuation only: no words, no error


def test_a_place_and_radius_keep_nearby_trials_nearest_first(demo_trials) -> None:
    boston = place_from("02114")
    assert boston is not None and abs(boston.latitude - 42.36) < 0.1
    rows = search(Search(place=boston, radius_km=500)).rows
    assert rows and all(row.distance_km <= 500 for row in rows)
    assert [r.distance_km for r in rows] == sorted(r.distance_km for r in rows)
    assert "NCT99000001" in [r.trial.nct_id for r in rows]
    assert "NCT99000005" not in [r.trial.nct_id for r in rows]  # London, Sydney, Melbourne
    assert place_from("52.37, 4.89").label == "52.370, 4.890"
    assert place_from("Nowhere Town") is None
    assert place_from("95, 200") is None


def test_the_finder_page_shows_filters_results_and_the_note(demo_trials) -> None:
    page = Client().get("/trials/").content.decode()
    assert "A listing is not an endorsement" in page
    assert "NCT99000001" in page and "NCT99000004" not in page
    page = Client().get("/trials/", {"status": "COMPLETED", "q": "marrow"}).content.decode()
    assert "NCT99000004" in page and "NCT99000001" not in page


def test_an_unknown_place_is_explained_beside_the_field(demo_trials) -> None:
    # (not "Atlantis": the gazetteer knows Atlantis, ZA, a town of 80,000)
    response = Client().get("/trials/", {"near": "Nowhere Town", "radius": "50"})
    assert response.status_code == 200
    assert "We do not know where that is" in response.content.decode()


def test_bad_filter_values_are_ignored_not_an_error(demo_trials) -> None:
    response = Client().get("/trials/", {"status": "NOPE", "phase": "PHASE9", "page": "x"})
    assert response.status_code == 200


def test_a_trial_page_shows_criteria_beside_their_sentences(demo_trials) -> None:
    page = Client().get("/trials/NCT99000001/").content.decode()
    assert "A listing is not an endorsement" in page
    assert "ALSFRS-R total at least 25" in page
    row = re.search(r"ALSFRS-R total at least 25.*?</tr>", page, re.S).group(0)
    assert "ALSFRS-R total score ≥ 25 at screening" in row  # the sentence beside it
    # the registry's ages (18 to 70) are the ones the criteria state: one age line
    assert page.count("Age between 18 and 70 years") == 1
    assert "Minimum age: 18 years (registry record)" not in page
    assert "Maximum age: 70 years (registry record)" not in page
    assert "https://clinicaltrials.gov/study/NCT99000001" in page
    assert "Last update" in page and "11 February 2026" in page


def test_a_trial_page_sorts_sites_by_distance(demo_trials) -> None:
    page = Client().get("/trials/NCT99000001/", {"near": "Toronto"}).content.decode()
    sites = re.findall(r"<strong>(\d+) km</strong>", page)
    assert sites and [int(km) for km in sites] == sorted(int(km) for km in sites)
    assert int(sites[0]) <= 5  # Toronto's site, a few km from the town's centre


def test_an_unknown_trial_is_404(db) -> None:
    assert Client().get("/trials/NCT00000000/").status_code == 404
