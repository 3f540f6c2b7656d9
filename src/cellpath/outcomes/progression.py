"""Progression rate (ΔFS) and ALSFRS-R slopes.

Sources and conventions (als-measures.md §2)
--------------------------------------------
* Month = 365.25/12 = 30.4375 days (Precision-ALS; lubridate ``dmonths(1)``).
* ΔFS = (48 − ALSFRS-R total) / months(onset → assessment): Kimura F et al. Neurology
  2006;66:265-267 (at diagnosis); Labra J et al. JNNP 2016;87:628-632,
  doi:10.1136/jnnp-2015-310998 (at the first visit). ΔFS is positive (points lost per month).
  The Labra abstract words it as "total divided by symptom duration"; the 48 − total form
  follows the AANEM summary of that paper and every other source (spec §2.1).
* Slopes are signed: negative means decline; slope = −ΔFS.
* OLS slope: least-squares slope of total on time in months (e.g. yoonhohong/proact README);
  two-point slope: (y1 − y0)/(t1 − t0), as used for pre/post-treatment responder analyses.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cellpath.outcomes.vocabulary import DAYS_PER_MONTH

__all__ = [
    "ALSFRS_R_RANGE",
    "POST_TARGET_DAYS",
    "POST_WINDOW_DAYS",
    "PRE_MIN_MONTHS",
    "TreatmentSlopes",
    "carried_forward",
    "delta_fs",
    "months_between",
    "ols_slope",
    "segment_ols_slope",
    "treatment_slopes",
    "two_point_slope",
]

#: Post-treatment visit target: baseline + 6 months (spec, issue 3), window ± 45 days.
POST_TARGET_DAYS = 182.625
POST_WINDOW_DAYS = 45.0
#: Minimum first-visit → baseline span for a pre-treatment slope (spec, issue 3).
PRE_MIN_MONTHS = 1.0
_NAT = np.iinfo(np.int64).min
#: The ALSFRS-R total's range: 0 (every function lost) to 48 (none lost).
ALSFRS_R_RANGE = (0.0, 48.0)


DateLike = _dt.date | np.datetime64 | str


def _days(d: DateLike | npt.ArrayLike) -> np.ndarray:
    arr = np.asarray(d)
    if np.issubdtype(arr.dtype, np.datetime64):
        return arr.astype("datetime64[D]").astype(np.float64)
    if arr.dtype.kind in "OUS":
        return np.asarray(arr, dtype="datetime64[D]").astype(np.float64)
    return arr.astype(np.float64)


def months_between(start: DateLike | npt.ArrayLike, end: DateLike | npt.ArrayLike) -> np.ndarray:
    """Months from ``start`` to ``end`` (dates, ISO strings or datetime64), 1 month = 30.4375 d.

    >>> float(months_between("2022-01-15", "2022-11-15"))  # 304 days
    9.987679671457906
    """
    with np.errstate(invalid="ignore"):
        return (_days(end) - _days(start)) / DAYS_PER_MONTH


def delta_fs(total: npt.ArrayLike, months_since_onset: npt.ArrayLike) -> np.ndarray:
    """ΔFS = (48 − total) / months since onset, points/month (Kimura 2006; Labra 2016).

    NaN where the duration is not positive (the rate is undefined at or before onset).
    """
    total = np.asarray(total, dtype=np.float64)
    months = np.asarray(months_since_onset, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(months > 0, (48.0 - total) / months, np.nan)


def two_point_slope(
    t0: npt.ArrayLike, y0: npt.ArrayLike, t1: npt.ArrayLike, y1: npt.ArrayLike
) -> np.ndarray:
    """Two-point (endpoint) slope (y1 − y0)/(t1 − t0); NaN where t1 == t0.

    Used for pre/post-treatment slopes in responder analyses (Petrou 2016; Cudkowicz 2022).
    """
    t0, t1 = np.asarray(t0, dtype=np.float64), np.asarray(t1, dtype=np.float64)
    y0, y1 = np.asarray(y0, dtype=np.float64), np.asarray(y1, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(t1 != t0, (y1 - y0) / (t1 - t0), np.nan)


def ols_slope(
    t: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    window: tuple[float, float] | None = None,
) -> float:
    """Least-squares slope of ``y`` on ``t`` (points/month when t is in months).

    ``window=(start, end)`` keeps only points with start ≤ t ≤ end (e.g. the DREAM-ALS
    3-12 month window, Küffner 2015). NaN with fewer than 2 points or no spread in t.
    """
    tt = np.asarray(t, dtype=np.float64)
    yy = np.asarray(y, dtype=np.float64)
    if window is not None:
        keep = (tt >= window[0]) & (tt <= window[1])
        tt, yy = tt[keep], yy[keep]
    if tt.size < 2:
        return float("nan")
    if tt.max() == tt.min():
        return float("nan")
    dt = tt - tt.mean()
    sxx = float(dt @ dt)
    return float(dt @ (yy - yy.mean()) / sxx)


def segment_ols_slope(
    group: npt.ArrayLike,
    t: npt.ArrayLike,
    y: npt.ArrayLike,
    n_groups: int,
    *,
    where: npt.ArrayLike | None = None,
) -> np.ndarray:
    """OLS slope of ``y`` on ``t`` for every group at once (no Python loop per group).

    ``group`` holds the integer group (patient) of each row, 0 ≤ group < n_groups, in any order.
    Uses centred sums per group (two passes of ``np.bincount``) for numerical stability.
    ``where`` restricts the rows used (e.g. a time window). NaN for groups with fewer than 2
    rows or no spread in t.
    """
    g = np.asarray(group, dtype=np.intp)
    tt = np.asarray(t, dtype=np.float64)
    yy = np.asarray(y, dtype=np.float64)
    if where is not None:
        keep = np.asarray(where, dtype=bool)
        g, tt, yy = g[keep], tt[keep], yy[keep]
    n = np.bincount(g, minlength=n_groups).astype(np.float64)
    # Spread is tested on the raw values: centred sums of identical values need not be 0.0.
    t_min = np.full(n_groups, np.inf)
    t_max = np.full(n_groups, -np.inf)
    np.minimum.at(t_min, g, tt)
    np.maximum.at(t_max, g, tt)
    with np.errstate(divide="ignore", invalid="ignore"):
        mt = np.bincount(g, weights=tt, minlength=n_groups) / n
        my = np.bincount(g, weights=yy, minlength=n_groups) / n
        dt = tt - mt[g]
        sxx = np.bincount(g, weights=dt * dt, minlength=n_groups)
        sxy = np.bincount(g, weights=dt * (yy - my[g]), minlength=n_groups)
        return np.where((n >= 2) & (t_max > t_min), sxy / sxx, np.nan)


def carried_forward(
    baseline_value: npt.ArrayLike,
    pre_slope: npt.ArrayLike,
    months_after_baseline: npt.ArrayLike,
    *,
    bounds: tuple[float, float] = ALSFRS_R_RANGE,
) -> np.ndarray:
    """The value expected had the decline before treatment continued: the pre-treatment slope
    carried forward from the baseline, ``baseline + pre_slope × months``, held within ``bounds``.

    Linear extrapolation of the patient's own pre-treatment slope, the comparison of the
    open-label cell-therapy studies (Petrou 2016; the lead-in slope of Cudkowicz 2022) and of
    the Cellpath cohort report ("each patient's own pre-treatment decline carried forward",
    shared/design/reports-and-interop.md). It is not a control group: ALS does not always
    progress linearly, and scores regress to the mean. The baseline is the last assessment on or
    before treatment and the slope is ``treatment_slopes``' (points per month, negative for a
    decline). A score cannot leave its scale, so the line stops at the floor: by default the
    ALSFRS-R total's 0 to 48. NaN where the slope or the baseline is NaN.

    >>> carried_forward(30, -0.9, [0.0, 6.0, 40.0]).tolist()  # 30 − 5.4; 30 − 36 stops at 0
    [30.0, 24.6, 0.0]
    """
    base = np.asarray(baseline_value, dtype=np.float64)
    slope = np.asarray(pre_slope, dtype=np.float64)
    months = np.asarray(months_after_baseline, dtype=np.float64)
    return np.clip(base + slope * months, bounds[0], bounds[1])


@dataclass(frozen=True)
class TreatmentSlopes:
    """Per-group pre/post-treatment two-point slopes (``treatment_slopes``).

    Rows index into the sorted input (−1 = none); days are int64 day numbers (``_NAT`` = none);
    slopes are per month, NaN where undefined.
    """

    baseline_row: np.ndarray
    baseline_day: np.ndarray
    pre_slope: np.ndarray
    post_row: np.ndarray
    post_day: np.ndarray
    post_slope: np.ndarray


def treatment_slopes(
    group: npt.ArrayLike,
    day: npt.ArrayLike,
    value: npt.ArrayLike,
    treatment_day: npt.ArrayLike,
    n_groups: int,
) -> TreatmentSlopes:
    """Pre- and post-treatment two-point slopes for every group at once (spec, issue 3).

    Rows must be sorted by group then day (int64 day numbers); ``treatment_day`` holds one day
    per group (``_NAT`` = untreated). Baseline = the latest row on or before the treatment
    day; pre-slope = first row → baseline (undefined if < 1 month apart); post-slope =
    baseline → the row after treatment closest to baseline + 182.625 days within ± 45 days
    (ties go to the earlier row). The rule of Petrou 2016 and Cudkowicz 2022 as the Cellpath
    spec fixes it; used for the ALSFRS-R total (``cohort.compute``) and FVC alike.
    """
    g = np.asarray(group, dtype=np.intp)
    vday = np.asarray(day, dtype=np.int64)
    y = np.asarray(value, dtype=np.float64)
    treat = np.asarray(treatment_day, dtype=np.int64)
    counts = np.bincount(g, minlength=n_groups)
    ends = np.cumsum(counts)
    starts = ends - counts
    has = counts > 0
    first = np.where(has, starts, 0)

    def at(values: np.ndarray, index: np.ndarray, ok: np.ndarray, fill: object) -> np.ndarray:
        picked = values[index] if values.size else fill
        return np.where(ok, picked, fill)

    first_day = at(vday, first, has, _NAT)
    first_y = at(y, first, has, np.nan)
    treated = treat != _NAT
    v_treat = treat[g]
    on_or_before = (v_treat != _NAT) & (vday <= v_treat)
    n_before = np.bincount(g, weights=on_or_before, minlength=n_groups).astype(np.intp)
    has_base = treated & (n_before > 0)
    base = np.where(has_base, starts + n_before - 1, 0)
    base_day = at(vday, base, has_base, _NAT)
    base_y = at(y, base, has_base, np.nan)
    pre_months = np.where(has_base, (base_day - first_day) / DAYS_PER_MONTH, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        pre_slope = np.where(pre_months >= PRE_MIN_MONTHS, (base_y - first_y) / pre_months, np.nan)

    v_base_day = base_day[g].astype(np.float64)
    dist = np.abs(vday - (v_base_day + POST_TARGET_DAYS))
    candidate = has_base[g] & (vday > v_treat) & (dist <= POST_WINDOW_DAYS)
    post = np.full(n_groups, -1, dtype=np.intp)
    if candidate.any():
        cand_rows = np.flatnonzero(candidate)
        # Closest to target first; ties go to the earlier row (rows are date-sorted).
        sel = cand_rows[np.lexsort((cand_rows, dist[cand_rows], g[cand_rows]))]
        g_of = g[sel]
        lead = np.r_[True, g_of[1:] != g_of[:-1]]
        post[g_of[lead]] = sel[lead]
    has_post = post >= 0
    post_safe = np.where(has_post, post, 0)
    post_day = at(vday, post_safe, has_post, _NAT)
    post_y = at(y, post_safe, has_post, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        post_months = np.where(has_post, (post_day - base_day) / DAYS_PER_MONTH, np.nan)
        post_slope = np.where(has_post, (post_y - base_y) / post_months, np.nan)
    return TreatmentSlopes(
        baseline_row=np.where(has_base, base, -1),
        baseline_day=base_day,
        pre_slope=pre_slope,
        post_row=post,
        post_day=post_day,
        post_slope=post_slope,
    )
