"""Where a matching profile comes from: a care record's facts, an application's answers, or what
a visitor types. Each arrives as plain values and becomes a `matching.Profile`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from cellpath.outcomes.vocabulary import DAYS_PER_MONTH
from cellpath.trials.matching import Profile


def _yes_no(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def profile_from_record(facts: Mapping[str, Any]) -> Profile:
    """From `care.queries.clinical_facts` (a patient's record)."""
    return Profile(
        age_years=facts.get("age_years"),
        sex=facts.get("sex"),
        months_since_symptom_onset=facts.get("months_since_onset"),
        months_since_diagnosis=facts.get("months_since_diagnosis"),
        alsfrs_r_total=facts.get("alsfrs_r_total"),
        alsfrs_r_items=dict(facts.get("alsfrs_r_items") or {}),
        vc_percent_predicted=facts.get("fvc_percent_predicted"),
        vc_measure="FVC" if facts.get("fvc_percent_predicted") is not None else None,
        el_escorial=facts.get("el_escorial"),
        riluzole=_yes_no(facts.get("riluzole")),
        riluzole_stable_days=facts.get("riluzole_days"),
        edaravone=_yes_no(facts.get("edaravone")),
        # a course recorded here is a stem-cell treatment; none recorded is not proof of none
        prior_stem_cell_therapy=True if facts.get("prior_cell_therapy") else None,
        tracheostomy=_yes_no(facts.get("tracheostomy")),
        gastrostomy=_yes_no(facts.get("gastrostomy")),
        niv_hours_per_day=0 if facts.get("niv") is False else None,
        sod1_mutation=_yes_no(facts.get("sod1")),
        c9orf72=_yes_no(facts.get("c9orf72")),
        bmi=facts.get("bmi"),
    )


def profile_from_application(profile: Mapping[str, Any], answers: Mapping[str, Any]) -> Profile:
    """From an application: `profile` is the pre-screen's profile (`intake.questions.
    profile_from`), `answers` the raw answers (for the ALSFRS-R items)."""
    items: dict[int, int] = {}
    for n in range(1, 13):
        keys = ("q5b", "q5a") if n == 5 else (f"q{n}",)
        for key in keys:
            value = answers.get(key)
            if value not in (None, ""):
                items[n] = int(value)
                break
    return Profile(
        age_years=profile.get("age_years"),
        months_since_symptom_onset=profile.get("months_since_onset"),
        months_since_diagnosis=profile.get("months_since_diagnosis"),
        alsfrs_r_total=profile.get("alsfrs_r_total"),
        alsfrs_r_items=items,
        vc_percent_predicted=profile.get("fvc_percent_predicted"),
        vc_measure="FVC" if profile.get("fvc_percent_predicted") is not None else None,
        el_escorial=profile.get("el_escorial"),
        riluzole=_yes_no(profile.get("riluzole")),
        edaravone=_yes_no(profile.get("edaravone")),
        prior_stem_cell_therapy=_yes_no(profile.get("prior_stem_cell_therapy")),
        tracheostomy=_yes_no(profile.get("tracheostomy")),
        niv_hours_per_day=profile.get("niv_hours_per_day"),
        gastrostomy=_yes_no(profile.get("gastrostomy")),
        pregnancy=_yes_no(profile.get("pregnant_or_breastfeeding")),
        anticoagulants=_yes_no(profile.get("anticoagulants")),
    )


def months_since(month: str | None, today: date) -> float | None:
    """Months from a "YYYY-MM" (the middle of that month) to today."""
    if not month:
        return None
    year, number = (int(part) for part in month.split("-")[:2])
    middle = date(year, number, 15)
    return round(max(0.0, (today - middle).days / DAYS_PER_MONTH), 1)
