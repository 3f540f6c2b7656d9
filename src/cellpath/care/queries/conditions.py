"""Conditions shared by several queries: visit windows as database expressions, overdue
visits, open adverse events. Kept apart so that list and dashboard queries both use them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import DateField, F, Func, Q, QuerySet

from cellpath.care.models import AdverseEvent, Visit


class _DateShift(Func):
    """`a_date + sign × integer_days`, as a date, in PostgreSQL and SQLite."""

    arity = 2
    output_field = DateField()

    def __init__(self, day: Any, days: Any, *, sign: int) -> None:
        super().__init__(day, days)
        self.sign = sign

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        # PostgreSQL (and the SQL standard's date arithmetic): date ± integer is a date.
        joiner = " + " if self.sign > 0 else " - "
        return super().as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=joiner, **extra
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        template = "date(%(expressions)s || ' days')"
        joiner = ", " if self.sign > 0 else ", -"
        return super().as_sql(compiler, connection, template=template, arg_joiner=joiner, **extra)


def window_opens() -> _DateShift:
    return _DateShift(F("due_date"), F("window_days"), sign=-1)


def window_closes() -> _DateShift:
    return _DateShift(F("due_date"), F("window_days"), sign=+1)


def overdue_visits(today: date) -> QuerySet[Visit]:
    """Visits whose window closed before `today` without the patient being seen (a deceased
    patient's missed visits are not anyone's to-do)."""
    return Visit.objects.alias(_window_closes=window_closes()).filter(
        visit_date__isnull=True, patient__death_date__isnull=True, _window_closes__lt=today
    )


def unsigned_visits() -> QuerySet[Visit]:
    """Visits that took place and wait for a clinician's signature."""
    return Visit.objects.filter(visit_date__isnull=False, signed_at__isnull=True)


def open_adverse_events() -> Q:
    """As `AdverseEvent.open`: not resolved, not fatal."""
    return Q(resolved_date__isnull=True) & ~Q(outcome=AdverseEvent.Outcome.FATAL)
