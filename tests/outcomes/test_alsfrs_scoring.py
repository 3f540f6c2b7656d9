"""ALSFRS-R validation, totals and domain subscores (Cedarbaum 1999; Bakker 2017)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cellpath.outcomes.alsfrs import (
    Instrument,
    InvalidAlsfrsError,
    alsfrs_r_problems,
    alsfrs_r_total,
    alsfrs_total,
    domain_subscores,
    merge_item5,
    recognise_instrument,
    score_alsfrs_r,
)

KEYS_NO5 = ("q1", "q2", "q3", "q4", "q6", "q7", "q8", "q9", "q10", "q11", "q12")


def record(items: list[int], gastrostomy: bool = False) -> dict[str, object]:
    """Build a VISITS-style record from merged items [i1..i12]."""
    rec: dict[str, object] = dict(zip(KEYS_NO5, items[:4] + items[5:], strict=True))
    rec["q5b" if gastrostomy else "q5a"] = items[4]
    return rec


# Worked examples W-A..W-D, als-measures.md §10 (rules: Cedarbaum 1999, Bakker 2017).
WORKED = [
    ([4] * 12, False, 48, (12, 12, 12, 12)),
    ([3, 4, 4, 4, 4, 4, 4, 3, 3, 4, 4, 4], False, 45, (11, 12, 10, 12)),
    ([2, 3, 1, 3, 2, 2, 2, 2, 1, 3, 3, 4], True, 28, (6, 7, 5, 10)),
    ([3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 3, 2], False, 34, (9, 9, 9, 7)),
]


@pytest.mark.parametrize(("items", "gastrostomy", "total", "domains"), WORKED)
def test_it_scores_the_worked_examples(items, gastrostomy, total, domains):
    """W-A..W-D: totals and four domain subscores (Cedarbaum 1999; Bakker 2017)."""
    score = score_alsfrs_r(record(items, gastrostomy))
    assert score.total == total
    assert (score.bulbar, score.fine_motor, score.gross_motor, score.respiratory) == domains
    assert score.gastrostomy is gastrostomy
    assert int(alsfrs_r_total(items)) == total
    sub = domain_subscores(items)
    assert tuple(int(sub[k]) for k in ("bulbar", "fine_motor", "gross_motor", "respiratory")) == (
        domains
    )


def test_it_treats_answering_5b_as_gastrostomy():
    """Cedarbaum 1999 / PRO-ACT: 5b is scored only with a gastrostomy."""
    assert merge_item5(3, None) == (3, False)
    assert merge_item5("", 2) == (2, True)


@pytest.mark.parametrize(("q5a", "q5b", "word"), [(3, 2, "both"), (None, None, "neither")])
def test_it_refuses_both_or_neither_of_5a_and_5b(q5a, q5b, word):
    """Exactly one of 5a/5b per visit (Cedarbaum 1999)."""
    with pytest.raises(InvalidAlsfrsError) as exc:
        merge_item5(q5a, q5b)
    assert word in str(exc.value)
    rec = record([4] * 12)
    rec["q5a"], rec["q5b"] = q5a, q5b
    assert any(word in p for p in alsfrs_r_problems(rec))


def test_it_lists_every_problem_of_a_record():
    rec = record([4] * 12)
    rec["q1"] = 5
    rec["q2"] = "x"
    rec["q7"] = None
    problems = alsfrs_r_problems(rec)
    assert problems == [
        "q1: 5 is not an integer 0-4",
        "q2: 'x' is not an integer 0-4",
        "q7: missing (every ALSFRS-R item is required)",
    ]
    with pytest.raises(InvalidAlsfrsError) as exc:
        score_alsfrs_r(rec)
    assert exc.value.problems == problems


def test_it_refuses_a_float_that_is_not_an_integer():
    rec = record([4] * 12)
    rec["q3"] = 2.5
    assert alsfrs_r_problems(rec) == ["q3: 2.5 is not an integer 0-4"]


def test_it_recognises_the_original_alsfrs_and_never_rescales_it():
    """Original ALSFRS: 10 items, 0-40 (ALS CNTF Study Group 1996); no 40→48 rescaling."""
    original = {f"q{i}": 3 for i in range(1, 11) if i != 5} | {"q5a": 3}
    assert recognise_instrument(original) is Instrument.ALSFRS
    assert recognise_instrument(["Q10_Respiratory", "Q1_Speech"]) is Instrument.ALSFRS
    assert recognise_instrument(record([4] * 12)) is Instrument.ALSFRS_R
    assert "original ALSFRS" in alsfrs_r_problems(original)[0]
    assert int(alsfrs_total([3] * 10)) == 30
    with pytest.raises(ValueError, match="original ALSFRS"):
        alsfrs_r_total([3] * 10)


def test_it_refuses_items_out_of_range_in_arrays():
    with pytest.raises(ValueError, match="0-4"):
        alsfrs_r_total([5] + [4] * 11)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=12, max_size=12), st.booleans())
def test_subscores_always_sum_to_the_total(items, gastrostomy):
    """Bakker 2017's four domains partition the 12 ALSFRS-R items."""
    score = score_alsfrs_r(record(items, gastrostomy))
    assert score.bulbar + score.fine_motor + score.gross_motor + score.respiratory == score.total
    assert score.total == sum(items)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 50), st.integers(0, 2**32 - 1))
def test_vectorised_subscores_sum_to_the_total(n, seed):
    items = np.random.default_rng(seed).integers(0, 5, (n, 12))
    sub = domain_subscores(items)
    assert np.array_equal(sum(sub.values()), alsfrs_r_total(items))
