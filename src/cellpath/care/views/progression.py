"""The progression page: a patient's measured course beside what the outcomes engine predicts.

The view reads (scoped and audited), computes with `care.progression.figures`, and lays out the
charts here from that plain data with `care.progression.charts`; every word comes from
`care.progression.wording`. The template puts a table of the plotted values under each chart.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods

from cellpath.accounts.access import role_required, site_ids_for
from cellpath.accounts.roles import Role
from cellpath.care.forms import PredictionReleaseForm, PredictionWithdrawForm
from cellpath.care.forms_entry import errors_into
from cellpath.care.progression import (
    CourseSlopes,
    Progression,
    TimelineEvent,
    build_progression,
    charts,
    wording,
)
from cellpath.care.queries.progression import prediction_release_live, progression_records
from cellpath.care.queries.records import patient_get
from cellpath.care.services import portal as portal_services

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


def _x(day: date) -> float:
    """Where a day sits on the charts' calendar axis (``charts.date_axis``)."""
    return float(day.toordinal())


def _event_groups(
    events: tuple[TimelineEvent, ...],
    words: wording.ChartWords,
    kinds: tuple[str, ...] = tuple(EVENT_KINDS),
) -> list[charts.EventGroup]:
    groups = []
    for kind in kinds:
        css, marker, hollow, dash = EVENT_KINDS[kind]
        marks = [
            charts.EventMark(_x(e.day), wording.point_title(e.day, wording.event_text(e, words)))
            for e in events
            if e.kind == kind
        ]
        if marks:
            label = wording.event_label(kind, words)
            groups.append(charts.EventGroup(label, marks, css, marker, hollow, dash))
    return groups


def _months_axis(end: float, words: wording.ChartWords) -> charts.Axis:
    """Months since onset, ticked every 3, 6, 12, 24, 36 or 60 months (quarters and years read
    best), at most 9 ticks so that their labels stay apart on a phone."""
    step = next((k for k in (3, 6, 12, 24, 36) if end / k <= 8), 60)
    ticks = [float(t) for t in range(0, int(end) + 1, step)]
    return charts.Axis(words.months_axis, 0, end, ticks=ticks)


def _time_axis(p: Progression, words: wording.ChartWords) -> charts.Axis:
    """Calendar dates from the first record to the last (ALSFRS-R, spirometry, courses, doses,
    adverse events and the endpoints): the charts of the measured course share it."""
    days = [
        *(v.assessed_on for v in p.visits),
        *(f.measured_on for f in p.fvc),
        *(e.day for e in p.events),
    ]
    return charts.date_axis(words.date_axis, min(days), max(days))


def _carried_forward(p: Progression, words: wording.ChartWords) -> list[charts.Series]:
    """The decline before the first course carried forward, a dashed line without markers."""
    cf = p.carried_forward
    if cf is None:
        return []
    line = [charts.Point(_x(d), value, "") for d, value in cf.line]
    return [charts.Series(words.expected_series, line, "s-expected", marker="none", dash="8 5")]


def _alsfrs_charts(p: Progression, words: wording.ChartWords) -> dict[str, SafeString]:
    if not p.visits or not p.charts_possible:
        return {}
    visits = p.visits
    axis = _time_axis(p, words)
    total = charts.line_chart(
        chart_id="chart-alsfrs-total",
        title=words.total_title,
        description=wording.total_description(p, tuple(EVENT_KINDS), words),
        x_axis=axis,
        y_axis=charts.Axis(words.total_axis, 0, 48, ticks=range(0, 49, 8)),
        series=[
            charts.Series(
                words.total_series,
                [
                    charts.Point(
                        _x(v.assessed_on), v.total, wording.point_title(v.assessed_on, str(v.total))
                    )
                    for v in visits
                ],
                "s1",
                marker="circle",
            ),
            *_carried_forward(p, words),
        ],
        events=_event_groups(p.events, words),
    )
    domains = [
        ("bulbar", "s2", "circle", None),
        ("fine_motor", "s3", "square", "7 3"),
        ("gross_motor", "s4", "triangle", "2 3"),
        ("respiratory", "s5", "diamond", "9 3 2 3"),
    ]
    domain_chart = charts.line_chart(
        chart_id="chart-alsfrs-domains",
        title=words.domains_title,
        description=wording.domains_description(p, TREATMENT_KINDS, words),
        x_axis=axis,
        y_axis=charts.Axis(words.domains_axis, 0, 12, ticks=range(0, 13, 2)),
        series=[
            charts.Series(
                words.domain_names[key],
                [
                    charts.Point(
                        _x(v.assessed_on),
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
        events=_event_groups(p.events, words, TREATMENT_KINDS),
    )
    return {"total": total, "domains": domain_chart}


def _fvc_chart(p: Progression, words: wording.ChartWords) -> SafeString | None:
    shown = [f for f in p.fvc if f.percent is not None]
    if not shown:
        return None
    top = max(120.0, 20 * -(-max(f.percent for f in shown) // 20))

    def points(source: str) -> list[charts.Point]:
        return [
            charts.Point(
                _x(f.measured_on),
                f.percent,
                wording.point_title(f.measured_on, f"{f.percent:.1f} %"),
            )
            for f in shown
            if f.source == source
        ]

    series = [
        s
        for s in (
            charts.Series(words.fvc_series["computed"], points("computed"), "s2", "circle"),
            charts.Series(
                words.fvc_series["entered"],
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
        title=words.fvc_title,
        description=wording.fvc_description(p, shown, TREATMENT_KINDS, words),
        x_axis=_time_axis(p, words),
        y_axis=charts.Axis(words.fvc_axis, 0, top),
        series=series,
        events=_event_groups(p.events, words, TREATMENT_KINDS),
    )


def _survival_chart(p: Progression, words: wording.ChartWords) -> SafeString | None:
    survival = p.survival
    if survival is None or not survival.curve:
        return None
    end = survival.curve[-1][0]
    guides = [charts.Guide("y", 0.5, wording.HALF)]
    median = survival.median_months
    if median is not None:
        guides.append(charts.Guide("x", median, wording.median_guide(median, words)))
    events = []
    # the patient's own course against the groups' curve is for the care team to explain
    observed = None if words.plain else survival.observed
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
        title=words.survival_title,
        description=wording.survival_description(median, observed, words),
        x_axis=_months_axis(end, words),
        y_axis=charts.Axis(
            words.survival_axis,
            0,
            1,
            ticks=[0, 0.25, 0.5, 0.75, 1],
            tick_format=wording.percent_tick,
        ),
        series=[
            charts.Series(
                words.survival_series,
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


def _table_rows(p: Progression, words: wording.ChartWords) -> dict[str, list[tuple]]:
    """The long tables under the charts, as plain strings: a 40-visit history renders several
    times faster than through per-cell template filters."""
    plain = words.plain
    expected = p.carried_forward.expected if p.carried_forward else {}
    return {
        "visits": [
            (
                wording.short_day(v.assessed_on),
                _months(v.months),
                str(v.total),
                f"{expected[v.assessed_on]:.1f}" if v.assessed_on in expected else "—",
                wording.plain_kings(v.kings) if plain else v.kings,
                wording.plain_mitos(v.mitos) if plain else str(v.mitos),
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
                wording.plain_fvc_how(f) if plain else wording.fvc_how(f),
                "—" if f.svc_litres is None else str(f.svc_litres),
            )
            for f in p.fvc
        ],
        "events": [
            (
                wording.short_day(e.day),
                _months(e.months),
                wording.event_text(e, words),
                e.kind == "sae",
            )
            for e in p.events
        ],
    }


def _plain_courses(p: Progression) -> list[tuple[CourseSlopes, str, str, str]]:
    return [
        (
            c,
            wording.plain_course_before(c),
            wording.plain_course_after(c),
            wording.plain_course_change(c),
        )
        for c in p.courses
    ]


@role_required(Role.PATIENT, Role.COORDINATOR, Role.CLINICIAN)
def patient_progression(request: HttpRequest, pk: int) -> HttpResponse:
    records = progression_records(user=request.user, pk=pk)
    if records is None:
        raise Http404
    progression = build_progression(records, today=timezone.localdate())
    # the patient, or a caregiver they invited: plain words, and the predicted survival only
    # once a clinician has discussed it with them and released it (issue 19)
    for_patient = not records.viewer_is_care_team
    if not records.prediction_shown:
        progression = dataclasses.replace(progression, survival=None)
    words = wording.PLAIN_CHARTS if for_patient else wording.STAFF_CHARTS
    can_release = records.patient.site_id in site_ids_for(request.user, [Role.CLINICIAN])
    return render(
        request,
        "care/progression/page.html",
        {
            "patient": records.patient,
            "p": progression,
            "own": records.patient.user_id == request.user.pk,
            "for_patient": for_patient,
            "can_edit": records.viewer_is_care_team,
            "release": records.release,
            "prediction_shown": records.prediction_shown,
            "can_release": can_release,
            "release_form": PredictionReleaseForm(prefix="release") if can_release else None,
            "withdraw_form": PredictionWithdrawForm(prefix="withdraw") if can_release else None,
            "plain": {
                "summary": wording.plain_summary(progression),
                "courses": _plain_courses(progression),
                "courses_intro": wording.PLAIN_COURSES_INTRO,
                "key": wording.PLAIN_KEY,
                "survival_heading": wording.PLAIN_SURVIVAL_HEADING,
                "survival_intro": wording.PLAIN_SURVIVAL_INTRO,
                "survival_needs": wording.PLAIN_SURVIVAL_NEEDS,
                "not_released": wording.plain_not_released(
                    records.patient.user_id == request.user.pk
                ),
                "released": wording.plain_released(
                    timezone.localdate(records.release.released_at),
                    records.release.note,
                    own=records.patient.user_id == request.user.pk,
                )
                if records.release
                else "",
                "survival_table": [
                    wording.plain_survival_row(t, s) for t, s in progression.survival.table
                ]
                if progression.survival
                else [],
            }
            if for_patient
            else None,
            "rows": _table_rows(progression, words),
            "charts": {
                **_alsfrs_charts(progression, words),
                "fvc": _fvc_chart(progression, words),
                "survival": _survival_chart(progression, words),
            },
        },
    )


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def prediction_release(request: HttpRequest, pk: int) -> HttpResponse:
    """A clinician releases the predicted survival to the patient and their caregivers, noting
    that it was discussed, or withdraws it. The forms are also on the progression page; this
    page shows them again with their errors."""
    patient = patient_get(user=request.user, pk=pk)
    if patient is None or patient.site_id not in site_ids_for(request.user, [Role.CLINICIAN]):
        raise Http404
    action = request.POST.get("action", "")
    forms = {
        "release": PredictionReleaseForm(
            request.POST if action == "release" else None, prefix="release"
        ),
        "withdraw": PredictionWithdrawForm(
            request.POST if action == "withdraw" else None, prefix="withdraw"
        ),
    }
    if request.method == "POST" and action in forms and forms[action].is_valid():
        note = forms[action].cleaned_data["note"]
        try:
            if action == "release":
                portal_services.prediction_release(actor=request.user, patient=patient, note=note)
            else:
                portal_services.prediction_withdraw(actor=request.user, patient=patient, note=note)
        except ValidationError as error:
            errors_into(forms[action], error)
        else:
            done = {
                "release": "The prediction is now shown to the patient and their caregivers.",
                "withdraw": "The prediction is hidden from the patient and their caregivers again.",
            }
            messages.success(request, done[action])
            return redirect(reverse("care:patient-progression", args=[patient.pk]) + "#release")
    return render(
        request,
        "care/progression/release.html",
        {
            "patient": patient,
            "release": prediction_release_live(user=request.user, patient=patient),
            "release_form": forms["release"],
            "withdraw_form": forms["withdraw"],
        },
    )
