"""Data-quality checks that WARN: values that are possible but unusual, shown after saving.

Impossible values are refused by the models and services (item scores outside 0–4, FVC above
10 litres, a visit before onset, a second ALSFRS-R on the same day). What is left here follows
REDCap's split (shared/design/platform.md, "Field validation types"): a value outside the
suggested range is saved and flagged for a person to check, never refused. The same goes for a
visit seen outside its window, and for a course entered before courses were linked to programmes
whose typed programme matched none: its text is kept and a person links it.

Pure functions of plain values, so that they are easy to test and to reuse in reports; the
caller looks up the previous measurement and computes FVC % predicted with `cellpath.outcomes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

FVC_PERCENT_LOW = 10
"""Below 10 % predicted a person is not breathing unaided; usually litres typed as a percent."""
FVC_PERCENT_HIGH = 150
"""Above 150 % predicted is outside any reference population; usually a wrong height or unit."""
WEIGHT_CHANGE_FRACTION = Decimal("0.10")
"""A change of more than 10 % since the last weight: real loss happens in ALS (weight loss
≥ 10 % is a prognostic marker), but so do typing errors and pounds entered as kilograms."""
ALSFRS_R_RISE = 6
"""ALSFRS-R rarely rises: a gain of 6 points or more since the last one (roughly three times
the scale's test–retest difference) is checked before it is believed."""


@dataclass(frozen=True)
class Finding:
    """A value to check: which measurement (a field name) and what is unusual, in plain words."""

    field: str
    message: str


def fvc_percent_findings(percent: float | Decimal | None) -> list[Finding]:
    if percent is None:
        return []
    if percent > FVC_PERCENT_HIGH:
        return [
            Finding(
                "fvc",
                f"FVC is {percent:.0f} % of predicted, above {FVC_PERCENT_HIGH} %. "
                "Check the litres, the patient's height, age and sex, and the equation.",
            )
        ]
    if percent < FVC_PERCENT_LOW:
        return [
            Finding(
                "fvc",
                f"FVC is {percent:.0f} % of predicted, below {FVC_PERCENT_LOW} %. "
                "Check that litres were not entered as a percentage.",
            )
        ]
    return []


def weight_change_findings(
    kg: Decimal, previous_kg: Decimal | None, previous_on: date | None = None
) -> list[Finding]:
    if previous_kg is None or previous_kg <= 0:
        return []
    change = (kg - previous_kg) / previous_kg
    if abs(change) <= WEIGHT_CHANGE_FRACTION:
        return []
    direction = "up" if change > 0 else "down"
    since = f" on {previous_on:%d %B %Y}" if previous_on else ""
    return [
        Finding(
            "weight",
            f"Weight is {direction} {abs(change) * 100:.0f} % since the last weight "
            f"({previous_kg} kg{since}). Check the value and the unit (kilograms).",
        )
    ]


def alsfrs_r_rise_findings(
    total: int, previous_total: int | None, previous_on: date | None = None
) -> list[Finding]:
    if previous_total is None or total - previous_total < ALSFRS_R_RISE:
        return []
    since = f" on {previous_on:%d %B %Y}" if previous_on else ""
    return [
        Finding(
            "alsfrs_r",
            f"The ALSFRS-R total rose {total - previous_total} points since the last one "
            f"({previous_total}{since} → {total}). Check the answers and who answered.",
        )
    ]


def item5_findings(
    *, answered_5b: bool, gastrostomy_date: date | None, assessed_on: date
) -> list[Finding]:
    """Item 5b is for people with a gastrostomy (Cedarbaum 1999): the record should agree."""
    if answered_5b and gastrostomy_date is None:
        return [
            Finding(
                "alsfrs_r",
                "Item 5b (with a feeding tube) was answered, but the record has no gastrostomy "
                "date. Add the date to the patient record, or check item 5.",
            )
        ]
    if answered_5b and gastrostomy_date > assessed_on:
        return [
            Finding(
                "alsfrs_r",
                f"Item 5b (with a feeding tube) was answered before the recorded gastrostomy "
                f"({gastrostomy_date:%d %B %Y}). Check item 5 or the gastrostomy date.",
            )
        ]
    if not answered_5b and gastrostomy_date is not None and gastrostomy_date <= assessed_on:
        return [
            Finding(
                "alsfrs_r",
                f"Item 5a (no feeding tube) was answered, but the record has a gastrostomy "
                f"since {gastrostomy_date:%d %B %Y}. Check item 5.",
            )
        ]
    return []


def visit_window_findings(*, seen_on: date | None, due: date, window_days: int) -> list[Finding]:
    """A visit seen outside its window is flagged, never refused."""
    if seen_on is None:
        return []
    early = (due - seen_on).days - window_days
    late = (seen_on - due).days - window_days
    if early > 0:
        return [
            Finding(
                "visit",
                f"Seen {early} day{'s' if early != 1 else ''} before its window opened "
                f"(due {due:%d %B %Y} ± {window_days} days).",
            )
        ]
    if late > 0:
        return [
            Finding(
                "visit",
                f"Seen {late} day{'s' if late != 1 else ''} after its window closed "
                f"(due {due:%d %B %Y} ± {window_days} days).",
            )
        ]
    return []


def unlinked_programme_findings(
    *, programme_name: str, linked: bool, confirmed_not_listed: bool
) -> list[Finding]:
    """A course that names its programme only as text, from before courses were linked to
    programmes, and that nobody has linked or confirmed as not listed since. Its text is kept as
    entered, never matched by a guess: a person decides."""
    if linked or confirmed_not_listed:
        return []
    named = f"“{programme_name.strip()}”" if programme_name.strip() else "no programme"
    return [
        Finding(
            "programme",
            f"This course names {named}, which is not linked to a programme in Cellpath. "
            "Link the course to its programme, or confirm that the programme is not listed.",
        )
    ]
