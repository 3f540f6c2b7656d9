"""Small-number suppression for anything public (CMS cell-size suppression policy).

No count from 1 to 10 is shown, nor anything from which one can be worked out: a percentage,
interval or mean built on it, its complement, a total minus the other cells. Zero may be shown.

A card is a mapping of keys to counts plus the additive relations between them: ``Group(total,
parts)`` states count[total] = sum of count[part]. A part may be the total of another group and
groups may overlap (one total broken down two ways, the rows and columns of a table).

``suppress`` hides, first, every count in 1..threshold (primary suppression), then more counts
(complementary suppression) until no hidden count is determined by the groups' equations with the
shown counts substituted — a fixed point checked by exact Gaussian elimination over the
rationals: hidden x_j is determined iff the reduced row echelon form of the hidden columns has a
row equal to e_j. Figures derived from counts (``Derived``: percentages, intervals, means) are
shown only when every count they use is shown (``visible``).

Choice of the complementary cell, for a hidden count that can be worked out (rule 1 is tried for
every such count before rule 2 is used for any):
1. in the first group where it is the only hidden cell: if it is a part, the smallest other shown
   non-zero part, else the group's total; if it is the total, the smallest shown non-zero part;
2. otherwise (worked out only by combining groups): the smallest shown non-zero cell of the groups
   it belongs to, else of any group with a hidden cell, else of the whole card.
Ties go to the key first in sort order. Zeros are never hidden: they reveal nothing, and hiding
every non-zero count always ends the search (then every shown count is 0, the equations are
homogeneous and solved by all-zeros as well as by the true values, so no non-zero count is
determined).

Not covered: bounds an attacker gets from counts being >= 0 or from knowing that a hidden count
is in 1..10 (interval disclosure), and relations not declared as groups.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["THRESHOLD", "Derived", "Group", "shown_derived", "suppress", "visible"]

#: Largest count suppressed on its own (CMS: cells of 1 to 10 beneficiaries).
THRESHOLD = 10


@dataclass(frozen=True)
class Group:
    """count[total] = sum(count[p] for p in parts)."""

    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Derived:
    """A figure computed from counts (a percentage k/n, an interval, a mean of n values)."""

    key: str
    depends_on: tuple[str, ...]


def visible(derived: Derived, hidden: Set[str]) -> bool:
    """Whether a derived figure may be shown: every count it depends on is shown."""
    return not any(key in hidden for key in derived.depends_on)


def shown_derived(derived: Iterable[Derived], hidden: Set[str]) -> frozenset[str]:
    """The keys of the derived figures that may be shown."""
    return frozenset(d.key for d in derived if visible(d, hidden))


def _check(counts: Mapping[str, int], groups: Sequence[Group]) -> None:
    for key, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"count {key!r} must be a non-negative integer")
    for group in groups:
        keys = (group.total, *group.parts)
        if not group.parts or len(set(keys)) != len(keys):
            raise ValueError(f"{group}: parts must be non-empty, distinct, without the total")
        missing = [k for k in keys if k not in counts]
        if missing:
            raise ValueError(f"{group}: no count for {missing}")
        if counts[group.total] != sum(counts[p] for p in group.parts):
            raise ValueError(f"{group}: the parts do not add up to the total")


def _rows(groups: Sequence[Group]) -> list[dict[str, int]]:
    rows = []
    for group in groups:
        row = {part: 1 for part in group.parts}
        row[group.total] = -1
        rows.append(row)
    return rows


def _determined(rows: list[dict[str, int]], hidden: Sequence[str]) -> list[str]:
    """Hidden keys fixed by the equations (shown keys are constants): Gauss–Jordan on the hidden
    columns with exact fractions."""
    column = {key: j for j, key in enumerate(hidden)}
    matrix = [
        [Fraction(row.get(key, 0)) for key in hidden]
        for row in rows
        if any(key in column for key in row)
    ]
    pivot_row = 0
    pivots: list[int] = []
    for j in range(len(hidden)):
        found = next((i for i in range(pivot_row, len(matrix)) if matrix[i][j] != 0), None)
        if found is None:
            continue
        matrix[pivot_row], matrix[found] = matrix[found], matrix[pivot_row]
        lead = matrix[pivot_row][j]
        matrix[pivot_row] = [value / lead for value in matrix[pivot_row]]
        for i in range(len(matrix)):
            if i != pivot_row and matrix[i][j] != 0:
                factor = matrix[i][j]
                matrix[i] = [
                    a - factor * b for a, b in zip(matrix[i], matrix[pivot_row], strict=True)
                ]
        pivots.append(j)
        pivot_row += 1
    return [
        hidden[j]
        for i, j in enumerate(pivots)
        if all(value == 0 for k, value in enumerate(matrix[i]) if k != j)
    ]


def _smallest(keys: Iterable[str], counts: Mapping[str, int], hidden: Set[str]) -> str | None:
    candidates = sorted((counts[k], k) for k in set(keys) if k not in hidden and counts[k] > 0)
    return candidates[0][1] if candidates else None


def _group_rule(
    key: str, counts: Mapping[str, int], groups: Sequence[Group], hidden: Set[str]
) -> str | None:
    """The complement when ``key`` is the only hidden cell of a group (rule 1), else None."""
    for group in groups:
        cells = (group.total, *group.parts)
        if key not in cells or sum(cell in hidden for cell in cells) != 1:
            continue
        choice = _smallest((p for p in group.parts if p != key), counts, hidden)
        if choice is None and key != group.total:
            choice = group.total
        if choice is not None:
            return choice
    return None


def _fallback(
    key: str, counts: Mapping[str, int], groups: Sequence[Group], hidden: Set[str]
) -> str:
    """The complement when ``key`` is worked out only by combining groups (rule 2)."""
    for scope in (
        [g for g in groups if key in (g.total, *g.parts)],
        [g for g in groups if any(c in hidden for c in (g.total, *g.parts))],
    ):
        choice = _smallest((c for g in scope for c in (g.total, *g.parts)), counts, hidden)
        if choice is not None:
            return choice
    choice = _smallest(counts, counts, hidden)
    if choice is None:  # unreachable: with every non-zero count hidden nothing is determined
        raise RuntimeError(f"no cell left to hide for {key!r}")
    return choice


def suppress(
    counts: Mapping[str, int], groups: Sequence[Group] = (), *, threshold: int = THRESHOLD
) -> frozenset[str]:
    """The keys to hide: counts in 1..threshold, then complementary cells until no hidden count
    can be worked out from the shown counts through the groups' equations (module docstring).

    ``counts``: key to a count of people (non-negative integer); ``groups``: the additive
    relations between them, each checked to add up. Zero counts are always shown.
    """
    _check(counts, groups)
    hidden = {key for key, value in counts.items() if 1 <= value <= threshold}
    rows = _rows(groups)
    while True:
        determined = _determined(rows, sorted(hidden))
        if not determined:
            return frozenset(hidden)
        lone = (_group_rule(key, counts, groups, hidden) for key in determined)
        choice = next((c for c in lone if c is not None), None)
        if choice is None:
            choice = _fallback(determined[0], counts, groups, hidden)
        hidden.add(choice)
