"""The tri-state engine: each criterion meets, does not meet or is unknown; the verdict follows.

One engine serves a programme's pre-screen (`intake`) and trial matching (`trials`). Each
criterion gets one of TrialGPT's criterion-level labels, in plain words (Jin et al., Nat Commun
2024;15:9074, doi:10.1038/s41467-024-53081-z; trials-and-evidence.md §4.1):

* **meets** — an inclusion criterion holds, or an exclusion criterion does not;
* **does not meet** — an inclusion criterion fails, or an exclusion criterion holds;
* **unknown** — the profile does not say (TrialGPT's "not enough information"), or the answer
  could not be read or compared: the person is asked the question;
* **to discuss** — a criterion the trial reader could not structure (field ``other``): shown
  with its sentence for the trial team and never counted either way.

The verdict: any criterion not met → *likely not eligible*; else any unknown criterion that
holds the verdict back (not ``when_known``: "platelets at least 100 if known") → *need more
information*; else → *likely eligible* (no criteria screens everyone in). Never a medical
decision: a coordinator or the trial team decides.

An unanswered field is still decided when other answers settle it: symptoms begin before the
diagnosis, and an ALSFRS-R item lies within what the total leaves for it (Cedarbaum et al., J
Neurol Sci 1999;169:13–21). A rule on days of a stable riluzole dose is for people who take it.
Pregnancy is not asked of a man or of a woman aged 60 or over (`profile.pregnancy_not_asked`,
the project's convention): it counts as "no", with that reason.

Reasons are structured (`Reason`: a code and its parameters); `wording` turns them into
sentences in the voice of a programme or of a trial. Pure Python: no Django.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cellpath.outcomes.reasons import Reason
from cellpath.screening import wording
from cellpath.screening.profile import (
    CHOICE,
    FIELDS,
    ITEM,
    NUMBER,
    YES_NO,
    Profile,
    pregnancy_not_asked,
)

__all__ = [
    "EXCLUSION",
    "INCLUSION",
    "OPERATORS",
    "Criterion",
    "Outcome",
    "Reason",
    "Result",
    "Screen",
    "Screening",
    "Verdict",
    "decide",
    "evaluate",
    "screen",
    "verdict",
]

INCLUSION, EXCLUSION = "inclusion", "exclusion"
OTHER = "other"


class Outcome(StrEnum):
    MEETS = "meets"
    DOES_NOT_MEET = "does_not_meet"
    UNKNOWN = "unknown"
    TO_DISCUSS = "to_discuss"

    @property
    def label(self) -> str:
        return wording.OUTCOME_LABELS[self]


class Verdict(StrEnum):
    LIKELY_ELIGIBLE = "likely_eligible"
    LIKELY_NOT_ELIGIBLE = "likely_not_eligible"
    NEED_MORE_INFORMATION = "need_more_information"

    @property
    def label(self) -> str:
        return wording.VERDICT_LABELS[self]


OPERATORS: dict[str, str] = {
    ">=": "at least",
    "<=": "at most",
    ">": "more than",
    "<": "less than",
    "==": "equal to",
    "between": "between",
    "in": "one of",
    "not_in": "not one of",
    "present": "yes",
    "absent": "no",
}
_NUMBER_OPS = frozenset({">=", "<=", ">", "<", "between"})
_CHOICE_OPS = frozenset({"in", "not_in"})
_PRESENCE_OPS = frozenset({"present", "absent"})
#: The comparison that holds exactly when `op` does not.
NEGATED = {">=": "<", "<": ">=", "<=": ">", ">": "<=", "in": "not_in", "not_in": "in"}
NEGATED.update({"present": "absent", "absent": "present"})


@dataclass(frozen=True)
class Criterion:
    """One rule. An inclusion must hold; an exclusion rules the person out when it holds.

    ``item`` is the ALSFRS-R item (1–12) of an ``alsfrs_r_item`` rule; ``measure`` the vital
    capacity a ``vc_percent_predicted`` rule names (FVC, SVC, VC); ``unit`` the unit the
    source wrote; ``when_known``: a missing answer does not hold the verdict back (a given
    answer is still checked); ``quote`` the sentence it was read from; ``explanation`` why a
    programme asks it."""

    field: str
    op: str
    value: Any = None
    section: str = INCLUSION
    item: int | None = None
    measure: str | None = None
    unit: str | None = None
    when_known: bool = False
    quote: str = ""
    explanation: str = ""

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Criterion:
        """From the trial reader's JSON (`{"section", "field", "op", "value", "unit", "quote"}`
        with ``item`` and ``measure``)."""
        return cls(
            field=data["field"],
            op=data["op"],
            value=data.get("value"),
            section=data.get("section", INCLUSION),
            item=data.get("item"),
            measure=data.get("measure"),
            unit=data.get("unit"),
            quote=data.get("quote", ""),
        )

    def as_dict(self) -> dict[str, Any]:
        """The trial reader's JSON contract (lists for tuples; ``item`` and ``measure`` only
        when set)."""
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        out: dict[str, Any] = {"section": self.section, "field": self.field, "op": self.op,
                               "value": value, "unit": self.unit, "quote": self.quote}  # fmt: skip
        if self.item is not None:
            out["item"] = self.item
        if self.measure is not None:
            out["measure"] = self.measure
        return out

    @property
    def rule(self) -> tuple[Any, ...]:
        """What the fast `screen` needs: (section, field, op, value, item, when_known)."""
        return (self.section, self.field, self.op, self.value, self.item, self.when_known)

    def problems(self, *, ranges: bool = True) -> list[str]:
        """Why this criterion cannot be used, in words an administrator understands; [] if
        it can. ``ranges=False`` leaves out values outside a field's plausible range: they
        are refused where criteria are entered, but a stored one still compares."""
        problems: list[str] = []
        definition = FIELDS.get(self.field)
        if definition is None:
            problems.append(f"Unknown field “{self.field}”.")
        if self.op not in OPERATORS:
            problems.append(f"Unknown operator “{self.op}”.")
        if self.section not in (INCLUSION, EXCLUSION):
            problems.append("The kind must be “inclusion” or “exclusion”.")
        if definition is None or self.op not in OPERATORS:
            return problems
        if definition.kind == ITEM and self.item not in range(1, 13):
            problems.append("An ALSFRS-R item rule needs the item number, 1 to 12.")
        return problems + _value_problems(definition, self.op, self.value, ranges=ranges)

    def describe(self, voice: str = wording.PROGRAMME) -> str:
        """The rule in words (`wording.describe`)."""
        return wording.describe(self, voice)


def _is_number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def _value_problems(definition: Any, op: str, value: object, *, ranges: bool) -> list[str]:
    label = OPERATORS[op]
    valid = [v for v, _ in definition.choices]
    numeric = definition.kind in (NUMBER, ITEM)
    if op in _PRESENCE_OPS:
        if definition.kind not in (YES_NO, NUMBER):
            return [f"“{op}” works on yes/no and number questions only."]
        return [] if value is None else [f"“{op}” takes no value; leave it empty."]
    if op in _CHOICE_OPS:
        if definition.kind != CHOICE:
            return [f"“{op}” works on choice questions only."]
        ok = isinstance(value, list | tuple) and value and all(v in valid for v in value)
        return [] if ok else [f"“{op}” needs a list of: {', '.join(valid)}."]
    if op == "==":
        if definition.kind == CHOICE:
            return [] if value in valid else [f"“==” needs one of: {', '.join(valid)}."]
        if not numeric:
            return ["“==” works on number and choice questions only; use “present” or “absent”."]
    elif not numeric:
        return [f"“{op}” works on number questions only."]
    if op == "between":
        pair = isinstance(value, list | tuple) and len(value) == 2
        if not (pair and all(_is_number(v) for v in value) and value[0] <= value[1]):  # type: ignore[index]
            return ["“between” needs two numbers, low first."]
        numbers = list(value)  # type: ignore[call-overload]
    elif not _is_number(value):
        return [f"A number is needed for “{label}”."]
    else:
        numbers = [value]
    if not ranges:
        return []
    low = -math.inf if definition.minimum is None else definition.minimum
    high = math.inf if definition.maximum is None else definition.maximum
    return [
        f"{wording.fmt(n)} is outside the possible answers for {definition.label} "
        f"({wording.range_text(definition)})."
        for n in numbers
        if not low <= n <= high
    ]


# --- Deciding one criterion ---------------------------------------------------------------------


# Why a criterion got its outcome is a `Reason` (outcomes.reasons: a code and its parameters).
# Codes: ``answered`` (value; measured, when the person gave another vital capacity than the
# rule names), ``implied`` (rule: onset_from_diagnosis | diagnosis_from_onset | item_from_total
# | not_taking_riluzole, with its numbers), ``not_answered``, ``unreadable`` (error),
# ``not_comparable`` (value), ``invalid`` (problems), ``to_discuss``.

NOT_ANSWERED = Reason("not_answered")
TO_DISCUSS = Reason("to_discuss")
NOT_TAKING_RILUZOLE = Reason("implied", {"rule": "not_taking_riluzole"})


def _given(profile: Profile, field_key: str, item: int | None) -> Any:
    if field_key == "alsfrs_r_item":
        return profile.alsfrs_r_items.get(item or 0)
    return getattr(profile, field_key, None)


def _taking_riluzole(profile: Profile) -> bool | None:
    if profile.riluzole is not None:
        return profile.riluzole
    return True if profile.riluzole_stable_days else None


def _bounds(profile: Profile, field_key: str) -> tuple[float, float] | None:
    """What other answers imply about an unanswered field, as [low, high]. Symptoms begin
    before the diagnosis, so months since onset ≥ months since diagnosis; an ALSFRS-R item
    lies within [total − 44, total] ∩ [0, 4], the other eleven scoring 0–4 each (Cedarbaum
    1999)."""
    if field_key == "months_since_symptom_onset":
        diagnosis = profile.months_since_diagnosis
        return None if diagnosis is None else (diagnosis, math.inf)
    if field_key == "months_since_diagnosis":
        onset = profile.months_since_symptom_onset
        return None if onset is None else (0, onset)
    if field_key == "alsfrs_r_item" and profile.alsfrs_r_total is not None:
        total = profile.alsfrs_r_total
        return max(0, total - 44), min(4, total)
    return None


def _implied(profile: Profile, field_key: str) -> Reason:
    """The reason `_bounds` gave: which answers decided the field."""
    if field_key == "months_since_symptom_onset":
        months = profile.months_since_diagnosis
        return Reason("implied", {"rule": "onset_from_diagnosis", "months": months})
    if field_key == "months_since_diagnosis":
        months = profile.months_since_symptom_onset
        return Reason("implied", {"rule": "diagnosis_from_onset", "months": months})
    if field_key == "pregnancy":
        return Reason("implied", {"rule": "pregnancy_not_asked", "sex": profile.sex})
    total = profile.alsfrs_r_total or 0
    low, high = max(0, total - 44), min(4, total)
    return Reason("implied", {"rule": "item_from_total", "total": total, "low": low, "high": high})


def _holds(value: Any, op: str, target: Any) -> bool | None:
    """Whether `value op target` holds; None when they cannot be compared."""
    try:
        if op == "present":
            return bool(value) if isinstance(value, bool) else value > 0
        if op == "absent":
            return (not value) if isinstance(value, bool) else value == 0
        if op == "in":
            return value in (target or [])
        if op == "not_in":
            return value not in (target or [])
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


def _holds_within(low: float, high: float, op: str, target: Any) -> bool | None:
    """Whether `value op target` holds for every value in [low, high] (True), for none
    (False), or depends on where the value lies (None)."""
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


def _decide(
    profile: Profile,
    section: str,
    field_key: str,
    op: str,
    value: Any,
    item: int | None = None,
    _when_known: bool = False,  # a rule's last element rides along (`screen` reads it)
) -> tuple[Outcome, str, Any]:
    """`decide` without building its reason (what ranking thousands of trials needs): the
    outcome, the reason's code and the value compared."""
    if field_key == OTHER:
        return Outcome.TO_DISCUSS, "to_discuss", None
    given: Any = _given(profile, field_key, item)
    if field_key == "riluzole_stable_days":
        taking = _taking_riluzole(profile)
        if op in _PRESENCE_OPS:
            given = taking
        elif taking is False:
            return Outcome.MEETS, "not_taking_riluzole", None
    code = "answered"
    if (
        given is None
        and field_key == "pregnancy"
        and pregnancy_not_asked(profile.sex, profile.age_years)
    ):
        given, code = False, "implied"  # a man, or a woman of 60 or over: not asked
    if given is None:
        bounds = _bounds(profile, field_key)
        holds = None if bounds is None else _holds_within(bounds[0], bounds[1], op, value)
        if holds is None:
            return Outcome.UNKNOWN, "not_answered", None
        code = "implied"
    else:
        holds = _holds(given, op, value)
        if holds is None:
            return Outcome.UNKNOWN, "not_comparable", given
    if section == EXCLUSION:
        return (Outcome.DOES_NOT_MEET if holds else Outcome.MEETS), code, given
    return (Outcome.MEETS if holds else Outcome.DOES_NOT_MEET), code, given


def decide(
    profile: Profile, section: str, field_key: str, op: str, value: Any, item: int | None = None
) -> tuple[Outcome, Reason]:
    """The outcome of one (valid) criterion for `profile`, and why.

    A riluzole criterion with a presence op asks whether the person takes it; one with a number
    of days is read as "if taking riluzole", as ALS trials mean it, and holds for a person who
    does not (the trial reader adds a presence criterion when a trial requires riluzole)."""
    outcome, code, given = _decide(profile, section, field_key, op, value, item)
    if code in ("answered", "not_comparable"):
        return outcome, Reason(code, {"value": given})
    if code == "implied":
        return outcome, _implied(profile, field_key)
    if code == "not_answered":
        error = profile.unreadable.get(field_key)
        return outcome, (Reason("unreadable", {"error": error}) if error else NOT_ANSWERED)
    return outcome, (TO_DISCUSS if code == "to_discuss" else NOT_TAKING_RILUZOLE)


# --- Screening ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """One criterion's outcome. ``answer`` is the person's own answer it compared (None when
    unknown or when other answers decided it); ``why`` the structured reason and ``reason``
    the same in words."""

    criterion: Criterion
    outcome: Outcome
    why: Reason
    reason: str

    @property
    def answer(self) -> Any:
        return self.why.params.get("value") if self.why.code == "answered" else None

    @property
    def blocking(self) -> bool:
        """Unknown and holding the verdict back."""
        return self.outcome == Outcome.UNKNOWN and not self.criterion.when_known

    # what a trial page shows beside each result
    @property
    def section(self) -> str:
        return self.criterion.section

    @property
    def quote(self) -> str:
        return self.criterion.quote

    @property
    def explanation(self) -> str:
        return self.criterion.explanation

    @property
    def requirement(self) -> str:
        return wording.describe(self.criterion, wording.TRIAL)


def _questions(fields: Iterable[str]) -> tuple[Any, ...]:
    return tuple(FIELDS[key] for key in dict.fromkeys(fields) if key in FIELDS)


@dataclass(frozen=True)
class Screening:
    """Every criterion's result, in the criteria's order, and the verdict. ``key`` is
    whatever identifies what was screened to the caller (a trial's pk, a programme)."""

    results: tuple[Result, ...]
    verdict: Verdict
    key: Any = None

    @property
    def failing(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.outcome == Outcome.DOES_NOT_MEET)

    @property
    def failed_count(self) -> int:
        return len(self.failing)

    @property
    def missing(self) -> tuple[Result, ...]:
        """Unknown results that hold the verdict back."""
        return tuple(r for r in self.results if r.blocking)

    @property
    def to_discuss(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.outcome == Outcome.TO_DISCUSS)

    @property
    def questions(self) -> tuple[Any, ...]:
        """The fields to ask for (`profile.Field`), once each, in criteria order. A criterion
        that could not be checked (an invalid one) asks nothing: the person cannot fix it."""
        return _questions(r.criterion.field for r in self.missing if r.why.code != "invalid")


def verdict(results: Iterable[Result]) -> Verdict:
    """Any criterion not met → likely not eligible; else any blocking unknown → need more
    information; else likely eligible."""
    results = tuple(results)
    if any(r.outcome == Outcome.DOES_NOT_MEET for r in results):
        return Verdict.LIKELY_NOT_ELIGIBLE
    if any(r.blocking for r in results):
        return Verdict.NEED_MORE_INFORMATION
    return Verdict.LIKELY_ELIGIBLE


def _evaluate(criterion: Criterion, profile: Profile, voice: str) -> Result:
    if criterion.field == OTHER:
        outcome, why = Outcome.TO_DISCUSS, TO_DISCUSS
    elif problems := criterion.problems(ranges=False):
        outcome, why = Outcome.UNKNOWN, Reason("invalid", {"problems": tuple(problems)})
    else:
        outcome, why = decide(
            profile, criterion.section, criterion.field, criterion.op, criterion.value,
            criterion.item,
        )  # fmt: skip
        if (
            why.code == "answered"
            and criterion.field == "vc_percent_predicted"
            and criterion.measure in ("FVC", "SVC")
            and profile.vc_measure
            and profile.vc_measure != criterion.measure
        ):
            why = Reason("answered", {**why.params, "measured": profile.vc_measure})
    text = wording.reason(criterion, outcome, why, voice)
    return Result(criterion, outcome, why, text)


def evaluate(
    criteria: Iterable[Criterion],
    profile: Profile,
    *,
    voice: str = wording.PROGRAMME,
    key: Any = None,
) -> Screening:
    """Screen `profile` against `criteria`, every result with its reason in `voice`
    (``wording.PROGRAMME`` or ``wording.TRIAL``); results keep the criteria's order.

    Never raises on a person's answers: a missing answer or one that cannot be read is
    unknown, with a reason. An invalid criterion is unknown too ("a coordinator will check
    it") rather than an error shown to the person."""
    results = tuple(_evaluate(criterion, profile, voice) for criterion in criteria)
    return Screening(results, verdict(results), key)


@dataclass(frozen=True)
class Screen:
    """A verdict without reasons: what ranking thousands of trials needs."""

    key: Any
    verdict: Verdict
    failed_count: int
    unknown_fields: tuple[str, ...]

    @property
    def questions(self) -> tuple[Any, ...]:
        return _questions(self.unknown_fields)


Rule = Sequence[Any]
"""A criterion as `screen` needs it: (section, field, op, value, item[, when_known]), valid."""


def screen(key: Any, rules: Iterable[Rule], profile: Profile) -> Screen:
    """`evaluate` for ranking: the same outcomes and verdict, without reasons (one pass)."""
    failed = 0
    blocking = False
    unknown: list[str] = []
    for rule in rules:
        outcome = _decide(profile, *rule)[0]
        if outcome is Outcome.DOES_NOT_MEET:
            failed += 1
        elif outcome is Outcome.UNKNOWN and not (len(rule) > 5 and rule[5]):
            blocking = True
            if rule[1] not in unknown:
                unknown.append(rule[1])
    if failed:
        result = Verdict.LIKELY_NOT_ELIGIBLE
    elif blocking:
        result = Verdict.NEED_MORE_INFORMATION
    else:
        result = Verdict.LIKELY_ELIGIBLE
    return Screen(key, result, failed, tuple(unknown))
