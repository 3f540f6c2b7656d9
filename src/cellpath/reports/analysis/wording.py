"""The report's words for its codes: section rows, exclusions, flow steps, definitions.

One place for the staff page, the PDF and ``cellpath report`` (they render one template). The
words are for coordinators and clinicians: plain, with the measure's usual name.
"""

from __future__ import annotations

from cellpath.outcomes.vocabulary import EL_ESCORIAL, ONSET_SITES, label_of, sex_word

__all__ = [
    "BASELINE",
    "DEFINITIONS",
    "ENDPOINTS",
    "EXCLUSION_WORDS",
    "FLOW",
    "level_word",
]

BASELINE: dict[str, str] = {
    "age": "Age at treatment (years)",
    "sex": "Sex",
    "onset_site": "Site of onset",
    "el_escorial": "El Escorial category",
    "months_onset_to_diagnosis": "Months from onset to diagnosis",
    "months_onset_to_treatment": "Months from onset to treatment",
    "delta_fs": "ΔFS (points lost per month since onset)",
    "alsfrs_r_total": "ALSFRS-R total (0–48)",
    "fvc_percent": "FVC (% of predicted)",
    "riluzole": "Taking riluzole",
    "edaravone": "Taking edaravone",
    "gastrostomy": "Feeding tube (gastrostomy)",
    "niv": "Non-invasive ventilation",
}

EXCLUSION_WORDS: dict[str, str] = {
    "not_treated": "no dose recorded",
    "records_contradict": "records contradict each other (a question for the coordinator)",
    "no_baseline": "no ALSFRS-R on or before the first dose",
    "no_lead_in": "only one ALSFRS-R before treatment (no slope before treatment)",
    "lead_in_short": "ALSFRS-R before treatment less than a month apart",
    "window_not_reached": "the time point's window had not closed yet",
    "died_before_window": "died or reached the endpoint before the time point",
    "no_visit_in_window": "no assessment in the time point's window",
    "no_run_in_decline": "no decline before treatment (a % improvement is undefined)",
    "no_prediction": "ENCALS prediction missing (a predictor is not recorded)",
    "endpoint_before_treatment": "endpoint reached before treatment",
    "no_follow_up": "nothing recorded after the first dose",
    "not_likely_eligible": "pre-screen not 'likely eligible'",
    "declined": "declined",
    "withdrew": "withdrew",
    "in_progress": "still being decided",
    "no_consent": "no treatment consent on record at the first dose",
}

FLOW: dict[str, str] = {
    "applied": "Applied",
    "likely_eligible": "Pre-screen: likely eligible",
    "accepted": "Accepted",
    "patient_record": "Patient record opened",
    "courses": "Courses started",
    "consented": "Consented to treatment",
    "treated": "Treated (at least one dose)",
    "analysed": "Included in the analysis",
    "assessed_6_months": "ALSFRS-R at 6 months (± 45 days)",
    "slopes_evaluable": "Slopes before and after evaluable",
}

DEFINITIONS: dict[str, tuple[str, str]] = {
    "petrou": (
        "Petrou 2016",
        "ALSFRS-R or FVC slope at least 25 % better after treatment than before (6 months)",
    ),
    "nurown": (
        "NurOwn phase 3 (Cudkowicz 2022)",
        "ALSFRS-R slope at least 1.25 points a month better after treatment (6 months)",
    ),
    "oh_50": ("Oh 2018, at least 50 %", "ALSFRS-R slope at least 50 % better (6 months)"),
    "oh_75": ("Oh 2018, at least 75 %", "ALSFRS-R slope at least 75 % better (6 months)"),
    "oh_100": ("Oh 2018, 100 %", "ALSFRS-R decline stopped or reversed (6 months)"),
}

ENDPOINTS: dict[str, str] = {
    "death": "death",
    "tracheostomy": "tracheostomy",
    "niv_full_time": "ventilation more than 23 hours a day",
}


def level_word(key: str, level: str) -> str:
    """A category's word in the baseline table."""
    if key == "sex":
        return (sex_word(level) or level).capitalize()
    if key == "onset_site":
        return label_of(ONSET_SITES, level)
    if key == "el_escorial":
        return label_of(EL_ESCORIAL, level)
    return level
