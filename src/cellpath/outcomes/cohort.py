"""Cohort API: every outcome for a whole registry with array operations.

``compute(patients, visits)`` takes two tables (mappings of column name → 1-D array: one row per
patient, one row per visit, any order) and returns per-visit and per-patient arrays. There is no
Python loop per visit or per patient; results equal those of the one-patient API
(``cellpath.outcomes.patient.patient_outcomes``), which composes the scalar functions.

Input columns (the ``cellpath outcomes`` CSV contract)
-----------------------------------------------------
patients: ``patient_id`` (any dtype, unique), ``onset_date`` (datetime64, required); optional
``sex`` ("M"/"F"), ``birth_date``, ``diagnosis_date``, ``treatment_date``, ``death_date``
(datetime64, NaT = unknown), ``onset_site`` (bulbar|limb|respiratory|other),
``el_escorial`` (definite|probable|probable_laboratory_supported|possible|suspected; "" =
unknown), ``ftd``, ``c9orf72`` (0/1, NaN = unknown), ``fvc_percent`` (NaN = unknown).

visits: ``patient_id``, ``visit_date`` (datetime64), ``q1``…``q4``, ``q5a``, ``q5b``,
``q6``…``q12`` (integers 0-4; negative or NaN = not scored; exactly one of 5a/5b).

Rules and sources are those of the scalar modules: ``alsfrs`` (Cedarbaum 1999), ``staging``
(Balendra 2014 King's; Chiò 2015 MiToS), ``progression`` (Kimura 2006, Labra 2016),
``survival`` (Westeneng 2018) and ``response`` (Petrou 2016; Cudkowicz 2022), combined as the
Cellpath spec (issue 3) fixes:

* ``delta_fs`` = (48 − total at the first visit)/months(onset → first visit) — Labra 2016's
  first-visit ΔFS. ENCALS uses this ΔFS, although Westeneng 2018 defines ΔFS at diagnosis;
* ``slope_ols`` = OLS slope of the total over all visits, points/month (≥ 2 visits);
* ENCALS: diagnostic delay = months(onset → diagnosis), age at onset = days/365.25,
  bulbar = onset site bulbar, definite = El Escorial definite;
* with a treatment date: baseline = latest visit on or before it; ``pre_slope`` = two-point
  slope first visit → baseline (undefined if < 1 month apart); ``post_slope`` = two-point slope
  baseline → the visit after treatment closest to baseline + 182.625 days, within ± 45 days
  (the target falls on a quarter day, so whole-day visits cannot tie); ``slope_change`` =
  post − pre;
  ``petrou_improvement_pct`` = (post − pre)/|pre| × 100 when pre < 0; responder flags
  Petrou (≥ 25 %) and NurOwn phase 3 (change ≥ 1.25 points/month).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from cellpath.outcomes.progression import (
    POST_TARGET_DAYS,
    POST_WINDOW_DAYS,
    PRE_MIN_MONTHS,
    segment_ols_slope,
    treatment_slopes,
)
from cellpath.outcomes.reasons import Reason
from cellpath.outcomes.response import (
    NUROWN_PHASE3_THRESHOLD,
    PETROU_THRESHOLD,
    percent_improvement,
)
from cellpath.outcomes.staging import KINGS_DEATH, MITOS_DEATH, kings_stage_code, mitos_stage
from cellpath.outcomes.survival import encals_linear_predictor, encals_median_survival
from cellpath.outcomes.vocabulary import (
    ALSFRS_R_KEYS,
    DAYS_PER_MONTH,
    DAYS_PER_YEAR,
    EL_ESCORIAL,
    ITEM5_KEYS,
    ONSET_SITES,
    POSITION_KEYS,
    SEXES,
    values,
)
from cellpath.outcomes.wording import describe

__all__ = [
    "PATIENT_OUTPUT_COLUMNS",
    "POST_TARGET_DAYS",
    "POST_WINDOW_DAYS",
    "PRE_MIN_MONTHS",
    "VISIT_OUTPUT_COLUMNS",
    "CohortInputError",
    "CohortOutcomes",
    "Problem",
    "compute",
    "patient_problems",
    "visit_item_problems",
    "visit_problems",
]

#: FVC % predicted accepted as plausible.
FVC_PERCENT_RANGE = (0.0, 250.0)

VISIT_OUTPUT_COLUMNS: tuple[str, ...] = (
    "patient_id",
    "visit_date",
    "months_since_onset",
    "total",
    "bulbar",
    "fine_motor",
    "gross_motor",
    "respiratory",
    "kings",
    "mitos",
    "gastrostomy",
)
PATIENT_OUTPUT_COLUMNS: tuple[str, ...] = (
    "patient_id",
    "n_visits",
    "first_visit_date",
    "last_visit_date",
    "delta_fs",
    "slope_ols",
    "encals_lp",
    "encals_median_months",
    "pre_slope",
    "post_slope",
    "slope_change",
    "petrou_improvement_pct",
    "responder_petrou",
    "responder_nurown",
)

Table = Mapping[str, npt.ArrayLike]
_NAT = np.iinfo(np.int64).min


@dataclass(frozen=True)
class Problem:
    """One invalid input row: ``table`` is "patients" or "visits", ``row`` its 0-based index,
    ``reason`` what is wrong (``message`` says it in the engine's words).

    ``other_row`` points at the first row of a duplicate pair.
    """

    table: str
    row: int
    column: str | None
    reason: Reason
    other_row: int | None = None

    @property
    def message(self) -> str:
        return describe(self.reason)

    def __str__(self) -> str:
        where = f"{self.table} row {self.row}"
        extra = f" (first at row {self.other_row})" if self.other_row is not None else ""
        return f"{where}: {self.message}{extra}"


class CohortInputError(ValueError):
    """The tables contain invalid rows; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        shown = "; ".join(str(p) for p in problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} invalid rows: {shown}{more}")
        self.problems = problems


@dataclass
class CohortOutcomes:
    """Arrays out. ``visits`` is sorted by patient then date (``row`` maps back to the input);
    ``patients`` is in input order. Undefined values are NaN (floats) or NaT (dates); the
    responder flags are 1.0/0.0/NaN. ``kings`` holds codes into ``staging.KINGS_LABELS``;
    stage codes are -1 for a patient without visits.
    """

    visits: dict[str, np.ndarray] = field(default_factory=dict)
    patients: dict[str, np.ndarray] = field(default_factory=dict)


# ----------------------------------------------------------------------------- input helpers


def _column(table: Table, key: str, n: int) -> np.ndarray | None:
    if key not in table:
        return None
    arr = np.asarray(table[key])
    if arr.shape != (n,):
        raise ValueError(f"column {key!r} has shape {arr.shape}, expected ({n},)")
    return arr


def _n_rows(table: Table, key: str) -> int:
    if key not in table:
        raise ValueError(f"missing required column {key!r}")
    return int(np.asarray(table[key]).shape[0])


def _day_numbers(table: Table, key: str, n: int) -> np.ndarray:
    """Dates as int64 day numbers; missing → _NAT."""
    arr = _column(table, key, n)
    if arr is None:
        return np.full(n, _NAT, dtype=np.int64)
    if not np.issubdtype(arr.dtype, np.datetime64):
        arr = arr.astype("datetime64[D]")
    return arr.astype("datetime64[D]").view(np.int64)


def _float_column(table: Table, key: str, n: int) -> np.ndarray:
    arr = _column(table, key, n)
    if arr is None:
        return np.full(n, np.nan)
    return arr.astype(np.float64)


def _text_column(table: Table, key: str, n: int) -> np.ndarray:
    arr = _column(table, key, n)
    if arr is None:
        return np.full(n, "", dtype="U1")
    return arr if arr.dtype.kind == "U" else arr.astype("U")


def _item_column(table: Table, key: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(integer values, negative = not scored; mask of non-integer values)."""
    arr = _column(table, key, n)
    if arr is None:
        return np.full(n, -1, dtype=np.int16), np.zeros(n, dtype=bool)
    if np.issubdtype(arr.dtype, np.integer):
        return arr, np.zeros(n, dtype=bool)  # negative = not scored
    f = arr.astype(np.float64)
    blank = np.isnan(f)
    bad = ~blank & (f != np.round(f))
    vals = np.where(blank | bad, -1, np.clip(f, -1, 99)).astype(np.int16)
    return vals, bad


def _scored(col: np.ndarray) -> np.ndarray:
    """True where an item column holds a score (not NaN, not negative)."""
    if np.issubdtype(col.dtype, np.floating):
        return ~np.isnan(col) & (col >= 0)
    return col >= 0


def _as_int_ids(patient_ids: np.ndarray, visit_ids: np.ndarray) -> np.ndarray:
    """Row index into ``patient_ids`` for each visit id; -1 where unknown."""
    n_p = patient_ids.shape[0]
    if n_p == 0:
        return np.full(visit_ids.shape[0], -1, dtype=np.intp)
    if np.issubdtype(patient_ids.dtype, np.integer) and np.issubdtype(visit_ids.dtype, np.integer):
        lo, hi = int(patient_ids.min()), int(patient_ids.max())
        if hi - lo <= 4 * n_p + 1024:
            lut = np.full(hi - lo + 1, -1, dtype=np.intp)
            lut[patient_ids - lo] = np.arange(n_p, dtype=np.intp)
            inside = (visit_ids >= lo) & (visit_ids <= hi)
            out = np.full(visit_ids.shape[0], -1, dtype=np.intp)
            out[inside] = lut[visit_ids[inside] - lo]
            return out
    order = np.argsort(patient_ids, kind="stable")
    sorted_ids = patient_ids[order]
    pos = np.searchsorted(sorted_ids, visit_ids)
    pos_c = np.minimum(pos, n_p - 1)
    found = sorted_ids[pos_c] == visit_ids
    return np.where(found, order[pos_c], -1).astype(np.intp)


def _day(day: int) -> np.datetime64:
    return np.datetime64(int(day), "D")


def _date_reason(code: str, column: str, day: int, other: str, other_day: int) -> Reason:
    """``date_before`` / ``date_after``: ``column``'s date against ``other``'s."""
    params = {"column": column, "date": _day(day), "other": other, "other_date": _day(other_day)}
    return Reason(code, params)


def _ids_text(ids: np.ndarray, rows: np.ndarray) -> list[str]:
    vals = ids[rows]
    if vals.dtype.kind == "S":
        return [v.decode("utf-8", "replace") for v in vals.tolist()]
    return [str(v) for v in vals.tolist()]


def _sorted_visits(pidx: np.ndarray, vday: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
    """Order rows by (patient, date): (permutation or None if already sorted, sorted keys).

    Rows must all have a patient and a date. The (patient, day) key and the row number are
    packed into one int64 when they fit, because sorting plain integers is several times
    faster than ``argsort``; ties (duplicate visits) then keep their row order.
    """
    n = pidx.size
    if n == 0:
        return None, np.zeros(0, dtype=np.int64)
    day0 = int(vday.min())
    day_bits = int(vday.max() - day0).bit_length()
    key = (pidx.astype(np.int64) << day_bits) | (vday - day0)
    if n < 2 or bool(np.all(key[1:] >= key[:-1])):
        return None, key
    row_bits = (n - 1).bit_length()
    if int(key.max()).bit_length() + row_bits <= 62:
        packed = (key << row_bits) | np.arange(n, dtype=np.int64)
        packed.sort()
        return packed & ((1 << row_bits) - 1), packed >> row_bits
    order = np.argsort(key, kind="stable")
    return order, key[order]


def _duplicates(key_sorted: np.ndarray, rows_sorted: np.ndarray) -> list[tuple[int, int]]:
    """(row, first row) for every repeated key; "first" is the lowest row of its group."""
    dup = np.r_[False, key_sorted[1:] == key_sorted[:-1]] if key_sorted.size else np.zeros(0, bool)
    if not dup.any():
        return []
    start = np.maximum.accumulate(np.where(~dup, np.arange(dup.size), 0))
    in_group = dup | np.r_[dup[1:], False]
    out: list[tuple[int, int]] = []
    group_rows: dict[int, list[int]] = {}
    for k in np.flatnonzero(in_group).tolist():
        group_rows.setdefault(int(start[k]), []).append(int(rows_sorted[k]))
    for rows in group_rows.values():
        first = min(rows)
        out.extend((r, first) for r in rows if r != first)
    return out


# ----------------------------------------------------------------------------- validation


def patient_problems(patients: Table) -> list[Problem]:
    """Every invalid patient row (vectorised; reasons are made only for bad rows).

    Checks: ``patient_id`` present and unique; ``onset_date`` present; categories (sex,
    onset site, revised El Escorial — Brooks 2000 — ftd, c9orf72 0/1); FVC % in (0, 250];
    date order birth ≤ onset ≤ diagnosis, onset ≤ treatment, onset ≤ death, treatment ≤ death.
    """
    n = _n_rows(patients, "patient_id")
    _n_rows(patients, "onset_date")
    problems: list[Problem] = []

    def add(mask: np.ndarray, column: str, make: Callable[[int], Reason] | Reason) -> None:
        for r in np.flatnonzero(mask).tolist():
            reason = make(r) if callable(make) else make
            problems.append(Problem("patients", r, column, reason))

    ids = np.asarray(patients["patient_id"])
    if ids.dtype.kind in "US":
        blank = np.strings.str_len(ids) == 0
    elif ids.dtype.kind == "O":
        blank = np.array([str(v) == "" for v in ids.tolist()], dtype=bool)
    else:
        blank = np.zeros(n, dtype=bool)
    add(blank, "patient_id", Reason("required", {"column": "patient_id"}))
    if n:
        order = np.argsort(ids, kind="stable")
        s = ids[order]
        dup_sorted = np.r_[False, s[1:] == s[:-1]] & ~blank[order]
        if dup_sorted.any():
            first_of = np.maximum.accumulate(np.where(~dup_sorted, np.arange(n), 0))
            for k in np.flatnonzero(dup_sorted).tolist():
                r, first = int(order[k]), int(order[first_of[k]])
                text = _ids_text(ids, np.array([r]))[0]
                reason = Reason("duplicate_patient_id", {"patient_id": text})
                problems.append(Problem("patients", r, "patient_id", reason, first))

    onset = _day_numbers(patients, "onset_date", n)
    birth = _day_numbers(patients, "birth_date", n)
    diag = _day_numbers(patients, "diagnosis_date", n)
    treat = _day_numbers(patients, "treatment_date", n)
    death = _day_numbers(patients, "death_date", n)
    add(onset == _NAT, "onset_date", Reason("required", {"column": "onset_date"}))

    def order_check(a: np.ndarray, b: np.ndarray, a_name: str, b_name: str, col: str) -> None:
        bad = (a != _NAT) & (b != _NAT) & (a > b)
        add(bad, col, lambda r: _date_reason("date_after", a_name, a[r], b_name, b[r]))

    order_check(birth, onset, "birth_date", "onset_date", "birth_date")
    order_check(onset, diag, "onset_date", "diagnosis_date", "diagnosis_date")
    order_check(onset, treat, "onset_date", "treatment_date", "treatment_date")
    order_check(onset, death, "onset_date", "death_date", "death_date")
    order_check(treat, death, "treatment_date", "death_date", "treatment_date")

    for key, allowed in (
        ("sex", values(SEXES)),
        ("onset_site", values(ONSET_SITES)),
        ("el_escorial", values(EL_ESCORIAL)),
    ):
        col = _text_column(patients, key, n)
        bad = ~np.isin(col, (*allowed, ""))
        add(
            bad,
            key,
            lambda r, c=col, k=key, a=allowed: Reason(
                "not_one_of", {"column": k, "value": str(c[r]), "allowed": a}
            ),
        )
    for key in ("ftd", "c9orf72"):
        f = _float_column(patients, key, n)
        bad = ~np.isnan(f) & (f != 0) & (f != 1)
        add(
            bad,
            key,
            lambda r, f=f, k=key: Reason("not_binary", {"column": k, "value": float(f[r])}),
        )
    fvc = _float_column(patients, "fvc_percent", n)
    lo, hi = FVC_PERCENT_RANGE
    bad = ~np.isnan(fvc) & ~((fvc > lo) & (fvc <= hi))
    add(
        bad,
        "fvc_percent",
        lambda r: Reason(
            "outside_range",
            {"column": "fvc_percent", "value": float(fvc[r]), "low": lo, "high": hi},
        ),
    )
    problems.sort(key=lambda p: p.row)
    return problems


def visit_item_problems(visits: Table) -> list[Problem]:
    """ALSFRS-R item problems of every visit row (Cedarbaum 1999; no imputation).

    Items must be integers 0-4 and all present; exactly one of 5a/5b is scored.
    """
    n = _n_rows(visits, "patient_id")
    problems: list[Problem] = []
    scored: dict[str, np.ndarray] = {}
    not_integer: dict[str, np.ndarray] = {}
    for key in ALSFRS_R_KEYS:
        vals, non_int = _item_column(visits, key, n)
        scored[key], not_integer[key] = vals >= 0, non_int
        for r in np.flatnonzero(non_int).tolist():
            problems.append(Problem("visits", r, key, Reason("item_not_integer", {"item": key})))
        out = vals > 4
        arr = np.asarray(visits[key]) if key in visits else None
        for r in np.flatnonzero(out).tolist():
            shown = arr[r] if arr is not None else vals[r]
            reason = Reason("item_out_of_range", {"item": key, "value": shown})
            problems.append(Problem("visits", r, key, reason))
        if key not in ITEM5_KEYS:
            for r in np.flatnonzero((vals < 0) & ~non_int).tolist():
                problems.append(Problem("visits", r, key, Reason("item_missing", {"item": key})))
    q5a, q5b = ITEM5_KEYS
    has_a, has_b = scored[q5a], scored[q5b]
    for r in np.flatnonzero(has_a & has_b).tolist():
        problems.append(Problem("visits", r, q5a, Reason("item5_both")))
    neither = ~has_a & ~has_b & ~not_integer[q5a] & ~not_integer[q5b]
    for r in np.flatnonzero(neither).tolist():
        problems.append(Problem("visits", r, "q5a", Reason("item5_neither")))
    problems.sort(key=lambda p: p.row)
    return problems


def visit_problems(patients: Table, visits: Table, *, items: bool = True) -> list[Problem]:
    """Every invalid visit row (vectorised; reasons are made only for bad rows).

    Checks: known patient; ``visit_date`` present, not before onset, not after death; items
    integers 0-4, all present (no imputation); exactly one of 5a/5b (Cedarbaum 1999); no second
    visit for the same patient on the same date. ``items=False`` leaves out the item checks
    (``visit_item_problems``).
    """
    n_p = _n_rows(patients, "patient_id")
    n = _n_rows(visits, "patient_id")
    _n_rows(visits, "visit_date")
    pidx = _as_int_ids(np.asarray(patients["patient_id"]), np.asarray(visits["patient_id"]))
    vday = _day_numbers(visits, "visit_date", n)
    return _visit_problems(patients, visits, pidx, vday, n_p, n, None, items=items)


def _visit_problems(
    patients: Table,
    visits: Table,
    pidx: np.ndarray,
    vday: np.ndarray,
    n_p: int,
    n: int,
    sorted_key: tuple[np.ndarray | None, np.ndarray] | None,
    *,
    items: bool = True,
) -> list[Problem]:
    """``visit_problems`` on precomputed patient rows and day numbers.

    ``sorted_key`` = (order, sorted keys) from ``_sorted_visits`` when every row has a
    patient and a date, so the duplicate check reuses the caller's sort.
    """
    problems: list[Problem] = []
    vids = np.asarray(visits["patient_id"])
    unknown = pidx < 0
    for r in np.flatnonzero(unknown).tolist():
        text = _ids_text(vids, np.array([r]))[0]
        reason = Reason("unknown_patient", {"patient_id": text})
        problems.append(Problem("visits", r, "patient_id", reason))

    missing_date = vday == _NAT
    for r in np.flatnonzero(missing_date).tolist():
        reason = Reason("required", {"column": "visit_date"})
        problems.append(Problem("visits", r, "visit_date", reason))

    onset = _day_numbers(patients, "onset_date", n_p)
    death = _day_numbers(patients, "death_date", n_p)
    safe = np.where(unknown, 0, pidx)
    ok = ~unknown & ~missing_date
    v_onset = onset[safe]
    v_death = death[safe]
    before = ok & (v_onset != _NAT) & (vday < v_onset)
    for r in np.flatnonzero(before).tolist():
        reason = _date_reason("date_before", "visit_date", vday[r], "onset_date", v_onset[r])
        problems.append(Problem("visits", r, "visit_date", reason))
    after = ok & (v_death != _NAT) & (vday > v_death)
    for r in np.flatnonzero(after).tolist():
        reason = _date_reason("date_after", "visit_date", vday[r], "death_date", v_death[r])
        problems.append(Problem("visits", r, "visit_date", reason))

    if items:
        problems += visit_item_problems(visits)

    if sorted_key is not None and ok.all():
        order, key_sorted = sorted_key
        pairs = _duplicates(key_sorted, np.arange(n) if order is None else order)
    elif ok.any():
        rows = np.flatnonzero(ok)
        order, key_sorted = _sorted_visits(pidx[rows], vday[rows])
        pairs = _duplicates(key_sorted, rows if order is None else rows[order])
    else:
        pairs = []
    for r, first in pairs:
        reason = Reason("duplicate_visit", {"visit_date": _day(vday[r])})
        problems.append(Problem("visits", r, "visit_date", reason, first))
    problems.sort(key=lambda p: p.row)
    return problems


# ----------------------------------------------------------------------------- computation


def compute(
    patients: Table,
    visits: Table,
    *,
    validate: bool = True,
    as_of: np.datetime64 | str | None = None,
) -> CohortOutcomes:
    """Compute every visit and patient outcome for a cohort (see the module docstring).

    Raises ``CohortInputError`` listing every invalid row when ``validate`` is true; with
    ``validate=False`` the caller guarantees valid tables (e.g. after ``visit_problems``).
    ``current_kings`` / ``current_mitos`` are the last visit's stages, or death (King's 5,
    Roche 2012; MiToS 5, Chiò 2015) when a death date is known and on or before ``as_of``
    (default: any known death date).
    """
    n_p = _n_rows(patients, "patient_id")
    n = _n_rows(visits, "patient_id")
    _n_rows(visits, "visit_date")
    pids = np.asarray(patients["patient_id"])
    pidx = _as_int_ids(pids, np.asarray(visits["patient_id"]))
    vday = _day_numbers(visits, "visit_date", n)
    rows_ok = bool(np.all(pidx >= 0)) and bool(np.all(vday != _NAT))
    sort = _sorted_visits(pidx, vday) if rows_ok else None
    order = sort[0] if sort is not None else None
    if validate:
        problems = patient_problems(patients) + _visit_problems(
            patients, visits, pidx, vday, n_p, n, sort
        )
        if problems:
            raise CohortInputError(problems)
    elif not rows_ok:
        raise ValueError("visits with an unknown patient or no date (run visit_problems)")
    if order is not None:
        pidx = pidx[order]
        vday = vday[order]

    # Score in input order (items as a (12, n) int8 block whose .T is the (n, 12) view the
    # staging functions take), then reorder only the results.
    block = np.empty((12, n), dtype=np.int8)
    for j, key_name in enumerate(POSITION_KEYS):
        if key_name is not None:
            block[j] = np.asarray(visits[key_name])
    q5a, q5b = (np.asarray(visits[key]) for key in ITEM5_KEYS)
    # Cedarbaum 1999: 5a without gastrostomy, 5b with; answering 5b marks a gastrostomy.
    gastrostomy = _scored(q5b)
    block[4] = np.where(gastrostomy, q5b, q5a)
    items = block.T

    bulbar = block[0] + block[1] + block[2]
    fine = block[3] + block[4] + block[5]
    gross = block[6] + block[7] + block[8]
    resp = block[9] + block[10] + block[11]
    total = bulbar.astype(np.int16) + fine + gross + resp
    kings = kings_stage_code(items, gastrostomy)
    mitos = mitos_stage(items)
    if order is not None:
        bulbar, fine, gross, resp = bulbar[order], fine[order], gross[order], resp[order]
        total, kings, mitos = total[order], kings[order], mitos[order]
        gastrostomy = gastrostomy[order]

    onset = _day_numbers(patients, "onset_date", n_p).astype(np.float64)
    months = (vday - onset[pidx]) / DAYS_PER_MONTH

    visit_out = {
        "patient_id": pids[pidx],
        "visit_date": vday.astype("datetime64[D]"),
        "months_since_onset": months,
        "total": total,
        "bulbar": bulbar,
        "fine_motor": fine,
        "gross_motor": gross,
        "respiratory": resp,
        "kings": kings,
        "mitos": mitos,
        "gastrostomy": gastrostomy.astype(np.int8),
        "row": np.arange(n, dtype=np.intp) if order is None else order,
    }

    # ----- per patient
    counts = np.bincount(pidx, minlength=n_p)
    ends = np.cumsum(counts)
    starts = ends - counts
    has = counts > 0
    first = np.where(has, starts, 0)
    last = np.where(has, ends - 1, 0)
    total_f = total.astype(np.float64)

    def at(values: np.ndarray, index: np.ndarray, ok: np.ndarray, fill: object) -> np.ndarray:
        picked = values[index] if values.size else fill
        return np.where(ok, picked, fill)

    first_day = at(vday, first, has, _NAT)
    last_day = at(vday, last, has, _NAT)
    first_months = at(months, first, has, np.nan)
    first_total = at(total_f, first, has, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        delta_fs = np.where(first_months > 0, (48.0 - first_total) / first_months, np.nan)
    slope_ols = segment_ols_slope(pidx, months, total_f, n_p)

    # ----- treatment: baseline, pre and post slopes (spec, issue 3)
    treat = _day_numbers(patients, "treatment_date", n_p)
    slopes = treatment_slopes(pidx, vday, total_f, treat, n_p)
    pre_slope, post_slope = slopes.pre_slope, slopes.post_slope
    base_day, post_day = slopes.baseline_day, slopes.post_day
    change = post_slope - pre_slope
    improvement = percent_improvement(pre_slope, post_slope)
    responder_petrou = np.where(
        np.isnan(improvement), np.nan, (improvement >= PETROU_THRESHOLD).astype(np.float64)
    )
    responder_nurown = np.where(
        np.isnan(change), np.nan, (change >= NUROWN_PHASE3_THRESHOLD).astype(np.float64)
    )

    # ----- ENCALS (Westeneng 2018)
    birth = _day_numbers(patients, "birth_date", n_p)
    diag = _day_numbers(patients, "diagnosis_date", n_p)
    onset_i = _day_numbers(patients, "onset_date", n_p)
    age = np.where(birth != _NAT, (onset_i - birth) / DAYS_PER_YEAR, np.nan)
    delay = np.where(diag != _NAT, (diag - onset_i) / DAYS_PER_MONTH, np.nan)
    site = _text_column(patients, "onset_site", n_p)
    eec = _text_column(patients, "el_escorial", n_p)
    bulbar_onset = np.where(site == "", np.nan, (site == "bulbar").astype(np.float64))
    definite = np.where(eec == "", np.nan, (eec == "definite").astype(np.float64))
    lp = encals_linear_predictor(
        delta_fs,
        delay,
        age,
        _float_column(patients, "fvc_percent", n_p),
        bulbar_onset,
        definite,
        _float_column(patients, "ftd", n_p),
        _float_column(patients, "c9orf72", n_p),
    )
    median = np.full(n_p, np.nan)
    finite = np.isfinite(lp)
    median[finite] = encals_median_survival(lp[finite])

    death = _day_numbers(patients, "death_date", n_p)
    dead = death != _NAT
    if as_of is not None:
        dead &= death <= np.datetime64(as_of, "D").astype(np.int64)

    def dates(days: np.ndarray) -> np.ndarray:
        return days.astype(np.int64).view("datetime64[D]")

    patient_out = {
        "patient_id": pids,
        "n_visits": counts,
        "first_visit_date": dates(first_day),
        "last_visit_date": dates(last_day),
        "delta_fs": delta_fs,
        "slope_ols": slope_ols,
        "encals_lp": lp,
        "encals_median_months": median,
        "pre_slope": pre_slope,
        "post_slope": post_slope,
        "slope_change": change,
        "petrou_improvement_pct": improvement,
        "responder_petrou": responder_petrou,
        "responder_nurown": responder_nurown,
        "baseline_visit_date": dates(base_day),
        "post_visit_date": dates(post_day),
        "last_total": at(total, last, has, -1).astype(np.int16),
        "current_kings": np.where(dead, KINGS_DEATH, at(kings, last, has, -1)).astype(np.int8),
        "current_mitos": np.where(dead, MITOS_DEATH, at(mitos, last, has, -1)).astype(np.int8),
    }
    return CohortOutcomes(visits=visit_out, patients=patient_out)
