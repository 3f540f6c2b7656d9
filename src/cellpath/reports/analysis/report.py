"""The cohort report, computed from tables: flow, baseline, ALSFRS-R change against the decline
carried forward, slopes, responders, survival against ENCALS, adverse events, completeness.

Definitions are ``shared/design/reports-and-interop.md`` §1; per-course figures come from the
outcomes engine (``cellpath.outcomes.cohort.compute``), so the report's analysis table equals
``cellpath outcomes`` on the same records; the statistics are ``reports.analysis.stats``.

Input (the ``cellpath outcomes`` CSV contract, one *patient* row per treated course)
----------------------------------------------------------------------------------
``courses``: the outcomes contract's patient columns, with ``patient_id`` the course's key and
``treatment_date`` its index date t0 (the first dose; a row without it is not treated);
optional ``person`` (who the course belongs to; default the row itself), ``course_label``
(how the table names the course; default its key), ``course_number``,
``tracheostomy_date``, ``niv_full_time_date`` (the composite endpoint's other two dates),
``last_contact_date`` (the patient was known alive and event-free then; default the last
visit), ``gastrostomy_date``, ``niv_date``, ``riluzole`` and ``edaravone`` (0/1: taking it at
t0). ``visits``: the outcomes contract's visits, keyed by the course. ``spirometry``
(optional): ``patient_id`` (the course), ``measured_date``, ``fvc_percent``.

Nothing here is worded: what could not be computed is a code (``EXCLUSIONS``), and
``reports.analysis.wording`` gives sentences.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from cellpath.care.plans import STANDARD_TIMEPOINTS
from cellpath.outcomes import cohort
from cellpath.outcomes.progression import (
    POST_TARGET_DAYS,
    POST_WINDOW_DAYS,
    carried_forward,
    treatment_slopes,
)
from cellpath.outcomes.response import (
    OH_TIERS,
    PETROU_THRESHOLD,
    percent_improvement,
)
from cellpath.outcomes.survival import (
    ENCALS_ENDPOINTS,
    encals_endpoint,
    encals_log_survival,
    encals_survival,
)
from cellpath.outcomes.vocabulary import DAYS_PER_MONTH, DAYS_PER_YEAR, EL_ESCORIAL, ONSET_SITES
from cellpath.reports.analysis import matching, stats

__all__ = [
    "ANALYSIS_COLUMNS",
    "CHANGE_TIMEPOINTS",
    "EXCLUSIONS",
    "AdverseEvents",
    "BaselineRow",
    "ChangeRow",
    "CohortReport",
    "CompletenessRow",
    "FlowStep",
    "PlaceboContext",
    "ResponderRow",
    "Slopes",
    "Survival",
    "analyse",
]

Table = Mapping[str, npt.ArrayLike]
_NAT = np.iinfo(np.int64).min
MONTH = DAYS_PER_MONTH

#: Follow-up points of the ALSFRS-R change table: (label, months, days after t0, window ± days),
#: the standard follow-up plan's (``care.plans``) 1, 2, 3, 6, 9 and 12 months.
CHANGE_TIMEPOINTS: tuple[tuple[str, int, int, int], ...] = tuple(
    (label, round(offset / MONTH), offset, window)
    for label, offset, window in STANDARD_TIMEPOINTS
    if round(offset / MONTH) in (1, 2, 3, 6, 9, 12) and offset >= 28
)
#: Time points of the completeness table: every standard time point after t0 up to 2 years.
COMPLETENESS_TIMEPOINTS: tuple[tuple[str, int, int], ...] = tuple(
    (label, offset, window) for label, offset, window in STANDARD_TIMEPOINTS if 0 < offset <= 731
)
#: Times since treatment (months) at which the survival table gives numbers at risk.
SURVIVAL_TICKS: tuple[int, ...] = (0, 6, 12, 18, 24, 36)

EXCLUSIONS: tuple[str, ...] = (
    "not_treated",  # no dose recorded
    "records_contradict",  # the outcomes engine refused the course's records
    "no_baseline",  # no ALSFRS-R on or before t0
    "no_lead_in",  # a single ALSFRS-R before t0: no pre-treatment slope
    "lead_in_short",  # first visit → baseline < 1 month
    "window_not_reached",  # the time point's window had not closed on the report date
    "died_before_window",  # the composite endpoint came before the window
    "no_visit_in_window",  # no ALSFRS-R (or FVC) in the window
    "no_run_in_decline",  # pre-slope ≥ 0: a % improvement is undefined (Petrou, Oh)
    "no_prediction",  # ENCALS could not be computed (a predictor is missing)
    "endpoint_before_treatment",  # the composite endpoint was reached before t0
    "no_follow_up",  # nothing known after the first dose (last contact on t0)
)
"""Every reason a course is left out of a figure; ``reports.analysis.wording`` words them."""


@dataclass(frozen=True)
class FlowStep:
    """One step of the participant flow (CONSORT 2025, single-arm): count and who left."""

    key: str
    count: int
    left: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class BaselineRow:
    """A baseline characteristic: ``kind`` "continuous" (median [q1, q3]) or "category"
    (count and % of those known); ``missing`` counts courses with it unknown."""

    key: str
    kind: str
    n: int
    missing: int
    median: float = float("nan")
    q1: float = float("nan")
    q3: float = float("nan")
    level: str = ""
    count: int = 0
    percent: float = float("nan")


@dataclass(frozen=True)
class ChangeRow:
    """ALSFRS-R change from baseline at one follow-up point, observed and carried forward."""

    label: str
    months: int
    n: int
    observed: float
    observed_lower: float
    observed_upper: float
    expected: float
    difference: float
    difference_lower: float
    difference_upper: float
    left_out: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Slopes:
    """Pre- vs post-treatment slopes (points/month) and their paired difference."""

    n: int
    pre_median: float
    post_median: float
    difference: stats.PairedDifference
    left_out: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class PlaceboContext:
    """A controlled trial's placebo responder rate for the same definition, from the study
    library's figure records (never typed in): what the report shows beside its own rate."""

    definition: str
    label: str
    value: str
    study: str
    url: str = ""
    unverified: bool = False


@dataclass(frozen=True)
class ResponderRow:
    """Responders by one definition, over all treated (missing or died = not a responder) and
    over the evaluable; exact Clopper–Pearson 95 % intervals (``stats.clopper_pearson``)."""

    definition: str
    responders: int
    all_treated: int
    evaluable: int
    all_percent: float
    all_lower: float
    all_upper: float
    evaluable_percent: float
    evaluable_lower: float
    evaluable_upper: float
    placebo: PlaceboContext | None = None


@dataclass(frozen=True)
class Survival:
    """The composite endpoint (death, tracheostomy, NIV > 23 h/day) since t0, against ENCALS."""

    n: int
    events: int
    events_by_kind: tuple[tuple[str, int], ...]
    km: stats.KaplanMeier
    at_risk: tuple[tuple[int, int], ...]
    expected_months: np.ndarray
    expected_survival: np.ndarray
    n_expected: int
    oe: stats.ObservedExpected | None
    median_follow_up_months: float
    left_out: tuple[tuple[str, int], ...] = ()
    onset_median_months: float = float("nan")
    predicted_median_months: float = float("nan")


@dataclass(frozen=True)
class AdverseEvents:
    """Adverse events since t0: counts by seriousness, grade and relatedness, patients with
    at least one, and events per 100 patient-years of follow-up."""

    events: int
    patients_with_event: int
    patients_with_serious: int
    patients: int
    patient_years: float
    per_100_patient_years: float
    by_seriousness: tuple[tuple[str, int], ...]
    by_grade: tuple[tuple[int, int], ...]
    by_relatedness: tuple[tuple[str, int], ...]
    serious: tuple[Mapping[str, object], ...] = ()


@dataclass(frozen=True)
class CompletenessRow:
    """One follow-up time point: visits due (window closed, alive), ALSFRS-R and FVC done."""

    label: str
    due: int
    alsfrs_done: int
    fvc_done: int


@dataclass(frozen=True, eq=False)
class Controls:
    """Matched external controls (design file §5): who was matched, balance, outcomes."""

    name: str
    n_pool: int
    n_eligible: int
    match_counts: tuple[int, ...]
    no_match: tuple[tuple[str, int], ...]
    n_controls: int
    balance: tuple[matching.BalanceRow, ...]
    outcomes: matching.OutcomeComparison
    km_treated: stats.KaplanMeier
    km_controls: stats.KaplanMeier


@dataclass
class CohortReport:
    """Everything the report shows. ``table`` is the per-course analysis table (one row per
    treated course, ``ANALYSIS_COLUMNS``), with each exclusion as a code."""

    as_of: np.datetime64
    n_courses: int
    n_people: int
    table: dict[str, np.ndarray]
    flow: list[FlowStep]
    baseline: list[BaselineRow]
    change: list[ChangeRow]
    slopes: Slopes
    responders: list[ResponderRow]
    survival: Survival
    completeness: list[CompletenessRow]
    adverse_events: AdverseEvents | None = None
    controls: Controls | None = None
    problems: list[cohort.Problem] = field(default_factory=list)


ANALYSIS_COLUMNS: tuple[str, ...] = (
    "course",
    "person",
    "course_number",
    "treatment_date",
    "age_at_treatment",
    "sex",
    "onset_site",
    "el_escorial",
    "months_onset_to_diagnosis",
    "months_onset_to_treatment",
    *cohort.PATIENT_OUTPUT_COLUMNS[1:],
    "baseline_total",
    "baseline_fvc_percent",
    "fvc_pre_slope",
    "fvc_post_slope",
    "fvc_improvement_pct",
    "responder_petrou_either",
    "oh_tier",
    *(f"change_{m}m" for _, m, _, _ in CHANGE_TIMEPOINTS),
    *(f"expected_change_{m}m" for _, m, _, _ in CHANGE_TIMEPOINTS),
    "endpoint_date",
    "endpoint_kind",
    "exit_date",
    "followup_months",
    "expected_events",
    "excluded_slopes",
    "excluded_responders",
    "excluded_survival",
)


# ----------------------------------------------------------------------------- helpers


def _days(table: Table, key: str, n: int) -> np.ndarray:
    if key not in table:
        return np.full(n, _NAT, dtype=np.int64)
    return np.asarray(table[key], dtype="datetime64[D]").astype(np.int64)


def _floats(table: Table, key: str, n: int) -> np.ndarray:
    if key not in table:
        return np.full(n, np.nan)
    return np.asarray(table[key], dtype=np.float64)


def _texts(table: Table, key: str, n: int) -> np.ndarray:
    if key not in table:
        return np.full(n, "", dtype=object)
    return np.array(["" if v is None else str(v) for v in table[key]], dtype=object)


def _take(table: Table, rows: np.ndarray) -> dict[str, np.ndarray]:
    return {k: np.asarray(v)[rows] for k, v in table.items()}


def _isin(values: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """``np.isin`` for ids of any dtype: object arrays (text ids) compare as fixed-width text,
    which NumPy sorts, instead of pairwise (quadratic) object comparison."""
    if values.dtype == object or allowed.dtype == object:
        values, allowed = values.astype(str), allowed.astype(str)
    return np.isin(values, allowed)


def _counted(codes: Sequence[str]) -> tuple[tuple[str, int], ...]:
    counts = Counter(c for c in codes if c)
    return tuple((code, counts[code]) for code in EXCLUSIONS if counts[code])


def _dates(days: np.ndarray) -> np.ndarray:
    return days.astype(np.int64).view("datetime64[D]")


def _nearest_in_window(
    pidx: np.ndarray, vday: np.ndarray, target: np.ndarray, window: float, after: np.ndarray
) -> np.ndarray:
    """Per course, the row closest to ``target`` within ± ``window`` days and after ``after``
    (ties → the earlier row; rows sorted by course then day); −1 where there is none."""
    n = target.size
    dist = np.abs(vday - target[pidx].astype(np.float64))
    ok = (target[pidx] != _NAT) & (vday > after[pidx]) & (dist <= window)
    out = np.full(n, -1, dtype=np.intp)
    rows = np.flatnonzero(ok)
    if rows.size:
        sel = rows[np.lexsort((rows, dist[rows], pidx[rows]))]
        lead = np.r_[True, pidx[sel][1:] != pidx[sel][:-1]]
        out[pidx[sel][lead]] = sel[lead]
    return out


def _prop(k: int, n: int) -> tuple[float, float, float]:
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    lo, hi = stats.clopper_pearson(k, n)
    return 100.0 * k / n, 100.0 * lo, 100.0 * hi


# ----------------------------------------------------------------------------- the report


def analyse(
    courses: Table,
    visits: Table,
    *,
    as_of: np.datetime64 | str,
    spirometry: Table | None = None,
    adverse_events: Table | None = None,
    flow_before: Sequence[FlowStep] = (),
    placebo: Mapping[str, PlaceboContext] | None = None,
    controls: tuple[str, Table, Table] | None = None,
) -> CohortReport:
    """The whole report for ``courses`` (see the module docstring) on the date ``as_of``.

    ``adverse_events`` (optional): ``patient_id`` (the course), ``onset_date``, ``serious``
    (0/1), ``grade`` (CTCAE 1-5), ``relatedness`` ("cells", "procedure", "neither",
    "unknown"), and for the staff list ``description``. ``flow_before`` are the flow's steps
    before treatment (applied … consented), which only the web application knows. Courses
    whose records the outcomes engine refuses are left out with ``records_contradict`` and
    their problems are returned in ``problems`` (they are questions for a coordinator).
    ``controls`` = (name, patients, visits): a reference cohort in the same contract, its
    treated patients left out, matched to the courses (``matching``).
    """
    today = np.datetime64(as_of, "D").astype(np.int64)
    n_all = len(np.asarray(courses["patient_id"]))
    t0_all = _days(courses, "treatment_date", n_all)
    treated_rows = np.flatnonzero(t0_all != _NAT)
    # The engine's own validation: a course whose records contradict themselves is left out.
    problems = cohort.patient_problems(courses) + cohort.visit_problems(courses, visits)
    bad_courses = {p.row for p in problems if p.table == "patients"}
    visit_ids = np.asarray(visits["patient_id"])
    course_ids_all = np.asarray(courses["patient_id"])
    bad_visit_rows = np.array([p.row for p in problems if p.table == "visits"], dtype=np.intp)
    if bad_visit_rows.size:
        bad_ids = set(visit_ids[bad_visit_rows].tolist())
        bad_courses |= {i for i, c in enumerate(course_ids_all.tolist()) if c in bad_ids}
    keep = np.array([r for r in treated_rows.tolist() if r not in bad_courses], dtype=np.intp)
    c = _take(courses, keep)
    n = keep.size
    ids = np.asarray(c["patient_id"])
    vkeep = _isin(visit_ids, ids)
    v = _take(visits, np.flatnonzero(vkeep))
    eng = cohort.compute(c, v, validate=False, as_of=np.datetime64(int(today), "D"))
    P, V = eng.patients, eng.visits
    vpidx = np.repeat(np.arange(n), P["n_visits"])
    vday = V["visit_date"].astype(np.int64)
    total = V["total"].astype(np.float64)

    t0 = _days(c, "treatment_date", n)
    onset = _days(c, "onset_date", n)
    birth = _days(c, "birth_date", n)
    diag = _days(c, "diagnosis_date", n)
    death = _days(c, "death_date", n)
    trach = _days(c, "tracheostomy_date", n)
    niv_ft = _days(c, "niv_full_time_date", n)
    person = _texts(c, "person", n) if "person" in c else ids.astype(str).astype(object)

    slopes = treatment_slopes(vpidx, vday, total, t0, n)
    has_base = slopes.baseline_row >= 0
    base_total = np.where(has_base, total[np.maximum(slopes.baseline_row, 0)], np.nan)
    base_day = slopes.baseline_day
    n_before = np.bincount(vpidx, weights=vday <= t0[vpidx], minlength=n)

    # ----- composite endpoint (Westeneng 2018): the first of death, tracheostomy, NIV > 23 h
    def as_float(days: np.ndarray) -> np.ndarray:
        return np.where(days == _NAT, np.nan, days.astype(np.float64))

    first, kind_idx = encals_endpoint(as_float(death), as_float(trach), as_float(niv_ft))
    has_end = kind_idx >= 0
    endpoint = np.where(has_end, np.nan_to_num(first), _NAT).astype(np.int64)
    event = has_end & (endpoint <= today)
    kinds = np.array(ENCALS_ENDPOINTS, dtype=object)
    endpoint_kind = np.where(has_end, kinds[np.maximum(kind_idx, 0)], "")
    last_visit = P["last_visit_date"].astype(np.int64)
    last_contact = np.maximum(last_visit, _days(c, "last_contact_date", n))
    last_contact = np.maximum(last_contact, t0)
    exit_day = np.where(event, endpoint, np.minimum(last_contact, today))
    before_t0 = has_end & (endpoint < t0)
    # An endpoint on the day of the first dose counts at half a day: the risk set of (t0, t0]
    # is empty (stats.kaplan_meier refuses exit = entry, as R's survival does).
    same_day = event & (endpoint == t0)
    exit_time = exit_day + np.where(same_day, 0.5, 0.0)

    # ----- ALSFRS-R change at each follow-up point, against the decline carried forward
    cf_slope = np.where(np.isfinite(slopes.pre_slope), slopes.pre_slope, -P["delta_fs"])
    cf_slope = np.where(n_before > 0, cf_slope, np.nan)
    change_cols: dict[str, np.ndarray] = {}
    change_rows: list[ChangeRow] = []
    for label, months, offset, window in CHANGE_TIMEPOINTS:
        target = np.where(t0 != _NAT, t0 + offset, _NAT)
        row = _nearest_in_window(vpidx, vday, target, window, t0)
        got = (row >= 0) & has_base
        safe = np.maximum(row, 0)
        observed = np.where(got, total[safe] - base_total, np.nan)
        months_after = (vday[safe] - base_day) / MONTH
        expected_total = carried_forward(base_total, cf_slope, months_after)
        expected = np.where(got, expected_total - base_total, np.nan)
        change_cols[f"change_{months}m"] = observed
        change_cols[f"expected_change_{months}m"] = expected
        closes = target + window
        why = np.full(n, "", dtype=object)
        why[~got] = "no_visit_in_window"
        why[~got & (closes > today)] = "window_not_reached"
        why[~got & event & (endpoint < target - window)] = "died_before_window"
        why[~has_base] = "no_baseline"
        obs = observed[got]
        both = got & np.isfinite(expected)
        n_obs, mean, lo, hi = stats.mean_ci(obs)
        diff = observed[both] - expected[both]
        _, d_mean, d_lo, d_hi = stats.mean_ci(diff)
        change_rows.append(
            ChangeRow(
                label=label,
                months=months,
                n=n_obs,
                observed=mean,
                observed_lower=lo,
                observed_upper=hi,
                expected=float(np.mean(expected[both])) if both.any() else float("nan"),
                difference=d_mean,
                difference_lower=d_lo,
                difference_upper=d_hi,
                left_out=_counted(why[~got].tolist()),
            )
        )

    # ----- slopes and responders (engine: Petrou 2016, Cudkowicz 2022; Oh 2018 tiers)
    six_closes = np.where(base_day != _NAT, base_day + POST_TARGET_DAYS + POST_WINDOW_DAYS, _NAT)
    no_post = ~np.isfinite(P["post_slope"])
    post_why = np.full(n, "", dtype=object)
    post_why[no_post] = "no_visit_in_window"
    post_why[no_post & (six_closes > today)] = "window_not_reached"
    target6 = base_day + POST_TARGET_DAYS - POST_WINDOW_DAYS
    post_why[no_post & event & (endpoint < target6)] = "died_before_window"
    post_why[~has_base] = "no_baseline"
    slope_why = post_why.copy()
    slope_why[~np.isfinite(P["pre_slope"])] = "lead_in_short"
    slope_why[~np.isfinite(P["pre_slope"]) & (n_before < 2)] = "no_lead_in"
    slope_why[~has_base] = "no_baseline"
    paired = np.isfinite(P["slope_change"])
    difference = stats.paired_difference(P["pre_slope"][paired], P["post_slope"][paired])
    slopes_section = Slopes(
        n=int(paired.sum()),
        pre_median=float(np.median(P["pre_slope"][paired])) if paired.any() else float("nan"),
        post_median=float(np.median(P["post_slope"][paired])) if paired.any() else float("nan"),
        difference=difference,
        left_out=_counted(slope_why[~paired].tolist()),
    )

    fvc_pre = np.full(n, np.nan)
    fvc_post = np.full(n, np.nan)
    base_fvc = _floats(c, "fvc_percent", n)
    if spirometry is not None and len(np.asarray(spirometry["patient_id"])):
        s_ids = np.asarray(spirometry["patient_id"])
        index = {cid: i for i, cid in enumerate(ids.tolist())}
        s_p = np.array([index.get(x, -1) for x in s_ids.tolist()], dtype=np.intp)
        s_day = np.asarray(spirometry["measured_date"], dtype="datetime64[D]").astype(np.int64)
        s_val = np.asarray(spirometry["fvc_percent"], dtype=np.float64)
        ok = (s_p >= 0) & np.isfinite(s_val)
        order = np.lexsort((s_day[ok], s_p[ok]))
        s_p, s_day, s_val = s_p[ok][order], s_day[ok][order], s_val[ok][order]
        fvc = treatment_slopes(s_p, s_day, s_val, t0, n)
        fvc_pre, fvc_post = fvc.pre_slope, fvc.post_slope
        measured = fvc.baseline_row >= 0
        base_fvc = np.where(measured, s_val[np.maximum(fvc.baseline_row, 0)], base_fvc)
    fvc_improvement = percent_improvement(fvc_pre, fvc_post)
    alsfrs_improvement = P["petrou_improvement_pct"]
    either_defined = np.isfinite(alsfrs_improvement) | np.isfinite(fvc_improvement)
    petrou = np.where(
        either_defined,
        (np.nan_to_num(alsfrs_improvement, nan=-np.inf) >= PETROU_THRESHOLD)
        | (np.nan_to_num(fvc_improvement, nan=-np.inf) >= PETROU_THRESHOLD),
        np.nan,
    ).astype(np.float64)
    oh = np.full(n, np.nan)
    for tier in sorted(OH_TIERS):
        oh = np.where(np.isfinite(alsfrs_improvement) & (alsfrs_improvement >= tier), tier, oh)
    oh = np.where(np.isfinite(alsfrs_improvement) & np.isnan(oh), 0.0, oh)
    responder_why = slope_why.copy()
    run_in = paired & (P["pre_slope"] >= 0)
    responder_why[run_in] = "no_run_in_decline"
    # All treated = courses whose 6-month window had closed (or who reached the endpoint first).
    due = (six_closes != _NAT) & (six_closes <= today) | (event & (endpoint < six_closes))
    due |= ~has_base & (t0 + POST_TARGET_DAYS + POST_WINDOW_DAYS <= today)
    placebo = placebo or {}
    definitions = [
        ("petrou", petrou, either_defined),
        ("nurown", P["responder_nurown"], np.isfinite(P["responder_nurown"])),
        *(
            (f"oh_{int(t)}", np.where(np.isfinite(oh), oh >= t, np.nan), np.isfinite(oh))
            for t in OH_TIERS[::-1]
        ),
    ]
    responder_rows = []
    for key, flags, defined in definitions:
        k = int(np.sum((flags == 1) & due))
        n_due = int(due.sum())
        n_eval = int(np.sum(defined & due))
        a = _prop(k, n_due)
        e = _prop(k, n_eval)
        responder_rows.append(ResponderRow(key, k, n_due, n_eval, *a, *e, placebo=placebo.get(key)))

    # ----- survival against ENCALS (Westeneng 2018; Finkelstein et al. 2003)
    at_risk_rows = ~before_t0 & (exit_time > t0)
    s_months = np.maximum(exit_time - t0, 0) / MONTH
    km = stats.kaplan_meier(
        np.zeros(int(at_risk_rows.sum())), s_months[at_risk_rows], event[at_risk_rows]
    )
    ticks = tuple(
        (m, int(x))
        for m, x in zip(
            SURVIVAL_TICKS,
            stats.numbers_at_risk(
                np.zeros(int(at_risk_rows.sum())),
                s_months[at_risk_rows],
                np.array(SURVIVAL_TICKS, dtype=float),
            ),
            strict=True,
        )
    )
    lp = P["encals_lp"]
    entry_m = (t0 - onset) / MONTH
    exit_m = (exit_time - onset) / MONTH
    predicted = at_risk_rows & np.isfinite(lp)
    expected_i = np.full(n, np.nan)
    expected_i[predicted] = stats.expected_events(
        encals_log_survival(entry_m[predicted], lp[predicted]),
        encals_log_survival(exit_m[predicted], lp[predicted]),
    )
    oe = None
    if predicted.any():
        oe = stats.observed_expected(
            int(event[predicted].sum()), float(expected_i[predicted].sum())
        )
    horizon = max(12.0, float(np.nanmax(s_months[at_risk_rows], initial=0.0)))
    grid = np.linspace(0.0, horizon, 61)  # the expected curve, drawn as a line: 61 points
    if predicted.any():
        e_p, lp_p = entry_m[predicted], lp[predicted]
        cond = encals_survival(e_p[None, :] + grid[:, None], lp_p) / encals_survival(e_p, lp_p)
        expected_curve = cond.mean(axis=1)
    else:
        expected_curve = np.full(grid.size, np.nan)
    surv_why = np.full(n, "", dtype=object)
    surv_why[at_risk_rows & ~np.isfinite(lp)] = "no_prediction"
    surv_why[~before_t0 & (exit_time <= t0)] = "no_follow_up"
    surv_why[before_t0] = "endpoint_before_treatment"
    # From onset, each course entering at its first dose (delayed entry: no immortal time).
    onset_km = stats.kaplan_meier(entry_m[at_risk_rows], exit_m[at_risk_rows], event[at_risk_rows])
    predicted_medians = P["encals_median_months"][predicted]
    kinds_seen = Counter(endpoint_kind[event & at_risk_rows].tolist())
    followed = s_months[at_risk_rows]
    survival = Survival(
        n=int(at_risk_rows.sum()),
        events=int((event & at_risk_rows).sum()),
        events_by_kind=tuple((k, kinds_seen[k]) for k in kinds if kinds_seen[k]),
        km=km,
        at_risk=ticks,
        expected_months=grid,
        expected_survival=expected_curve,
        n_expected=int(predicted.sum()),
        oe=oe,
        median_follow_up_months=float(np.median(followed)) if followed.size else float("nan"),
        left_out=_counted(surv_why.tolist()),
        onset_median_months=stats.median_survival(onset_km),
        predicted_median_months=float(np.median(predicted_medians))
        if predicted_medians.size
        else float("nan"),
    )

    # ----- baseline table (at t0)
    age = np.where(birth != _NAT, (t0 - birth) / DAYS_PER_YEAR, np.nan)
    to_diag = np.where(diag != _NAT, (diag - onset) / MONTH, np.nan)
    to_t0 = (t0 - onset) / MONTH
    gastro_day = _days(c, "gastrostomy_date", n)
    base_gastro = np.zeros(n, dtype=bool)
    if has_base.any():
        base_gastro[has_base] = V["gastrostomy"][slopes.baseline_row[has_base]] == 1
    gastrostomy = np.where(
        (gastro_day != _NAT) & (gastro_day <= t0), 1.0, np.where(base_gastro, 1.0, np.nan)
    )
    if "gastrostomy_date" in c:
        gastrostomy = np.where(np.isnan(gastrostomy), 0.0, gastrostomy)
    niv_day = _days(c, "niv_date", n)
    niv = np.where((niv_day != _NAT) & (niv_day <= t0), 1.0, 0.0 if "niv_date" in c else np.nan)
    baseline: list[BaselineRow] = []

    def continuous(key: str, values: np.ndarray) -> None:
        k, med, q1, q3 = stats.median_iqr(values)
        baseline.append(BaselineRow(key, "continuous", k, n - k, med, q1, q3))

    def category(key: str, values: np.ndarray, levels: Sequence[str]) -> None:
        known = values != ""
        k = int(known.sum())
        for level in levels:
            count = int(np.sum(values == level))
            pct = 100.0 * count / k if k else float("nan")
            baseline.append(
                BaselineRow(key, "category", k, n - k, level=level, count=count, percent=pct)
            )

    def binary(key: str, values: np.ndarray) -> None:
        known = np.isfinite(values)
        text = np.where(known, np.where(values == 1, "yes", "no"), "")
        category(key, text.astype(object), ("yes",))

    continuous("age", age)
    category("sex", _texts(c, "sex", n), ("F", "M"))
    category("onset_site", _texts(c, "onset_site", n), [t.value for t in ONSET_SITES])
    category("el_escorial", _texts(c, "el_escorial", n), [t.value for t in EL_ESCORIAL])
    continuous("months_onset_to_diagnosis", to_diag)
    continuous("months_onset_to_treatment", to_t0)
    continuous("delta_fs", P["delta_fs"])
    continuous("alsfrs_r_total", base_total)
    continuous("fvc_percent", base_fvc)
    binary("riluzole", _floats(c, "riluzole", n))
    binary("edaravone", _floats(c, "edaravone", n))
    binary("gastrostomy", gastrostomy)
    binary("niv", niv)

    # ----- completeness: visits due (window closed, endpoint not before it) vs done
    completeness = []
    s_rows = None
    if spirometry is not None and len(np.asarray(spirometry["patient_id"])):
        s_rows = (s_p, s_day)
    for label, offset, window in COMPLETENESS_TIMEPOINTS:
        target = t0 + offset
        due_tp = (target + window <= today) & ~(event & (endpoint < target - window))
        alsfrs_row = _nearest_in_window(vpidx, vday, target, window, t0 - 1)
        done = due_tp & (alsfrs_row >= 0)
        fvc_done = 0
        if s_rows is not None:
            fvc_row = _nearest_in_window(s_rows[0], s_rows[1], target, window, t0 - 1)
            fvc_done = int((due_tp & (fvc_row >= 0)).sum())
        completeness.append(CompletenessRow(label, int(due_tp.sum()), int(done.sum()), fvc_done))

    # ----- flow (CONSORT 2025 single-arm shape): from treatment on, what the tables know
    not_treated = n_all - treated_rows.size
    contradicted = treated_rows.size - n
    flow = [
        *flow_before,
        FlowStep(
            "treated",
            int(treated_rows.size),
            (("not_treated", not_treated),) if not_treated and not flow_before else (),
        ),
        FlowStep(
            "analysed",
            n,
            (("records_contradict", contradicted),) if contradicted else (),
        ),
        FlowStep(
            "assessed_6_months",
            int(np.sum(has_base & ~no_post)),
            _counted(post_why[has_base & no_post].tolist()),
        ),
        FlowStep(
            "slopes_evaluable",
            int(paired.sum()),
            _counted(slope_why[has_base & ~no_post & ~paired].tolist()),
        ),
    ]

    # ----- adverse events since t0 (CTCAE v5 grades)
    patient_years = float(np.sum(np.maximum(exit_day - t0, 0)) / DAYS_PER_YEAR)
    ae_section = None
    if adverse_events is not None:
        ae_section = _adverse_events(adverse_events, ids, person, patient_years, n)

    table = {
        "course": _texts(c, "course_label", n) if "course_label" in c else ids,
        "person": person,
        "course_number": _floats(c, "course_number", n),
        "treatment_date": _dates(t0),
        "age_at_treatment": age,
        "sex": _texts(c, "sex", n),
        "onset_site": _texts(c, "onset_site", n),
        "el_escorial": _texts(c, "el_escorial", n),
        "months_onset_to_diagnosis": to_diag,
        "months_onset_to_treatment": to_t0,
        **{k: P[k] for k in cohort.PATIENT_OUTPUT_COLUMNS[1:]},
        "baseline_total": base_total,
        "baseline_fvc_percent": base_fvc,
        "fvc_pre_slope": fvc_pre,
        "fvc_post_slope": fvc_post,
        "fvc_improvement_pct": fvc_improvement,
        "responder_petrou_either": petrou,
        "oh_tier": oh,
        **change_cols,
        "endpoint_date": _dates(np.where(event, endpoint, _NAT)),
        "endpoint_kind": np.where(event, endpoint_kind, ""),
        "exit_date": _dates(exit_day),
        "followup_months": s_months,
        "expected_events": expected_i,
        "excluded_slopes": slope_why,
        "excluded_responders": responder_why,
        "excluded_survival": surv_why,
    }
    table = {column: table[column] for column in ANALYSIS_COLUMNS}
    controls_section = None
    if controls is not None:
        courses_for_match = {**c, "last_contact_date": _dates(last_contact)}
        controls_section = _matched_controls(controls, courses_for_match, V, today)
    return CohortReport(
        as_of=np.datetime64(int(today), "D"),
        n_courses=n,
        n_people=len(set(person.tolist())),
        table=table,
        flow=flow,
        baseline=baseline,
        change=change_rows,
        slopes=slopes_section,
        responders=responder_rows,
        survival=survival,
        completeness=completeness,
        adverse_events=ae_section,
        controls=controls_section,
        problems=problems,
    )


def _adverse_events(
    events: Table, ids: np.ndarray, person: np.ndarray, patient_years: float, n: int
) -> AdverseEvents:
    """Adverse events of the analysed courses (Common Terminology Criteria, CTCAE v5)."""
    e_ids = np.asarray(events["patient_id"])
    mine = _isin(e_ids, ids)
    m = int(mine.sum())
    serious = _floats(events, "serious", len(e_ids))[mine]
    grade = _floats(events, "grade", len(e_ids))[mine]
    related = _texts(events, "relatedness", len(e_ids))[mine]
    index = {cid: i for i, cid in enumerate(ids.tolist())}
    people = {person[index[x]] for x in e_ids[mine].tolist()}
    serious_people = {
        person[index[x]] for x, s in zip(e_ids[mine].tolist(), serious, strict=True) if s == 1
    }
    n_serious = int(np.sum(serious == 1))
    by_serious = (("serious", n_serious), ("not_serious", m - n_serious))
    by_grade = tuple((g, int(np.sum(grade == g))) for g in range(1, 6))
    by_related = tuple(
        (k, int(np.sum(related == k))) for k in ("cells", "procedure", "neither", "unknown")
    )
    listed = []
    for i in np.flatnonzero(mine & (_floats(events, "serious", len(e_ids)) == 1)).tolist():
        listed.append({k: np.asarray(v)[i] for k, v in events.items()})
    rate = 100.0 * m / patient_years if patient_years > 0 else float("nan")
    return AdverseEvents(
        events=m,
        patients_with_event=len(people),
        patients_with_serious=len(serious_people),
        patients=len(set(person.tolist())),
        patient_years=patient_years,
        per_100_patient_years=rate,
        by_seriousness=by_serious,
        by_grade=by_grade,
        by_relatedness=by_related,
        serious=tuple(listed),
    )


def _km(group: matching.EndpointGroup) -> stats.KaplanMeier:
    time = np.maximum(group.time, 0.5 / MONTH)  # an event on the index day: half a day
    return stats.kaplan_meier(np.zeros(time.size), time, group.event)


def _matched_controls(
    controls: tuple[str, Table, Table],
    courses: Table,
    course_visits: Mapping[str, np.ndarray],
    today: int,
) -> Controls:
    """Match the courses to the reference cohort's untreated patients and compare outcomes."""
    name, c_patients, c_visits = controls
    n_c = len(np.asarray(c_patients["patient_id"]))
    untreated = _days(c_patients, "treatment_date", n_c) == _NAT
    keep_ids = np.asarray(c_patients["patient_id"])[untreated]
    c_p = _take(c_patients, np.flatnonzero(untreated))
    c_v = _take(c_visits, np.flatnonzero(_isin(np.asarray(c_visits["patient_id"]), keep_ids)))
    c_eng = cohort.compute(c_p, c_v, validate=False)
    treated_h = matching.histories_from_tables(
        courses, course_visits, index_column="treatment_date"
    )
    control_h = matching.histories_from_tables(c_p, c_eng.visits)
    result = matching.match_controls(treated_h, control_h, matching.MatchSpec())
    outcomes = matching.compare_outcomes(result, treated_h, control_h)
    reasons = Counter(r for r in result.reason.tolist() if r)
    return Controls(
        name=name,
        n_pool=int(untreated.sum()),
        n_eligible=result.n_eligible_control_patients,
        match_counts=result.match_counts,
        no_match=tuple(
            (code, reasons[code]) for code in matching.NO_MATCH_REASONS if reasons[code]
        ),
        n_controls=int(result.control.size),
        balance=matching.matched_balance(result, treated_h, control_h),
        outcomes=outcomes,
        km_treated=_km(outcomes.composite.treated),
        km_controls=_km(outcomes.composite.controls),
    )
