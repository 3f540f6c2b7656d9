"""FHIR R4 resources from the tidy tables' rows (`cellpath.exchange.tables`): one pure builder
per resource, each taking one row dict keyed by the table's column names and returning a
JSON-ready dict — dates as ISO strings, numbers as int or float, no None and no empty elements.

Resource ids are made from the row (study ID, Cellpath's row numbers, lot numbers), so the same
data gives the same export. References are relative ("Patient/ABC-0001"); `collection_bundle`
gives each entry a RESTful fullUrl so they resolve inside the Bundle.

Choices (see also `codes`):

* QuestionnaireResponse: a self-report names the Patient as `source` (the patient or a
  caregiver answered); a rating by staff names them as `author`, by display only (the tables
  carry no practitioner record). Both carry the recorded respondent in `RESPONDENT_EXTENSION`.
  Gastrostomy is answered true exactly when item 5b was answered.
* Observations derived from it (SDC extraction): category survey, status final, derivedFrom the
  response; the total's `hasMember` lists the items; a blank total has a dataAbsentReason.
* Spirometry: category `procedure` (see `codes.CATEGORY_PROCEDURE`); the reference equation,
  and whether the % predicted was computed or entered, in the % predicted's note.
* AdverseEvent: severity is R4's three-level code from the CTCAE grade, the grade itself in an
  extension and in severity's text; seriousness is R4's serious / non-serious, and each ICH
  E2A criterion met an extension of its own (R4's seriousness is 0..1); expectedness, the day
  the site knew of the event and the days it was reported are extensions (R4 has no elements
  for them); each suspect lot carries two causality assessments (the cells', then the
  procedure's), and both relatedness codes travel in extensions as well, so they are kept when
  no lot is named.

Pure Python: no Django (an import-linter contract).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import orjson

from cellpath.exchange.fhir import codes
from cellpath.exchange.fhir.questionnaire import answer_coding, item_order
from cellpath.outcomes import products
from cellpath.outcomes.vocabulary import (
    ALSFRS_R_ITEMS,
    FVC_EQUATION_SOURCES,
    FVC_EQUATIONS,
    ITEM5_KEYS,
    label_of,
)

Row = Mapping[str, Any]
Resource = dict[str, Any]

ID_RULE = re.compile(r"[A-Za-z0-9\-.]{1,64}")
"""FHIR's rule for a resource id."""

# --- helpers ------------------------------------------------------------------------------------


def resource_id(*parts: object) -> str:
    """A valid resource id made from `parts`, joined by "-": as it is when valid, else the
    valid characters and a digest of the whole (so different inputs stay different)."""
    raw = "-".join(str(part) for part in parts)
    if ID_RULE.fullmatch(raw):
        return raw
    cleaned = re.sub(r"[^A-Za-z0-9\-.]+", "-", raw).strip("-")[:40]
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]
    return f"{cleaned}-{digest}" if cleaned else digest


def patient_id(study_id: str) -> str:
    """The Patient resource's id: the study ID (made valid if need be)."""
    return resource_id(study_id)


def lot_id(lot_number: str) -> str:
    """The Medication resource's id for a cell lot."""
    return resource_id("lot", lot_number)


def reference(resource: Mapping[str, Any]) -> str:
    """A relative reference to `resource`: "Patient/ABC-0001"."""
    return f"{resource['resourceType']}/{resource['id']}"


def _blank(value: object) -> bool:
    return value is None or value == ""


def _date(value: object) -> str | None:
    """A FHIR date from a date (or a datetime: its day) or an ISO string."""
    if _blank(value):
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _datetime(value: object) -> str | None:
    """A FHIR dateTime; a naive datetime is taken as UTC (the tables' stamps are UTC)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.isoformat()
    return _date(value)


def _number(value: object) -> int | float | None:
    if _blank(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)


def _prune(value: Any) -> Any:
    """`value` without None, "" and empty lists or dicts, at any depth (False and 0 stay).
    One pass, children first (a dict emptied by pruning is itself dropped)."""
    kind = type(value)
    if kind is dict:
        out = {}
        for key, item in value.items():
            if type(item) in _CONTAINERS:
                item = _prune(item)
            if not _empty(item):
                out[key] = item
        return out
    if kind is list:
        kept = []
        for item in value:
            if type(item) in _CONTAINERS:
                item = _prune(item)
            if not _empty(item):
                kept.append(item)
        return kept
    return value


_CONTAINERS = (dict, list)


def _empty(value: object) -> bool:
    return value is None or (type(value) in _SIZED and not value)


_SIZED = (str, list, dict)


def _coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display is not None:
        coding["display"] = display
    return coding


def _extensions(*extensions: tuple[str, str, object]) -> list[dict[str, Any]]:
    """Simple extensions (url, value[x] name, value), those with a value only."""
    return [{"url": url, kind: value} for url, kind, value in extensions if not _blank(value)]


def _subject(row: Row) -> dict[str, str]:
    return {"reference": f"Patient/{patient_id(row['study_id'])}"}


def _quantity(value: object, unit: str, ucum: str) -> dict[str, Any]:
    return {"value": _number(value), "unit": unit, "system": codes.UCUM, "code": ucum}


# --- Patient --------------------------------------------------------------------------------------


def patient(row: Row, *, with_name: bool) -> Resource:
    """A `patients` row as a Patient: the study ID, gender, birth date, death; the name and
    contact details only when `with_name` (and the row has them)."""
    identifying = with_name and not _blank(row.get("full_name"))
    telecom = [
        {"system": "email", "value": row.get("email")} if with_name else None,
        {"system": "phone", "value": row.get("phone")} if with_name else None,
    ]
    return _prune(
        {
            "resourceType": "Patient",
            "id": patient_id(row["study_id"]),
            "identifier": [{"system": codes.STUDY_ID_SYSTEM, "value": row["study_id"]}],
            "name": [{"text": row["full_name"]}] if identifying else None,
            "telecom": [t for t in telecom if t and not _blank(t["value"])],
            "gender": codes.ADMINISTRATIVE_GENDER.get(row.get("sex") or ""),
            "birthDate": _date(row.get("date_of_birth")),
            "deceasedDateTime": _date(row.get("death_date")),
        }
    )


# --- ALSFRS-R -------------------------------------------------------------------------------------


def _response_id(row: Row) -> str:
    return resource_id("alsfrs-r", row["alsfrs_r_id"])


def _score(row: Row, key: str) -> int | None:
    value = row.get(key)
    return None if _blank(value) else int(value)


def alsfrs_response(row: Row) -> Resource:
    """An `alsfrs_r` row as a QuestionnaireResponse to `questionnaire.alsfrs_questionnaire`."""
    gastrostomy = _score(row, ITEM5_KEYS[1]) is not None
    items: list[dict[str, Any]] = []
    for link_id in item_order():
        if link_id == codes.GASTROSTOMY_LINK_ID:
            items.append({"linkId": link_id, "answer": [{"valueBoolean": gastrostomy}]})
        elif (score := _score(row, link_id)) is not None:
            items.append(
                {"linkId": link_id, "answer": [{"valueCoding": answer_coding(link_id, score)}]}
            )
    respondent = row.get("respondent") or ""
    staff = codes.STAFF_RATINGS.get(respondent)
    return _prune(
        {
            "resourceType": "QuestionnaireResponse",
            "id": _response_id(row),
            "extension": _extensions((codes.RESPONDENT_EXTENSION, "valueCode", respondent)),
            "questionnaire": codes.QUESTIONNAIRE_CANONICAL,
            "status": "completed",
            "subject": _subject(row),
            "authored": _date(row.get("assessed_on")),
            "author": {"type": "Practitioner", "display": staff} if staff else None,
            "source": _subject(row) if respondent == codes.RESPONDENT_SELF else None,
            "item": items,
        }
    )


def _survey(row: Row, observation_id: str, code: str, text: str) -> Resource:
    return {
        "resourceType": "Observation",
        "id": observation_id,
        "status": "final",
        "category": [
            {"coding": [_coding(codes.OBSERVATION_CATEGORY, codes.CATEGORY_SURVEY, "Survey")]}
        ],
        "code": {"coding": [_coding(codes.LOINC, code)], "text": text},
        "subject": _subject(row),
        "effectiveDateTime": _date(row.get("assessed_on")),
        "derivedFrom": [{"reference": f"QuestionnaireResponse/{_response_id(row)}"}],
    }


def alsfrs_observations(row: Row) -> list[Resource]:
    """An `alsfrs_r` row as Observations: the total first, then each answered item (0–4)."""
    response = _response_id(row)
    items = [
        {
            **_survey(
                row,
                f"{response}-{item.key}",
                codes.ALSFRS_R_ITEM_CODES[item.key],
                f"ALSFRS-R {item.number}. {item.title}",
            ),
            "valueInteger": score,
        }
        for item in ALSFRS_R_ITEMS
        if (score := _score(row, item.key)) is not None
    ]
    total = _survey(row, f"{response}-total", codes.ALSFRS_R_TOTAL, "ALSFRS-R total score")
    if _blank(row.get("alsfrs_r_total")):
        total["dataAbsentReason"] = {
            "coding": [_coding(codes.DATA_ABSENT_REASON, codes.ABSENT_UNKNOWN, "Unknown")],
            "text": "Not computed: an item is missing or not valid",
        }
    else:
        total["valueInteger"] = int(row["alsfrs_r_total"])
    total["hasMember"] = [{"reference": reference(item)} for item in items]
    # The items are built without empty elements (an assessment always has its date).
    return [_prune(total), *items]


# --- Spirometry -----------------------------------------------------------------------------------


def spirometry_observations(row: Row) -> list[Resource]:
    """A `spirometry` row as Observations: FVC in litres and FVC % predicted, those present."""
    base = resource_id("spirometry", row["spirometry_id"])

    def observation(suffix: str, code: str, text: str) -> Resource:
        return {
            "resourceType": "Observation",
            "id": f"{base}-{suffix}",
            "status": "final",
            "category": [
                {
                    "coding": [
                        _coding(codes.OBSERVATION_CATEGORY, codes.CATEGORY_PROCEDURE, "Procedure")
                    ]
                }
            ],
            "code": {"coding": [_coding(codes.LOINC, code)], "text": text},
            "subject": _subject(row),
            "effectiveDateTime": _date(row.get("measured_on")),
        }

    found: list[Resource] = []
    fvc = None
    if not _blank(row.get("fvc_litres")):
        fvc = observation("fvc", codes.FVC_LITRES, "Forced vital capacity (FVC)")
        fvc["valueQuantity"] = _quantity(row["fvc_litres"], "L", codes.UCUM_LITRES)
        found.append(fvc)
    if not _blank(row.get("fvc_percent_predicted")):
        percent = observation("fvc-percent", codes.FVC_PERCENT_PREDICTED, "FVC % predicted")
        percent["valueQuantity"] = _quantity(row["fvc_percent_predicted"], "%", codes.UCUM_PERCENT)
        equation = row.get("equation") or ""
        computed = row.get("fvc_percent_source") == "computed"
        said = (
            f"Reference equation: {label_of(FVC_EQUATIONS, equation)} "
            f"({FVC_EQUATION_SOURCES[equation]})."
            if equation in FVC_EQUATION_SOURCES
            else "Reference equation: not recorded."
        )
        how = (
            "Computed by Cellpath from the FVC, age, sex and height."
            if computed
            else "Entered from an outside report."
        )
        percent["note"] = [{"text": f"{said} {how}"}]
        if computed and fvc is not None:
            percent["derivedFrom"] = [{"reference": reference(fvc)}]
        found.append(percent)
    return [_prune(o) for o in found]


# --- Cells: lots, doses --------------------------------------------------------------------------


def _product(course_row: Row | None) -> dict[str, Any]:
    """The cell product as a CodeableConcept: the course's cell type, its product name as text."""
    if course_row is None:
        return {"text": "Cell therapy"}
    cell_type = course_row.get("cell_type") or ""
    label = label_of(products.CELL_TYPES, cell_type) if cell_type else ""
    return {
        "coding": [_coding(codes.CELL_TYPE_SYSTEM, cell_type, label)] if cell_type else [],
        "text": course_row.get("product") or label or "Cell therapy",
    }


def medication(lot_row: Row, course_row: Row) -> Resource:
    """A `lots` row (and its course) as a Medication: the product, the lot number."""
    return _prune(
        {
            "resourceType": "Medication",
            "id": lot_id(lot_row["lot_number"]),
            "code": _product(course_row),
            "batch": {"lotNumber": lot_row["lot_number"]},
        }
    )


def medication_administration(
    dose_row: Row, *, lot_id: str | None, course_row: Row | None = None
) -> Resource:
    """A `doses` row as a MedicationAdministration: the lot given (`lot_id`, the Medication's
    id) or, without a lot, the course's product as text."""
    route = dose_row.get("route") or ""
    return _prune(
        {
            "resourceType": "MedicationAdministration",
            "id": resource_id("dose", dose_row["dose_id"]),
            "status": "completed",
            "medicationReference": {"reference": f"Medication/{lot_id}"} if lot_id else None,
            "medicationCodeableConcept": None if lot_id else _product(course_row),
            "subject": _subject(dose_row),
            "effectiveDateTime": _date(dose_row.get("given_on")),
            "performer": [{"actor": {"display": dose_row.get("given_by")}}]
            if not _blank(dose_row.get("given_by"))
            else None,
            "dosage": {
                "site": {"text": dose_row.get("body_site")},
                "route": {
                    "coding": [
                        _coding(codes.ROUTE_SYSTEM, route, label_of(products.ROUTES, route))
                    ],
                    "text": label_of(products.ROUTES, route),
                }
                if route
                else None,
                "dose": _quantity(dose_row.get("dose_cells"), "cells", codes.UCUM_CELLS)
                if not _blank(dose_row.get("dose_cells"))
                else None,
            },
        }
    )


# --- Adverse events -------------------------------------------------------------------------------


def _causality(what: str, code: object) -> dict[str, Any] | None:
    if _blank(code):
        return None
    return {"assessment": {"text": f"{what}: {code}"}}


def _seriousness_criteria(row: Row) -> list[tuple[str, str, object]]:
    """One extension per ICH E2A criterion met: R4's code where it has one, else Cellpath's."""
    met = []
    for name, (code, display) in codes.SERIOUSNESS_CRITERIA.items():
        if row.get(name):
            met.append(_coding(codes.ADVERSE_EVENT_SERIOUSNESS, code, display))
    name, display = codes.IMPORTANT_MEDICAL_EVENT
    if row.get(name):
        met.append(_coding(codes.SERIOUSNESS_CRITERION_SYSTEM, name, display))
    return [(codes.SERIOUSNESS_CRITERION_EXTENSION, "valueCoding", c) for c in met]


def adverse_event(row: Row, *, suspect_lot_ids: list[str]) -> Resource:
    """An `adverse_events` row as an AdverseEvent; `suspect_lot_ids` are the Medication ids of
    the lots it may follow (the course's lots)."""
    grade = _number(row.get("grade"))
    serious = row.get("serious")
    outcome = codes.OUTCOMES.get(row.get("outcome") or "")
    causality = [
        _causality("Relatedness to the cells", row.get("related_to_cells")),
        _causality("Relatedness to the procedure", row.get("related_to_procedure")),
    ]
    return _prune(
        {
            "resourceType": "AdverseEvent",
            "id": resource_id("adverse-event", row["adverse_event_id"]),
            "extension": _extensions(
                (codes.CTCAE_GRADE_EXTENSION, "valueInteger", grade),
                (codes.RESOLVED_DATE_EXTENSION, "valueDate", _date(row.get("resolved_date"))),
                (codes.RELATED_TO_CELLS_EXTENSION, "valueCode", row.get("related_to_cells")),
                (
                    codes.RELATED_TO_PROCEDURE_EXTENSION,
                    "valueCode",
                    row.get("related_to_procedure"),
                ),
                *_seriousness_criteria(row),
                (codes.EXPECTEDNESS_EXTENSION, "valueCode", row.get("expectedness")),
                (codes.AWARE_DATE_EXTENSION, "valueDate", _date(row.get("aware_date"))),
                (
                    codes.REPORTED_TO_REGULATOR_EXTENSION,
                    "valueDate",
                    _date(row.get("reported_to_regulator_on")),
                ),
                (
                    codes.REPORTED_TO_ETHICS_EXTENSION,
                    "valueDate",
                    _date(row.get("reported_to_ethics_on")),
                ),
            ),
            "actuality": "actual",
            "event": {"text": row.get("description")},
            "subject": _subject(row),
            "date": _date(row.get("onset_date")),
            "recordedDate": _datetime(row.get("created_at")),
            "seriousness": {
                "coding": [
                    _coding(codes.ADVERSE_EVENT_SERIOUSNESS, *codes.SERIOUSNESS[bool(serious)])
                ]
            }
            if serious is not None and serious != ""
            else None,
            "severity": {
                "coding": [_coding(codes.ADVERSE_EVENT_SEVERITY, *codes.SEVERITY_BY_GRADE[grade])],
                "text": f"CTCAE v5 grade {grade}",
            }
            if grade in codes.SEVERITY_BY_GRADE
            else None,
            "outcome": {"coding": [_coding(codes.ADVERSE_EVENT_OUTCOME, *outcome)]}
            if outcome
            else None,
            "suspectEntity": [
                {"instance": {"reference": f"Medication/{lot}"}, "causality": causality}
                for lot in suspect_lot_ids
            ],
        }
    )


# --- Bundles, NDJSON ------------------------------------------------------------------------------


def collection_bundle(
    resources: Iterable[Mapping[str, Any]],
    *,
    timestamp: str,
    base: str = codes.CELLPATH_FHIR,
    bundle_id: str | None = None,
) -> Resource:
    """One patient's resources as a `collection` Bundle; each entry's fullUrl is
    `base`/Type/id, so the resources' relative references resolve within it."""
    return _prune(
        {
            "resourceType": "Bundle",
            "id": bundle_id,
            "type": "collection",
            "timestamp": timestamp,
            "entry": [
                {"fullUrl": f"{base.rstrip('/')}/{reference(r)}", "resource": dict(r)}
                for r in resources
            ],
        }
    )


def ndjson_line(resource: Mapping[str, Any]) -> bytes:
    """One resource as a line of `application/fhir+ndjson`: compact UTF-8 JSON and "\\n"."""
    return orjson.dumps(resource, option=orjson.OPT_APPEND_NEWLINE)
