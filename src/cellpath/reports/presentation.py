"""What the report template shows: the engine's report as rows of words and numbers, its charts
(server-side SVG, each with a table under it) and the generated *methods* paragraph.

One presentation for the staff page, its PDF and ``cellpath report`` (they render the same
template, ``reports/_report.html``). Numbers are formatted here, once.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cellpath.accounts.exports import csv_cell
from cellpath.care.progression.charts import Axis, Guide, Point, Series, line_chart
from cellpath.reports.analysis import stats, wording
from cellpath.reports.analysis.report import ANALYSIS_COLUMNS, CohortReport

__all__ = ["ENGINE_VERSION", "Presentation", "analysis_rows", "present"]

ENGINE_VERSION = "report-1"
SERIOUS_LISTED = 25
"""Serious adverse events the report lists, the most recent first (every one is on the site
dashboard and the patient's record; a report of thousands of courses would be pages of them)."""
"""Changes whenever a definition of the report changes; printed in the methods paragraph."""

#: The report's charts are drawn for a desktop page and A4 (the progression page's, narrower,
#: for a phone: ``charts.WIDTH``).
REPORT_CHART_WIDTH = 720


def number(value: float | None, digits: int = 1) -> str:
    """A figure as the report prints it; "–" where it is undefined."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if digits == 0:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}".replace("-", "−")


def interval(lower: float, upper: float, digits: int = 1) -> str:
    if not (math.isfinite(lower) and math.isfinite(upper)):
        return "–"
    return f"{number(lower, digits)} to {number(upper, digits)}"


def p_value(p: float) -> str:
    if not math.isfinite(p):
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _cell(value: object) -> str:
    """One cell of the analysis table: ISO dates, blank where undefined, 6 significant digits,
    text made safe to open in a spreadsheet (``accounts.exports.csv_cell``)."""
    if isinstance(value, np.datetime64):
        return "" if np.isnat(value) else str(value.astype("datetime64[D]"))
    if isinstance(value, float | np.floating):
        return "" if not math.isfinite(value) else f"{float(value):.6g}"
    if isinstance(value, int | np.integer):
        return str(int(value))
    return csv_cell(value)


def analysis_rows(report: CohortReport) -> Iterator[list[str]]:
    """The per-course analysis table: the header, then one row per treated course with every
    derived figure and every exclusion code (for ``csv.writer``)."""
    yield list(ANALYSIS_COLUMNS)
    table = report.table
    for i in range(report.n_courses):
        yield [_cell(table[column][i]) for column in ANALYSIS_COLUMNS]


def _left_out(pairs: tuple[tuple[str, int], ...]) -> str:
    return "; ".join(f"{n} {wording.EXCLUSION_WORDS.get(code, code)}" for code, n in pairs)


@dataclass
class Presentation:
    """The report as the template reads it."""

    report: CohortReport
    title: str
    subtitle: str
    filters: list[tuple[str, str]]
    flow: list[dict[str, Any]]
    baseline: list[dict[str, Any]]
    change: list[dict[str, Any]]
    slopes: dict[str, Any]
    responders: list[dict[str, Any]]
    survival: dict[str, Any]
    adverse_events: dict[str, Any] | None
    completeness: list[dict[str, Any]]
    methods: list[str]
    controls: dict[str, Any] | None = None
    charts: dict[str, str] = field(default_factory=dict)
    show_serious_list: bool = False


def present(
    report: CohortReport,
    *,
    title: str,
    subtitle: str = "",
    filters: Mapping[str, str] | None = None,
    generated_on: str = "",
    show_serious_list: bool = False,
) -> Presentation:
    """Format ``report`` for the template; ``filters`` are the filters applied, in words."""
    flow = [
        {
            "label": wording.FLOW.get(step.key, step.key),
            "count": step.count,
            "left": _left_out(step.left) if step.left else "",
        }
        for step in report.flow
    ]
    baseline = []
    for row in report.baseline:
        label = wording.BASELINE.get(row.key, row.key)
        if row.kind == "continuous":
            baseline.append(
                {
                    "label": label,
                    "value": f"{number(row.median)} [{number(row.q1)}–{number(row.q3)}]"
                    if row.n
                    else "–",
                    "n": row.n,
                    "missing": row.missing,
                }
            )
        else:
            level = wording.level_word(row.key, row.level)
            shown = label if row.level == "yes" else f"{label}: {level}"
            baseline.append(
                {
                    "label": shown,
                    "value": f"{row.count} ({number(row.percent, 0)} %)" if row.n else "–",
                    "n": row.n,
                    "missing": row.missing,
                }
            )
    change = [
        {
            "label": row.label,
            "n": row.n,
            "observed": number(row.observed),
            "observed_ci": interval(row.observed_lower, row.observed_upper),
            "expected": number(row.expected),
            "difference": number(row.difference),
            "difference_ci": interval(row.difference_lower, row.difference_upper),
            "left_out": _left_out(row.left_out),
        }
        for row in report.change
    ]
    d = report.slopes.difference
    slopes = {
        "n": report.slopes.n,
        "pre": number(report.slopes.pre_median, 2),
        "post": number(report.slopes.post_median, 2),
        "difference": number(d.median, 2),
        "difference_ci": interval(d.lower, d.upper, 2),
        "p": p_value(d.wilcoxon.p_value),
        "left_out": _left_out(report.slopes.left_out),
    }
    responders = []
    for row in report.responders:
        name, definition = wording.DEFINITIONS[row.definition]
        responders.append(
            {
                "name": name,
                "definition": definition,
                "responders": row.responders,
                "all_treated": row.all_treated,
                "all": f"{number(row.all_percent, 0)} %" if row.all_treated else "–",
                "all_ci": interval(row.all_lower, row.all_upper, 0),
                "evaluable": row.evaluable,
                "eval": f"{number(row.evaluable_percent, 0)} %" if row.evaluable else "–",
                "eval_ci": interval(row.evaluable_lower, row.evaluable_upper, 0),
                "placebo": row.placebo,
            }
        )
    s = report.survival
    oe = s.oe
    survival = {
        "n": s.n,
        "events": s.events,
        "by_kind": ", ".join(f"{n} {wording.ENDPOINTS[k]}" for k, n in s.events_by_kind),
        "median_follow_up": number(s.median_follow_up_months),
        "onset_median": number(s.onset_median_months),
        "predicted_median": number(s.predicted_median_months),
        "at_risk": s.at_risk,
        "n_expected": s.n_expected,
        "observed": oe.observed if oe else None,
        "expected": number(oe.expected) if oe else "–",
        "ratio": number(oe.ratio, 2) if oe else "–",
        "ratio_ci": interval(oe.lower, oe.upper, 2) if oe else "–",
        "z": number(oe.z, 2) if oe else "–",
        "p": p_value(oe.p_value) if oe else "–",
        "left_out": _left_out(s.left_out),
        "table": _survival_table(s),
    }
    ae = report.adverse_events
    adverse = None
    if ae is not None:
        adverse = {
            "events": ae.events,
            "patients_with_event": ae.patients_with_event,
            "patients": ae.patients,
            "patient_years": number(ae.patient_years),
            "rate": number(ae.per_100_patient_years),
            "by_seriousness": [
                ("Serious" if k == "serious" else "Not serious", n) for k, n in ae.by_seriousness
            ],
            "by_grade": [(f"Grade {g}", n) for g, n in ae.by_grade],
            "by_relatedness": [
                (
                    {
                        "cells": "Possibly or more related to the cells",
                        "procedure": "Related to the procedure, not the cells",
                        "neither": "Not related",
                        "unknown": "Relatedness not assessed",
                    }[k],
                    n,
                )
                for k, n in ae.by_relatedness
            ],
            "serious": [
                {
                    "course": e.get("course_label", e.get("patient_id")),
                    "onset": str(np.datetime64(e.get("onset_date"), "D")),
                    "grade": int(e.get("grade") or 0),
                    "relatedness": e.get("relatedness"),
                    "description": e.get("description", ""),
                    "outcome": e.get("outcome", ""),
                }
                for e in sorted(ae.serious, key=lambda e: e.get("onset_date"), reverse=True)[
                    :SERIOUS_LISTED
                ]
            ],
            "serious_total": len(ae.serious),
        }
    completeness = [
        {
            "label": row.label,
            "due": row.due,
            "alsfrs": row.alsfrs_done,
            "alsfrs_pct": f"{number(100.0 * row.alsfrs_done / row.due, 0)} %" if row.due else "–",
            "fvc": row.fvc_done,
            "fvc_pct": f"{number(100.0 * row.fvc_done / row.due, 0)} %" if row.due else "–",
        }
        for row in report.completeness
    ]
    shown_filters = list((filters or {}).items())
    controls = _controls(report)
    pres = Presentation(
        report=report,
        title=title,
        subtitle=subtitle,
        filters=shown_filters,
        flow=flow,
        baseline=baseline,
        change=change,
        slopes=slopes,
        responders=responders,
        survival=survival,
        adverse_events=adverse,
        completeness=completeness,
        methods=methods(report, shown_filters, generated_on),
        show_serious_list=show_serious_list,
        controls=controls,
    )
    pres.charts = {
        "survival": survival_chart(report),
        "change": change_chart(report),
    }
    if report.controls is not None:
        pres.charts["controls"] = controls_chart(report)
    return pres


BALANCE_WORDS = {
    "age": "Age at index (years)",
    "months_since_onset": "Months since onset at index",
    "index_total": "ALSFRS-R total at index",
    "pre_slope": "ALSFRS-R slope before index (points a month)",
    "bulbar_onset": "Bulbar onset (%)",
    "male": "Male (%)",
}

NO_MATCH_WORDS = {
    "missing_covariate": "age, onset or site of onset not recorded",
    "no_lead_in": "fewer than two ALSFRS-R in the year before treatment",
    "lead_in_too_short": "ALSFRS-R before treatment too close together or too long before it",
    "no_candidate_within_calipers": "no control of similar age, duration and site of onset",
    "no_trajectory_overlap": "no control's ALSFRS-R history overlaps enough",
    "beyond_max_distance": "no control close enough",
    "controls_used_up": "every suitable control was already matched",
}


def _controls(report: CohortReport) -> dict[str, Any] | None:
    c = report.controls
    if c is None:
        return None
    a = c.outcomes.alsfrs_change
    e = c.outcomes.composite

    def mean_sd(mean: float, sd: float, binary: bool) -> str:
        if binary:
            return f"{number(100 * mean, 0)} %"
        return f"{number(mean)} ({number(sd)})"

    return {
        "name": c.name,
        "n_pool": c.n_pool,
        "n_eligible": c.n_eligible,
        "matched": sum(c.match_counts[1:]),
        "unmatched": c.match_counts[0],
        "n_controls": c.n_controls,
        "no_match": "; ".join(f"{n} {NO_MATCH_WORDS.get(k, k)}" for k, n in c.no_match),
        "balance": [
            {
                "label": BALANCE_WORDS.get(b.variable, b.variable),
                "treated": mean_sd(b.matched_treated_mean, b.matched_treated_sd, b.binary),
                "before": mean_sd(b.before_mean, b.before_sd, b.binary),
                "smd_before": number(b.smd_before, 2),
                "after": mean_sd(b.after_mean, b.after_sd, b.binary),
                "smd_after": number(b.smd_after, 2),
            }
            for b in c.balance
        ],
        "change": {
            "treated_n": a.treated_n,
            "treated": number(a.treated_mean),
            "controls_n": a.controls_n,
            "controls": number(a.controls_mean),
            "difference": number(a.difference),
            "ci": interval(a.ci_low, a.ci_high),
            "p": p_value(a.p),
        },
        "endpoint": {
            "treated_n": e.treated.n,
            "treated_events": e.treated.events,
            "treated_12": f"{number(100 * e.treated.km_12_months, 0)} %"
            if math.isfinite(e.treated.km_12_months)
            else "–",
            "controls_n": e.controls.n,
            "controls_events": e.controls.events,
            "controls_12": f"{number(100 * e.controls.km_12_months, 0)} %"
            if math.isfinite(e.controls.km_12_months)
            else "–",
            "p": p_value(e.logrank.p),
        },
    }


def controls_chart(report: CohortReport) -> str:
    """Event-free since index: the matched courses against their matched controls."""
    c = report.controls
    assert c is not None
    ends = [k.end for k in (c.km_treated, c.km_controls) if math.isfinite(k.end)]
    horizon = max([12.0, *ends])
    return line_chart(
        width=REPORT_CHART_WIDTH,
        chart_id="controls-chart",
        title="Treated courses and matched controls: free of the endpoint since index",
        description=(
            "Kaplan–Meier curves of the composite endpoint from treatment (or the matched "
            "control's index visit). The table beside the chart gives events and 12-month "
            "figures."
        ),
        x_axis=Axis("Months since index", 0.0, horizon),
        y_axis=Axis("Event-free (%)", 0.0, 100.0, ticks=[0, 25, 50, 75, 100]),
        series=[
            Series(
                "Treated",
                _step_points(c.km_treated.time, c.km_treated.survival, c.km_treated.end, "Treated"),
                "s2",
                marker="none",
            ),
            Series(
                f"Matched controls ({c.name})",
                _step_points(
                    c.km_controls.time, c.km_controls.survival, c.km_controls.end, "Controls"
                ),
                "s3",
                marker="none",
                dash="8 4",
            ),
        ],
    )


def _survival_table(s: Any) -> list[dict[str, str]]:
    """Kaplan–Meier and expected at 0, 6, 12, … months since treatment: the chart's table."""
    rows = []
    for months, at_risk in s.at_risk:
        km = float(stats.survival_at(s.km, np.array([months], dtype=float))[0])
        lo, hi = _band_at(s.km, months)
        inside = months <= float(s.expected_months[-1])
        expected = (
            float(np.interp(months, s.expected_months, s.expected_survival))
            if inside
            else float("nan")
        )
        rows.append(
            {
                "months": months,
                "at_risk": at_risk,
                "observed": f"{number(100 * km, 0)} %" if math.isfinite(km) else "–",
                "ci": interval(100 * lo, 100 * hi, 0),
                "expected": f"{number(100 * expected, 0)} %" if math.isfinite(expected) else "–",
            }
        )
    return rows


def _band_at(km: stats.KaplanMeier, months: float) -> tuple[float, float]:
    idx = int(np.searchsorted(km.time, months, side="right")) - 1
    if idx < 0 or months > km.end:
        return float("nan"), float("nan")
    return float(km.lower[idx]), float(km.upper[idx])


def _step_points(
    times: np.ndarray, values: np.ndarray, end: float, what: str, *, titled: bool = True
) -> list[Point]:
    """The step curve's corners; ``titled``: each step with its tooltip (a series drawn without
    markers shows none, and a large cohort's curve has thousands of steps)."""
    points: list[Point] = []
    for i, (t, v) in enumerate(zip(times.tolist(), values.tolist(), strict=True)):
        if not math.isfinite(v):
            continue
        if i:
            points.append(Point(t, 100 * values[i - 1], ""))
        title = f"{what} {number(100 * v, 0)} % at {number(t)} months" if titled else ""
        points.append(Point(t, 100 * v, title))
    if points and math.isfinite(end):
        points.append(Point(end, points[-1].y, ""))
    return points


def survival_chart(report: CohortReport) -> str:
    """Kaplan–Meier since treatment (95 % CI) beside the curve ENCALS expected."""
    s = report.survival
    km = s.km
    horizon = max(12.0, float(km.end) if math.isfinite(km.end) else 12.0)
    series = [
        Series(
            "Observed (Kaplan–Meier)",
            _step_points(km.time, km.survival, km.end, "Observed", titled=False),
            "s1",
            marker="none",
        ),
        Series(
            "95 % CI, lower",
            _step_points(km.time, km.lower, km.end, "Lower bound", titled=False),
            "s1",
            marker="none",
            dash="2 3",
        ),
        Series(
            "95 % CI, upper",
            _step_points(km.time, km.upper, km.end, "Upper bound", titled=False),
            "s1",
            marker="none",
            dash="2 3",
        ),
    ]
    keep = s.expected_months <= horizon
    if np.isfinite(s.expected_survival).any():
        series.append(
            Series(
                "Expected from ENCALS",
                [
                    Point(float(t), 100 * float(v), f"Expected {number(100 * v, 0)} %")
                    for t, v in zip(s.expected_months[keep], s.expected_survival[keep], strict=True)
                ],
                "s3",
                marker="none",
                dash="8 4",
            )
        )
    return line_chart(
        width=REPORT_CHART_WIDTH,
        chart_id="survival-chart",
        title="Free of death, tracheostomy and full-time ventilation since treatment",
        description=(
            f"{s.n} treated courses, {s.events} events. Observed Kaplan–Meier curve with its "
            "95 % confidence interval, and the curve expected from each patient's ENCALS "
            "prediction. The table below gives the same figures."
        ),
        x_axis=Axis("Months since the first dose", 0.0, horizon),
        y_axis=Axis("Event-free (%)", 0.0, 100.0, ticks=[0, 25, 50, 75, 100]),
        series=series,
    )


def change_chart(report: CohortReport) -> str:
    """Mean ALSFRS-R change from baseline (95 % CI) beside the decline carried forward."""
    rows = [r for r in report.change if r.n]
    observed = [
        Point(r.months, r.observed, f"{r.label}: {number(r.observed)} (n = {r.n})") for r in rows
    ]
    lower = [Point(r.months, r.observed_lower, "") for r in rows if math.isfinite(r.observed_lower)]
    upper = [Point(r.months, r.observed_upper, "") for r in rows if math.isfinite(r.observed_upper)]
    expected = [
        Point(r.months, r.expected, f"{r.label}: expected {number(r.expected)}")
        for r in rows
        if math.isfinite(r.expected)
    ]
    values = [p.y for p in (*observed, *lower, *upper, *expected)] or [0.0]
    lo = math.floor(min(min(values), 0.0) - 1)
    hi = math.ceil(max(max(values), 0.0) + 1)
    return line_chart(
        width=REPORT_CHART_WIDTH,
        chart_id="change-chart",
        title="ALSFRS-R change from baseline after treatment",
        description=(
            "Mean change in ALSFRS-R total at each follow-up point with its 95 % confidence "
            "interval, beside the change expected if each patient's decline before treatment "
            "had continued. The table below gives the same figures."
        ),
        x_axis=Axis("Months since the first dose", 0.0, 12.5, ticks=[0, 1, 2, 3, 6, 9, 12]),
        y_axis=Axis("Change in ALSFRS-R (points)", lo, hi),
        series=[
            Series("Observed mean", observed, "s2", marker="circle"),
            Series("95 % CI, lower", lower, "s2", marker="none", dash="2 3"),
            Series("95 % CI, upper", upper, "s2", marker="none", dash="2 3"),
            Series("Decline before treatment carried forward", expected, "s3", "square", "8 4"),
        ],
        guides=[Guide("y", 0.0, "no change")],
    )


def methods(report: CohortReport, filters: list[tuple[str, str]], generated_on: str) -> list[str]:
    """The methods paragraph: definitions, denominators, version, date and filters."""
    chosen = "; ".join(f"{k}: {v}" for k, v in filters) or "none (every course you may see)"
    stamp = f", generated {generated_on}" if generated_on else ""
    return [
        f"Report of {report.n_courses} treated course(s) of {report.n_people} patient(s), "
        f"computed on {report.as_of} ({ENGINE_VERSION}{stamp}). Filters: {chosen}.",
        "Index date: the first dose of each course; months are 30.4375 days. Baseline is the "
        "last ALSFRS-R on or before the first dose. Each course is counted on its own; a "
        "patient with two courses appears twice.",
        "ALSFRS-R change: the assessment closest to each time point within the follow-up "
        "plan's window, minus baseline; mean with a 95 % t-interval. 'Expected' carries each "
        "patient's own decline before treatment forward (the slope from the first ALSFRS-R to "
        "baseline where they are at least a month apart, else ΔFS), never below the scale's 0. A "
        "line carried forward is not a control group, and scores measured after a "
        "worse-than-usual start tend to improve on their own (regression to the mean).",
        "Slopes: two-point slopes from the first ALSFRS-R to baseline, and from baseline to the "
        "assessment closest to 6 months after it (± 45 days); paired difference as a median "
        "with a distribution-free 95 % interval and the Wilcoxon signed-rank test.",
        "Responders at 6 months: Petrou 2016 (ALSFRS-R or FVC slope ≥ 25 % better), NurOwn "
        "phase 3 (Cudkowicz 2022; slope ≥ 1.25 points a month better), Oh 2018 (≥ 50, 75, 100 "
        "% better). 'All treated' counts every course whose 6-month window has closed, a death "
        "or missing assessment counting as not responding; 'evaluable' counts those with both "
        "slopes. Exact Clopper–Pearson 95 % intervals. Without a control group a responder "
        "rate cannot show an effect: in the NurOwn phase 3 trial placebo patients 'responded' "
        "too.",
        "Survival: the composite endpoint ENCALS predicts (Westeneng 2018) — death, "
        "tracheostomy or non-invasive ventilation more than 23 hours a day — counted from the "
        "first dose, censored at the last contact. Kaplan–Meier with Greenwood log-log 95 % "
        "intervals. Expected events: the sum over patients of ln S(entry) − ln S(exit) on "
        "each patient's ENCALS curve, entering at treatment (delayed entry); observed/expected "
        "with an exact Poisson interval and the one-sample log-rank test (Finkelstein, "
        "Muzikansky & Schoenfeld 2003), which is conservative and ignores the model's own "
        "error.",
        "Adverse events: those starting on or after the first dose, graded with CTCAE v5; "
        "rates per 100 patient-years of follow-up from the first dose to the last contact.",
    ]
