"""Importing studies: added, updated by last-update date, unchanged, rejected with a reason —
never half-imported; the command line reports it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from cellpath.trials.ctgov.importer import import_source
from cellpath.trials.ctgov.sources import open_source
from cellpath.trials.models import Trial, TrialSite
from tests.trials.conftest import DATA, demo_record, edited, write_zip

pytestmark = pytest.mark.django_db


def _import(path: Path, **options):
    return import_source(open_source(path), **options)


def test_the_demo_records_import_with_sites_and_criteria(demo_trials) -> None:
    files = len(list(DATA.glob("*.json")))
    assert (demo_trials.added, demo_trials.rejected) == (files, [])
    trial = Trial.objects.get(nct_id="NCT99000001")
    assert trial.status == "RECRUITING" and trial.open_to_enrol and trial.is_als
    assert trial.is_cell_therapy and "cell" in trial.kinds
    assert trial.phases == "PHASE2" and trial.last_updated.isoformat() == "2026-02-11"
    boston = trial.sites.get(city="Boston")
    assert boston.latitude == pytest.approx(42.36, abs=0.05) and boston.postcode == "02114"
    fields = {c["field"] for c in trial.criteria}
    assert {"alsfrs_r_total", "vc_percent_predicted", "tracheostomy"} <= fields
    assert all(c["quote"] for c in trial.criteria)
    sma = Trial.objects.get(nct_id="NCT99000011")
    assert not sma.is_als and sma.criteria == []  # criteria are read for ALS studies only


def test_importing_again_changes_nothing(demo_trials) -> None:
    before = dict(Trial.objects.values_list("nct_id", "pk"))
    again = _import(DATA)
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(before))
    assert dict(Trial.objects.values_list("nct_id", "pk")) == before


def test_a_newer_record_replaces_the_study_and_its_sites(demo_trials, tmp_path) -> None:
    sites_before = TrialSite.objects.filter(trial__nct_id="NCT99000001").count()
    newer = edited(
        demo_record(),
        **{
            "statusModule.lastUpdatePostDateStruct": {"date": "2026-11-30", "type": "ACTUAL"},
            "statusModule.overallStatus": "ACTIVE_NOT_RECRUITING",
            "contactsLocationsModule.locations": [
                {"facility": "One Site (demo)", "city": "Leiden", "country": "Netherlands",
                 "geoPoint": {"lat": 52.16, "lon": 4.49}}
            ],
        },
    )  # fmt: skip
    older = edited(
        demo_record("NCT99000002"),
        **{"statusModule.lastUpdatePostDateStruct": {"date": "2020-01-01"}},
    )
    summary = _import(write_zip(tmp_path / "s.zip", {"a.json": newer, "b.json": older}))
    assert (summary.added, summary.updated, summary.unchanged) == (0, 1, 1)
    trial = Trial.objects.get(nct_id="NCT99000001")
    assert trial.status == "ACTIVE_NOT_RECRUITING" and not trial.open_to_enrol
    assert list(trial.sites.values_list("city", flat=True)) == ["Leiden"] != sites_before
    assert Trial.objects.get(nct_id="NCT99000002").last_updated.year == 2026  # not the older


def test_bad_records_are_rejected_with_reasons_and_the_rest_imported(db, tmp_path) -> None:
    good = demo_record()
    no_id = edited(demo_record("NCT99000002"), **{"identificationModule.nctId": "NCT123"})
    classic = {"FullStudiesResponse": {"FullStudies": []}}
    path = write_zip(
        tmp_path / "s.zip",
        {"good.json": good, "bad-id.json": no_id, "classic.json": classic,
         "broken.json": b'{"protocolSection": {', "notes.txt": b"not a study"},
    )  # fmt: skip
    summary = _import(path)
    assert summary.added == 1
    reasons = dict(summary.rejected)
    assert set(reasons) == {"bad-id.json", "classic.json", "broken.json"}
    assert "classic" in reasons["classic.json"].lower()
    assert "NCT123" in reasons["bad-id.json"] or "nctId" in reasons["bad-id.json"]
    assert Trial.objects.count() == 1


def test_the_condition_filter_keeps_als_studies(db) -> None:
    summary = _import(DATA, condition_filter="als")
    assert Trial.objects.filter(nct_id="NCT99000011").count() == 0
    assert summary.filtered_out >= 1
    assert not Trial.objects.filter(is_als=False).exists()


def _run(main, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_the_command_reports_what_it_did(db) -> None:
    from cellpath.trials.ctgov.commands import import_main

    status, out, err = _run(import_main, str(DATA))
    assert status == 0
    assert out.startswith(f"added {len(list(DATA.glob('*.json')))}, updated 0, unchanged 0")
    assert "studies read" in err


def test_a_truncated_zip_is_refused_whole(db, tmp_path) -> None:
    from cellpath.trials.ctgov.commands import import_main

    whole = write_zip(tmp_path / "whole.zip", {f"{n}.json": demo_record() for n in range(3)})
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    status, out, err = _run(import_main, str(cut))
    assert status == 2 and out == ""
    assert "cut.zip" in err and "Traceback" not in err
    assert not Trial.objects.exists()


def test_a_missing_path_is_a_clear_message(db, tmp_path) -> None:
    from cellpath.trials.ctgov.commands import import_main

    status, _, err = _run(import_main, str(tmp_path / "nowhere.zip"))
    assert status == 2 and "nowhere.zip" in err and "Traceback" not in err


def test_the_criteria_command_prints_the_contract(tmp_path, capsys) -> None:
    from cellpath.trials.criteria.commands import criteria_main

    text = tmp_path / "criteria.txt"
    text.write_text("Inclusion Criteria:\n* ALSFRS-R \\>= 30\n\nExclusion Criteria:\n* BMI > 32")
    status, out, _ = _run(criteria_main, str(text))
    assert status == 0
    rows = json.loads(out)
    assert rows[0] == {"section": "inclusion", "field": "alsfrs_r_total", "op": ">=",
                       "value": 30, "unit": "points", "quote": "ALSFRS-R >= 30"}  # fmt: skip
    assert rows[1]["section"] == "exclusion" and rows[1]["field"] == "bmi"
    status, _, err = _run(criteria_main, str(tmp_path / "missing.txt"))
    assert status == 2 and "no such file" in err


def test_a_site_row_holds_the_sites_values_in_column_order() -> None:
    from cellpath.trials.ctgov.records import parse_study
    from cellpath.trials.ctgov.rows import SITE_COLUMNS, _site_row, site_values

    record = parse_study(demo_record())
    for site in record.sites:
        expected = site_values(site)
        row = dict(zip(SITE_COLUMNS[3:], _site_row(site), strict=True))
        assert json.loads(row.pop("contacts")) == expected.pop("contacts")
        assert row == expected
