"""Reading structured ALS criteria from eligibility items: each field in several phrasings,
each comparison, units and conversions, sections, negation, several criteria in one item, and
items kept as `other`. Texts are hand-written in the shapes of real ALS records (§1.4 of
shared/design/trials-and-evidence.md)."""

import pytest

from cellpath.trials.criteria.reader import read_criteria


def read(item: str, section: str = "Inclusion") -> list[tuple]:
    """The criteria of one bulleted item under a header, as (field, op, value, unit[, item or
    measure]) tuples, values as in the JSON contract."""
    out = []
    for criterion in read_criteria(f"{section} Criteria:\n\n* {item}\n"):
        d = criterion.as_dict()
        extra = (d[key] for key in ("item", "measure") if key in d)
        out.append((d["field"], d["op"], d["value"], d["unit"], *extra))
    return out


def excl(item: str) -> list[tuple]:
    return read(item, "Exclusion")


OTHER = [("other", "present", None, None)]


# --- Age ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("Age 18 to 80 years", ("between", [18, 80])),
        ("Aged 18-75", ("between", [18, 75])),
        ("≥ 18 years of age", (">=", 18)),
        ("Between 21 and 80 years old", ("between", [21, 80])),
        ("Age ≥ 18 and ≤ 85", ("between", [18, 85])),
        ("Men and women 18 years of age or older", (">=", 18)),
        ("Adults over the age of 18", (">", 18)),
        ("Aged between 18 and 75 years (inclusive)", ("between", [18, 75])),
        ("Age: 20–70 years", ("between", [20, 70])),
        ("18 ≤ age ≤ 85", ("between", [18, 85])),
        ("Adults 18 years or older", (">=", 18)),
        ("At least 18-year-old", (">=", 18)),
        ("Age \\>= 40", (">=", 40)),
    ],
)
def test_age(item, expected):
    op, value = expected
    assert read(item) == [("age_years", op, value, "years")]


def test_strict_age_bounds_stay_two_criteria():
    assert read("Age above 18 and below 75") == [
        ("age_years", ">", 18, "years"),
        ("age_years", "<", 75, "years"),
    ]


def test_age_at_onset_is_not_the_participants_age():
    assert read("Age at symptom onset ≥ 40 years") == OTHER


# --- ALSFRS-R total ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "op", "value"),
    [
        ("ALSFRS-R ≥ 25", ">=", 25),
        ("ALSFRS-R total score between 31 and 46", "between", [31, 46]),
        ("ALSFRS R score of 36-45 at screening", "between", [36, 45]),
        ("Revised ALS Functional Rating Scale (ALSFRS-R) total score greater than 20", ">", 20),
        ("A total ALSFRS-R score of at least 30", ">=", 30),
        ("Score of 30 or more on the ALSFRS-R", ">=", 30),
        ("ALS Functional Rating Scale-Revised no more than 45", "<=", 45),
        ("ALSFRS-R \\> 20 at the screening visit", ">", 20),
    ],
)
def test_alsfrs_r_total(item, op, value):
    assert read(item) == [("alsfrs_r_total", op, value, "points")]


def test_a_subscore_is_not_the_total():
    assert read("ALSFRS-R bulbar subscore ≥ 9") == OTHER


# --- ALSFRS-R items -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "number", "op", "value"),
    [
        ("Swallowing item ≥ 2", 3, ">=", 2),
        ("ALSFRS-R item 3 (swallowing) score of at least 2", 3, ">=", 2),
        ("A score of at least 3 on item 8 (walking)", 8, ">=", 3),
        ("Score ≥ 2 on the swallowing item", 3, ">=", 2),
        ("ALSFRS-R orthopnea (Q11) score ≥ 3", 11, ">=", 3),
        ("ALSFRS-R dyspnea item = 4", 10, "==", 4),
        ("ALSFRS-R question 12 below 4", 12, "<", 4),
    ],
)
def test_alsfrs_r_item(item, number, op, value):
    assert read(item) == [("alsfrs_r_item", op, value, "points", number)]


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("speech", 1),
        ("salivation", 2),
        ("swallowing", 3),
        ("handwriting", 4),
        ("cutting food", 5),
        ("dressing and hygiene", 6),
        ("turning in bed", 7),
        ("walking", 8),
        ("climbing stairs", 9),
        ("dyspnea", 10),
        ("orthopnea", 11),
        ("respiratory insufficiency", 12),
    ],
)
def test_alsfrs_r_items_by_name_follow_the_cedarbaum_order(name, number):
    assert read(f"ALSFRS-R {name} item score ≥ 2") == [("alsfrs_r_item", ">=", 2, "points", number)]


def test_one_threshold_for_several_items_gives_one_criterion_per_item():
    assert read("ALSFRS-R swallowing and walking item scores ≥ 2") == [
        ("alsfrs_r_item", ">=", 2, "points", 3),
        ("alsfrs_r_item", ">=", 2, "points", 8),
    ]
    assert read("ALSFRS-R respiratory items (10-12) each ≥ 3") == [
        ("alsfrs_r_item", ">=", 3, "points", 10),
        ("alsfrs_r_item", ">=", 3, "points", 11),
        ("alsfrs_r_item", ">=", 3, "points", 12),
    ]


def test_a_score_before_the_item_it_is_on():
    assert excl("Score < 3 on ALSFRS-R item 10 (dyspnea)") == [
        ("alsfrs_r_item", "<", 3, "points", 10)
    ]


def test_a_domain_score_next_to_the_total_is_not_read_as_the_total():
    assert read("ALSFRS-R total ≥ 30 with at least 9 points in the respiratory domain") == [
        ("alsfrs_r_total", ">=", 30, "points")
    ]


def test_an_item_name_without_alsfrs_is_not_an_item():
    assert read("Walking ≥ 2 km unaided") == OTHER


# --- ALSFRS-R progression ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "op", "value"),
    [
        ("Decline of 0.5 points/month", ">=", 0.5),
        ("ΔFS ≥ 0.35", ">=", 0.35),
        ("(48 − ALSFRS-R at screening)/months since onset ≥ 0.5", ">=", 0.5),
        ("(48 - ALSFRS-R total score) / (months from symptom onset) of at least 0.4", ">=", 0.4),
        (
            "Pre-study ALSFRS-R progression rate between 0.6 and 2.0 points per month",
            "between",
            [0.6, 2],
        ),
        ("ALSFRS-R slope ≤ -0.5 points/month", ">=", 0.5),
        ("Rate of disease progression > 0.25 points per month", ">", 0.25),
        ("Decline of at least 1 point per week", ">=", 4.35),
        ("Loss of at least 6 points per year on the ALSFRS-R", ">=", 0.5),
        ("ALSFRS-R decline of 0,5 points per month or more", ">=", 0.5),
    ],
)
def test_progression_rate_is_points_lost_per_month(item, op, value):
    assert read(item) == [("alsfrs_r_slope_per_month", op, value, "points/month")]


def test_a_rate_given_as_mean_and_spread_is_not_read():
    assert read("Progression rate of 1.03 ± 50 % per month over 17 weeks") == OTHER


@pytest.mark.parametrize(
    ("item", "op", "value"),
    [
        ("≥3-point decline in ALSFRS-R total score during the lead-in period", ">=", 3),
        ("Decline of at least 2 points in ALSFRS-R over 3 months", ">=", 2),
        ("A 3-point ALSFRS-R decline before randomisation", ">=", 3),
        ("ALSFRS-R decrease of no more than 4 points within the last 3 months", "<=", 4),
    ],
)
def test_decline_in_points(item, op, value):
    assert read(item) == [("alsfrs_r_decline_points", op, value, "points")]


# --- Vital capacity -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "op", "value", "measure"),
    [
        ("FVC ≥ 65% predicted", ">=", 65, "FVC"),
        (
            "Upright slow vital capacity (SVC) measure ≥ 65% of predicted for gender, height, "
            "and age at the screening visit",
            ">=",
            65,
            "SVC",
        ),
        (
            "Forced vital capacity (FVC) greater than or equal to 70% of the predicted value",
            ">=",
            70,
            "FVC",
        ),
        ("Vital capacity ≥ 60% predicted", ">=", 60, "VC"),
        ("SVC or FVC ≥ 50% predicted", ">=", 50, "VC"),
        ("Upright SVC of at least 60 percent of predicted", ">=", 60, "SVC"),
        ("Slow vital capacity between 50 and 80% of predicted", "between", [50, 80], "SVC"),
        ("FVC > 40%", ">", 40, "FVC"),
    ],
)
def test_vital_capacity(item, op, value, measure):
    assert read(item) == [("vc_percent_predicted", op, value, "%", measure)]


def test_vital_capacity_in_litres_is_not_read():
    assert read("FVC ≥ 2 L") == OTHER


# --- Time since onset and diagnosis ----------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "op", "value"),
    [
        ("Symptom onset within 24 months", "<=", 24),
        ("Onset of weakness ≤ 2 years", "<=", 24),
        ("Less than 36 months since first symptom", "<", 36),
        ("Disease duration ≤ 3 years from onset", "<=", 36),
        ("Disease duration of no more than 18 months", "<=", 18),
        ("Time since symptom onset of 6 to 36 months", "between", [6, 36]),
        (
            "Onset of symptoms at least 6 months and no more than 36 months before screening",
            "between",
            [6, 36],
        ),
        ("≤ 24 months from the onset of first symptoms", "<=", 24),
        ("Having onset of ALS symptoms, including limb weakness, within 24 months", "<=", 24),
        ("ALS diagnosis and ≤ 24 months since symptom onset", "<=", 24),
        ("Symptom onset ≤ 24 months before diagnosis", "<=", 24),
        ("Symptom onset within two years of screening", "<=", 24),
        ("Onset of weakness within twenty-four months", "<=", 24),
        ("First symptoms more than 1.5 years ago", ">", 18),
    ],
)
def test_months_since_symptom_onset(item, op, value):
    assert read(item) == [("months_since_symptom_onset", op, value, "months")]


@pytest.mark.parametrize(
    ("item", "op", "value"),
    [
        ("Diagnosed within the past 2 years", "<=", 24),
        ("Diagnosis of ALS within 24 months of screening", "<=", 24),
        ("Time since diagnosis < 18 months", "<", 18),
        ("At least 6 months since diagnosis", ">=", 6),
    ],
)
def test_months_since_diagnosis(item, op, value):
    assert read(item) == [("months_since_diagnosis", op, value, "months")]


@pytest.mark.parametrize(
    "item",
    [
        "Symptom onset within 24 months of diagnosis",
        "Diagnosis made within 12 months of symptom onset",
    ],
)
def test_the_time_between_onset_and_diagnosis_is_neither_field(item):
    assert read(item) == OTHER


@pytest.mark.parametrize(
    ("duration", "months"),
    [
        ("2 years", 24),
        ("1.5 years", 18),
        ("104 weeks", 24),
        ("10 weeks", 2.3),
        ("730 days", 24),
        ("45 days", 1.5),
        ("6 months", 6),
    ],
)
def test_durations_are_converted_to_months(duration, months):
    assert read(f"Symptom onset within {duration}") == [
        ("months_since_symptom_onset", "<=", months, "months")
    ]


# --- El Escorial ------------------------------------------------------------------------------

ALL_BUT_SUSPECTED = ["definite", "probable", "probable_laboratory_supported", "possible"]


@pytest.mark.parametrize(
    ("item", "categories"),
    [
        ("El Escorial definite or probable ALS", ["definite", "probable"]),
        (
            "ALS diagnosed as possible, laboratory-supported probable, probable, or definite as "
            "defined by revised El Escorial criteria",
            ALL_BUT_SUSPECTED,
        ),
        (
            "Clinically probable laboratory-supported ALS per El Escorial",
            ["probable_laboratory_supported"],
        ),
        ("ALS (El Escorial possible or better)", ALL_BUT_SUSPECTED),
        ("At least possible ALS according to the El Escorial criteria", ALL_BUT_SUSPECTED),
        ("Probable ALS or better by El Escorial", ["definite", "probable"]),
        ("Definite or probable ALS", ["definite", "probable"]),
        ("ALS per Awaji criteria: probable or definite", ["definite", "probable"]),
    ],
)
def test_el_escorial_categories(item, categories):
    assert read(item) == [("el_escorial", "in", categories, None)]


def test_el_escorial_in_an_exclusion_keeps_its_own_categories():
    assert excl("Suspected ALS only, per El Escorial") == [
        ("el_escorial", "in", ["suspected"], None)
    ]


@pytest.mark.parametrize(
    "item",
    [
        "ALS according to Gold Coast criteria",
        "Diagnosis of ALS per El Escorial criteria",
        "Able to attend visits as soon as possible",
    ],
)
def test_no_named_category_is_no_el_escorial_criterion(item):
    assert read(item) == OTHER


# --- Riluzole and edaravone -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "op", "days"),
    [
        ("On a stable dose of riluzole for at least 30 days", ">=", 30),
        ("Riluzole-naive or stable for ≥ 4 weeks", ">=", 28),
        (
            "Patients taking riluzole must be on a stable dose for 3 months prior to screening",
            ">=",
            90,
        ),
        ("Either riluzole-free or on riluzole 50 mg twice daily for ≥ 2 months", ">=", 60),
    ],
)
def test_riluzole_stable_days(item, op, days):
    assert read(item) == [("riluzole_stable_days", op, days, "days")]


def test_an_item_that_requires_riluzole_also_asks_that_it_is_taken():
    assert read("Treated with riluzole for ≥ 1 year") == [
        ("riluzole_stable_days", ">=", 365, "days"),
        ("riluzole_stable_days", "present", None, None),
    ]


@pytest.mark.parametrize(
    ("item", "section", "op"),
    [
        ("Currently taking riluzole", "Exclusion", "present"),
        ("Exposure to riluzole in the 4 weeks before the first dose", "Exclusion", "present"),
        ("Riluzole-naive", "Inclusion", "absent"),
    ],
)
def test_taking_riluzole_at_all(item, section, op):
    assert read(item, section) == [("riluzole_stable_days", op, None, None)]


def test_must_be_taking_riluzole_at_a_stable_dose_requires_it():
    assert read("Must be on riluzole at a stable dose for 30 days") == [
        ("riluzole_stable_days", ">=", 30, "days"),
        ("riluzole_stable_days", "present", None, None),
    ]
    conditional = "Participants on riluzole must be on a stable dose for 30 days"
    assert read(conditional) == [("riluzole_stable_days", ">=", 30, "days")]


def test_a_dose_not_stable_for_n_days_is_fewer_days():
    assert excl("Riluzole dose has not been stable for at least 4 weeks") == [
        ("riluzole_stable_days", "<", 28, "days")
    ]


def test_an_allergy_to_riluzole_is_not_about_taking_it():
    assert excl("Known hypersensitivity to riluzole") == OTHER


def test_riluzole_started_recently_in_an_exclusion_keeps_its_comparison():
    assert excl("Riluzole started within 30 days") == [("riluzole_stable_days", "<=", 30, "days")]


@pytest.mark.parametrize(
    ("item", "section", "op"),
    [
        ("Edaravone-naive", "Inclusion", "absent"),
        ("No prior treatment with edaravone (Radicava)", "Inclusion", "absent"),
        ("Currently receiving edaravone", "Exclusion", "present"),
    ],
)
def test_edaravone(item, section, op):
    assert read(item, section) == [("edaravone", op, None, None)]


@pytest.mark.parametrize(
    "item",
    [
        "Use of riluzole and/or edaravone is allowed",
        "Participants on edaravone must be on a stable regimen for 2 cycles",
    ],
)
def test_permitted_or_conditional_background_drugs_are_not_criteria(item):
    assert read(item) == OTHER


# --- Presence fields ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "section", "field", "op"),
    [
        ("Prior stem cell therapy of any kind", "Exclusion", "prior_stem_cell_therapy", "present"),
        (
            "Previous treatment with mesenchymal stem cells",
            "Exclusion",
            "prior_stem_cell_therapy",
            "present",
        ),
        ("No previous cell therapy", "Inclusion", "prior_stem_cell_therapy", "absent"),
        (
            "Participants must not have received any stem cell treatment before",
            "Inclusion",
            "prior_stem_cell_therapy",
            "absent",
        ),
        ("Tracheostomy", "Exclusion", "tracheostomy", "present"),
        ("Invasive ventilation", "Exclusion", "tracheostomy", "present"),
        ("No tracheostomy or invasive ventilation", "Inclusion", "tracheostomy", "absent"),
        ("Patients must not have a tracheostomy", "Inclusion", "tracheostomy", "absent"),
        ("Alive and tracheostomy-free", "Inclusion", "tracheostomy", "absent"),
        ("Patients with a tracheostomy are excluded", "Inclusion", "tracheostomy", "absent"),
        ("Gastrostomy", "Exclusion", "gastrostomy", "present"),
        ("No PEG or RIG", "Inclusion", "gastrostomy", "absent"),
        ("Presence of a feeding tube", "Exclusion", "gastrostomy", "present"),
        ("Pregnant or breastfeeding women", "Exclusion", "pregnancy", "present"),
        (
            "Women who are pregnant, planning to become pregnant, or breastfeeding",
            "Exclusion",
            "pregnancy",
            "present",
        ),
        ("Must not be pregnant or lactating", "Inclusion", "pregnancy", "absent"),
        (
            "Women of childbearing potential must have a negative pregnancy test",
            "Inclusion",
            "pregnancy",
            "absent",
        ),
        ("Positive pregnancy test at screening", "Exclusion", "pregnancy", "present"),
        ("Current treatment with warfarin", "Exclusion", "anticoagulants", "present"),
        ("Not taking any blood thinners", "Inclusion", "anticoagulants", "absent"),
        ("Carrier of a SOD1 mutation", "Inclusion", "sod1_mutation", "present"),
        ("Without a known SOD1 mutation", "Inclusion", "sod1_mutation", "absent"),
        ("SOD1-negative ALS", "Inclusion", "sod1_mutation", "absent"),
        ("C9orf72 repeat expansion", "Inclusion", "c9orf72", "present"),
        ("Absence of a C9orf72 hexanucleotide repeat expansion", "Inclusion", "c9orf72", "absent"),
    ],
)
def test_presence(item, section, field, op):
    assert read(item, section) == [(field, op, None, None)]


@pytest.mark.parametrize(
    ("item", "section"),
    [
        ("Women of childbearing potential must use contraception", "Inclusion"),
        ("Agree to avoid pregnancy during the study", "Inclusion"),
        ("Inability to discontinue anticoagulants before the lumbar puncture", "Exclusion"),
        ("Patients with a gastrostomy may be included", "Inclusion"),
        ("Willing to receive cell therapy", "Inclusion"),
        ("Contraindication to bone marrow aspiration for stem cell collection", "Exclusion"),
        ("Genetic testing for C9orf72 at screening", "Inclusion"),
    ],
)
def test_mentions_that_state_no_criterion_on_the_concept_are_other(item, section):
    assert read(item, section) == OTHER


@pytest.mark.parametrize(
    "item",
    [
        "Treatment with edaravone within 30 days of screening",
        "Use of anticoagulants or antiplatelet agents within 14 days",
        "Low-dose aspirin within 14 days of the lumbar puncture",
        "Blood-thinning medication in the two weeks before the bone marrow harvest",
        "Edaravone infusions during the past 3 months",
        "Stem cell transplantation within the last 5 years",
    ],
)
def test_a_drug_with_a_window_the_contract_cannot_hold_is_other(item):
    """Issue 17: a window is kept or the criterion is `other` — "edaravone present" would tell
    someone who stopped it 3 months ago that they may not take part."""
    assert excl(item) == OTHER


@pytest.mark.parametrize(
    "item",
    [
        "Has received at least 2 cycles of edaravone",
        "Edaravone for 3 or more treatment courses before baseline",
    ],
)
def test_a_count_of_drug_cycles_is_other(item):
    assert read(item) == OTHER


def test_several_presence_concepts_in_one_item():
    assert excl("Known SOD1 or C9orf72 mutation carriers") == [
        ("sod1_mutation", "present", None, None),
        ("c9orf72", "present", None, None),
    ]


def test_an_item_for_one_subgroup_is_not_every_participants_rule():
    # read for everyone, it would exclude a person without SOD1 ALS whom it does not concern
    assert excl("ALSFRS-R < 30 (SOD1 ALS only)") == [("other", "present", None, None)]
    assert excl("Positive for a SOD1 variant (SOD1 cohort only)") == [
        ("other", "present", None, None)
    ]


# --- Non-invasive ventilation ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "section", "op", "hours"),
    [
        ("Non-invasive ventilation > 22 hours per day", "Exclusion", ">", 22),
        ("NIV use ≤ 23 h/day", "Inclusion", "<=", 23),
        ("NIV \\> 23 hours", "Exclusion", ">", 23),
        ("Use of BiPAP for more than 12 hours a day", "Exclusion", ">", 12),
        ("Dependent on non-invasive ventilation", "Exclusion", ">", 0),
        ("No NIV use", "Inclusion", "==", 0),
    ],
)
def test_niv_hours_per_day(item, section, op, hours):
    assert read(item, section) == [("niv_hours_per_day", op, hours, "hours/day")]


def test_invasive_or_non_invasive_ventilation_is_both_criteria():
    assert excl("Invasive or non-invasive ventilation") == [
        ("tracheostomy", "present", None, None),
        ("niv_hours_per_day", ">", 0, "hours/day"),
    ]


def test_with_or_without_permits_what_follows_it_only():
    assert excl("Gastrostomy in place, with or without some eating by mouth") == [
        ("gastrostomy", "present", None, None)
    ]
    assert read("With or without a gastrostomy") == OTHER


def test_feeding_only_by_tube_is_more_than_having_a_tube():
    assert excl("Requires feeding solely through a PEG") == [("other", "present", None, None)]


def test_permitted_niv_is_no_criterion():
    assert read("Use of BiPAP at night is allowed") == OTHER


# --- BMI ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "section", "expected"),
    [
        ("BMI > 32 kg/m2", "Exclusion", [("bmi", ">", 32, "kg/m2")]),
        ("BMI between 18 and 35 kg/m²", "Inclusion", [("bmi", "between", [18, 35], "kg/m2")]),
        ("Body mass index of at least 20", "Inclusion", [("bmi", ">=", 20, "kg/m2")]),
        (
            "BMI \\< 18.5 kg/m2 or \\> 35 kg/m2",
            "Exclusion",
            [("bmi", "<", 18.5, "kg/m2"), ("bmi", ">", 35, "kg/m2")],
        ),
    ],
)
def test_bmi(item, section, expected):
    assert read(item, section) == expected


# --- Comparisons in words and symbols -----------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "op"),
    [
        ("≥", ">="),
        (">=", ">="),
        ("=>", ">="),
        ("\\>=", ">="),
        ("at least", ">="),
        ("greater than or equal to", ">="),
        ("a minimum of", ">="),
        ("not less than", ">="),
        ("≤", "<="),
        ("<=", "<="),
        ("\\<=", "<="),
        ("at most", "<="),
        ("no more than", "<="),
        ("not exceeding", "<="),
        ("up to", "<="),
        ("less than or equal to", "<="),
        (">", ">"),
        ("more than", ">"),
        ("greater than", ">"),
        ("above", ">"),
        ("over", ">"),
        ("<", "<"),
        ("less than", "<"),
        ("below", "<"),
        ("under", "<"),
        ("=", "=="),
        ("equal to", "=="),
    ],
)
def test_every_comparison_word_and_symbol(phrase, op):
    assert read(f"ALSFRS-R total score {phrase} 30") == [("alsfrs_r_total", op, 30, "points")]


@pytest.mark.parametrize(
    ("phrase", "op", "value"),
    [
        ("30 or more", ">=", 30),
        ("30 or greater", ">=", 30),
        ("30 or less", "<=", 30),
        ("between 30 and 40", "between", [30, 40]),
        ("30-40", "between", [30, 40]),
        ("30–40", "between", [30, 40]),
        ("30 to 40", "between", [30, 40]),
        ("from 30 to 40", "between", [30, 40]),
    ],
)
def test_comparisons_after_the_number_and_ranges(phrase, op, value):
    assert read(f"ALSFRS-R total score {phrase}") == [("alsfrs_r_total", op, value, "points")]


def test_a_number_without_a_comparison_is_not_a_threshold():
    assert read("ALSFRS-R score of 40 recorded at screening") == OTHER


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("ALSFRS-R total score under forty", [("alsfrs_r_total", "<", 40, "points")]),
        ("FVC at least sixty percent of predicted",
         [("vc_percent_predicted", ">=", 60, "%", "FVC")]),
        ("At least two of the following conditions", OTHER),
    ],
)  # fmt: skip
def test_a_number_word_after_a_comparison(item, expected):
    assert read(item) == expected


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("Minimum ALSFRS-R total score of 30", [("alsfrs_r_total", ">=", 30, "points")]),
        ("A minimum FVC of 60% predicted", [("vc_percent_predicted", ">=", 60, "%", "FVC")]),
        ("Maximum ALSFRS-R slope of 1.2 points per month",
         [("alsfrs_r_slope_per_month", "<=", 1.2, "points/month")]),
    ],
)  # fmt: skip
def test_a_minimum_or_maximum_written_before_its_concept(item, expected):
    assert read(item) == expected


def test_a_score_of_two_consecutive_values_is_a_range():
    assert read("A score of 3 or 4 on ALSFRS-R item 10 (dyspnea)") == [
        ("alsfrs_r_item", "between", [3, 4], "points", 10)
    ]
    assert read("A score of 1 or 3 on ALSFRS-R item 10 (dyspnea)") == OTHER


def test_the_items_of_a_domain():
    item = "At least 2 on each of the ALSFRS-R bulbar items (1 speech, 2 salivation, 3 swallowing)"
    assert read(item) == [("alsfrs_r_item", ">=", 2, "points", n) for n in (1, 2, 3)]


@pytest.mark.parametrize(
    "item",
    [
        "A decline in the ALSFRS-R of 2 to 6 points during the lead-in period",
        "Decline on ALSFRS-R total score of 2 to 6 points over 3 months",
    ],
)
def test_a_decline_in_the_alsfrs_r_is_a_decline_not_a_total(item):
    assert read(item) == [("alsfrs_r_decline_points", "between", [2, 6], "points")]


@pytest.mark.parametrize(
    ("item", "section", "expected"),
    [
        ("(48 minus the ALSFRS-R total) divided by months since onset of less than 1.0",
         "Inclusion", [("alsfrs_r_slope_per_month", "<", 1, "points/month")]),
        ("Decline of at least 0.8 ALSFRS-R points per month", "Inclusion",
         [("alsfrs_r_slope_per_month", ">=", 0.8, "points/month")]),
        ("Progression faster than 1.5 points per month", "Exclusion",
         [("alsfrs_r_slope_per_month", ">", 1.5, "points/month")]),
        ("ALSFRS-R total greater than 0.5", "Inclusion", OTHER),
        ("Percent-predicted SVC of at least 65", "Inclusion",
         [("vc_percent_predicted", ">=", 65, "%", "SVC")]),
        ("History of tracheotomy", "Exclusion", [("tracheostomy", "present", None, None)]),
    ],
)  # fmt: skip
def test_rates_in_words_and_other_spellings(item, section, expected):
    assert read(item, section) == expected


def test_a_lower_and_an_upper_bound_of_one_duration():
    item = "No less than 3 months and not more than 3 years from first symptoms"
    assert read(item) == [("months_since_symptom_onset", "between", [3, 36], "months")]


# --- Sections, several criteria, other ---------------------------------------------------------


def test_an_exclusion_keeps_its_own_comparison():
    assert excl("FVC < 50 % predicted") == [("vc_percent_predicted", "<", 50, "%", "FVC")]
    assert excl("Age > 80 years") == [("age_years", ">", 80, "years")]
    assert read_criteria("Exclusion Criteria:\n* FVC < 50 % predicted")[0].section == "exclusion"


def test_one_item_gives_several_criteria_in_text_order():
    assert read("ALSFRS-R ≥ 25 and FVC ≥ 65 % predicted") == [
        ("alsfrs_r_total", ">=", 25, "points"),
        ("vc_percent_predicted", ">=", 65, "%", "FVC"),
    ]
    assert read("Symptom onset ≤ 24 months, FVC ≥ 60% and ALSFRS-R ≥ 30") == [
        ("months_since_symptom_onset", "<=", 24, "months"),
        ("vc_percent_predicted", ">=", 60, "%", "FVC"),
        ("alsfrs_r_total", ">=", 30, "points"),
    ]
    assert excl("Tracheostomy, or non-invasive ventilation for more than 22 hours per day") == [
        ("tracheostomy", "present", None, None),
        ("niv_hours_per_day", ">", 22, "hours/day"),
    ]


def test_every_criterion_of_an_item_quotes_the_item():
    item = "ALSFRS-R ≥ 25 and FVC ≥ 65 % predicted"
    assert {c.quote for c in read_criteria(f"Inclusion Criteria:\n* {item}")} == {item}


@pytest.mark.parametrize(
    ("item", "section"),
    [
        ("Able to give written informed consent", "Inclusion"),
        ("Participation in another interventional trial within 3 months", "Exclusion"),
        ("Resident of the United States or Canada", "Inclusion"),
    ],
)
def test_an_item_with_nothing_to_structure_is_kept_as_other(item, section):
    (criterion,) = read_criteria(f"{section} Criteria:\n* {item}")
    assert criterion.as_dict() == {
        "section": section.lower(),
        "field": "other",
        "op": "present",
        "value": None,
        "unit": None,
        "quote": item,
    }


def test_a_non_als_group_gives_no_structured_criterion():
    text = "Inclusion Criteria:\nHealthy volunteers:\n* Age 18 to 80 years\n* No tracheostomy"
    assert [c.as_dict() for c in read_criteria(text)] == [
        {
            "section": "inclusion",
            "field": "other",
            "op": "present",
            "value": None,
            "unit": None,
            "quote": "Healthy volunteers: Age 18 to 80 years",
        },
        {
            "section": "inclusion",
            "field": "other",
            "op": "present",
            "value": None,
            "unit": None,
            "quote": "Healthy volunteers: No tracheostomy",
        },
    ]


def test_a_negation_in_a_lead_in_reaches_its_sub_items():
    text = "Inclusion Criteria:\n* No history of:\n  * tracheostomy\n  * gastrostomy\n"
    assert [(c.field, c.op) for c in read_criteria(text)] == [
        ("tracheostomy", "absent"),
        ("gastrostomy", "absent"),
    ]


# --- Found by the third held-out set (tests/trials/heldout/criterion_pairs_3.jsonl) -------------


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("Participants older than sixty-five", [("age_years", ">", 65, "years")]),
        ("Younger than 18 or older than 80", [
            ("age_years", "<", 18, "years"), ("age_years", ">", 80, "years")]),
        ("Symptom onset not older than 3 years", [
            ("months_since_symptom_onset", "<=", 36, "months")]),
        ("More than 3 years since ALS was diagnosed", [
            ("months_since_diagnosis", ">", 36, "months")]),
        ("A total ALSFRS-R score of thirty-two or more", [
            ("alsfrs_r_total", ">=", 32, "points")]),
        ("Two or more of the following: ALSFRS-R below 30", [
            ("alsfrs_r_total", "<", 30, "points")]),
        ("Decrease of the ALSFRS-R by 6 or more points per year", [
            ("alsfrs_r_slope_per_month", ">=", 0.5, "points/month")]),
        ("ALSFRS-R respiratory items each scored 4 at screening", [
            ("alsfrs_r_item", "==", 4, "points", n) for n in (10, 11, 12)]),
        ("The bulbar items scored at least 3", [
            ("alsfrs_r_item", ">=", 3, "points", n) for n in (1, 2, 3)]),
        ("ALSFRS-R bulbar items ≥ 9", OTHER),  # a sum, not each item
    ],
)  # fmt: skip
def test_numbers_found_by_the_third_set(item, expected):
    assert read(item) == expected


def test_not_meeting_the_el_escorial_categories_is_every_other_category():
    assert excl("Not meeting El Escorial criteria for clinically probable or definite ALS") == [
        ("el_escorial", "in", ["probable_laboratory_supported", "possible", "suspected"], None)
    ]


@pytest.mark.parametrize(
    "item",
    [
        "Clinically probable or definite ALS (laboratory-supported probable is not sufficient)",
        "Probable or definite ALS by El Escorial, excluding laboratory-supported probable",
    ],
)
def test_a_category_the_item_refuses_is_left_out(item):
    assert read(item) == [("el_escorial", "in", ["definite", "probable"], None)]


def test_whether_this_or_that_is_no_condition():
    assert excl("Has received stem cell therapy, whether autologous or allogeneic") == [
        ("prior_stem_cell_therapy", "present", None, None)
    ]


def test_a_negation_reaches_the_examples_in_brackets():
    assert read("Without any form of ventilatory support (e.g., BiPAP, NIV, tracheostomy)") == [
        ("niv_hours_per_day", "==", 0, "hours/day"),
        ("tracheostomy", "absent", None, None),
    ]
    assert read("Anticoagulants (e.g., warfarin, heparin) are not allowed") == [
        ("anticoagulants", "absent", None, None)
    ]


def test_a_negation_after_a_list_reaches_every_member():
    assert read("SOD1 and C9orf72 mutation negative") == [
        ("sod1_mutation", "absent", None, None),
        ("c9orf72", "absent", None, None),
    ]


def test_either_of_two_in_an_inclusion_is_not_both():
    """An inclusion list joined by "or" asks for one of them: the contract has no "or", so the
    item is `other` rather than a demand for all; an exclusion excludes each one."""
    assert read("Carrier of a SOD1 or C9orf72 mutation") == OTHER
    assert read("Tracheostomy, NIV or gastrostomy") == OTHER
    assert excl("Carrier of a SOD1 or C9orf72 mutation") == [
        ("sod1_mutation", "present", None, None),
        ("c9orf72", "present", None, None),
    ]


def test_a_gene_with_no_field_of_its_own_keeps_the_item_open():
    assert excl("Known mutation in SOD1, C9orf72, FUS or TARDBP") == [
        ("sod1_mutation", "present", None, None),
        ("c9orf72", "present", None, None),
        *OTHER,
    ]
    assert excl("Prior exposure to tofersen or another SOD1-targeted antisense drug") == OTHER


def test_a_required_edaravone_regimen():
    assert read("Must be on a stable regimen of edaravone") == [
        ("edaravone", "present", None, None)
    ]
    assert read("Patients receiving edaravone must have completed 2 cycles") == OTHER
    assert read("Must be taking riluzole; edaravone is allowed") == [
        ("riluzole_stable_days", "present", None, None)
    ]
