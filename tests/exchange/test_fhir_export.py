"""The cohort as FHIR NDJSON (Bulk Data layout): every line a valid resource, one file per type,
a manifest that counts them."""

from __future__ import annotations

import io
import json
import zipfile
from importlib import import_module

import pytest

from cellpath.exchange import fhir_export
from cellpath.exchange.queries import export_scope
from cellpath.reports.queries import Filters
from tests.factories import clinical_history

pytestmark = pytest.mark.django_db

MODELS = {
    "Patient": "patient",
    "Questionnaire": "questionnaire",
    "QuestionnaireResponse": "questionnaireresponse",
    "Observation": "observation",
    "Medication": "medication",
    "MedicationAdministration": "medicationadministration",
    "AdverseEvent": "adverseevent",
}


def model(kind: str):
    return getattr(import_module(f"fhir.resources.R4B.{MODELS[kind]}"), kind)


def test_every_exported_line_is_a_valid_resource_of_its_file(world):
    clinical_history(world.patient_a)
    clinical_history(world.patient_b)
    scope = export_scope(user=world.users["coordinator_a"], filters=Filters())
    out = io.BytesIO()
    counts = fhir_export.write_ndjson_zip(scope, out)
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert {o["url"] for o in manifest["output"]} == set(archive.namelist()) - {"manifest.json"}
        for entry in manifest["output"]:
            lines = archive.read(entry["url"]).decode().splitlines()
            assert len(lines) == entry["count"] == counts[entry["url"]]
            for line in lines:
                resource = json.loads(line)
                assert resource["resourceType"] == entry["type"]
                model(entry["type"]).model_validate(resource)
    assert counts["Patient.ndjson"] == 1  # site A only
    assert counts["QuestionnaireResponse.ndjson"] == 2
    assert counts["Observation.ndjson"] == 2 * 13 + 1  # totals + 12 items, FVC in litres
    assert counts["AdverseEvent.ndjson"] == 1 and counts["Medication.ndjson"] == 1
