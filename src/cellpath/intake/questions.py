"""What the application form asks, step by step, and how answers become a screening profile.

Data minimisation (GDPR art. 5(1)(c)): a step asks only the questions the chosen programme's
criteria need; a step with none is skipped. Dates are asked instead of durations (people know
when their symptoms began better than how many months ago that was); the profile the criteria
read is computed from them on the day of screening.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import NamedTuple

from django.utils.dateformat import format as format_date
from django.utils.text import capfirst

from cellpath.outcomes.alsfrs import InvalidAlsfrsError, alsfrs_r_total
from cellpath.outcomes.alsfrs_questions import BY_ITEM, questions_for
from cellpath.outcomes.alsfrs_questions import QUESTIONS as ALSFRS_QUESTIONS
from cellpath.outcomes.vocabulary import DAYS_PER_MONTH, completed_years, merged_items
from cellpath.screening import FIELDS, Profile


class Wording(NamedTuple):
    """A question the application itself asks: its short label (the review page, the
    coordinator's page) and its wording for the person with ALS and for someone applying for
    them."""

    label: str
    yours: str
    theirs: str


DATE_QUESTIONS = {
    "date_of_birth": Wording(
        "Date of birth", "What is your date of birth?", "What is their date of birth?"
    ),
    "onset_date": Wording(
        "First ALS symptoms",
        "When did your first ALS symptoms start? (An approximate date is fine.)",
        "When did their first ALS symptoms start? (An approximate date is fine.)",
    ),
    "diagnosis_date": Wording(
        "Diagnosed with ALS",
        "When were you diagnosed with ALS?",
        "When were they diagnosed with ALS?",
    ),
}
TEXT_QUESTIONS = {
    "other_medicines": Wording(
        "Other medicines",
        "Which other medicines do you take?",
        "Which other medicines do they take?",
    ),
    "previous_treatments": Wording(
        "Earlier ALS treatments",
        "Which treatments for ALS have you had before, in or outside a trial?",
        "Which treatments for ALS have they had before, in or outside a trial?",
    ),
}
"""Free answers the coordinator reads; no criterion uses them, so they are never required."""
FEEDING = "gastrostomy"
"""Asked whenever the ALSFRS-R is: it decides whether question 5 is 5a or 5b."""
ALSFRS_KEYS = tuple(q.item for q in ALSFRS_QUESTIONS)
DERIVED_FROM = {
    "age_years": ("date_of_birth",),
    "months_since_symptom_onset": ("onset_date",),
    "months_since_diagnosis": ("diagnosis_date",),
    "alsfrs_r_total": ALSFRS_KEYS,
}
"""Profile fields computed from other answers, and the answers they come from."""


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    intro: str
    keys: tuple[str, ...]  # answer keys: profile fields, dates or ALSFRS-R items
    optional: tuple[str, ...] = ()  # free answers asked whenever the step is shown


STEPS = (
    Step(
        "diagnosis",
        "Diagnosis",
        "Dates can be approximate.",
        ("date_of_birth", "onset_date", "diagnosis_date", "el_escorial"),
    ),
    Step(
        "breathing",
        "Breathing and feeding",
        "The most recent breathing test result is in the letters from the ALS clinic.",
        (
            "vc_percent_predicted",
            "niv_hours_per_day",
            "invasive_ventilation",
            "tracheostomy",
            "gastrostomy",
        ),
    ),
    Step(
        "daily-life",
        "Daily life (the ALSFRS-R questions)",
        "These are the questions of the ALS Functional Rating Scale. Choose the answer closest "
        "to the last two weeks.",
        ALSFRS_KEYS,
    ),
    Step(
        "health",
        "Health and treatments",
        "Some conditions make a cell treatment unsafe. If you are not sure, choose “Not sure”.",
        (
            "riluzole",
            "edaravone",
            "anticoagulants",
            "prior_stem_cell_therapy",
            "pregnancy",
            "active_cancer",
            "bone_marrow_disorder",
            "clotting_disorder",
            "active_severe_infection",
            "platelets",
        ),
        optional=tuple(TEXT_QUESTIONS),
    ),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}
ASKED_FIELDS: tuple[str, ...] = tuple(
    key
    for key in (*DERIVED_FROM, *(k for step in STEPS for k in step.keys))
    if key not in DATE_QUESTIONS and key not in ALSFRS_KEYS
)
"""The profile fields a programme's criteria can use: those the form asks, or works out."""


def needed_keys(criteria_fields: Iterable[str]) -> set[str]:
    """The answer keys the criteria need (dates and items for derived fields)."""
    keys: set[str] = set()
    for field in criteria_fields:
        keys.update(DERIVED_FROM.get(field, (field,)))
    return keys


def asked_keys(criteria_fields: Iterable[str]) -> set[str]:
    """The answer keys the form asks: those the criteria need, and whether there is a feeding
    tube whenever the ALSFRS-R items are asked (it decides between item 5a and 5b)."""
    keys = needed_keys(criteria_fields)
    if keys & set(ALSFRS_KEYS):
        keys.add(FEEDING)
    return keys


def steps_for(criteria_fields: Iterable[str]) -> list[Step]:
    """The steps that ask at least one question, in order."""
    asked = asked_keys(criteria_fields)
    return [step for step in STEPS if asked & set(step.keys)]


def step_keys(step: Step, criteria_fields: Iterable[str], *, gastrostomy: bool) -> list[str]:
    """The questions a step asks for these criteria (item 5a or 5b by gastrostomy)."""
    asked = asked_keys(criteria_fields)
    keys = [key for key in step.keys if key in asked]
    if step.slug == "daily-life":
        items = {q.item for q in questions_for(gastrostomy=gastrostomy)}
        keys = [key for key in keys if key in items]
    return keys + list(step.optional)


def step_title(step: Step, keys: Iterable[str]) -> tuple[str, str]:
    """A step's title and introduction, as it is shown with these questions: the breathing
    step says "and feeding" only when it asks about a feeding tube."""
    if step.slug != "breathing":
        return step.title, step.intro
    keys = set(keys)
    if FEEDING not in keys:
        return "Breathing", step.intro
    if keys - {FEEDING}:
        return step.title, step.intro
    return "Feeding", "A feeding tube changes one of the questions on the next step."


def question_wording(key: str, *, for_someone_else: bool) -> str:
    """What the form asks for a date or a free answer, addressed to whoever is applying."""
    wording = DATE_QUESTIONS.get(key) or TEXT_QUESTIONS[key]
    return wording.theirs if for_someone_else else wording.yours


def _months_between(start: date, end: date) -> float:
    return round((end - start).days / DAYS_PER_MONTH, 1)


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def alsfrs_total_from(answers: Mapping[str, object]) -> int | None:
    """The ALSFRS-R total when all 12 questions were answered (5a or 5b), else None."""
    gastrostomy = answers.get("gastrostomy") is True
    record = {q.item: answers.get(q.item) for q in questions_for(gastrostomy=gastrostomy)}
    try:
        return alsfrs_r_total(record)
    except InvalidAlsfrsError:  # not all answered (or an answer that is not a score)
        return None


def profile_from(answers: Mapping[str, object], *, today: date) -> Profile:
    """The screening profile: the applicant's direct answers plus the fields computed from
    dates and the ALSFRS-R items (as of `today`). The breathing test asked is the FVC."""
    direct = {k: v for k, v in answers.items() if k in ASKED_FIELDS and k not in DERIVED_FROM}
    known: dict[str, object] = {}
    born = _date(answers.get("date_of_birth"))
    if born:
        known["age_years"] = completed_years(born, today)
    onset = _date(answers.get("onset_date"))
    if onset:
        known["months_since_symptom_onset"] = _months_between(onset, today)
    diagnosed = _date(answers.get("diagnosis_date"))
    if diagnosed:
        known["months_since_diagnosis"] = _months_between(diagnosed, today)
    total = alsfrs_total_from(answers)
    if total is not None:
        known["alsfrs_r_total"] = total
    items = {key: answers.get(key) for key in ALSFRS_KEYS}
    known["alsfrs_r_items"] = merged_items(items)
    profile = Profile.from_answers(direct, **known)
    if profile.vc_percent_predicted is not None:
        profile = replace(profile, vc_measure="FVC")
    return profile


def _label(key: str) -> str:
    if key in FIELDS:
        label = FIELDS[key].label
    elif key in BY_ITEM:
        label = f"ALSFRS-R {BY_ITEM[key].number}. {BY_ITEM[key].title}"
    elif key in DATE_QUESTIONS or key in TEXT_QUESTIONS:
        label = (DATE_QUESTIONS.get(key) or TEXT_QUESTIONS[key]).label
    else:
        label = key.replace("_", " ")
    return capfirst(label)


def _shown(key: str, value: object) -> str:
    if value is None:
        return "Not answered" if key in BY_ITEM else "Not sure"
    if key in FIELDS and FIELDS[key].choices:
        return dict(FIELDS[key].choices).get(value, str(value))  # type: ignore[call-overload]
    if key in BY_ITEM and isinstance(value, int) and not isinstance(value, bool):
        wording = dict(BY_ITEM[key].plain_choices()).get(value)
        return f"{wording} ({value} of 4)" if wording else str(value)
    if key in DATE_QUESTIONS and (day := _date(value)):
        return format_date(day, "j F Y")
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return str(value)


def answers_shown(answers: Mapping[str, object]) -> list[tuple[str, str]]:
    """The answers given, as the applicant's review and the coordinator's page show them:
    (what was asked, in short and with a capital; the answer in words, a date as
    "1 May 1970")."""
    return [(_label(key), _shown(key, value)) for key, value in answers.items() if value != ""]
