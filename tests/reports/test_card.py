"""The public outcomes card: aggregates only, and no count from 1 to 10 shown or derivable."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cellpath.outcomes.synthetic import synthetic_cohort
from cellpath.reports.analysis.card import card_counts, public_card
from cellpath.reports.analysis.report import analyse
from tests.reports.test_suppression import Card, _attack

AS_OF = "2026-12-01"


def _report(n: int, seed: int, treated: float):
    patients, visits = synthetic_cohort(n, seed=seed, treated_fraction=treated)
    return analyse(patients, visits, as_of=AS_OF)


@settings(max_examples=40)
@given(
    n=st.integers(10, 400),
    seed=st.integers(0, 10_000),
    treated=st.floats(0.02, 0.9),
)
def test_no_published_card_lets_anyone_work_out_a_count_from_1_to_10(n, seed, treated):
    report = _report(n, seed, treated)
    card = public_card(report)
    counts, groups, derived, _ = card_counts(report)
    shown_counts = {k: v for k, v in card["counts"].items() if v is not None}
    assert not [k for k, v in shown_counts.items() if 1 <= v <= 10]
    hidden = frozenset(k for k, v in card["counts"].items() if v is None)
    shown_figures = frozenset(k for k, v in card["derived"].items() if v is not None)
    percentages = [
        (f"{d}_percent", f"{d}_responders", f"{d}_due")
        for d in ("nurown", "petrou")
        if f"{d}_percent" in card["derived"]
    ]
    attacker = Card(counts=counts, groups=groups, percentages=percentages, means=derived)
    worked_out = _attack(attacker, hidden, shown_figures)
    assert not {k: v for k, v in worked_out.items() if 1 <= v <= 10}
    # Every figure shown rests on counts that are shown.
    for d in derived:
        if card["derived"][d.key] is not None:
            assert all(card["counts"][k] is not None for k in d.depends_on), d
    # What the page prints is only what the card shows: no hidden count appears in the rows.
    printed = json.dumps(card["rows"])
    for key in hidden:
        if counts[key] > 10:
            continue
        assert f" {counts[key]} of " not in printed or shown_counts.get(key) is not None


def test_a_small_cohort_shows_nothing_but_that_it_is_small():
    report = _report(30, seed=3, treated=0.2)
    assert 1 <= report.n_courses <= 10
    card = public_card(report)
    assert card["counts"]["treated"] is None
    assert all(row["value"] is None for row in card["rows"])


def test_a_large_cohort_shows_its_figures_and_no_patient():
    report = _report(1500, seed=8, treated=0.3)
    card = public_card(report)
    rows = {row["key"]: row["value"] for row in card["rows"]}
    assert rows["treated"] == str(report.n_courses)
    assert rows["petrou_responders"].startswith(
        f"{report.responders[0].responders} of {report.responders[0].all_treated} ("
    )
    nurown = next(r for r in report.responders if r.definition == "nurown")
    if 1 <= nurown.responders <= 10:  # few responders: the row is suppressed, not printed
        assert rows["nurown_responders"] is None
    assert rows["events"].startswith(f"{report.survival.events} of {report.survival.n}")
    text = json.dumps(card)
    for course in report.table["course"][:50]:
        assert f'"{course}"' not in text
    assert "table" not in card and np.isfinite(card["derived"]["follow_up_months"])


def test_the_placebo_context_comes_from_the_report_never_typed_in():
    from dataclasses import replace

    from cellpath.reports.analysis.report import PlaceboContext

    report = _report(400, seed=9, treated=0.4)
    context = PlaceboContext(
        "nurown", "Responders: cells vs placebo", "33 % vs 28 %", "Trial X", "/e/x"
    )
    report.responders = [
        replace(r, placebo=context) if r.definition == "nurown" else r for r in report.responders
    ]
    card = public_card(report)
    assert card["placebo"] == {
        "study": "Trial X",
        "label": "Responders: cells vs placebo",
        "value": "33 % vs 28 %",
        "url": "/e/x",
        "unverified": False,
    }
