"""The exchange pages and the FHIR API in the permission matrix (collected by
tests/access_matrix.py).

Exports, REDCap imports, tokens and one patient's Bundle are for coordinators and clinicians
(administrators read aggregates only); another site's patient is not found (404); an export's
file only for the person who asked for it. The FHIR API takes no session at all: without a
token every actor gets 401 (the token cases are in tests/exchange/test_api.py). Its
CapabilityStatement and the ALSFRS-R Questionnaire hold no patient data and are public."""

from __future__ import annotations

from typing import Any

from tests.conftest import ACTORS, World
from tests.matrix_kit import Route, only

PATIENT_DATA_STAFF = {
    "coordinator_a": 200,
    "coordinator_b": 200,
    "clinician_a": 200,
    "clinician_b": 200,
}


def _job(world: World) -> dict[str, Any]:
    from datetime import timedelta

    from django.utils import timezone

    from cellpath.exchange.models import ExportJob

    job = ExportJob.objects.create(
        user=world.users["coordinator_a"],
        format=ExportJob.Format.CSV,
        status=ExportJob.Status.DONE,
        file_name="matrix.zip",
        expires_at=timezone.now() + timedelta(days=1),
    )
    from cellpath.exchange.services import export_dir

    (export_dir() / "matrix.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    return {"pk": job.pk}


def _patient_a(world: World) -> dict[str, Any]:
    return {"pk": world.patient_a.pk}


NO_TOKEN = dict.fromkeys(ACTORS, 401)

EXCHANGE_ROUTES: list[Route] = [
    Route("exchange:export", only(PATIENT_DATA_STAFF)),
    Route(
        "exchange:export-download",
        only({**dict.fromkeys(PATIENT_DATA_STAFF, 404), "coordinator_a": 200}),
        kwargs=_job,
    ),
    Route("exchange:tokens", only(PATIENT_DATA_STAFF)),
    Route(
        "exchange:token-revoke",
        only(dict.fromkeys(PATIENT_DATA_STAFF, 405)),
        kwargs=lambda w: {"pk": 999999},
        note="POST only; who may revoke which token is tested in test_api.py",
    ),
    Route(
        "exchange:patient-fhir",
        only({"coordinator_a": 200, "clinician_a": 200, "coordinator_b": 404, "clinician_b": 404}),
        kwargs=_patient_a,
    ),
    Route("exchange:my-fhir", only({"patient_a": 200, "patient_b": 200})),
    Route("exchange:redcap-import", only(PATIENT_DATA_STAFF)),
    Route(
        "exchange:redcap-import-confirm",
        only(dict.fromkeys(PATIENT_DATA_STAFF, 405)),
        kwargs=lambda w: {"token": "unknown"},
        note="POST only; whose upload may be confirmed is tested in test_redcap.py",
    ),
    Route("fhir:metadata", dict.fromkeys(ACTORS, 200)),
    Route(
        "fhir:questionnaire",
        dict.fromkeys(ACTORS, 200),
        kwargs=lambda w: {"resource_id": "alsfrs-r"},
    ),
    Route("fhir:patient-search", NO_TOKEN),
    Route("fhir:patient-read", NO_TOKEN, kwargs=lambda w: {"resource_id": "x"}),
    Route("fhir:observation-search", NO_TOKEN),
    Route("fhir:questionnaireresponse-search", NO_TOKEN),
    Route("fhir:adverseevent-search", NO_TOKEN),
]
