"""Matching a person with ALS to trials, criterion by criterion — never a medical decision.

Each structured criterion a trial's eligibility text yields (`eligibility`) is checked against
the person's profile and gets one of TrialGPT's criterion-level labels, in plain words (Jin et
al., Nat Commun 2024;15:9074, doi:10.1038/s41467-024-53081-z; trials-and-evidence.md §4.1):

* **meets** — an inclusion criterion holds, or an exclusion criterion does not;
* **does not meet** — an inclusion criterion fails, or an exclusion criterion holds;
* **unknown** — the profile does not say (TrialGPT's "not enough information"): the person is
  asked the question;
* **to discuss** — a criterion the reader could not structure (`other`): shown with its sentence,
  for the trial team, and never counted either way.

A trial is then *likely eligible* (every structured criterion met), *need more information*
(none failed, some unknown) or *likely not eligible* (at least one failed), and trials are ranked
in that order (TrialGPT's linear aggregation also sinks any trial with a failed or excluding
criterion), fewer questions and fewer failures first, then nearer, then most recently updated.
The registry's own age limits and sex are checked as criteria too.

An unanswered field is still decided when other answers settle it: symptoms begin before the
diagnosis, and an ALSFRS-R item lies within what the total leaves for it. A rule on days of a
stable riluzole dose is for people who take riluzole (see `decide`).

ΔFS — the progression rate many ALS trials cap or floor — is computed from the ALSFRS-R total and
the months since onset when not given: (48 − total) / months (Kimura et al., Neurology
2006;66:265–267), by `outcomes.progression.delta_fs`.

Pure Python (plus the outcomes core): the finder, the saved-search alerts and the benchmark share
it, and it runs on 2,000 trials in a few milliseconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, TypeVar

from cellpath.outcomes.progression import delta_fs


class Outcome(StrEnum):
    MEETS = "meets"
    DOES_NOT_MEET = "does_not_meet"
    UNKNOWN = "unknown"
    TO_DISCUSS = "to_discuss"

    @property
    def label(self) -> str:
        return {
            "meets": "Meets",
            "does_not_meet": "Does not meet",
            "unknown": "Not answered yet",
            "to_discuss": "Ask the trial team",
        }[self]


class Verdict(StrEnum):
    LIKELY_ELIGIBLE = "likely_eligible"
    NEED_MORE_INFORMATION = "need_more_information"
    LIKELY_NOT_ELIGIBLE = "likely_not_eligible"

    @property
    def label(self) -> str:
        return {
            "likely_eligible": "Likely eligible",
            "need_more_information": "We need more information",
            "likely_not_eligible": "Likely not eligible",
        }[self]


EL_ESCORIAL_LABELS = {
    "definite": "definite",
    "probable": "probable",
    "probable_laboratory_supported": "probable, laboratory-supported",
    "possible": "possible",
    "suspected": "suspected",
}


@dataclass(frozen=True)
class Profile:
    """What a person with ALS has told us (or their record holds). None: not known."""

    age_years: float | None = None
    sex: str | None = None  # "female" | "male"
    months_since_symptom_onset: float | None = None
    months_since_diagnosis: float | None = None
    alsfrs_r_total: int | None = None
    alsfrs_r_items: Mapping[int, int] = field(default_factory=dict)  # item number 1–12 → score
    alsfrs_r_slope_per_month: float | None = None  # points lost per month; ΔFS when not given
    alsfrs_r_decline_points: float | None = None
    vc_percent_predicted: float | None = None
    vc_measure: str | None = None  # "FVC" | "SVC" | "VC"
    el_escorial: str | None = None
    riluzole: bool | None = None
    riluzole_stable_days: float | None = None
    edaravone: bool | None = None
    prior_stem_cell_therapy: bool | None = None
    tracheostomy: bool | None = None
    niv_hours_per_day: float | None = None
    gastrostomy: bool | None = None
    pregnancy: bool | None = None
    anticoagulants: bool | None = None
    sod1_mutation: bool | None = None
    c9orf72: bool | None = None
    bmi: float | None = None

    def with_derived(self) -> Profile:
        """The profile with what follows from other answers: the ALSFRS-R total from all twelve
        items; ΔFS from the total and the months since onset; "not pregnant" for a man."""
        derived = self
        if self.pregnancy is None and self.sex == "male":
            derived = replace(derived, pregnancy=False)
        if derived.alsfrs_r_total is None and set(self.alsfrs_r_items) == set(ITEM_NAMES):
            derived = replace(derived, alsfrs_r_total=sum(self.alsfrs_r_items.values()))
        if (
            derived.alsfrs_r_slope_per_month is None
            and derived.alsfrs_r_total is not None
            and derived.months_since_symptom_onset
        ):
            rate = float(delta_fs(derived.alsfrs_r_total, derived.months_since_symptom_onset))
            if math.isfinite(rate):
                derived = replace(derived, alsfrs_r_slope_per_month=round(rate, 2))
        return derived

    def as_json(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if v is not None and k != "alsfrs_r_items"}
        if self.alsfrs_r_items:
            data["alsfrs_r_items"] = {str(k): v for k, v in self.alsfrs_r_items.items()}
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Profile:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        items = known.pop("alsfrs_r_items", {}) or {}
        return cls(**known, alsfrs_r_items={int(k): int(v) for k, v in items.items()})


# --- What each field is called, and the question that fills it --------------------------------

ITEM_NAMES = {
    1: "speech", 2: "salivation", 3: "swallowing", 4: "handwriting", 5: "cutting food",
    6: "dressing and hygiene", 7: "turning in bed", 8: "walking", 9: "climbing stairs",
    10: "shortness of breath", 11: "breathing lying down", 12: "breathing support",
}  # fmt: skip
"""ALSFRS-R items in their published order (Cedarbaum et al., J Neurol Sci 1999;169:13–21)."""

NAMES = {
    "age_years": "Age",
    "sex": "Sex",
    "months_since_symptom_onset": "Time since first symptoms",
    "months_since_diagnosis": "Time since diagnosis",
    "alsfrs_r_total": "ALSFRS-R total",
    "alsfrs_r_item": "ALSFRS-R item",
    "alsfrs_r_slope_per_month": "ALSFRS-R points lost per month",
    "alsfrs_r_decline_points": "ALSFRS-R decline",
    "vc_percent_predicted": "Vital capacity",
    "el_escorial": "El Escorial category",
    "riluzole_stable_days": "Days on a stable dose of riluzole",
    "edaravone": "Edaravone",
    "prior_stem_cell_therapy": "Earlier stem-cell treatment",
    "tracheostomy": "Tracheostomy",
    "niv_hours_per_day": "Breathing mask (NIV) use",
    "gastrostomy": "Feeding tube",
    "pregnancy": "Pregnancy or breastfeeding",
    "anticoagulants": "Blood thinners",
    "sod1_mutation": "SOD1 gene change",
    "c9orf72": "C9orf72 gene change",
    "bmi": "Body-mass index",
}
QUESTIONS = {
    "age_years": "How old are you?",
    "sex": "Are you female or male?",
    "months_since_symptom_onset": "When did your first ALS symptoms start?",
    "months_since_diagnosis": "When were you diagnosed with ALS?",
    "alsfrs_r_total": "What is your most recent ALSFRS-R total score (0–48)?",
    "alsfrs_r_item": "What are your ALSFRS-R answers, question by question?",
    "alsfrs_r_slope_per_month": "What is your ALSFRS-R total, and when did symptoms start?",
    "alsfrs_r_decline_points": "How many ALSFRS-R points have you lost in the last months?",
    "vc_percent_predicted": "What was your last breathing test (FVC or SVC), in % of predicted?",
    "el_escorial": "Which El Escorial category is your diagnosis in?",
    "riluzole_stable_days": "Do you take riluzole, and since when on the same dose?",
    "edaravone": "Do you take edaravone (Radicava)?",
    "prior_stem_cell_therapy": "Have you ever had a stem-cell treatment?",
    "tracheostomy": "Do you have a tracheostomy?",
    "niv_hours_per_day": "How many hours a day do you use a breathing mask (NIV)?",
    "gastrostomy": "Do you have a feeding tube (gastrostomy)?",
    "pregnancy": "Are you pregnant or breastfeeding?",
    "anticoagulants": "Do you take a blood thinner?",
    "sod1_mutation": "Has a genetic test found a change in the SOD1 gene?",
    "c9orf72": "Has a genetic test found a change in the C9orf72 gene?",
    "bmi": "What are your height and weight (for the body-mass index)?",
}
_UNITS = {"%": "% of predicted", "points/month": "points a month", "hours/day": "hours a day"}


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def _unit(criterion: Mapping[str, Any]) -> str:
    unit = criterion.get("unit") or ""
    return f" {_UNITS.get(unit, unit)}" if unit else ""


def field_name(criterion: Mapping[str, Any]) -> str:
    name = NAMES.get(criterion["field"], "Other")
    if criterion["field"] == "riluzole_stable_days" and criterion["op"] in ("present", "absent"):
        name = "Taking riluzole"
    if criterion["field"] == "alsfrs_r_item" and criterion.get("item"):
        item = criterion["item"]
        name = f"ALSFRS-R item {item} ({ITEM_NAMES.get(item, 'item')})"
    if criterion["field"] == "vc_percent_predicted" and criterion.get("measure"):
        name = {"FVC": "FVC", "SVC": "SVC"}.get(criterion["measure"], "Vital capacity")
    return name


def describe(criterion: Mapping[str, Any]) -> str:
    """The requirement in words, e.g. "ALSFRS-R total at least 25 points"."""
    op, value = criterion["op"], criterion.get("value")
    name = field_name(criterion)
    if op in ("present", "absent"):
        return f"{name}: {'yes' if op == 'present' else 'no'}"
    if op == "in":
        return f"{name}: {', '.join(EL_ESCORIAL_LABELS.get(v, str(v)) for v in value or [])}"
    if op == "==":
        return f"{name}: {_shown(value, criterion)}"
    words = {">=": "at least", "<=": "at most", ">": "more than", "<": "less than"}
    if op == "between":
        return f"{name} between {_number(value[0])} and {_number(value[1])}{_unit(criterion)}"
    return f"{name} {words.get(op, op)} {_number(value)}{_unit(criterion)}"


# --- Evaluation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionResult:
    criterion: Mapping[str, Any]
    outcome: Outcome
    reason: str

    @property
    def section(self) -> str:
        return self.criterion["section"]

    @property
    def quote(self) -> str:
        return self.criterion.get("quote", "")

    @property
    def requirement(self) -> str:
        return describe(self.criterion)


@dataclass(frozen=True)
class TrialMatch:
    key: Any  # whatever identifies the trial to the caller (a pk, an NCT number)
    verdict: Verdict
    results: tuple[CriterionResult, ...]
    questions: tuple[str, ...]

    @property
    def failed(self) -> list[CriterionResult]:
        return [r for r in self.results if r.outcome == Outcome.DOES_NOT_MEET]

    @property
    def failed_count(self) -> int:
        return len(self.failed)

    @property
    def unknown(self) -> list[CriterionResult]:
        return [r for r in self.results if r.outcome == Outcome.UNKNOWN]

    @property
    def to_discuss(self) -> list[CriterionResult]:
        return [r for r in self.results if r.outcome == Outcome.TO_DISCUSS]


@dataclass(frozen=True)
class Implied:
    """A value that other answers imply, shown in words: "diagnosed 30 months ago"."""

    text: str


NOT_TAKING_RILUZOLE = Implied("you do not take riluzole, and this rule is for people who do")


def _value(profile: Profile, field: str, item: int | None) -> Any:
    if field == "alsfrs_r_item":
        return profile.alsfrs_r_items.get(item or 0)
    return getattr(profile, field, None)


def _taking_riluzole(profile: Profile) -> bool | None:
    if profile.riluzole is not None:
        return profile.riluzole
    return True if profile.riluzole_stable_days else None


def _bounds(profile: Profile, field: str) -> tuple[float, float, Implied] | None:
    """What other answers imply about an unanswered field, as [low, high]. Symptoms begin
    before the diagnosis, so months since onset ≥ months since diagnosis; an ALSFRS-R item
    lies within [total − 44, total] ∩ [0, 4], the other eleven scoring 0–4 each (Cedarbaum et
    al., J Neurol Sci 1999;169:13–21)."""
    onset, diagnosis = profile.months_since_symptom_onset, profile.months_since_diagnosis
    if field == "months_since_symptom_onset" and diagnosis is not None:
        text = f"diagnosed {_number(diagnosis)} months ago, so first symptoms at least as long ago"
        return diagnosis, math.inf, Implied(text)
    if field == "months_since_diagnosis" and onset is not None:
        text = f"first symptoms {_number(onset)} months ago, so diagnosed at most as long ago"
        return 0, onset, Implied(text)
    if field == "alsfrs_r_item" and profile.alsfrs_r_total is not None:
        total = profile.alsfrs_r_total
        low, high = max(0, total - 44), min(4, total)
        return low, high, Implied(f"ALSFRS-R total {total}, so each item {low} to {high}")
    return None


def _holds_within(low: float, high: float, op: str, target: Any) -> bool | None:
    """Whether `value op target` holds for every value in [low, high] (True), for none
    (False), or depends on where the value lies (None). Every op here admits an interval."""
    if op not in (">=", ">", "<=", "<", "between"):
        return None
    if _holds(low, op, target) and _holds(high, op, target):
        return True
    try:
        a, b = target if op == "between" else (target, target)
        disjoint = {
            ">=": high < a, ">": high <= a, "<=": low > b, "<": low >= b,
            "between": high < a or low > b,
        }[op]  # fmt: skip
    except (TypeError, ValueError):
        return None
    return False if disjoint else None


def decide(
    profile: Profile, section: str, field: str, op: str, value: Any, item: int | None = None
) -> tuple[Outcome, Any]:
    """The outcome of one criterion for `profile`, and the profile's value it compared (an
    `Implied` when other answers decided it).

    A riluzole criterion with a presence op asks whether the person takes it; one with a number
    of days is read as "if taking riluzole", as ALS trials mean it, and holds for a person who
    does not (the reader adds a presence criterion when a trial requires riluzole)."""
    if field == "other":
        return Outcome.TO_DISCUSS, None
    given: Any = _value(profile, field, item)
    if field == "riluzole_stable_days":
        taking = _taking_riluzole(profile)
        if op in ("present", "absent"):
            given = taking
        elif taking is False:
            return Outcome.MEETS, NOT_TAKING_RILUZOLE
    if given is None:
        bounds = _bounds(profile, field)
        holds = None if bounds is None else _holds_within(bounds[0], bounds[1], op, value)
        if holds is None:
            return Outcome.UNKNOWN, None
        given = bounds[2]
    else:
        holds = _holds(given, op, value)
    if holds is None:
        return Outcome.UNKNOWN, given
    if section == "exclusion":
        return (Outcome.DOES_NOT_MEET if holds else Outcome.MEETS), given
    return (Outcome.MEETS if holds else Outcome.DOES_NOT_MEET), given


def _holds(value: Any, op: str, target: Any) -> bool | None:
    """Whether `value op target` holds; None when they cannot be compared."""
    try:
        if op == "present":
            return bool(value) if isinstance(value, bool) else value > 0
        if op == "absent":
            return (not value) if isinstance(value, bool) else value == 0
        if op == "in":
            return value in (target or [])
        if op == "between":
            return target[0] <= value <= target[1]
        if op == ">=":
            return value >= target
        if op == "<=":
            return value <= target
        if op == ">":
            return value > target
        if op == "<":
            return value < target
        if op == "==":
            return value == target
    except (TypeError, IndexError, KeyError):
        return None
    return None


def _shown(value: Any, criterion: Mapping[str, Any]) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if criterion["field"] == "el_escorial":
        return EL_ESCORIAL_LABELS.get(value, str(value))
    return f"{_number(value)}{_unit(criterion)}"


def evaluate(criterion: Mapping[str, Any], profile: Profile) -> CriterionResult:
    """One criterion against one profile, with the reason in words (module docstring)."""
    outcome, given = decide(
        profile,
        criterion["section"],
        criterion["field"],
        criterion["op"],
        criterion.get("value"),
        criterion.get("item"),
    )
    if outcome == Outcome.TO_DISCUSS:
        return CriterionResult(criterion, outcome, "The trial team will check this.")
    if outcome == Outcome.UNKNOWN:
        reason = (
            "You have not told us this yet."
            if given is None
            else ("We could not compare your answer.")
        )
        return CriterionResult(criterion, outcome, reason)
    if isinstance(given, Implied):
        yours = f"From what you told us: {given.text}."
    else:
        yours = f"You told us: {_shown(given, criterion)}."
    if (
        criterion["field"] == "vc_percent_predicted"
        and criterion.get("measure") in ("FVC", "SVC")
        and profile.vc_measure
        and profile.vc_measure != criterion["measure"]
    ):
        yours += f" (your {profile.vc_measure}; the trial measures {criterion['measure']})"
    if criterion["section"] == "exclusion":
        reason = f"{yours} The trial excludes this." if outcome == Outcome.DOES_NOT_MEET else yours
    else:
        reason = (
            yours
            if outcome == Outcome.MEETS
            else (f"{yours} The trial asks for {describe(criterion)}.")
        )
    return CriterionResult(criterion, outcome, reason)


def _registry(field: str, op: str, value: Any, unit: str | None, quote: str) -> dict[str, Any]:
    quote = f"{quote} (registry record)"
    return {"section": "inclusion", "field": field, "op": op, "value": value, "unit": unit,
            "quote": quote}  # fmt: skip


def registry_criteria(
    *, minimum_age: float | None, maximum_age: float | None, sex: str
) -> list[dict[str, Any]]:
    """The registry's own structured limits (eligibility module), as criteria."""
    out: list[dict[str, Any]] = []
    if minimum_age is not None:
        text = f"Minimum age: {_number(minimum_age)} years"
        out.append(_registry("age_years", ">=", minimum_age, "years", text))
    if maximum_age is not None:
        text = f"Maximum age: {_number(maximum_age)} years"
        out.append(_registry("age_years", "<=", maximum_age, "years", text))
    if sex in ("FEMALE", "MALE"):
        out.append(_registry("sex", "==", sex.lower(), None, f"Sex: {sex.lower()} only"))
    return out


def _verdict(outcomes: Iterable[Outcome]) -> Verdict:
    seen = set(outcomes)
    if Outcome.DOES_NOT_MEET in seen:
        return Verdict.LIKELY_NOT_ELIGIBLE
    if Outcome.UNKNOWN in seen:
        return Verdict.NEED_MORE_INFORMATION
    return Verdict.LIKELY_ELIGIBLE


def _questions(fields: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(QUESTIONS[f] for f in fields if f in QUESTIONS))


def match(key: Any, criteria: Iterable[Mapping[str, Any]], profile: Profile) -> TrialMatch:
    """One trial: every criterion evaluated with its reason, the verdict, the questions."""
    results = tuple(evaluate(criterion, profile) for criterion in criteria)
    unknown = (r.criterion["field"] for r in results if r.outcome == Outcome.UNKNOWN)
    return TrialMatch(key, _verdict(r.outcome for r in results), results, _questions(unknown))


@dataclass(frozen=True)
class Screen:
    """A trial's verdict without the reasons: what ranking thousands of trials needs."""

    key: Any
    verdict: Verdict
    failed_count: int
    unknown_fields: tuple[str, ...]

    @property
    def questions(self) -> tuple[str, ...]:
        return _questions(self.unknown_fields)


Rule = Sequence[Any]
"""A criterion as matching needs it: (section, field, op, value, item) — see `rule_of`."""


def rule_of(criterion: Mapping[str, Any]) -> list[Any]:
    return [criterion["section"], criterion["field"], criterion["op"], criterion.get("value"),
            criterion.get("item")]  # fmt: skip


def screen(key: Any, rules: Iterable[Rule], profile: Profile) -> Screen:
    """`match` for ranking: the same outcomes, without building reasons (one pass)."""
    failed = 0
    any_unknown = False
    unknown: list[str] = []
    for rule in rules:
        outcome = decide(profile, *rule)[0]
        if outcome is Outcome.DOES_NOT_MEET:
            failed += 1
        elif outcome is Outcome.UNKNOWN:
            any_unknown = True
            if rule[1] in QUESTIONS and rule[1] not in unknown:
                unknown.append(rule[1])
    if failed:
        verdict = Verdict.LIKELY_NOT_ELIGIBLE
    elif any_unknown:
        verdict = Verdict.NEED_MORE_INFORMATION
    else:
        verdict = Verdict.LIKELY_ELIGIBLE
    return Screen(key, verdict, failed, tuple(unknown))


_ORDER = {
    Verdict.LIKELY_ELIGIBLE: 0,
    Verdict.NEED_MORE_INFORMATION: 1,
    Verdict.LIKELY_NOT_ELIGIBLE: 2,
}


Ranked = TypeVar("Ranked", TrialMatch, Screen)


def rank(
    matches: Sequence[Ranked],
    *,
    distance: Mapping[Any, float] | None = None,
    recency: Mapping[Any, Any] | None = None,
) -> list[Ranked]:
    """Likely eligible first, then need more information (fewest questions first), then not
    eligible (fewest failed criteria first); ties by distance, then by the latest update."""
    distance = distance or {}
    recency = recency or {}

    def order(m: TrialMatch | Screen) -> tuple[Any, ...]:
        updated = recency.get(m.key)
        return (
            _ORDER[m.verdict],
            m.failed_count if m.verdict == Verdict.LIKELY_NOT_ELIGIBLE else len(m.questions),
            distance.get(m.key, math.inf),
            -(updated.toordinal() if updated else 0),
        )

    return sorted(matches, key=order)
