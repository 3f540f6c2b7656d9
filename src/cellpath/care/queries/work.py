"""What waits for someone in the care record: the care part of a coordinator's or clinician's
work list (`cellpath.site.work` adds the applications and messages and shows them on the home
page).

Each function returns the rows of one kind of work, scoped to the user's sites through the
same queries the full lists use (`patients_visible_to`, the data-query and erasure scopes),
unevaluated and in the order the work is done (most urgent first). They record nothing: the
caller records the rows it shows, as `record_list` does for every list of records.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Case, IntegerField, QuerySet, Value, When

from cellpath.accounts.audit import actor_label
from cellpath.accounts.models import User
from cellpath.care.models import AdverseEvent, DataQuery, ErasureRequest, Visit
from cellpath.care.models.assessments import Expectedness
from cellpath.care.queries.adverse_events import ListedEvent, listed, susar_condition
from cellpath.care.queries.conditions import open_adverse_events, overdue_visits, unsigned_visits
from cellpath.care.queries.data_queries import visible_data_queries
from cellpath.care.queries.portal import coordinated_erasure_requests
from cellpath.care.queries.records import patients_visible_to

VISIT_RELATED = ("patient", "patient__clinician", "course")


def visits_overdue(*, user: User, today: date) -> QuerySet[Visit]:
    """Visits whose window closed without the patient being seen, the most recently missed
    first (as on the site dashboard: those can still be caught up)."""
    return (
        overdue_visits(today)
        .filter(patient__in=patients_visible_to(user))
        .select_related(*VISIT_RELATED)
        .order_by("-due_date", "-pk")
    )


def visits_to_sign(*, user: User) -> QuerySet[Visit]:
    """Visits that took place and are not signed, the longest waiting first. The visits of the
    patients the user is the responsible clinician of come first (`recorded_by_user` 0), then
    those they recorded last themselves (1), then the others (2)."""
    return (
        unsigned_visits()
        .filter(patient__in=patients_visible_to(user))
        .select_related(*VISIT_RELATED)
        .annotate(
            recorded_by_user=Case(
                When(patient__clinician=user, then=Value(0)),
                When(modified_by=actor_label(user), then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("recorded_by_user", "visit_date", "pk")
    )


def data_queries_waiting(*, user: User, status: str) -> QuerySet[DataQuery]:
    """Open queries (for the care team to answer) or answered ones (for a coordinator to
    close), the oldest first."""
    return visible_data_queries(user).filter(status=status).order_by("opened_at", "pk")


def erasure_requests_waiting(*, user: User) -> QuerySet[ErasureRequest]:
    """Open erasure requests at the user's coordinated sites, the oldest first (as the erasure
    queue lists them)."""
    return (
        coordinated_erasure_requests(user)
        .filter(status=ErasureRequest.Status.OPEN)
        .order_by("requested_at", "pk")
    )


def _adverse_events(user: User) -> QuerySet[AdverseEvent]:
    return AdverseEvent.objects.filter(patient__in=patients_visible_to(user)).select_related(
        "patient", "course"
    )


def reports_due(*, user: User, today: date) -> list[ListedEvent]:
    """SUSARs whose report to the regulator is still to make and has a deadline, the soonest
    (or most overdue) first. Few by nature, so each one's deadline is computed by
    `cellpath.care.safety`, in one place, rather than in SQL."""
    events = _adverse_events(user).filter(
        susar_condition(), reported_to_regulator_on__isnull=True, aware_date__isnull=False
    )
    rows = [listed(event, today) for event in events]
    return sorted(rows, key=lambda row: (row.report.due or date.max, row.event.pk))


def serious_to_assess(*, user: User) -> QuerySet[AdverseEvent]:
    """Open serious adverse events whose expectedness nobody has assessed yet (so nobody can
    say whether they are SUSARs), the oldest known first."""
    return (
        _adverse_events(user)
        .filter(open_adverse_events(), serious=True, expectedness=Expectedness.NOT_ASSESSED)
        .order_by("onset_date", "pk")
    )
