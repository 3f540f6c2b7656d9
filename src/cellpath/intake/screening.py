"""The pre-screen: an application checked at once against a programme's screening criteria.

A pre-screen is **not a medical decision**. It tells an applicant, in plain words and straight
away, how their answers compare with what a programme has published, and what is still missing.
A coordinator reviews every application whatever the pre-screen said, and the programme's own
doctors decide eligibility. This is why the verdicts say "likely".

Each criterion compares one answer of the applicant's profile (`PROFILE_FIELDS`) with a value,
and gives one of three outcomes: meets, does not meet, or unknown (not answered, or an answer
that could not be read). The verdict follows from them:

1. any criterion not met → likely not eligible;
2. else any unknown criterion that holds the verdict (not ``when_known``) → we need more
   information;
3. else → likely eligible. A programme without criteria screens everyone in; the coordinator
   still reviews.

Where the usual criteria come from:

- Seed clinic pages list contraindications to a cell treatment: bone-marrow disorders, clotting
  disorders, low platelets, cancer, pregnancy or breastfeeding, and an active severe infection.
- ALS trial criteria follow the patterns in ``shared/design/trials-and-evidence.md`` §1.4 and §5:
  time since symptom onset or diagnosis (≤ 24 months is the commonest cut-off), ALSFRS-R total,
  vital capacity, El Escorial category, no tracheostomy, sometimes no gastrostomy, stable riluzole
  or edaravone, no anticoagulants before a lumbar puncture, no earlier stem-cell treatment
  (NurOwn). For example ALSUMMIT: ALSFRS-R 31–46, FVC > 40 %, ≤ 2 years from diagnosis, no
  tracheostomy or gastrostomy; CK0803: ALSFRS-R 36–45, SVC ≥ 50 %, onset ≤ 5 years, no
  antiplatelet or anticoagulant within 14 days.

Pure standard library: this module imports without Django, so forms, models, the command line
and tests share one implementation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

__all__ = [
    "OPERATORS",
    "PROFILE_FIELDS",
    "Criterion",
    "CriterionResult",
    "Outcome",
    "ProfileField",
    "Screening",
    "Verdict",
    "parse_answer",
    "screen",
]


class Outcome(StrEnum):
    MEETS = "meets"
    DOES_NOT_MEET = "does_not_meet"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]


class Verdict(StrEnum):
    LIKELY_ELIGIBLE = "likely_eligible"
    LIKELY_NOT_ELIGIBLE = "likely_not_eligible"
    NEED_MORE_INFORMATION = "need_more_information"

    @property
    def label(self) -> str:
        return _VERDICT_LABELS[self]


_OUTCOME_LABELS = {
    Outcome.MEETS: "Meets",
    Outcome.DOES_NOT_MEET: "Does not meet",
    Outcome.UNKNOWN: "Not answered yet",
}
_VERDICT_LABELS = {
    Verdict.LIKELY_ELIGIBLE: "Likely eligible",
    Verdict.LIKELY_NOT_ELIGIBLE: "Likely not eligible",
    Verdict.NEED_MORE_INFORMATION: "We need more information",
}


# --- The profile: what an applicant can be asked ----------------------------------------------

NUMBER, CHOICE, YES_NO = "number", "choice", "yes_no"


@dataclass(frozen=True)
class ProfileField:
    key: str
    label: str  # short noun phrase, e.g. "Age"
    question: str  # what the applicant answers, addressed to "you"
    kind: str  # "number" | "choice" | "yes_no"
    unit: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # for kind "choice": (value, label)
    minimum: float | None = None  # plausible range of a number answer, inclusive
    maximum: float | None = None


def _number(key: str, label: str, question: str, unit: str, low: float, high: float):
    return ProfileField(key, label, question, NUMBER, unit, minimum=low, maximum=high)


def _yes_no(key: str, label: str, question: str) -> ProfileField:
    return ProfileField(key, label, question, YES_NO)


EL_ESCORIAL_CHOICES = (
    ("definite", "Definite"),
    ("probable", "Probable"),
    ("probable_laboratory_supported", "Probable, laboratory-supported"),
    ("possible", "Possible"),
    ("suspected", "Suspected"),
)

PROFILE_FIELDS: dict[str, ProfileField] = {
    f.key: f
    for f in (
        _number("age_years", "Age", "How old are you?", "years", 0, 120),
        _number(
            "months_since_onset",
            "Time since first symptoms",
            "How many months ago did your first ALS symptoms start?",
            "months",
            0,
            600,
        ),
        _number(
            "months_since_diagnosis",
            "Time since diagnosis",
            "How many months ago were you diagnosed with ALS?",
            "months",
            0,
            600,
        ),
        _number(
            "alsfrs_r_total",
            "ALSFRS-R total",
            "What is your most recent ALSFRS-R total score? It goes from 0 to 48. "
            "Your ALS clinic can tell you.",
            "points",
            0,
            48,
        ),
        _number(
            "fvc_percent_predicted",
            "FVC",
            "What was your last breathing test result (FVC), as a percent of predicted?",
            "% of predicted",
            0,
            200,
        ),
        ProfileField(
            "el_escorial",
            "El Escorial category",
            "Which El Escorial category is your ALS in? Your neurologist can tell you.",
            CHOICE,
            choices=EL_ESCORIAL_CHOICES,
        ),
        _yes_no(
            "tracheostomy",
            "Tracheostomy",
            "Do you have a tracheostomy (a breathing tube through the front of your neck)?",
        ),
        _yes_no(
            "invasive_ventilation",
            "Invasive ventilation",
            "Do you use a breathing machine connected to a tube in your mouth or neck "
            "(invasive ventilation)?",
        ),
        _number(
            "niv_hours_per_day",
            "Breathing mask (NIV) use",
            "On a usual day, how many hours do you use a breathing mask machine, such as BiPAP "
            "(non-invasive ventilation)? Answer 0 if you do not use one.",
            "hours a day",
            0,
            24,
        ),
        _yes_no(
            "gastrostomy",
            "Feeding tube",
            "Do you have a feeding tube into your stomach (a gastrostomy, PEG or RIG)?",
        ),
        _yes_no("riluzole", "Riluzole", "Do you take riluzole (Rilutek, Tiglutik, Exservan)?"),
        _yes_no("edaravone", "Edaravone", "Do you take edaravone (Radicava)?"),
        _yes_no(
            "anticoagulants",
            "Blood thinners",
            "Do you take a blood thinner, such as warfarin, apixaban, rivaroxaban or heparin?",
        ),
        _yes_no(
            "prior_stem_cell_therapy",
            "Earlier stem-cell treatment",
            "Have you ever had a stem-cell treatment?",
        ),
        _yes_no(
            "pregnant_or_breastfeeding",
            "Pregnancy or breastfeeding",
            "Are you pregnant or breastfeeding?",
        ),
        _yes_no(
            "active_cancer",
            "Active cancer",
            "Do you have cancer now, or are you being treated for cancer?",
        ),
        _yes_no(
            "bone_marrow_disorder",
            "Bone-marrow disorder",
            "Has a doctor told you that you have a disease of the bone marrow?",
        ),
        _yes_no(
            "clotting_disorder",
            "Clotting disorder",
            "Has a doctor told you that you have a bleeding or blood-clotting disorder?",
        ),
        _number(
            "platelets",
            "Platelet count",
            "What was your platelet count in your most recent blood test, in × 10⁹/L "
            "(for example 250)?",
            "× 10⁹/L",
            0,
            2000,
        ),
        _yes_no(
            "active_severe_infection",
            "Severe infection",
            "Do you have a serious infection right now?",
        ),
    )
}


class _Wording(NamedTuple):
    """How reasons speak about a field. `subject` follows "You have not told us";
    `people` follows "this programme takes people" ({cmp} is the comparison); for yes/no
    fields `yes` and `no` are what the applicant said, starting with "you"."""

    subject: str
    people: str = ""
    yes: str = ""
    no: str = ""


def _yn(yes: str, no: str) -> _Wording:
    return _Wording(f"whether {yes}", yes=yes, no=no)


_WORDING: dict[str, _Wording] = {
    "age_years": _Wording("your age", "aged {cmp}"),
    "months_since_onset": _Wording(
        "when your first symptoms started", "whose first symptoms started {cmp} ago"
    ),
    "months_since_diagnosis": _Wording("when you were diagnosed", "diagnosed {cmp} ago"),
    "alsfrs_r_total": _Wording("your ALSFRS-R total", "with an ALSFRS-R total of {cmp}"),
    "fvc_percent_predicted": _Wording("your FVC", "with an FVC of {cmp}"),
    "el_escorial": _Wording("your El Escorial category", "whose El Escorial category is {cmp}"),
    "niv_hours_per_day": _Wording(
        "how many hours a day you use a breathing mask", "who use a breathing mask {cmp}"
    ),
    "platelets": _Wording("your platelet count", "with a platelet count of {cmp}"),
    "tracheostomy": _yn("you have a tracheostomy", "you do not have a tracheostomy"),
    "invasive_ventilation": _yn(
        "you use invasive ventilation", "you do not use invasive ventilation"
    ),
    "gastrostomy": _yn("you have a feeding tube", "you do not have a feeding tube"),
    "riluzole": _yn("you take riluzole", "you do not take riluzole"),
    "edaravone": _yn("you take edaravone", "you do not take edaravone"),
    "anticoagulants": _yn("you take a blood thinner", "you do not take a blood thinner"),
    "prior_stem_cell_therapy": _yn(
        "you have had a stem-cell treatment before", "you have not had a stem-cell treatment"
    ),
    "pregnant_or_breastfeeding": _yn(
        "you are pregnant or breastfeeding", "you are not pregnant or breastfeeding"
    ),
    "active_cancer": _yn("you have active cancer", "you do not have active cancer"),
    "bone_marrow_disorder": _yn(
        "you have a bone-marrow disorder", "you do not have a bone-marrow disorder"
    ),
    "clotting_disorder": _yn("you have a clotting disorder", "you do not have a clotting disorder"),
    "active_severe_infection": _yn(
        "you have a severe infection", "you do not have a severe infection"
    ),
}


def _wording(field: ProfileField) -> _Wording:
    """The field's wording; a field added to the registry without one still reads sensibly."""
    if field.key in _WORDING:
        return _WORDING[field.key]
    label = _lower_first(field.label)
    yes = f"you answered yes to “{field.question}”"
    no = f"you answered no to “{field.question}”"
    return _Wording(f"your answer to “{field.question}”", f"with {label} {{cmp}}", yes, no)


# --- Answers ----------------------------------------------------------------------------------

_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})
_NOT_SURE = frozenset({"not_sure", "not sure", "unsure", "unknown", "dont_know", "don't know"})
_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+$")


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _range_text(field: ProfileField) -> str:
    return f"between {_fmt(field.minimum)} and {_fmt(field.maximum)}{_unit(field)}"


def _to_number(field: ProfileField, raw: object) -> int | float:
    if isinstance(raw, bool):
        raise ValueError("Please give a number.")
    if isinstance(raw, str):
        text = raw.strip()
        if _THOUSANDS.match(text):
            # "1,250" could be a thousand and more, or one and a quarter: ask rather than guess.
            raise ValueError(
                f"Please write {text} without the comma, or with a point for decimals."
            )
        try:
            number = float(text.replace(",", ".", 1) if "." not in text else text)
        except ValueError:
            raise ValueError("Please give a number.") from None
    elif isinstance(raw, int | float | Decimal):
        try:
            number = float(raw)
        except OverflowError:
            raise ValueError(f"Please give a number {_range_text(field)}.") from None
    else:
        raise ValueError("Please give a number.")
    if not math.isfinite(number):
        raise ValueError("Please give a number.")
    low = -math.inf if field.minimum is None else field.minimum
    high = math.inf if field.maximum is None else field.maximum
    if not low <= number <= high:
        raise ValueError(f"Please give a number {_range_text(field)}.")
    return int(number) if number.is_integer() else number


def _to_yes_no(field: ProfileField, raw: object) -> bool | None:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        text = raw.strip().lower()
        if text in _YES:
            return True
        if text in _NO:
            return False
        if text in _NOT_SURE:
            return None
    raise ValueError("Please answer yes or no.")


def _to_choice(field: ProfileField, raw: object) -> str:
    values = {value: value for value, _ in field.choices}
    if isinstance(raw, str) and raw.strip().lower() in values:
        return values[raw.strip().lower()]
    labels = ", ".join(f"“{label}”" for _, label in field.choices)
    raise ValueError(f"Please choose one of {labels}.")


def parse_answer(field: str, raw: object) -> object:
    """One answer, normalised: None when blank; a number (int when whole) checked against the
    field's range; True or False; or a choice value. Raises ValueError, with a message an
    applicant understands, for an answer that does not fit. "Not sure" to a yes/no question is
    a missing answer (None), not an error."""
    definition = PROFILE_FIELDS.get(field)
    if definition is None:
        raise ValueError(f"Unknown field “{field}”.")
    if _blank(raw):
        return None
    if definition.kind == NUMBER:
        return _to_number(definition, raw)
    if definition.kind == YES_NO:
        return _to_yes_no(definition, raw)
    return _to_choice(definition, raw)


# --- Criteria ---------------------------------------------------------------------------------

OPERATORS: dict[str, str] = {
    ">=": "at least",
    "<=": "at most",
    ">": "more than",
    "<": "less than",
    "==": "equal to",
    "between": "between",
    "in": "one of",
    "not_in": "not one of",
    "is_true": "yes",
    "is_false": "no",
}
INCLUSION, EXCLUSION = "inclusion", "exclusion"

_NUMBER_OPS = frozenset({">=", "<=", ">", "<", "between"})
_CHOICE_OPS = frozenset({"in", "not_in"})
_YES_NO_OPS = frozenset({"is_true", "is_false"})
# The comparison that holds exactly when `op` does not: an exclusion reads as the requirement
# it sets ("exclude platelets < 100" is "platelets at least 100").
_NEGATED = {">=": "<", "<": ">=", "<=": ">", ">": "<=", "in": "not_in", "not_in": "in"}
_NEGATED.update({"is_true": "is_false", "is_false": "is_true"})


def _is_number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def _fmt(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.12g}"
    return str(value)


def _lower_first(label: str) -> str:
    """Lower-case "Feeding tube" to "feeding tube"; an acronym ("ALSFRS-R total") stays."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def _unit(field: ProfileField) -> str:
    return f" {field.unit}" if field.unit else ""


def _choice_label(field: ProfileField, value: object) -> str:
    return dict(field.choices).get(value, str(value))  # type: ignore[call-overload]


@dataclass(frozen=True)
class Criterion:
    """One screening rule. An inclusion must hold; an exclusion rules the applicant out when
    it holds. ``when_known``: a missing answer does not hold the verdict back (e.g. "platelets
    at least 100 × 10⁹/L if known"); a given answer is still checked."""

    field: str
    op: str
    value: object = None
    kind: str = INCLUSION
    explanation: str = ""
    when_known: bool = False

    def problems(self) -> list[str]:
        """Why this criterion cannot be used, in words an administrator understands; [] if
        it can."""
        problems: list[str] = []
        field = PROFILE_FIELDS.get(self.field)
        if field is None:
            problems.append(f"Unknown field “{self.field}”.")
        if self.op not in OPERATORS:
            problems.append(f"Unknown operator “{self.op}”.")
        if self.kind not in (INCLUSION, EXCLUSION):
            problems.append("The kind must be “inclusion” or “exclusion”.")
        if field is None or self.op not in OPERATORS:
            return problems
        return problems + _value_problems(field, self.op, self.value)

    def describe(self) -> str:
        """The rule as a plain phrase stating what passes, e.g. "Age between 18 and 75 years",
        "No tracheostomy", "El Escorial category one of: Definite, Probable"."""
        field = PROFILE_FIELDS.get(self.field)
        if field is None or self.problems():
            return f"{self.field} {OPERATORS.get(self.op, self.op)} {self.value!r} (not valid)"
        op, negated = self.op, self.kind == EXCLUSION
        if negated and op in _NEGATED:
            op, negated = _NEGATED[op], False
        suffix = " (if known)" if self.when_known else ""
        if op in _YES_NO_OPS:
            if op == "is_true":
                return f"{field.label}: yes{suffix}"
            return f"No {_lower_first(field.label)}{suffix}"
        not_ = "not " if negated else ""
        return f"{field.label} {not_}{_comparison(field, op, self.value, lists=True)}{suffix}"


def _value_problems(field: ProfileField, op: str, value: object) -> list[str]:
    label = OPERATORS[op]
    valid = [v for v, _ in field.choices]
    if op in _YES_NO_OPS:
        if field.kind != YES_NO:
            return [f"“{op}” works on yes/no questions only."]
        return [] if value is None else [f"“{op}” takes no value; leave it empty."]
    if op in _CHOICE_OPS:
        if field.kind != CHOICE:
            return [f"“{op}” works on choice questions only."]
        ok = isinstance(value, list | tuple) and value and all(v in valid for v in value)
        return [] if ok else [f"“{op}” needs a list of: {', '.join(valid)}."]
    if op == "==":
        if field.kind == CHOICE:
            return [] if value in valid else [f"“==” needs one of: {', '.join(valid)}."]
        if field.kind != NUMBER:
            return ["“==” works on number and choice questions only; use “is_true” or “is_false”."]
    elif field.kind != NUMBER:
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
    low = -math.inf if field.minimum is None else field.minimum
    high = math.inf if field.maximum is None else field.maximum
    return [
        f"{_fmt(n)} is outside the possible answers for {field.label} ({_range_text(field)})."
        for n in numbers
        if not low <= n <= high
    ]


def _comparison(field: ProfileField, op: str, value: object, *, lists: bool = False) -> str:
    """The comparison in words: "between 18 and 75 years", "“Definite” or “Probable”".
    `lists` gives the compact form of choices used by describe()."""
    if field.kind == NUMBER:
        if op == "between":
            low, high = value  # type: ignore[misc]
            return f"between {_fmt(low)} and {_fmt(high)}{_unit(field)}"
        return f"{OPERATORS[op]} {_fmt(value)}{_unit(field)}"
    values = list(value) if isinstance(value, list | tuple) else [value]
    labels = [_choice_label(field, v) for v in values]
    if lists:
        if op == "==":
            return f"equal to {labels[0]}"
        return f"{OPERATORS[op]}: {', '.join(labels)}"
    quoted = [f"“{label}”" for label in labels]
    either = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f"not {either}" if op == "not_in" else either


def _holds(op: str, value: object, answer: object) -> bool:
    if op == ">=":
        return answer >= value  # type: ignore[operator]
    if op == "<=":
        return answer <= value  # type: ignore[operator]
    if op == ">":
        return answer > value  # type: ignore[operator]
    if op == "<":
        return answer < value  # type: ignore[operator]
    if op == "==":
        return answer == value
    if op == "between":
        low, high = value  # type: ignore[misc]
        return low <= answer <= high  # type: ignore[operator]
    if op == "in":
        return answer in value  # type: ignore[operator]
    if op == "not_in":
        return answer not in value  # type: ignore[operator]
    if op == "is_true":
        return answer is True
    return answer is False  # is_false


# --- Screening --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    outcome: Outcome
    answer: object  # the applicant's answer, normalised by parse_answer, or None
    reason: str


@dataclass(frozen=True)
class Screening:
    results: tuple[CriterionResult, ...]
    verdict: Verdict

    @property
    def failing(self) -> tuple[CriterionResult, ...]:
        return tuple(r for r in self.results if r.outcome == Outcome.DOES_NOT_MEET)

    @property
    def missing(self) -> tuple[CriterionResult, ...]:
        """Unknown results that hold the verdict back (criteria not marked ``when_known``)."""
        return tuple(
            r for r in self.results if r.outcome == Outcome.UNKNOWN and not r.criterion.when_known
        )

    @property
    def questions(self) -> tuple[ProfileField, ...]:
        """The fields to ask for, once each, in criteria order. A criterion that could not be
        checked (an invalid one) asks nothing: the applicant cannot fix it."""
        fields: dict[str, ProfileField] = {}
        for result in self.missing:
            criterion = result.criterion
            if criterion.field not in fields and not criterion.problems():
                fields[criterion.field] = PROFILE_FIELDS[criterion.field]
        return tuple(fields.values())


def _said(field: ProfileField, answer: object, wording: _Wording) -> str:
    """What the applicant said, after "you said": "80 years", "“Possible”", "you take …"."""
    if field.kind == NUMBER:
        return f"{_fmt(answer)}{_unit(field)}"
    if field.kind == CHOICE:
        return f"“{_choice_label(field, answer)}”"
    return wording.yes if answer else wording.no


def _people_who(phrase: str) -> str:
    return "people who " + phrase.removeprefix("you ")


def _reason(criterion: Criterion, field: ProfileField, answer: object, holds: bool) -> str:
    wording = _wording(field)
    excluded = criterion.kind == EXCLUSION
    if field.kind == YES_NO:
        said = _said(field, answer, wording)
        if excluded and holds:
            return f"Excluded: you said {said}."
        if excluded or holds:
            return f"You said {said}."
        wanted = wording.yes if criterion.op == "is_true" else wording.no
        return f"You said {said}; this programme takes only {_people_who(wanted)}."
    who = wording.people.format(cmp=_comparison(field, criterion.op, criterion.value))
    said = _said(field, answer, wording)
    if excluded:
        prefix = "Excluded: you said" if holds else "You said"
        if criterion.op == "not_in":  # "does not take … whose category is not …" is hard to read
            who = wording.people.format(cmp=_comparison(field, "in", criterion.value))
            return f"{prefix} {said}; this programme takes only people {who}."
        return f"{prefix} {said}; this programme does not take people {who}."
    return f"You said {said}; this programme takes people {who}."


def _evaluate(criterion: Criterion, profile: Mapping[str, object]) -> CriterionResult:
    def result(outcome: Outcome, answer: object, reason: str) -> CriterionResult:
        return CriterionResult(criterion, outcome, answer, reason)

    if criterion.problems():
        return result(
            Outcome.UNKNOWN,
            None,
            "We could not check this automatically; a coordinator will check it.",
        )
    field = PROFILE_FIELDS[criterion.field]
    subject = _wording(field).subject
    try:
        answer = parse_answer(criterion.field, profile.get(criterion.field))
    except (ValueError, TypeError) as error:
        return result(
            Outcome.UNKNOWN, None, f"We could not read your answer about {subject}. {error}"
        )
    if answer is None:
        reason = f"You have not told us {subject} yet."
        if criterion.when_known:
            reason += " That is fine: this is checked only if you know it."
        return result(Outcome.UNKNOWN, None, reason)
    holds = _holds(criterion.op, criterion.value, answer)
    meets = holds != (criterion.kind == EXCLUSION)
    outcome = Outcome.MEETS if meets else Outcome.DOES_NOT_MEET
    return result(outcome, answer, _reason(criterion, field, answer, holds))


def _verdict(results: Iterable[CriterionResult]) -> Verdict:
    results = tuple(results)
    if any(r.outcome == Outcome.DOES_NOT_MEET for r in results):
        return Verdict.LIKELY_NOT_ELIGIBLE
    if any(r.outcome == Outcome.UNKNOWN and not r.criterion.when_known for r in results):
        return Verdict.NEED_MORE_INFORMATION
    return Verdict.LIKELY_ELIGIBLE


def screen(criteria: Iterable[Criterion], profile: Mapping[str, object]) -> Screening:
    """Pre-screen a profile against criteria; results follow the order of the criteria.

    Never raises on the applicant's answers: a missing answer or one that cannot be read is
    unknown, with a reason. An invalid criterion is unknown too ("a coordinator will check
    it") rather than an error shown to the applicant. No criteria → likely eligible."""
    results = tuple(_evaluate(criterion, profile) for criterion in criteria)
    return Screening(results=results, verdict=_verdict(results))
