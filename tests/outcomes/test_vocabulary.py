"""The clinical vocabulary: El Escorial, ALSFRS-R items and the 5a/5b rule, month and year."""

from cellpath.outcomes.alsfrs_questions import QUESTIONS, questions_for
from cellpath.outcomes.vocabulary import (
    ALSFRS_R_ITEMS,
    ALSFRS_R_KEYS,
    DAYS_PER_MONTH,
    DAYS_PER_YEAR,
    DOMAINS,
    EL_ESCORIAL_VALUES,
    item5_key,
    merged_items,
    sex_word,
)


def test_a_month_is_a_twelfth_of_a_julian_year() -> None:
    assert DAYS_PER_YEAR == 365.25
    assert DAYS_PER_MONTH == 30.4375


def test_el_escorial_runs_from_most_to_least_certain() -> None:
    """Brooks et al. 2000: definite, probable, probable laboratory-supported, possible,
    suspected."""
    assert EL_ESCORIAL_VALUES == (
        "definite",
        "probable",
        "probable_laboratory_supported",
        "possible",
        "suspected",
    )


def test_the_alsfrs_r_has_twelve_items_in_four_domains_of_three() -> None:
    """Cedarbaum 1999 (item 5 as 5a or 5b); Bakker 2017 (domains)."""
    assert len(ALSFRS_R_KEYS) == 13 and len({i.position for i in ALSFRS_R_ITEMS}) == 12
    assert DOMAINS == {
        "bulbar": (0, 1, 2),
        "fine_motor": (3, 4, 5),
        "gross_motor": (6, 7, 8),
        "respiratory": (9, 10, 11),
    }


def test_item_5_is_5b_with_a_gastrostomy_and_5a_without() -> None:
    assert item5_key(gastrostomy=True) == "q5b"
    assert item5_key(gastrostomy=False) == "q5a"
    assert [q.item for q in questions_for(gastrostomy=True)].count("q5b") == 1
    assert "q5a" not in [q.item for q in questions_for(gastrostomy=True)]


def test_a_record_merges_item_5_from_whichever_was_answered() -> None:
    record = {key: 3 for key in ALSFRS_R_KEYS} | {"q5a": None, "q5b": 1}
    merged = merged_items(record)
    assert sorted(merged) == list(range(1, 13)) and merged[5] == 1
    assert merged_items({"q1": 4, "q2": "", "q5a": 2}) == {1: 4, 5: 2}


def test_the_questionnaire_asks_one_question_per_item_in_the_scale_order() -> None:
    assert [q.item for q in QUESTIONS] == list(ALSFRS_R_KEYS)
    assert [q.number for q in QUESTIONS][4:6] == ["5a", "5b"]


def test_sex_is_recorded_as_a_letter_and_read_as_a_word() -> None:
    assert (sex_word("F"), sex_word("M"), sex_word(""), sex_word(None)) == (
        "female",
        "male",
        None,
        None,
    )
