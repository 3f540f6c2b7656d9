"""The progression page in plain words, for patients and their care team.

Everything the page says that is not in its templates is written here: what a figure needs
when it cannot be worked out, the records that contradict each other, the timeline, the ENCALS
inputs and the charts' titles, descriptions and labels. The outcomes engine says why with codes
(``cellpath.outcomes.reasons``); this module chooses the words people read for each code.
Nothing here computes a figure (``figures`` does).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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
        CourseSlopes,
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
DATE_AXIS = "Date"
TOTAL_TITLE = "ALSFRS-R total over time"
TOTAL_AXIS = "ALSFRS-R total (0–48)"
TOTAL_SERIES = "ALSFRS-R total"
EXPECTED_SERIES = "Expected without treatment, if the decline before treatment had continued"
DOMAINS_TITLE = "ALSFRS-R domain subscores over time"
DOMAINS_AXIS = "Subscore (0–12)"
DOMAIN_NAMES = {
    "bulbar": "Bulbar",
    "fine_motor": "Fine motor",
    "gross_motor": "Gross motor",
    "respiratory": "Respiratory",
}
FVC_TITLE = "FVC % predicted over time"
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


def _words(words: ChartWords | None) -> ChartWords:
    return STAFF_CHARTS if words is None else words


def event_label(kind: str, words: ChartWords | None = None) -> str:
    return (PLAIN_EVENT_LABELS if _words(words).plain else EVENT_LABELS)[kind]


def event_text(e: TimelineEvent, words: ChartWords | None = None) -> str:
    return plain_event(e) if _words(words).plain else e.text


def marked(
    events: Sequence[TimelineEvent], kinds: Iterable[str], words: ChartWords | None = None
) -> str:
    """The events a chart marks on its time axis, counted by kind."""
    counts = []
    for k in kinds:
        n = sum(e.kind == k for e in events)
        if n:
            counts.append(f"{event_label(k, words).lower()} ({n})")
    return f" Marked on the time axis: {', '.join(counts)}." if counts else ""


def _span(visits: Sequence[AlsfrsPoint], words: ChartWords | None = None) -> str:
    first, last = visits[0], visits[-1]
    one, many = _words(words).assessments
    return (
        f"{count(len(visits), one, many)} from {short_day(first.assessed_on)} to "
        f"{short_day(last.assessed_on)}"
    )


def carried_forward_description(p: Progression, words: ChartWords | None = None) -> str:
    """The dashed line of the total chart, said in words (empty without one)."""
    cf = p.carried_forward
    if cf is None:
        return ""
    end = cf.line[-1]
    if _words(words).plain:
        return (
            f" A dashed line shows where the score would be if it had kept changing as fast as "
            f"before treatment ({plain_rate(cf.slope)}), from {cf.baseline_total} on "
            f"{short_day(cf.baseline_on)} to {end[1]:.0f} on {short_day(end[0])}. It is a "
            "guide, not a measurement: the illness does not always change at an even speed."
        )
    return (
        f" A dashed line carries forward the decline before course {cf.course} "
        f"({cf.slope:.2f} points per month, first ALSFRS-R to baseline) from the baseline of "
        f"{cf.baseline_total} on {short_day(cf.baseline_on)}: {end[1]:.1f} expected on "
        f"{short_day(end[0])} had it continued (never below 0). It is not a control group."
    )


def total_description(p: Progression, kinds: Iterable[str], words: ChartWords | None = None) -> str:
    first, last = p.visits[0], p.visits[-1]
    what = "score" if _words(words).plain else "total"
    return (
        f"{_span(p.visits, words)}; the {what} went from {first.total} to {last.total} out of 48."
        f"{carried_forward_description(p, words)}"
        f"{marked(p.events, kinds, words)} The table below lists every value."
    )


def domains_description(
    p: Progression, kinds: Iterable[str], words: ChartWords | None = None
) -> str:
    last = p.visits[-1]
    names = _words(words).domain_names
    latest = ", ".join(
        f"{names[key].lower()} {getattr(last, key)}"
        for key in ("bulbar", "fine_motor", "gross_motor", "respiratory")
    )
    return (
        f"{_span(p.visits, words)}; latest subscores out of 12: {latest}."
        f"{marked(p.events, kinds, words)} The table below lists every value."
    )


def fvc_description(
    p: Progression,
    shown: Sequence[FvcPoint],
    kinds: Iterable[str],
    words: ChartWords | None = None,
) -> str:
    plain = _words(words).plain
    what = "the breathing test" if plain else "FVC"
    predicted = "of expected" if plain else "predicted"
    return (
        f"{count(len(shown), 'measurement', 'measurements')} from "
        f"{short_day(shown[0].measured_on)} to {short_day(shown[-1].measured_on)}; {what} went "
        "from "
        f"{shown[0].percent:.0f} % to {shown[-1].percent:.0f} % {predicted}."
        f"{marked(p.events, kinds, words)} "
        "The table below lists every value and how it was obtained."
    )


def median_guide(median: float, words: ChartWords | None = None) -> str:
    if _words(words).plain:
        return f"Half of people: {median:.0f} months"
    return f"Predicted median: {median:.1f} months"


def observed_label(status: ObservedStatus) -> str:
    return f"Observed: {OBSERVED_LABELS[status.kind].lower()} ({status.months:.1f} months)"


def survival_description(
    median: float | None, status: ObservedStatus | None, words: ChartWords | None = None
) -> str:
    if _words(words).plain:
        half = f" {plain_median(median)}" if median is not None else ""
        return (
            "The line starts at 100 in 100 people at the first symptoms and falls over time."
            f"{half} The table below lists it every 12 months."
        )
    median_text = f" The predicted median is {median:.1f} months." if median is not None else ""
    observed_text = f" {status.text}" if status is not None else ""
    return (
        "The curve falls from 100 % at onset."
        f"{median_text}{observed_text} The table below lists the curve every 12 months."
    )


def percent_tick(v: float) -> str:
    return f"{v * 100:.0f} %"


# ----------------------------------------------------------------------------- in plain words
# What the patient and the caregivers they invited read (issue 19): the same figures, without
# the scales' and statistics' names ("ΔFS", "least squares", King's and MiToS stages), and what
# a figure needs said as what the care team can add. Neutral about who reads: a caregiver reads
# it as well as the patient.

PLAIN_SCORE = "questionnaire score"
PLAIN_MISSING = "Not known yet."


def plain_rate(value: float, *, per: str = "per month") -> str:
    """A slope in points per month as how fast the score changed: "0.53 points lost per month"."""
    amount = abs(value)
    points = "point" if f"{amount:.1f}" == "1.0" else "points"
    if f"{amount:.1f}" == "0.0":
        return f"no change {per}" if per else "no change"
    return f"{amount:.1f} {points} {'lost' if value < 0 else 'gained'} {per}"


_PLAIN_BLOCKED_ONSET = "It needs the date the first symptoms started; the care team can add it."
_PLAIN_BLOCKED_RECORDS = (
    "Some records need to be corrected by the care team first (they are listed above)."
)


def _plain_blocked(p: Progression) -> str:
    if p.onset_date is None:
        return _PLAIN_BLOCKED_ONSET
    if p.problems:
        return _PLAIN_BLOCKED_RECORDS
    return ""


def plain_delta_fs_needs(p: Progression) -> str:
    if p.onset_date is None or p.problems:
        return _plain_blocked(p)
    code = p.delta_fs_reason.code if p.delta_fs_reason else ""
    if code == "first_visit_at_onset":
        return "It needs a questionnaire answered after the day the first symptoms started."
    return "It needs a first questionnaire about daily activities."


def plain_slope_needs(p: Progression) -> str:
    if p.onset_date is None or p.problems:
        return _plain_blocked(p)
    return "It needs questionnaires answered on at least two different days."


_PLAIN_REGIONS = "speech and swallowing, arms and hands, legs"
_PLAIN_FUNCTIONS = "walking or looking after oneself, swallowing, communicating, breathing"


def plain_kings(kings: str) -> str:
    """King's stage as what it counts: body regions affected, or the support in use."""
    if kings == "4A":
        return "Uses a feeding tube (or needs one)"
    if kings == "4B":
        return "Needs support with breathing"
    if kings in ("0", "1", "2", "3"):
        return f"{kings} of 3 body regions"
    return "—"


def plain_mitos(mitos: int) -> str:
    """MiToS stage as what it counts: daily functions lost."""
    return f"{mitos} of 4 functions" if 0 <= mitos <= 4 else "—"


def plain_summary(p: Progression) -> list[tuple[str, str, bool]]:
    """The "In short" figures in plain words: (what, the figure or what it needs, missing)."""
    rows: list[tuple[str, str, bool]] = []
    latest = p.latest
    if latest is None:
        rows.append(
            (
                "Latest questionnaire score",
                "No questionnaire about daily activities yet. The score appears after the "
                "first one.",
                True,
            )
        )
    else:
        rows.append(
            (
                "Latest questionnaire score",
                f"{latest.total} out of 48, on {day(latest.assessed_on)} (48 means no loss of "
                "function).",
                False,
            )
        )
    what = "How fast the score changed from the first symptoms to the first questionnaire"
    if p.delta_fs is not None:
        # ΔFS counts points lost, so it is positive for a decline.
        rows.append((what, f"{plain_rate(-p.delta_fs)}.", False))
    else:
        rows.append((what, f"{PLAIN_MISSING} {plain_delta_fs_needs(p)}", True))
    what = "How fast the score changed over all questionnaires"
    if p.slope_ols is not None:
        rows.append((what, f"About {plain_rate(p.slope_ols)}.", False))
    else:
        rows.append((what, f"{PLAIN_MISSING} {plain_slope_needs(p)}", True))
    if p.death_date is None:
        regions, functions = "Body regions affected now", "Daily functions lost now"
        if p.current_kings is not None and p.current_mitos is not None:
            counted = p.current_kings in ("0", "1", "2", "3")
            which = f" ({_PLAIN_REGIONS})" if counted else ""
            rows.append((regions, f"{plain_kings(p.current_kings)}{which}.", False))
            rows.append((functions, f"{plain_mitos(p.current_mitos)} ({_PLAIN_FUNCTIONS}).", False))
        else:
            needs = _plain_blocked(p) or "It needs a questionnaire about daily activities."
            rows.append((regions, f"{PLAIN_MISSING} {needs}", True))
            rows.append((functions, f"{PLAIN_MISSING} {needs}", True))
    return rows


PLAIN_KEY = (
    f"Body regions: how many of the three regions ({_PLAIN_REGIONS}) the illness has reached; "
    "a feeding tube or support with breathing is named instead. Daily functions lost: how many "
    f"of four ({_PLAIN_FUNCTIONS}) can no longer be done without help."
)
PLAIN_DOMAIN_NAMES = {
    "bulbar": "Speech and swallowing",
    "fine_motor": "Hands (writing, dressing)",
    "gross_motor": "Walking and turning",
    "respiratory": "Breathing",
}


def plain_fvc_how(point: FvcPoint) -> str:
    """How the breathing figure was obtained, or what it needs."""
    if point.source == "computed":
        return "Worked out by Cellpath"
    if point.source == "entered":
        return "From a report"
    reason = point.reason
    if reason is not None and reason.code == "no_fvc_litres":
        return "Not measured on this day"
    if reason is not None and reason.code == "missing_inputs":
        facts = " and ".join(_RECORD_FACTS[name] for name in reason.params["inputs"])
        return f"Needs the {facts} on the record; the care team can add them"
    return "Cannot be worked out from this measurement"


PLAIN_EVENT_LABELS = {
    **EVENT_LABELS,
    "ae": "Health problem",
    "sae": "Serious health problem",
    "niv_full_time": "Breathing support more than 23 hours a day",
}


def plain_event(e: TimelineEvent) -> str:
    """What happened, in the timeline, without trial words ("adverse event", "grade")."""
    p = e.params
    if e.kind == "course":
        return f"Treatment course {p['course']} started: {p['programme']}"
    if e.kind in ("ae", "sae"):
        return f"{PLAIN_EVENT_LABELS[e.kind]}: {p['description']}"
    if e.kind == "dose":
        return f"Cells given (course {p['course']}): {p['cells']:,} cells, {p['route'].lower()}"
    return PLAIN_EVENT_LABELS[e.kind]


_PLAIN_RUN_IN = (
    "Working this out takes at least two questionnaires before the course started, a month or "
    "more apart."
)


def plain_course_before(c: CourseSlopes) -> str:
    """How fast the score changed before the course, or why that cannot be worked out."""
    if c.pre_slope is not None:
        return f"{plain_rate(c.pre_slope)[:1].upper()}{plain_rate(c.pre_slope)[1:]}."
    reason = c.pre_reason
    code = reason.code if reason is not None else ""
    if code == "run_in_too_short" and reason is not None:
        first, baseline = reason.params["first_visit"], reason.params["baseline"]
        if first == baseline:
            why = (
                f"Only one questionnaire was answered before the course started (on "
                f"{day(baseline)})."
            )
        else:
            why = (
                f"The questionnaires before the course started ({day(first)} and "
                f"{day(baseline)}) are less than a month apart."
            )
        return f"{PLAIN_MISSING} {why} {_PLAIN_RUN_IN}"
    if code == "no_baseline_visit":
        none = "No questionnaire was answered before the course started."
        return f"{PLAIN_MISSING} {none} {_PLAIN_RUN_IN}"
    return f"{PLAIN_MISSING} {_PLAIN_RUN_IN}"


def plain_course_after(c: CourseSlopes) -> str:
    if c.post_slope is not None:
        return f"{plain_rate(c.post_slope)[:1].upper()}{plain_rate(c.post_slope)[1:]}."
    reason = c.post_reason
    if reason is not None and reason.code == "no_post_visit":
        params = reason.params
        return (
            f"{PLAIN_MISSING} It needs a questionnaire about {params['target_months']:g} months "
            f"after the course started: between {day(params['earliest'])} and "
            f"{day(params['latest'])}."
        )
    return (
        f"{PLAIN_MISSING} It is worked out from the last questionnaire before the course "
        "started, and there is none."
    )


def plain_course_change(c: CourseSlopes) -> str:
    """The change between the two speeds, as slower or faster loss."""
    if c.change is None:
        return "Not known until both speeds are."
    if f"{abs(c.change):.1f}" == "0.0":
        return "About the same speed before and after."
    faster = "slower" if c.change > 0 else "faster"
    return f"The score changed {abs(c.change):.1f} points per month {faster} after the course."


PLAIN_COURSES_INTRO = (
    "How fast the questionnaire score changed before each course and in the months after it. "
    "Before: from the first questionnaire to the last one before the course started. After: from "
    "then to the questionnaire closest to 6 months later."
)


def plain_not_released(own: bool) -> str:
    """What the portal says where the care team sees the predicted survival, until a clinician
    has discussed it and released it."""
    who = (
        "Your clinician can talk with you"
        if own
        else "Their clinician can talk with the person you help, and with you if they wish,"
    )
    return (
        f"{who} about what to expect in the coming months and years, when the time is right. "
        "Ask at the next visit if you would like to."
    )


PLAIN_SURVIVAL_HEADING = "What to expect"
PLAIN_SURVIVAL_INTRO = (
    "A statistical model built from 11,475 people with ALS in 14 European clinics estimates, "
    "from eight facts known around the time of diagnosis, how long after the first symptoms "
    "people with the same facts lived before they died or needed a breathing tube "
    "(tracheostomy) or breathing support for more than 23 hours a day. It describes groups of "
    "people, not what will happen to one person."
)


def plain_released(release_on: date, note: str, *, own: bool) -> str:
    who = "Your clinician" if own else "The clinician"
    return f"{who} shared this on {day(release_on)}, with this note: “{note}”"


def plain_median(median: float) -> str:
    return (
        f"Half of the people with the same facts lived more than {median:.0f} months after "
        "their first symptoms without any of these events."
    )


def plain_survival_row(months: float, probability: float) -> tuple[str, str]:
    """One line of the yearly table: "After 2 years", "About 48 in 100 people"."""
    years = round(months / 12)
    return (
        f"After {count(years, 'year', 'years')}",
        f"About {probability * 100:.0f} in 100 people",
    )


PLAIN_SURVIVAL_NEEDS = (
    "The estimate cannot be worked out yet: some facts it needs are not on the record. The care "
    "team can add them."
)


@dataclass(frozen=True)
class ChartWords:
    """The words of the charts: the staff's, and the same in plain words."""

    months_axis: str
    date_axis: str
    total_title: str
    total_axis: str
    total_series: str
    expected_series: str
    domains_title: str
    domain_names: dict[str, str]
    domains_axis: str
    fvc_title: str
    fvc_axis: str
    fvc_series: dict[str, str]
    survival_title: str
    survival_axis: str
    survival_series: str
    assessments: tuple[str, str]  # one, many
    plain: bool


STAFF_CHARTS = ChartWords(
    months_axis=MONTHS_AXIS,
    date_axis=DATE_AXIS,
    total_title=TOTAL_TITLE,
    total_axis=TOTAL_AXIS,
    total_series=TOTAL_SERIES,
    expected_series=EXPECTED_SERIES,
    domains_title=DOMAINS_TITLE,
    domain_names=DOMAIN_NAMES,
    domains_axis=DOMAINS_AXIS,
    fvc_title=FVC_TITLE,
    fvc_axis=FVC_AXIS,
    fvc_series=FVC_SERIES,
    survival_title=SURVIVAL_TITLE,
    survival_axis=SURVIVAL_AXIS,
    survival_series=SURVIVAL_SERIES,
    assessments=("ALSFRS-R", "ALSFRS-R assessments"),
    plain=False,
)
PLAIN_CHARTS = ChartWords(
    months_axis="Months since the first symptoms",
    date_axis="Date",
    total_title="Questionnaire score over time",
    total_axis="Score (0–48)",
    total_series="Questionnaire score",
    expected_series="Where the score would be if it had kept changing as fast as before treatment",
    domains_title="The four parts of the questionnaire over time",
    domain_names=PLAIN_DOMAIN_NAMES,
    domains_axis="Score of each part (0–12)",
    fvc_title="Breathing test over time",
    fvc_axis="Breathing (% of expected)",
    fvc_series={
        "computed": "Breathing test, worked out by Cellpath",
        "entered": "Breathing test, from a report",
    },
    survival_title="Estimated share of people without any of these events, by months since the "
    "first symptoms",
    survival_axis="Share of people",
    survival_series="People without any of these events (model estimate)",
    assessments=("questionnaire", "questionnaires"),
    plain=True,
)
