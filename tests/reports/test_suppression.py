"""Small-number suppression: no count of 1–10 can be read or worked out from a public card."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cellpath.reports.analysis.suppression import (
    Derived,
    Group,
    shown_derived,
    suppress,
    visible,
)

# --- Concrete cards -------------------------------------------------------------------------------


def test_it_hides_a_small_cell_and_one_more():
    # 54 = 4 + 20 + 30: the 4, and the smallest other non-zero part, else 54 − 20 − 30 gives it.
    counts = {"total": 54, "a": 4, "b": 20, "c": 30}
    assert suppress(counts, [Group("total", ("a", "b", "c"))]) == {"a", "b"}


def test_it_shows_zero_and_never_picks_it_as_the_second_cell():
    counts = {"total": 30, "a": 0, "b": 4, "c": 26}
    assert suppress(counts, [Group("total", ("a", "b", "c"))]) == {"b", "c"}
    assert suppress({"total": 25, "a": 0, "b": 25}, [Group("total", ("a", "b"))]) == set()


def test_a_total_of_seven_hides_everything_built_on_it():
    counts = {"total": 7, "a": 0, "b": 7}
    hidden = suppress(counts, [Group("total", ("a", "b"))])
    assert hidden == {"total", "b"}
    percent_a = Derived("percent_a", ("a", "total"))
    mean_age = Derived("mean_age", ("total",))
    assert not visible(percent_a, hidden) and not visible(mean_age, hidden)
    assert shown_derived([percent_a, mean_age, Derived("zero", ("a",))], hidden) == {"zero"}


def test_it_hides_the_total_when_no_other_part_can_cover():
    # w = 5 hides p (30) in R = p + w; then T = p + q with q = 0 would give p: hide T.
    counts = {"R": 35, "p": 30, "w": 5, "T": 30, "q": 0}
    groups = [Group("R", ("p", "w")), Group("T", ("p", "q"))]
    assert suppress(counts, groups) == {"w", "p", "T"}


def test_a_two_by_two_table_with_one_small_cell_hides_all_four_cells():
    counts = {"x11": 4, "x12": 20, "x21": 30, "x22": 40}
    counts |= {"r1": 24, "r2": 70, "c1": 34, "c2": 60, "g": 94}
    groups = [
        Group("r1", ("x11", "x12")),
        Group("r2", ("x21", "x22")),
        Group("c1", ("x11", "x21")),
        Group("c2", ("x12", "x22")),
        Group("g", ("r1", "r2")),
    ]
    assert suppress(counts, groups) == {"x11", "x12", "x21", "x22"}


def test_it_sees_a_count_worked_out_by_combining_groups():
    # T = a + b + c and U = a + b: c = T − U although no group has a single hidden cell once
    # a (4) and b (its complement in U) are hidden; c (5) must not be derivable: T goes too.
    counts = {"T": 24, "U": 19, "a": 4, "b": 15, "c": 5}
    groups = [Group("T", ("a", "b", "c")), Group("U", ("a", "b"))]
    assert suppress(counts, groups) == {"a", "b", "c", "T"}


def test_it_refuses_a_card_that_does_not_add_up():
    with pytest.raises(ValueError, match="add up"):
        suppress({"t": 20, "a": 12, "b": 9}, [Group("t", ("a", "b"))])
    with pytest.raises(ValueError, match="no count"):
        suppress({"t": 20, "a": 20}, [Group("t", ("a", "b"))])


# --- Random cards against an independent attacker -------------------------------------------------


@dataclass(frozen=True)
class Card:
    counts: dict[str, int]
    groups: list[Group]
    percentages: list[tuple[str, str, str]]  # (key, numerator, denominator)
    means: list[Derived]


values = st.one_of(st.just(0), st.integers(1, 10), st.integers(11, 80))


@st.composite
def cards(draw: st.DrawFn) -> Card:
    """A cross table (rows × columns with margins and a grand total broken down both ways), its
    first cell broken down further (nesting), a separate group with, at times, a second group on
    some of its parts (overlap), percentages of each part in its total, and means."""
    counts: dict[str, int] = {}
    groups: list[Group] = []
    rows, cols = draw(st.integers(1, 3)), draw(st.integers(2, 3))
    cell = {}
    for i in range(rows):
        for j in range(cols):
            cell[i, j] = f"x{i}{j}"
            counts[cell[i, j]] = draw(values)
    if draw(st.booleans()):
        subs = [f"s{k}" for k in range(draw(st.integers(2, 3)))]
        for s in subs:
            counts[s] = draw(values)
        counts["x00"] = sum(counts[s] for s in subs)
        groups.append(Group("x00", tuple(subs)))
    for i in range(rows):
        parts = tuple(cell[i, j] for j in range(cols))
        counts[f"r{i}"] = sum(counts[p] for p in parts)
        groups.append(Group(f"r{i}", parts))
    for j in range(cols):
        parts = tuple(cell[i, j] for i in range(rows))
        counts[f"c{j}"] = sum(counts[p] for p in parts)
        groups.append(Group(f"c{j}", parts))
    counts["g"] = sum(counts[f"r{i}"] for i in range(rows))
    groups.append(Group("g", tuple(f"r{i}" for i in range(rows))))
    groups.append(Group("g", tuple(f"c{j}" for j in range(cols))))
    other = [f"o{k}" for k in range(draw(st.integers(1, 4)))]
    for o in other:
        counts[o] = draw(values)
    counts["ot"] = sum(counts[o] for o in other)
    groups.append(Group("ot", tuple(other)))
    if len(other) >= 3 and draw(st.booleans()):
        # An overlapping group: "of whom" the first few categories.
        few = tuple(other[: draw(st.integers(2, len(other) - 1))])
        counts["os"] = sum(counts[o] for o in few)
        groups.append(Group("os", few))
    percentages = [
        (f"pct_{part}_{group.total}", part, group.total) for group in groups for part in group.parts
    ]
    means = [
        Derived(f"mean_{key}", (key,)) for key in draw(st.sets(st.sampled_from(sorted(counts))))
    ]
    return Card(counts, groups, percentages, means)


def _attack(card: Card, hidden: frozenset[str], shown_figures: frozenset[str]) -> dict[str, int]:
    """Everything an attacker can work out from the shown counts, the group equations and the
    shown percentages; written apart from ``suppress`` (floating-point ranks, not fractions)."""
    known = {k: v for k, v in card.counts.items() if k not in hidden}
    while True:
        learned: dict[str, int] = {}
        # A shown percentage k/n gives k from n, and n from k when k > 0.
        for key, numerator, denominator in card.percentages:
            if key not in shown_figures or card.counts[denominator] == 0:
                continue  # a percentage of nothing is not shown
            share = card.counts[numerator] / card.counts[denominator]
            if denominator in known and numerator not in known:
                learned[numerator] = round(share * known[denominator])
            if numerator in known and denominator not in known and known[numerator] > 0:
                learned[denominator] = round(known[numerator] / share)
        # Linear system over the unknowns: x_j is determined iff e_j is in A's row space.
        unknown = sorted(set(card.counts) - set(known) - set(learned))
        column = {key: j for j, key in enumerate(unknown)}
        a_rows, b_rows = [], []
        for group in card.groups:
            row = np.zeros(len(unknown))
            rhs = 0.0
            for key, sign in [(group.total, -1.0)] + [(p, 1.0) for p in group.parts]:
                if key in column:
                    row[column[key]] += sign
                else:
                    rhs -= sign * {**known, **learned}[key]
            if row.any():
                a_rows.append(row)
                b_rows.append(rhs)
        if a_rows:
            a, b = np.array(a_rows), np.array(b_rows)
            rank = np.linalg.matrix_rank(a)
            solution = np.linalg.lstsq(a, b, rcond=None)[0]
            for key, j in column.items():
                unit = np.zeros(len(unknown))
                unit[j] = 1
                if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
                    learned[key] = round(solution[j])
        if not learned:
            return {k: v for k, v in known.items() if k in hidden}
        for key, value in learned.items():
            assert value == card.counts[key], "the attacker must only learn true values"
        known |= learned


@settings(max_examples=150)
@given(cards())
def test_nothing_small_can_be_read_or_worked_out(card):
    hidden = suppress(card.counts, card.groups)
    derived = [Derived(key, (n, d)) for key, n, d in card.percentages] + card.means
    shown_figures = shown_derived(derived, hidden)

    shown = {k: v for k, v in card.counts.items() if k not in hidden}
    assert not [k for k, v in shown.items() if 1 <= v <= 10]
    assert all(card.counts[k] > 0 for k in hidden), "zero is never hidden"
    by_key = {d.key: d for d in derived}
    assert not [k for k in shown_figures if set(by_key[k].depends_on) & hidden]

    revealed = _attack(card, hidden, shown_figures)
    assert not [k for k, v in revealed.items() if 1 <= v <= 10]
    assert revealed == {}, "no hidden count can be worked out at all"


@given(cards())
def test_the_attacker_does_find_what_primary_suppression_alone_leaves(card):
    # Guards the attacker: with only the 1–10 cells hidden, whenever a group has exactly one of
    # them, the attacker must recover it.
    primary = frozenset(k for k, v in card.counts.items() if 1 <= v <= 10)
    revealed = _attack(card, primary, frozenset())
    for group in card.groups:
        cells = [group.total, *group.parts]
        lone = [c for c in cells if c in primary]
        if len(lone) == 1:
            assert lone[0] in revealed
