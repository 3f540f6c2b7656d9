"""Records that lack modules are imported with what they have — their unknowns shown as unknown,
never offered as open — and only a record without an NCT number or a title is refused, with the
reason in the import summary."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from cellpath.screening import Profile
from cellpath.trials.ctgov.commands import import_main
from cellpath.trials.ctgov.importer import import_source
from cellpath.trials.ctgov.sources import open_source
from cellpath.trials.finder.queries import Search, match_trials, place_from, search
from cellpath.trials.models import Trial, TrialSite
from tests.trials.conftest import demo_record, write_zip

pytestmark = pytest.mark.django_db

OPTIONAL_MODULES = (
    "statusModule",
    "sponsorCollaboratorsModule",
    "descriptionModule",
    "conditionsModule",
    "designModule",
    "armsInterventionsModule",
    "eligibilityModule",
    "contactsLocationsModule",
)


def identification_only(nct_id: str = "NCT99100001", **identification: Any) -> dict[str, Any]:
    fields = {"nctId": nct_id, "briefTitle": "A study that says little", **identification}
    return {"protocolSection": {"identificationModule": fields}}


def als_without_status(nct_id: str = "NCT99100002") -> dict[str, Any]:
    """An ALS study with a site in Boston and no status module."""
    study = identification_only(nct_id)
    study["protocolSection"]["conditionsModule"] = {"conditions": ["ALS"]}
    study["protocolSection"]["contactsLocationsModule"] = {
        "locations": [{"city": "Boston", "zip": "02114", "geoPoint": {"lat": 42.36, "lon": -71.06}}]
    }
    return study


def _import(tmp_path: Path, members: dict[str, Any], name: str = "s.zip"):
    return import_source(open_source(write_zip(tmp_path / name, members)))


def test_a_record_with_only_an_identification_module_is_imported_with_unknowns(tmp_path) -> None:
    summary = _import(tmp_path, {"bare.json": identification_only()})
    assert (summary.added, summary.rejected) == (1, [])
    trial = Trial.objects.get(nct_id="NCT99100001")
    assert trial.title == "A study that says little"
    assert trial.status == "" and not trial.open_to_enrol
    assert trial.last_updated is None and trial.criteria == [] and trial.eligibility_text == ""
    assert not trial.sites.exists()


def test_its_page_shows_the_unknowns_in_words(tmp_path) -> None:
    _import(tmp_path, {"bare.json": identification_only()})
    response = Client().get("/trials/NCT99100001/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Status unknown (not in the record)" in page
    assert "<dt>Last update</dt><dd>Not given (imported" in page
    assert "The record gives no summary." in page
    assert "The record gives no eligibility criteria" in page
    assert "The record lists no places." in page


def test_an_official_title_is_enough(tmp_path) -> None:
    record = identification_only(briefTitle="", officialTitle="An Official Title Only")
    assert _import(tmp_path, {"official.json": record}).added == 1
    assert Trial.objects.get(nct_id="NCT99100001").title == "An Official Title Only"


def test_records_without_an_nct_number_or_a_title_are_refused_with_the_reason(tmp_path) -> None:
    no_id = {"protocolSection": {"identificationModule": {"briefTitle": "No number"}}}
    no_title = identification_only("NCT99100003", briefTitle="  ")
    path = write_zip(tmp_path / "s.zip", {"no-id.json": no_id, "no-title.json": no_title,
                                          "bare.json": identification_only()})  # fmt: skip
    out, err = io.StringIO(), io.StringIO()
    assert import_main([str(path)], out=out, err=err) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("added 1, updated 0, unchanged 0, rejected 2")
    assert "  rejected no-id.json: no protocolSection.identificationModule.nctId" in lines
    assert (
        "  rejected no-title.json: no title: neither "
        "protocolSection.identificationModule.briefTitle nor officialTitle"
    ) in lines
    assert list(Trial.objects.values_list("nct_id", flat=True)) == ["NCT99100001"]


@pytest.mark.parametrize("module", OPTIONAL_MODULES)
def test_a_record_missing_any_one_optional_module_is_imported(tmp_path, module) -> None:
    record = demo_record()
    del record["protocolSection"][module]
    summary = _import(tmp_path, {"one.json": record})
    assert (summary.added, summary.rejected) == (1, [])
    trial = Trial.objects.get(nct_id="NCT99000001")
    assert trial.title and trial.open_to_enrol == (module != "statusModule")
    assert trial.sites.exists() == (module != "contactsLocationsModule")
    assert bool(trial.eligibility_text) == (module != "eligibilityModule")


def test_an_undated_record_never_replaces_a_stored_one_and_a_dated_one_does(tmp_path) -> None:
    dated = demo_record()
    undated = demo_record()
    del undated["protocolSection"]["statusModule"]
    assert _import(tmp_path, {"a.json": dated}, "a.zip").added == 1
    again = _import(tmp_path, {"b.json": undated}, "b.zip")
    assert (again.updated, again.unchanged) == (0, 1)  # nothing says it is newer
    assert Trial.objects.get(nct_id="NCT99000001").status == "RECRUITING"

    Trial.objects.all().delete()
    _import(tmp_path, {"b.json": undated}, "b.zip")
    assert _import(tmp_path, {"b.json": undated}, "b.zip").unchanged == 1  # idempotent
    assert _import(tmp_path, {"a.json": dated}, "a.zip").updated == 1
    assert Trial.objects.get(nct_id="NCT99000001").last_updated.isoformat() == "2026-02-11"


def test_in_one_source_the_dated_record_of_a_study_wins(tmp_path) -> None:
    undated = demo_record()
    del undated["protocolSection"]["statusModule"]
    summary = _import(tmp_path, {"a.json": undated, "b.json": demo_record(), "c.json": undated})
    assert (summary.added, summary.unchanged) == (1, 2)
    assert Trial.objects.get(nct_id="NCT99000001").status == "RECRUITING"


def test_a_trial_of_unknown_status_is_never_offered_as_open(tmp_path) -> None:
    _import(tmp_path, {"als.json": als_without_status(), "open.json": demo_record()})
    unknown = Trial.objects.get(nct_id="NCT99100002")
    assert unknown.is_als and not unknown.open_to_enrol
    assert not TrialSite.objects.get(trial=unknown).open_to_enrol

    def found(**query: Any) -> set[str]:
        return {row.trial.nct_id for row in search(Search(**query)).rows}

    assert found() == {"NCT99000001"}  # by default: open to enrol
    assert found(place=place_from("02114"), radius_km=50) == {"NCT99000001"}
    assert "NCT99100002" in found(statuses=("UNKNOWN",))  # "Unknown" finds it
    assert "NCT99100002" in found(statuses=("UNKNOWN",), place=place_from("02114"), radius_km=50)
    matched = match_trials(Profile(age_years=60))
    assert [nct_id for nct_id, _ in matched.ranked] == ["NCT99000001"]


def test_the_finder_lists_it_in_words_under_unknown(tmp_path) -> None:
    _import(tmp_path, {"als.json": als_without_status()})
    page = Client().get("/trials/", {"status": "UNKNOWN"}).content.decode()
    assert "NCT99100002" in page
    assert "Status unknown (not in the record)" in page
    assert "last update not given" in page
    assert "Unknown (not verified for 2 years, or not given)" in page  # the filter's label
