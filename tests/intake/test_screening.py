"""The pre-screen: tri-state criteria, the verdict, plain reasons, and answers parsed safely."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest
import textstat
from hypothesis import given
from hypothesis import strategies as st

from cellpath.intake.screening import (
    OPERATORS,
    PROFILE_FIELDS,
    Criterion,
    Outcome,
    Verdict,
    parse_answer,
    screen,
)

EXCLUSION = "exclusion"
CHOICES = "definite, probable, probable_laboratory_supported, possible, suspected"


def outcome(criterion: Criterion, profile: dict[str, object]) -> Outcome:
    return screen([criterion], profile).results[0].outcome


def reason(criterion: Criterion, profile: dict[str, object]) -> str:
    return screen([criterion], profile).results[0].reason


# --- The registry -----------------------------------------------------------------------------


def test_it_has_the_agreed_profile_fields() -> None:
    assert list(PROFILE_FIELDS) == [
        "age_years",
        "months_since_onset",
        "months_since_diagnosis",
        "alsfrs_r_total",
        "fvc_percent_predicted",
        "el_escorial",
        "tracheostomy",
        "invasive_ventilation",
        "niv_hours_per_day",
        "gastrostomy",
        "riluzole",
        "edaravone",
        "anticoagulants",
        "prior_stem_cell_therapy",
        "pregnant_or_breastfeeding",
        "active_cancer",
        "bone_marrow_disorder",
        "clotting_disorder",
        "platelets",
        "active_severe_infection",
    ]
    ranges = {
        key: (f.minimum, f.maximum) for key, f in PROFILE_FIELDS.items() if f.minimum is not None
    }
    assert ranges == {
        "age_years": (0, 120),
        "months_since_onset": (0, 600),
        "months_since_diagnosis": (0, 600),
        "alsfrs_r_total": (0, 48),
        "fvc_percent_predicted": (0, 200),
        "niv_hours_per_day": (0, 24),
        "platelets": (0, 2000),
    }
    assert [v for v, _ in PROFILE_FIELDS["el_escorial"].choices] == [
        "definite",
        "probable",
        "probable_laboratory_supported",
        "possible",
        "suspected",
    ]


def test_it_asks_every_question_in_plain_words_addressed_to_you() -> None:
    for field in PROFILE_FIELDS.values():
        assert field.kind in ("number", "choice", "yes_no")
        assert "?" in field.question
        assert textstat.flesch_kincaid_grade(field.question) <= 9, field.question
        assert "you" in field.question.lower()
        assert field.label and len(field.label) < 40
        if field.kind == "number":
            assert field.unit


def test_it_labels_outcomes_and_verdicts_in_plain_words() -> None:
    assert [o.label for o in Outcome] == ["Meets", "Does not meet", "Not answered yet"]
    assert [v.label for v in Verdict] == [
        "Likely eligible",
        "Likely not eligible",
        "We need more information",
    ]
    assert Verdict.LIKELY_ELIGIBLE == "likely_eligible"
    assert OPERATORS["between"] == "between"
    assert OPERATORS["not_in"] == "not one of"


def test_it_imports_without_django() -> None:
    code = "import sys, cellpath.intake.screening; assert 'django' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# --- Every operator on both sides of its boundary ---------------------------------------------


@pytest.mark.parametrize(
    ("op", "value", "answer", "expected"),
    [
        (">=", 18, 18, Outcome.MEETS),
        (">=", 18, 17.9, Outcome.DOES_NOT_MEET),
        (">", 18, 18, Outcome.DOES_NOT_MEET),
        (">", 18, 18.1, Outcome.MEETS),
        ("<=", 75, 75, Outcome.MEETS),
        ("<=", 75, 76, Outcome.DOES_NOT_MEET),
        ("<", 75, 75, Outcome.DOES_NOT_MEET),
        ("<", 75, 74, Outcome.MEETS),
        ("==", 40, 40, Outcome.MEETS),
        ("==", 40, 41, Outcome.DOES_NOT_MEET),
        ("between", [18, 75], 18, Outcome.MEETS),
        ("between", [18, 75], 75, Outcome.MEETS),
        ("between", [18, 75], 17, Outcome.DOES_NOT_MEET),
        ("between", [18, 75], 76, Outcome.DOES_NOT_MEET),
    ],
)
def test_it_compares_numbers_at_the_boundary(op, value, answer, expected) -> None:
    assert outcome(Criterion("age_years", op, value), {"age_years": answer}) == expected


@pytest.mark.parametrize(
    ("op", "value", "answer", "expected"),
    [
        ("in", ["definite", "probable"], "probable", Outcome.MEETS),
        ("in", ["definite", "probable"], "possible", Outcome.DOES_NOT_MEET),
        ("not_in", ["suspected"], "possible", Outcome.MEETS),
        ("not_in", ["suspected"], "suspected", Outcome.DOES_NOT_MEET),
        ("==", "definite", "definite", Outcome.MEETS),
        ("==", "definite", "probable", Outcome.DOES_NOT_MEET),
    ],
)
def test_it_compares_choices(op, value, answer, expected) -> None:
    assert outcome(Criterion("el_escorial", op, value), {"el_escorial": answer}) == expected


@pytest.mark.parametrize(
    ("op", "answer", "expected"),
    [
        ("is_true", True, Outcome.MEETS),
        ("is_true", False, Outcome.DOES_NOT_MEET),
        ("is_false", False, Outcome.MEETS),
        ("is_false", True, Outcome.DOES_NOT_MEET),
    ],
)
def test_it_checks_yes_no_answers(op, answer, expected) -> None:
    assert outcome(Criterion("riluzole", op), {"riluzole": answer}) == expected


# --- Inclusion, exclusion and the three outcomes ----------------------------------------------


def test_it_turns_an_exclusion_around() -> None:
    no_tracheostomy = Criterion("tracheostomy", "is_true", kind=EXCLUSION)
    assert outcome(no_tracheostomy, {"tracheostomy": True}) == Outcome.DOES_NOT_MEET
    assert outcome(no_tracheostomy, {"tracheostomy": False}) == Outcome.MEETS
    assert outcome(no_tracheostomy, {}) == Outcome.UNKNOWN
    low_platelets = Criterion("platelets", "<", 100, kind=EXCLUSION)
    assert outcome(low_platelets, {"platelets": 99}) == Outcome.DOES_NOT_MEET
    assert outcome(low_platelets, {"platelets": 100}) == Outcome.MEETS


def test_it_says_unknown_for_a_missing_answer() -> None:
    criterion = Criterion("alsfrs_r_total", "between", [31, 46])
    for profile in ({}, {"alsfrs_r_total": None}, {"alsfrs_r_total": ""}, {"alsfrs_r_total": " "}):
        result = screen([criterion], profile).results[0]
        assert result.outcome == Outcome.UNKNOWN
        assert result.answer is None
        assert result.reason == "You have not told us your ALSFRS-R total yet."


def test_it_says_unknown_for_an_answer_it_cannot_read() -> None:
    criterion = Criterion("platelets", ">=", 100)
    for raw in ("lots", [150], {"value": 150}, object(), float("nan"), 5000, True):
        result = screen([criterion], {"platelets": raw}).results[0]
        assert result.outcome == Outcome.UNKNOWN
        assert result.answer is None
        assert result.reason.startswith("We could not read your answer about your platelet count.")
    assert screen([criterion], {"platelets": "lots"}).verdict == Verdict.NEED_MORE_INFORMATION
    assert screen([criterion], {"platelets": "lots"}).questions == (PROFILE_FIELDS["platelets"],)


def test_it_keeps_the_parsed_answer() -> None:
    result = screen(
        [Criterion("fvc_percent_predicted", ">", 40)], {"fvc_percent_predicted": "40,5"}
    )
    assert result.results[0].answer == 40.5
    assert result.results[0].outcome == Outcome.MEETS


def test_it_does_not_hold_back_the_verdict_for_a_when_known_criterion() -> None:
    platelets = Criterion("platelets", ">=", 100, when_known=True)
    screening = screen([platelets], {})
    assert screening.results[0].outcome == Outcome.UNKNOWN
    assert screening.verdict == Verdict.LIKELY_ELIGIBLE
    assert screening.missing == ()
    assert screening.questions == ()
    assert "checked only if you know it" in screening.results[0].reason
    # An answer given is still checked.
    assert screen([platelets], {"platelets": 50}).verdict == Verdict.LIKELY_NOT_ELIGIBLE


# --- The verdict ------------------------------------------------------------------------------

AGE = Criterion("age_years", "between", [18, 75])
ALSFRS = Criterion("alsfrs_r_total", ">=", 25)
TRACHEOSTOMY = Criterion("tracheostomy", "is_true", kind=EXCLUSION)


def test_it_is_likely_eligible_when_every_criterion_is_met() -> None:
    profile = {"age_years": 50, "alsfrs_r_total": 40, "tracheostomy": False}
    screening = screen([AGE, ALSFRS, TRACHEOSTOMY], profile)
    assert screening.verdict == Verdict.LIKELY_ELIGIBLE
    assert screening.failing == screening.missing == screening.questions == ()


def test_it_lets_a_failure_beat_a_missing_answer() -> None:
    screening = screen([AGE, ALSFRS, TRACHEOSTOMY], {"age_years": 80})
    assert screening.verdict == Verdict.LIKELY_NOT_ELIGIBLE
    assert [r.criterion for r in screening.failing] == [AGE]
    assert [r.criterion for r in screening.missing] == [ALSFRS, TRACHEOSTOMY]


def test_it_needs_more_information_when_an_answer_is_missing() -> None:
    screening = screen([AGE, ALSFRS], {"age_years": 50})
    assert screening.verdict == Verdict.NEED_MORE_INFORMATION
    assert screening.questions == (PROFILE_FIELDS["alsfrs_r_total"],)


def test_it_screens_everyone_in_without_criteria() -> None:
    screening = screen([], {"age_years": 50})
    assert screening.verdict == Verdict.LIKELY_ELIGIBLE
    assert screening.results == ()


def test_it_asks_each_question_once_in_criteria_order() -> None:
    criteria = [
        Criterion("alsfrs_r_total", "<=", 46),
        AGE,
        Criterion("platelets", ">=", 100, when_known=True),
        Criterion("alsfrs_r_total", ">=", 31),
        TRACHEOSTOMY,
        Criterion("age_years", ">=", 21),
    ]
    screening = screen(criteria, {})
    assert [f.key for f in screening.questions] == ["alsfrs_r_total", "age_years", "tracheostomy"]
    assert len(screening.missing) == 5


def test_it_does_not_raise_on_an_invalid_criterion() -> None:
    bad = Criterion("age_years", "between", [75])
    screening = screen([bad], {"age_years": 50})
    assert screening.results[0].outcome == Outcome.UNKNOWN
    assert "coordinator will check it" in screening.results[0].reason
    assert screening.verdict == Verdict.NEED_MORE_INFORMATION
    assert screening.questions == ()


# --- Reasons ----------------------------------------------------------------------------------


def test_it_explains_in_plain_sentences() -> None:
    assert (
        reason(AGE, {"age_years": 80})
        == "You said 80 years; this programme takes people aged between 18 and 75 years."
    )
    assert reason(TRACHEOSTOMY, {"tracheostomy": "yes"}) == (
        "Excluded: you said you have a tracheostomy."
    )
    assert reason(TRACHEOSTOMY, {"tracheostomy": "no"}) == (
        "You said you do not have a tracheostomy."
    )
    assert reason(Criterion("riluzole", "is_true"), {"riluzole": False}) == (
        "You said you do not take riluzole; this programme takes only people who take riluzole."
    )
    assert reason(Criterion("platelets", "<", 100, kind=EXCLUSION), {"platelets": 80}) == (
        "Excluded: you said 80 × 10⁹/L; this programme does not take people with a platelet "
        "count of less than 100 × 10⁹/L."
    )
    assert reason(Criterion("el_escorial", "in", ["definite", "probable"]), {
        "el_escorial": "possible"
    }) == (
        "You said “Possible”; this programme takes people whose El Escorial category is "
        "“Definite” or “Probable”."
    )  # fmt: skip
    assert reason(Criterion("months_since_onset", "<=", 24), {"months_since_onset": 30.5}) == (
        "You said 30.5 months; this programme takes people whose first symptoms started at "
        "most 24 months ago."
    )
    assert reason(Criterion("gastrostomy", "is_true", kind=EXCLUSION), {}) == (
        "You have not told us whether you have a feeding tube yet."
    )


def test_it_avoids_a_double_negative_for_an_exclusion_of_not_in() -> None:
    only_definite = Criterion("el_escorial", "not_in", ["definite"], kind=EXCLUSION)
    assert reason(only_definite, {"el_escorial": "possible"}) == (
        "Excluded: you said “Possible”; this programme takes only people whose El Escorial "
        "category is “Definite”."
    )


def test_it_has_wording_for_every_field() -> None:
    for key, field in PROFILE_FIELDS.items():
        if field.kind == "number":
            criterion, answer = Criterion(key, ">=", field.minimum), field.minimum
        elif field.kind == "choice":
            criterion, answer = Criterion(key, "in", ["definite"]), "definite"
        else:
            criterion, answer = Criterion(key, "is_false"), True
        assert criterion.problems() == []
        assert "answer to" not in reason(criterion, {key: answer})
        assert "answer to" not in reason(criterion, {})


# --- problems() -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criterion", "problem"),
    [
        (Criterion("x", ">=", 1), "Unknown field “x”."),
        (Criterion("age_years", "~", 1), "Unknown operator “~”."),
        (
            Criterion("age_years", ">=", 1, kind="maybe"),
            "The kind must be “inclusion” or “exclusion”.",
        ),
        (Criterion("age_years", "between", [75, 18]), "“between” needs two numbers, low first."),
        (Criterion("age_years", "between", [18]), "“between” needs two numbers, low first."),
        (Criterion("age_years", "between", 18), "“between” needs two numbers, low first."),
        (
            Criterion("age_years", "between", ["18", "75"]),
            "“between” needs two numbers, low first.",
        ),
        (Criterion("age_years", ">=", None), "A number is needed for “at least”."),
        (Criterion("age_years", ">", "18"), "A number is needed for “more than”."),
        (Criterion("age_years", "<", True), "A number is needed for “less than”."),
        (Criterion("age_years", "<=", float("inf")), "A number is needed for “at most”."),
        (Criterion("age_years", "==", []), "A number is needed for “equal to”."),
        (
            Criterion("age_years", ">=", 500),
            "500 is outside the possible answers for Age (between 0 and 120 years).",
        ),
        (Criterion("el_escorial", "in", ["possibly"]), f"“in” needs a list of: {CHOICES}."),
        (Criterion("el_escorial", "in", []), f"“in” needs a list of: {CHOICES}."),
        (Criterion("el_escorial", "not_in", "definite"), f"“not_in” needs a list of: {CHOICES}."),
        (Criterion("el_escorial", "==", "sure"), f"“==” needs one of: {CHOICES}."),
        (Criterion("el_escorial", ">=", 1), "“>=” works on number questions only."),
        (Criterion("riluzole", "between", [0, 1]), "“between” works on number questions only."),
        (Criterion("age_years", "in", [18]), "“in” works on choice questions only."),
        (Criterion("age_years", "is_true"), "“is_true” works on yes/no questions only."),
        (Criterion("el_escorial", "is_false"), "“is_false” works on yes/no questions only."),
        (Criterion("riluzole", "is_true", True), "“is_true” takes no value; leave it empty."),
        (
            Criterion("riluzole", "==", True),
            "“==” works on number and choice questions only; use “is_true” or “is_false”.",
        ),
    ],
)
def test_it_refuses_a_bad_criterion(criterion, problem) -> None:
    assert problem in criterion.problems()


def test_it_accepts_good_criteria() -> None:
    for criterion in (
        AGE,
        ALSFRS,
        TRACHEOSTOMY,
        Criterion("fvc_percent_predicted", ">", 40.5),
        Criterion("age_years", "between", (18, 18)),
        Criterion("el_escorial", "in", ("definite", "probable")),
        Criterion("el_escorial", "==", "definite"),
        Criterion("platelets", "<", 100, kind=EXCLUSION, when_known=True),
    ):
        assert criterion.problems() == []


def test_it_reports_every_problem_of_the_header_at_once() -> None:
    assert Criterion("x", "~", kind="maybe").problems() == [
        "Unknown field “x”.",
        "Unknown operator “~”.",
        "The kind must be “inclusion” or “exclusion”.",
    ]


# --- describe() -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criterion", "text"),
    [
        (AGE, "Age between 18 and 75 years"),
        (TRACHEOSTOMY, "No tracheostomy"),
        (Criterion("gastrostomy", "is_false"), "No feeding tube"),
        (Criterion("riluzole", "is_true"), "Riluzole: yes"),
        (Criterion("riluzole", "is_false", kind=EXCLUSION), "Riluzole: yes"),
        (
            Criterion("el_escorial", "in", ["definite", "probable"]),
            "El Escorial category one of: Definite, Probable",
        ),
        (
            Criterion("el_escorial", "in", ["suspected"], kind=EXCLUSION),
            "El Escorial category not one of: Suspected",
        ),
        (Criterion("el_escorial", "==", "definite"), "El Escorial category equal to Definite"),
        (Criterion("fvc_percent_predicted", ">", 40), "FVC more than 40 % of predicted"),
        (
            Criterion("alsfrs_r_total", "between", [36, 45]),
            "ALSFRS-R total between 36 and 45 points",
        ),
        (
            Criterion("platelets", "<", 100, kind=EXCLUSION, when_known=True),
            "Platelet count at least 100 × 10⁹/L (if known)",
        ),
        (
            Criterion("age_years", "between", [40, 50], kind=EXCLUSION),
            "Age not between 40 and 50 years",
        ),
        (
            Criterion("niv_hours_per_day", "<=", 23),
            "Breathing mask (NIV) use at most 23 hours a day",
        ),
        (
            Criterion("months_since_diagnosis", "<=", 24.5),
            "Time since diagnosis at most 24.5 months",
        ),
    ],
)
def test_it_describes_a_criterion(criterion, text) -> None:
    assert criterion.describe() == text


def test_it_describes_an_invalid_criterion_without_raising() -> None:
    assert "not valid" in Criterion("x", "??", [1]).describe()


# --- parse_answer() ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "raw", "parsed"),
    [
        ("age_years", None, None),
        ("age_years", "", None),
        ("age_years", "  ", None),
        ("age_years", "52", 52),
        ("age_years", " 52 ", 52),
        ("age_years", 52.0, 52),
        ("age_years", Decimal("52.5"), 52.5),
        ("fvc_percent_predicted", "72,5", 72.5),
        ("fvc_percent_predicted", "72.5", 72.5),
        ("age_years", "0", 0),
        ("age_years", 120, 120),
        ("platelets", "1250", 1250),
        ("tracheostomy", True, True),
        ("tracheostomy", False, False),
        ("tracheostomy", "Yes", True),
        ("tracheostomy", "no", False),
        ("tracheostomy", "TRUE", True),
        ("tracheostomy", "false", False),
        ("tracheostomy", "1", True),
        ("tracheostomy", "0", False),
        ("tracheostomy", 1, True),
        ("tracheostomy", "not_sure", None),
        ("el_escorial", "probable_laboratory_supported", "probable_laboratory_supported"),
        ("el_escorial", " Definite ", "definite"),
    ],
)
def test_it_parses_an_answer(field, raw, parsed) -> None:
    value = parse_answer(field, raw)
    assert value == parsed
    assert type(value) is type(parsed)


@pytest.mark.parametrize(
    ("field", "raw", "message"),
    [
        ("age_years", "121", "Please give a number between 0 and 120 years."),
        ("age_years", -1, "Please give a number between 0 and 120 years."),
        ("alsfrs_r_total", 49, "Please give a number between 0 and 48 points."),
        ("age_years", 10**400, "Please give a number between 0 and 120 years."),
        ("age_years", "fifty", "Please give a number."),
        ("age_years", "nan", "Please give a number."),
        ("age_years", True, "Please give a number."),
        ("age_years", [52], "Please give a number."),
        (
            "platelets",
            "1,250",
            "Please write 1,250 without the comma, or with a point for decimals.",
        ),
        ("tracheostomy", "maybe", "Please answer yes or no."),
        ("tracheostomy", 2, "Please answer yes or no."),
        (
            "el_escorial",
            "certain",
            "Please choose one of “Definite”, “Probable”, “Probable, laboratory-supported”, "
            "“Possible”, “Suspected”.",
        ),
        ("el_escorial", 1, "Please choose one of"),
        ("shoe_size", "42", "Unknown field “shoe_size”."),
    ],
)
def test_it_refuses_an_answer_that_does_not_fit(field, raw, message) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        parse_answer(field, raw)


# --- Properties -------------------------------------------------------------------------------


def valid_answers(key: str) -> st.SearchStrategy[object]:
    field = PROFILE_FIELDS[key]
    if field.kind == "number":
        numbers = st.floats(field.minimum, field.maximum, allow_nan=False)
        return numbers | st.integers(int(field.minimum), int(field.maximum))
    if field.kind == "choice":
        return st.sampled_from([v for v, _ in field.choices])
    return st.booleans()


def raw_answers(key: str) -> st.SearchStrategy[object]:
    junk = st.sampled_from(["", "abc", "1,250", -5, 10**6, [1], {"a": 1}, "maybe", float("inf")])
    return st.none() | valid_answers(key) | valid_answers(key).map(str) | junk


@st.composite
def criteria(draw) -> Criterion:
    key = draw(st.sampled_from(list(PROFILE_FIELDS)))
    field = PROFILE_FIELDS[key]
    kind = draw(st.sampled_from(["inclusion", "exclusion"]))
    when_known = draw(st.booleans())
    if field.kind == "number":
        op = draw(st.sampled_from([">=", "<=", ">", "<", "==", "between"]))
        number = st.integers(int(field.minimum), int(field.maximum))
        value = (
            sorted(draw(st.lists(number, min_size=2, max_size=2)))
            if op == "between"
            else draw(number)
        )
    elif field.kind == "choice":
        op = draw(st.sampled_from(["in", "not_in", "=="]))
        values = [v for v, _ in field.choices]
        value = (
            draw(st.sampled_from(values))
            if op == "=="
            else draw(st.lists(st.sampled_from(values), min_size=1))
        )
    else:
        op, value = draw(st.sampled_from(["is_true", "is_false"])), None
    return Criterion(key, op, value, kind=kind, when_known=when_known)  # fmt: skip


@st.composite
def profiles(draw) -> dict[str, object]:
    keys = draw(st.lists(st.sampled_from(list(PROFILE_FIELDS)), unique=True))
    return {key: draw(raw_answers(key)) for key in keys}


@given(
    st.lists(criteria(), max_size=8), profiles(), st.sampled_from(list(PROFILE_FIELDS)), st.data()
)
def test_it_never_lets_a_new_answer_change_other_criteria(rules, profile, key, data) -> None:
    before = screen(rules, {k: v for k, v in profile.items() if k != key})
    after = screen(rules, {**profile, key: data.draw(valid_answers(key))})
    for old, new in zip(before.results, after.results, strict=True):
        if old.criterion.field != key:
            assert new == old
        if old.outcome == Outcome.DOES_NOT_MEET:
            assert new.outcome != Outcome.MEETS or old.criterion.field == key


@given(st.lists(criteria(), max_size=8), profiles())
def test_it_is_likely_eligible_iff_every_blocking_result_meets(rules, profile) -> None:
    screening = screen(rules, profile)
    blocking = [
        r
        for r in screening.results
        if not (r.criterion.when_known and r.outcome == Outcome.UNKNOWN)
    ]
    every_meets = all(r.outcome == Outcome.MEETS for r in blocking)
    assert (screening.verdict == Verdict.LIKELY_ELIGIBLE) == every_meets
    if screening.failing:
        assert screening.verdict == Verdict.LIKELY_NOT_ELIGIBLE


@given(st.lists(criteria(), max_size=8), profiles())
def test_it_is_deterministic_and_keeps_the_order_of_the_criteria(rules, profile) -> None:
    first, second = screen(rules, profile), screen(iter(rules), dict(profile))
    assert first == second
    assert [r.criterion for r in first.results] == rules
    for result in first.results:
        assert result.reason.endswith(".")
        assert (result.answer is None) == (result.outcome == Outcome.UNKNOWN)
    keys = [f.key for f in first.questions]
    assert len(keys) == len(set(keys))
    order = [r.criterion.field for r in first.missing]
    assert keys == sorted(keys, key=order.index)


@given(
    st.integers(0, 120),
    st.integers(0, 120),
    st.floats(-10, 130, allow_nan=False) | st.integers(0, 120),
)
def test_it_meets_between_iff_low_le_answer_le_high(a, b, x) -> None:
    low, high = min(a, b), max(a, b)
    result = screen([Criterion("age_years", "between", [low, high])], {"age_years": x}).results[0]
    if 0 <= x <= 120:
        assert (result.outcome == Outcome.MEETS) == (low <= x <= high)
    else:
        assert result.outcome == Outcome.UNKNOWN  # outside the plausible range of an age
