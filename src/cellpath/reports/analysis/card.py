"""The public outcomes card: a dated snapshot of a programme's report, aggregates only, with
small numbers suppressed (``suppression``; CMS cell-size suppression policy, design file §1).

The card holds counts, the additive relations between them (a total and its parts) and the
figures derived from them (percentages, intervals, means of n values, ratios). ``suppress``
hides every count from 1 to 10 and whatever would let one be worked out; a derived figure is
shown only when every count it uses is shown. No per-patient point is ever on a card.

``public_card(report)`` returns a JSON-ready mapping that the programme page renders as stored:
``counts`` and ``derived`` (None where suppressed), and ``rows`` (label, value text or None).
"""

from __future__ import annotations

import math
from typing import Any

from cellpath.reports.analysis.report import CohortReport
from cellpath.reports.analysis.suppression import THRESHOLD, Derived, Group, suppress, visible

__all__ = ["CARD_VERSION", "card_counts", "public_card"]

CARD_VERSION = "card-1"
CARD_DEFINITIONS = ("nurown", "petrou")


def _fmt(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}".replace("-", "−")


def card_counts(
    report: CohortReport,
) -> tuple[dict[str, int], list[Group], list[Derived], dict[str, float]]:
    """The card's counts, their relations, the derived figures and the derived values."""
    n = report.n_courses
    counts: dict[str, int] = {"treated": n}
    groups: list[Group] = []
    derived: list[Derived] = []
    values: dict[str, float] = {}

    six = next((row for row in report.change if row.months == 6), None)
    assessed = six.n if six else 0
    counts |= {"assessed_6m": assessed, "not_assessed_6m": n - assessed}
    groups.append(Group("treated", ("assessed_6m", "not_assessed_6m")))
    if six is not None:
        for key, value in (
            ("change_6m", six.observed),
            ("change_6m_lower", six.observed_lower),
            ("change_6m_upper", six.observed_upper),
            ("expected_6m", six.expected),
        ):
            derived.append(Derived(key, ("assessed_6m",)))
            values[key] = value

    for row in report.responders:
        if row.definition not in CARD_DEFINITIONS:
            continue
        d = row.definition
        counts |= {
            f"{d}_due": row.all_treated,
            f"{d}_not_due": n - row.all_treated,
            f"{d}_responders": row.responders,
            f"{d}_others": row.all_treated - row.responders,
        }
        groups.append(Group("treated", (f"{d}_due", f"{d}_not_due")))
        groups.append(Group(f"{d}_due", (f"{d}_responders", f"{d}_others")))
        for key, value in (
            (f"{d}_percent", row.all_percent),
            (f"{d}_lower", row.all_lower),
            (f"{d}_upper", row.all_upper),
        ):
            derived.append(Derived(key, (f"{d}_responders", f"{d}_due")))
            values[key] = value

    s = report.survival
    counts |= {
        "followed": s.n,
        "not_followed": n - s.n,
        "events": s.events,
        "event_free": s.n - s.events,
    }
    groups.append(Group("treated", ("followed", "not_followed")))
    groups.append(Group("followed", ("events", "event_free")))
    derived.append(Derived("follow_up_months", ("followed",)))
    values["follow_up_months"] = s.median_follow_up_months
    if s.oe is not None:
        for key, value in (
            ("expected_events", s.oe.expected),
            ("oe_ratio", s.oe.ratio),
            ("oe_lower", s.oe.lower),
            ("oe_upper", s.oe.upper),
        ):
            derived.append(Derived(key, ("events", "followed")))
            values[key] = value

    ae = report.adverse_events
    if ae is not None:
        counts |= {
            "people": ae.patients,
            "with_serious": ae.patients_with_serious,
            "without_serious": ae.patients - ae.patients_with_serious,
            "ae_events": ae.events,
        }
        groups.append(Group("people", ("with_serious", "without_serious")))
        derived.append(Derived("ae_rate", ("ae_events", "people")))
        values["ae_rate"] = ae.per_100_patient_years
    return counts, groups, derived, values


def public_card(report: CohortReport) -> dict[str, Any]:
    """The suppressed card of ``report`` (JSON-ready; see the module docstring)."""
    counts, groups, derived, values = card_counts(report)
    hidden = suppress(counts, groups, threshold=THRESHOLD)
    shown_counts = {k: (None if k in hidden else v) for k, v in counts.items()}
    shown_values = {
        d.key: (values[d.key] if visible(d, hidden) and math.isfinite(values[d.key]) else None)
        for d in derived
    }
    c, v = shown_counts, shown_values

    def count(key: str) -> str | None:
        return None if c.get(key) is None else str(c[key])

    rows: list[dict[str, str | None]] = [
        {"key": "treated", "label": "Treated courses", "value": count("treated")},
        {
            "key": "follow_up",
            "label": "Median follow-up since the first dose",
            "value": None
            if v.get("follow_up_months") is None
            else f"{_fmt(v['follow_up_months'])} months",
        },
    ]
    if "change_6m" in v:
        value = None
        if v["change_6m"] is not None and c["assessed_6m"] is not None:
            value = (
                f"{_fmt(v['change_6m'])} points (95 % CI {_fmt(v['change_6m_lower'])} to "
                f"{_fmt(v['change_6m_upper'])}; n = {c['assessed_6m']}); their own decline "
                f"before treatment carried forward: {_fmt(v['expected_6m'])}"
            )
        rows.append({"key": "change_6m", "label": "ALSFRS-R change after 6 months", "value": value})
    for d, label in (
        ("nurown", "Slowed by at least 1.25 points a month (NurOwn phase 3 definition)"),
        ("petrou", "ALSFRS-R or FVC slope at least 25 % better (Petrou 2016 definition)"),
    ):
        if f"{d}_percent" not in v:
            continue
        value = None
        if v[f"{d}_percent"] is not None:
            value = (
                f"{c[f'{d}_responders']} of {c[f'{d}_due']} ({_fmt(v[f'{d}_percent'], 0)} %; "
                f"95 % CI {_fmt(v[f'{d}_lower'], 0)} to {_fmt(v[f'{d}_upper'], 0)} %)"
            )
        rows.append({"key": f"{d}_responders", "label": label, "value": value})
    events_value = None
    if c["events"] is not None and c["followed"] is not None:
        events_value = f"{c['events']} of {c['followed']}"
        if v.get("oe_ratio") is not None:
            events_value += (
                f"; ENCALS predicted {_fmt(v['expected_events'])} "
                f"(observed/expected {_fmt(v['oe_ratio'], 2)}, 95 % CI {_fmt(v['oe_lower'], 2)} "
                f"to {_fmt(v['oe_upper'], 2)})"
            )
    rows.append(
        {
            "key": "events",
            "label": "Death, tracheostomy or ventilation more than 23 hours a day",
            "value": events_value,
        }
    )
    if "people" in c:
        rows.append(
            {
                "key": "serious",
                "label": "People with a serious adverse event",
                "value": None
                if c["with_serious"] is None or c["people"] is None
                else f"{c['with_serious']} of {c['people']}",
            }
        )
        rows.append(
            {
                "key": "ae_rate",
                "label": "Adverse events per 100 patient-years",
                "value": None if v.get("ae_rate") is None else _fmt(v["ae_rate"]),
            }
        )
    placebo = next(
        (r.placebo for r in report.responders if r.definition == "nurown" and r.placebo), None
    )
    context = None
    if placebo is not None:
        context = {
            "study": placebo.study,
            "label": placebo.label,
            "value": placebo.value,
            "url": placebo.url,
            "unverified": placebo.unverified,
        }
    return {
        "version": CARD_VERSION,
        "placebo": context,
        "as_of": str(report.as_of),
        "threshold": THRESHOLD,
        "counts": shown_counts,
        "derived": shown_values,
        "groups": [[g.total, *g.parts] for g in groups],
        "rows": rows,
        "suppressed": sorted(hidden),
    }
