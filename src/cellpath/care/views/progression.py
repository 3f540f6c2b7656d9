"""The progression page: a patient's measured course beside what the outcomes engine predicts.

The view reads (scoped and audited), computes with `care.progression.figures`, and lays out the
charts here from that plain data with `care.progression.charts`; every word comes from
`care.progression.wording`. The template puts a table of the plotted values under each chart.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString

from cellpath.accounts.access import role_required
from cellpath.accounts.roles import Role
from cellpath.care.progression import Progression, TimelineEvent, build_progression, charts, wording
from cellpath.care.queries.progression import progression_records

# Event marks: colour class, marker, hollow, dash. Each kind differs by shape too.
EVENT_KINDS: dict[str, tuple[str, str, bool, str | None]] = {
    "course": ("ev-course", "square", True, "6 3"),
    "dose": ("ev-dose", "triangle", False, "2 3"),
    "ae": ("ev-ae", "diamond", True, "2 3"),
    "sae": ("ev-sae", "diamond", False, None),
    "niv_full_time": ("ev-niv", "circle", False, "2 3"),
    "tracheostomy": ("ev-trach", "circle", True, "6 3"),
    "death": ("ev-death", "cross", False, None),
}
TREATMENT_KINDS = ("course", "dose", "death")


def _event_groups(
    events: tuple[TimelineEvent, ...], kinds: tuple[str, ...] = tuple(EVENT_KINDS)
) -> list[charts.EventGroup]:
    groups = []
    for kind in kinds:
        css, marker, hollow, dash = EVENT_KINDS[kind]
        marks = [
            charts.EventMark(e.months, wording.point_title(e.day, e.text))
            for e in events
            if e.kind == kind and e.months is not None
        ]
        if marks:
            label = wording.EVENT_LABELS[kind]
            groups.append(charts.EventGroup(label, marks, css, marker, hollow, dash))
    return groups


def _months_axis(end: float) -> charts.Axis:
    """Months since onset, ticked every 3, 6 or 12 months (quarters and years read best)."""
    step = 3 if end <= 24 else 6 if end <= 60 else 12
    ticks = [float(t) for t in range(0, int(end) + 1, step)]
    return charts.Axis(wording.MONTHS_AXIS, 0, end, ticks=ticks)


def _time_axis(p: Progression) -> charts.Axis:
    return _months_axis(p.axis_months)


def _alsfrs_charts(p: Progression) -> dict[str, SafeString]:
    if not p.visits or not p.charts_possible:
        return {}
    visits = p.visits
    total = charts.line_chart(
        chart_id="chart-alsfrs-total",
        title=wording.TOTAL_TITLE,
        description=wording.total_description(p, tuple(EVENT_KINDS)),
        x_axis=_time_axis(p),
        y_axis=charts.Axis(wording.TOTAL_AXIS, 0, 48, ticks=range(0, 49, 8)),
        series=[
            charts.Series(
                wording.TOTAL_SERIES,
                [
                    charts.Point(
                        v.months, v.total, wording.point_title(v.assessed_on, str(v.total))
                    )
                    for v in visits
                ],
                "s1",
                marker="circle",
            )
        ],
        events=_event_groups(p.events),
    )
    domains = [
        ("bulbar", "s2", "circle", None),
        ("fine_motor", "s3", "square", "7 3"),
        ("gross_motor", "s4", "triangle", "2 3"),
        ("respiratory", "s5", "diamond", "9 3 2 3"),
    ]
    domain_chart = charts.line_chart(
        chart_id="chart-alsfrs-domains",
        title=wording.DOMAINS_TITLE,
        description=wording.domains_description(p, TREATMENT_KINDS),
        x_axis=_time_axis(p),
        y_axis=charts.Axis(wording.DOMAINS_AXIS, 0, 12, ticks=range(0, 13, 2)),
        series=[
            charts.Series(
                wording.DOMAIN_NAMES[key],
                [
                    charts.Point(
                        v.months,
                        getattr(v, key),
                        wording.point_title(v.assessed_on, str(getattr(v, key))),
                    )
                    for v in visits
                ],
                css,
                marker=marker,
                dash=dash,
            )
            for key, css, marker, dash in domains
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
            charts.Point(
                f.months, f.percent, wording.point_title(f.measured_on, f"{f.percent:.1f} %")
            )
            for f in shown
            if f.source == source
        ]

    series = [
        s
        for s in (
            charts.Series(wording.FVC_SERIES["computed"], points("computed"), "s2", "circle"),
            charts.Series(
                wording.FVC_SERIES["entered"],
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
        title=wording.FVC_TITLE,
        description=wording.fvc_description(p, shown, TREATMENT_KINDS),
        x_axis=_time_axis(p),
        y_axis=charts.Axis(wording.FVC_AXIS, 0, top),
        series=series,
        events=_event_groups(p.events, TREATMENT_KINDS),
    )


def _survival_chart(p: Progression) -> SafeString | None:
    survival = p.survival
    if survival is None or not survival.curve:
        return None
    end = survival.curve[-1][0]
    guides = [charts.Guide("y", 0.5, wording.HALF)]
    median = survival.median_months
    if median is not None:
        guides.append(charts.Guide("x", median, wording.median_guide(median)))
    events = []
    observed = survival.observed
    if observed is not None:
        marker, hollow = {
            "died": ("cross", False),
            "tracheostomy": ("circle", True),
            "niv_full_time": ("circle", False),
        }.get(observed.kind, ("circle", True))
        events.append(
            charts.EventGroup(
                wording.observed_label(observed),
                [charts.EventMark(observed.months, observed.text)],
                "ev-death" if observed.kind == "died" else "ev-observed",
                marker,
                hollow,
                None,
            )
        )
    return charts.line_chart(
        chart_id="chart-encals",
        title=wording.SURVIVAL_TITLE,
        description=wording.survival_description(median, observed),
        x_axis=_months_axis(end),
        y_axis=charts.Axis(
            wording.SURVIVAL_AXIS,
            0,
            1,
            ticks=[0, 0.25, 0.5, 0.75, 1],
            tick_format=wording.percent_tick,
        ),
        series=[
            charts.Series(
                wording.SURVIVAL_SERIES,
                [charts.Point(t, s, "") for t, s in survival.curve],
                "s1",
                marker="none",
            )
        ],
        events=events,
        guides=guides,
    )


def _months(m: float | None) -> str:
    return "—" if m is None else f"{m:.1f}"


def _table_rows(p: Progression) -> dict[str, list[tuple]]:
    """The long tables under the charts, as plain strings: a 40-visit history renders several
    times faster than through per-cell template filters."""
    return {
        "visits": [
            (
                wording.short_day(v.assessed_on),
                _months(v.months),
                str(v.total),
                v.kings,
                str(v.mitos),
                wording.respondent(v.respondent),
            )
            for v in p.visits
        ],
        "domains": [
            (
                wording.short_day(v.assessed_on),
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
                wording.short_day(f.measured_on),
                _months(f.months),
                "—" if f.litres is None else str(f.litres),
                "—" if f.percent is None else f"{f.percent:.1f}",
                f.source,
                wording.fvc_how(f),
                "—" if f.svc_litres is None else str(f.svc_litres),
            )
            for f in p.fvc
        ],
        "events": [
            (wording.short_day(e.day), _months(e.months), e.text, e.kind == "sae") for e in p.events
        ],
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
