"""The site dashboard: what needs a coordinator's or clinician's attention at their sites.

Everything is filtered, counted, ordered and cut in the database (a site may hold 10,000
patients and 200,000 visits): a fixed number of queries per page, each returning at most
`LIMIT` rows (or counting at most `COUNT_CAP` + 1). A visit's window (due date ± window
days) is compared in SQL with `_DateShift`, because Django's duration arithmetic does not run on
SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from cellpath.accounts.audit import record_list
from cellpath.accounts.models import User
from cellpath.care.measurements import alsfrs_r_total_shown
from cellpath.care.models import AdverseEvent, AlsfrsR, Patient, Visit
from cellpath.care.models.assessments import Respondent
from cellpath.care.queries.conditions import (
    open_adverse_events,
    unsigned_visits,
    window_closes,
    window_opens,
)
from cellpath.care.queries.records import patients_visible_to

LIMIT = 50
COUNT_CAP = 1000
SELF_REPORT_DAYS = 30


@dataclass
class Dashboard:
    today: date
    limit: int
    due: list[Visit]
    overdue: list[Visit]
    due_count: int
    overdue_count: int
    serious_events: list[AdverseEvent]
    other_events: list[AdverseEvent]
    events_open: int
    events_serious: int
    self_reports: list[tuple[AlsfrsR, int | None]]
    self_reports_count: int
    unsigned: list[Visit]
    unsigned_count: int

    @property
    def events_other(self) -> int:
        return self.events_open - self.events_serious

    @property
    def self_reports_shown_as(self) -> str:
        return _counted(self.self_reports_count)

    @property
    def unsigned_shown_as(self) -> str:
        return _counted(self.unsigned_count)


def _counted(count: int) -> str:
    """Counts that stop at COUNT_CAP + 1 say so."""
    return f"more than {COUNT_CAP:,}" if count > COUNT_CAP else f"{count:,}"


def _count_beyond(shown: list[Any], rows: QuerySet[Any]) -> int:
    """How many `rows` there are, knowing the first LIMIT are `shown`: counted only when the
    list is full, and then up to COUNT_CAP + 1 (the database stops scanning there, which
    matters for a count that can run into the tens of thousands, like unsigned visits)."""
    if len(shown) < LIMIT:
        return len(shown)
    return rows.order_by().values("pk")[: COUNT_CAP + 1].count()


def _first(rows: QuerySet[Any], order: tuple[str, ...], related: tuple[str, ...]) -> list[Any]:
    """The first LIMIT rows in `order`: chosen among the narrow rows of one table, then fetched
    with their related rows. Sorting tens of thousands of rows joined to their patient, site
    and course is what makes a large table slow; sorting their ids is not."""
    ids = list(rows.order_by(*order).values_list("pk", flat=True)[:LIMIT])
    if not ids:
        return []
    return list(rows.model.objects.filter(pk__in=ids).select_related(*related).order_by(*order))


VISIT_RELATED = ("patient", "patient__site", "course")


def _visits_to_see(
    patients: QuerySet[Patient], today: date
) -> tuple[list[Visit], list[Visit], int, int]:
    """Visits due now (soonest first) and overdue (most recently missed first: those can still
    be caught up), the first LIMIT of each and how many there are: one pass over the visits,
    ranking the two groups with window functions, then one query for the rows shown.
    A deceased patient's missed visits are not anyone's to-do."""
    late = ExpressionWrapper(Q(_window_closes__lt=today), output_field=BooleanField())
    ranked = (
        Visit.objects.filter(
            patient__in=patients.filter(death_date__isnull=True), visit_date__isnull=True
        )
        .alias(_window_opens=window_opens(), _window_closes=window_closes())
        .filter(_window_opens__lte=today)
        .annotate(late=late)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("late")],
                order_by=[
                    Case(When(late=False, then=F("due_date"))).asc(),
                    Case(When(late=True, then=F("due_date"))).desc(),
                    Case(When(late=False, then=F("id"))).asc(),
                    Case(When(late=True, then=F("id"))).desc(),
                ],
            ),
            total=Window(Count("pk"), partition_by=[F("late")]),
        )
        .filter(rank__lte=LIMIT)
        .order_by()
        .values_list("pk", "late", "total")
    )
    ranked = list(ranked)
    late_by_pk = {pk: is_late for pk, is_late, _ in ranked}
    totals = {is_late: total for _, is_late, total in ranked}
    rows = list(Visit.objects.filter(pk__in=late_by_pk).select_related(*VISIT_RELATED))
    due = [v for v in rows if not late_by_pk[v.pk]]  # in the visits' order: soonest first
    overdue = sorted(
        (v for v in rows if late_by_pk[v.pk]), key=lambda v: (v.due_date, v.pk), reverse=True
    )
    return due, overdue, totals.get(False, 0), totals.get(True, 0)


def dashboard(*, user: User, today: date) -> Dashboard:
    """At most fourteen queries and one audit row, however many patients the sites hold
    (fewer when the lists are short)."""
    patients = patients_visible_to(user)
    due, overdue, due_count, overdue_count = _visits_to_see(patients, today)

    events = AdverseEvent.objects.filter(open_adverse_events(), patient__in=patients)
    event_counts = events.aggregate(total=Count("pk"), serious=Count("pk", filter=Q(serious=True)))
    shown_events = _first(events, ("-serious", "-grade", "-onset_date", "-id"), VISIT_RELATED)

    since = today - timedelta(days=SELF_REPORT_DAYS)
    reports = AlsfrsR.objects.filter(
        patient__in=patients, respondent=Respondent.SELF, assessed_on__gte=since
    )
    shown_reports = _first(reports, ("-assessed_on", "-id"), ("patient", "patient__site"))
    reports_count = _count_beyond(shown_reports, reports)

    unsigned = unsigned_visits().filter(patient__in=patients)
    shown_unsigned = _first(unsigned, ("-visit_date", "-id"), VISIT_RELATED)
    unsigned_count = _count_beyond(shown_unsigned, unsigned)

    shown_patients: dict[int, Patient] = {}
    for row in (*due, *overdue, *shown_events, *shown_reports, *shown_unsigned):
        shown_patients.setdefault(row.patient_id, row.patient)
    record_list(user, shown_patients.values(), detail={"page": "site dashboard"})

    return Dashboard(
        today=today,
        limit=LIMIT,
        due=due,
        overdue=overdue,
        due_count=due_count,
        overdue_count=overdue_count,
        serious_events=[e for e in shown_events if e.serious],
        other_events=[e for e in shown_events if not e.serious],
        events_open=event_counts["total"],
        events_serious=event_counts["serious"],
        self_reports=[(r, alsfrs_r_total_shown(r)) for r in shown_reports],
        self_reports_count=reports_count,
        unsigned=shown_unsigned,
        unsigned_count=unsigned_count,
    )
