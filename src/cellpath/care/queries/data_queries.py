"""Reads of data-quality queries for the care team: scoped to the user's sites through
`patients_visible_to`, each read recorded in the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.urls import reverse

from cellpath.accounts.audit import record_list, record_view
from cellpath.accounts.models import User
from cellpath.care.data_quality import RULES
from cellpath.care.models import DataQuery, Visit
from cellpath.care.queries.records import patients_visible_to

LIVE = (DataQuery.Status.OPEN, DataQuery.Status.ANSWERED)
STATUS_FILTERS = {
    "live": "Open or answered",
    "open": "Open",
    "answered": "Answered: waiting for a coordinator",
    "closed": "Closed",
    "all": "All",
}


def visible_data_queries(user: User) -> QuerySet[DataQuery]:
    """The data queries of the patients the user may see (the one scope of every read here)."""
    return DataQuery.objects.filter(patient__in=patients_visible_to(user)).select_related(
        "patient", "visit", "answered_by", "closed_by"
    )


def query_list(
    *,
    user: User,
    status: str = "live",
    rule: str = "",
    study_id: str = "",
    page: int | str = 1,
    per_page: int = 50,
) -> Page:
    """One page of the queries of the user's sites, oldest open first. Unknown filter values
    are ignored (the view's form has already said so)."""
    rows = visible_data_queries(user)
    if status == "live":
        rows = rows.filter(status__in=LIVE)
    elif status in DataQuery.Status.values:
        rows = rows.filter(status=status)
    if rule in RULES:
        rows = rows.filter(rule=rule)
    if study_id:
        rows = rows.filter(patient__study_id__icontains=study_id)
    rows = rows.order_by("status", "opened_at", "id")
    result = Paginator(rows, per_page).get_page(page)
    filters = {"status": status, "rule": rule, "study_id": study_id}
    record_list(user, result.object_list, detail={k: v for k, v in filters.items() if v})
    return result


def query_counts(*, user: User) -> dict[str, int]:
    """How many queries of the user's sites are open and answered (for the dashboard)."""
    counts = dict(
        visible_data_queries(user)
        .filter(status__in=LIVE)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in LIVE}


def query_get(*, user: User, pk: int) -> DataQuery | None:
    query = visible_data_queries(user).filter(pk=pk).first()
    if query is not None:
        record_view(user, query)
    return query


def visit_queries(visit: Visit) -> list[DataQuery]:
    """The open and answered queries about a visit and what was measured at it, for a visit the
    caller has already fetched through a scoped, audited query."""
    return list(DataQuery.objects.filter(visit=visit, status__in=LIVE).order_by("opened_at", "id"))


@dataclass(frozen=True)
class Where:
    """Where to correct what a query is about."""

    label: str
    url: str


def where_to_correct(query: DataQuery) -> Where:
    """The page holding the record a query is about (`subject` is "kind:pk[:…]")."""
    kind, _, rest = query.subject.partition(":")
    pk = int(rest.split(":")[0]) if rest.split(":")[0].isdigit() else 0
    if query.visit_id:
        return Where("the visit", reverse("care:visit-detail", args=[query.visit_id]))
    if kind == "adverse_event" and pk:
        return Where("the adverse event", reverse("care:adverse-event-detail", args=[pk]))
    if kind == "course" and pk:
        return Where("the course", reverse("care:course-detail", args=[pk]))
    if kind in {"harvest", "dose"}:
        return Where("treatment", reverse("care:patient-treatment", args=[query.patient_id]))
    return Where("the patient record", reverse("care:patient-detail", args=[query.patient_id]))
