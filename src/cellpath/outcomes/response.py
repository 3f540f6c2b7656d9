"""Responder analyses used in ALS cell-therapy trials (pre- vs post-treatment slopes).

Slopes are signed ALSFRS-R points/month (or FVC %pred/month), negative = decline
(als-measures.md §2.2). Where a definition is undefined (no slope, or no decline in the run-in
for percentage rules) the result carries no value and a reason instead: ``slope_missing`` or
``no_run_in_decline``, with the ``measure`` it concerns (``reasons.Reason``).

Sources
-------
* Petrou P et al. JAMA Neurol 2016;73:337-344. doi:10.1001/jamaneurol.2015.4321 — responder:
  ≥ 25 % improvement in the slope of ALSFRS-R *or* FVC over 6 months after treatment vs the
  pre-treatment period.
* Cudkowicz ME et al. Muscle Nerve 2022;65:291-302. doi:10.1002/mus.27472 (NurOwn phase 3) —
  responder: post − pre slope change ≥ 1.25 points/month. Berry JD et al. Neurology
  2019;93:e2294 (phase 2) used ≥ 1.5 points/month.
* Oh KW et al. Ann Neurol 2018;84:361-373. doi:10.1002/ana.25302 — tiers of slope improvement
  between lead-in and follow-up: ≥ 50 % ("good"), ≥ 75 %, ≥ 100 %; < 50 % poor.

Whether the trials used two-point or regression slopes is not stated in the abstracts read
(als-measures.md §5); these functions take whatever slopes they are given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cellpath.outcomes.reasons import Reason
from cellpath.outcomes.wording import describe

__all__ = [
    "NUROWN_PHASE2_THRESHOLD",
    "NUROWN_PHASE3_THRESHOLD",
    "OH_TIERS",
    "PETROU_THRESHOLD",
    "ResponderResult",
    "nurown_responder",
    "oh_reason",
    "oh_tier",
    "percent_improvement",
    "petrou_responder",
    "slope_change",
]

PETROU_THRESHOLD = 25.0  # % slope improvement, Petrou 2016
NUROWN_PHASE3_THRESHOLD = 1.25  # points/month, Cudkowicz 2022
NUROWN_PHASE2_THRESHOLD = 1.5  # points/month, Berry 2019
OH_TIERS: tuple[float, ...] = (100.0, 75.0, 50.0)  # %, Oh 2018


@dataclass(frozen=True)
class ResponderResult:
    """A responder call: ``responder`` is None when undefined, with ``reasons`` saying why.

    ``value`` is the quantity the rule thresholds (improvement %, or slope change).
    ``reasons`` may also qualify a defined call made on part of the data.
    """

    responder: bool | None
    value: float | None
    reasons: tuple[Reason, ...] = ()

    @property
    def reason(self) -> str | None:
        """The reasons in the engine's words, joined by "; " (None if there are none)."""
        return "; ".join(describe(r) for r in self.reasons) or None


def percent_improvement(slope_pre: npt.ArrayLike, slope_post: npt.ArrayLike) -> np.ndarray:
    """Slope improvement in %: (post − pre)/|pre| × 100, defined only when pre < 0.

    Petrou 2016 responder quantity (als-measures.md §5). NaN where pre ≥ 0 or missing.
    """
    pre = np.asarray(slope_pre, dtype=np.float64)
    post = np.asarray(slope_post, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(pre < 0, (post - pre) / np.abs(pre) * 100.0, np.nan)


def slope_change(slope_pre: npt.ArrayLike, slope_post: npt.ArrayLike) -> np.ndarray:
    """post − pre slope, points/month; positive = slower decline (Cudkowicz 2022)."""
    return np.asarray(slope_post, dtype=np.float64) - np.asarray(slope_pre, dtype=np.float64)


def _missing(*values: float | None) -> bool:
    return any(v is None or math.isnan(v) for v in values)


def _improvement(
    pre: float | None, post: float | None, measure: str
) -> tuple[float | None, Reason | None]:
    if _missing(pre, post):
        return None, Reason("slope_missing", {"measure": measure})
    assert pre is not None and post is not None
    if pre >= 0:
        return None, Reason("no_run_in_decline", {"measure": measure, "pre_slope": pre})
    return float(percent_improvement(pre, post)), None


def petrou_responder(
    alsfrs_pre: float | None,
    alsfrs_post: float | None,
    fvc_pre: float | None = None,
    fvc_post: float | None = None,
    *,
    threshold: float = PETROU_THRESHOLD,
) -> ResponderResult:
    """Petrou 2016: responder if ALSFRS-R *or* FVC slope improves by ≥ 25 %.

    ``value`` is the ALSFRS-R improvement %. FVC slopes are optional; when given but undefined,
    the call rests on ALSFRS-R alone and ``reasons`` say so. Undefined (None) when no measure
    has a defined improvement. Worked example W-PET: ALSFRS-R −1.2 → −0.8 (33.3 %), FVC −3.5 →
    −3.0 (14.3 %) → responder.
    """
    alsfrs, why_a = _improvement(alsfrs_pre, alsfrs_post, "ALSFRS-R")
    measures = [alsfrs]
    reasons = [why_a] if why_a else []
    if fvc_pre is not None or fvc_post is not None:
        fvc, why_f = _improvement(fvc_pre, fvc_post, "FVC")
        measures.append(fvc)
        if why_f:
            reasons.append(why_f)
    defined = [m for m in measures if m is not None]
    if not defined:
        return ResponderResult(None, None, tuple(reasons))
    return ResponderResult(any(m >= threshold for m in defined), alsfrs, tuple(reasons))


def nurown_responder(
    slope_pre: float | None,
    slope_post: float | None,
    *,
    threshold: float = NUROWN_PHASE3_THRESHOLD,
) -> ResponderResult:
    """NurOwn phase 3 (Cudkowicz 2022): responder if post − pre ≥ 1.25 points/month.

    ``threshold=NUROWN_PHASE2_THRESHOLD`` gives the phase 2 rule (Berry 2019, ≥ 1.5). Worked
    example W-NUR: pre −1.0146, post −0.1553 → change +0.8593, not a responder.
    """
    if _missing(slope_pre, slope_post):
        return ResponderResult(None, None, (Reason("slope_missing"),))
    assert slope_pre is not None and slope_post is not None
    change = float(slope_post - slope_pre)
    return ResponderResult(change >= threshold, change)


def oh_tier(slope_pre: float | None, slope_post: float | None) -> tuple[int | None, str | None]:
    """Oh 2018 tier: 100, 75 or 50 (highest % improvement threshold reached) or 0 (< 50 %, poor).

    Returns (tier, None), or (None, why) when the improvement is undefined, ``why`` being the
    reason in the engine's words (``oh_reason`` gives the reason itself).
    """
    value, why = _improvement(slope_pre, slope_post, "ALSFRS-R")
    if value is None:
        return None, describe(why) if why else None
    for tier in OH_TIERS:
        if value >= tier:
            return int(tier), None
    return 0, None


def oh_reason(slope_pre: float | None, slope_post: float | None) -> Reason | None:
    """Why the Oh 2018 tier of these slopes is undefined (``slope_missing`` or
    ``no_run_in_decline``), or None when ``oh_tier`` gives one."""
    return _improvement(slope_pre, slope_post, "ALSFRS-R")[1]
