"""The engine says why with codes and parameters; its sentences are written in one place."""

from __future__ import annotations

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
