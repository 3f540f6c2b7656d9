"""Matched external controls: treated courses set against untreated patients like them.

Design (``shared/design/reports-and-interop.md`` §5). A treated course has an index day t0 (first
dose). A control was never treated, so each of its ALSFRS-R visits is a candidate *pseudo-index*
(the day it "would have been treated"), after Wicks P et al., Nat Biotechnol 2011;29:411-414
(PatientsLikeMe lithium: controls matched on the pre-treatment ALSFRS-R curve by minimising the
area between curves) and Goutman SA et al., Muscle Nerve 2018 (intraspinal NSC against PRO-ACT).

Eligibility of a unit (treated course at t0, or control at a pseudo-index visit):

* at least ``min_lead_in_visits`` ALSFRS-R visits in the lead-in window [index − lead-in, index];
  for a treated course the latest of them (its *index visit*) is at most ``index_window_months``
  before t0; for a control the pseudo-index visit itself is the index visit;
* the lead-in spans at least ``min_overlap_months``; onset day, birth day and onset site known;
* a control has follow-up after the pseudo-index (its exit day is later).

Distance between a treated course and a control pseudo-index (modelling choices, not sourced):

* exact match on onset site, bulbar against spinal/other;
* calipers (hard limits): |Δ age at index| ≤ 5 years, |Δ months since onset at index| ≤
  max(6, fraction × the treated course's months since onset);
* trajectory distance D_traj: each pre-index curve is the ALSFRS-R total linearly interpolated
  between lead-in visits, as a function of months before index; D_traj is the mean absolute
  difference over the overlap of the two curves, evaluated on a grid of ``grid_step_months``
  (Wicks 2011's area between curves divided by the overlap's length, as a Riemann sum); the
  overlap must span ≥ 1 month. A treated curve starts at its index visit (t0 − a few days);
* D = D_traj + 0.25 |Δ index total| + 0.25 |Δ age|/age caliper + 0.25 |Δ months|/onset caliper
  (ALSFRS-R points; default weights; the last two terms only break near-ties towards closer
  ages and durations). ``max_distance`` optionally refuses pairs farther than that.

Matching is greedy nearest-neighbour without replacement of control *patients* (a control is
used once, at one pseudo-index), in rounds: every treated course receives its first control
before any receives its second, up to ``k``. Treated courses are taken in a seeded random order
or hardest-first (fewest candidates first). Deterministic for a given ``MatchSpec``.

Caveats, to be printed wherever a result is shown:

* matched controls from another registry are **not a randomised comparison**: patients who are
  treated in a programme differ from registry patients in ways not recorded (unmeasured
  confounding: selection for fitness, care, survival to treatment, measurement practice);
* regression to the mean: treated patients often start after a fast-looking decline; matching
  on the pre-index curve helps only if the controls' index visits are chosen the same way;
* control pseudo-indices are chosen with knowledge of follow-up (they need a later contact),
  and the balance table checks only what was measured; its pre-index slope spans each unit's
  own lead-in (often longer for controls than for treated courses), so it is noisier for
  the treated and may look less balanced after matching than before;
* PRO-ACT placebo arms (``Study_Arm = Placebo``) are the cleanest controls: trial patients,
  scheduled visits, adjudicated deaths. Controls must be untreated: pass only visits before any
  treatment a control patient received.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import stats

from cellpath.outcomes.survival import encals_endpoint
from cellpath.outcomes.vocabulary import DAYS_PER_MONTH, DAYS_PER_YEAR

__all__ = [
    "BALANCE_VARIABLES",
    "NO_MATCH_REASONS",
    "OUTCOME_TARGET_DAYS",
    "OUTCOME_WINDOW_DAYS",
    "BalanceRow",
    "ChangeComparison",
    "EndpointComparison",
    "EndpointGroup",
    "Histories",
    "LogRank",
    "MatchResult",
    "MatchSpec",
    "OutcomeComparison",
    "balance_table",
    "bulbar_onset",
    "change_at_6_months",
    "compare_outcomes",
    "composite_endpoint",
    "histories_from_tables",
    "index_covariates",
    "logrank",
    "match_controls",
    "matched_balance",
    "standardised_mean_difference",
]

#: ALSFRS-R change: the visit after index closest to index + 6 months (182.625 days), ± 45 days,
#: as the engine's post-slope window (``outcomes.cohort``).
OUTCOME_TARGET_DAYS = 182.625
OUTCOME_WINDOW_DAYS = 45.0

#: Why a treated course got no control, checked in this order.
NO_MATCH_REASONS: tuple[str, ...] = (
    "missing_covariate",  # no index day, onset day, birth day or onset site
    "no_lead_in",  # too few lead-in visits, or none within the index window before t0
    "lead_in_too_short",  # lead-in spans less than min_overlap_months
    "no_candidate_within_calipers",  # no control pseudo-index within site and calipers
    "no_trajectory_overlap",  # candidates, but no curve overlap of min_overlap_months
    "beyond_max_distance",  # candidates, all farther than max_distance
    "controls_used_up",  # every candidate control was taken by other treated courses
)

#: Balance table rows: (key, binary).
BALANCE_VARIABLES: tuple[tuple[str, bool], ...] = (
    ("age", False),
    ("months_since_onset", False),
    ("index_total", False),
    ("pre_slope", False),
    ("bulbar_onset", True),
    ("male", True),
)

_EPS = 1e-9


# ----------------------------------------------------------------------------- inputs


def _days(values: npt.ArrayLike | None, n: int, name: str) -> np.ndarray:
    """Day numbers (days since 1970) as float64, NaN = unknown; datetime64 accepted."""
    if values is None:
        return np.full(n, np.nan)
    arr = np.asarray(values)
    if arr.shape != (n,):
        raise ValueError(f"{name} has shape {arr.shape}, expected ({n},)")
    if np.issubdtype(arr.dtype, np.datetime64):
        d = arr.astype("datetime64[D]")
        out = d.view(np.int64).astype(np.float64)
        out[np.isnat(d)] = np.nan
        return out
    return arr.astype(np.float64)


def bulbar_onset(onset_site: npt.ArrayLike) -> np.ndarray:
    """1.0 for "bulbar", 0.0 for limb/respiratory/other (spinal or other), NaN for blank."""
    site = np.asarray(onset_site).astype("U")
    return np.where(site == "", np.nan, (site == "bulbar").astype(np.float64))


def composite_endpoint(
    death_day: npt.ArrayLike,
    tracheostomy_day: npt.ArrayLike | None = None,
    niv_full_time_day: npt.ArrayLike | None = None,
    *,
    last_contact_day: npt.ArrayLike,
) -> tuple[np.ndarray, np.ndarray]:
    """(exit day, event): the first of death, tracheostomy, NIV > 23 h/day (ENCALS' composite,
    Westeneng 2018), else censoring at last contact. Days as in ``Histories``."""
    last = _days(last_contact_day, np.asarray(last_contact_day).shape[0], "last_contact_day")
    n = last.shape[0]
    first, _ = encals_endpoint(
        _days(death_day, n, "death_day"),
        _days(tracheostomy_day, n, "tracheostomy_day"),
        _days(niv_full_time_day, n, "niv"),
    )
    event = ~np.isnan(first)
    return np.where(event, first, last), event


@dataclass(frozen=True, eq=False)
class Histories:
    """Patients (or treated courses) and their ALSFRS-R totals, as arrays.

    Days are float64 day numbers (days since 1970; NaN = unknown). Visits are sorted by
    (patient, day); ``visit_start[p]:visit_start[p + 1]`` are patient p's rows. ``exit_day`` and
    ``event`` are the composite endpoint or censoring at last contact (``composite_endpoint``).
    ``index_day`` is t0 (first dose) for treated courses, None for controls. Build with
    ``Histories.from_arrays`` or ``histories_from_tables``. A patient with two courses appears
    as two rows, each with its visits.
    """

    onset_day: np.ndarray
    birth_day: np.ndarray
    bulbar_onset: np.ndarray
    male: np.ndarray
    exit_day: np.ndarray
    event: np.ndarray
    visit_patient: np.ndarray
    visit_day: np.ndarray
    visit_total: np.ndarray
    visit_start: np.ndarray
    index_day: np.ndarray | None = None

    @property
    def n_patients(self) -> int:
        return int(self.onset_day.shape[0])

    @classmethod
    def from_arrays(
        cls,
        *,
        onset_day: npt.ArrayLike,
        birth_day: npt.ArrayLike,
        bulbar_onset: npt.ArrayLike,
        visit_patient: npt.ArrayLike,
        visit_day: npt.ArrayLike,
        visit_total: npt.ArrayLike,
        exit_day: npt.ArrayLike | None = None,
        event: npt.ArrayLike | None = None,
        male: npt.ArrayLike | None = None,
        index_day: npt.ArrayLike | None = None,
    ) -> Histories:
        """Check and sort the arrays. ``visit_patient`` holds row indices (0..n−1); totals are
        ALSFRS-R totals 0-48 (unscored visits left out by the caller); one visit per patient
        and day. ``exit_day`` defaults to the last visit (censored); ``event`` to False."""
        onset = _days(onset_day, np.asarray(onset_day).shape[0], "onset_day")
        n = onset.shape[0]
        pidx = np.asarray(visit_patient)
        if not np.issubdtype(pidx.dtype, np.integer):
            raise ValueError("visit_patient must hold integer row indices")
        pidx = pidx.astype(np.intp)
        m = pidx.shape[0]
        vday = _days(visit_day, m, "visit_day")
        total = np.asarray(visit_total, dtype=np.float64)
        if total.shape != (m,):
            raise ValueError("visit_total must have one value per visit")
        if m and (pidx.min() < 0 or pidx.max() >= n):
            raise ValueError("visit_patient outside 0..n_patients-1")
        if not (np.isfinite(vday).all() and np.isfinite(total).all()):
            raise ValueError("every visit needs a day and a total")
        if m and (total.min() < 0 or total.max() > 48):
            raise ValueError("ALSFRS-R totals lie in 0-48")
        order = np.lexsort((vday, pidx))
        pidx, vday, total = pidx[order], vday[order], total[order]
        if m > 1 and np.any((pidx[1:] == pidx[:-1]) & (vday[1:] == vday[:-1])):
            raise ValueError("two visits of one patient on the same day")
        start = np.zeros(n + 1, dtype=np.intp)
        np.cumsum(np.bincount(pidx, minlength=n), out=start[1:])
        has = start[1:] > start[:-1]
        last_visit = np.full(n, np.nan)
        last_visit[has] = vday[start[1:][has] - 1]
        exit_ = _days(exit_day, n, "exit_day")
        exit_ = np.where(np.isnan(exit_), last_visit, exit_)
        ev = np.zeros(n, dtype=bool) if event is None else np.asarray(event, dtype=bool)
        if ev.shape != (n,):
            raise ValueError("event must have one value per patient")
        idx = None if index_day is None else _days(index_day, n, "index_day")
        return cls(
            onset_day=onset,
            birth_day=_days(birth_day, n, "birth_day"),
            bulbar_onset=np.asarray(bulbar_onset, dtype=np.float64).reshape(n),
            male=np.full(n, np.nan) if male is None else np.asarray(male, np.float64).reshape(n),
            exit_day=exit_,
            event=ev,
            visit_patient=pidx,
            visit_day=vday,
            visit_total=total,
            visit_start=start,
            index_day=idx,
        )

    def take(self, rows: npt.ArrayLike) -> Histories:
        """The given patient rows (bool mask or indices), renumbered 0..len−1 in that order."""
        rows = np.asarray(rows)
        if rows.dtype == bool:
            rows = np.flatnonzero(rows)
        counts = self.visit_start[rows + 1] - self.visit_start[rows]
        offsets = np.repeat(np.cumsum(counts) - counts, counts)
        vis = np.repeat(self.visit_start[rows], counts) + np.arange(counts.sum()) - offsets
        return Histories.from_arrays(
            onset_day=self.onset_day[rows],
            birth_day=self.birth_day[rows],
            bulbar_onset=self.bulbar_onset[rows],
            visit_patient=np.repeat(np.arange(rows.size), counts),
            visit_day=self.visit_day[vis],
            visit_total=self.visit_total[vis],
            exit_day=self.exit_day[rows],
            event=self.event[rows],
            male=self.male[rows],
            index_day=None if self.index_day is None else self.index_day[rows],
        )


def histories_from_tables(
    patients: Mapping[str, npt.ArrayLike],
    totals: Mapping[str, npt.ArrayLike],
    *,
    index_column: str | None = None,
) -> Histories:
    """``Histories`` from the ``cellpath outcomes`` contract: ``patients`` (patient_id,
    onset_date, birth_date, onset_site, sex, death_date, tracheostomy_date, niv_full_time_date;
    optional ones may be absent) and per-visit totals (patient_id, visit_date, total — e.g.
    ``cohort.compute(...).visits``). Last contact = last visit. ``index_column`` (e.g.
    "treatment_date") gives t0 for treated courses."""
    pids = np.asarray(patients["patient_id"])
    n = pids.shape[0]
    order = np.argsort(pids, kind="stable")
    vid = np.asarray(totals["patient_id"])
    pos = np.minimum(np.searchsorted(pids[order], vid), max(n - 1, 0))
    if n == 0 or not np.all(pids[order][pos] == vid):
        raise ValueError("a visit refers to an unknown patient_id")
    pidx = order[pos]
    vday = _days(totals["visit_date"], vid.shape[0], "visit_date")
    last = np.full(n, np.nan)
    np.fmax.at(last, pidx, vday)

    def col(key: str) -> npt.ArrayLike | None:
        return patients.get(key)

    exit_day, event = composite_endpoint(
        _days(col("death_date"), n, "death_date"),
        _days(col("tracheostomy_date"), n, "tracheostomy_date"),
        _days(col("niv_full_time_date"), n, "niv_full_time_date"),
        last_contact_day=last,
    )
    site = col("onset_site")
    sex = col("sex")
    male = None
    if sex is not None:
        s = np.asarray(sex).astype("U")
        male = np.where(s == "M", 1.0, np.where(s == "F", 0.0, np.nan))
    return Histories.from_arrays(
        onset_day=_days(col("onset_date"), n, "onset_date"),
        birth_day=_days(col("birth_date"), n, "birth_date"),
        bulbar_onset=np.full(n, np.nan) if site is None else bulbar_onset(site),
        visit_patient=pidx,
        visit_day=vday,
        visit_total=np.asarray(totals["total"], dtype=np.float64),
        exit_day=exit_day,
        event=event,
        male=male,
        index_day=None if index_column is None else _days(col(index_column), n, index_column),
    )


# ----------------------------------------------------------------------------- specification


@dataclass(frozen=True)
class MatchSpec:
    """How controls are chosen (the module docstring defines each term)."""

    k: int = 3
    lead_in_months: float = 12.0
    min_lead_in_visits: int = 2
    index_window_months: float = 3.0
    min_overlap_months: float = 1.0
    grid_step_months: float = 0.5
    age_caliper_years: float = 5.0
    onset_caliper_months: float = 6.0
    onset_caliper_fraction: float = 0.0
    weight_index_total: float = 0.25
    weight_age: float = 0.25
    weight_onset: float = 0.25
    max_distance: float | None = None
    order: Literal["random", "hardest_first"] = "random"
    seed: int = 0
    cache_size: int = 16

    def onset_caliper(self, months_since_onset: np.ndarray | float) -> np.ndarray:
        """The months-since-onset caliper for a treated course at that duration."""
        return np.maximum(
            self.onset_caliper_months,
            self.onset_caliper_fraction * np.asarray(months_since_onset, dtype=np.float64),
        )

    @property
    def grid(self) -> np.ndarray:
        """Months before index at which curves are compared: 0, step, …, ≤ lead-in."""
        g = int(np.floor(self.lead_in_months / self.grid_step_months + _EPS)) + 1
        return np.arange(g) * self.grid_step_months


# ----------------------------------------------------------------------------- units at index


class _Keys:
    """(patient, day) packed in one float64 so one ``searchsorted`` finds any patient's visit.

    Query days are clipped just outside the data's range, so "before every visit" and "after
    every visit" stay within the patient's own block.
    """

    def __init__(self, h: Histories) -> None:
        if h.visit_day.size:
            self.lo = float(h.visit_day.min())
            self.span = float(h.visit_day.max()) - self.lo + 3.0
        else:
            self.lo, self.span = 0.0, 3.0
        self.keys = self.key(h.visit_patient, h.visit_day)

    def key(self, patient: np.ndarray, day: np.ndarray) -> np.ndarray:
        off = np.clip(np.asarray(day, dtype=np.float64) - self.lo + 1.0, 0.0, self.span - 1.0)
        return patient.astype(np.float64) * self.span + off


@dataclass(frozen=True)
class _Units:
    """Units at their index: lead-in and covariates (NaN where undefined)."""

    patient: np.ndarray
    index_day: np.ndarray
    first: np.ndarray  # first lead-in visit row (−1 = none)
    base: np.ndarray  # index visit row (−1 = none)
    n_lead: np.ndarray
    s_lo: np.ndarray  # months before index of the index visit
    s_hi: np.ndarray  # months before index of the first lead-in visit
    age: np.ndarray
    months_since_onset: np.ndarray
    index_total: np.ndarray
    pre_slope: np.ndarray
    bulbar_onset: np.ndarray
    male: np.ndarray
    covariates_known: np.ndarray


def _units(
    h: Histories, keys: _Keys, patient: np.ndarray, index_day: np.ndarray, spec: MatchSpec
) -> _Units:
    """Lead-in of each (patient, index day): visits in [index − lead-in, index]."""
    known = ~np.isnan(index_day)
    d = np.where(known, index_day, 0.0)
    lo = np.searchsorted(keys.keys, keys.key(patient, d - spec.lead_in_months * DAYS_PER_MONTH))
    hi = np.searchsorted(keys.keys, keys.key(patient, d), side="right")
    n_lead = np.where(known, hi - lo, 0)
    has = n_lead > 0
    first = np.where(has, lo, -1)
    base = np.where(has, hi - 1, -1)
    day, tot = h.visit_day, h.visit_total
    safe_f, safe_b = np.maximum(first, 0), np.maximum(base, 0)
    s_lo = np.where(has, (d - day[safe_b] if day.size else 0.0) / DAYS_PER_MONTH, np.nan)
    s_hi = np.where(has, (d - day[safe_f] if day.size else 0.0) / DAYS_PER_MONTH, np.nan)
    index_total = np.where(has, tot[safe_b] if tot.size else np.nan, np.nan)
    first_total = np.where(has, tot[safe_f] if tot.size else np.nan, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        span = s_hi - s_lo
        pre_slope = np.where(span > 0, (index_total - first_total) / span, np.nan)
    onset, birth = h.onset_day[patient], h.birth_day[patient]
    bulbar = h.bulbar_onset[patient]
    age = (index_day - birth) / DAYS_PER_YEAR
    months = (index_day - onset) / DAYS_PER_MONTH
    return _Units(
        patient=patient,
        index_day=index_day,
        first=first,
        base=base,
        n_lead=n_lead,
        s_lo=s_lo,
        s_hi=s_hi,
        age=age,
        months_since_onset=months,
        index_total=index_total,
        pre_slope=pre_slope,
        bulbar_onset=bulbar,
        male=h.male[patient],
        covariates_known=known & ~np.isnan(age) & ~np.isnan(months) & ~np.isnan(bulbar),
    )


def _curves(h: Histories, keys: _Keys, u: _Units, rows: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """(len(grid), len(rows)) float32: each unit's total interpolated at months-before-index,
    NaN outside [s_lo, s_hi]. One vectorised search per grid point; one row per grid point, so
    that a distance sums rows (fast) rather than short columns."""
    out = np.full((grid.size, rows.size), np.nan, dtype=np.float32)
    if rows.size == 0 or h.visit_day.size == 0:
        return out
    p, d = u.patient[rows], u.index_day[rows]
    s_lo, s_hi = u.s_lo[rows], u.s_hi[rows]
    day, tot, last = h.visit_day, h.visit_total, h.visit_day.size - 1
    for g, s in enumerate(grid.tolist()):
        inside = (s >= s_lo - _EPS) & (s <= s_hi + _EPS)
        if not inside.any():
            continue
        x = d[inside] - s * DAYS_PER_MONTH
        i = np.searchsorted(keys.keys, keys.key(p[inside], x), side="right") - 1
        j = np.minimum(i + 1, last)
        gap = day[j] - day[i]
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = np.where((x > day[i]) & (gap > 0), (x - day[i]) / gap, 0.0)
        out[g, inside] = tot[i] + (tot[j] - tot[i]) * frac
    return out


def index_covariates(
    h: Histories, patient: npt.ArrayLike, index_day: npt.ArrayLike, spec: MatchSpec = MatchSpec()
) -> dict[str, np.ndarray]:
    """Covariates at index for the balance table: age (years), months since onset, index
    ALSFRS-R total (latest lead-in visit), pre-index slope (points/month, first lead-in visit →
    index visit; NaN with < 2 lead-in visits), bulbar onset and male (1/0/NaN)."""
    p = np.asarray(patient, dtype=np.intp)
    u = _units(h, _Keys(h), p, _days(index_day, p.size, "index_day"), spec)
    return _covariates(u, np.arange(p.size))


def _covariates(u: _Units, rows: np.ndarray) -> dict[str, np.ndarray]:
    return {
        "age": u.age[rows],
        "months_since_onset": u.months_since_onset[rows],
        "index_total": u.index_total[rows],
        "pre_slope": np.where(u.n_lead[rows] >= 2, u.pre_slope[rows], np.nan),
        "bulbar_onset": u.bulbar_onset[rows],
        "male": u.male[rows],
    }


# ----------------------------------------------------------------------------- matching


@dataclass(frozen=True, eq=False)
class MatchResult:
    """Pairs (one row per matched control), sorted by treated course then round.

    ``control`` is a control patient row, ``control_index_day`` its pseudo-index (day number)
    and ``control_visit`` that visit's row in ``controls.visit_*``; ``round`` is 0 for a
    course's first control. ``n_matched[i]`` counts course i's controls; ``reason[i]`` is ""
    or a code of ``NO_MATCH_REASONS`` for a course with none. ``match_counts[j]`` is the
    number of courses with j controls, j = 0..k.
    """

    treated: np.ndarray
    control: np.ndarray
    control_index_day: np.ndarray
    control_visit: np.ndarray
    distance: np.ndarray
    round: np.ndarray
    n_matched: np.ndarray
    reason: np.ndarray
    spec: MatchSpec
    n_eligible_control_patients: int
    n_candidate_pseudo_indices: int

    @property
    def match_counts(self) -> tuple[int, ...]:
        return tuple(np.bincount(self.n_matched, minlength=self.spec.k + 1).tolist())


@dataclass
class _Pool:
    """Eligible control pseudo-indices, sorted by (bulbar onset, months since onset)."""

    patient: np.ndarray
    visit: np.ndarray
    day: np.ndarray
    age: np.ndarray
    months: np.ndarray
    total: np.ndarray
    s_hi: np.ndarray
    curve: np.ndarray  # (G, n) float32
    block: tuple[int, int, int]  # start of spinal/other, start of bulbar, end


def _control_units(controls: Histories, spec: MatchSpec) -> tuple[_Keys, _Units, np.ndarray]:
    """Every control visit as a pseudo-index, and whether it is eligible."""
    keys = _Keys(controls)
    p, d = controls.visit_patient, controls.visit_day
    u = _units(controls, keys, p, d, spec)
    ok = (
        u.covariates_known
        & (u.n_lead >= spec.min_lead_in_visits)
        & (u.s_hi >= spec.min_overlap_months - _EPS)
        & (controls.exit_day[p] > d)
    )
    return keys, u, ok


def _control_pool(controls: Histories, spec: MatchSpec) -> _Pool:
    keys, u, ok = _control_units(controls, spec)
    p, d = controls.visit_patient, controls.visit_day
    rows = np.flatnonzero(ok)
    perm = np.lexsort((u.months_since_onset[rows], u.bulbar_onset[rows]))
    order = rows[perm]
    # Built in (patient, day) order, where the searches are fastest, then put in pool order.
    curve = _curves(controls, keys, u, rows, spec.grid)[:, perm]
    bul = u.bulbar_onset[order]
    split = int(np.searchsorted(bul, 0.5))
    pool = _Pool(
        patient=p[order],
        visit=order,
        day=d[order],
        age=u.age[order],
        months=u.months_since_onset[order],
        total=u.index_total[order],
        s_hi=u.s_hi[order],
        curve=curve,
        block=(0, split, order.size),
    )
    return pool


def _nearest_patients(patient: np.ndarray, dist: np.ndarray, want: int) -> np.ndarray:
    """Positions of the ``want`` nearest distinct patients, nearest first (ties: position);
    each patient at its nearest pseudo-index."""
    head = min(dist.size, 8 * want)
    if head < dist.size:
        part = np.argpartition(dist, head - 1)[:head]
        part = part[np.lexsort((part, dist[part]))]
        chosen: list[int] = []
        seen: set[int] = set()
        for j, pt in enumerate(patient[part].tolist()):
            if pt not in seen:
                seen.add(pt)
                chosen.append(int(part[j]))
                if len(chosen) == want:
                    return np.asarray(chosen, dtype=np.intp)
    part = np.lexsort((np.arange(dist.size), dist))  # many visits of few patients: sort all
    _, first = np.unique(patient[part], return_index=True)
    return part[np.sort(first)][:want]


def _candidates(
    pool: _Pool,
    tu: _Units,
    tcurve: np.ndarray,
    i: int,
    spec: MatchSpec,
    used: np.ndarray | None,
) -> tuple[str, np.ndarray, np.ndarray, int, bool]:
    """(reason or "", pool rows of the nearest distinct control patients, their distances,
    number of candidate pseudo-indices, whether the list holds every candidate patient).

    Exact, but the trajectory term is computed only where it can matter: the covariate terms
    are a lower bound of D, so once some candidates give a provisional ``cache_size``-th
    distance, candidates whose bound exceeds it are skipped."""
    empty = np.zeros(0, dtype=np.intp)
    a0, m0, t0 = float(tu.age[i]), float(tu.months_since_onset[i]), float(tu.index_total[i])
    cal_m = float(spec.onset_caliper(m0))
    b0, b1, b2 = pool.block
    lo, hi = (b1, b2) if tu.bulbar_onset[i] == 1.0 else (b0, b1)
    m = pool.months[lo:hi]
    a = lo + int(np.searchsorted(m, m0 - cal_m - _EPS))
    b = lo + int(np.searchsorted(m, m0 + cal_m + _EPS, side="right"))
    ok = np.abs(pool.age[a:b] - a0) <= spec.age_caliper_years + _EPS
    if used is not None:
        ok &= ~used[pool.patient[a:b]]
    idx = a + np.flatnonzero(ok)
    if idx.size == 0:
        return "no_candidate_within_calipers", empty, np.zeros(0), 0, True
    s_lo, s_hi = float(tu.s_lo[i]), float(tu.s_hi[i])
    idx = idx[np.minimum(pool.s_hi[idx], s_hi) - s_lo >= spec.min_overlap_months - _EPS]
    step = spec.grid_step_months
    g0 = int(np.ceil(s_lo / step - _EPS))
    g1 = int(np.floor(s_hi / step + _EPS)) + 1
    if idx.size == 0 or g1 <= g0:
        return "no_trajectory_overlap", empty, np.zeros(0), 0, True
    n_cand = int(idx.size)
    bound = (
        spec.weight_index_total * np.abs(pool.total[idx] - t0)
        + spec.weight_age * np.abs(pool.age[idx] - a0) / spec.age_caliper_years
        + spec.weight_onset * np.abs(pool.months[idx] - m0) / cal_m
    )

    def distance(rows: np.ndarray) -> np.ndarray:
        diff = pool.curve[g0:g1, idx[rows]]
        diff -= tcurve[g0:g1, i, None]
        np.abs(diff, out=diff)
        count = (~np.isnan(diff)).sum(axis=0)
        np.fmax(diff, 0.0, out=diff)  # NaN (control curve undefined there) → 0
        with np.errstate(invalid="ignore", divide="ignore"):
            traj = diff.sum(axis=0, dtype=np.float64) / count
        return np.where(count > 0, traj + bound[rows], np.inf)

    want = spec.cache_size
    limit = np.inf if spec.max_distance is None else spec.max_distance
    rows = np.arange(idx.size)
    if idx.size > 4 * want:
        trial = np.argpartition(bound, 4 * want - 1)[: 4 * want]
        d_trial = distance(trial)
        best = _nearest_patients(pool.patient[idx[trial]], d_trial, want)
        if best.size == want:
            limit = min(limit, float(d_trial[best[-1]]))
        rows = np.flatnonzero(bound <= limit)
    dist = distance(rows)
    near = dist <= limit
    rows, dist = rows[near], dist[near]
    if rows.size == 0:
        if np.isfinite(limit) and spec.max_distance is not None:
            return "beyond_max_distance", empty, np.zeros(0), n_cand, True
        return "no_trajectory_overlap", empty, np.zeros(0), 0, True
    sel = _nearest_patients(pool.patient[idx[rows]], dist, want)
    complete = rows.size == n_cand and sel.size < want
    return "", idx[rows[sel]], dist[sel], n_cand, complete


def match_controls(
    treated: Histories, controls: Histories, spec: MatchSpec = MatchSpec()
) -> MatchResult:
    """Match each treated course (``treated.index_day`` = t0) to up to ``spec.k`` control
    patients at pseudo-indices, greedily without replacement (module docstring).

    Vectorised over control pseudo-indices; loops over treated courses only.
    """
    if treated.index_day is None:
        raise ValueError("treated histories need index_day (the first dose)")
    n_t = treated.n_patients
    tkeys = _Keys(treated)
    tu = _units(treated, tkeys, np.arange(n_t, dtype=np.intp), treated.index_day, spec)
    tcurve = _curves(treated, tkeys, tu, np.arange(n_t), spec.grid)
    pool = _control_pool(controls, spec)

    reason = np.full(n_t, "", dtype=object)
    reason[~tu.covariates_known] = "missing_covariate"
    no_lead = (tu.n_lead < spec.min_lead_in_visits) | ~(tu.s_lo <= spec.index_window_months + _EPS)
    reason[(reason == "") & no_lead] = "no_lead_in"
    short = ~(tu.s_hi - tu.s_lo >= spec.min_overlap_months - _EPS)
    reason[(reason == "") & short] = "lead_in_too_short"

    cache: dict[int, tuple[np.ndarray, np.ndarray, bool]] = {}
    hardness = np.zeros(n_t, dtype=np.int64)
    for i in np.flatnonzero(reason == "").tolist():
        why, rows, dist, n_cand, complete = _candidates(pool, tu, tcurve, i, spec, None)
        reason[i] = why
        hardness[i] = n_cand
        if not why:
            cache[i] = (rows, dist, complete)

    rng = np.random.default_rng(spec.seed)
    order = rng.permutation(n_t)
    if spec.order == "hardest_first":
        order = order[np.argsort(hardness[order], kind="stable")]
    elif spec.order != "random":
        raise ValueError(f"unknown order {spec.order!r}")

    used = np.zeros(controls.n_patients, dtype=bool)
    n_matched = np.zeros(n_t, dtype=np.intp)
    pointer = dict.fromkeys(cache, 0)
    out: list[tuple[int, int, float, int]] = []  # treated, pool row, distance, round
    for rnd in range(spec.k):
        for i in order.tolist():
            if i not in cache or n_matched[i] != rnd:
                continue
            found = -1
            while found < 0:
                rows, dist, complete = cache[i]
                j = pointer[i]
                while j < rows.size and used[pool.patient[rows[j]]]:
                    j += 1
                if j < rows.size:
                    found, pointer[i] = j, j + 1
                    break
                if complete:
                    break
                _, rows, dist, _, complete = _candidates(pool, tu, tcurve, i, spec, used)
                cache[i], pointer[i] = (rows, dist, complete or rows.size == 0), 0
            if found < 0:
                continue
            row = int(cache[i][0][found])
            used[pool.patient[row]] = True
            n_matched[i] += 1
            out.append((i, row, float(cache[i][1][found]), rnd))
    reason[(reason == "") & (n_matched == 0)] = "controls_used_up"

    out.sort(key=lambda t: (t[0], t[3]))
    t_idx = np.array([o[0] for o in out], dtype=np.intp)
    p_row = np.array([o[1] for o in out], dtype=np.intp)
    return MatchResult(
        treated=t_idx,
        control=pool.patient[p_row],
        control_index_day=pool.day[p_row],
        control_visit=pool.visit[p_row],
        distance=np.array([o[2] for o in out], dtype=np.float64),
        round=np.array([o[3] for o in out], dtype=np.intp),
        n_matched=n_matched,
        reason=reason.astype("U"),
        spec=spec,
        n_eligible_control_patients=int(np.unique(pool.patient).size),
        n_candidate_pseudo_indices=int(pool.patient.size),
    )


# ----------------------------------------------------------------------------- balance


def standardised_mean_difference(
    treated: npt.ArrayLike, controls: npt.ArrayLike, *, binary: bool = False
) -> float:
    """Austin PC, Stat Med 2009;28:3083-3107: (mean_t − mean_c)/√((s_t² + s_c²)/2), with
    s² = p(1 − p) for a binary variable; NaN values are left out. |SMD| < 0.1: good balance."""
    t = np.asarray(treated, dtype=np.float64)
    c = np.asarray(controls, dtype=np.float64)
    t, c = t[~np.isnan(t)], c[~np.isnan(c)]
    if t.size == 0 or c.size == 0:
        return float("nan")
    mt, mc = t.mean(), c.mean()
    if binary:
        vt, vc = mt * (1 - mt), mc * (1 - mc)
    else:
        if t.size < 2 or c.size < 2:
            return float("nan")
        vt, vc = t.var(ddof=1), c.var(ddof=1)
    pooled = np.sqrt((vt + vc) / 2)
    if pooled == 0:
        return 0.0 if mt == mc else float("inf") * np.sign(mt - mc)
    return float((mt - mc) / pooled)


@dataclass(frozen=True)
class BalanceRow:
    """One covariate: n, mean and SD per group before and after matching, and the SMDs.

    A binary variable's mean is a proportion (shown as %), its SD √(p(1 − p)).
    """

    variable: str
    binary: bool
    treated_n: int
    treated_mean: float
    treated_sd: float
    before_n: int
    before_mean: float
    before_sd: float
    smd_before: float
    matched_treated_n: int
    matched_treated_mean: float
    matched_treated_sd: float
    after_n: int
    after_mean: float
    after_sd: float
    smd_after: float


def _describe(x: np.ndarray, binary: bool) -> tuple[int, float, float]:
    x = x[~np.isnan(x)]
    if x.size == 0:
        return 0, float("nan"), float("nan")
    mean = float(x.mean())
    if binary:
        return int(x.size), mean, float(np.sqrt(mean * (1 - mean)))
    return int(x.size), mean, float(x.std(ddof=1)) if x.size > 1 else float("nan")


def balance_table(
    treated: Mapping[str, npt.ArrayLike],
    controls_before: Mapping[str, npt.ArrayLike],
    matched_treated: Mapping[str, npt.ArrayLike],
    controls_after: Mapping[str, npt.ArrayLike],
    variables: tuple[tuple[str, bool], ...] = BALANCE_VARIABLES,
) -> tuple[BalanceRow, ...]:
    """Balance before matching (all treated vs all eligible controls) and after (matched treated
    vs matched controls), one row per (name, binary) in ``variables`` present in every mapping
    (a variable all NaN for the treated, e.g. sex not given, is left out). Controls are
    unweighted: with fewer than k controls for some courses this approximates the matched
    sample's balance (Stuart 2010 weights each set)."""
    rows: list[BalanceRow] = []
    groups = (treated, controls_before, matched_treated, controls_after)
    for name, binary in variables:
        if not all(name in g for g in groups):
            continue
        t, b, mt, a = (np.asarray(g[name], dtype=np.float64) for g in groups)
        if np.isnan(t).all():
            continue
        rows.append(
            BalanceRow(
                name,
                binary,
                *_describe(t, binary),
                *_describe(b, binary),
                standardised_mean_difference(t, b, binary=binary),
                *_describe(mt, binary),
                *_describe(a, binary),
                standardised_mean_difference(mt, a, binary=binary),
            )
        )
    return tuple(rows)


def matched_balance(
    result: MatchResult, treated: Histories, controls: Histories
) -> tuple[BalanceRow, ...]:
    """``balance_table`` for a match: treated courses that entered matching (covariates and
    lead-in known) against each eligible control patient at its first eligible pseudo-index;
    then matched courses against their controls at their pseudo-indices."""
    spec = result.spec
    assert treated.index_day is not None
    n_t = treated.n_patients
    tu = _units(treated, _Keys(treated), np.arange(n_t, dtype=np.intp), treated.index_day, spec)
    entered = ~np.isin(result.reason, NO_MATCH_REASONS[:3])
    _, cu, ok = _control_units(controls, spec)
    rows = np.flatnonzero(ok)  # sorted by (patient, day): the first row of each patient
    _, first = np.unique(controls.visit_patient[rows], return_index=True)
    return balance_table(
        _covariates(tu, np.flatnonzero(entered)),
        _covariates(cu, rows[first]),
        _covariates(tu, np.flatnonzero(result.n_matched > 0)),
        _covariates(cu, result.control_visit),
    )


# ----------------------------------------------------------------------------- outcomes


def change_at_6_months(
    h: Histories, patient: npt.ArrayLike, index_day: npt.ArrayLike, index_total: npt.ArrayLike
) -> np.ndarray:
    """ALSFRS-R change from the index total to the visit after index closest to index +
    182.625 days within ± 45 days (NaN if none; the target falls on a quarter day, so whole-day
    visits cannot tie)."""
    p = np.asarray(patient, dtype=np.intp)
    d = _days(index_day, p.size, "index_day")
    base = np.asarray(index_total, dtype=np.float64)
    out = np.full(p.size, np.nan)
    if p.size == 0 or h.visit_day.size == 0:
        return out
    keys = _Keys(h)
    target = d + OUTCOME_TARGET_DAYS
    pos = np.searchsorted(keys.keys, keys.key(p, np.nan_to_num(target)))
    best = np.full(p.size, np.inf)
    for cand in (pos - 1, pos):
        c = np.clip(cand, 0, h.visit_day.size - 1)
        gap = np.abs(h.visit_day[c] - target)
        good = (
            (cand >= 0)
            & (cand < h.visit_day.size)
            & (h.visit_patient[c] == p)
            & (h.visit_day[c] > d)
            & (gap <= OUTCOME_WINDOW_DAYS)
            & (gap < best)
        )
        best = np.where(good, gap, best)
        out = np.where(good, h.visit_total[c] - base, out)
    return out


@dataclass(frozen=True)
class ChangeComparison:
    """ALSFRS-R change at 6 months: per group n, mean, SD; treated − controls with a Welch 95 %
    CI and p (individuals, pairing ignored); and the paired version: per matched set, the
    course's change minus its controls' mean change, one-sample t (sets with both defined)."""

    treated_n: int
    treated_mean: float
    treated_sd: float
    controls_n: int
    controls_mean: float
    controls_sd: float
    difference: float
    ci_low: float
    ci_high: float
    p: float
    paired_n: int
    paired_difference: float
    paired_ci_low: float
    paired_ci_high: float
    paired_p: float


@dataclass(frozen=True)
class LogRank:
    """Two-sample log-rank (Mantel 1966): z > 0 when the first group has more events than
    expected; chi2 = z² (1 df)."""

    z: float
    chi2: float
    p: float


def logrank(
    time_a: npt.ArrayLike, event_a: npt.ArrayLike, time_b: npt.ArrayLike, event_b: npt.ArrayLike
) -> LogRank:
    """Two-sample log-rank test via ``scipy.stats.logrank``. NaN when no event happens while
    both groups are at risk (no information; lifelines then reports chi2 = 0, p = 1)."""
    ta, tb = np.asarray(time_a, np.float64), np.asarray(time_b, np.float64)
    ea, eb = np.asarray(event_a, bool), np.asarray(event_b, bool)
    if ta.size == 0 or tb.size == 0 or not (ea.any() or eb.any()):
        return LogRank(float("nan"), float("nan"), float("nan"))
    with np.errstate(invalid="ignore", divide="ignore"):
        res = stats.logrank(
            stats.CensoredData(uncensored=ta[ea], right=ta[~ea]),
            stats.CensoredData(uncensored=tb[eb], right=tb[~eb]),
        )
    z = float(res.statistic)
    return LogRank(z, z * z, float(res.pvalue))


@dataclass(frozen=True, eq=False)
class EndpointGroup:
    """Composite endpoint from index for one group: ``time`` (months) and ``event`` per unit
    (for Kaplan-Meier curves drawn with ``reports.analysis.stats``), events, person-years, and
    Kaplan-Meier survival at 6 and 12 months (NaN beyond the last follow-up)."""

    time: np.ndarray
    event: np.ndarray
    n: int
    events: int
    person_years: float
    km_6_months: float
    km_12_months: float


def _endpoint_group(time: np.ndarray, event: np.ndarray) -> EndpointGroup:
    km = [float("nan"), float("nan")]
    if time.size:
        sf = stats.ecdf(stats.CensoredData(uncensored=time[event], right=time[~event])).sf
        km = [float(sf.evaluate(h)) if h <= time.max() else float("nan") for h in (6.0, 12.0)]
    return EndpointGroup(
        time=time,
        event=event,
        n=int(time.size),
        events=int(event.sum()),
        person_years=float(time.sum() / 12.0),
        km_6_months=km[0],
        km_12_months=km[1],
    )


@dataclass(frozen=True, eq=False)
class EndpointComparison:
    """The composite endpoint (death, tracheostomy, NIV > 23 h/day) from index, by group."""

    treated: EndpointGroup
    controls: EndpointGroup
    logrank: LogRank


@dataclass(frozen=True, eq=False)
class OutcomeComparison:
    """Matched courses against their controls. Not a randomised comparison (module caveats)."""

    alsfrs_change: ChangeComparison
    composite: EndpointComparison


def _t_interval(x: np.ndarray) -> tuple[float, float, float, float]:
    if x.size < 2:
        return (float(x.mean()) if x.size else float("nan")), float("nan"), float("nan"), np.nan
    res = stats.ttest_1samp(x, 0.0)
    ci = res.confidence_interval(0.95)
    return float(x.mean()), float(ci.low), float(ci.high), float(res.pvalue)


def compare_outcomes(
    result: MatchResult, treated: Histories, controls: Histories
) -> OutcomeComparison:
    """ALSFRS-R change at 6 months and the composite endpoint, matched courses (≥ 1 control)
    against their matched controls, each from its own index (t0 or pseudo-index)."""
    assert treated.index_day is not None
    spec = result.spec
    mt = np.flatnonzero(result.n_matched > 0)
    tu = _units(treated, _Keys(treated), mt.astype(np.intp), treated.index_day[mt], spec)
    t_change = change_at_6_months(treated, mt, treated.index_day[mt], tu.index_total)
    c_change = change_at_6_months(
        controls,
        result.control,
        result.control_index_day,
        controls.visit_total[result.control_visit],
    )
    t_ok, c_ok = t_change[~np.isnan(t_change)], c_change[~np.isnan(c_change)]
    if t_ok.size >= 2 and c_ok.size >= 2:
        w = stats.ttest_ind(t_ok, c_ok, equal_var=False)
        ci = w.confidence_interval(0.95)
        diff, lo, hi, p = float(t_ok.mean() - c_ok.mean()), ci.low, ci.high, w.pvalue
    else:
        diff = lo = hi = p = float("nan")
    # Paired: each set's course change minus the mean of its controls' changes.
    pos = np.searchsorted(mt, result.treated)
    sums = np.bincount(pos, weights=np.nan_to_num(c_change), minlength=mt.size)
    cnt = np.bincount(pos, weights=~np.isnan(c_change), minlength=mt.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        set_diff = t_change - sums / cnt
    set_diff = set_diff[~np.isnan(set_diff)]
    pd_mean, pd_lo, pd_hi, pd_p = _t_interval(set_diff)
    change = ChangeComparison(
        *_describe(t_change, False),
        *_describe(c_change, False),
        diff,
        float(lo),
        float(hi),
        float(p),
        int(set_diff.size),
        pd_mean,
        pd_lo,
        pd_hi,
        float(pd_p),
    )

    t_time = (treated.exit_day[mt] - treated.index_day[mt]) / DAYS_PER_MONTH
    c_time = (controls.exit_day[result.control] - result.control_index_day) / DAYS_PER_MONTH
    t_event, c_event = treated.event[mt], controls.event[result.control]
    t_time = np.maximum(t_time, 0.0)
    composite = EndpointComparison(
        _endpoint_group(t_time, t_event),
        _endpoint_group(c_time, c_event),
        logrank(t_time, t_event, c_time, c_event),
    )
    return OutcomeComparison(change, composite)
