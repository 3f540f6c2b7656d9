"""The progression page in plain words, for patients and their care team.

Everything the page says that is not in its templates is written here: what a figure needs
when it cannot be worked out, the records that contradict each other, the timeline, the ENCALS
inputs and the charts' titles, descriptions and labels. The outcomes engine says why with codes
(``cellpath.outcomes.reasons``); this module chooses the words people read for each code.
Nothing here computes a figure (``figures`` does).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from cellpath.outbox import long_date
from cellpath.outcomes.reasons import Reason
from cellpath.outcomes.vocabulary import (
    ALSFRS_R_ITEMS,
    EL_ESCORIAL,
    FVC_EQUATIONS,
    ONSET_SITES,
    label_of,
)
from cellpath.outcomes.wording import describe

if TYPE_CHECKING:
    from cellpath.care.progression.figures import (
        AlsfrsPoint,
        EncalsInput,
        FvcPoint,
        ObservedStatus,
        Progression,
        RecordProblem,
        TimelineEvent,
    )


def day(d: date) -> str:
    """A date as the page's sentences write it: "27 September 2023"."""
    return long_date(d)


def short_day(d: date) -> str:
    """A date in the page's tables: "27 Sep 2023"."""
    return f"{d.day} {d:%b %Y}"


def _sentence(reason: Reason) -> str:
    """The engine's own sentence as a sentence of the page, for a code the page has no words
    of its own for."""
    text = describe(reason)
    return text[:1].upper() + text[1:] + "."


# ----------------------------------------------------------------------------- ALSFRS-R

RESPONDENT_SHORT = {"clinic": "In clinic", "phone": "By telephone", "self": "Self-report"}
_ITEMS = {item.key: item for item in ALSFRS_R_ITEMS}
_DATES = {"onset_date": "the date of symptom onset", "death_date": "the date of death"}


def respondent(code: str) -> str:
    """How an ALSFRS-R was answered, in a table cell."""
    return RESPONDENT_SHORT.get(code, code)


def _item(key: str) -> str:
    item = _ITEMS.get(key)
    return f"item {item.number} ({item.plain})" if item else key


def record_problem(problem: RecordProblem) -> str:
    """A record the engine refused, named by the date of its ALSFRS-R."""
    reason, params = problem.reason, problem.reason.params
    if problem.assessed_on is None:
        return _sentence(reason)
    alsfrs = f"The ALSFRS-R of {day(problem.assessed_on)}"
    if reason.code in ("date_before", "date_after") and params.get("column") == "visit_date":
        which = "before" if reason.code == "date_before" else "after"
        other = _DATES.get(params["other"], params["other"])
        return f"{alsfrs} is {which} {other} {day(params['other_date'])}."
    if reason.code == "duplicate_visit":
        return f"There is a second ALSFRS-R on {day(problem.assessed_on)}."
    if reason.code == "item_invalid":
        return f"{alsfrs} has a score for {_item(params['item'])} that is not 0 to 4."
    if reason.code == "item_missing":
        return f"{alsfrs} has no score for {_item(params['item'])}."
    if reason.code == "item5_both":
        return f"{alsfrs} scores both 5a and 5b; item 5 is answered once."
    if reason.code == "item5_neither":
        return f"{alsfrs} scores neither 5a nor 5b; item 5 needs one of them."
    if reason.code == "original_alsfrs":
        return f"{alsfrs} has only the 10 items of the original ALSFRS, which is not rescaled."
    unplaced = Reason(reason.code, {k: v for k, v in params.items() if k != "visit"})
    return f"{alsfrs}: {describe(unplaced)}."


def _blocked(p: Progression) -> str:
    if p.onset_date is None:
        return "Needs the date of symptom onset."
    if p.problems:
        return "Cannot be computed until the records listed above are corrected."
    return ""


def delta_fs_needs(p: Progression) -> str:
    """What ΔFS needs (Labra 2016: at the first ALSFRS-R, after onset)."""
    if p.onset_date is None or p.problems:
        return _blocked(p)
    code = p.delta_fs_reason.code if p.delta_fs_reason else ""
    if code == "no_visits":
        return "Needs an ALSFRS-R."
    if code == "first_visit_at_onset":
        return "Needs an ALSFRS-R dated after the date of symptom onset."
    return ""


def slope_ols_needs(p: Progression) -> str:
    """What the least-squares slope over every ALSFRS-R needs."""
    if p.onset_date is None or p.problems:
        return _blocked(p)
    if p.slope_ols_reason is not None and p.slope_ols_reason.code == "too_few_visits":
        return "Needs ALSFRS-R on at least two different days."
    return ""


# ----------------------------------------------------------------------------- courses

_NO_BASELINE = "Needs an ALSFRS-R on or before the course start (the baseline)."


def slope_before_needs(reason: Reason | None) -> str:
    """What the two-point slope from the first ALSFRS-R to the baseline needs."""
    if reason is None:
        return ""
    if reason.code == "no_baseline_visit":
        return _NO_BASELINE
    if reason.code == "run_in_too_short":
        return (
            f"Needs an earlier ALSFRS-R, at least {reason.params['min_months']:g} month before "
            "the baseline (the last one on or before the course start)."
        )
    return _sentence(reason)


def slope_after_needs(reason: Reason | None) -> str:
    """What the two-point slope from the baseline to about 6 months later needs."""
    if reason is None:
        return ""
    if reason.code == "no_baseline_visit":
        return _NO_BASELINE
    if reason.code == "no_post_visit":
        params = reason.params
        return (
            f"Needs an ALSFRS-R about {params['target_months']:g} months after the baseline: "
            f"between {day(params['earliest'])} and {day(params['latest'])}."
        )
    return _sentence(reason)


# ----------------------------------------------------------------------------- FVC

# The facts the FVC reference equations take from the record (Cellpath's names for them).
_RECORD_FACTS = {"height_cm": "height", "sex": "sex", "birth_date": "date of birth"}


def equation_name(equation: str) -> str:
    """A reference equation's short name ("GLI-2012"), or what was recorded if unknown."""
    return label_of(FVC_EQUATIONS, equation)


def fvc_percent_missing(reason: Reason | None) -> str:
    """Why FVC % predicted could not be worked out, as the progression and visit pages say it."""
    if reason is None:
        return ""
    if reason.code == "no_fvc_litres":
        return "No FVC was measured (SVC only)."
    if reason.code == "missing_inputs":
        facts = " and ".join(_RECORD_FACTS[name] for name in reason.params["inputs"])
        return f"Needs the patient's {facts} to compute % predicted."
    if reason.code == "outside_reference_ages":
        name = equation_name(reason.params["equation"])
        return f"The age on this day is outside the range of the {name} equation."
    return "Cellpath does not know the reference equation recorded with this measurement."


def fvc_how(point: FvcPoint) -> str:
    """How a % predicted was obtained, or why it is missing, in the spirometry table."""
    return f"Worked out with {point.equation}" if point.source == "computed" else point.needs


# ----------------------------------------------------------------------------- timeline

EVENT_LABELS = {
    "course": "Course started",
    "dose": "Cells given",
    "ae": "Adverse event",
    "sae": "Serious adverse event",
    "niv_full_time": "Non-invasive ventilation more than 23 hours a day",
    "tracheostomy": "Tracheostomy",
    "death": "Died",
}


def event(e: TimelineEvent) -> str:
    """What happened, in the timeline and on the charts' event marks."""
    p = e.params
    if e.kind == "course":
        return f"Course {p['course']} started: {p['programme']}"
    if e.kind == "dose":
        return f"Cells given (course {p['course']}): {p['cells']:,} cells, {p['route'].lower()}"
    if e.kind in ("ae", "sae"):
        return f"{EVENT_LABELS[e.kind]}, grade {p['grade']}: {p['description']}"
    return EVENT_LABELS[e.kind]


# ----------------------------------------------------------------------------- ENCALS

_ENCALS_NAMES = {
    "delta_fs": "ΔFS (points lost per month)",
    "diagnostic_delay": "Time from onset to diagnosis",
    "age_at_onset": "Age at onset",
    "fvc_percent": "FVC % predicted",
    "bulbar_onset": "Bulbar onset",
    "definite": "El Escorial: definite ALS",
    "ftd": "Frontotemporal dementia",
    "c9orf72": "C9orf72 repeat expansion",
}
_ENCALS_NEEDS = {
    "delta_fs": "an ALSFRS-R dated after symptom onset.",
    "diagnostic_delay": "the date of diagnosis.",
    "age_at_onset": "the date of birth.",
    "bulbar_onset": "the site of onset.",
    "definite": "the El Escorial category.",
    "ftd": "whether the patient has frontotemporal dementia (yes or no).",
    "c9orf72": "the C9orf72 test result (yes or no).",
}


def encals_input_name(key: str) -> str:
    return _ENCALS_NAMES[key]


def encals_input_value(i: EncalsInput) -> str:
    """An input's value as the table shows it."""
    amount, details = i.amount, i.details
    if i.key == "delta_fs":
        return f"{amount:.2f}"
    if i.key == "diagnostic_delay":
        return f"{amount:.1f} months"
    if i.key == "age_at_onset":
        return f"{amount:.1f} years"
    if i.key == "fvc_percent":
        return f"{amount:.1f} %"
    if i.key == "bulbar_onset":
        return "Yes" if amount else f"No ({label_of(ONSET_SITES, details['site']).lower()})"
    if i.key == "definite":
        return "Yes" if amount else f"No ({label_of(EL_ESCORIAL, details['category']).lower()})"
    return "Yes" if amount else "No"


def encals_input_source(i: EncalsInput) -> str:
    """Where an input's value comes from."""
    d = i.details
    if i.key == "delta_fs":
        return (
            f"(48 − {d['total']}) ÷ {d['months']:.1f} months since onset, from the first "
            f"ALSFRS-R ({day(d['on'])})"
        )
    if i.key == "diagnostic_delay":
        return f"{day(d['onset'])} to {day(d['diagnosis'])}"
    if i.key == "age_at_onset":
        return "from the date of birth and symptom onset"
    if i.key == "fvc_percent":
        how = (
            f"computed with {d['equation']}"
            if d["source"] == "computed"
            else "as entered from a report"
        )
        return f"first on record ({day(d['on'])}), {how}"
    if i.key == "bulbar_onset":
        return "site of onset"
    if i.key == "definite":
        return "revised El Escorial category"
    return "recorded"


def encals_input_needs(i: EncalsInput) -> str:
    """What the record needs for a missing input (after "Needed: ")."""
    if i.key != "fvc_percent":
        return _ENCALS_NEEDS[i.key]
    missing, litres = i.details["missing"], i.details["litres"]
    if missing and litres:
        facts = " and ".join(_RECORD_FACTS[name] for name in missing)
        return (
            f"the patient's {facts}, to work out % predicted from the FVC in litres; or FVC % "
            "predicted from a report."
        )
    if litres:
        return "FVC % predicted from a report, or an FVC in litres at an age the equation covers."
    return (
        "a spirometry with FVC in litres (with the patient's height, sex and date of birth), or "
        "FVC % predicted from a report."
    )


def survival_needs(reason: Reason | None) -> str:
    """Why there is no prediction although every input is there (Westeneng 2018's domain)."""
    if reason is None:
        return ""
    if reason.code == "encals_outside_domain" and "diagnostic_delay" in reason.params["inputs"]:
        return "The date of diagnosis must be after the date of symptom onset."
    return "An input is outside the range the model accepts."


def observed(status: ObservedStatus) -> str:
    """What happened to the patient, set against the prediction."""
    n = f"{status.months:.1f}"
    if status.kind == "died":
        return f"Died at {n} months since onset ({day(status.day)})."
    if status.kind == "tracheostomy":
        return (
            f"Tracheostomy at {n} months since onset ({day(status.day)}), which the model "
            "counts as an event."
        )
    if status.kind == "niv_full_time":
        return (
            f"Non-invasive ventilation more than 23 hours a day from {n} months since onset "
            f"({day(status.day)}), which the model counts as an event."
        )
    return f"Alive at {n} months since onset (last record {day(status.day)})."


# ----------------------------------------------------------------------------- charts

MONTHS_AXIS = "Months since symptom onset"
TOTAL_TITLE = "ALSFRS-R total over months since symptom onset"
TOTAL_AXIS = "ALSFRS-R total (0–48)"
TOTAL_SERIES = "ALSFRS-R total"
DOMAINS_TITLE = "ALSFRS-R domain subscores over months since symptom onset"
DOMAINS_AXIS = "Subscore (0–12)"
DOMAIN_NAMES = {
    "bulbar": "Bulbar",
    "fine_motor": "Fine motor",
    "gross_motor": "Gross motor",
    "respiratory": "Respiratory",
}
FVC_TITLE = "FVC % predicted over months since symptom onset"
FVC_AXIS = "FVC (% predicted)"
FVC_SERIES = {
    "computed": "FVC % predicted, computed",
    "entered": "FVC % predicted, as entered from a report",
}
SURVIVAL_TITLE = "ENCALS predicted probability of being event-free over months since onset"
SURVIVAL_AXIS = "Predicted probability"
SURVIVAL_SERIES = "Predicted probability of no event (ENCALS)"
HALF = "50 %"
OBSERVED_LABELS = {
    "died": "Died",
    "tracheostomy": "Tracheostomy",
    "niv_full_time": "Ventilation more than 23 hours a day",
    "alive": "Alive at the last record",
}


def point_title(d: date, value: str) -> str:
    """What hovering a plotted point says: "15 Nov 2022: 40"."""
    return f"{d:%d %b %Y}: {value}"


def count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def marked(events: Sequence[TimelineEvent], kinds: Iterable[str]) -> str:
    """The events a chart marks on its time axis, counted by kind."""
    counts = []
    for k in kinds:
        n = sum(e.kind == k for e in events)
        if n:
            counts.append(f"{EVENT_LABELS[k].lower()} ({n})")
    return f" Marked on the time axis: {', '.join(counts)}." if counts else ""


def _span(visits: Sequence[AlsfrsPoint]) -> str:
    first, last = visits[0], visits[-1]
    return (
        f"{count(len(visits), 'ALSFRS-R', 'ALSFRS-R assessments')} from "
        f"{first.months:.1f} to {last.months:.1f} months since onset"
    )


def total_description(p: Progression, kinds: Iterable[str]) -> str:
    first, last = p.visits[0], p.visits[-1]
    return (
        f"{_span(p.visits)}; the total went from {first.total} to {last.total} out of 48."
        f"{marked(p.events, kinds)} The table below lists every value."
    )


def domains_description(p: Progression, kinds: Iterable[str]) -> str:
    last = p.visits[-1]
    return (
        f"{_span(p.visits)}; latest subscores out of 12: bulbar {last.bulbar}, fine motor "
        f"{last.fine_motor}, gross motor {last.gross_motor}, respiratory {last.respiratory}."
        f"{marked(p.events, kinds)} The table below lists every value."
    )


def fvc_description(p: Progression, shown: Sequence[FvcPoint], kinds: Iterable[str]) -> str:
    return (
        f"{count(len(shown), 'measurement', 'measurements')} from {shown[0].months:.1f} to "
        f"{shown[-1].months:.1f} months since onset; FVC went from {shown[0].percent:.0f} % "
        f"to {shown[-1].percent:.0f} % predicted.{marked(p.events, kinds)} "
        "The table below lists every value and how it was obtained."
    )


def median_guide(median: float) -> str:
    return f"Predicted median: {median:.1f} months"


def observed_label(status: ObservedStatus) -> str:
    return f"Observed: {OBSERVED_LABELS[status.kind].lower()} ({status.months:.1f} months)"


def survival_description(median: float | None, status: ObservedStatus | None) -> str:
    median_text = f" The predicted median is {median:.1f} months." if median is not None else ""
    observed_text = f" {status.text}" if status is not None else ""
    return (
        "The curve falls from 100 % at onset."
        f"{median_text}{observed_text} The table below lists the curve every 12 months."
    )


def percent_tick(v: float) -> str:
    return f"{v * 100:.0f} %"
