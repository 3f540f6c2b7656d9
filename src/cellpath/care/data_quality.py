"""Data-quality rules: what a person should check in a record, with the reason, in plain words.

Impossible values are refused by the models and services (item scores outside 0–4, FVC above
10 litres, a visit before onset, a second ALSFRS-R on the same day, anything dated after death,
cells without consent). What is left here follows REDCap's split (shared/design/platform.md,
"Field validation types"): a value outside the suggested range is saved and flagged for a person
to check, never refused. The same goes for a visit seen outside its window, for a course whose
typed programme matched none, for a stage the ALSFRS-R answers imply that the record's dates do
not show, and for records entered before a refusing rule existed that break it: they become
queries for a coordinator (`care.services.data_queries`), never silently changed.

Pure functions of plain values, so that they are easy to test and to reuse in reports; the
caller gathers the record and computes FVC % predicted with `cellpath.outcomes`. Each finding
names its rule (`RULES`), so that a query is opened once per rule and record.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from cellpath.care.safety import serious_without_criterion
from cellpath.outcomes.vocabulary import DAYS_PER_MONTH

FVC_PERCENT_LOW = 20
"""Below 20 % predicted few people breathe unaided or come to a clinic visit without
ventilation; more often litres were typed as a percent (issue 18 asks for 20–150 %)."""
FVC_PERCENT_HIGH = 150
"""Above 150 % predicted is outside any reference population; usually a wrong height or unit."""
WEIGHT_CHANGE_FRACTION = Decimal("0.10")
"""A change of more than 10 % in a month: real loss happens in ALS (weight loss ≥ 10 % is a
prognostic marker), but over months, not weeks; so do typing errors and pounds entered as
kilograms. Weights further apart are compared per month of the interval."""
ALSFRS_R_RISE = 6
"""ALSFRS-R rarely rises: a gain of 6 points or more since the last one (roughly three times
the scale's test–retest difference) is checked before it is believed."""
ALSFRS_R_FALL_PER_MONTH = 5
"""A fall faster than 5 points a month is checked: PRO-ACT's mean decline is 1.02 (SD 2.3)
points a month (Atassi 2014, shared/design/als-measures.md P-ATASSI), so 5 is about the mean plus
two standard deviations. Intervals shorter than a month count as one month."""
ALSFRS_R_FALL_MIN = 6
"""…and the fall must be at least 6 points, as for a rise: smaller changes are within what two
raters or two days give."""

Rule = Literal[
    "fvc_percent",
    "weight_change",
    "alsfrs_r_change",
    "feeding_tube",
    "ventilation",
    "visit_window",
    "date_order",
    "after_death",
    "consent",
    "open_event_at_death",
    "unlinked_programme",
    "serious_without_criterion",
]

RULES: dict[str, str] = {
    "fvc_percent": "FVC % predicted outside 20–150 %",
    "weight_change": "Weight change over 10 % in a month",
    "alsfrs_r_change": "ALSFRS-R change larger than plausible",
    "feeding_tube": "Feeding tube: ALSFRS-R item 5 and the gastrostomy date disagree",
    "ventilation": "Ventilation: ALSFRS-R item 12 and the NIV or tracheostomy date disagree",
    "visit_window": "Visit seen outside its window",
    "date_order": "Dates in an impossible order",
    "after_death": "Recorded after the date of death",
    "consent": "Cells without consent to treatment",
    "open_event_at_death": "Adverse event still open at death",
    "unlinked_programme": "Course not linked to a programme",
    "serious_without_criterion": "Serious adverse event without a seriousness criterion",
}
"""Every rule, by the name stored with a query, and its title on the queries page."""


@dataclass(frozen=True)
class Finding:
    """A value to check: which measurement (a field name) and what is unusual, in plain words;
    `rule` names the rule (a key of `RULES`)."""

    field: str
    message: str
    rule: str = ""


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def fvc_percent_findings(percent: float | Decimal | None) -> list[Finding]:
    if percent is None:
        return []
    if percent > FVC_PERCENT_HIGH:
        return [
            Finding(
                "fvc",
                f"FVC is {percent:.0f} % of predicted, above {FVC_PERCENT_HIGH} %. "
                "Check the litres, the patient's height, age and sex, and the equation.",
                "fvc_percent",
            )
        ]
    if percent < FVC_PERCENT_LOW:
        return [
            Finding(
                "fvc",
                f"FVC is {percent:.0f} % of predicted, below {FVC_PERCENT_LOW} %. "
                "Check that litres were not entered as a percentage.",
                "fvc_percent",
            )
        ]
    return []


def weight_change_findings(
    kg: Decimal,
    previous_kg: Decimal | None,
    previous_on: date | None = None,
    measured_on: date | None = None,
) -> list[Finding]:
    """More than 10 % in a month; weights further apart are compared per month between them."""
    if previous_kg is None or previous_kg <= 0:
        return []
    change = (kg - previous_kg) / previous_kg
    months = Decimal(1)
    if previous_on is not None and measured_on is not None:
        months = max(months, Decimal((measured_on - previous_on).days) / Decimal(DAYS_PER_MONTH))
    if abs(change) / months <= WEIGHT_CHANGE_FRACTION:
        return []
    direction = "up" if change > 0 else "down"
    since = f" on {previous_on:%d %B %Y}" if previous_on else ""
    return [
        Finding(
            "weight",
            f"Weight is {direction} {abs(change) * 100:.0f} % since the last weight "
            f"({previous_kg} kg{since}). Check the value and the unit (kilograms).",
            "weight_change",
        )
    ]


def alsfrs_r_change_findings(
    total: int,
    previous_total: int | None,
    previous_on: date | None = None,
    assessed_on: date | None = None,
) -> list[Finding]:
    """A rise of `ALSFRS_R_RISE` points or more, or a fall faster than `ALSFRS_R_FALL_PER_MONTH`
    points a month (and of at least `ALSFRS_R_FALL_MIN` points), since the previous total."""
    if previous_total is None:
        return []
    since = f" on {previous_on:%d %B %Y}" if previous_on else ""
    change = total - previous_total
    if change >= ALSFRS_R_RISE:
        return [
            Finding(
                "alsfrs_r",
                f"The ALSFRS-R total rose {change} points since the last one "
                f"({previous_total}{since} → {total}). Check the answers and who answered.",
                "alsfrs_r_change",
            )
        ]
    if previous_on is None or assessed_on is None:
        return []  # a fall is judged by its pace
    months = max(1.0, (assessed_on - previous_on).days / DAYS_PER_MONTH)
    if -change >= ALSFRS_R_FALL_MIN and -change / months > ALSFRS_R_FALL_PER_MONTH:
        return [
            Finding(
                "alsfrs_r",
                f"The ALSFRS-R total fell {-change} points since the last one "
                f"({previous_total}{since} → {total}), {-change / months:.1f} points a month: "
                f"faster than {ALSFRS_R_FALL_PER_MONTH} a month is rare. Check the answers and "
                "who answered.",
                "alsfrs_r_change",
            )
        ]
    return []


def item5_findings(
    *, answered_5b: bool, gastrostomy_date: date | None, assessed_on: date
) -> list[Finding]:
    """Item 5b is for people with a gastrostomy (Cedarbaum 1999), and 5b answered is King's stage
    4A (shared/design/als-measures.md §3.1): the record's gastrostomy date should agree."""
    if answered_5b and gastrostomy_date is None:
        return [
            Finding(
                "alsfrs_r",
                "Item 5b (with a feeding tube) was answered, but the record has no gastrostomy "
                "date. Add the date to the patient record, or check item 5.",
                "feeding_tube",
            )
        ]
    if answered_5b and gastrostomy_date > assessed_on:
        return [
            Finding(
                "alsfrs_r",
                f"Item 5b (with a feeding tube) was answered before the recorded gastrostomy "
                f"({gastrostomy_date:%d %B %Y}). Check item 5 or the gastrostomy date.",
                "feeding_tube",
            )
        ]
    if not answered_5b and gastrostomy_date is not None and gastrostomy_date <= assessed_on:
        return [
            Finding(
                "alsfrs_r",
                f"Item 5a (no feeding tube) was answered, but the record has a gastrostomy "
                f"since {gastrostomy_date:%d %B %Y}. Check item 5.",
                "feeding_tube",
            )
        ]
    return []


def ventilation_findings(
    *,
    item12: int | None,
    niv_date: date | None,
    tracheostomy_date: date | None,
    assessed_on: date,
) -> list[Finding]:
    """Item 12 (respiratory insufficiency, Cedarbaum 1999): 3 to 1 is BiPAP (intermittent, at
    night, day and night), 0 invasive ventilation by intubation or tracheostomy. Any of them is
    King's stage 4B (als-measures.md §3.1), which the record's dates should show. A recorded NIV
    date with item 12 at 4 is not asked about: people stop NIV they cannot tolerate."""
    if item12 is None:
        return []
    trached = tracheostomy_date is not None and tracheostomy_date <= assessed_on
    if item12 == 0 and not trached:
        return [
            Finding(
                "alsfrs_r",
                "Item 12 says invasive ventilation (intubation or tracheostomy), but the record "
                + (
                    f"has the tracheostomy only from {_day(tracheostomy_date)}. "
                    if tracheostomy_date
                    else "has no tracheostomy date. "
                )
                + "Add or correct the date, or check item 12.",
                "ventilation",
            )
        ]
    on_niv = niv_date is not None and niv_date <= assessed_on
    if 1 <= item12 <= 3 and not (on_niv or trached):
        return [
            Finding(
                "alsfrs_r",
                "Item 12 says the patient uses BiPAP (breathing support, King's stage 4B), but "
                + (
                    f"the record has non-invasive ventilation only from {_day(niv_date)}. "
                    if niv_date
                    else "the record has no date when non-invasive ventilation started. "
                )
                + "Add or correct the date, or check item 12.",
                "ventilation",
            )
        ]
    if item12 == 4 and trached:
        return [
            Finding(
                "alsfrs_r",
                f"Item 12 says no breathing support, but the record has a tracheostomy since "
                f"{_day(tracheostomy_date)}. Check item 12 or the tracheostomy date.",
                "ventilation",
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
                "visit_window",
            )
        ]
    if late > 0:
        return [
            Finding(
                "visit",
                f"Seen {late} day{'s' if late != 1 else ''} after its window closed "
                f"(due {due:%d %B %Y} ± {window_days} days).",
                "visit_window",
            )
        ]
    return []


def date_order_findings(
    field: str, pairs: Iterable[tuple[str, date | None, str, date | None]]
) -> list[Finding]:
    """Each `(earlier, its date, later, its date)` must not run backwards: a diagnosis before
    onset, a resolution before the event. The models refuse these at entry; what is found here
    was entered before, or imported."""
    found = []
    for first, first_on, then, then_on in pairs:
        if first_on is not None and then_on is not None and then_on < first_on:
            found.append(
                Finding(
                    field,
                    f"{then[:1].upper()}{then[1:]} ({_day(then_on)}) is before {first} "
                    f"({_day(first_on)}). Check both dates.",
                    "date_order",
                )
            )
    return found


def after_death_findings(*, what: str, day: date | None, death_date: date | None) -> list[Finding]:
    """Death closes the record (issue 18): the models refuse a later date; this finds what was
    entered before they did."""
    if day is None or death_date is None or day <= death_date:
        return []
    return [
        Finding(
            "death",
            f"{what[:1].upper()}{what[1:]} is dated {_day(day)}, after the patient's death "
            f"({_day(death_date)}). Correct the date, or the date of death.",
            "after_death",
        )
    ]


ConsentPeriod = tuple[date, date | None]
"""When a consent to treatment was given, and withdrawn (None while it stands)."""


def consent_state(
    day: date, consents: Sequence[ConsentPeriod]
) -> Literal["active", "withdrawn", "none"]:
    """Whether a consent to treatment covered `day`: given on or before it, not withdrawn by it."""
    if any(
        given <= day and (withdrawn is None or withdrawn > day) for given, withdrawn in consents
    ):
        return "active"
    if any(withdrawn is not None and withdrawn <= day for _, withdrawn in consents):
        return "withdrawn"
    return "none"


def consent_findings(
    *, what: str, day: date | None, consents: Sequence[ConsentPeriod]
) -> list[Finding]:
    """Consent before cells (issue 18): the models refuse a harvest or dose without it; this
    finds what was entered before they did."""
    if day is None:
        return []
    state = consent_state(day, consents)
    if state == "active":
        return []
    why = (
        "after the patient withdrew consent to treatment"
        if state == "withdrawn"
        else "with no consent to treatment recorded on or before that day"
    )
    return [
        Finding(
            "consent",
            f"{what[:1].upper()}{what[1:]} on {_day(day)} is recorded {why}. Record the consent "
            "as it was given (with its date), or correct the record.",
            "consent",
        )
    ]


def open_event_at_death_findings(
    *, description: str, is_open: bool, death_date: date | None
) -> list[Finding]:
    """Recording a death asks for the outcome of every adverse event still open (issue 18)."""
    if not is_open or death_date is None:
        return []
    return [
        Finding(
            "adverse_event",
            f"The adverse event “{description[:80]}” is still open, and the patient died on "
            f"{_day(death_date)}. Record its outcome (fatal if it caused the death) and when it "
            "ended.",
            "open_event_at_death",
        )
    ]


def serious_without_criterion_findings(
    *, description: str, serious: bool, criteria: Iterable[bool]
) -> list[Finding]:
    """A serious adverse event with no ICH E2A seriousness criterion: refused at entry, but events
    recorded before the criteria existed are so (`care.safety.serious_without_criterion`)."""
    if not serious_without_criterion(serious, criteria):
        return []
    return [
        Finding(
            "adverse_event",
            f"The serious adverse event “{description[:80]}” has no seriousness criterion "
            "(death, life-threatening, hospitalisation, disability, congenital anomaly or "
            "another important medical event). Record which made it serious (ICH E2A).",
            "serious_without_criterion",
        )
    ]


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
            "unlinked_programme",
        )
    ]
