"""Eligibility text pasted from a web page — the whole list on one line, bullets and headers
inline — is read as the registry's own lines are: exclusions stay exclusions."""

import json
from pathlib import Path

import pytest

import cellpath.trials
from cellpath.trials.criteria.reader import read_criteria
from tests.trials.realset.score import flatten
from tests.trials.test_eligibility_contract import RECORD

DATA = Path(cellpath.trials.__file__).parent / "data"


def _texts() -> list[tuple[str, str]]:
    found = [("RECORD", RECORD)]
    for path in sorted(DATA.glob("NCT*.json")):
        study = json.loads(path.read_text(encoding="utf-8"))["protocolSection"]
        text = study.get("eligibilityModule", {}).get("eligibilityCriteria", "")
        if text:
            found.append((path.stem, text))
    return found


def _read(text: str) -> list[tuple]:
    return [(c.section, c.field, c.op, c.value, c.item, c.quote) for c in read_criteria(text)]


@pytest.mark.parametrize(("name", "text"), _texts(), ids=[n for n, _ in _texts()])
def test_a_flattened_record_reads_as_its_lines(name: str, text: str) -> None:
    assert "\n" not in flatten(text)
    assert _read(flatten(text)) == _read(text)


def _fields(text: str) -> list[tuple]:
    return [(c.section[:3], c.field, c.op, c.value) for c in read_criteria(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Inclusion Criteria: * Aged 40 to 70 years * SVC of 55% predicted or more "
        "Exclusion Criteria: * Tracheostomy * Pregnant women",
        "INCLUSION CRITERIA 1. Aged 40 to 70 years 2. SVC of 55% predicted or more "
        "EXCLUSION CRITERIA 1. Tracheostomy 2. Pregnant women",
        "Key Inclusion Criteria: - Aged 40 to 70 years - SVC of 55% predicted or more "
        "Key Exclusion Criteria: - Tracheostomy - Pregnant women",
        "inclusion criteria • Aged 40 to 70 years • SVC of 55% predicted or more "
        "exclusion criteria • Tracheostomy • Pregnant women",
    ],
    ids=["bullets", "upper-case-numbered", "key-dashes", "no-colon-dots"],
)
def test_inline_headers_and_bullets_of_every_kind(text: str) -> None:
    assert _fields(text) == [
        ("inc", "age_years", "between", (40, 70)),
        ("inc", "vc_percent_predicted", ">=", 55),
        ("exc", "tracheostomy", "present", None),
        ("exc", "pregnancy", "present", None),
    ]


def test_a_number_inside_an_item_does_not_split_it() -> None:
    text = (
        "Inclusion Criteria: 1. Decline of 2.5 points or more on the ALSFRS-R before screening "
        "2. Aged 30 to 75 years 3. Grade 2 weakness allowed Exclusion Criteria: 1. Gastrostomy"
    )
    assert [c.quote for c in read_criteria(text)] == [
        "Decline of 2.5 points or more on the ALSFRS-R before screening",
        "Aged 30 to 75 years",
        "Grade 2 weakness allowed",
        "Gastrostomy",
    ]


def test_a_dash_inside_an_item_does_not_split_it() -> None:
    text = (
        "Inclusion Criteria: – Aged 18 – 60 years – SVC of at least 70 % Exclusion Criteria: – NIV"
    )
    quotes = [c.quote for c in read_criteria(text)]
    assert quotes[:2] == ["Aged 18 – 60 years", "SVC of at least 70 %"]


def test_healthy_volunteers_inline_keep_their_group() -> None:
    text = (
        "Inclusion Criteria: ALS participants: * Symptom onset within 30 months. "
        "Healthy volunteers: * Aged 25 to 85 years. Exclusion Criteria: * Pregnancy"
    )
    rows = [(c.section[:3], c.field, c.quote) for c in read_criteria(text)]
    assert rows == [
        ("inc", "months_since_symptom_onset", "Symptom onset within 30 months."),
        ("inc", "other", "Healthy volunteers: Aged 25 to 85 years."),
        ("exc", "pregnancy", "Pregnancy"),
    ]
