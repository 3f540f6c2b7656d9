"""One patient's progression, computed by ``cellpath.outcomes`` when the page is asked for.

Nothing here is stored. The records are read as entered (`care.queries.progression`); ALSFRS-R
totals, domains, King's and MiToS stages, ΔFS, slopes, FVC % predicted and the ENCALS
prediction come from the outcomes engine, and every figure that cannot be computed says what is
missing. Conventions are the engine's (``outcomes.patient``): months = days / 30.4375; ΔFS at
the first ALSFRS-R (Labra 2016); pre/post-course slopes are two-point slopes around the last
ALSFRS-R on or before the course start (the baseline); ENCALS (Westeneng 2018) predicts the time
from onset to death, tracheostomy or non-invasive ventilation more than 23 hours a day.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from cellpath.care.measurements import fvc_percents
from cellpath.care.models import Patient
from cellpath.care.progression.wording import equation_name, fvc_percent_missing
from cellpath.care.queries.progression import ProgressionRecords
from cellpath.outcomes import (
    InvalidAlsfrsError,
    InvalidPatientError,
    encals_survival,
    kings_stage,
    mitos_stage,
    ols_slope,
    patient_outcomes,
    score_alsfrs_r,
)
from cellpath.outcomes.cohort import POST_TARGET_DAYS, POST_WINDOW_DAYS, PRE_MIN_MONTHS
from cellpath.outcomes.patient import PatientOutcomes
from cellpath.outcomes.vocabulary import ALSFRS_R_KEYS, DAYS_PER_MONTH, DAYS_PER_YEAR
from cellpath.outcomes.wording import describe

__all__ = [
    "AlsfrsPoint",
    "CourseSlopes",
    "EncalsInput",
    "FvcPoint",
    "ObservedStatus",
    "Progression",
    "SurvivalPrediction",
    "TimelineEvent",
    "build_progression",
]

RESPONDENT_SHORT = {"clinic": "In clinic", "phone": "By telephone", "self": "Self-report"}
# GLI-2012 and NHANES III take an ethnic group; Cellpath does not record one, so both use their
# reference for white European ancestry (the equations' default).
EQUATION_NOTE = "reference for white European ancestry; ethnicity is not recorded"


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


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
    respondent: str


@dataclass(frozen=True)
class FvcPoint:
    measured_on: date
    months: float | None
    litres: Decimal | None
    svc_litres: Decimal | None
    percent: float | None
    source: str  # "computed", "entered" (from a report) or "" (missing)
    equation: str  # the reference equation when computed
    needs: str  # why % predicted is missing, in plain words


@dataclass(frozen=True)
class TimelineEvent:
    day: date
    months: float | None
    kind: str  # "course", "dose", "ae", "sae", "tracheostomy", "death"
    text: str


@dataclass(frozen=True)
class CourseSlopes:
    number: int
    programme: str
    started_on: date
    months: float | None
    baseline_on: date | None
    post_on: date | None
    pre_slope: float | None
    pre_needs: str
    post_slope: float | None
    post_needs: str
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


@dataclass(frozen=True)
class EncalsInput:
    name: str
    value: str | None  # None: missing
    source: str
    needs: str


@dataclass(frozen=True)
class ObservedStatus:
    kind: str  # "died", "tracheostomy" or "alive"
    day: date
    months: float
    predicted_event_free: float | None  # ENCALS S(t) at that time

    @property
    def text(self) -> str:
        n = f"{self.months:.1f}"
        if self.kind == "died":
            return f"Died at {n} months since onset ({_day(self.day)})."
        if self.kind == "tracheostomy":
            return (
                f"Tracheostomy at {n} months since onset ({_day(self.day)}), which the model "
                "counts as an event."
            )
        return f"Alive at {n} months since onset (last record {_day(self.day)})."


@dataclass(frozen=True)
class SurvivalPrediction:
    inputs: tuple[EncalsInput, ...]
    linear_predictor: float | None
    median_months: float | None
    needs: str
    curve: tuple[tuple[float, float], ...]  # (months since onset, probability event-free)
    table: tuple[tuple[float, float], ...]  # the curve every 12 months
    observed: ObservedStatus | None

    @property
    def missing(self) -> tuple[EncalsInput, ...]:
        return tuple(i for i in self.inputs if i.value is None)


@dataclass(frozen=True)
class Progression:
    study_id: str
    onset_date: date | None
    death_date: date | None
    problems: tuple[str, ...]  # records that stop the engine computing the figures
    visits: tuple[AlsfrsPoint, ...]
    fvc: tuple[FvcPoint, ...]
    events: tuple[TimelineEvent, ...]
    delta_fs: float | None
    delta_fs_needs: str
    slope_ols: float | None
    slope_ols_needs: str
    current_kings: str | None
    current_mitos: int | None
    courses: tuple[CourseSlopes, ...]
    survival: SurvivalPrediction | None
    axis_months: float  # where the months-since-onset axes end

    @property
    def charts_possible(self) -> bool:
        return self.onset_date is not None

    @property
    def latest(self) -> AlsfrsPoint | None:
        return self.visits[-1] if self.visits else None


# ----------------------------------------------------------------------------- FVC % predicted


def _missing_facts(patient: Patient) -> list[str]:
    """What the reference equations need from the patient record and it does not have."""
    return [
        name
        for name, value in (
            ("height", patient.height_cm),
            ("sex", patient.sex),
            ("date of birth", patient.date_of_birth),
        )
        if not value
    ]


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
                equation=equation_name(fvc.equation) if fvc.source == "computed" else "",
                needs=fvc_percent_missing(fvc.reason),
            )
        )
    return points


# ----------------------------------------------------------------------------- ALSFRS-R


def _items(row: Any) -> dict[str, int | None]:
    return {name: getattr(row, name) for name in ALSFRS_R_KEYS}


def _score_each(rows: list[Any], onset: date | None) -> list[AlsfrsPoint]:
    """Each ALSFRS-R scored on its own (used when the patient-level figures cannot be)."""
    points = []
    for row in rows:
        try:
            s = score_alsfrs_r(_items(row))
        except InvalidAlsfrsError:
            continue
        points.append(
            AlsfrsPoint(
                assessed_on=row.assessed_on,
                months=_months(onset, row.assessed_on),
                total=s.total,
                bulbar=s.bulbar,
                fine_motor=s.fine_motor,
                gross_motor=s.gross_motor,
                respiratory=s.respiratory,
                kings=kings_stage(s.items, s.gastrostomy),
                mitos=int(mitos_stage(s.items)),
                respondent=RESPONDENT_SHORT.get(row.respondent, row.respondent),
            )
        )
    return points


def _said(out: PatientOutcomes, figure: str) -> str:
    reason = out.reasons.get(figure)
    return describe(reason) if reason else ""


def _needs_before_baseline(reason: str) -> str:
    if reason == "no visit on or before treatment":
        return "Needs an ALSFRS-R on or before the course start (the baseline)."
    if reason.startswith("first visit and baseline"):
        return (
            f"Needs an earlier ALSFRS-R, at least {PRE_MIN_MONTHS:g} month before the baseline "
            "(the last one on or before the course start)."
        )
    return reason[:1].upper() + reason[1:] + "." if reason else ""


def _needs_after(reason: str, baseline: date | None) -> str:
    if reason == "no visit on or before treatment":
        return "Needs an ALSFRS-R on or before the course start (the baseline)."
    if reason.startswith("no visit after treatment") and baseline is not None:
        first = baseline + timedelta(days=math.ceil(POST_TARGET_DAYS - POST_WINDOW_DAYS))
        last = baseline + timedelta(days=math.floor(POST_TARGET_DAYS + POST_WINDOW_DAYS))
        return (
            "Needs an ALSFRS-R about 6 months after the baseline: between "
            f"{_day(first)} and {_day(last)}."
        )
    return reason[:1].upper() + reason[1:] + "." if reason else ""


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
                programme=course.programme,
                started_on=course.started_on,
                months=_months(onset, course.started_on),
                baseline_on=out.baseline_visit_date,
                post_on=out.post_visit_date,
                pre_slope=out.pre_slope,
                pre_needs=_needs_before_baseline(_said(out, "pre_slope")),
                post_slope=out.post_slope,
                post_needs=_needs_after(_said(out, "post_slope"), out.baseline_visit_date),
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


# ----------------------------------------------------------------------------- ENCALS


def _encals_inputs(
    patient: Patient, out: PatientOutcomes | None, fvc: list[FvcPoint]
) -> list[EncalsInput]:
    """The eight ENCALS inputs as the engine takes them (``outcomes.patient``), each with where
    it came from, or what is needed. FVC is the first % predicted on record."""
    onset, first = patient.onset_date, (out.visits[0] if out and out.visits else None)
    inputs = []

    if out is not None and out.delta_fs is not None and first is not None:
        inputs.append(
            EncalsInput(
                "ΔFS (points lost per month)",
                f"{out.delta_fs:.2f}",
                f"(48 − {first.total}) ÷ {first.months_since_onset:.1f} months since onset, "
                f"from the first ALSFRS-R ({_day(first.visit_date)})",
                "",
            )
        )
    else:
        inputs.append(
            EncalsInput(
                "ΔFS (points lost per month)",
                None,
                "",
                "an ALSFRS-R dated after symptom onset.",
            )
        )

    delay = _months(onset, patient.diagnosis_date)
    inputs.append(
        EncalsInput(
            "Time from onset to diagnosis",
            f"{delay:.1f} months" if delay is not None else None,
            f"{_day(onset)} to {_day(patient.diagnosis_date)}" if delay is not None else "",
            "" if delay is not None else "the date of diagnosis.",
        )
    )

    age = (
        (onset - patient.date_of_birth).days / DAYS_PER_YEAR
        if onset and patient.date_of_birth
        else None
    )
    inputs.append(
        EncalsInput(
            "Age at onset",
            f"{age:.1f} years" if age is not None else None,
            "from the date of birth and symptom onset" if age is not None else "",
            "" if age is not None else "the date of birth.",
        )
    )

    first_fvc = next((p for p in fvc if p.percent is not None), None)
    if first_fvc is not None:
        how = (
            f"computed with {first_fvc.equation}"
            if first_fvc.source == "computed"
            else "as entered from a report"
        )
        inputs.append(
            EncalsInput(
                "FVC % predicted",
                f"{first_fvc.percent:.1f} %",
                f"first on record ({_day(first_fvc.measured_on)}), {how}",
                "",
            )
        )
    else:
        facts = _missing_facts(patient)
        if facts and any(p.litres is not None for p in fvc):
            needs = (
                f"the patient's {' and '.join(facts)}, to work out % predicted from the FVC "
                "in litres; or FVC % predicted from a report."
            )
        elif any(p.litres is not None for p in fvc):
            needs = (
                "FVC % predicted from a report, or an FVC in litres at an age the equation covers."
            )
        else:
            needs = (
                "a spirometry with FVC in litres (with the patient's height, sex and date of "
                "birth), or FVC % predicted from a report."
            )
        inputs.append(EncalsInput("FVC % predicted", None, "", needs))

    site = patient.onset_site
    inputs.append(
        EncalsInput(
            "Bulbar onset",
            ("Yes" if site == "bulbar" else f"No ({patient.get_onset_site_display().lower()})")
            if site
            else None,
            "site of onset" if site else "",
            "" if site else "the site of onset.",
        )
    )
    eec = patient.el_escorial
    inputs.append(
        EncalsInput(
            "El Escorial: definite ALS",
            ("Yes" if eec == "definite" else f"No ({patient.get_el_escorial_display().lower()})")
            if eec
            else None,
            "revised El Escorial category" if eec else "",
            "" if eec else "the El Escorial category.",
        )
    )
    for name, value, needs in (
        (
            "Frontotemporal dementia",
            patient.ftd,
            "whether the patient has frontotemporal dementia (yes or no).",
        ),
        ("C9orf72 repeat expansion", patient.c9orf72, "the C9orf72 test result (yes or no)."),
    ):
        inputs.append(
            EncalsInput(
                name,
                None if value is None else ("Yes" if value else "No"),
                "" if value is None else "recorded",
                needs if value is None else "",
            )
        )
    return inputs


def _survival(
    records: ProgressionRecords,
    out: PatientOutcomes | None,
    inputs: list[EncalsInput],
    axis_months: float,
) -> SurvivalPrediction:
    patient = records.patient
    lp, median = (out.encals_lp, out.encals_median_months) if out else (None, None)
    needs = ""
    if lp is None and not any(i.value is None for i in inputs):
        delay = _months(patient.onset_date, patient.diagnosis_date)
        needs = (
            "The date of diagnosis must be after the date of symptom onset."
            if delay is not None and delay <= 0
            else "An input is outside the range the model accepts."
        )

    observed = None
    onset = patient.onset_date
    if onset is not None:
        if patient.death_date:
            observed = ("died", patient.death_date)
        elif patient.tracheostomy_date:
            observed = ("tracheostomy", patient.tracheostomy_date)
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
        needs=needs,
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
                f"Course {course.number} started: {course.programme}",
            )
        )
        for dose in course.administrations.all():
            events.append(
                TimelineEvent(
                    dose.given_on,
                    _months(onset, dose.given_on),
                    "dose",
                    f"Cells given (course {course.number}): {dose.dose_cells:,} cells, "
                    f"{dose.get_route_display().lower()}",
                )
            )
    for event in records.adverse_events:
        serious = "Serious adverse event" if event.serious else "Adverse event"
        events.append(
            TimelineEvent(
                event.onset_date,
                _months(onset, event.onset_date),
                "sae" if event.serious else "ae",
                f"{serious}, grade {event.grade}: {event.description}",
            )
        )
    if patient.tracheostomy_date:
        day = patient.tracheostomy_date
        events.append(TimelineEvent(day, _months(onset, day), "tracheostomy", "Tracheostomy"))
    if patient.death_date:
        day = patient.death_date
        events.append(TimelineEvent(day, _months(onset, day), "death", "Died"))
    order = {"course": 0, "dose": 1, "ae": 2, "sae": 2, "tracheostomy": 3, "death": 4}
    events.sort(key=lambda e: (e.day, order[e.kind]))
    return events


_ENGINE_WORDS = (
    ("visit_date", "is dated"),
    ("death_date", "the date of death"),
    ("onset_date", "the date of symptom onset"),
    ("duplicate visit on", "a second ALSFRS-R on"),
)


def _plain(problem: str, alsfrs: list[Any]) -> str:
    """The engine's problem message with "visit 3" named by its date, in plainer words."""
    match = re.match(r"visit (\d+): (.*)", problem)
    if match is None:
        return problem
    index, text = int(match.group(1)) - 1, match.group(2)
    for word, plain in _ENGINE_WORDS:
        text = text.replace(word, plain)
    text = re.sub(r"^is dated \d{4}-\d{2}-\d{2} ", "", text)
    text = re.sub(r"\d{4}-\d{2}-\d{2}", lambda m: _day(date.fromisoformat(m.group())), text)
    day = alsfrs[index].assessed_on if 0 <= index < len(alsfrs) else None
    return f"The ALSFRS-R of {_day(day)} {text}." if day else f"{text}."


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
    problems: list[str] = []
    outcomes: list[PatientOutcomes] = []

    if onset is not None:
        first_fvc = next((p for p in fvc if p.percent is not None), None)
        mapping = {
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
        visit_rows = [{"visit_date": r.assessed_on, **_items(r)} for r in records.alsfrs]
        # The visits, ΔFS, slope and ENCALS do not depend on the treatment date, so one call
        # per course (or one without a course) gives everything.
        treatment_dates = [c.started_on for c in records.courses] or [None]
        try:
            outcomes = [
                patient_outcomes({**mapping, "treatment_date": t}, visit_rows, as_of=today)
                for t in treatment_dates
            ]
        except InvalidPatientError as error:
            problems = [_plain(problem, records.alsfrs) for problem in error.problems]
            outcomes = []

    out = outcomes[0] if outcomes else None
    if out is not None:
        respondents = {
            r.assessed_on: RESPONDENT_SHORT.get(r.respondent, r.respondent) for r in records.alsfrs
        }
        visits = tuple(
            AlsfrsPoint(
                assessed_on=v.visit_date,
                months=v.months_since_onset,
                total=v.total,
                bulbar=v.bulbar,
                fine_motor=v.fine_motor,
                gross_motor=v.gross_motor,
                respiratory=v.respiratory,
                kings=v.kings,
                mitos=v.mitos,
                respondent=respondents.get(v.visit_date, ""),
            )
            for v in out.visits
        )
    else:
        visits = tuple(_score_each(records.alsfrs, onset))

    if onset is None:
        blocked = "Needs the date of symptom onset."
    elif problems:
        blocked = "Cannot be computed until the records listed above are corrected."
    else:
        blocked = ""

    delta_fs_needs = slope_needs = blocked
    if out is not None:
        if out.delta_fs is None:
            delta_fs_needs = (
                "Needs an ALSFRS-R dated after the date of symptom onset."
                if out.visits
                else "Needs an ALSFRS-R."
            )
        if out.slope_ols is None:
            slope_needs = "Needs ALSFRS-R on at least two different days."

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
        inputs = _encals_inputs(patient, out, fvc)
        survival = _survival(records, out, inputs, axis)

    return Progression(
        study_id=patient.study_id,
        onset_date=onset,
        death_date=patient.death_date,
        problems=tuple(problems),
        visits=visits,
        fvc=tuple(fvc),
        events=tuple(events),
        delta_fs=out.delta_fs if out else None,
        delta_fs_needs=delta_fs_needs,
        slope_ols=out.slope_ols if out else None,
        slope_ols_needs=slope_needs,
        current_kings=out.current_kings if out else None,
        current_mitos=out.current_mitos if out else None,
        courses=courses,
        survival=survival,
        axis_months=axis,
    )
