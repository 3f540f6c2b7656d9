"""The development set of real registry texts (tests/trials/realset/): its lines are well formed
and its scorer counts atoms as it says."""

import pytest

from cellpath.screening import Outcome, Profile
from cellpath.trials.criteria.contract import EL_ESCORIAL, FIELDS, OPERATORS
from cellpath.trials.criteria.reader import read_criteria
from cellpath.trials.finder.matching import match
from tests.trials.realset.score import DEVELOPMENT, HELD_BACK, Tally, atom, flatten, load

DIGITS = {"set_a": "0123", "set_b": "456", "set_c": "789", "set_d": "0123456789"}


@pytest.fixture(params=[*DEVELOPMENT, *HELD_BACK])
def trials(request):
    found = load(request.param)
    return request.param, found


def test_every_line_is_a_real_trial_labelled_in_the_contract(trials) -> None:
    name, found = trials
    assert found, f"{name} is empty"
    ids = [t["nct_id"] for t in found]
    assert len(set(ids)) == len(ids), name
    for trial in found:
        nct = trial["nct_id"]
        assert len(nct) == 11 and nct.startswith("NCT") and nct[3:].isdigit(), nct
        assert not nct.startswith("NCT99"), f"{nct}: the project's invented fixtures are not real"
        assert nct[-1] in DIGITS[name], f"{nct} belongs to another set"
        assert trial["source"] and trial["text"].strip(), nct
        for a in trial["atoms"]:
            assert a["section"] in {"inclusion", "exclusion"}, (nct, a)
            assert a["field"] in FIELDS and a["field"] != "other", (nct, a)
            assert a["op"] in OPERATORS, (nct, a)
            if a["op"] in {"present", "absent"}:
                assert a.get("value") is None, (nct, a)
            elif a["op"] == "between":
                low, high = a["value"]
                assert low <= high, (nct, a)
            elif a["op"] == "in":
                assert list(a["value"]) == [c for c in EL_ESCORIAL if c in a["value"]], (nct, a)
            else:
                assert isinstance(a["value"], int | float), (nct, a)
            if a["field"] == "alsfrs_r_item":
                assert 1 <= a["item"] <= 12, (nct, a)


def test_there_are_eighty_real_trials_or_more() -> None:
    assert sum(len(load(name)) for name in (*DEVELOPMENT, *HELD_BACK)) >= 80


def test_the_sets_do_not_share_a_trial() -> None:
    seen: dict[str, str] = {}
    for name in (*DEVELOPMENT, *HELD_BACK):
        for trial in load(name):
            assert trial["nct_id"] not in seen, (trial["nct_id"], seen.get(trial["nct_id"]), name)
            seen[trial["nct_id"]] = name


def test_flattening_puts_bullets_and_headers_on_one_line() -> None:
    text = (
        "Inclusion Criteria:\n\n  * Age 18 or older\n  * FVC >= 60%\n\n"
        "Exclusion Criteria:\n\n* Tracheostomy\n"
    )
    assert flatten(text) == (
        "Inclusion Criteria: * Age 18 or older * FVC >= 60% Exclusion Criteria: * Tracheostomy"
    )


def test_atoms_match_as_a_multiset_and_ignore_quotes_and_measures() -> None:
    label = {"section": "inclusion", "field": "vc_percent_predicted", "op": ">=", "value": 60}
    read = {**label, "value": 60.0, "measure": "FVC", "unit": "%", "quote": "FVC >= 60%"}
    age = atom({"section": "inclusion", "field": "age_years", "op": ">=", "value": 18})
    tally = Tally()
    tally.add("NCT00000000", [atom(label), atom(label), age], {atom(read): ["FVC >= 60%"]})
    assert tally.recall() == pytest.approx(1 / 3)
    assert tally.precision() == 1.0
    assert tally.recall("vc_percent_predicted") == 0.5
    assert [a for _, a, _ in tally.missed] == [atom(label), age]

    wrong = atom({**label, "op": ">"})
    tally.add("NCT00000001", [], {wrong: ["FVC > 60%"]})
    assert tally.precision() == 0.5
    assert tally.wrong == [("NCT00000001", wrong, "FVC > 60%")]


def test_an_items_number_is_part_of_its_atom() -> None:
    walk = {"section": "inclusion", "field": "alsfrs_r_item", "op": ">=", "value": 2, "item": 8}
    assert atom(walk) != atom({**walk, "item": 9})


PROFILES = [
    Profile(age_years=55, sex="female", months_since_symptom_onset=14, months_since_diagnosis=6,
            alsfrs_r_total=38, alsfrs_r_items={n: 3 for n in range(1, 13)},
            alsfrs_r_slope_per_month=0.7, vc_percent_predicted=82, el_escorial="probable",
            tracheostomy=False, niv_hours_per_day=0, gastrostomy=False, riluzole=True,
            riluzole_stable_days=120, edaravone=False, anticoagulants=False,
            prior_stem_cell_therapy=False, pregnancy=False, sod1_mutation=False, c9orf72=False,
            bmi=24),
    Profile(age_years=71, sex="male", months_since_symptom_onset=40, months_since_diagnosis=30,
            alsfrs_r_total=22, alsfrs_r_items={n: 1 for n in range(1, 13)},
            alsfrs_r_slope_per_month=1.6, vc_percent_predicted=45, el_escorial="possible",
            tracheostomy=True, niv_hours_per_day=23, gastrostomy=True, riluzole=False,
            edaravone=True, anticoagulants=True, prior_stem_cell_therapy=True, pregnancy=False,
            sod1_mutation=True, c9orf72=True, bmi=17),
]  # fmt: skip


def test_a_criterion_read_as_other_never_says_not_eligible() -> None:
    """Issue 17: "ask the trial team" is never a refusal — over every real text and two people
    who differ in every field."""
    for name in (*DEVELOPMENT, *HELD_BACK):
        for trial in load(name):
            for text in (trial["text"], flatten(trial["text"])):
                others = [c.as_dict() for c in read_criteria(text) if c.field == "other"]
                for profile in PROFILES:
                    outcomes = {r.outcome for r in match(trial["nct_id"], others, profile).results}
                    assert Outcome.DOES_NOT_MEET not in outcomes, trial["nct_id"]
