"""Matching a profile to a trial's criteria: tri-state per criterion, the verdict, the ranking."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from cellpath.trials.matching import (
    Outcome,
    Profile,
    Verdict,
    describe,
    evaluate,
    match,
    rank,
    registry_criteria,
    rule_of,
    screen,
)


def c(field: str, op: str, value=None, *, section: str = "inclusion", **extra) -> dict:
    return {"section": section, "field": field, "op": op, "value": value, "unit": None,
            "quote": f"the sentence about {field}", **extra}  # fmt: skip


@pytest.mark.parametrize(
    ("op", "value", "given", "outcome"),
    [
        (">=", 25, 25, Outcome.MEETS),
        (">=", 25, 24, Outcome.DOES_NOT_MEET),
        (">", 25, 25, Outcome.DOES_NOT_MEET),
        ("<=", 24, 24, Outcome.MEETS),
        ("<", 24, 24, Outcome.DOES_NOT_MEET),
        ("==", 40, 40, Outcome.MEETS),
        ("between", [31, 46], 31, Outcome.MEETS),
        ("between", [31, 46], 46, Outcome.MEETS),
        ("between", [31, 46], 47, Outcome.DOES_NOT_MEET),
    ],
)
def test_every_comparison_in_an_inclusion(op, value, given, outcome) -> None:
    result = evaluate(c("alsfrs_r_total", op, value), Profile(alsfrs_r_total=given))
    assert result.outcome == outcome


def test_an_exclusion_that_holds_rules_out_and_one_that_does_not_is_met() -> None:
    trach = c("tracheostomy", "present", section="exclusion")
    assert evaluate(trach, Profile(tracheostomy=True)).outcome == Outcome.DOES_NOT_MEET
    assert "excludes" in evaluate(trach, Profile(tracheostomy=True)).reason
    assert evaluate(trach, Profile(tracheostomy=False)).outcome == Outcome.MEETS
    low_fvc = c("vc_percent_predicted", "<", 50, section="exclusion", measure="FVC")
    assert evaluate(low_fvc, Profile(vc_percent_predicted=45)).outcome == Outcome.DOES_NOT_MEET
    assert evaluate(low_fvc, Profile(vc_percent_predicted=80)).outcome == Outcome.MEETS


def test_presence_and_absence() -> None:
    no_peg = c("gastrostomy", "absent")
    assert evaluate(no_peg, Profile(gastrostomy=False)).outcome == Outcome.MEETS
    assert evaluate(no_peg, Profile(gastrostomy=True)).outcome == Outcome.DOES_NOT_MEET
    niv = c("niv_hours_per_day", "present", section="exclusion")
    assert evaluate(niv, Profile(niv_hours_per_day=0)).outcome == Outcome.MEETS
    assert evaluate(niv, Profile(niv_hours_per_day=8)).outcome == Outcome.DOES_NOT_MEET


def test_el_escorial_one_of() -> None:
    crit = c("el_escorial", "in", ["definite", "probable"])
    assert evaluate(crit, Profile(el_escorial="probable")).outcome == Outcome.MEETS
    result = evaluate(crit, Profile(el_escorial="possible"))
    assert result.outcome == Outcome.DOES_NOT_MEET
    assert "definite, probable" in result.reason


def test_an_unanswered_field_is_unknown_and_asked() -> None:
    crit = c("months_since_symptom_onset", "<=", 24)
    assert evaluate(crit, Profile()).outcome == Outcome.UNKNOWN
    trial = match("T", [crit], Profile())
    assert trial.verdict == Verdict.NEED_MORE_INFORMATION
    assert trial.questions == ("When did your first ALS symptoms start?",)


def test_a_criterion_the_reader_could_not_structure_is_for_the_trial_team() -> None:
    other = c("other", "present")
    trial = match("T", [other, c("age_years", ">=", 18)], Profile(age_years=50))
    assert trial.results[0].outcome == Outcome.TO_DISCUSS
    assert trial.verdict == Verdict.LIKELY_ELIGIBLE  # never counted either way


def test_an_item_score_is_read_from_the_items() -> None:
    swallowing = c("alsfrs_r_item", ">=", 2, item=3)
    assert evaluate(swallowing, Profile(alsfrs_r_items={3: 2})).outcome == Outcome.MEETS
    assert evaluate(swallowing, Profile(alsfrs_r_items={3: 1})).outcome == Outcome.DOES_NOT_MEET
    assert evaluate(swallowing, Profile(alsfrs_r_items={8: 4})).outcome == Outcome.UNKNOWN
    assert describe(swallowing) == "ALSFRS-R item 3 (swallowing) at least 2"


def test_delta_fs_is_derived_as_kimura_defines_it() -> None:
    """Kimura et al. 2006: ΔFS = (48 − total) / months since onset; 36 points 12 months after
    onset is 1.0 point a month."""
    profile = Profile(alsfrs_r_total=36, months_since_symptom_onset=12).with_derived()
    assert profile.alsfrs_r_slope_per_month == 1.0
    fast = c("alsfrs_r_slope_per_month", ">=", 0.5)
    assert match("T", [fast], profile.with_derived()).verdict == Verdict.LIKELY_ELIGIBLE
    assert Profile(alsfrs_r_total=36).with_derived().alsfrs_r_slope_per_month is None


def test_a_man_is_not_asked_about_pregnancy() -> None:
    pregnant = c("pregnancy", "present", section="exclusion")
    assert match("T", [pregnant], Profile(sex="male").with_derived()).verdict == (
        Verdict.LIKELY_ELIGIBLE
    )
    assert match("T", [pregnant], Profile(sex="female").with_derived()).verdict == (
        Verdict.NEED_MORE_INFORMATION
    )


def test_a_stable_riluzole_rule_is_for_people_who_take_it() -> None:
    stable = c("riluzole_stable_days", ">=", 30)
    not_taking = evaluate(stable, Profile(riluzole=False))
    assert not_taking.outcome == Outcome.MEETS
    assert "you do not take riluzole" in not_taking.reason
    assert evaluate(stable, Profile(riluzole=True)).outcome == Outcome.UNKNOWN
    on_it = Profile(riluzole=True, riluzole_stable_days=90)
    assert evaluate(stable, on_it).outcome == Outcome.MEETS
    recently = c("riluzole_stable_days", "<=", 30, section="exclusion")
    assert evaluate(recently, Profile(riluzole=False)).outcome == Outcome.MEETS


def test_a_trial_that_requires_riluzole_fails_someone_who_does_not_take_it() -> None:
    required = [c("riluzole_stable_days", ">=", 30), c("riluzole_stable_days", "present")]
    assert match("T", required, Profile(riluzole=False)).verdict == Verdict.LIKELY_NOT_ELIGIBLE
    taking = c("riluzole_stable_days", "present", section="exclusion")
    assert evaluate(taking, Profile(riluzole_stable_days=40)).outcome == Outcome.DOES_NOT_MEET
    assert describe(taking) == "Taking riluzole: yes"


@pytest.mark.parametrize(
    ("criterion", "profile", "outcome"),
    [
        # symptoms start before the diagnosis: months since onset ≥ months since diagnosis
        (c("months_since_symptom_onset", "<=", 24), Profile(months_since_diagnosis=30),
         Outcome.DOES_NOT_MEET),
        (c("months_since_symptom_onset", "<=", 24), Profile(months_since_diagnosis=12),
         Outcome.UNKNOWN),
        (c("months_since_symptom_onset", ">", 6), Profile(months_since_diagnosis=12),
         Outcome.MEETS),
        (c("months_since_diagnosis", "<=", 12), Profile(months_since_symptom_onset=10),
         Outcome.MEETS),
        (c("months_since_diagnosis", ">=", 12), Profile(months_since_symptom_onset=10),
         Outcome.DOES_NOT_MEET),
        (c("months_since_diagnosis", "between", [6, 18]), Profile(months_since_symptom_onset=10),
         Outcome.UNKNOWN),
        # each ALSFRS-R item lies within [total − 44, total] ∩ [0, 4]
        (c("alsfrs_r_item", ">=", 3, item=3), Profile(alsfrs_r_total=48), Outcome.MEETS),
        (c("alsfrs_r_item", ">=", 1, item=3), Profile(alsfrs_r_total=45), Outcome.MEETS),
        (c("alsfrs_r_item", ">=", 3, item=3), Profile(alsfrs_r_total=2), Outcome.DOES_NOT_MEET),
        (c("alsfrs_r_item", ">=", 3, item=3), Profile(alsfrs_r_total=40), Outcome.UNKNOWN),
    ],
)  # fmt: skip
def test_what_other_answers_imply_decides_an_unanswered_criterion(
    criterion, profile, outcome
) -> None:
    result = evaluate(criterion, profile)
    assert result.outcome == outcome
    if outcome != Outcome.UNKNOWN:
        assert " so " in result.reason  # says what it was worked out from


def test_the_alsfrs_r_total_is_summed_from_all_twelve_items() -> None:
    items = dict.fromkeys(range(1, 13), 3)
    assert Profile(alsfrs_r_items=items).with_derived().alsfrs_r_total == 36
    assert Profile(alsfrs_r_items={1: 3, 2: 3}).with_derived().alsfrs_r_total is None


def test_a_different_breathing_test_is_compared_and_said_so() -> None:
    svc = c("vc_percent_predicted", ">=", 65, measure="SVC")
    result = evaluate(svc, Profile(vc_percent_predicted=70, vc_measure="FVC"))
    assert result.outcome == Outcome.MEETS
    assert "your FVC; the trial measures SVC" in result.reason


def test_the_registry_age_limits_and_sex_are_criteria() -> None:
    limits = registry_criteria(minimum_age=18, maximum_age=80, sex="FEMALE")
    assert match("T", limits, Profile(age_years=81, sex="female")).verdict == (
        Verdict.LIKELY_NOT_ELIGIBLE
    )
    assert match("T", limits, Profile(age_years=50, sex="male")).verdict == (
        Verdict.LIKELY_NOT_ELIGIBLE
    )
    assert match("T", limits, Profile(age_years=50, sex="female")).verdict == (
        Verdict.LIKELY_ELIGIBLE
    )
    assert all("(registry record)" in row["quote"] for row in limits)


def test_the_verdict_failed_beats_unknown_beats_met() -> None:
    crits = [c("age_years", ">=", 18), c("alsfrs_r_total", ">=", 25), c("bmi", "<", 32)]
    assert match("T", crits, Profile(age_years=60, alsfrs_r_total=20)).verdict == (
        Verdict.LIKELY_NOT_ELIGIBLE
    )
    assert match("T", crits, Profile(age_years=60, alsfrs_r_total=30)).verdict == (
        Verdict.NEED_MORE_INFORMATION
    )
    full = Profile(age_years=60, alsfrs_r_total=30, bmi=24)
    assert match("T", crits, full).verdict == Verdict.LIKELY_ELIGIBLE


def test_ranking_eligible_then_questions_then_failures_then_distance_then_recency() -> None:
    profile = Profile(age_years=60)
    eligible_far = match("far", [c("age_years", ">=", 18)], profile)
    eligible_near = match("near", [c("age_years", ">=", 18)], profile)
    one_question = match("q1", [c("bmi", "<", 30)], profile)
    two_questions = match("q2", [c("bmi", "<", 30), c("tracheostomy", "absent")], profile)
    failing = match("fail", [c("age_years", "<", 40)], profile)
    ranked = rank(
        [failing, two_questions, eligible_far, one_question, eligible_near],
        distance={"far": 900.0, "near": 12.0},
        recency={"q1": date(2026, 1, 1), "q2": date(2026, 6, 1)},
    )
    assert [m.key for m in ranked] == ["near", "far", "q1", "q2", "fail"]


FIELDS = ["age_years", "alsfrs_r_total", "vc_percent_predicted", "months_since_symptom_onset",
          "months_since_diagnosis", "niv_hours_per_day", "bmi"]  # fmt: skip
criteria = st.lists(
    st.builds(
        c,
        st.sampled_from(FIELDS),
        st.sampled_from([">=", "<=", ">", "<"]),
        st.integers(0, 100),
        section=st.sampled_from(["inclusion", "exclusion"]),
    ),
    max_size=8,
)
profiles = st.builds(
    Profile, **{f: st.one_of(st.none(), st.integers(0, 100)) for f in FIELDS}
)  # fmt: skip


@given(criteria, profiles)
def test_the_verdict_follows_from_the_outcomes(crits, profile) -> None:
    trial = match("T", crits, profile)
    outcomes = [r.outcome for r in trial.results]
    if Outcome.DOES_NOT_MEET in outcomes:
        assert trial.verdict == Verdict.LIKELY_NOT_ELIGIBLE
    elif Outcome.UNKNOWN in outcomes:
        assert trial.verdict == Verdict.NEED_MORE_INFORMATION and trial.questions
    else:
        assert trial.verdict == Verdict.LIKELY_ELIGIBLE


@given(criteria, profiles, st.sampled_from(FIELDS), st.integers(0, 100))
def test_answering_a_question_decides_its_criteria_and_changes_no_decided_one(
    crits, profile, field, value
) -> None:
    assume(getattr(profile, field) is None)
    before = match("T", crits, profile)
    answered = Profile(**{**profile.__dict__, field: value})
    onset, diagnosis = answered.months_since_symptom_onset, answered.months_since_diagnosis
    assume(onset is None or diagnosis is None or diagnosis <= onset)  # symptoms come first
    after = match("T", crits, answered)
    for old, new in zip(before.results, after.results, strict=True):
        if old.outcome != Outcome.UNKNOWN:
            assert old.outcome == new.outcome  # an answer can settle another field, never flip it
        elif old.criterion["field"] == field:
            assert new.outcome in (Outcome.MEETS, Outcome.DOES_NOT_MEET)


@given(criteria, profiles)
def test_screening_for_ranking_agrees_with_the_full_match(crits, profile) -> None:
    full = match("T", crits, profile)
    quick = screen("T", [rule_of(c) for c in crits], profile)
    assert (quick.verdict, quick.failed_count, quick.questions) == (
        full.verdict,
        full.failed_count,
        full.questions,
    )


def test_every_field_the_reader_structures_has_a_name_and_a_question() -> None:
    from cellpath.trials.criteria.contract import FIELDS
    from cellpath.trials.matching import NAMES, QUESTIONS

    structured = set(FIELDS) - {"other"}
    assert structured <= set(NAMES) and structured <= set(QUESTIONS)


def test_a_profile_round_trips_through_json() -> None:
    profile = Profile(age_years=61, alsfrs_r_items={3: 2, 8: 3}, tracheostomy=False)
    assert Profile.from_json(profile.as_json()) == profile
