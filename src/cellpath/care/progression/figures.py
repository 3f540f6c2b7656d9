"""One patient's progression, computed by ``cellpath.outcomes`` when the page is asked for.

Nothing here is stored and nothing here is worded. The records are read as entered
(``care.queries.progression``); ALSFRS-R totals, domains, King's and MiToS stages, ΔFS, slopes,
FVC % predicted and the ENCALS prediction come from the outcomes engine, and a figure that
cannot be computed keeps the engine's reason (a code with parameters), which ``wording`` turns
into what the page says. Conventions are the engine's (``outcomes.patient``): months = days /
30.4375; ΔFS at the first ALSFRS-R (Labra 2016); pre/post-course slopes are two-point slopes
around the last ALSFRS-R on or before the course start (the baseline); ENCALS (Westeneng 2018)
predicts the time from onset to death, tracheostomy or non-invasive ventilation more than 23
hours a day.

When the engine refuses the records (they contradict each other), it still scores every
ALSFRS-R it can, and the page lists those beside the problems: there is one route to a score.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from cellpath.care.measurements import fvc_percents
from cellpath.care.models import Patient
from cellpath.care.progression import wording
from cellpath.care.queries.progression import ProgressionRecords
from cellpath.outcomes import InvalidPatientError, encals_survival, ols_slope, patient_outcomes
from cellpath.outcomes.patient import PatientOutcomes, VisitOutcome
from cellpath.outcomes.progression import carried_forward
from cellpath.outcomes.reasons import Reason
from cellpath.outcomes.vocabulary import ALSFRS_R_KEYS, DAYS_PER_MONTH, DAYS_PER_YEAR

__all__ = [
    "AlsfrsPoint",
    "CarriedForward",
    "CourseSlopes",
    "EncalsInput",
    "FvcPoint",
    "ObservedStatus",
    "Progression",
    "RecordProblem",
    "SurvivalPrediction",
    "TimelineEvent",
    "build_progression",
]


def _months(start: date | None, end: date | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).days / DAYS_PER_MONTH


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class AlsfrsPoint:
    assessed_on: date
    months: float | None
    total: int
    bulbar: int
    fine_motor: int
    gross_motor: int
    respiratory: int
    kings: str
    mitos: int
    respondent: str  # as recorded: "clinic", "phone" or "self"


@dataclass(frozen=True)
class FvcPoint:
    measured_on: date
    months: float | None
    litres: Decimal | None
    svc_litres: Decimal | None
    percent: float | None
    source: str  # "computed", "entered" (from a report) or "" (missing)
    equation: str  # the reference equation's name when computed ("GLI-2012")
    reason: Reason | None  # why % predicted is missing (outcomes.spirometry)

    @property
    def needs(self) -> str:
        return wording.fvc_percent_missing(self.reason)


@dataclass(frozen=True)
class TimelineEvent:
    day: date
    months: float | None
    kind: str  # "course", "dose", "ae", "sae", "niv_full_time", "tracheostomy", "death"
    params: Mapping[str, Any] = field(default_factory=dict)  # what the text names

    @property
    def text(self) -> str:
        return wording.event(self)


@dataclass(frozen=True)
class CourseSlopes:
    number: int
    programme: str
    started_on: date
    months: float | None
    baseline_on: date | None
    post_on: date | None
    pre_slope: float | None
    pre_reason: Reason | None
    post_slope: float | None
    post_reason: Reason | None
    change: float | None
    ols_before: float | None
    ols_before_count: int
    ols_after: float | None
    ols_after_count: int
    period_ends_on: date | None  # the next course's start, which ends the "after" period

    @property
    def ols_change(self) -> float | None:
        if self.ols_before is None or self.ols_after is None:
            return None
        return self.ols_after - self.ols_before

    @property
    def pre_needs(self) -> str:
        return wording.slope_before_needs(self.pre_reason)

    @property
    def post_needs(self) -> str:
        return wording.slope_after_needs(self.post_reason)


@dataclass(frozen=True)
class CarriedForward:
    """The ALSFRS-R total expected had the decline before the first course continued: the
    course's pre-treatment slope carried forward from its baseline to the last ALSFRS-R
    (``outcomes.progression.carried_forward``; never below 0)."""

    course: int
    baseline_on: date
    baseline_total: int
    slope: float  # points per month, the course's two-point pre-slope
    line: tuple[tuple[date, float], ...]  # the line's corners: baseline, where it reaches 0, end
    expected: Mapping[date, float]  # at each ALSFRS-R after the baseline


@dataclass(frozen=True)
class EncalsInput:
    """One ENCALS input as the engine takes it: ``amount`` is its value (None: missing) and
    ``details`` where it came from, or what the record lacks."""

    key: str  # the engine's name: delta_fs, diagnostic_delay, …, c9orf72
    amount: float | bool | None
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return wording.encals_input_name(self.key)

    @property
    def value(self) -> str | None:
        return None if self.amount is None else wording.encals_input_value(self)

    @property
    def source(self) -> str:
        return "" if self.amount is None else wording.encals_input_source(self)

    @property
    def needs(self) -> str:
        return "" if self.amount is not None else wording.encals_input_needs(self)


@dataclass(frozen=True)
class ObservedStatus:
    kind: str  # "died", "tracheostomy", "niv_full_time" or "alive"
    day: date
    months: float
    predicted_event_free: float | None  # ENCALS S(t) at that time

    @property
    def text(self) -> str:
        return wording.observed(self)


@dataclass(frozen=True)
class SurvivalPrediction:
    inputs: tuple[EncalsInput, ...]
    linear_predictor: float | None
    median_months: float | None
    reason: Reason | None  # why there is no prediction although no input is missing
    curve: tuple[tuple[float, float], ...]  # (months since onset, probability event-free)
    table: tuple[tuple[float, float], ...]  # the curve every 12 months
    observed: ObservedStatus | None

    @property
    def missing(self) -> tuple[EncalsInput, ...]:
        return tuple(i for i in self.inputs if i.amount is None)

    @property
    def needs(self) -> str:
        return wording.survival_needs(self.reason)


@dataclass(frozen=True)
class RecordProblem:
    """A record the engine refused, and the ALSFRS-R it is about (None: not one)."""

    reason: Reason
    assessed_on: date | None

    @property
    def text(self) -> str:
        return wording.record_problem(self)


@dataclass(frozen=True)
class Progression:
    study_id: str
    onset_date: date | None
    death_date: date | None
    problems: tuple[RecordProblem, ...]  # records that stop the engine computing the figures
    visits: tuple[AlsfrsPoint, ...]
    fvc: tuple[FvcPoint, ...]
    events: tuple[TimelineEvent, ...]
    delta_fs: float | None
    delta_fs_reason: Reason | None
    slope_ols: float | None
    slope_ols_reason: Reason | None
    current_kings: str | None
    current_mitos: int | None
    courses: tuple[CourseSlopes, ...]
    carried_forward: CarriedForward | None  # None: no course, or no slope before the first
    survival: SurvivalPrediction | None
    axis_months: float  # where the months-since-onset axes end

    @property
    def charts_possible(self) -> bool:
        return self.onset_date is not None

    @property
    def latest(self) -> AlsfrsPoint | None:
        return self.visits[-1] if self.visits else None

    @property
    def delta_fs_needs(self) -> str:
        return wording.delta_fs_needs(self)

    @property
    def slope_ols_needs(self) -> str:
        return wording.slope_ols_needs(self)


# ----------------------------------------------------------------------------- FVC % predicted


def _fvc_points(patient: Patient, rows: list[Any]) -> list[FvcPoint]:
    """FVC % predicted of each spirometry (``care.measurements``)."""
    points = []
    for row, fvc in zip(rows, fvc_percents(patient, rows), strict=True):
        points.append(
            FvcPoint(
                measured_on=row.measured_on,
                months=_months(patient.onset_date, row.measured_on),
                litres=row.fvc_litres,
                svc_litres=row.svc_litres,
                percent=fvc.percent,
                source=fvc.source,
                equation=wording.equation_name(fvc.equation) if fvc.source == "computed" else "",
                reason=fvc.reason,
            )
        )
    return points


# ----------------------------------------------------------------------------- ALSFRS-R


def _point(visit: VisitOutcome, respondents: Mapping[date, str]) -> AlsfrsPoint:
    return AlsfrsPoint(
        assessed_on=visit.visit_date,
        months=visit.months_since_onset,
        total=visit.total,
        bulbar=visit.bulbar,
        fine_motor=visit.fine_motor,
        gross_motor=visit.gross_motor,
        respiratory=visit.respiratory,
        kings=visit.kings,
        mitos=visit.mitos,
        respondent=respondents.get(visit.visit_date, ""),
    )


def _course_slopes(
    records: ProgressionRecords,
    outcomes: list[PatientOutcomes],
    visits: tuple[AlsfrsPoint, ...],
) -> list[CourseSlopes]:
    result = []
    onset = records.patient.onset_date
    starts = [c.started_on for c in records.courses]
    for k, (course, out) in enumerate(zip(records.courses, outcomes, strict=True)):
        ends = next((s for s in starts[k + 1 :] if s > course.started_on), None)
        before = [v for v in visits if v.assessed_on <= course.started_on]
        after = [
            v
            for v in visits
            if v.assessed_on > course.started_on and (ends is None or v.assessed_on < ends)
        ]
        result.append(
            CourseSlopes(
                number=course.number,
                programme=course.programme_label,
                started_on=course.started_on,
                months=_months(onset, course.started_on),
                baseline_on=out.baseline_visit_date,
                post_on=out.post_visit_date,
                pre_slope=out.pre_slope,
                pre_reason=out.reasons.get("pre_slope"),
                post_slope=out.post_slope,
                post_reason=out.reasons.get("post_slope"),
                change=out.slope_change,
                ols_before=_finite(
                    ols_slope([v.months for v in before], [v.total for v in before])
                ),
                ols_before_count=len(before),
                ols_after=_finite(ols_slope([v.months for v in after], [v.total for v in after])),
                ols_after_count=len(after),
                period_ends_on=ends,
            )
        )
    return result


def _carried_forward(
    courses: Sequence[CourseSlopes], visits: Sequence[AlsfrsPoint]
) -> CarriedForward | None:
    """The first course's decline before treatment carried forward over the ALSFRS-R after its
    baseline; None without a pre-slope or without an ALSFRS-R after the course started."""
    if not courses:
        return None
    first = min(courses, key=lambda c: (c.started_on, c.number))
    if first.pre_slope is None or first.baseline_on is None:
        return None
    base = next((v for v in visits if v.assessed_on == first.baseline_on), None)
    later = [v.assessed_on for v in visits if v.assessed_on > first.started_on]
    if base is None or not later:
        return None
    end = later[-1]
    after = [v.assessed_on for v in visits if v.assessed_on > base.assessed_on]
    corners = {base.assessed_on, end}
    if first.pre_slope < 0:  # where the line reaches the floor, if it does before the end
        months_to_zero = base.total / -first.pre_slope
        zero = base.assessed_on + timedelta(days=math.ceil(months_to_zero * DAYS_PER_MONTH))
        if zero < end:
            corners.add(zero)
    days = sorted(corners | set(after))
    months = [(d - base.assessed_on).days / DAYS_PER_MONTH for d in days]
    values = carried_forward(base.total, first.pre_slope, months).tolist()
    at = dict(zip(days, values, strict=True))
    return CarriedForward(
        course=first.number,
        baseline_on=base.assessed_on,
        baseline_total=base.total,
        slope=first.pre_slope,
        line=tuple((d, at[d]) for d in sorted(corners)),
        expected={d: at[d] for d in after},
    )


# ----------------------------------------------------------------------------- ENCALS


def _encals_inputs(
    patient: Patient, out: PatientOutcomes | None, fvc: list[FvcPoint]
) -> list[EncalsInput]:
    """The eight ENCALS inputs as the engine takes them (``outcomes.patient``), each with where
    it came from. FVC is the first % predicted on record."""
    onset, first = patient.onset_date, (out.visits[0] if out and out.visits else None)
    delta_fs = out.delta_fs if out is not None and first is not None else None
    inputs = [
        EncalsInput(
            "delta_fs",
            delta_fs,
            {"total": first.total, "months": first.months_since_onset, "on": first.visit_date}
            if delta_fs is not None and first is not None
            else {},
        ),
        EncalsInput(
            "diagnostic_delay",
            _months(onset, patient.diagnosis_date),
            {"onset": onset, "diagnosis": patient.diagnosis_date},
        ),
        EncalsInput(
            "age_at_onset",
            (onset - patient.date_of_birth).days / DAYS_PER_YEAR
            if onset and patient.date_of_birth
            else None,
        ),
    ]

    first_fvc = next((p for p in fvc if p.percent is not None), None)
    if first_fvc is not None:
        details = {"on": first_fvc.measured_on, "source": first_fvc.source}
        inputs.append(
            EncalsInput(
                "fvc_percent", first_fvc.percent, {**details, "equation": first_fvc.equation}
            )
        )
    else:
        missing = next(
            (
                p.reason.params["inputs"]
                for p in fvc
                if p.reason is not None and p.reason.code == "missing_inputs"
            ),
            (),
        )
        litres = any(p.litres is not None for p in fvc)
        inputs.append(EncalsInput("fvc_percent", None, {"missing": missing, "litres": litres}))

    site, eec = patient.onset_site, patient.el_escorial
    inputs += [
        EncalsInput("bulbar_onset", site == "bulbar" if site else None, {"site": site}),
        EncalsInput("definite", eec == "definite" if eec else None, {"category": eec}),
        EncalsInput("ftd", patient.ftd),
        EncalsInput("c9orf72", patient.c9orf72),
    ]
    return inputs


def _survival(
    records: ProgressionRecords,
    out: PatientOutcomes | None,
    inputs: list[EncalsInput],
    axis_months: float,
) -> SurvivalPrediction:
    patient = records.patient
    lp, median = (out.encals_lp, out.encals_median_months) if out else (None, None)
    reason = None
    if out is not None and lp is None and all(i.amount is not None for i in inputs):
        reason = out.reasons.get("encals_lp")

    observed = None
    onset = patient.onset_date
    if onset is not None:
        # the first of the events short of death (tracheostomy, NIV more than 23 hours a day)
        reached = [
            (day, kind)
            for kind, day in (
                ("tracheostomy", patient.tracheostomy_date),
                ("niv_full_time", patient.niv_full_time_date),
            )
            if day
        ]
        if patient.death_date:
            observed = ("died", patient.death_date)
        elif reached:
            day, kind = min(reached)
            observed = (kind, day)
        elif records.last_record_on and records.last_record_on > onset:
            observed = ("alive", records.last_record_on)
    status = None
    if observed is not None:
        kind, day = observed
        months = _months(onset, day) or 0.0
        s_at = float(encals_survival(months, lp)) if lp is not None else None
        status = ObservedStatus(kind, day, months, s_at)

    curve: tuple[tuple[float, float], ...] = ()
    table: tuple[tuple[float, float], ...] = ()
    if lp is not None:
        end = max(axis_months, 60.0, (median or 0) * 1.6)
        end = min(240.0, 12 * math.ceil(end / 12))
        grid = np.linspace(0.0, end, int(end) * 2 + 1)
        s = encals_survival(grid, lp)
        curve = tuple(zip(grid.tolist(), s.tolist(), strict=True))
        years = np.arange(12.0, end + 1, 12.0)
        table = tuple(zip(years.tolist(), encals_survival(years, lp).tolist(), strict=True))
    return SurvivalPrediction(
        inputs=tuple(inputs),
        linear_predictor=lp,
        median_months=median,
        reason=reason,
        curve=curve,
        table=table,
        observed=status,
    )


# ----------------------------------------------------------------------------- the page


def _events(records: ProgressionRecords) -> list[TimelineEvent]:
    patient = records.patient
    onset = patient.onset_date
    events = []
    for course in records.courses:
        events.append(
            TimelineEvent(
                course.started_on,
                _months(onset, course.started_on),
                "course",
                {"course": course.number, "programme": course.programme_label},
            )
        )
        for dose in course.administrations.all():
            events.append(
                TimelineEvent(
                    dose.given_on,
                    _months(onset, dose.given_on),
                    "dose",
                    {
                        "course": course.number,
                        "cells": dose.dose_cells,
                        "route": dose.get_route_display(),
                    },
                )
            )
    for event in records.adverse_events:
        events.append(
            TimelineEvent(
                event.onset_date,
                _months(onset, event.onset_date),
                "sae" if event.serious else "ae",
                {"grade": event.grade, "description": event.description},
            )
        )
    if patient.niv_full_time_date:
        day = patient.niv_full_time_date
        events.append(TimelineEvent(day, _months(onset, day), "niv_full_time"))
    if patient.tracheostomy_date:
        day = patient.tracheostomy_date
        events.append(TimelineEvent(day, _months(onset, day), "tracheostomy"))
    if patient.death_date:
        day = patient.death_date
        events.append(TimelineEvent(day, _months(onset, day), "death"))
    order = {
        "course": 0,
        "dose": 1,
        "ae": 2,
        "sae": 2,
        "niv_full_time": 3,
        "tracheostomy": 3,
        "death": 4,
    }
    events.sort(key=lambda e: (e.day, order[e.kind]))
    return events


def _problems(refused: Sequence[Reason], alsfrs: list[Any]) -> tuple[RecordProblem, ...]:
    """The engine's problems with the ALSFRS-R each is about (``visit`` is its 1-based row)."""
    problems = []
    for reason in refused:
        index = reason.params.get("visit", 0) - 1
        day = alsfrs[index].assessed_on if 0 <= index < len(alsfrs) else None
        problems.append(RecordProblem(reason, day))
    return tuple(problems)


def _axis_end(*months: float | None) -> float:
    known = [m for m in months if m is not None]
    top = max(known, default=0.0)
    step = 6 if top <= 36 else 12
    return float(max(12, step * math.ceil((top + 0.5) / step)))


def build_progression(records: ProgressionRecords, *, today: date) -> Progression:
    """Every figure of the progression page for one patient, computed now."""
    patient = records.patient
    onset = patient.onset_date
    fvc = _fvc_points(patient, records.spirometry)
    events = _events(records)

    first_fvc = next((p for p in fvc if p.percent is not None), None)
    facts = {
        "patient_id": patient.study_id,
        "onset_date": onset,
        "birth_date": patient.date_of_birth,
        "diagnosis_date": patient.diagnosis_date,
        "death_date": patient.death_date,
        "onset_site": patient.onset_site,
        "el_escorial": patient.el_escorial,
        "ftd": None if patient.ftd is None else int(patient.ftd),
        "c9orf72": None if patient.c9orf72 is None else int(patient.c9orf72),
        "fvc_percent": first_fvc.percent if first_fvc else None,
    }
    visit_rows = [
        {"visit_date": r.assessed_on, **{k: getattr(r, k) for k in ALSFRS_R_KEYS}}
        for r in records.alsfrs
    ]
    # The visits, ΔFS, slope and ENCALS do not depend on the treatment date, so one call per
    # course (or one without a course) gives everything.
    treatment_dates = [c.started_on for c in records.courses] or [None]
    outcomes: list[PatientOutcomes] = []
    problems: tuple[RecordProblem, ...] = ()
    try:
        outcomes = [
            patient_outcomes({**facts, "treatment_date": t}, visit_rows, as_of=today)
            for t in treatment_dates
        ]
        scored = outcomes[0].visits
    except InvalidPatientError as refused:
        scored = refused.visits
        # Without an onset date the page says so instead of listing what contradicts it.
        if onset is not None:
            problems = _problems(refused.reasons, records.alsfrs)

    respondents = {r.assessed_on: r.respondent for r in records.alsfrs}
    visits = tuple(_point(v, respondents) for v in scored)
    out = outcomes[0] if outcomes else None

    axis = _axis_end(
        *(v.months for v in visits),
        *(p.months for p in fvc),
        *(e.months for e in events),
    )
    courses = (
        tuple(_course_slopes(records, outcomes, visits))
        if len(outcomes) == len(records.courses)
        else ()
    )
    survival = None
    if onset is not None and not problems:
        survival = _survival(records, out, _encals_inputs(patient, out, fvc), axis)

    return Progression(
        study_id=patient.study_id,
        onset_date=onset,
        death_date=patient.death_date,
        problems=problems,
        visits=visits,
        fvc=tuple(fvc),
        events=tuple(events),
        delta_fs=out.delta_fs if out else None,
        delta_fs_reason=out.reasons.get("delta_fs") if out else None,
        slope_ols=out.slope_ols if out else None,
        slope_ols_reason=out.reasons.get("slope_ols") if out else None,
        current_kings=out.current_kings if out else None,
        current_mitos=out.current_mitos if out else None,
        courses=courses,
        carried_forward=_carried_forward(courses, visits),
        survival=survival,
        axis_months=axis,
    )
