"""One-patient API: every outcome for one patient, composed from the scalar functions.

This is what a patient page calls. It is written plainly (a loop over the patient's visits)
and is the independent reference the cohort API is tested against; the rules are the ones
listed in ``cohort`` (Cedarbaum 1999; Balendra 2014; Chiò 2015; Kimura 2006 / Labra 2016;
Westeneng 2018; Petrou 2016; Cudkowicz 2022), with the same spec conventions.

Values that are undefined are ``None``, and ``reasons`` says why, as a ``Reason`` (a code with
parameters; ``wording.describe`` gives the engine's sentence).
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from cellpath.outcomes.alsfrs import AlsfrsRScore, alsfrs_r_reasons, score_alsfrs_r
from cellpath.outcomes.cohort import POST_TARGET_DAYS, POST_WINDOW_DAYS, PRE_MIN_MONTHS
from cellpath.outcomes.progression import ols_slope
from cellpath.outcomes.reasons import Reason
from cellpath.outcomes.response import nurown_responder, petrou_responder
from cellpath.outcomes.staging import kings_stage, mitos_stage
from cellpath.outcomes.survival import encals_linear_predictor, encals_median_survival
from cellpath.outcomes.vocabulary import (
    DAYS_PER_MONTH,
    DAYS_PER_YEAR,
    EL_ESCORIAL_VALUES,
    ONSET_SITES,
    values,
)
from cellpath.outcomes.wording import describe

__all__ = ["InvalidPatientError", "PatientOutcomes", "VisitOutcome", "patient_outcomes"]


class InvalidPatientError(ValueError):
    """The patient or one of their visits is invalid.

    ``reasons`` lists every problem (a visit's carries ``visit``, its 1-based position in the
    visits given), ``problems`` the same in the engine's words. ``visits`` holds the visits that
    could still be scored on their own (items valid and a date), in date order, so that a
    caller can show them beside the problems; their ``months_since_onset`` is None when the
    onset date is missing.
    """

    def __init__(self, reasons: list[Reason], visits: tuple[VisitOutcome, ...] = ()) -> None:
        self.reasons = reasons
        self.problems = [describe(r, entry="patient_outcomes") for r in reasons]
        self.visits = visits
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class VisitOutcome:
    """One scored visit (ALSFRS-R total and domains, King's and MiToS stage)."""

    visit_date: _dt.date
    months_since_onset: float | None
    total: int
    bulbar: int
    fine_motor: int
    gross_motor: int
    respiratory: int
    kings: str
    mitos: int
    gastrostomy: bool


@dataclass(frozen=True)
class PatientOutcomes:
    """Per-patient outcomes; the fields of ``patients.csv`` plus the visits themselves."""

    patient_id: object
    visits: tuple[VisitOutcome, ...]
    n_visits: int
    first_visit_date: _dt.date | None
    last_visit_date: _dt.date | None
    delta_fs: float | None
    slope_ols: float | None
    encals_lp: float | None
    encals_median_months: float | None
    pre_slope: float | None
    post_slope: float | None
    slope_change: float | None
    petrou_improvement_pct: float | None
    responder_petrou: bool | None
    responder_nurown: bool | None
    baseline_visit_date: _dt.date | None
    post_visit_date: _dt.date | None
    current_kings: str | None = None
    current_mitos: int | None = None
    reasons: dict[str, Reason] = field(default_factory=dict)


def _to_date(value: object) -> _dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return None
        return value.astype("datetime64[D]").item()
    if isinstance(value, str):
        return _dt.date.fromisoformat(value.strip())
    raise TypeError(f"not a date: {value!r}")


def _months(a: _dt.date, b: _dt.date) -> float:
    return (b - a).days / DAYS_PER_MONTH


def _binary(value: object) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    if value in (0, 1, "0", "1", True, False):
        return float(int(value))
    raise ValueError(f"not 0 or 1: {value!r}")


def _float(value: object) -> float | None:
    if value is None or value == "":
        return None
    f = float(value)
    return None if math.isnan(f) else f


def _finite(x: float) -> float | None:
    return None if math.isnan(x) else x


def _no_post_visit(baseline: _dt.date) -> Reason:
    """No visit in the post-treatment window; ``earliest``/``latest`` are its whole days."""
    first = math.ceil(POST_TARGET_DAYS - POST_WINDOW_DAYS)
    last = math.floor(POST_TARGET_DAYS + POST_WINDOW_DAYS)
    return Reason(
        "no_post_visit",
        {
            "baseline": baseline,
            "earliest": baseline + _dt.timedelta(days=first),
            "latest": baseline + _dt.timedelta(days=last),
            "target_months": POST_TARGET_DAYS / DAYS_PER_MONTH,
            "window_days": POST_WINDOW_DAYS,
        },
    )


def _outside_encals_domain(inputs: Mapping[str, float]) -> tuple[str, ...]:
    """The inputs Westeneng 2018's transformations cannot take: ΔFS < 0, or a diagnostic delay,
    age at onset or FVC that is not positive."""
    lowest_allowed = {"delta_fs": 0.0}
    return tuple(
        k
        for k in ("delta_fs", "diagnostic_delay", "age_at_onset", "fvc_percent")
        if not (inputs[k] >= lowest_allowed[k] if k in lowest_allowed else inputs[k] > 0)
    )


def patient_outcomes(
    patient: Mapping[str, object],
    visits: Iterable[Mapping[str, object]],
    *,
    as_of: _dt.date | str | None = None,
) -> PatientOutcomes:
    """Score one patient's visits and compute their summary outcomes.

    ``patient`` uses the PATIENTS.csv keys (``onset_date`` required; dates as ``date``, ISO
    strings or datetime64); each visit uses the VISITS.csv keys (``visit_date``, ``q1``…``q12``
    with ``q5a``/``q5b``). Raises ``InvalidPatientError`` with every problem and the visits
    that could be scored. ``current_kings``/``current_mitos`` are the last visit's stages, or 5
    (death; Roche 2012, Chiò 2015) when a death date is known and on or before ``as_of``
    (default: any).
    """
    problems: list[Reason] = []
    onset = _to_date(patient.get("onset_date"))
    if onset is None:
        problems.append(Reason("required", {"column": "onset_date"}))
    death = _to_date(patient.get("death_date"))
    scored: list[tuple[_dt.date, AlsfrsRScore]] = []
    seen: set[_dt.date] = set()
    for i, visit in enumerate(visits):
        vdate = _to_date(visit.get("visit_date"))
        where = {"visit": i + 1, "column": "visit_date"}
        if vdate is None:
            problems.append(Reason("required", where))
            continue
        item_problems = alsfrs_r_reasons(visit)
        problems += [r.with_params(visit=i + 1) for r in item_problems]
        if onset is not None and vdate < onset:
            dates = {"date": vdate, "other": "onset_date", "other_date": onset}
            problems.append(Reason("date_before", {**where, **dates}))
        if death is not None and vdate > death:
            dates = {"date": vdate, "other": "death_date", "other_date": death}
            problems.append(Reason("date_after", {**where, **dates}))
        if vdate in seen:
            problems.append(Reason("duplicate_visit", {"visit": i + 1, "visit_date": vdate}))
        seen.add(vdate)
        if not item_problems:
            scored.append((vdate, score_alsfrs_r(visit)))
    scored.sort(key=lambda pair: pair[0])

    out_visits: list[VisitOutcome] = []
    for vdate, s in scored:
        out_visits.append(
            VisitOutcome(
                visit_date=vdate,
                months_since_onset=_months(onset, vdate) if onset is not None else None,
                total=s.total,
                bulbar=s.bulbar,
                fine_motor=s.fine_motor,
                gross_motor=s.gross_motor,
                respiratory=s.respiratory,
                kings=kings_stage(s.items, s.gastrostomy),
                mitos=int(mitos_stage(s.items)),
                gastrostomy=s.gastrostomy,
            )
        )
    if problems:
        raise InvalidPatientError(problems, tuple(out_visits))
    assert onset is not None
    months = [_months(onset, v.visit_date) for v in out_visits]
    reasons: dict[str, Reason] = {}
    first = out_visits[0] if out_visits else None
    last = out_visits[-1] if out_visits else None

    # ΔFS at the first visit (Labra 2016).
    delta_fs = None
    if first is None:
        reasons["delta_fs"] = Reason("no_visits")
    elif months[0] <= 0:
        reasons["delta_fs"] = Reason("first_visit_at_onset")
    else:
        delta_fs = (48 - first.total) / months[0]

    slope = _finite(ols_slope(months, [v.total for v in out_visits]))
    if slope is None:
        reasons["slope_ols"] = Reason("too_few_visits", {"needed": 2, "found": len(out_visits)})

    # ENCALS (Westeneng 2018) with the spec's inputs.
    birth = _to_date(patient.get("birth_date"))
    diagnosis = _to_date(patient.get("diagnosis_date"))
    site = str(patient.get("onset_site") or "")
    eec = str(patient.get("el_escorial") or "")
    inputs = {
        "delta_fs": delta_fs,
        "diagnostic_delay": _months(onset, diagnosis) if diagnosis else None,
        "age_at_onset": (onset - birth).days / DAYS_PER_YEAR if birth else None,
        "fvc_percent": _float(patient.get("fvc_percent")),
        "bulbar_onset": float(site == "bulbar") if site in values(ONSET_SITES) else None,
        "definite": float(eec == "definite") if eec in EL_ESCORIAL_VALUES else None,
        "ftd": _binary(patient.get("ftd")),
        "c9orf72": _binary(patient.get("c9orf72")),
    }
    missing = tuple(k for k, v in inputs.items() if v is None)
    lp = median = None
    if missing:
        reasons["encals_lp"] = Reason("missing_inputs", {"model": "ENCALS", "inputs": missing})
    else:
        lp = _finite(float(encals_linear_predictor(**inputs)))  # type: ignore[arg-type]
        if lp is None:
            outside = _outside_encals_domain(inputs)  # type: ignore[arg-type]
            reasons["encals_lp"] = Reason("encals_outside_domain", {"inputs": outside})
        else:
            median = float(encals_median_survival(lp))

    # Treatment: baseline, pre and post slopes (spec, issue 3).
    treatment = _to_date(patient.get("treatment_date"))
    pre = post = change = pct = None
    base = post_visit = None
    r_petrou = r_nurown = None
    if treatment is None:
        reasons["pre_slope"] = reasons["post_slope"] = Reason("no_treatment_date")
    else:
        before = [v for v in out_visits if v.visit_date <= treatment]
        if not before:
            no_baseline = Reason("no_baseline_visit", {"treatment_date": treatment})
            reasons["pre_slope"] = reasons["post_slope"] = no_baseline
        else:
            base = before[-1]
            assert first is not None
            span = _months(first.visit_date, base.visit_date)
            if span >= PRE_MIN_MONTHS:
                pre = (base.total - first.total) / span
            else:
                reasons["pre_slope"] = Reason(
                    "run_in_too_short",
                    {
                        "min_months": PRE_MIN_MONTHS,
                        "first_visit": first.visit_date,
                        "baseline": base.visit_date,
                    },
                )
            best = None
            for v in out_visits:
                if v.visit_date <= treatment:
                    continue
                dist = abs((v.visit_date - base.visit_date).days - POST_TARGET_DAYS)
                if dist <= POST_WINDOW_DAYS and (best is None or dist < best[0]):
                    best = (dist, v)
            if best is None:
                reasons["post_slope"] = _no_post_visit(base.visit_date)
            else:
                post_visit = best[1]
                post = (post_visit.total - base.total) / _months(
                    base.visit_date, post_visit.visit_date
                )
    if pre is not None and post is not None:
        change = post - pre
        petrou = petrou_responder(pre, post)
        pct = petrou.value
        r_petrou = petrou.responder
        if petrou.reasons:
            reasons["petrou_improvement_pct"] = petrou.reasons[0]
        r_nurown = nurown_responder(pre, post).responder

    as_of_date = _to_date(as_of)
    dead = death is not None and (as_of_date is None or death <= as_of_date)
    current_kings = "5" if dead else (last.kings if last else None)
    current_mitos = 5 if dead else (last.mitos if last else None)

    return PatientOutcomes(
        patient_id=patient.get("patient_id"),
        visits=tuple(out_visits),
        n_visits=len(out_visits),
        first_visit_date=first.visit_date if first else None,
        last_visit_date=last.visit_date if last else None,
        delta_fs=delta_fs,
        slope_ols=slope,
        encals_lp=lp,
        encals_median_months=median,
        pre_slope=pre,
        post_slope=post,
        slope_change=change,
        petrou_improvement_pct=pct,
        responder_petrou=r_petrou,
        responder_nurown=r_nurown,
        baseline_visit_date=base.visit_date if base else None,
        post_visit_date=post_visit.visit_date if post_visit else None,
        current_kings=current_kings,
        current_mitos=current_mitos,
        reasons=reasons,
    )
