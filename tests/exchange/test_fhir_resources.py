"""The FHIR R4 builders: every resource validates with fhir.resources (R4B, wire-compatible with
R4 for these resources), and the profile rules it does not check hold — codes from the right
systems, statuses and units, the ALSFRS-R answers among the Questionnaire's options."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from fhir.resources.R4B.adverseevent import AdverseEvent
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.medication import Medication
from fhir.resources.R4B.medicationadministration import MedicationAdministration
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from cellpath.exchange.fhir import codes, resources
from cellpath.exchange.fhir.questionnaire import alsfrs_questionnaire

MODELS = {
    "AdverseEvent": AdverseEvent,
    "Bundle": Bundle,
    "Medication": Medication,
    "MedicationAdministration": MedicationAdministration,
    "Observation": Observation,
    "Patient": Patient,
    "Questionnaire": Questionnaire,
    "QuestionnaireResponse": QuestionnaireResponse,
}
ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
SURVEY = {"system": codes.OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}


def valid(resource: dict[str, Any]) -> dict[str, Any]:
    """`resource`, after checking it validates, is plain JSON, and holds no empty element."""
    MODELS[resource["resourceType"]].model_validate(resource)
    assert json.loads(json.dumps(resource)) == resource
    assert ID.fullmatch(resource.get("id", "x"))

    def walk(value: Any) -> None:
        assert value is not None and value != "" and value != [] and value != {}
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(resource)
    return resource


# --- rows shaped like the tidy tables' (cellpath.exchange.tables) ----------------------------


def patient_row(**changes: Any) -> dict[str, Any]:
    row = {
        "study_id": "ABC-0001",
        "site": "Hospital A",
        "full_name": "Ada Lovelace",
        "email": "ada@example.org",
        "phone": "+44 20 7946 0000",
        "sex": "F",
        "date_of_birth": date(1960, 5, 17),
        "onset_date": date(2022, 1, 10),
        "death_date": None,
        "height_cm": Decimal("165.0"),
        "created_at": datetime(2024, 1, 2, 9, 30, tzinfo=UTC),
    }
    return {**row, **changes}


def alsfrs_row(**changes: Any) -> dict[str, Any]:
    row = {
        "study_id": "ABC-0001",
        "alsfrs_r_id": 41,
        "assessed_on": date(2024, 3, 1),
        "visit_id": 7,
        "respondent": "clinic",
        "q1": 4,
        "q2": 3,
        "q3": 3,
        "q4": 2,
        "q5a": 2,
        "q5b": None,
        "q6": 1,
        "q7": 3,
        "q8": 2,
        "q9": 0,
        "q10": 4,
        "q11": 4,
        "q12": 4,
        "alsfrs_r_total": 32,
        "created_at": datetime(2024, 3, 1, 11, 0, tzinfo=UTC),
    }
    return {**row, **changes}


def spirometry_row(**changes: Any) -> dict[str, Any]:
    row = {
        "study_id": "ABC-0001",
        "spirometry_id": 12,
        "measured_on": date(2024, 3, 1),
        "visit_id": 7,
        "fvc_litres": Decimal("2.85"),
        "fvc_percent_entered": None,
        "svc_litres": None,
        "equation": "gli2012",
        "fvc_percent_predicted": 84.3,
        "fvc_percent_source": "computed",
    }
    return {**row, **changes}


COURSE = {
    "study_id": "ABC-0001",
    "course_id": 3,
    "course_number": 1,
    "product": "NurOwn",
    "cell_type": "msc_ntf",
    "donor": "autologous",
    "tissue": "bone_marrow",
    "route": "intrathecal",
    "started_on": date(2023, 6, 1),
}
LOT = {
    "study_id": "ABC-0001",
    "course_number": 1,
    "lot_number": "MSC-2023/017",
    "processed_on": date(2023, 6, 20),
    "cell_count": 125_000_000,
    "viability_percent": Decimal("92.5"),
}


def dose_row(**changes: Any) -> dict[str, Any]:
    row = {
        "study_id": "ABC-0001",
        "course_number": 1,
        "dose_id": 88,
        "given_on": date(2023, 7, 1),
        "lot_number": "MSC-2023/017",
        "dose_cells": 125_000_000,
        "route": "intrathecal",
        "body_site": "L3-L4",
        "given_by": "Dr Grace Hopper",
    }
    return {**row, **changes}


def adverse_row(**changes: Any) -> dict[str, Any]:
    row = {
        "study_id": "ABC-0001",
        "adverse_event_id": 5,
        "course_number": 1,
        "visit_id": None,
        "description": "Post-lumbar-puncture headache",
        "onset_date": date(2023, 7, 2),
        "resolved_date": date(2023, 7, 9),
        "grade": 3,
        "serious": True,
        "related_to_procedure": "definite",
        "related_to_cells": "possible",
        "outcome": "recovered",
        "action_taken": "Blood patch",
        "created_at": datetime(2023, 7, 3, 8, 15, tzinfo=UTC),
    }
    return {**row, **changes}


# --- codes ----------------------------------------------------------------------------------


def test_the_loinc_check_digit_follows_the_users_guide() -> None:
    assert codes.loinc_check_digit("12345") == 5  # the Users' Guide's own example
    assert codes.loinc_check_digit("8310") == 5  # 8310-5 body temperature
    assert codes.loinc_check_digit("2345") == 7  # 2345-7 glucose
    assert codes.loinc_check_digit("11491") == 8  # 11491-6: one of LOINC's known bad digits
    assert not codes.loinc_is_valid("19870-4")
    assert not codes.loinc_is_valid("82940")
    with pytest.raises(ValueError):
        codes.loinc_check_digit("82A40")


@pytest.mark.parametrize("code", sorted(codes.LOINC_CODES))
def test_every_loinc_code_has_its_check_digit(code: str) -> None:
    body, check = code.split("-")
    assert codes.loinc_check_digit(body) == int(check)


def test_the_loinc_codes_written_are_all_in_the_module() -> None:
    items = set(codes.ALSFRS_R_ITEM_CODES.values())
    expected = {"82954-9", "82953-1", "19870-5", "19872-1", *items}
    assert expected == codes.LOINC_CODES
    assert len(items) == 13


def test_the_item_codes_follow_the_design_table() -> None:
    assert codes.ALSFRS_R_ITEM_CODES == {
        "q1": "82940-8",  # speech, confirmed
        "q2": "82941-6",  # salivation, confirmed
        "q3": "82942-4",
        "q4": "82943-2",
        "q5a": "82944-0",  # confirmed
        "q5b": "82945-7",
        "q6": "82946-5",
        "q7": "82947-3",
        "q8": "82948-1",  # walking, confirmed: between turning and stairs
        "q9": "82949-9",
        "q10": "82950-7",
        "q11": "82951-5",
        "q12": "82952-3",
    }
    assert codes.ALSFRS_R_PANEL == "82954-9"
    assert codes.ALSFRS_R_TOTAL == "82953-1"
    assert codes.FVC_LITRES == "19870-5"
    assert codes.FVC_PERCENT_PREDICTED == "19872-1"


def test_the_unverified_codes_are_pinned() -> None:
    """Taking a code out of UNVERIFIED (once checked against LOINC) means changing this test."""
    pinned = {
        "82942-4",
        "82943-2",
        "82945-7",
        "82946-5",
        "82947-3",
        "82949-9",
        "82950-7",
        "82951-5",
        "82952-3",
    }
    assert pinned == codes.UNVERIFIED
    assert codes.UNVERIFIED < codes.LOINC_CODES
    confirmed = {"82954-9", "82953-1", "82940-8", "82941-6", "82944-0", "82948-1", "19870-5"}
    assert not confirmed & codes.UNVERIFIED


def test_the_mappings_cover_cellpaths_codes() -> None:
    assert codes.ADMINISTRATIVE_GENDER == {"F": "female", "M": "male"}
    assert {k: v[0] for k, v in codes.OUTCOMES.items()} == {
        "recovered": "resolved",
        "recovering": "recovering",
        "not_recovered": "ongoing",
        "sequelae": "resolvedWithSequelae",
        "fatal": "fatal",
        "unknown": "unknown",
    }
    assert {g: s[0] for g, s in codes.SEVERITY_BY_GRADE.items()} == {
        1: "mild",
        2: "moderate",
        3: "severe",
        4: "severe",
        5: "severe",
    }
    assert codes.QUESTIONNAIRE_CANONICAL == "https://cellpath.org/fhir/Questionnaire/alsfrs-r|1.0"


# --- Questionnaire ------------------------------------------------------------------------------


def _options(questionnaire: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {
        item["linkId"]: [o["valueCoding"] for o in item.get("answerOption", [])]
        for item in questionnaire["item"]
    }


def test_the_questionnaire() -> None:
    q = valid(alsfrs_questionnaire())
    assert (q["url"], q["version"], q["status"]) == (
        "https://cellpath.org/fhir/Questionnaire/alsfrs-r",
        "1.0",
        "active",
    )
    assert q["code"] == [{"system": "http://loinc.org", "code": "82954-9"}]
    link_ids = [item["linkId"] for item in q["item"]]
    assert link_ids == [
        "q1", "q2", "q3", "q4", "gastrostomy", "q5a", "q5b",
        "q6", "q7", "q8", "q9", "q10", "q11", "q12",
    ]  # fmt: skip
    by_link = {item["linkId"]: item for item in q["item"]}
    assert by_link["gastrostomy"]["type"] == "boolean"
    assert by_link["q8"]["code"] == [{"system": "http://loinc.org", "code": "82948-1"}]
    for key, item in by_link.items():
        if key == "gastrostomy":
            continue
        assert item["type"] == "choice"
        assert item["code"][0]["code"] == codes.ALSFRS_R_ITEM_CODES[key]
        options = item["answerOption"]
        assert [o["valueCoding"]["code"] for o in options] == ["4", "3", "2", "1", "0"]
        for option in options:
            score = int(option["valueCoding"]["code"])
            assert option["extension"] == [
                {"url": "http://hl7.org/fhir/StructureDefinition/itemWeight", "valueDecimal": score}
            ]
            assert option["valueCoding"]["extension"] == [
                {
                    "url": "http://hl7.org/fhir/StructureDefinition/ordinalValue",
                    "valueDecimal": score,
                }
            ]
    assert by_link["q1"]["answerOption"][0]["valueCoding"]["display"] == "Normal speech processes"
    assert by_link["q1"]["answerOption"][4]["valueCoding"]["display"] == "Loss of useful speech"
    assert by_link["q5a"]["enableWhen"] == [
        {"question": "gastrostomy", "operator": "=", "answerBoolean": False}
    ]
    assert by_link["q5b"]["enableWhen"] == [
        {"question": "gastrostomy", "operator": "=", "answerBoolean": True}
    ]
    assert "enableWhen" not in by_link["q6"]


# --- Patient ------------------------------------------------------------------------------------


def test_a_patient_with_names() -> None:
    p = valid(resources.patient(patient_row(), with_name=True))
    assert p == {
        "resourceType": "Patient",
        "id": "ABC-0001",
        "identifier": [{"system": "https://cellpath.org/fhir/sid/study-id", "value": "ABC-0001"}],
        "name": [{"text": "Ada Lovelace"}],
        "telecom": [
            {"system": "email", "value": "ada@example.org"},
            {"system": "phone", "value": "+44 20 7946 0000"},
        ],
        "gender": "female",
        "birthDate": "1960-05-17",
    }
    assert resources.reference(p) == "Patient/ABC-0001"


def test_a_patient_without_names_shows_none() -> None:
    p = valid(resources.patient(patient_row(death_date=date(2025, 2, 3)), with_name=False))
    assert "name" not in p and "telecom" not in p
    assert "Ada" not in json.dumps(p) and "example.org" not in json.dumps(p)
    assert p["deceasedDateTime"] == "2025-02-03"


def test_a_patient_whose_names_are_blanked_by_the_table() -> None:
    row = patient_row(full_name=None, email=None, phone=None, sex=None, date_of_birth=None)
    p = valid(resources.patient(row, with_name=True))
    assert set(p) == {"resourceType", "id", "identifier"}


def test_ids_are_valid_and_stable() -> None:
    assert resources.resource_id("ABC-0001") == "ABC-0001"
    odd = resources.resource_id("lot", "MSC-2023/017")
    assert ID.fullmatch(odd) and odd.startswith("lot-MSC-2023-017-")
    assert odd == resources.lot_id("MSC-2023/017")
    assert odd != resources.lot_id("MSC-2023 017")  # the digest keeps them apart
    assert ID.fullmatch(resources.resource_id("x" * 200))
    assert ID.fullmatch(resources.resource_id("ü/ß"))
    row = alsfrs_row()
    assert resources.alsfrs_response(row) == resources.alsfrs_response(dict(row))
    assert [o["id"] for o in resources.alsfrs_observations(row)][:3] == [
        "alsfrs-r-41-total",
        "alsfrs-r-41-q1",
        "alsfrs-r-41-q2",
    ]


# --- ALSFRS-R -----------------------------------------------------------------------------------


def _answers(response: dict[str, Any]) -> dict[str, Any]:
    return {item["linkId"]: item["answer"][0] for item in response["item"]}


def test_a_response_rated_in_clinic() -> None:
    r = valid(resources.alsfrs_response(alsfrs_row()))
    assert r["id"] == "alsfrs-r-41"
    assert r["questionnaire"] == "https://cellpath.org/fhir/Questionnaire/alsfrs-r|1.0"
    assert r["status"] == "completed"
    assert r["subject"] == {"reference": "Patient/ABC-0001"}
    assert r["authored"] == "2024-03-01"
    assert r["author"] == {"type": "Practitioner", "display": "Site staff (rated in clinic)"}
    assert "source" not in r
    assert r["extension"] == [{"url": codes.RESPONDENT_EXTENSION, "valueCode": "clinic"}]
    answers = _answers(r)
    assert answers["gastrostomy"] == {"valueBoolean": False}
    assert answers["q1"] == {"valueCoding": {"code": "4", "display": "Normal speech processes"}}
    assert answers["q9"]["valueCoding"]["code"] == "0"
    assert "q5b" not in answers and answers["q5a"]["valueCoding"]["code"] == "2"


def test_a_self_report_names_the_patient_as_source() -> None:
    r = valid(resources.alsfrs_response(alsfrs_row(respondent="self")))
    assert r["source"] == {"reference": "Patient/ABC-0001"}
    assert "author" not in r


def test_the_answers_are_the_questionnaires_options_and_follow_enable_when() -> None:
    options = _options(alsfrs_questionnaire())
    enable_when = {
        item["linkId"]: item["enableWhen"][0]["answerBoolean"]
        for item in alsfrs_questionnaire()["item"]
        if "enableWhen" in item
    }
    with_tube = alsfrs_row(q5a=None, q5b=1, respondent="phone")
    for row in (alsfrs_row(), with_tube, alsfrs_row(q3=None, q12=None)):
        r = valid(resources.alsfrs_response(row))
        answers = _answers(r)
        order = [item["linkId"] for item in r["item"]]
        assert order == [key for key in options if key in answers]  # the Questionnaire's order
        gastrostomy = answers["gastrostomy"]["valueBoolean"]
        for link_id, answer in answers.items():
            if link_id == "gastrostomy":
                continue
            assert answer["valueCoding"] in [
                {k: v for k, v in o.items() if k != "extension"} for o in options[link_id]
            ]
            assert answer["valueCoding"]["code"] == str(row[link_id])
            if link_id in enable_when:
                assert enable_when[link_id] == gastrostomy
    tube = _answers(resources.alsfrs_response(with_tube))
    assert tube["gastrostomy"] == {"valueBoolean": True}
    assert "q5a" not in tube and tube["q5b"]["valueCoding"] == {
        "code": "1",
        "display": "Provides minimal assistance to caregiver",
    }


def test_the_observations_of_an_alsfrs_r() -> None:
    observations = [valid(o) for o in resources.alsfrs_observations(alsfrs_row())]
    total, *items = observations
    assert len(items) == 12
    assert total["code"]["coding"] == [{"system": "http://loinc.org", "code": "82953-1"}]
    assert total["valueInteger"] == 32
    assert total["hasMember"][0] == {"reference": "Observation/alsfrs-r-41-q1"}
    assert {i["code"]["coding"][0]["code"]: i["valueInteger"] for i in items} == {
        "82940-8": 4, "82941-6": 3, "82942-4": 3, "82943-2": 2, "82944-0": 2, "82946-5": 1,
        "82947-3": 3, "82948-1": 2, "82949-9": 0, "82950-7": 4, "82951-5": 4, "82952-3": 4,
    }  # fmt: skip
    for o in observations:
        assert o["status"] == "final" and o["status"] in codes.OBSERVATION_STATUSES
        assert o["category"] == [{"coding": [SURVEY]}]  # US Core: category survey 1..1
        assert [c["system"] for c in o["code"]["coding"]] == ["http://loinc.org"]
        assert o["subject"] == {"reference": "Patient/ABC-0001"}
        assert o["effectiveDateTime"] == "2024-03-01"
        assert o["derivedFrom"] == [{"reference": "QuestionnaireResponse/alsfrs-r-41"}]
        assert ("valueInteger" in o) != ("dataAbsentReason" in o)
    assert all(0 <= i["valueInteger"] <= 4 for i in items)


def test_a_missing_total_has_a_data_absent_reason() -> None:
    row = alsfrs_row(q7=None, alsfrs_r_total=None)
    total, *items = [valid(o) for o in resources.alsfrs_observations(row)]
    assert "valueInteger" not in total
    assert total["dataAbsentReason"]["coding"] == [
        {
            "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
            "code": "unknown",
            "display": "Unknown",
        }
    ]
    assert len(items) == 11
    assert "alsfrs-r-41-q7" not in {i["id"] for i in items}


def test_a_total_of_zero_is_a_value() -> None:
    row = alsfrs_row(**{f"q{n}": 0 for n in (1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12)}, q5a=0)
    total = valid(resources.alsfrs_observations({**row, "alsfrs_r_total": 0})[0])
    assert total["valueInteger"] == 0 and "dataAbsentReason" not in total


# --- Spirometry ---------------------------------------------------------------------------------


def test_spirometry_computed() -> None:
    fvc, percent = [valid(o) for o in resources.spirometry_observations(spirometry_row())]
    assert fvc["code"]["coding"] == [{"system": "http://loinc.org", "code": "19870-5"}]
    assert fvc["valueQuantity"] == {
        "value": 2.85,
        "unit": "L",
        "system": "http://unitsofmeasure.org",
        "code": "L",
    }
    assert percent["code"]["coding"] == [{"system": "http://loinc.org", "code": "19872-1"}]
    assert percent["valueQuantity"] == {
        "value": 84.3,
        "unit": "%",
        "system": "http://unitsofmeasure.org",
        "code": "%",
    }
    assert percent["note"] == [
        {
            "text": "Reference equation: GLI-2012 (Quanjer 2012). "
            "Computed by Cellpath from the FVC, age, sex and height."
        }
    ]
    assert percent["derivedFrom"] == [{"reference": "Observation/spirometry-12-fvc"}]
    for o in (fvc, percent):
        assert o["status"] == "final"
        assert o["category"][0]["coding"][0]["system"] == codes.OBSERVATION_CATEGORY
        assert o["category"][0]["coding"][0]["code"] == "procedure"
        assert o["effectiveDateTime"] == "2024-03-01"


def test_spirometry_entered_or_partial() -> None:
    row = spirometry_row(
        fvc_litres=None, fvc_percent_predicted=Decimal("71.0"), fvc_percent_source="entered"
    )
    (percent,) = [valid(o) for o in resources.spirometry_observations(row)]
    assert percent["valueQuantity"]["value"] == 71
    assert percent["note"][0]["text"].endswith("Entered from an outside report.")
    assert "derivedFrom" not in percent
    row = spirometry_row(fvc_percent_predicted=None, fvc_percent_source=None, equation="")
    (fvc,) = [valid(o) for o in resources.spirometry_observations(row)]
    assert fvc["id"] == "spirometry-12-fvc"
    assert (
        resources.spirometry_observations(
            spirometry_row(fvc_litres=None, fvc_percent_predicted=None)
        )
        == []
    )


# --- Cells --------------------------------------------------------------------------------------


def test_a_lot_as_a_medication() -> None:
    m = valid(resources.medication(LOT, COURSE))
    assert m["id"] == resources.lot_id("MSC-2023/017")
    assert m["code"] == {
        "coding": [
            {
                "system": codes.CELL_TYPE_SYSTEM,
                "code": "msc_ntf",
                "display": "MSCs that secrete neurotrophic factors (MSC-NTF)",
            }
        ],
        "text": "NurOwn",
    }
    assert m["batch"] == {"lotNumber": "MSC-2023/017"}
    unnamed = valid(resources.medication(LOT, {**COURSE, "product": ""}))
    assert unnamed["code"]["text"] == "MSCs that secrete neurotrophic factors (MSC-NTF)"


def test_a_dose_from_a_lot() -> None:
    lot = resources.lot_id("MSC-2023/017")
    a = valid(resources.medication_administration(dose_row(), lot_id=lot))
    assert a["id"] == "dose-88"
    assert a["status"] == "completed"
    assert a["subject"] == {"reference": "Patient/ABC-0001"}
    assert a["effectiveDateTime"] == "2023-07-01"
    assert a["medicationReference"] == {"reference": f"Medication/{lot}"}
    assert "medicationCodeableConcept" not in a
    assert a["dosage"]["dose"] == {
        "value": 125_000_000,
        "unit": "cells",
        "system": "http://unitsofmeasure.org",
        "code": "{cells}",
    }
    assert a["dosage"]["route"]["coding"][0]["code"] == "intrathecal"
    assert a["dosage"]["route"]["text"] == "Intrathecal (into the spinal fluid)"
    assert a["dosage"]["site"] == {"text": "L3-L4"}
    assert a["performer"] == [{"actor": {"display": "Dr Grace Hopper"}}]


def test_a_dose_without_a_lot() -> None:
    row = dose_row(lot_number=None, given_by="", body_site="")
    a = valid(resources.medication_administration(row, lot_id=None, course_row=COURSE))
    assert "medicationReference" not in a
    assert a["medicationCodeableConcept"]["text"] == "NurOwn"
    assert "performer" not in a and "site" not in a["dosage"]
    bare = valid(resources.medication_administration(row, lot_id=None))
    assert bare["medicationCodeableConcept"] == {"text": "Cell therapy"}


# --- Adverse events -----------------------------------------------------------------------------


def _code(concept: dict[str, Any], system: str) -> str:
    (coding,) = concept["coding"]
    assert coding["system"] == system
    return coding["code"]


def test_an_adverse_event() -> None:
    lot = resources.lot_id("MSC-2023/017")
    e = valid(resources.adverse_event(adverse_row(), suspect_lot_ids=[lot]))
    assert e["id"] == "adverse-event-5"
    assert e["actuality"] == "actual"
    assert e["subject"] == {"reference": "Patient/ABC-0001"}
    assert e["event"] == {"text": "Post-lumbar-puncture headache"}
    assert e["date"] == "2023-07-02"
    assert e["recordedDate"] == "2023-07-03T08:15:00+00:00"
    assert _code(e["seriousness"], codes.ADVERSE_EVENT_SERIOUSNESS) == "serious"
    assert _code(e["severity"], codes.ADVERSE_EVENT_SEVERITY) == "severe"
    assert e["severity"]["text"] == "CTCAE v5 grade 3"
    assert _code(e["outcome"], codes.ADVERSE_EVENT_OUTCOME) == "resolved"
    assert e["suspectEntity"] == [
        {
            "instance": {"reference": f"Medication/{lot}"},
            "causality": [
                {"assessment": {"text": "Relatedness to the cells: possible"}},
                {"assessment": {"text": "Relatedness to the procedure: definite"}},
            ],
        }
    ]
    assert {x["url"]: next(v for k, v in x.items() if k != "url") for x in e["extension"]} == {
        codes.CTCAE_GRADE_EXTENSION: 3,
        codes.RESOLVED_DATE_EXTENSION: "2023-07-09",
        codes.RELATED_TO_CELLS_EXTENSION: "possible",
        codes.RELATED_TO_PROCEDURE_EXTENSION: "definite",
    }


@pytest.mark.parametrize(
    ("grade", "serious", "outcome", "expected"),
    [
        (1, False, "recovering", ("mild", "non-serious", "recovering")),
        (2, False, "not_recovered", ("moderate", "non-serious", "ongoing")),
        (4, True, "sequelae", ("severe", "serious", "resolvedWithSequelae")),
        (5, True, "fatal", ("severe", "serious", "fatal")),
        (3, 0, "unknown", ("severe", "non-serious", "unknown")),
    ],
)
def test_severity_seriousness_and_outcome_codes(
    grade: int, serious: Any, outcome: str, expected: tuple[str, str, str]
) -> None:
    row = adverse_row(grade=grade, serious=serious, outcome=outcome, resolved_date=None)
    e = valid(resources.adverse_event(row, suspect_lot_ids=[]))
    assert (
        _code(e["severity"], codes.ADVERSE_EVENT_SEVERITY),
        _code(e["seriousness"], codes.ADVERSE_EVENT_SERIOUSNESS),
        _code(e["outcome"], codes.ADVERSE_EVENT_OUTCOME),
    ) == expected
    assert e["severity"]["text"] == f"CTCAE v5 grade {grade}"
    assert "suspectEntity" not in e
    assert codes.RESOLVED_DATE_EXTENSION not in {x["url"] for x in e["extension"]}


# --- Bundle, NDJSON -----------------------------------------------------------------------------


def test_a_collection_bundle() -> None:
    row = alsfrs_row()
    items = [
        resources.patient(patient_row(), with_name=False),
        resources.alsfrs_response(row),
        *resources.alsfrs_observations(row),
    ]
    b = valid(resources.collection_bundle(items, timestamp="2024-04-01T12:00:00Z"))
    assert b["type"] == "collection"
    assert b["timestamp"] == "2024-04-01T12:00:00Z"
    assert b["entry"][0] == {
        "fullUrl": "https://cellpath.org/fhir/Patient/ABC-0001",
        "resource": items[0],
    }
    full_urls = [e["fullUrl"] for e in b["entry"]]
    assert len(set(full_urls)) == len(full_urls) == 15
    # every reference inside resolves to an entry of the bundle
    text = json.dumps(b)
    for target in re.findall(r'"reference": "([^"]+)"', text):
        assert f"https://cellpath.org/fhir/{target}" in full_urls
    other = resources.collection_bundle(items, timestamp="x", base="https://site.example/fhir/")
    assert other["entry"][1]["fullUrl"] == (
        "https://site.example/fhir/QuestionnaireResponse/alsfrs-r-41"
    )


def test_an_ndjson_line() -> None:
    p = resources.patient(patient_row(full_name="Zoë\nNewline"), with_name=True)
    line = resources.ndjson_line(p)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert b": " not in line and b", " not in line.replace(b"+44 20", b"")
    assert json.loads(line) == p
    assert "Zoë".encode() in line
    assert line.startswith(b'{"resourceType":"Patient","id":"ABC-0001"')
