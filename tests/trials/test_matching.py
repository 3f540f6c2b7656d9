"""Trial matching beyond the engine: the registry's own limits, the ranking, the reader's fields.

How each criterion is decided and explained is tested with the engine
(tests/screening/test_screening.py)."""

from __future__ import annotations

from datetime import date

from cellpath.screening import FIELDS, Profile, Verdict
from cellpath.trials.finder.matching import describe, match, rank, registry_criteria


def c(field: str, op: str, value=None, *, section: str = "inclusion", **extra) -> dict:
    return {"section": section, "field": field, "op": op, "value": value, "unit": None,
            "quote": f"the sentence about {field}", **extra}  # fmt: skip


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


def test_every_field_the_reader_structures_has_a_name_and_a_question() -> None:
    from cellpath.trials.criteria.contract import FIELDS as READ

    structured = set(READ) - {"other"}
    assert structured <= set(FIELDS)


def test_a_stored_criterion_reads_as_written() -> None:
    assert describe(c("alsfrs_r_total", ">=", 25, unit="points")) == (
        "ALSFRS-R total at least 25 points"
    )
    assert describe(c("el_escorial", "in", ["definite", "probable_laboratory_supported"])) == (
        "El Escorial category: definite, probable, laboratory-supported"
    )
    assert describe(c("tracheostomy", "present", section="exclusion")) == "Tracheostomy: yes"
