"""Matching a person with ALS to trials — the screening engine applied to trial criteria.

A trial's criteria are what the eligibility reader structured from its text (JSON, as stored)
plus the registry's own age limits and sex; each is decided by `cellpath.screening` and
explained in a trial's voice. Trials are ranked likely eligible first, then need more
information, then likely not eligible (TrialGPT's linear aggregation also sinks any trial with a
failed or excluding criterion: Jin et al., Nat Commun 2024;15:9074), fewer questions and fewer
failures first, then nearer, then most recently updated. Never a medical decision.

Pure Python: the finder, the saved-search alerts and the benchmark share it, and it ranks 2,000
trials in a few milliseconds (`screen` reads the compact rules stored with each trial:
`criteria.contract.rule_of`).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from cellpath.screening import TRIAL, Criterion, Profile, Screen, Screening, Verdict, evaluate
from cellpath.screening.profile import fmt

__all__ = ["RANK_ORDER", "describe", "match", "rank", "registry_criteria", "stated_age_limits"]

RANK_ORDER = (Verdict.LIKELY_ELIGIBLE, Verdict.NEED_MORE_INFORMATION, Verdict.LIKELY_NOT_ELIGIBLE)


def describe(criterion: Mapping[str, Any]) -> str:
    """A stored criterion as written, e.g. "ALSFRS-R total at least 25 points"."""
    return Criterion.from_mapping(criterion).describe(TRIAL)


def match(key: Any, criteria: Iterable[Mapping[str, Any]], profile: Profile) -> Screening:
    """One trial: every criterion evaluated with its reason, the verdict, the questions."""
    return evaluate(map(Criterion.from_mapping, criteria), profile, voice=TRIAL, key=key)


def _registry(field: str, op: str, value: Any, unit: str | None, quote: str) -> dict[str, Any]:
    quote = f"{quote} (registry record)"
    return {"section": "inclusion", "field": field, "op": op, "value": value, "unit": unit,
            "quote": quote}  # fmt: skip


def stated_age_limits(rules: Iterable[Sequence[Any]]) -> tuple[set[float], set[float]]:
    """The lowest and highest ages a trial's own criteria state, from rules (section, field,
    op, value, …): "Age ≥ 18" and "aged 18–80" give ({18}, {80}); an exclusion of "under 18"
    states 18 as a lowest age too."""
    lows: set[float] = set()
    highs: set[float] = set()
    for section, field, op, value, *_ in rules:
        if field != "age_years":
            continue
        with contextlib.suppress(TypeError, ValueError, IndexError):
            if (section, op) in (("inclusion", ">="), ("exclusion", "<")):
                lows.add(float(value))
            elif (section, op) in (("inclusion", "<="), ("exclusion", ">")):
                highs.add(float(value))
            elif (section, op) == ("inclusion", "between"):
                lows.add(float(value[0]))
                highs.add(float(value[1]))
    return lows, highs


def registry_criteria(
    *,
    minimum_age: float | None,
    maximum_age: float | None,
    sex: str,
    stated: Iterable[Sequence[Any]] = (),
) -> list[dict[str, Any]]:
    """The registry's own structured limits (eligibility module), as criteria. An age limit the
    trial's own criteria (`stated`, as rules) already state is left out, so that a trial shows
    one age line; a limit that differs is kept, quoted as the registry's (a minimum and a
    maximum both kept are one "between" line)."""
    lows, highs = stated_age_limits(stated)
    low = minimum_age if minimum_age is not None and float(minimum_age) not in lows else None
    high = maximum_age if maximum_age is not None and float(maximum_age) not in highs else None
    out: list[dict[str, Any]] = []
    if low is not None and high is not None and low <= high:  # one line: "between 18 and 80"
        text = f"Minimum age: {fmt(low)} years; maximum age: {fmt(high)} years"
        out.append(_registry("age_years", "between", [low, high], "years", text))
    else:
        if low is not None:
            text = f"Minimum age: {fmt(low)} years"
            out.append(_registry("age_years", ">=", low, "years", text))
        if high is not None:
            text = f"Maximum age: {fmt(high)} years"
            out.append(_registry("age_years", "<=", high, "years", text))
    if sex in ("FEMALE", "MALE"):
        out.append(_registry("sex", "==", sex.lower(), None, f"Sex: {sex.lower()} only"))
    return out


_ORDER = {verdict: n for n, verdict in enumerate(RANK_ORDER)}

Ranked = TypeVar("Ranked", Screening, Screen)


def rank(
    matches: Sequence[Ranked],
    *,
    distance: Mapping[Any, float] | None = None,
    recency: Mapping[Any, Any] | None = None,
) -> list[Ranked]:
    """Likely eligible first, then need more information (fewest questions first), then not
    eligible (fewest failed criteria first); ties by distance, then by the latest update."""
    distance = distance or {}
    recency = recency or {}

    def order(m: Screening | Screen) -> tuple[Any, ...]:
        updated = recency.get(m.key)
        return (
            _ORDER[m.verdict],
            m.failed_count if m.verdict == Verdict.LIKELY_NOT_ELIGIBLE else len(m.questions),
            distance.get(m.key, math.inf),
            -(updated.toordinal() if updated else 0),
        )

    return sorted(matches, key=order)
