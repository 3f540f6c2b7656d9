"""Expedited safety reporting as ICH E2A asks (Clinical Safety Data Management: Definitions and
Standards for Expedited Reporting, 1994): the seriousness criteria, the SUSAR (suspected
unexpected serious adverse reaction) and the days within which a SUSAR is reported.

Pure functions of plain values, so that the rules are tested once against the guideline and
shown the same way on every page; the model stores the answers and the views show the result.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

SERIOUSNESS_CRITERIA: tuple[tuple[str, str], ...] = (
    ("results_in_death", "Results in death"),
    ("life_threatening", "Is life-threatening"),
    ("hospitalisation", "Requires inpatient hospitalisation or prolongs an existing one"),
    ("disability", "Results in persistent or significant disability or incapacity"),
    ("congenital_anomaly", "Is a congenital anomaly or birth defect"),
    ("medically_important", "Is another important medical event"),
)
"""ICH E2A section II.B: an adverse event is serious when it meets at least one of these (model
field name, wording). The last is the investigator's judgement of an event that may jeopardise
the patient or need an intervention to prevent one of the others."""
CRITERIA = tuple(name for name, _ in SERIOUSNESS_CRITERIA)

REASONABLE_POSSIBILITY = ("possible", "probable", "definite")
"""Relatedness codes (care's `Relatedness`) that mean "a reasonable possibility" of a causal
relationship, which makes an adverse event an adverse reaction (ICH E2A section II.A.2);
"unrelated" and "unlikely" do not."""

FATAL_OR_LIFE_THREATENING_DAYS = 7
"""ICH E2A section III.A.1.a: a fatal or life-threatening unexpected reaction is reported as
soon as possible, no later than 7 calendar days after first knowledge..."""
FOLLOW_UP_DAYS = 8
"""...followed by as complete a report as possible within 8 additional calendar days."""
OTHER_SUSAR_DAYS = 15
"""ICH E2A section III.A.1.b: other serious unexpected reactions, no later than 15 calendar
days after first knowledge."""


def serious_without_criterion(serious: bool, criteria: Iterable[bool]) -> bool:
    """A serious event with no criterion ticked: refused at entry (ICH E2A II.B), but records
    entered before the criteria existed may be so, and are for a person to complete."""
    return serious and not any(criteria)


@dataclass(frozen=True)
class ExpeditedReport:
    """What ICH E2A asks of one adverse event, and by when.

    `susar`: serious, unexpected and with a reasonable possibility that the cells caused it.
    `procedure_only`: serious and unexpected, possibly caused by the procedure, not the cells —
    not a SUSAR of the cell product. `expectedness_needed`: serious and possibly caused by the
    cells, but expectedness not assessed, so nobody can yet say whether it is a SUSAR.
    `due`: the last day of the initial report to the regulator (None when not a SUSAR or the
    awareness date is missing); `complete_due`: the complete report after a 7-day one."""

    susar: bool
    procedure_only: bool
    expectedness_needed: bool
    days: int | None
    due: date | None
    complete_due: date | None

    def overdue(self, *, today: date, reported_on: date | None) -> bool:
        return self.due is not None and reported_on is None and today > self.due

    def days_left(self, *, today: date) -> int | None:
        return None if self.due is None else (self.due - today).days


def expedited_report(
    *,
    serious: bool,
    expectedness: str,
    related_to_cells: str,
    related_to_procedure: str,
    fatal_or_life_threatening: bool,
    aware_on: date | None,
) -> ExpeditedReport:
    """Whether an event is a SUSAR and when its report to the regulator is due (ICH E2A
    III.A.1): day 0 is the day the site first knew of it; 7 calendar days for a fatal or
    life-threatening SUSAR (a complete report 8 days later), 15 for any other.
    `expectedness` is "expected", "unexpected" or "not_assessed" against the reference safety
    information (the protocol or the investigator's brochure). ICH E2A counts from the sponsor's
    first knowledge; Cellpath counts from the site's, which is never later for a sponsor that
    runs the site and is the earliest day a site can give its sponsor."""
    cells = related_to_cells in REASONABLE_POSSIBILITY
    procedure = related_to_procedure in REASONABLE_POSSIBILITY
    unexpected = expectedness == "unexpected"
    susar = serious and unexpected and cells
    days = None
    if susar:
        days = FATAL_OR_LIFE_THREATENING_DAYS if fatal_or_life_threatening else OTHER_SUSAR_DAYS
    due = aware_on + timedelta(days=days) if days is not None and aware_on else None
    complete_due = (
        due + timedelta(days=FOLLOW_UP_DAYS)
        if due is not None and days == FATAL_OR_LIFE_THREATENING_DAYS
        else None
    )
    return ExpeditedReport(
        susar=susar,
        procedure_only=serious and unexpected and procedure and not cells,
        expectedness_needed=serious and cells and expectedness == "not_assessed",
        days=days,
        due=due,
        complete_due=complete_due,
    )
