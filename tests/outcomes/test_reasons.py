"""The engine says why with codes and parameters; its sentences are written in one place."""

from __future__ import annotations

import datetime as dt
import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import cellpath.outcomes
from cellpath.outcomes.alsfrs import (
    InvalidAlsfrsError,
    alsfrs_r_problems,
    alsfrs_r_reasons,
    alsfrs_r_total,
)
from cellpath.outcomes.patient import InvalidPatientError, patient_outcomes
from cellpath.outcomes.reasons import Reason
from cellpath.outcomes.response import nurown_responder, oh_reason, oh_tier, petrou_responder
from cellpath.outcomes.wording import SENTENCES, describe

RECORD = dict(q1=3, q2=4, q3=4, q4=4, q5a=4, q6=4, q7=4, q8=3, q9=3, q10=4, q11=4, q12=4)  # 45


def test_a_reason_is_a_code_with_read_only_parameters() -> None:
    reason = Reason("too_few_visits", {"needed": 2, "found": 1})
    assert reason == Reason("too_few_visits", {"needed": 2, "found": 1})
    assert reason.params == {"needed": 2, "found": 1}
    with pytest.raises(TypeError):
        reason.params["needed"] = 3  # type: ignore[index]
    assert reason.with_params(visit=4).params == {"needed": 2, "found": 1, "visit": 4}


def test_it_gives_codes_not_sentences_for_an_invalid_record() -> None:
    record = {**RECORD, "q1": 5, "q7": None, "q5b": 2}
    assert alsfrs_r_reasons(record) == [
        Reason("item_invalid", {"item": "q1", "value": 5}),
        Reason("item_missing", {"item": "q7"}),
        Reason("item5_both"),
    ]
    assert alsfrs_r_problems(record) == [describe(r) for r in alsfrs_r_reasons(record)]
    assert alsfrs_r_reasons(RECORD) == []


def test_where_a_reason_was_found_prefixes_its_sentence() -> None:
    assert describe(Reason("slope_missing", {"measure": "FVC"})) == (
        "FVC: pre- or post-treatment slope missing"
    )
    assert describe(Reason("required", {"column": "visit_date", "visit": 2})) == (
        "visit 2: visit_date: required"
    )
    missing = Reason("missing_inputs", {"model": "ENCALS", "inputs": ("ftd", "c9orf72")})
    assert describe(missing) == "missing ENCALS input: ftd, c9orf72"


def test_every_code_has_one_sentence() -> None:
    """Codes are lower-case identifiers; sentences are fragments callers join (no full stop)."""
    for code, sentence in SENTENCES.items():
        assert code.isidentifier() and code == code.lower(), code
        assert sentence == sentence.strip() and not sentence.endswith("."), code


def test_there_is_one_alsfrs_r_total_and_it_never_answers_none() -> None:
    """A record, items by position or an array; anything else raises with every reason."""
    assert alsfrs_r_total(RECORD) == 45
    assert alsfrs_r_total({**RECORD, "q5a": None, "q5b": 4}) == 45
    assert alsfrs_r_total({p: 4 for p in range(1, 13)}) == 48
    assert alsfrs_r_total([[4] * 12, [0] * 12]).tolist() == [48, 0]
    with pytest.raises(InvalidAlsfrsError) as refused:
        alsfrs_r_total({**RECORD, "q3": 7, "q8": None})
    assert [r.code for r in refused.value.reasons] == ["item_invalid", "item_missing"]
    with pytest.raises(InvalidAlsfrsError) as refused:
        alsfrs_r_total({p: 4 for p in range(1, 12)})
    assert refused.value.reasons == [Reason("item_missing", {"item": "item 12"})]
    with pytest.raises(InvalidAlsfrsError) as refused:
        alsfrs_r_total(np.array([4] * 10))
    assert refused.value.reasons[0].code == "array_original_alsfrs"


def test_a_responder_call_says_how_it_was_made_with_codes() -> None:
    """Petrou 2016 on ALSFRS-R alone when the FVC run-in did not decline; NurOwn undefined."""
    call = petrou_responder(-1.0, -0.5, 1.0, 0.5)
    assert call.responder is True
    assert call.reasons == (Reason("no_run_in_decline", {"measure": "FVC", "pre_slope": 1.0}),)
    assert call.reason == describe(call.reasons[0])
    assert nurown_responder(None, -0.5).reasons == (Reason("slope_missing"),)
    assert (
        petrou_responder(-1.2, -0.8).reasons == () and petrou_responder(-1.2, -0.8).reason is None
    )
    assert oh_reason(0.0, 1.0) == Reason(
        "no_run_in_decline", {"measure": "ALSFRS-R", "pre_slope": 0.0}
    )
    assert oh_tier(0.0, 1.0) == (None, describe(oh_reason(0.0, 1.0)))
    assert oh_reason(-1.0, -0.5) is None


def test_a_refused_patient_comes_with_the_visits_that_could_be_scored() -> None:
    """One route for a page: the engine scores what it can even when it refuses the patient."""
    with pytest.raises(InvalidPatientError) as refused:
        patient_outcomes(
            {"onset_date": "2020-01-01", "death_date": "2020-06-01"},
            [
                {"visit_date": "2020-07-01", **RECORD},  # after death
                {"visit_date": "2020-03-01", **{**RECORD, "q3": 7}},  # item out of range
                {"visit_date": "2020-02-01", **RECORD},
            ],
        )
    error = refused.value
    assert [(r.code, r.params.get("visit")) for r in error.reasons] == [
        ("date_after", 1),
        ("item_invalid", 2),
    ]
    assert error.reasons[0].params["other"] == "death_date"
    assert error.reasons[0].params["other_date"] == dt.date(2020, 6, 1)
    assert error.problems[0] == "visit 1: visit_date 2020-07-01 is after death_date 2020-06-01"
    assert [(v.visit_date, v.total) for v in error.visits] == [
        (dt.date(2020, 2, 1), 45),
        (dt.date(2020, 7, 1), 45),
    ]
    assert error.visits[0].months_since_onset == pytest.approx(31 / 30.4375)

    with pytest.raises(InvalidPatientError) as refused:
        patient_outcomes({}, [{"visit_date": "2020-02-01", **RECORD}])
    assert refused.value.reasons == [Reason("required", {"column": "onset_date"})]
    assert [v.months_since_onset for v in refused.value.visits] == [None]


def test_an_undefined_figure_says_why_with_what_a_page_needs() -> None:
    out = patient_outcomes(
        {
            "onset_date": "2020-01-01",
            "diagnosis_date": "2020-01-01",  # no diagnostic delay: outside ENCALS' domain
            "birth_date": "1960-01-01",
            "fvc_percent": 80,
            "onset_site": "limb",
            "el_escorial": "definite",
            "ftd": 0,
            "c9orf72": 0,
            "treatment_date": "2020-03-10",
        },
        [{"visit_date": "2020-03-01", **RECORD}],
    )
    assert out.reasons["slope_ols"] == Reason("too_few_visits", {"needed": 2, "found": 1})
    assert out.reasons["encals_lp"] == Reason(
        "encals_outside_domain", {"inputs": ("diagnostic_delay",)}
    )
    post = out.reasons["post_slope"]
    assert post.code == "no_post_visit"
    # baseline 1 March 2020 + 182.625 ± 45 days: whole days 138 to 227 after it
    assert (post.params["earliest"], post.params["latest"]) == (
        dt.date(2020, 7, 17),
        dt.date(2020, 10, 14),
    )
    assert describe(post) == "no visit after treatment within 6 months ± 45 days"
    assert out.reasons["pre_slope"].code == "run_in_too_short"


@pytest.mark.parametrize(
    "module",
    sorted(
        name
        for _, name, _ in pkgutil.iter_modules(cellpath.outcomes.__path__, "cellpath.outcomes.")
    ),
)
def test_the_examples_in_the_docstrings_run(module: str) -> None:
    failed, _ = doctest.testmod(importlib.import_module(module), verbose=False)
    assert failed == 0
