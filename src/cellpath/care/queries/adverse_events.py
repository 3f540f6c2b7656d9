"""The care team's adverse events across their sites: filtered, sorted and paginated, each with
what ICH E2A asks of it (`cellpath.care.safety`). Scoped through `patients_visible_to`; every
page shown is recorded in the audit log."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from cellpath.accounts.audit import record_list
from cellpath.accounts.models import User
from cellpath.care.models import AdverseEvent
from cellpath.care.models.assessments import Expectedness
from cellpath.care.queries.conditions import open_adverse_events
from cellpath.care.queries.records import patients_visible_to
from cellpath.care.safety import (
    FATAL_OR_LIFE_THREATENING_DAYS,
    REASONABLE_POSSIBILITY,
    ExpeditedReport,
)

REASONABLE = "reasonable"
"""A relatedness filter meaning "possibly, probably or definitely" (a reasonable possibility)."""
SORTS = ("onset", "grade", "deadline")


@dataclass(frozen=True)
class AdverseEventFilters:
    """What the list is narrowed to; an empty value leaves a filter off."""

    serious: bool | None = None
    susar: bool = False
    expectedness: str = ""
    related_to_cells: str = ""
    related_to_procedure: str = ""
    grade: int | None = None
    outcome: str = ""
    status: str = ""  # "open" or "closed"
    overdue: bool = False
    sort: str = "onset"

    def applied(self) -> dict[str, object]:
        """The filters in use, for the audit log and the page."""
        return {k: v for k, v in asdict(self).items() if v not in (None, False, "") and k != "sort"}


@dataclass(frozen=True)
class ListedEvent:
    """An adverse event with its reporting status on `today`."""

    event: AdverseEvent
    report: ExpeditedReport
    overdue: bool
    days_left: int | None


def listed(event: AdverseEvent, today: date) -> ListedEvent:
    report = event.expedited_report()
    return ListedEvent(
        event=event,
        report=report,
        overdue=report.overdue(today=today, reported_on=event.reported_to_regulator_on),
        days_left=report.days_left(today=today),
    )


def susar_condition() -> Q:
    """As `safety.expedited_report(...).susar`, in the database."""
    return Q(
        serious=True,
        expectedness=Expectedness.UNEXPECTED,
        related_to_cells__in=REASONABLE_POSSIBILITY,
    )


def _related(field: str, value: str) -> Q:
    if value == REASONABLE:
        return Q(**{f"{field}__in": REASONABLE_POSSIBILITY})
    return Q(**{field: value})


def _filtered(events: QuerySet[AdverseEvent], f: AdverseEventFilters) -> QuerySet[AdverseEvent]:
    if f.serious is not None:
        events = events.filter(serious=f.serious)
    if f.susar:
        events = events.filter(susar_condition())
    if f.expectedness:
        events = events.filter(expectedness=f.expectedness)
    if f.related_to_cells:
        events = events.filter(_related("related_to_cells", f.related_to_cells))
    if f.related_to_procedure:
        events = events.filter(_related("related_to_procedure", f.related_to_procedure))
    if f.grade is not None:
        events = events.filter(grade=f.grade)
    if f.outcome:
        events = events.filter(outcome=f.outcome)
    if f.status == "open":
        events = events.filter(open_adverse_events())
    elif f.status == "closed":
        events = events.exclude(open_adverse_events())
    return events


def _overdue(events: QuerySet[AdverseEvent], today: date) -> QuerySet[AdverseEvent]:
    """SUSARs whose report to the regulator is late. The database narrows to unreported SUSARs
    known of for longer than the shortest deadline; `safety` decides each one, so that the
    deadline is computed in one place."""
    candidates = events.filter(
        susar_condition(),
        reported_to_regulator_on__isnull=True,
        aware_date__lt=today - timedelta(days=FATAL_OR_LIFE_THREATENING_DAYS),
    )
    late = [e.pk for e in candidates if listed(e, today).overdue]
    return events.filter(pk__in=late)


def _by_deadline(rows: list[AdverseEvent]) -> list[AdverseEvent]:
    """Reports still to make, soonest deadline first (the most overdue at the top); then those
    made; then events without a deadline. Newest first within each."""

    def key(event: AdverseEvent) -> tuple[int, date]:
        due = event.expedited_report().due
        if due is None:
            return 2, date.max
        return (1 if event.reported_to_regulator_on else 0), due

    newest_first = sorted(rows, key=lambda e: (e.onset_date, e.pk), reverse=True)
    return sorted(newest_first, key=key)


def adverse_event_page(
    *,
    user: User,
    filters: AdverseEventFilters,
    page: str | int | None,
    today: date,
    per_page: int = 50,
) -> tuple[Page, list[ListedEvent]]:
    """One page of the adverse events of the user's patients, with each one's reporting
    status on `today`."""
    events = _filtered(
        AdverseEvent.objects.filter(patient__in=patients_visible_to(user)).select_related(
            "patient", "patient__site", "course"
        ),
        filters,
    )
    if filters.overdue:
        events = _overdue(events, today)
    rows: QuerySet[AdverseEvent] | list[AdverseEvent]
    if filters.sort == "deadline":
        rows = _by_deadline(list(events))
    elif filters.sort == "grade":
        rows = events.order_by("-grade", "-onset_date", "-pk")
    else:
        rows = events.order_by("-onset_date", "-pk")
    result = Paginator(rows, per_page).get_page(page)
    shown = list(result.object_list)
    record_list(user, shown, detail={**filters.applied(), "sort": filters.sort})
    return result, [listed(e, today) for e in shown]
