"""What a person with ALS has told us, under one set of names: the `Profile` and its fields.

Every door into screening builds one `Profile`: an applicant's answers (`intake`), a care
record (`care`), a visitor's answers to the trial finder (`trials`). Field names are those of
the eligibility reader's fixed contract (issue 7), so a trial criterion and a programme criterion
name the same fact the same way. `FIELDS` is the catalogue: what each field is called, the
question that fills it, its kind, unit and plausible range.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from typing import Any

from cellpath.outcomes.vocabulary import ALSFRS_R_NUMBERS, EL_ESCORIAL, choices

__all__ = ["CHOICE", "FIELDS", "ITEM", "NUMBER", "YES_NO", "Field", "Profile", "parse_answer"]

NUMBER, CHOICE, YES_NO, ITEM = "number", "choice", "yes_no", "item"


@dataclass(frozen=True)
class Field:
    """One fact a criterion can ask about. ``label`` is a short noun phrase ("Age"),
    ``question`` what a person answers, addressed to "you"; ``minimum``/``maximum`` the
    plausible range of a number, inclusive; ``choices`` (value, label) for a choice."""

    key: str
    label: str
    question: str
    kind: str
    unit: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    minimum: float | None = None
    maximum: float | None = None


def _number(key: str, label: str, question: str, unit: str, low: float, high: float) -> Field:
    return Field(key, label, question, NUMBER, unit, minimum=low, maximum=high)


def _yes_no(key: str, label: str, question: str) -> Field:
    return Field(key, label, question, YES_NO)


FIELDS: dict[str, Field] = {
    f.key: f
    for f in (
        _number("age_years", "Age", "How old are you?", "years", 0, 120),
        Field(
            "sex",
            "Sex",
            "Are you female or male?",
            CHOICE,
            choices=(("female", "Female"), ("male", "Male")),
        ),
        _number(
            "months_since_symptom_onset",
            "Time since first symptoms",
            "When did your first ALS symptoms start?",
            "months",
            0,
            600,
        ),
        _number(
            "months_since_diagnosis",
            "Time since diagnosis",
            "When were you diagnosed with ALS?",
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
        Field(
            "alsfrs_r_item",
            "ALSFRS-R item",
            "What are your ALSFRS-R answers, question by question?",
            ITEM,
            "points",
            minimum=0,
            maximum=4,
        ),
        _number(
            "alsfrs_r_slope_per_month",
            "ALSFRS-R points lost per month",
            "What is your ALSFRS-R total, and when did symptoms start?",
            "points a month",
            0,
            48,
        ),
        _number(
            "alsfrs_r_decline_points",
            "ALSFRS-R decline",
            "How many ALSFRS-R points have you lost in the last months?",
            "points",
            0,
            48,
        ),
        _number(
            "vc_percent_predicted",
            "Vital capacity",
            "What was your last breathing test result (FVC), as a percent of predicted?",
            "% of predicted",
            0,
            200,
        ),
        Field(
            "el_escorial",
            "El Escorial category",
            "Which El Escorial category is your ALS in? Your neurologist can tell you.",
            CHOICE,
            choices=tuple(choices(EL_ESCORIAL)),
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
        _number(
            "riluzole_stable_days",
            "Days on a stable dose of riluzole",
            "Do you take riluzole, and since when on the same dose?",
            "days",
            0,
            36_500,
        ),
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
            "pregnancy",
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
        _yes_no(
            "sod1_mutation",
            "SOD1 gene change",
            "Has a genetic test found a change in your SOD1 gene?",
        ),
        _yes_no(
            "c9orf72",
            "C9orf72 gene change",
            "Has a genetic test found a change in your C9orf72 gene?",
        ),
        _number(
            "bmi",
            "Body-mass index",
            "What are your height and weight (for the body-mass index)?",
            "kg/m²",
            10,
            80,
        ),
    )
}


# --- Answers ----------------------------------------------------------------------------------

_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})
_NOT_SURE = frozenset({"not_sure", "not sure", "unsure", "unknown", "dont_know", "don't know"})
_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+$")


def fmt(value: object) -> str:
    """A number as people write it: 24 not 24.0, at most 12 significant digits."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.12g}"
    return str(value)


def fmt_answer(key: str, value: object) -> str:
    """A person's answer (or a record's value) as every page shows it: an age in completed
    years ("79", as people say their age, for 79.94 from a date of birth), anything else as
    `fmt` writes it. Display only: matching compares the exact value."""
    if key == "age_years" and isinstance(value, float) and math.isfinite(value):
        return str(math.floor(value))
    return fmt(value)


PREGNANCY_NOT_ASKED_FROM_AGE = 60
"""A woman of this age or older is not asked about pregnancy (`pregnancy_not_asked`)."""


def pregnancy_not_asked(sex: str | None, age_years: float | None) -> bool:
    """Whether a question about pregnancy or breastfeeding cannot concern this person, going by
    what is known: a man, or a woman aged 60 or over. The project's convention, a pragmatic
    rule rather than a medical one: natural menopause comes by about 51 years of age and
    pregnancy after 55 is rare enough that trial teams check it at screening rather than
    need it to say whether to read on; asking it of a 79-year-old woman only hides her results
    behind a question she cannot answer yes to. Not asked, it counts as "no"; the trial team
    still checks it."""
    if sex == "male":
        return True
    return sex == "female" and age_years is not None and age_years >= PREGNANCY_NOT_ASKED_FROM_AGE


def range_text(definition: Field) -> str:
    unit = f" {definition.unit}" if definition.unit else ""
    return f"between {fmt(definition.minimum)} and {fmt(definition.maximum)}{unit}"


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _to_number(definition: Field, raw: object) -> int | float:
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
            raise ValueError(f"Please give a number {range_text(definition)}.") from None
    else:
        raise ValueError("Please give a number.")
    if not math.isfinite(number):
        raise ValueError("Please give a number.")
    low = -math.inf if definition.minimum is None else definition.minimum
    high = math.inf if definition.maximum is None else definition.maximum
    if not low <= number <= high:
        raise ValueError(f"Please give a number {range_text(definition)}.")
    return int(number) if number.is_integer() else number


def _to_yes_no(raw: object) -> bool | None:
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


def _to_choice(definition: Field, raw: object) -> str:
    allowed = {value for value, _ in definition.choices}
    if isinstance(raw, str) and raw.strip().lower() in allowed:
        return raw.strip().lower()
    labels = ", ".join(f"“{label}”" for _, label in definition.choices)
    raise ValueError(f"Please choose one of {labels}.")


def parse_answer(key: str, raw: object) -> object:
    """One answer, normalised: None when blank; a number (int when whole) checked against the
    field's range; True or False; or a choice value. Raises ValueError, with a message a person
    understands, for an answer that does not fit. "Not sure" to a yes/no question is a missing
    answer (None), not an error."""
    definition = FIELDS.get(key)
    if definition is None or definition.kind == ITEM:
        raise ValueError(f"Unknown field “{key}”.")
    if _blank(raw):
        return None
    if definition.kind == NUMBER:
        return _to_number(definition, raw)
    if definition.kind == YES_NO:
        return _to_yes_no(raw)
    return _to_choice(definition, raw)


# --- The profile ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """What a person with ALS has told us (or their record holds). None: not known.

    ``alsfrs_r_items`` maps item positions 1–12 to scores (item 5 from 5a or 5b);
    ``vc_measure`` says which vital capacity ``vc_percent_predicted`` is (FVC, SVC or VC);
    ``unreadable`` keeps, per field, why an answer given could not be read (it counts as
    not known, and the reason says so)."""

    age_years: float | None = None
    sex: str | None = None  # "female" | "male"
    months_since_symptom_onset: float | None = None
    months_since_diagnosis: float | None = None
    alsfrs_r_total: int | None = None
    alsfrs_r_items: Mapping[int, int] = field(default_factory=dict)
    alsfrs_r_slope_per_month: float | None = None  # points lost per month; ΔFS when not given
    alsfrs_r_decline_points: float | None = None
    vc_percent_predicted: float | None = None
    vc_measure: str | None = None
    el_escorial: str | None = None
    tracheostomy: bool | None = None
    invasive_ventilation: bool | None = None
    niv_hours_per_day: float | None = None
    gastrostomy: bool | None = None
    riluzole: bool | None = None
    riluzole_stable_days: float | None = None
    edaravone: bool | None = None
    anticoagulants: bool | None = None
    prior_stem_cell_therapy: bool | None = None
    pregnancy: bool | None = None
    active_cancer: bool | None = None
    bone_marrow_disorder: bool | None = None
    clotting_disorder: bool | None = None
    platelets: float | None = None
    active_severe_infection: bool | None = None
    sod1_mutation: bool | None = None
    c9orf72: bool | None = None
    bmi: float | None = None
    unreadable: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_answers(cls, answers: Mapping[str, object], **known: Any) -> Profile:
        """A profile from raw answers keyed by field (strings as typed, numbers, booleans),
        each read by `parse_answer`; `known` adds values already typed (e.g. computed ones).
        An answer that cannot be read is kept out, with its reason in ``unreadable``."""
        values: dict[str, Any] = {}
        unreadable: dict[str, str] = {}
        for key, raw in answers.items():
            if key not in _ATTRIBUTES or key not in FIELDS:
                continue
            try:
                values[key] = parse_answer(key, raw)
            except (ValueError, TypeError) as error:
                unreadable[key] = str(error)
        return cls(**{**values, **known}, unreadable=unreadable)

    def with_derived(self) -> Profile:
        """The profile with what follows from other answers: the ALSFRS-R total from all twelve
        items; ΔFS from the total and the months since onset (Kimura et al., Neurology
        2006;66:265–267). (Whom pregnancy cannot concern is the engine's to decide, with its
        reason: `pregnancy_not_asked`.)"""
        # the engine (and NumPy) load here, not on import: the trial reader needs only Criterion
        from cellpath.outcomes.alsfrs import InvalidAlsfrsError, alsfrs_r_total
        from cellpath.outcomes.progression import delta_fs

        derived = self
        if derived.alsfrs_r_total is None and set(self.alsfrs_r_items) == set(ALSFRS_R_NUMBERS):
            with suppress(InvalidAlsfrsError):  # an item out of range: no total
                derived = replace(derived, alsfrs_r_total=alsfrs_r_total(self.alsfrs_r_items))
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
        data = {
            k: v
            for k, v in self.__dict__.items()
            if v is not None and k not in ("alsfrs_r_items", "unreadable")
        }
        if self.alsfrs_r_items:
            data["alsfrs_r_items"] = {str(k): v for k, v in self.alsfrs_r_items.items()}
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Profile:
        known = {k: v for k, v in data.items() if k in _ATTRIBUTES and k != "unreadable"}
        items = known.pop("alsfrs_r_items", {}) or {}
        return cls(**known, alsfrs_r_items={int(k): int(v) for k, v in items.items()})


_ATTRIBUTES = frozenset(f.name for f in fields(Profile))
