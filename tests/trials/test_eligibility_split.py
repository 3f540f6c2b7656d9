"""Splitting ClinicalTrials.gov eligibility text into inclusion and exclusion items.

Every text here is hand-written in the shapes listed in shared/design/trials-and-evidence.md
§1.4 (headers with or without colon, bullet styles, numbered and nested lists, Markdown
escapes, a sentence before the headers, no headers, grouped populations).
"""

import pytest

from cellpath.trials.criteria.reader import read_criteria
from cellpath.trials.criteria.splitting import CriterionText, split_criteria


def items(text: str) -> list[tuple[str, str]]:
    return [(c.section, c.text) for c in split_criteria(text)]


# --- Headers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inclusion", "exclusion"),
    [
        ("Inclusion Criteria:", "Exclusion Criteria:"),
        ("INCLUSION CRITERIA:", "EXCLUSION CRITERIA:"),
        ("inclusion criteria", "exclusion criteria"),
        ("Inclusion Criteria", "Exclusion criteria:"),
        ("Key Inclusion Criteria", "Key Exclusion Criteria"),
        ("Main inclusion criteria:", "Main exclusion criteria:"),
        ("Inclusion Criteria (with exceptions for each group):", "Exclusion Criteria (all arms):"),
        ("**Inclusion Criteria:**", "**Exclusion Criteria:**"),
        ("## Inclusion criteria", "## Exclusion criteria"),
        ("1. Inclusion Criteria", "2. Exclusion Criteria"),
        ("Inclusion:", "Exclusion:"),
        ("Criteria for inclusion:", "Criteria for exclusion:"),
        ("Inclusion criteria include:", "Exclusion criteria are as follows:"),
    ],
)
def test_it_finds_the_sections_under_any_header_spelling(inclusion, exclusion):
    text = f"{inclusion}\n\n* Age 18 to 80 years\n\n{exclusion}\n\n* Tracheostomy\n"
    assert items(text) == [("inclusion", "Age 18 to 80 years"), ("exclusion", "Tracheostomy")]


def test_a_header_can_carry_its_first_item_on_the_same_line():
    text = "Inclusion Criteria: ALSFRS-R ≥ 25\nExclusion Criteria: tracheostomy"
    assert items(text) == [("inclusion", "ALSFRS-R ≥ 25"), ("exclusion", "tracheostomy")]


def test_a_numbered_item_on_the_header_line_loses_its_number():
    assert items("Inclusion criteria: 1. Age 18-75") == [("inclusion", "Age 18-75")]


def test_headers_written_inside_one_paragraph_still_split_it():
    text = "Inclusion Criteria: age 18-80; ALSFRS-R ≥ 25. Exclusion Criteria: tracheostomy."
    assert items(text) == [
        ("inclusion", "age 18-80; ALSFRS-R ≥ 25."),
        ("exclusion", "tracheostomy."),
    ]


def test_a_sentence_that_starts_like_a_header_is_an_item():
    text = (
        "Exclusion Criteria:\n"
        "* Exclusion criteria of the parent study apply\n"
        "* Inclusion criteria met at the end of the parent study\n"
    )
    assert items(text) == [
        ("exclusion", "Exclusion criteria of the parent study apply"),
        ("exclusion", "Inclusion criteria met at the end of the parent study"),
    ]


def test_a_combined_header_reads_as_inclusion_until_a_single_header_follows():
    text = (
        "Key inclusion & exclusion criteria\n- ALS diagnosis\nExclusion criteria:\n- Gastrostomy\n"
    )
    assert items(text) == [("inclusion", "ALS diagnosis"), ("exclusion", "Gastrostomy")]


def test_a_combined_header_before_the_real_ones_is_dropped():
    text = (
        "Key inclusion & exclusion criteria\n"
        "Inclusion criteria:\n- age 18-75\n"
        "Exclusion criteria:\n- NIV"
    )
    assert items(text) == [("inclusion", "age 18-75"), ("exclusion", "NIV")]


def test_text_without_headers_is_all_inclusion():
    text = "Patients with ALS aged 18 to 75 years.\nSymptom onset within 24 months."
    assert items(text) == [
        ("inclusion", "Patients with ALS aged 18 to 75 years."),
        ("inclusion", "Symptom onset within 24 months."),
    ]


def test_a_sentence_before_the_headers_is_kept_when_it_says_something():
    text = (
        "Adults living with ALS can take part.\n\n"
        "Inclusion Criteria:\n\n* Age 18-80\n\nExclusion Criteria:\n\n* Tracheostomy"
    )
    assert items(text) == [
        ("inclusion", "Adults living with ALS can take part."),
        ("inclusion", "Age 18-80"),
        ("exclusion", "Tracheostomy"),
    ]


def test_a_sentence_before_the_headers_that_only_points_to_the_list_is_dropped():
    text = (
        "Participants must meet all of the following criteria to be enrolled.\n"
        "Inclusion Criteria:\n* Age 18-80\n"
    )
    assert items(text) == [("inclusion", "Age 18-80")]


@pytest.mark.parametrize(
    "text", ["", "   ", "\n\n  \n", "Inclusion Criteria:\n\nExclusion Criteria:"]
)
def test_empty_text_gives_nothing(text):
    assert split_criteria(text) == []
    assert read_criteria(text) == []


# --- Bullets and lines ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "marker", ["* ", "- ", "+ ", "• ", "•", "– ", "1. ", "1) ", "(1) ", "a. ", "b) ", "ii. ", "o "]
)
def test_the_bullet_marker_is_removed_from_the_quote(marker):
    text = f"Exclusion Criteria:\n{marker}Prior stem cell therapy\n"
    assert items(text) == [("exclusion", "Prior stem cell therapy")]


def test_items_split_the_same_with_or_without_blank_lines():
    spaced = "Inclusion Criteria:\n\n* Age ≥ 18\n\n* FVC ≥ 60%\n\n* ALSFRS-R ≥ 30\n"
    packed = "Inclusion Criteria:\n* Age ≥ 18\n* FVC ≥ 60%\n* ALSFRS-R ≥ 30\n"
    assert items(spaced) == items(packed)
    assert len(items(packed)) == 3


def test_lines_without_bullets_are_one_item_each():
    text = "Inclusion Criteria:\nAge 18 to 80\nALSFRS-R ≥ 25\n\nExclusion Criteria:\nTracheostomy"
    assert items(text) == [
        ("inclusion", "Age 18 to 80"),
        ("inclusion", "ALSFRS-R ≥ 25"),
        ("exclusion", "Tracheostomy"),
    ]


def test_a_numbered_list_mixing_dot_and_parenthesis_is_read_in_order():
    text = (
        "INCLUSION CRITERIA\n1. Age 18-80\n2) ALSFRS-R ≥ 25\n"
        "exclusion criteria\n- Tracheostomy\n• Gastrostomy\n– Pregnancy"
    )
    assert items(text) == [
        ("inclusion", "Age 18-80"),
        ("inclusion", "ALSFRS-R ≥ 25"),
        ("exclusion", "Tracheostomy"),
        ("exclusion", "Gastrostomy"),
        ("exclusion", "Pregnancy"),
    ]


def test_a_wrapped_line_continues_its_item():
    text = (
        "Exclusion Criteria:\n"
        "* Use of anticoagulant medication\n"
        "  within 14 days of the lumbar puncture\n"
        "* Use of immunosuppressants\n"
        "within 30 days of screening\n"
    )
    assert items(text) == [
        ("exclusion", "Use of anticoagulant medication within 14 days of the lumbar puncture"),
        ("exclusion", "Use of immunosuppressants within 30 days of screening"),
    ]


def test_windows_line_endings_and_tabs_are_read_like_newlines_and_spaces():
    text = "Inclusion Criteria:\r\n\r\n*\tAge 18-80\r\n*\tFVC \\>= 60%\r\n"
    assert items(text) == [("inclusion", "Age 18-80"), ("inclusion", "FVC >= 60%")]


def test_a_line_of_symbols_only_is_no_item():
    text = "Inclusion Criteria:\n---\n* Age ≥ 18\n***\n"
    assert items(text) == [("inclusion", "Age ≥ 18")]


# --- Markdown escapes ------------------------------------------------------------------------


def test_markdown_escapes_are_undone_in_the_quote():
    text = (
        "Exclusion Criteria:\n"
        "* BMI \\> 32 kg/m2\n"
        "* FVC \\< 50% predicted\n"
        "* Platelets \\<= 100\n"
        "* NIV \\>= 22 hours per day\n"
        "* Marked with \\* in the protocol\n"
        "3\\. Third line kept as text\n"
    )
    assert [quote for _, quote in items(text)] == [
        "BMI > 32 kg/m2",
        "FVC < 50% predicted",
        "Platelets <= 100",
        "NIV >= 22 hours per day",
        "Marked with * in the protocol",
        "Third line kept as text",
    ]


def test_escaped_comparisons_are_read_as_comparisons():
    (criterion,) = read_criteria("Exclusion Criteria:\n* BMI \\> 32 kg/m2")
    assert (criterion.field, criterion.op, criterion.value) == ("bmi", ">", 32)


# --- Nesting and lead-ins -------------------------------------------------------------------


def test_a_sub_bullet_keeps_its_lead_in_in_the_quote():
    text = (
        "Exclusion Criteria:\n\n"
        "* Contraindication to lumbar puncture, such as:\n"
        "  * bleeding disorder\n"
        "  * prior lumbar spine surgery\n"
        "* Prior stem cell therapy\n"
    )
    assert items(text) == [
        ("exclusion", "Contraindication to lumbar puncture, such as: bleeding disorder"),
        ("exclusion", "Contraindication to lumbar puncture, such as: prior lumbar spine surgery"),
        ("exclusion", "Prior stem cell therapy"),
    ]


def test_a_parent_without_a_colon_is_joined_to_its_sub_bullets_with_one():
    text = "Exclusion Criteria:\n- Significant disease\n    - cardiac\n    - renal\n"
    assert items(text) == [
        ("exclusion", "Significant disease: cardiac"),
        ("exclusion", "Significant disease: renal"),
    ]


def test_a_new_kind_of_marker_under_a_numbered_lead_in_nests_and_the_next_number_does_not():
    text = (
        "Exclusion Criteria:\n"
        "1. History of any of the following:\n"
        "a. tracheostomy\n"
        "b. gastrostomy\n"
        "2. Pregnancy\n"
    )
    assert items(text) == [
        ("exclusion", "History of any of the following: tracheostomy"),
        ("exclusion", "History of any of the following: gastrostomy"),
        ("exclusion", "Pregnancy"),
    ]


def test_two_levels_of_nesting_keep_both_lead_ins():
    text = (
        "Exclusion Criteria:\n"
        "* Laboratory values at screening:\n"
        "  * liver tests, any of:\n"
        "    * ALT above twice the upper limit\n"
    )
    assert items(text) == [
        (
            "exclusion",
            "Laboratory values at screening: liver tests, any of: ALT above twice the upper limit",
        )
    ]


@pytest.mark.parametrize(
    "lead_in",
    [
        "Participants must meet all of the following:",
        "* Participants must meet all of the following criteria:",
        "Patients will be excluded if they have any of the following:",
    ],
)
def test_a_lead_in_that_only_points_to_the_list_is_not_an_item_nor_a_prefix(lead_in):
    text = f"Inclusion Criteria:\n{lead_in}\n* Age ≥ 18\n* FVC ≥ 60% predicted\n"
    assert items(text) == [("inclusion", "Age ≥ 18"), ("inclusion", "FVC ≥ 60% predicted")]


def test_an_unbulleted_lead_in_with_content_prefixes_its_bullets_only():
    text = (
        "Exclusion Criteria:\n"
        "Current use of any of the following medications:\n"
        "* warfarin\n"
        "* clopidogrel\n"
        "Pregnancy or breastfeeding.\n"
    )
    assert items(text) == [
        ("exclusion", "Current use of any of the following medications: warfarin"),
        ("exclusion", "Current use of any of the following medications: clopidogrel"),
        ("exclusion", "Pregnancy or breastfeeding."),
    ]


def test_a_lead_in_without_items_is_kept_as_an_item():
    text = (
        "Exclusion Criteria:\n* Any condition that, in the investigator's opinion:\n* Tracheostomy"
    )
    assert items(text) == [
        ("exclusion", "Any condition that, in the investigator's opinion:"),
        ("exclusion", "Tracheostomy"),
    ]


# --- Groups of participants ---------------------------------------------------------------


def test_items_under_a_non_als_sub_header_name_their_group():
    text = (
        "Inclusion Criteria (with exceptions for each group):\n\n"
        "ALS participants:\n\n"
        "* Age 18 to 80 years\n"
        "* ALSFRS-R \\>= 30\n\n"
        "Healthy volunteers:\n\n"
        "* Age 18 to 80 years\n\n"
        "Exclusion Criteria:\n\n"
        "* Tracheostomy\n"
    )
    assert split_criteria(text) == [
        CriterionText("inclusion", "Age 18 to 80 years", ""),
        CriterionText("inclusion", "ALSFRS-R >= 30", ""),
        CriterionText("inclusion", "Healthy volunteers: Age 18 to 80 years", "Healthy volunteers"),
        CriterionText("exclusion", "Tracheostomy", ""),
    ]


def test_bulleted_group_headers_with_nested_items_are_groups_not_lead_ins():
    text = "* ALS participants:\n  * Age 18-80\n* Family members:\n  * Age 18-80\n"
    assert split_criteria(text) == [
        CriterionText("inclusion", "Age 18-80", ""),
        CriterionText("inclusion", "Family members: Age 18-80", "Family members"),
    ]


def test_a_header_qualifier_can_name_the_group():
    text = (
        "Inclusion Criteria for Healthy Volunteers:\n* age 18 to 80 years\n"
        "Exclusion Criteria\n* tracheostomy\n"
    )
    assert split_criteria(text) == [
        CriterionText("inclusion", "Healthy Volunteers: age 18 to 80 years", "Healthy Volunteers"),
        CriterionText("exclusion", "tracheostomy", ""),
    ]


def test_a_group_header_without_colon_is_recognised_before_a_list():
    text = "Inclusion Criteria:\nHealthy Controls\n* Age 40 to 80\n"
    assert split_criteria(text) == [
        CriterionText("inclusion", "Healthy Controls: Age 40 to 80", "Healthy Controls")
    ]


def test_a_short_line_about_als_before_a_list_is_still_an_item():
    text = "Inclusion Criteria:\nSporadic ALS\n* Age 40 to 80\n"
    assert items(text) == [("inclusion", "Sporadic ALS"), ("inclusion", "Age 40 to 80")]


@pytest.mark.parametrize(
    ("item", "population"),
    [
        ("Healthy volunteers: age 18 to 80 years", "Healthy volunteers"),
        ("Family members must be 18 years of age or older", "Family members"),
        ("Age 18 to 80 years (healthy volunteers only)", "healthy volunteers"),
        ("For caregivers: able to attend all visits", "For caregivers"),
    ],
)
def test_an_item_can_name_its_own_group(item, population):
    (criterion_text,) = split_criteria(f"Inclusion Criteria:\n* {item}")
    assert criterion_text == CriterionText("inclusion", item, population)


def test_an_item_tagged_for_an_als_subgroup_stays_with_the_als_participants():
    (criterion_text,) = split_criteria("Exclusion Criteria:\n* Tracheostomy (SOD1 ALS only)")
    assert criterion_text.population == ""


def test_a_new_section_ends_a_group():
    text = "Inclusion Criteria:\nHealthy volunteers:\n* Age 18-80\nExclusion Criteria:\n* Age > 80"
    assert [c.population for c in split_criteria(text)] == ["Healthy volunteers", ""]


def test_an_als_sub_header_ends_a_non_als_group():
    text = "Healthy volunteers:\n* Age 18-80\nALS patients:\n* Age 18-80\n"
    assert [c.population for c in split_criteria(text)] == ["Healthy volunteers", ""]
