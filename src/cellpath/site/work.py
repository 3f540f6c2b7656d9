"""A coordinator's or clinician's work list, for their home page: every kind of item waiting
for them at their sites, each kind with how many there are, the first few (most urgent first),
each linked to its page with its owner where the record has one, and a link to the full list.

One read: the applications and messages come from intake's triage scope, the care record's
items from `cellpath.care.queries.work` (the scope rules stay there). What the page shows is
recorded in the audit log as the full lists record it: one event for the patient records behind
the items, one for the applications, one for the messages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import dateformat, timezone

from cellpath.accounts.audit import record_list
from cellpath.accounts.models import User
from cellpath.accounts.roles import Role
from cellpath.care.models import DataQuery, Patient
from cellpath.care.queries import work as care_work
from cellpath.intake.models import Application
from cellpath.intake.queries import UNDECIDED, contact_messages, triage_queue

SHOWN = 5
"""How many items of each kind the home page shows; "See all" leads to the rest."""

NOT_ASSIGNED = "Not assigned"


@dataclass
class WorkItem:
    """One thing to do: `label` links to `url`; the patient's study ID, when there is one,
    links to the patient's page. `owner` is None when the record has no owner at all."""

    label: str
    url: str
    note: str = ""
    patient: Patient | None = None
    owner: str | None = None
    urgent: bool = False
    record: Any = None  # the row behind the item (applications and messages are audited by it)

    @property
    def patient_url(self) -> str:
        return reverse("care:patient-detail", args=[self.patient.pk]) if self.patient else ""


@dataclass
class WorkKind:
    key: str
    title: str
    count: int
    items: list[WorkItem]
    see_all_url: str
    see_all_label: str = ""
    hint: str = ""

    def __post_init__(self) -> None:
        if not self.see_all_label:
            self.see_all_label = f"See all {self.count}"

    @property
    def more(self) -> bool:
        return self.count > len(self.items)


@dataclass
class WorkQueue:
    kinds: list[WorkKind] = field(default_factory=list)

    @property
    def waiting(self) -> list[WorkKind]:
        return [kind for kind in self.kinds if kind.count]

    @property
    def empty(self) -> list[WorkKind]:
        return [kind for kind in self.kinds if not kind.count]

    @property
    def total(self) -> int:
        return sum(kind.count for kind in self.kinds)

    def items(self) -> Iterable[WorkItem]:
        for kind in self.kinds:
            yield from kind.items


def _url(name: str, *args: Any, query: dict[str, str] | None = None, anchor: str = "") -> str:
    url = reverse(name, args=args)
    if query:
        url += "?" + urlencode(query)
    return url + (f"#{anchor}" if anchor else "")


def _day(value: date | datetime) -> str:
    """A day as the pages write it ("3 May 2026"); a moment in the site's time zone."""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return dateformat.format(value, "j M Y")


def _days(n: int) -> str:
    return f"{n} day{pluralize(n)}"


def _person(user: User | None, me: User) -> str:
    if user is None:
        return NOT_ASSIGNED
    return "You" if user.pk == me.pk else str(user)


def _first(rows: QuerySet[Any]) -> tuple[list[Any], int]:
    """The first SHOWN rows and how many there are (counted only when there may be more)."""
    shown = list(rows[:SHOWN])
    count = len(shown) if len(shown) < SHOWN else rows.order_by().count()
    return shown, count


def _kind(
    key: str,
    title: str,
    rows: QuerySet[Any],
    item: Callable[[Any], WorkItem],
    see_all_url: str,
    **extra: Any,
) -> WorkKind:
    shown, count = _first(rows)
    return WorkKind(key, title, count, [item(row) for row in shown], see_all_url, **extra)


# --- applications and messages --------------------------------------------------------------


def _application(me: User) -> Callable[[Application], WorkItem]:
    def item(application: Application) -> WorkItem:
        sent = f"sent {_day(application.submitted_at)}" if application.submitted_at else ""
        return WorkItem(
            label=f"{application.reference}: {application.programme.name}",
            url=reverse("intake:detail", args=[application.reference]),
            note=f"{application.get_status_display()}, {sent}".strip(", "),
            patient=application.patient,
            owner=_person(application.assigned_to, me),
            record=application,
        )

    return item


def _message(message: Any) -> WorkItem:
    about = message.programme.name if message.programme else "a general question"
    return WorkItem(
        label=f"Message about {about}",
        url=_url("intake:inbox", anchor=f"message-{message.pk}"),
        note=f"received {_day(message.created_at)}",
        record=message,
    )


def _intake_kinds(user: User) -> list[WorkKind]:
    unassigned = triage_queue(
        user=user, status=Application.Status.NEW, unassigned=True, order="oldest"
    )
    mine = triage_queue(user=user, status=UNDECIDED, mine=True, order="oldest")
    unanswered = (
        contact_messages(user=user).filter(handled_at__isnull=True).order_by("created_at", "pk")
    )
    return [
        _kind(
            "applications-new",
            "New applications nobody has taken",
            unassigned,
            _application(user),
            _url("intake:queue", query={"status": "new", "unassigned": "on", "order": "oldest"}),
            hint="Open one and assign it to yourself or a colleague.",
        ),
        _kind(
            "applications-mine",
            "Applications assigned to you",
            mine,
            _application(user),
            _url("intake:queue", query={"status": UNDECIDED, "mine": "on", "order": "oldest"}),
            hint="Not decided yet, the longest waiting first.",
        ),
        _kind(
            "messages",
            "Messages not answered yet",
            unanswered,
            _message,
            _url("intake:inbox"),
            see_all_label="See all messages",
            hint="From the contact form; any coordinator may answer them.",
        ),
    ]


# --- the care record ---------------------------------------------------------------------------


def _visit_item(visit: Any, note: str, **extra: Any) -> WorkItem:
    course = f" (course {visit.course.number})" if visit.course_id else ""
    return WorkItem(
        label=f"Visit {visit.label}{course}",
        url=reverse("care:visit-detail", args=[visit.pk]),
        note=note,
        patient=visit.patient,
        **extra,
    )


def _overdue_visit(visit: Any) -> WorkItem:
    return _visit_item(visit, f"was due {_day(visit.due_date)}", urgent=True)


def _visit_to_sign(me: User) -> Callable[[Any], WorkItem]:
    def item(visit: Any) -> WorkItem:
        note = f"seen {_day(visit.visit_date)}"
        if visit.recorded_by_user == 1:
            note += ", recorded by you"
        return _visit_item(visit, note, owner=_person(visit.patient.clinician, me))

    return item


def _data_query(me: User) -> Callable[[DataQuery], WorkItem]:
    def item(query: DataQuery) -> WorkItem:
        answered = query.status == DataQuery.Status.ANSWERED
        return WorkItem(
            label=f"Query {query.pk}: {query.message[:80]}",
            url=reverse("care:data-query-detail", args=[query.pk]),
            note=f"opened {_day(query.opened_at)}"
            + (f", answered by {_person(query.answered_by, me)}" if answered else ""),
            patient=query.patient,
        )

    return item


def _erasure_request(request: Any) -> WorkItem:
    return WorkItem(
        label="Request to erase their identity",
        url=reverse("care:erasure-review", args=[request.pk]),
        note=f"asked {_day(request.requested_at)}",
        patient=request.patient,
    )


def _adverse_event(event: Any, note: str, **extra: Any) -> WorkItem:
    words = event.description.split()
    description = " ".join(words[:10]) + (" …" if len(words) > 10 else "")
    return WorkItem(
        label=f"{'Serious adverse event' if event.serious else 'Adverse event'}: {description}",
        url=reverse("care:adverse-event-detail", args=[event.pk]),
        note=note,
        patient=event.patient,
        **extra,
    )


def _reports_kind(user: User, today: date) -> WorkKind:
    rows = care_work.reports_due(user=user, today=today)
    items = []
    for row in rows[:SHOWN]:
        days = row.days_left or 0
        when = (
            f"report overdue by {_days(-days)}"
            if row.overdue
            else f"report due {_day(row.report.due)} ({_days(days)} left)"
        )
        items.append(_adverse_event(row.event, f"SUSAR, {when}", urgent=row.overdue))
    return WorkKind(
        "reports",
        "Adverse-event reports to the regulator, due or overdue",
        len(rows),
        items,
        _url("care:adverse-event-list", query={"susar": "on", "sort": "deadline"}),
        see_all_label="See every SUSAR by report deadline",
        hint="Suspected unexpected serious adverse reactions (ICH E2A) not reported yet.",
    )


def _serious_kind(user: User) -> WorkKind:
    def item(event: Any) -> WorkItem:
        return _adverse_event(
            event, f"started {_day(event.onset_date)}, CTCAE grade {event.grade}", urgent=True
        )

    return _kind(
        "serious",
        "Serious adverse events to assess",
        care_work.serious_to_assess(user=user),
        item,
        _url(
            "care:adverse-event-list",
            query={"serious": "yes", "expectedness": "not_assessed", "status": "open"},
        ),
        hint="Expected or unexpected? Until someone says, nobody knows whether it is a SUSAR.",
    )


def _visits_to_sign_kind(user: User, *, clinician: bool) -> WorkKind:
    return _kind(
        "to-sign",
        "Visits waiting for a clinician's signature",
        care_work.visits_to_sign(user=user),
        _visit_to_sign(user),
        _url("care:dashboard", anchor="unsigned"),
        see_all_label="See them on the site dashboard",
        hint=(
            "Your patients' visits first, then those you recorded, then the longest waiting."
            if clinician
            else "The longest waiting first. The owner is the patient's responsible clinician "
            "(name one on the patient's record with “Edit this record”)."
        ),
    )


def _open_queries_kind(user: User) -> WorkKind:
    return _kind(
        "queries-open",
        "Data queries to answer",
        care_work.data_queries_waiting(user=user, status=DataQuery.Status.OPEN),
        _data_query(user),
        _url("care:data-query-list", query={"status": "open"}),
        hint="Questions about a record; the oldest first.",
    )


def _coordinator_kinds(user: User, today: date) -> list[WorkKind]:
    return [
        _reports_kind(user, today),  # a deadline set by law comes first
        *_intake_kinds(user),
        _kind(
            "erasure",
            "Erasure requests waiting for a decision",
            care_work.erasure_requests_waiting(user=user),
            _erasure_request,
            _url("care:erasure-queue"),
        ),
        _kind(
            "overdue",
            "Overdue visits",
            care_work.visits_overdue(user=user, today=today),
            _overdue_visit,
            _url("care:dashboard", anchor="overdue"),
            see_all_label="See them on the site dashboard",
            hint="The window closed and the patient was not seen; the most recently missed first.",
        ),
        _visits_to_sign_kind(user, clinician=False),
        _open_queries_kind(user),
        _kind(
            "queries-answered",
            "Answered data queries to close",
            care_work.data_queries_waiting(user=user, status=DataQuery.Status.ANSWERED),
            _data_query(user),
            _url("care:data-query-list", query={"status": "answered"}),
        ),
    ]


def _clinician_kinds(user: User, today: date) -> list[WorkKind]:
    return [
        _visits_to_sign_kind(user, clinician=True),
        _serious_kind(user),
        _open_queries_kind(user),
    ]


def work_queue(*, user: User, role: str, today: date) -> WorkQueue:
    """The work list of a coordinator or a clinician (empty for any other role), and one audit
    event for each kind of record it shows."""
    if role == Role.COORDINATOR:
        queue = WorkQueue(_coordinator_kinds(user, today))
    elif role == Role.CLINICIAN:
        queue = WorkQueue(_clinician_kinds(user, today))
    else:
        return WorkQueue()
    patients: dict[int, Patient] = {}
    for item in queue.items():
        if item.patient is not None:
            patients.setdefault(item.patient.pk, item.patient)
    record_list(user, patients.values(), detail={"page": "home"})
    if role == Role.COORDINATOR:
        for keys in (("applications-new", "applications-mine"), ("messages",)):
            rows = {i.record.pk: i.record for k in queue.kinds if k.key in keys for i in k.items}
            if rows:
                record_list(user, rows.values(), detail={"page": "home"})
    return queue
