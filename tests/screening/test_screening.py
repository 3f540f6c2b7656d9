"""The screening engine: tri-state criteria, the verdict, plain reasons, answers parsed safely.

A programme's pre-screen speaks in its own voice (the default); trial matching is in
test_matching.py below the same engine."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest
import textstat
from hypothesis import assume, given
from hypothesis import strategies as st

from cellpath.screening import (
    FIELDS,
    OPERATORS,
    TRIAL,
    Criterion,
    Outcome,
    Profile,
    Result,
    Screening,
    Verdict,
    evaluate,
    parse_answer,
    screen,
)

EXCLUSION = "exclusion"
CHOICES = "definite, probable, probable_laboratory_supported, possible, suspected"


ASKED = [key for key, f in FIELDS.items() if f.kind != "item"]
"""Fields a person answers directly (an ALSFRS-R item rule also needs its item number)."""


def prescreen(criteria, answers: dict[str, object]) -> Screening:
    """A programme's pre-screen of raw answers, as the application form keeps them."""
    return evaluate(criteria, Profile.from_answers(answers))


def outcome(criterion: Criterion, profile: dict[str, object]) -> Outcome:
    return prescreen([criterion], profile).results[0].outcome


def reason(criterion: Criterion, profile: dict[str, object]) -> str:
    return prescreen([criterion], profile).results[0].reason


# --- The registry -----------------------------------------------------------------------------


READER_FIELDS = [
    "age_years", "alsfrs_r_total", "alsfrs_r_item", "alsfrs_r_slope_per_month",
    "alsfrs_r_decline_points", "vc_percent_predicted", "months_since_symptom_onset",
    "months_since_diagnosis", "el_escorial", "riluzole_stable_days", "edaravone",
    "prior_stem_cell_therapy", "tracheostomy", "niv_hours_per_day", "gastrostomy", "pregnancy",
    "anticoagulants", "sod1_mutation", "c9orf72", "bmi",
]  # fmt: skip
"""The trial reader's fixed contract (issue 7), `other` aside."""
PROGRAMME_FIELDS = [
    "age_years", "months_since_symptom_onset", "months_since_diagnosis", "alsfrs_r_total",
    "vc_percent_predicted", "el_escorial", "tracheostomy", "invasive_ventilation",
    "niv_hours_per_day", "gastrostomy", "riluzole", "edaravone", "anticoagulants",
    "prior_stem_cell_therapy", "pregnancy", "active_cancer", "bone_marrow_disorder",
    "clotting_disorder", "platelets", "active_severe_infection",
]  # fmt: skip
"""What a programme's pre-screen asks (issue 6), under the same names."""


def test_it_has_one_field_for_every_fact_a_trial_or_a_programme_asks_about() -> None:
    assert set(READER_FIELDS) | set(PROGRAMME_FIELDS) | {"sex"} == set(FIELDS)
    assert set(FIELDS) - {"alsfrs_r_item"} <= set(Profile.__dataclass_fields__)
    ranges = {key: (f.minimum, f.maximum) for key, f in FIELDS.items() if f.minimum is not None}
    assert ranges == {
        "age_years": (0, 120),
        "months_since_symptom_onset": (0, 600),
        "months_since_diagnosis": (0, 600),
        "alsfrs_r_total": (0, 48),
        "alsfrs_r_item": (0, 4),
        "alsfrs_r_slope_per_month": (0, 48),
        "alsfrs_r_decline_points": (0, 48),
        "vc_percent_predicted": (0, 200),
        "niv_hours_per_day": (0, 24),
        "riluzole_stable_days": (0, 36_500),
        "platelets": (0, 2000),
        "bmi": (10, 80),
    }
    assert [v for v, _ in FIELDS["el_escorial"].choices] == [
        "definite",
        "probable",
        "probable_laboratory_supported",
        "possible",
        "suspected",
    ]


def test_it_asks_every_question_in_plain_words_addressed_to_you() -> None:
    for field in FIELDS.values():
        assert field.kind in ("number", "choice", "yes_no", "item")
        assert "?" in field.question
        assert textstat.flesch_kincaid_grade(field.question) <= 9, field.question
        assert "you" in field.question.lower()
        assert field.label and len(field.label) < 40
        if field.kind in ("number", "item"):
            assert field.unit


def test_it_labels_outcomes_and_verdicts_in_plain_words() -> None:
    assert [o.label for o in Outcome] == [
        "Meets",
        "Does not meet",
        "Not answered yet",
        "Ask the trial team",
    ]
    assert [v.label for v in Verdict] == [
        "Likely eligible",
        "Likely not eligible",
        "We need more information",
    ]
    assert Verdict.LIKELY_ELIGIBLE == "likely_eligible"
    assert OPERATORS["between"] == "between"
    assert OPERATORS["not_in"] == "not one of"


def test_it_imports_without_django() -> None:
    code = "import sys, cellpath.screening; assert 'django' not in sys.modules"
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
        ("present", True, Outcome.MEETS),
        ("present", False, Outcome.DOES_NOT_MEET),
        ("absent", False, Outcome.MEETS),
        ("absent", True, Outcome.DOES_NOT_MEET),
    ],
)
def test_it_checks_yes_no_answers(op, answer, expected) -> None:
    assert outcome(Criterion("riluzole", op), {"riluzole": answer}) == expected


# --- Inclusion, exclusion and the three outcomes ----------------------------------------------


def test_it_turns_an_exclusion_around() -> None:
    no_tracheostomy = Criterion("tracheostomy", "present", section=EXCLUSION)
    assert outcome(no_tracheostomy, {"tracheostomy": True}) == Outcome.DOES_NOT_MEET
    assert outcome(no_tracheostomy, {"tracheostomy": False}) == Outcome.MEETS
    assert outcome(no_tracheostomy, {}) == Outcome.UNKNOWN
    low_platelets = Criterion("platelets", "<", 100, section=EXCLUSION)
    assert outcome(low_platelets, {"platelets": 99}) == Outcome.DOES_NOT_MEET
    assert outcome(low_platelets, {"platelets": 100}) == Outcome.MEETS


def test_it_says_unknown_for_a_missing_answer() -> None:
    criterion = Criterion("alsfrs_r_total", "between", [31, 46])
    for profile in ({}, {"alsfrs_r_total": None}, {"alsfrs_r_total": ""}, {"alsfrs_r_total": " "}):
        result = prescreen([criterion], profile).results[0]
        assert result.outcome == Outcome.UNKNOWN
        assert result.answer is None
        assert result.reason == "You have not told us your ALSFRS-R total yet."


def test_it_says_unknown_for_an_answer_it_cannot_read() -> None:
    criterion = Criterion("platelets", ">=", 100)
    for raw in ("lots", [150], {"value": 150}, object(), float("nan"), 5000, True):
        result = prescreen([criterion], {"platelets": raw}).results[0]
        assert result.outcome == Outcome.UNKNOWN
        assert result.answer is None
        assert result.reason.startswith("We could not read your answer about your platelet count.")
    assert prescreen([criterion], {"platelets": "lots"}).verdict == Verdict.NEED_MORE_INFORMATION
    assert prescreen([criterion], {"platelets": "lots"}).questions == (FIELDS["platelets"],)


def test_it_keeps_the_parsed_answer() -> None:
    result = prescreen(
        [Criterion("vc_percent_predicted", ">", 40)], {"vc_percent_predicted": "40,5"}
    )
    assert result.results[0].answer == 40.5
    assert result.results[0].outcome == Outcome.MEETS


def test_it_does_not_hold_back_the_verdict_for_a_when_known_criterion() -> None:
    platelets = Criterion("platelets", ">=", 100, when_known=True)
    screening = prescreen([platelets], {})
    assert screening.results[0].outcome == Outcome.UNKNOWN
    assert screening.verdict == Verdict.LIKELY_ELIGIBLE
    assert screening.missing == ()
    assert screening.questions == ()
    assert "checked only if you know it" in screening.results[0].reason
    # An answer given is still checked.
    assert prescreen([platelets], {"platelets": 50}).verdict == Verdict.LIKELY_NOT_ELIGIBLE


# --- The verdict ------------------------------------------------------------------------------

AGE = Criterion("age_years", "between", [18, 75])
ALSFRS = Criterion("alsfrs_r_total", ">=", 25)
TRACHEOSTOMY = Criterion("tracheostomy", "present", section=EXCLUSION)


def test_it_is_likely_eligible_when_every_criterion_is_met() -> None:
    profile = {"age_years": 50, "alsfrs_r_total": 40, "tracheostomy": False}
    screening = prescreen([AGE, ALSFRS, TRACHEOSTOMY], profile)
    assert screening.verdict == Verdict.LIKELY_ELIGIBLE
    assert screening.failing == screening.missing == screening.questions == ()


def test_it_lets_a_failure_beat_a_missing_answer() -> None:
    screening = prescreen([AGE, ALSFRS, TRACHEOSTOMY], {"age_years": 80})
    assert screening.verdict == Verdict.LIKELY_NOT_ELIGIBLE
    assert [r.criterion for r in screening.failing] == [AGE]
    assert [r.criterion for r in screening.missing] == [ALSFRS, TRACHEOSTOMY]


def test_it_needs_more_information_when_an_answer_is_missing() -> None:
    screening = prescreen([AGE, ALSFRS], {"age_years": 50})
    assert screening.verdict == Verdict.NEED_MORE_INFORMATION
    assert screening.questions == (FIELDS["alsfrs_r_total"],)


def test_it_screens_everyone_in_without_criteria() -> None:
    screening = prescreen([], {"age_years": 50})
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
    screening = prescreen(criteria, {})
    assert [f.key for f in screening.questions] == ["alsfrs_r_total", "age_years", "tracheostomy"]
    assert len(screening.missing) == 5


def test_it_does_not_raise_on_an_invalid_criterion() -> None:
    bad = Criterion("age_years", "between", [75])
    screening = prescreen([bad], {"age_years": 50})
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
    assert reason(Criterion("riluzole", "present"), {"riluzole": False}) == (
        "You said you do not take riluzole; this programme takes only people who take riluzole."
    )
    assert reason(Criterion("platelets", "<", 100, section=EXCLUSION), {"platelets": 80}) == (
        "Excluded: you said 80 × 10⁹/L; this programme does not take people with a platelet "
        "count of less than 100 × 10⁹/L."
    )
    assert reason(Criterion("el_escorial", "in", ["definite", "probable"]), {
        "el_escorial": "possible"
    }) == (
        "You said “Possible”; this programme takes people whose El Escorial category is "
        "“Definite” or “Probable”."
    )  # fmt: skip
    onset = Criterion("months_since_symptom_onset", "<=", 24)
    assert reason(onset, {"months_since_symptom_onset": 30.5}) == (
        "You said 30.5 months; this programme takes people whose first symptoms started at "
        "most 24 months ago."
    )
    assert reason(Criterion("gastrostomy", "present", section=EXCLUSION), {}) == (
        "You have not told us whether you have a feeding tube yet."
    )


def test_it_avoids_a_double_negative_for_an_exclusion_of_not_in() -> None:
    only_definite = Criterion("el_escorial", "not_in", ["definite"], section=EXCLUSION)
    assert reason(only_definite, {"el_escorial": "possible"}) == (
        "Excluded: you said “Possible”; this programme takes only people whose El Escorial "
        "category is “Definite”."
    )


def test_it_says_what_other_answers_imply() -> None:
    onset = Criterion("months_since_symptom_onset", "<=", 24)
    result = prescreen([onset], {"months_since_diagnosis": 30}).results[0]
    assert result.outcome == Outcome.DOES_NOT_MEET
    assert result.reason == (
        "From what you told us: diagnosed 30 months ago, so first symptoms at least as long "
        "ago; this programme takes people whose first symptoms started at most 24 months ago."
    )


def test_it_has_wording_for_every_field() -> None:
    for key in ASKED:
        field = FIELDS[key]
        if field.kind == "number":
            criterion, answer = Criterion(key, ">=", field.minimum), field.minimum
        elif field.kind == "choice":
            first = field.choices[0][0]
            criterion, answer = Criterion(key, "in", [first]), first
        else:
            criterion, answer = Criterion(key, "absent"), True
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
            Criterion("age_years", ">=", 1, section="maybe"),
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
        (
            Criterion("el_escorial", "absent"),
            "“absent” works on yes/no and number questions only.",
        ),
        (Criterion("riluzole", "present", True), "“present” takes no value; leave it empty."),
        (
            Criterion("alsfrs_r_item", ">=", 2),
            "An ALSFRS-R item rule needs the item number, 1 to 12.",
        ),
        (Criterion("other", "present"), "Unknown field “other”."),
        (
            Criterion("riluzole", "==", True),
            "“==” works on number and choice questions only; use “present” or “absent”.",
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
        Criterion("vc_percent_predicted", ">", 40.5),
        Criterion("age_years", "between", (18, 18)),
        Criterion("el_escorial", "in", ("definite", "probable")),
        Criterion("el_escorial", "==", "definite"),
        Criterion("platelets", "<", 100, section=EXCLUSION, when_known=True),
    ):
        assert criterion.problems() == []


def test_it_reports_every_problem_of_the_header_at_once() -> None:
    assert Criterion("x", "~", section="maybe").problems() == [
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
        (Criterion("gastrostomy", "absent"), "No feeding tube"),
        (Criterion("riluzole", "present"), "Riluzole: yes"),
        (Criterion("riluzole", "absent", section=EXCLUSION), "Riluzole: yes"),
        (
            Criterion("el_escorial", "in", ["definite", "probable"]),
            "El Escorial category one of: Definite, Probable",
        ),
        (
            Criterion("el_escorial", "in", ["suspected"], section=EXCLUSION),
            "El Escorial category not one of: Suspected",
        ),
        (Criterion("el_escorial", "==", "definite"), "El Escorial category equal to Definite"),
        (
            Criterion("vc_percent_predicted", ">", 40, measure="FVC"),
            "FVC more than 40 % of predicted",
        ),
        (
            Criterion("vc_percent_predicted", ">", 40),
            "Vital capacity more than 40 % of predicted",
        ),
        (
            Criterion("alsfrs_r_total", "between", [36, 45]),
            "ALSFRS-R total between 36 and 45 points",
        ),
        (
            Criterion("platelets", "<", 100, section=EXCLUSION, when_known=True),
            "Platelet count at least 100 × 10⁹/L (if known)",
        ),
        (
            Criterion("age_years", "between", [40, 50], section=EXCLUSION),
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
        ("vc_percent_predicted", "72,5", 72.5),
        ("vc_percent_predicted", "72.5", 72.5),
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
    field = FIELDS[key]
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
    key = draw(st.sampled_from(ASKED))
    field = FIELDS[key]
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
        op, value = draw(st.sampled_from(["present", "absent"])), None
    return Criterion(key, op, value, section=kind, when_known=when_known)  # fmt: skip


@st.composite
def profiles(draw) -> dict[str, object]:
    keys = draw(st.lists(st.sampled_from(ASKED), unique=True))
    return {key: draw(raw_answers(key)) for key in keys}


IMPLIES = {
    "months_since_diagnosis": {"months_since_symptom_onset"},
    "months_since_symptom_onset": {"months_since_diagnosis"},
    "riluzole": {"riluzole_stable_days"},
}
"""Answers that can settle a criterion on another field (see test_matching.py)."""


@given(st.lists(criteria(), max_size=8), profiles(), st.sampled_from(ASKED), st.data())
def test_it_never_lets_a_new_answer_change_other_criteria(rules, profile, key, data) -> None:
    before = prescreen(rules, {k: v for k, v in profile.items() if k != key})
    after = prescreen(rules, {**profile, key: data.draw(valid_answers(key))})
    for old, new in zip(before.results, after.results, strict=True):
        touched = old.criterion.field == key or old.criterion.field in IMPLIES.get(key, ())
        if not touched:
            assert new == old
        if old.outcome == Outcome.DOES_NOT_MEET:
            assert new.outcome != Outcome.MEETS or touched


@given(st.lists(criteria(), max_size=8), profiles())
def test_it_is_likely_eligible_iff_every_blocking_result_meets(rules, profile) -> None:
    screening = prescreen(rules, profile)
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
    first, second = prescreen(rules, profile), prescreen(iter(rules), dict(profile))
    assert first == second
    assert [r.criterion for r in first.results] == rules
    for result in first.results:
        assert result.reason.endswith(".")
        decided_by_others = result.why.code == "implied"
        assert (result.answer is None) == (result.outcome == Outcome.UNKNOWN or decided_by_others)
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
    result = prescreen([Criterion("age_years", "between", [low, high])], {"age_years": x}).results[
        0
    ]
    if 0 <= x <= 120:
        assert (result.outcome == Outcome.MEETS) == (low <= x <= high)
    else:
        assert result.outcome == Outcome.UNKNOWN  # outside the plausible range of an age


# --- Trial matching: the same engine in a trial's voice -------------------------------------


def c(field: str, op: str, value=None, *, section: str = "inclusion", **extra) -> Criterion:
    """A criterion as the trial reader writes it."""
    return Criterion(field, op, value, section=section, quote=f"the sentence about {field}",
                     **extra)  # fmt: skip


def trial(criterion: Criterion, profile: Profile) -> Result:
    return evaluate([criterion], profile, voice=TRIAL).results[0]


def match(criteria, profile: Profile) -> Screening:
    return evaluate(criteria, profile, voice=TRIAL, key="T")


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
def test_a_trial_compares_in_an_inclusion(op, value, given, outcome) -> None:
    result = trial(c("alsfrs_r_total", op, value), Profile(alsfrs_r_total=given))
    assert result.outcome == outcome


def test_an_exclusion_that_holds_rules_out_and_one_that_does_not_is_met() -> None:
    trach = c("tracheostomy", "present", section="exclusion")
    assert trial(trach, Profile(tracheostomy=True)).outcome == Outcome.DOES_NOT_MEET
    assert "excludes" in trial(trach, Profile(tracheostomy=True)).reason
    assert trial(trach, Profile(tracheostomy=False)).outcome == Outcome.MEETS
    low_fvc = c("vc_percent_predicted", "<", 50, section="exclusion", measure="FVC")
    assert trial(low_fvc, Profile(vc_percent_predicted=45)).outcome == Outcome.DOES_NOT_MEET
    assert trial(low_fvc, Profile(vc_percent_predicted=80)).outcome == Outcome.MEETS


def test_presence_and_absence() -> None:
    no_peg = c("gastrostomy", "absent")
    assert trial(no_peg, Profile(gastrostomy=False)).outcome == Outcome.MEETS
    assert trial(no_peg, Profile(gastrostomy=True)).outcome == Outcome.DOES_NOT_MEET
    niv = c("niv_hours_per_day", "present", section="exclusion")
    assert trial(niv, Profile(niv_hours_per_day=0)).outcome == Outcome.MEETS
    assert trial(niv, Profile(niv_hours_per_day=8)).outcome == Outcome.DOES_NOT_MEET


def test_el_escorial_one_of() -> None:
    crit = c("el_escorial", "in", ["definite", "probable"])
    assert trial(crit, Profile(el_escorial="probable")).outcome == Outcome.MEETS
    result = trial(crit, Profile(el_escorial="possible"))
    assert result.outcome == Outcome.DOES_NOT_MEET
    assert "definite, probable" in result.reason


def test_an_unanswered_field_is_unknown_and_asked() -> None:
    crit = c("months_since_symptom_onset", "<=", 24)
    assert trial(crit, Profile()).outcome == Outcome.UNKNOWN
    matched = match([crit], Profile())
    assert matched.verdict == Verdict.NEED_MORE_INFORMATION
    assert [q.question for q in matched.questions] == ["When did your first ALS symptoms start?"]


def test_a_criterion_the_reader_could_not_structure_is_for_the_trial_team() -> None:
    other = c("other", "present")
    trial = match([other, c("age_years", ">=", 18)], Profile(age_years=50))
    assert trial.results[0].outcome == Outcome.TO_DISCUSS
    assert trial.verdict == Verdict.LIKELY_ELIGIBLE  # never counted either way


def test_an_item_score_is_read_from_the_items() -> None:
    swallowing = c("alsfrs_r_item", ">=", 2, item=3)
    assert trial(swallowing, Profile(alsfrs_r_items={3: 2})).outcome == Outcome.MEETS
    assert trial(swallowing, Profile(alsfrs_r_items={3: 1})).outcome == Outcome.DOES_NOT_MEET
    assert trial(swallowing, Profile(alsfrs_r_items={8: 4})).outcome == Outcome.UNKNOWN
    assert swallowing.describe(TRIAL) == "ALSFRS-R item 3 (swallowing) at least 2"


def test_delta_fs_is_derived_as_kimura_defines_it() -> None:
    """Kimura et al. 2006: ΔFS = (48 − total) / months since onset; 36 points 12 months after
    onset is 1.0 point a month."""
    profile = Profile(alsfrs_r_total=36, months_since_symptom_onset=12).with_derived()
    assert profile.alsfrs_r_slope_per_month == 1.0
    fast = c("alsfrs_r_slope_per_month", ">=", 0.5)
    assert match([fast], profile.with_derived()).verdict == Verdict.LIKELY_ELIGIBLE
    assert Profile(alsfrs_r_total=36).with_derived().alsfrs_r_slope_per_month is None


def test_a_man_is_not_asked_about_pregnancy() -> None:
    pregnant = c("pregnancy", "present", section="exclusion")
    assert match([pregnant], Profile(sex="male").with_derived()).verdict == (
        Verdict.LIKELY_ELIGIBLE
    )
    assert match([pregnant], Profile(sex="female").with_derived()).verdict == (
        Verdict.NEED_MORE_INFORMATION
    )


def test_a_stable_riluzole_rule_is_for_people_who_take_it() -> None:
    stable = c("riluzole_stable_days", ">=", 30)
    not_taking = trial(stable, Profile(riluzole=False))
    assert not_taking.outcome == Outcome.MEETS
    assert "you do not take riluzole" in not_taking.reason
    assert trial(stable, Profile(riluzole=True)).outcome == Outcome.UNKNOWN
    on_it = Profile(riluzole=True, riluzole_stable_days=90)
    assert trial(stable, on_it).outcome == Outcome.MEETS
    recently = c("riluzole_stable_days", "<=", 30, section="exclusion")
    assert trial(recently, Profile(riluzole=False)).outcome == Outcome.MEETS


def test_a_trial_that_requires_riluzole_fails_someone_who_does_not_take_it() -> None:
    required = [c("riluzole_stable_days", ">=", 30), c("riluzole_stable_days", "present")]
    assert match(required, Profile(riluzole=False)).verdict == Verdict.LIKELY_NOT_ELIGIBLE
    taking = c("riluzole_stable_days", "present", section="exclusion")
    assert trial(taking, Profile(riluzole_stable_days=40)).outcome == Outcome.DOES_NOT_MEET
    assert taking.describe(TRIAL) == "Taking riluzole: yes"


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
    result = trial(criterion, profile)
    assert result.outcome == outcome
    if outcome != Outcome.UNKNOWN:
        assert " so " in result.reason  # says what it was worked out from


def test_the_alsfrs_r_total_is_summed_from_all_twelve_items() -> None:
    items = dict.fromkeys(range(1, 13), 3)
    assert Profile(alsfrs_r_items=items).with_derived().alsfrs_r_total == 36
    assert Profile(alsfrs_r_items={1: 3, 2: 3}).with_derived().alsfrs_r_total is None


def test_a_different_breathing_test_is_compared_and_said_so() -> None:
    svc = c("vc_percent_predicted", ">=", 65, measure="SVC")
    result = trial(svc, Profile(vc_percent_predicted=70, vc_measure="FVC"))
    assert result.outcome == Outcome.MEETS
    assert "your FVC; the trial measures SVC" in result.reason


def test_the_verdict_failed_beats_unknown_beats_met() -> None:
    crits = [c("age_years", ">=", 18), c("alsfrs_r_total", ">=", 25), c("bmi", "<", 32)]
    assert match(crits, Profile(age_years=60, alsfrs_r_total=20)).verdict == (
        Verdict.LIKELY_NOT_ELIGIBLE
    )
    assert match(crits, Profile(age_years=60, alsfrs_r_total=30)).verdict == (
        Verdict.NEED_MORE_INFORMATION
    )
    full = Profile(age_years=60, alsfrs_r_total=30, bmi=24)
    assert match(crits, full).verdict == Verdict.LIKELY_ELIGIBLE


TRIAL_FIELDS = ["age_years", "alsfrs_r_total", "vc_percent_predicted", "months_since_symptom_onset",
          "months_since_diagnosis", "niv_hours_per_day", "bmi"]  # fmt: skip
criteria = st.lists(
    st.builds(
        c,
        st.sampled_from(TRIAL_FIELDS),
        st.sampled_from([">=", "<=", ">", "<"]),
        st.integers(0, 100),
        section=st.sampled_from(["inclusion", "exclusion"]),
    ),
    max_size=8,
)
profiles = st.builds(
    Profile, **{f: st.one_of(st.none(), st.integers(0, 100)) for f in TRIAL_FIELDS}
)  # fmt: skip


@given(criteria, profiles)
def test_the_verdict_follows_from_the_outcomes(crits, profile) -> None:
    trial = match(crits, profile)
    outcomes = [r.outcome for r in trial.results]
    if Outcome.DOES_NOT_MEET in outcomes:
        assert trial.verdict == Verdict.LIKELY_NOT_ELIGIBLE
    elif Outcome.UNKNOWN in outcomes:
        assert trial.verdict == Verdict.NEED_MORE_INFORMATION and trial.questions
    else:
        assert trial.verdict == Verdict.LIKELY_ELIGIBLE


@given(criteria, profiles, st.sampled_from(TRIAL_FIELDS), st.integers(0, 100))
def test_answering_a_question_decides_its_criteria_and_changes_no_decided_one(
    crits, profile, field, value
) -> None:
    assume(getattr(profile, field) is None)
    before = match(crits, profile)
    answered = Profile(**{**profile.__dict__, field: value})
    onset, diagnosis = answered.months_since_symptom_onset, answered.months_since_diagnosis
    assume(onset is None or diagnosis is None or diagnosis <= onset)  # symptoms come first
    after = match(crits, answered)
    for old, new in zip(before.results, after.results, strict=True):
        if old.outcome != Outcome.UNKNOWN:
            assert old.outcome == new.outcome  # an answer can settle another field, never flip it
        elif old.criterion.field == field:
            assert new.outcome in (Outcome.MEETS, Outcome.DOES_NOT_MEET)


@given(criteria, profiles)
def test_screening_for_ranking_agrees_with_the_full_match(crits, profile) -> None:
    full = match(crits, profile)
    quick = screen("T", [c.rule for c in crits], profile)
    assert (quick.verdict, quick.failed_count, quick.questions) == (
        full.verdict,
        full.failed_count,
        full.questions,
    )


def test_a_profile_round_trips_through_json() -> None:
    profile = Profile(age_years=61, alsfrs_r_items={3: 2, 8: 3}, tracheostomy=False)
    assert Profile.from_json(profile.as_json()) == profile
