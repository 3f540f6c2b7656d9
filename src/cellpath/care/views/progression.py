"""The progression page: a patient's measured course beside what the outcomes engine predicts.

The view reads (scoped and audited), computes with `care.progression`, and draws the charts
here from that plain data; the template puts a table of the plotted values under each chart.
"""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString

from cellpath.accounts.access import role_required
from cellpath.accounts.roles import Role
from cellpath.care.progression import Progression, TimelineEvent, build_progression, charts
from cellpath.care.queries.progression import progression_records

# Event marks: label, colour class, marker, hollow, dash. Each kind differs by shape too.
EVENT_KINDS: dict[str, tuple[str, str, str, bool, str | None]] = {
    "course": ("Course started", "ev-course", "square", True, "6 3"),
    "dose": ("Cells given", "ev-dose", "triangle", False, "2 3"),
    "ae": ("Adverse event", "ev-ae", "diamond", True, "2 3"),
    "sae": ("Serious adverse event", "ev-sae", "diamond", False, None),
    "tracheostomy": ("Tracheostomy", "ev-trach", "circle", True, "6 3"),
    "death": ("Died", "ev-death", "cross", False, None),
}
TREATMENT_KINDS = ("course", "dose", "death")


def _event_groups(
    events: tuple[TimelineEvent, ...], kinds: tuple[str, ...] = tuple(EVENT_KINDS)
) -> list[charts.EventGroup]:
    groups = []
    for kind in kinds:
        label, css, marker, hollow, dash = EVENT_KINDS[kind]
        marks = [
            charts.EventMark(e.months, f"{e.day:%d %b %Y}: {e.text}")
            for e in events
            if e.kind == kind and e.months is not None
        ]
        if marks:
            groups.append(charts.EventGroup(label, marks, css, marker, hollow, dash))
    return groups


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _months_axis(end: float) -> charts.Axis:
    """Months since onset, ticked every 3, 6 or 12 months (quarters and years read best)."""
    step = 3 if end <= 24 else 6 if end <= 60 else 12
    ticks = [float(t) for t in range(0, int(end) + 1, step)]
    return charts.Axis("Months since symptom onset", 0, end, ticks=ticks)


def _time_axis(p: Progression) -> charts.Axis:
    return _months_axis(p.axis_months)


def _marked(events: tuple[TimelineEvent, ...], kinds: tuple[str, ...]) -> str:
    counts = []
    for k in kinds:
        n = sum(e.kind == k for e in events)
        if n:
            counts.append(f"{EVENT_KINDS[k][0].lower()} ({n})")
    return f" Marked on the time axis: {', '.join(counts)}." if counts else ""


def _alsfrs_charts(p: Progression) -> dict[str, SafeString]:
    if not p.visits or not p.charts_possible:
        return {}
    visits = p.visits
    first, last = visits[0], visits[-1]
    span = (
        f"{_count(len(visits), 'ALSFRS-R', 'ALSFRS-R assessments')} from "
        f"{first.months:.1f} to {last.months:.1f} months since onset"
    )
    total = charts.line_chart(
        chart_id="chart-alsfrs-total",
        title="ALSFRS-R total over months since symptom onset",
        description=(
            f"{span}; the total went from {first.total} to {last.total} out of 48."
            f"{_marked(p.events, tuple(EVENT_KINDS))} The table below lists every value."
        ),
        x_axis=_time_axis(p),
        y_axis=charts.Axis("ALSFRS-R total (0–48)", 0, 48, ticks=range(0, 49, 8)),
        series=[
            charts.Series(
                "ALSFRS-R total",
                [
                    charts.Point(v.months, v.total, f"{v.assessed_on:%d %b %Y}: {v.total}")
                    for v in visits
                ],
                "s1",
                marker="circle",
            )
        ],
        events=_event_groups(p.events),
    )
    domains = [
        ("Bulbar", "bulbar", "s2", "circle", None),
        ("Fine motor", "fine_motor", "s3", "square", "7 3"),
        ("Gross motor", "gross_motor", "s4", "triangle", "2 3"),
        ("Respiratory", "respiratory", "s5", "diamond", "9 3 2 3"),
    ]
    domain_chart = charts.line_chart(
        chart_id="chart-alsfrs-domains",
        title="ALSFRS-R domain subscores over months since symptom onset",
        description=(
            f"{span}; latest subscores out of 12: bulbar {last.bulbar}, fine motor "
            f"{last.fine_motor}, gross motor {last.gross_motor}, respiratory {last.respiratory}."
            f"{_marked(p.events, TREATMENT_KINDS)} The table below lists every value."
        ),
        x_axis=_time_axis(p),
        y_axis=charts.Axis("Subscore (0–12)", 0, 12, ticks=range(0, 13, 2)),
        series=[
            charts.Series(
                label,
                [
                    charts.Point(
                        v.months, getattr(v, key), f"{v.assessed_on:%d %b %Y}: {getattr(v, key)}"
                    )
                    for v in visits
                ],
                css,
                marker=marker,
                dash=dash,
            )
            for label, key, css, marker, dash in domains
        ],
        events=_event_groups(p.events, TREATMENT_KINDS),
    )
    return {"total": total, "domains": domain_chart}


def _fvc_chart(p: Progression) -> SafeString | None:
    shown = [f for f in p.fvc if f.percent is not None and f.months is not None]
    if not shown:
        return None
    top = max(120.0, 20 * -(-max(f.percent for f in shown) // 20))

    def points(source: str) -> list[charts.Point]:
        return [
            charts.Point(f.months, f.percent, f"{f.measured_on:%d %b %Y}: {f.percent:.1f} %")
            for f in shown
            if f.source == source
        ]

    series = [
        s
        for s in (
            charts.Series("FVC % predicted, computed", points("computed"), "s2", "circle"),
            charts.Series(
                "FVC % predicted, as entered from a report",
                points("entered"),
                "s3",
                "square",
                dash="7 3",
                hollow=True,
            ),
        )
        if s.points
    ]
    return charts.line_chart(
        chart_id="chart-fvc",
        title="FVC % predicted over months since symptom onset",
        description=(
            f"{_count(len(shown), 'measurement', 'measurements')} from {shown[0].months:.1f} to "
            f"{shown[-1].months:.1f} months since onset; FVC went from {shown[0].percent:.0f} % "
            f"to {shown[-1].percent:.0f} % predicted.{_marked(p.events, TREATMENT_KINDS)} "
            "The table below lists every value and how it was obtained."
        ),
        x_axis=_time_axis(p),
        y_axis=charts.Axis("FVC (% predicted)", 0, top),
        series=series,
        events=_event_groups(p.events, TREATMENT_KINDS),
    )


def _survival_chart(p: Progression) -> SafeString | None:
    survival = p.survival
    if survival is None or not survival.curve:
        return None
    end = survival.curve[-1][0]
    guides = [charts.Guide("y", 0.5, "50 %")]
    median = survival.median_months
    if median is not None:
        guides.append(charts.Guide("x", median, f"Predicted median: {median:.1f} months"))
    events = []
    observed = survival.observed
    if observed is not None:
        marker, hollow = {"died": ("cross", False), "tracheostomy": ("circle", True)}.get(
            observed.kind, ("circle", True)
        )
        label = {
            "died": "Died",
            "tracheostomy": "Tracheostomy",
            "alive": "Alive at the last record",
        }[observed.kind]
        events.append(
            charts.EventGroup(
                f"Observed: {label.lower()} ({observed.months:.1f} months)",
                [charts.EventMark(observed.months, observed.text)],
                "ev-death" if observed.kind == "died" else "ev-observed",
                marker,
                hollow,
                None,
            )
        )
    median_text = f" The predicted median is {median:.1f} months." if median is not None else ""
    observed_text = f" {observed.text}" if observed is not None else ""
    return charts.line_chart(
        chart_id="chart-encals",
        title="ENCALS predicted probability of being event-free over months since onset",
        description=(
            "The curve falls from 100 % at onset."
            f"{median_text}{observed_text} The table below lists the curve every 12 months."
        ),
        x_axis=_months_axis(end),
        y_axis=charts.Axis(
            "Predicted probability",
            0,
            1,
            ticks=[0, 0.25, 0.5, 0.75, 1],
            tick_format=lambda v: f"{v * 100:.0f} %",
        ),
        series=[
            charts.Series(
                "Predicted probability of no event (ENCALS)",
                [charts.Point(t, s, "") for t, s in survival.curve],
                "s1",
                marker="none",
            )
        ],
        events=events,
        guides=guides,
    )


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def _months(m: float | None) -> str:
    return "—" if m is None else f"{m:.1f}"


def _table_rows(p: Progression) -> dict[str, list[tuple]]:
    """The long tables under the charts, as plain strings: a 40-visit history renders several
    times faster than through per-cell template filters."""
    return {
        "visits": [
            (
                _day(v.assessed_on),
                _months(v.months),
                str(v.total),
                v.kings,
                str(v.mitos),
                v.respondent,
            )
            for v in p.visits
        ],
        "domains": [
            (
                _day(v.assessed_on),
                _months(v.months),
                str(v.bulbar),
                str(v.fine_motor),
                str(v.gross_motor),
                str(v.respiratory),
            )
            for v in p.visits
        ],
        "fvc": [
            (
                _day(f.measured_on),
                _months(f.months),
                "—" if f.litres is None else str(f.litres),
                "—" if f.percent is None else f"{f.percent:.1f}",
                f.source,
                f"Worked out with {f.equation}" if f.source == "computed" else f.needs,
                "—" if f.svc_litres is None else str(f.svc_litres),
            )
            for f in p.fvc
        ],
        "events": [(_day(e.day), _months(e.months), e.text, e.kind == "sae") for e in p.events],
    }


@role_required(Role.PATIENT, Role.COORDINATOR, Role.CLINICIAN)
def patient_progression(request: HttpRequest, pk: int) -> HttpResponse:
    records = progression_records(user=request.user, pk=pk)
    if records is None:
        raise Http404
    progression = build_progression(records, today=timezone.localdate())
    own = records.patient.user_id == request.user.pk
    return render(
        request,
        "care/progression/page.html",
        {
            "patient": records.patient,
            "p": progression,
            "own": own,
            # the patient, or a caregiver they invited: plain-words framing, prediction on request
            "for_patient": not records.viewer_is_care_team,
            "can_edit": records.viewer_is_care_team,
            "rows": _table_rows(progression),
            "charts": {
                **_alsfrs_charts(progression),
                "fvc": _fvc_chart(progression),
                "survival": _survival_chart(progression),
            },
        },
    )
