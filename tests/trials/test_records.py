"""Study records: v2 JSON → `StudyRecord`, validation, classification, and the demo records."""

from __future__ import annotations

import copy
import dataclasses
import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cellpath.trials.ctgov.records import (
    OVERALL_STATUSES,
    Arm,
    Contact,
    Intervention,
    Official,
    OldFormatError,
    RecordError,
    Site,
    StudyRecord,
    is_cell_therapy,
    normalise_mesh_id,
    parse_study,
)

DATA = Path(__file__).resolve().parents[2] / "src" / "cellpath" / "trials" / "data"


def identification_only(**changes: Any) -> dict[str, Any]:
    """The smallest importable record: an NCT number and a title, nothing else."""
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT01234567", "briefTitle": "A study"},
        }
    }
    return edit(study, **changes)


def minimal(**changes: Any) -> dict[str, Any]:
    """A small record with a status, with protocolSection paths changed (None deletes)."""
    study: dict[str, Any] = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT01234567", "briefTitle": "A study"},
            "statusModule": {
                "overallStatus": "RECRUITING",
                "lastUpdatePostDateStruct": {"date": "2026-01-05"},
            },
        }
    }
    return edit(study, **changes)


def edit(study: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy with dotted paths under protocolSection set (``None`` removes the key); a path
    starting with "/" is from the top of the study."""
    study = copy.deepcopy(study)
    for dotted, value in changes.items():
        node: Any = study if dotted.startswith("/") else study["protocolSection"]
        *parents, last = dotted.lstrip("/").split(".")
        for key in parents:
            node = node.setdefault(key, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return study


def full() -> dict[str, Any]:
    """A record with every field the parser reads (invented text)."""
    return {
        "protocolSection": {
            "identificationModule": {
                "nctId": "NCT01234567",
                "briefTitle": "  Stromal Cells in Early ALS  ",
                "officialTitle": "A Phase 2 Study of Intrathecal Stromal Cells in ALS",
                "acronym": "STROMA",
            },
            "statusModule": {
                "overallStatus": "UNKNOWN",
                "lastKnownStatus": "RECRUITING",
                "whyStopped": "Slow enrolment.",
                "startDateStruct": {"date": "2024-03", "type": "ACTUAL"},
                "primaryCompletionDateStruct": {"date": "2026", "type": "ESTIMATED"},
                "completionDateStruct": {"date": "2027-06-30", "type": "ESTIMATED"},
                "studyFirstPostDateStruct": {"date": "2023-11", "type": "ACTUAL"},
                "lastUpdatePostDateStruct": {"date": "2026-02-11", "type": "ACTUAL"},
            },
            "sponsorCollaboratorsModule": {
                "leadSponsor": {"name": "Demo Hospital", "class": "OTHER"},
                "collaborators": [{"name": "Demo Foundation", "class": "OTHER"}, {"name": ""}],
            },
            "descriptionModule": {
                "briefSummary": "Cells are given by lumbar puncture.",
                "detailedDescription": "Three doses, eight weeks apart.",
            },
            "conditionsModule": {
                "conditions": ["Amyotrophic Lateral Sclerosis", " "],
                "keywords": ["ALS", "MSC"],
            },
            "designModule": {
                "studyType": "INTERVENTIONAL",
                "phases": ["PHASE1", "PHASE2"],
                "enrollmentInfo": {"count": 96, "type": "ESTIMATED"},
            },
            "armsInterventionsModule": {
                "armGroups": [
                    {
                        "label": "MSC",
                        "type": "EXPERIMENTAL",
                        "description": "Three doses.",
                        "interventionNames": ["Biological: Autologous MSCs"],
                    },
                    {
                        "label": "Placebo",
                        "type": "PLACEBO_COMPARATOR",
                        "interventionNames": ["Other: Placebo"],
                    },
                ],
                "interventions": [
                    {
                        "type": "BIOLOGICAL",
                        "name": "Autologous MSCs",
                        "description": "Bone-marrow stromal cells.",
                        "otherNames": ["MSC-01"],
                        "armGroupLabels": ["MSC"],
                    },
                    {
                        "type": "OTHER",
                        "name": "Placebo",
                        "description": "Cell culture medium without cells.",
                        "armGroupLabels": ["Placebo"],
                    },
                ],
            },
            "eligibilityModule": {
                "eligibilityCriteria": "Inclusion Criteria:\n\n* ALSFRS-R ≥ 25",
                "healthyVolunteers": False,
                "sex": "ALL",
                "minimumAge": "18 Years",
                "maximumAge": "6 Months",
                "stdAges": ["ADULT", "OLDER_ADULT"],
            },
            "contactsLocationsModule": {
                "centralContacts": [
                    {
                        "name": "Avery Okafor",
                        "role": "CONTACT",
                        "phone": "+1 617-555-0134",
                        "phoneExt": "204",
                        "email": "avery.okafor@example.org",
                    }
                ],
                "overallOfficials": [
                    {
                        "name": "Riley Moreau, MD",
                        "affiliation": "Demo Hospital",
                        "role": "STUDY_CHAIR",
                    }
                ],
                "locations": [
                    {
                        "facility": "Demo Hospital",
                        "status": "RECRUITING",
                        "city": "Boston",
                        "state": "Massachusetts",
                        "zip": "02114",
                        "country": "United States",
                        "contacts": [{"name": "Quinn Kaplan", "role": "CONTACT"}],
                        "geoPoint": {"lat": 42.35843, "lon": -71.05977},
                    },
                    {"facility": "Second Site", "city": "Paris", "country": "France"},
                ],
            },
        },
        "derivedSection": {
            "conditionBrowseModule": {
                "meshes": [{"id": "D000690", "term": "Amyotrophic Lateral Sclerosis"}],
                "ancestors": [
                    {"id": "D000016472", "term": "Motor Neuron Disease"},
                    {"id": "D016472", "term": "Motor Neuron Disease"},
                ],
            }
        },
        "hasResults": True,
    }


# --- Reading ----------------------------------------------------------------------------------


def test_a_full_record_gives_every_field():
    record = parse_study(full())
    assert record == StudyRecord(
        nct_id="NCT01234567",
        brief_title="Stromal Cells in Early ALS",
        official_title="A Phase 2 Study of Intrathecal Stromal Cells in ALS",
        acronym="STROMA",
        overall_status="UNKNOWN",
        last_known_status="RECRUITING",
        why_stopped="Slow enrolment.",
        study_type="INTERVENTIONAL",
        phases=("PHASE1", "PHASE2"),
        start_date="2024-03",
        primary_completion_date="2026",
        completion_date="2027-06-30",
        first_posted=datetime.date(2023, 11, 1),
        last_updated=datetime.date(2026, 2, 11),
        enrollment=96,
        enrollment_type="ESTIMATED",
        lead_sponsor="Demo Hospital",
        sponsor_class="OTHER",
        collaborators=("Demo Foundation",),
        conditions=("Amyotrophic Lateral Sclerosis",),
        keywords=("ALS", "MSC"),
        mesh_ids=("D000690", "D016472"),
        mesh_terms=("Amyotrophic Lateral Sclerosis", "Motor Neuron Disease"),
        brief_summary="Cells are given by lumbar puncture.",
        detailed_description="Three doses, eight weeks apart.",
        interventions=(
            Intervention(
                "BIOLOGICAL",
                "Autologous MSCs",
                "Bone-marrow stromal cells.",
                ("MSC-01",),
                ("MSC",),
                cell_therapy=True,
            ),
            Intervention(
                "OTHER",
                "Placebo",
                "Cell culture medium without cells.",
                (),
                ("Placebo",),
                cell_therapy=False,
            ),
        ),
        arms=(
            Arm("MSC", "EXPERIMENTAL", "Three doses.", ("Biological: Autologous MSCs",)),
            Arm("Placebo", "PLACEBO_COMPARATOR", "", ("Other: Placebo",)),
        ),
        eligibility_text="Inclusion Criteria:\n\n* ALSFRS-R ≥ 25",
        healthy_volunteers=False,
        sex="ALL",
        minimum_age_years=18.0,
        maximum_age_years=0.5,
        std_ages=("ADULT", "OLDER_ADULT"),
        central_contacts=(
            Contact(
                "Avery Okafor", "CONTACT", "+1 617-555-0134 ext. 204", "avery.okafor@example.org"
            ),
        ),
        officials=(Official("Riley Moreau, MD", "Demo Hospital", "STUDY_CHAIR"),),
        sites=(
            Site(
                "Demo Hospital",
                "Boston",
                "Massachusetts",
                "02114",
                "United States",
                "RECRUITING",
                42.35843,
                -71.05977,
                (Contact("Quinn Kaplan", "CONTACT", "", ""),),
            ),
            Site("Second Site", "Paris", "", "", "France", "", None, None, ()),
        ),
        has_results=True,
    )
    assert record.is_als and record.is_cell_therapy and not record.open_to_enrol
    assert record.intervention_kinds == {"cell"}


def test_parsed_objects_are_complete_frozen_dataclasses():
    """The parser builds its objects without the generated __init__ (speed): they must still
    have every field, compare equal to a normal copy, hash, and refuse changes."""
    record = parse_study(full())
    objects = [record, *record.sites, *record.sites[0].contacts, *record.interventions]
    objects += [*record.arms, *record.officials, *record.central_contacts]
    for obj in objects:
        assert dataclasses.replace(obj) == obj
        assert set(vars(obj)) == {field.name for field in dataclasses.fields(obj)}
        hash(obj)
        with pytest.raises(dataclasses.FrozenInstanceError):
            obj.name = "changed"  # type: ignore[misc]


def test_a_minimal_record_has_empty_defaults():
    record = parse_study(minimal())
    assert record.nct_id == "NCT01234567"
    assert record.overall_status == "RECRUITING"
    assert record.last_updated == datetime.date(2026, 1, 5)
    for name in ("official_title", "study_type", "start_date", "sex", "eligibility_text"):
        assert getattr(record, name) == ""
    for name in ("phases", "conditions", "mesh_ids", "interventions", "sites", "std_ages"):
        assert getattr(record, name) == ()
    for name in ("first_posted", "enrollment", "healthy_volunteers", "minimum_age_years"):
        assert getattr(record, name) is None
    assert record.has_results is False
    assert record.intervention_kinds == frozenset()
    assert not record.is_als and not record.is_cell_therapy


def test_nulls_count_as_absent():
    study = minimal(
        **{
            "identificationModule.briefTitle": None,
            "identificationModule.officialTitle": "An Official Title",
            "designModule": {"phases": None, "enrollmentInfo": None},
            "conditionsModule": {"conditions": ["ALS", None]},
            "contactsLocationsModule": {"locations": [None, {"city": "Ulm", "geoPoint": None}]},
        }
    )
    study["protocolSection"]["identificationModule"]["acronym"] = None
    record = parse_study(study)
    assert record.acronym == "" and record.phases == () and record.enrollment is None
    assert record.brief_title == "" and record.official_title == "An Official Title"
    assert record.conditions == ("ALS",)
    assert [(site.city, site.lat) for site in record.sites] == [("Ulm", None)]


NO_TITLE = "no title: neither protocolSection.identificationModule.briefTitle nor officialTitle"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"identificationModule.nctId": None}, "no protocolSection.identificationModule.nctId"),
        ({"identificationModule": None}, "no protocolSection.identificationModule.nctId"),
        ({"identificationModule.nctId": "  "}, "no protocolSection.identificationModule.nctId"),
        ({"identificationModule.briefTitle": None}, NO_TITLE),
        (
            {"identificationModule.briefTitle": " ", "identificationModule.officialTitle": ""},
            NO_TITLE,
        ),
    ],
)
def test_a_record_without_an_nct_number_or_a_title_is_refused_naming_what_is_missing(
    change, reason
):
    with pytest.raises(RecordError) as error:
        parse_study(identification_only(**change))
    assert str(error.value) == reason


def test_an_official_title_is_title_enough():
    record = parse_study(
        identification_only(
            **{"identificationModule.briefTitle": None, "identificationModule.officialTitle": "X"}
        )
    )
    assert (record.brief_title, record.official_title) == ("", "X")


def test_a_record_with_only_an_identification_module_is_kept_with_unknowns():
    record = parse_study(identification_only())
    assert (record.nct_id, record.brief_title) == ("NCT01234567", "A study")
    assert record.overall_status == "" and not record.open_to_enrol
    assert record.last_updated is None and record.first_posted is None
    assert record.eligibility_text == "" and record.sites == () and record.interventions == ()
    assert record.minimum_age_years is None and record.sex == ""
    assert not record.is_als and record.intervention_kinds == frozenset()


EMPTY_WITHOUT = {
    "statusModule": {
        "overall_status": "", "last_known_status": "", "why_stopped": "", "start_date": "",
        "primary_completion_date": "", "completion_date": "", "first_posted": None,
        "last_updated": None,
    },
    "sponsorCollaboratorsModule": {"lead_sponsor": "", "sponsor_class": "", "collaborators": ()},
    "descriptionModule": {"brief_summary": "", "detailed_description": ""},
    "conditionsModule": {"conditions": (), "keywords": ()},
    "designModule": {"study_type": "", "phases": (), "enrollment": None, "enrollment_type": ""},
    "armsInterventionsModule": {"interventions": (), "arms": ()},
    "eligibilityModule": {
        "eligibility_text": "", "healthy_volunteers": None, "sex": "", "minimum_age_years": None,
        "maximum_age_years": None, "std_ages": (),
    },
    "contactsLocationsModule": {"central_contacts": (), "officials": (), "sites": ()},
}  # fmt: skip
"""What a record lacks without each optional module: the rest of it is kept."""


@pytest.mark.parametrize("module", sorted(EMPTY_WITHOUT))
def test_a_record_missing_one_optional_module_keeps_everything_else(module):
    study = full()
    del study["protocolSection"][module]
    expected = dataclasses.replace(parse_study(full()), **EMPTY_WITHOUT[module])
    assert parse_study(study) == expected


def test_without_an_overall_status_the_status_is_unknown_and_not_open():
    record = parse_study(minimal(**{"statusModule.overallStatus": None}))
    assert record.overall_status == "" and not record.open_to_enrol
    assert record.last_updated == datetime.date(2026, 1, 5)


@pytest.mark.parametrize(
    "change",
    [
        {"statusModule.lastUpdatePostDateStruct": None},
        {"statusModule.lastUpdatePostDateStruct.date": ""},
    ],
)
def test_without_a_last_update_date_the_last_update_is_unknown(change):
    record = parse_study(minimal(**change))
    assert record.overall_status == "RECRUITING" and record.last_updated is None


def test_a_record_without_protocol_section_is_rejected():
    with pytest.raises(RecordError, match="no protocolSection"):
        parse_study({"derivedSection": {}})


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"/protocolSection": []}, "protocolSection must be an object, not a list"),
        (
            {"identificationModule": "NCT01234567"},
            "protocolSection.identificationModule must be an object, not a string",
        ),
        (
            {"identificationModule.briefTitle": 5},
            "protocolSection.identificationModule.briefTitle must be a string, not a number",
        ),
        (
            {"identificationModule.nctId": 1234567},
            "protocolSection.identificationModule.nctId must be a string, not a number",
        ),
        (
            {"identificationModule.nctId": "NCT123"},
            "protocolSection.identificationModule.nctId is not an NCT number",
        ),
        (
            {"statusModule.overallStatus": "OPEN"},
            "protocolSection.statusModule.overallStatus is not a known status",
        ),
        (
            {"statusModule.lastUpdatePostDateStruct.date": "2026/01/05"},
            "lastUpdatePostDateStruct.date is not a date",
        ),
        (
            {"statusModule.lastUpdatePostDateStruct.date": "2026-02-30"},
            "lastUpdatePostDateStruct.date is not a date",
        ),
        ({"statusModule.startDateStruct": "2024"}, "startDateStruct must be an object"),
        ({"statusModule.startDateStruct.date": "March 2024"}, "startDateStruct.date is not a date"),
        (
            {"designModule.phases": "PHASE2"},
            "protocolSection.designModule.phases must be a list, not a string",
        ),
        ({"designModule.phases": [2]}, "protocolSection.designModule.phases[0] must be a string"),
        (
            {"designModule.enrollmentInfo.count": "96"},
            "enrollmentInfo.count must be a whole number",
        ),
        ({"designModule.enrollmentInfo.count": 9.5}, "enrollmentInfo.count must be a whole number"),
        (
            {"designModule.enrollmentInfo.count": True},
            "enrollmentInfo.count must be a whole number",
        ),
        ({"designModule.enrollmentInfo.count": -5}, "enrollmentInfo.count is negative"),
        (
            {"eligibilityModule.healthyVolunteers": "No"},
            "eligibilityModule.healthyVolunteers must be true or false, not a string",
        ),
        ({"eligibilityModule.minimumAge": "eighteen"}, "minimumAge is not an age like '18 Years'"),
        ({"eligibilityModule.maximumAge": 65}, "maximumAge must be a string, not a number"),
        (
            {"contactsLocationsModule.locations": {"city": "Boston"}},
            "protocolSection.contactsLocationsModule.locations must be a list, not an object",
        ),
        (
            {"contactsLocationsModule.locations": [{}, "Boston"]},
            "protocolSection.contactsLocationsModule.locations[1] must be an object, not a string",
        ),
        (
            {"contactsLocationsModule.locations": [None, "Boston"]},
            "protocolSection.contactsLocationsModule.locations[1] must be an object, not a string",
        ),
        (
            {"conditionsModule.conditions": [None, "ALS", float("nan")]},
            "protocolSection.conditionsModule.conditions[2] must be a string, not a number",
        ),
        (
            {"contactsLocationsModule.locations": [{"geoPoint": {"lat": "42.3", "lon": 1.0}}]},
            "locations[0].geoPoint.lat must be a number, not a string",
        ),
        (
            {"contactsLocationsModule.locations": [{"geoPoint": {"lat": 95.0, "lon": 1.0}}]},
            "locations[0].geoPoint.lat is out of range",
        ),
        (
            {"contactsLocationsModule.locations": [{"geoPoint": [42.3, 1.0]}]},
            "locations[0].geoPoint must be an object, not a list",
        ),
        (
            {"contactsLocationsModule.locations": [{}, {"contacts": [{"phone": 5550134}]}]},
            "protocolSection.contactsLocationsModule.locations[1].contacts[0].phone must be a "
            "string, not a number",
        ),
        (
            {"armsInterventionsModule.interventions": [{"name": "X", "otherNames": "Y"}]},
            "armsInterventionsModule.interventions[0].otherNames must be a list, not a string",
        ),
        (
            {"conditionsModule.conditions": "ALS"},
            "conditionsModule.conditions must be a list, not a string",
        ),
        ({"/hasResults": "yes"}, "hasResults must be true or false, not a string"),
        ({"/derivedSection": []}, "derivedSection must be an object, not a list"),
        (
            {"/derivedSection": {"conditionBrowseModule": {"meshes": [{"id": 690}]}}},
            "derivedSection.conditionBrowseModule.meshes[0].id must be a string, not a number",
        ),
    ],
)
def test_a_wrong_type_is_a_record_error_naming_the_path(change, reason):
    with pytest.raises(RecordError) as error:
        parse_study(minimal(**change))
    assert reason in str(error.value)
    assert not isinstance(error.value, OldFormatError)


@pytest.mark.parametrize("value", [None, [], [{}], "NCT01234567", 5, True, b"{}"])
def test_something_that_is_not_an_object_is_a_record_error(value):
    with pytest.raises(RecordError, match="must be a JSON object"):
        parse_study(value)


def test_an_api_page_is_not_a_study():
    with pytest.raises(RecordError, match="page of 2 studies"):
        parse_study({"studies": [minimal(), minimal()], "nextPageToken": "x"})


@pytest.mark.parametrize(
    "study",
    [
        {"FullStudiesResponse": {"APIVrs": "1.01", "FullStudies": [{"Rank": 1, "Study": {}}]}},
        {"FullStudy": {"Rank": 1, "Study": {"ProtocolSection": {}}}},
        {"Study": {"ProtocolSection": {"IdentificationModule": {"NCTId": "NCT01234567"}}}},
    ],
)
def test_classic_format_records_are_old_format_errors(study):
    with pytest.raises(OldFormatError) as error:
        parse_study(study)
    assert "retired classic" in str(error.value) and "v2 JSON" in str(error.value)
    assert isinstance(error.value, RecordError)


# --- Hypothesis: nothing but RecordError, whatever the input ----------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, (*prefix, index))
    return out


FULL_PATHS = _paths(full())


def _parse_or_record_error(study: object) -> None:
    try:
        record = parse_study(study)
    except RecordError as error:
        assert str(error)
    else:
        assert isinstance(record, StudyRecord)
        # the derived properties must not crash either
        assert isinstance(record.intervention_kinds, frozenset)
        assert {record.is_als, record.open_to_enrol, record.is_cell_therapy} <= {True, False}


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_random_json_only_ever_raises_record_error(value):
    _parse_or_record_error(value)
    _parse_or_record_error({"protocolSection": value})


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(FULL_PATHS), JSON_VALUES), min_size=1, max_size=3))
def test_a_full_record_with_random_values_anywhere_only_raises_record_error(changes):
    study = full()
    for path, value in changes:
        node: Any = study
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change replaced a parent
    _parse_or_record_error(study)


# --- Normalisation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_id", "expected"),
    [
        ("D000003680", "D003680"),  # an older record's zero-padded 6-digit id
        ("D000000690", "D000690"),
        ("D000690", "D000690"),  # current form stays
        ("D016472", "D016472"),
        ("D000086382", "D000086382"),  # a real 9-digit id (2013 onwards) stays
        ("d000690 ", "D000690"),
        ("D690", "D000690"),
        ("C000657245", "C000657245"),
    ],
)
def test_mesh_ids_are_normalised(given_id, expected):
    assert normalise_mesh_id(given_id) == expected


def test_padded_mesh_ids_in_a_record_are_normalised_and_deduplicated():
    study = minimal()
    study["derivedSection"] = {
        "conditionBrowseModule": {
            "meshes": [{"id": "D000000690", "term": "Amyotrophic Lateral Sclerosis"}],
            "ancestors": [
                {"id": "D000016472", "term": "Motor Neuron Disease"},
                {"id": "D016472", "term": "Motor Neuron Disease"},
            ],
        }
    }
    record = parse_study(study)
    assert record.mesh_ids == ("D000690", "D016472")
    assert record.mesh_terms == ("Amyotrophic Lateral Sclerosis", "Motor Neuron Disease")
    assert record.is_als


@pytest.mark.parametrize(
    ("age", "years"),
    [
        ("18 Years", 18.0),
        ("1 Year", 1.0),
        ("6 Months", 0.5),
        ("18 months", 1.5),
        ("2 Weeks", 14 / 365.25),
        ("30 Days", 30 / 365.25),
        ("12 Hours", 12 / (365.25 * 24)),
        ("90 Minutes", 90 / (365.25 * 24 * 60)),
        ("N/A", None),
        ("", None),
    ],
)
def test_ages_in_any_unit_become_years(age, years):
    record = parse_study(minimal(**{"eligibilityModule.minimumAge": age}))
    assert record.minimum_age_years == pytest.approx(years)


def test_partial_dates_are_kept_as_given_or_read_as_the_first_day():
    record = parse_study(
        minimal(
            **{
                "statusModule.startDateStruct": {"date": "2026"},
                "statusModule.completionDateStruct": {"date": "2027-09"},
                "statusModule.studyFirstPostDateStruct": {"date": "2025-07"},
                "statusModule.lastUpdatePostDateStruct": {"date": "2026-02"},
            }
        )
    )
    assert (record.start_date, record.completion_date) == ("2026", "2027-09")
    assert record.first_posted == datetime.date(2025, 7, 1)
    assert record.last_updated == datetime.date(2026, 2, 1)


# --- Classification ---------------------------------------------------------------------------


def _classified(conditions=(), keywords=(), mesh=()) -> StudyRecord:
    study = minimal(
        **{"conditionsModule": {"conditions": list(conditions), "keywords": list(keywords)}}
    )
    study["derivedSection"] = {
        "conditionBrowseModule": {"meshes": [{"id": m, "term": "x"} for m in mesh]}
    }
    return parse_study(study)


@pytest.mark.parametrize(
    ("conditions", "keywords", "mesh"),
    [
        ((), (), ("D000690",)),
        (("Amyotrophic Lateral Sclerosis",), (), ()),
        (("amyotrophic-lateral sclerosis",), (), ()),
        (("ALS",), (), ()),
        (("ALS-FTD",), (), ()),
        (("Frontotemporal Dementia",), ("ALS/FTD spectrum",), ()),
        (("fALS",), (), ()),
        (("Lou Gehrig's Disease",), (), ()),
        (("Motor Neurone Disease",), (), ()),
        (("MND",), (), ()),
        (("Spinal Muscular Atrophy", "Amyotrophic Lateral Sclerosis"), (), ()),
    ],
)
def test_als_studies_are_recognised(conditions, keywords, mesh):
    assert _classified(conditions, keywords, mesh).is_als


@pytest.mark.parametrize(
    ("conditions", "keywords", "mesh"),
    [
        (("Cardiac Arrest",), ("Advanced Life Support (ALS)",), ()),
        (("Out-of-hospital Cardiac Arrest", "ALS"), ("basic life support",), ()),
        (("Kidney Transplant",), ("anti-lymphocyte serum", "ALS"), ()),
        (("Healthy",), ("also healthy volunteers",), ()),
        (("FALSE positive screening",), ("als",), ()),  # lower-case "als" is not the acronym
        (("Spinal Muscular Atrophy",), ("motor neuron disease",), ("D016472",)),
        (("Primary Lateral Sclerosis",), ("Motor Neurone Disease",), ()),
        (("Myasthenia Gravis",), (), ("D009157", "D016472")),
    ],
)
def test_non_als_studies_are_not_recognised(conditions, keywords, mesh):
    assert not _classified(conditions, keywords, mesh).is_als


@pytest.mark.parametrize(
    ("name", "description", "other_names"),
    [
        ("Autologous bone marrow-derived mesenchymal stem cells", "", ()),
        ("NurOwn® (MSC-NTF cells)", "", ()),
        ("NTS-cells", "Autologous MSC-NTF-like cells, three intrathecal doses.", ()),
        ("Neural stem cell transplantation", "", ()),
        ("hNPC01", "", ()),
        ("Lenzumestrocel", "", ("MSCs", "Neuronata-R")),
        ("Investigational product", "Human neural progenitor cells engineered to make GDNF.", ()),
        ("Intrathecal BMMC injection", "", ()),
        ("Bone marrow mononuclear cells", "", ()),
        ("Stromal vascular fraction", "", ()),
        ("iPSC-derived motor neurons", "", ()),
        ("Allogeneic umbilical cord Wharton's jelly MSCs", "", ()),
        ("Umbilical cord blood infusion", "", ()),
        ("Muse cells", "", ()),
        ("Regulatory T cells", "Autologous Tregs expanded ex vivo.", ()),
        ("AstroRx", "Healthy human astrocytes derived from embryonic stem cells.", ()),
        ("Human astrocytes", "", ()),
        ("Cell therapy", "", ()),
        ("Autologous adipose-derived regenerative cells", "", ()),
    ],
)
def test_cell_therapies_are_recognised(name, description, other_names):
    assert is_cell_therapy(name, description, other_names)


@pytest.mark.parametrize(
    ("name", "description", "other_names"),
    [
        ("Placebo", "Cell culture medium without cells, matching the MSC suspension.", ()),
        ("Sham procedure", "Needle placed without injecting stem cells.", ()),
        ("Vehicle", "The cell suspension solution without cells.", ()),
        ("Cell culture medium", "", ()),
        ("Complete blood cell count", "", ()),
        ("Autologous red blood cells", "Transfusion of the participant's own red cells.", ()),
        ("Cell phone reminders", "Text messages sent to the participant's cell phone.", ()),
        ("Filgrastim", "Stem cell mobilization with G-CSF.", ()),
        ("Riluzole", "50 mg tablets twice a day.", ()),
        ("Bone marrow aspiration", "60 mL taken from the hip bone.", ()),
        ("Tofersen", "Antisense oligonucleotide by lumbar puncture.", ()),
        ("Miglustat", "For Niemann-Pick type C (NPC) patients.", ()),
        ("Drug X", "A small molecule that protects astrocytes and motor neurons.", ()),
        ("Imatinib", "For gastrointestinal stromal tumours.", ()),
        ("Sickle cell disease education", "", ()),
    ],
)
def test_non_cell_therapies_are_not_recognised(name, description, other_names):
    assert not is_cell_therapy(name, description, other_names)


def _with_interventions(*interventions: tuple[str, str, str]) -> StudyRecord:
    items = [{"type": t, "name": n, "description": d} for t, n, d in interventions]
    return parse_study(minimal(**{"armsInterventionsModule": {"interventions": items}}))


@pytest.mark.parametrize(
    ("interventions", "kinds"),
    [
        ((("DRUG", "Riluzole", "Tablets."), ("OTHER", "Placebo", "Tablets.")), {"drug"}),
        ((("DRUG", "Placebo", "Matching tablets."),), {"drug"}),
        ((("OTHER", "Placebo", ""),), {"other"}),
        (
            (
                ("BIOLOGICAL", "Autologous MSCs", ""),
                ("PROCEDURE", "Bone marrow aspiration", ""),
                ("OTHER", "Placebo", "Medium."),
            ),
            {"cell", "procedure"},
        ),
        ((("GENETIC", "Neural progenitor cells", "Lentiviral vector."),), {"cell"}),
        ((("PROCEDURE", "Intrathecal BMMC injection", ""),), {"cell"}),
        ((("DRUG", "Tivademorsen", "Every 4 weeks."),), {"gene"}),
        ((("DRUG", "Compound 7", "An antisense oligonucleotide."),), {"gene"}),
        ((("GENETIC", "Gene transfer", "AAV9 vector."),), {"gene"}),
        ((("BIOLOGICAL", "Onasemnogene abeparvovec", ""),), {"gene"}),
        ((("DRUG", "Compound 9", "Inhibits a mutant oncogene."),), {"drug"}),
        ((("DEVICE", "Breathing trainer", ""), ("DEVICE", "Sham trainer", "")), {"device"}),
        (
            (("BEHAVIORAL", "Exercise", ""), ("DIETARY_SUPPLEMENT", "Vitamin", "")),
            {"behavioral", "other"},
        ),
        ((("RADIATION", "Radiotherapy", ""), ("", "Unknown", "")), {"other"}),
        ((("COMBINATION_PRODUCT", "Pen injector with drug", ""),), {"drug"}),
    ],
)
def test_intervention_kinds(interventions, kinds):
    assert _with_interventions(*interventions).intervention_kinds == kinds


@pytest.mark.parametrize("status", sorted(OVERALL_STATUSES))
def test_open_to_enrol(status):
    record = parse_study(minimal(**{"statusModule.overallStatus": status}))
    expected = status in {
        "RECRUITING",
        "NOT_YET_RECRUITING",
        "ENROLLING_BY_INVITATION",
        "AVAILABLE",
    }
    assert record.open_to_enrol is expected


# --- The demo records -------------------------------------------------------------------------

DEMO_FILES = sorted(DATA.glob("*.json"))


def _demo() -> list[tuple[str, dict, StudyRecord]]:
    out = []
    for path in DEMO_FILES:
        raw = path.read_text(encoding="utf-8")
        out.append((raw, json.loads(raw), parse_study(json.loads(raw))))
    return out


def test_every_demo_record_parses_with_a_unique_demo_id():
    demo = _demo()
    assert len(demo) >= 12
    ids = [record.nct_id for _, _, record in demo]
    assert len(set(ids)) == len(ids)
    for path, (_, _, record) in zip(DEMO_FILES, demo, strict=True):
        assert path.name == f"{record.nct_id}.json"
        assert record.nct_id.startswith("NCT99")
        assert record.brief_title.endswith(" (demo)")
        assert record.last_updated.year == 2026


def test_demo_records_cover_what_the_finder_filters_on():
    records = [record for _, _, record in _demo()]
    als = [r for r in records if r.is_als]
    assert {r.overall_status for r in als} >= {
        "RECRUITING",
        "NOT_YET_RECRUITING",
        "ENROLLING_BY_INVITATION",
        "ACTIVE_NOT_RECRUITING",
        "COMPLETED",
        "AVAILABLE",
    }
    (expanded,) = [r for r in records if r.study_type == "EXPANDED_ACCESS"]
    assert expanded.overall_status == "AVAILABLE" and expanded.phases == ()
    cell = [r for r in als if r.is_cell_therapy]
    assert len(cell) >= 4
    assert {i.type for r in cell for i in r.interventions if i.cell_therapy} >= {
        "BIOLOGICAL",
        "GENETIC",
        "PROCEDURE",
    }
    kinds = set().union(*(r.intervention_kinds for r in als))
    assert kinds >= {"cell", "drug", "gene", "device", "procedure"}
    assert any(r.study_type == "OBSERVATIONAL" for r in als)
    assert any("SOD1" in r.eligibility_text for r in als if "gene" in r.intervention_kinds)
    assert [r for r in records if not r.is_als]  # something for a condition filter to drop
    sites = [site for r in records for site in r.sites]
    assert {s.country for s in sites} >= {
        "United States",
        "Canada",
        "United Kingdom",
        "Netherlands",
        "Germany",
        "Israel",
        "Australia",
    }
    assert any(s.lat is None for s in sites) and all(s.zip for s in sites)
    assert sum(s.lat is not None for s in sites) >= len(sites) - 2
    contacts = [
        c for r in records for c in (*r.central_contacts, *(x for s in r.sites for x in s.contacts))
    ]
    assert all(c.email.endswith("@example.org") for c in contacts if c.email)
    assert all("555" in c.phone for c in contacts if c.phone)
    assert any(r.minimum_age_years == 18 for r in records)
    assert any(r.maximum_age_years is not None and r.maximum_age_years < 18 for r in records)


def test_demo_age_limits_are_written_in_years_and_months():
    ages = [study["protocolSection"]["eligibilityModule"] for _, study, _ in _demo()]
    assert sum(a["minimumAge"] == "18 Years" for a in ages) >= 6
    assert [a["maximumAge"] for a in ages if a.get("maximumAge", "").endswith("Months")]


QUIRKS = {
    "a header with a colon": r"(?m)^Inclusion Criteria:$",
    "a header without a colon, in lower case": r"(?m)^inclusion criteria$",
    "a lower-case header with a colon": r"(?m)^exclusion criteria:$",
    "star bullets": r"(?m)^\* ",
    "dash bullets": r"(?m)^- ",
    "bullet points": r"(?m)^• ",
    "en-dash bullets": r"(?m)^– ",
    "numbered items": r"(?m)^1\. ",
    "nested lettered sub-items": r"(?m)^ +a\. ",
    "nested star sub-items": r"(?m)^ +\* ",
    "escaped greater-than": r"\\>",
    "escaped less-than": r"\\<",
    "grouped ALS participants": r"(?m)^ALS participants:$",
    "grouped healthy volunteers": r"(?m)^Healthy volunteers:$",
    "progression-rate formula": r"\(48 − ALSFRS-R[^)]*\) / \(months since",
    "El Escorial": r"El Escorial",
    "onset within 24 months": r"(?:≤ |no more than )24 months",
    "within 2 years": r"within 2 years",
    "36 months": r"36 months",
    "an ALSFRS-R floor": r"ALSFRS-R (?:total )?(?:score )?≥ \d+",
    "an ALSFRS-R range": r"ALSFRS-R total score (?:between|of) \d+ (?:and|to) \d+",
    "an item score": r"swallowing item ≥ 2",
    "FVC % predicted": r"FVC\)? (?:≥|at least|\\>) \d+ ?% (?:of )?predicted",
    "SVC % predicted": r"SVC\)? ≥ \d+% (?:of )?predicted",
    "tracheostomy": r"Tracheostomy",
    "NIV hours a day": r"(?:NIV|ventilation).{0,20}\d+ hours(?:/day| per day| a day)",
    "gastrostomy": r"Gastrostomy",
    "riluzole stable 30 days": r"riluzole.{0,40}(?:30 days|≥ 30 days)",
    "edaravone": r"[Ee]daravone",
    "prior stem-cell therapy": r"(?:[Pp]rior|[Ee]arlier).{0,30}stem.cell",
    "anticoagulants": r"[Aa]nticoagula",
    "pregnancy": r"[Pp]regnan",
    "SOD1": r"SOD1",
    "C9orf72": r"C9orf72",
    "BMI": r"BMI",
    "an age range": r"[Aa]ge(?:d)? \d+ to \d+ years",
}


def _criteria_texts() -> list[str]:
    return [
        study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
        for _, study, _ in _demo()
    ]


@pytest.mark.parametrize("quirk", QUIRKS)
def test_demo_criteria_exercise_each_quirk(quirk):
    assert any(re.search(QUIRKS[quirk], text) for text in _criteria_texts()), quirk


def test_demo_criteria_include_a_sentence_before_the_headers_and_a_text_without_headers():
    texts = _criteria_texts()
    header = re.compile(r"(?im)^(?:key )?(?:in|ex)clusion criteria")
    assert any((m := header.search(t)) and t[: m.start()].strip() for t in texts)
    assert any(not header.search(t) for t in texts)


def test_demo_json_is_pretty_printed_like_a_download():
    for raw, study, _ in _demo():
        assert raw.startswith('{\n  "protocolSection": {')
        assert set(study) <= {"protocolSection", "derivedSection", "hasResults", "resultsSection"}
