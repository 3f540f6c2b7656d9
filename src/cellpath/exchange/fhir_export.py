"""The cohort's records as FHIR R4 resources: streams of each resource type, read from the tidy
tables and built by `fhir.resources` (pure builders); one patient as a `collection` Bundle, a
cohort as Bulk-Data-shaped NDJSON (one file per resource type) in a ZIP with a manifest
(HL7 FHIR Bulk Data Access IG, export manifest)."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterator
from typing import IO, Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from cellpath.accounts.audit import record_export
from cellpath.accounts.models import User
from cellpath.care.models import Administration, Patient
from cellpath.care.queries import identity_visibility
from cellpath.exchange.fhir import resources as fhir
from cellpath.exchange.fhir.questionnaire import alsfrs_questionnaire
from cellpath.exchange.queries import ExportScope
from cellpath.exchange.tables import BY_NAME
from cellpath.reports.queries import Filters

Progress = Callable[[str], None]

COURSE_PATHS = {
    "course_product": "course__product",
    "course_cell_type": "course__cell_type",
    "course_donor": "course__donor",
    "course_tissue": "course__tissue",
    "course_route": "course__route",
}


def _course_row(row: dict[str, Any]) -> dict[str, Any]:
    return {name.removeprefix("course_"): row.pop(name) for name in COURSE_PATHS}


def _suspect_lot() -> Subquery:
    """The lot of the course's last dose on or before the event's onset: the cells suspected
    (a dose after the event cannot have caused it)."""
    doses = Administration.objects.filter(
        course=OuterRef("course_id"), given_on__lte=OuterRef("onset_date"), batch__isnull=False
    ).order_by("-given_on", "-id")
    return Subquery(doses.values("batch__lot_number")[:1])


def patients(scope: ExportScope, **query: Any) -> Iterator[dict]:
    for row in BY_NAME["patients"].rows(scope.patients, names_for=scope.names_for, **query):
        yield fhir.patient(row, with_name=bool(row.get("full_name")))


def questionnaire_responses(scope: ExportScope, **query: Any) -> Iterator[dict]:
    for row in BY_NAME["alsfrs_r"].rows(scope.patients, **query):
        yield fhir.alsfrs_response(row)


def observations(scope: ExportScope, **query: Any) -> Iterator[dict]:
    for row in BY_NAME["alsfrs_r"].rows(scope.patients, **query):
        yield from fhir.alsfrs_observations(row)
    for row in BY_NAME["spirometry"].rows(scope.patients, **query):
        yield from fhir.spirometry_observations(row)


def medications(scope: ExportScope, **query: Any) -> Iterator[dict]:
    for row in BY_NAME["lots"].rows(scope.patients, extra=COURSE_PATHS, **query):
        yield fhir.medication(row, _course_row(row))


def medication_administrations(scope: ExportScope, **query: Any) -> Iterator[dict]:
    for row in BY_NAME["doses"].rows(scope.patients, **query):
        lot = row.get("lot_number")
        yield fhir.medication_administration(row, lot_id=fhir.lot_id(lot) if lot else None)


def adverse_events(scope: ExportScope, **query: Any) -> Iterator[dict]:
    extra = {"suspect_lot": _suspect_lot()}
    for row in BY_NAME["adverse_events"].rows(scope.patients, extra=extra, **query):
        lot = row.pop("suspect_lot")
        yield fhir.adverse_event(row, suspect_lot_ids=[fhir.lot_id(lot)] if lot else [])


STREAMS: dict[str, Callable[..., Iterator[dict]]] = {
    "Patient": patients,
    "QuestionnaireResponse": questionnaire_responses,
    "Observation": observations,
    "Medication": medications,
    "MedicationAdministration": medication_administrations,
    "AdverseEvent": adverse_events,
}
"""Each exported resource type and where its resources come from, in export order."""


def write_ndjson_zip(
    scope: ExportScope, out: IO[bytes], *, progress: Progress | None = None
) -> dict[str, int]:
    """The cohort as one `<Type>.ndjson` per resource type (application/fhir+ndjson), the
    ALSFRS-R Questionnaire they answer, and `manifest.json` listing the files and counts."""
    started = timezone.now().isoformat()
    counts: dict[str, int] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for kind, stream in STREAMS.items():
            count = 0
            with archive.open(f"{kind}.ndjson", "w", force_zip64=True) as member:
                lines: list[bytes] = []
                for resource in stream(scope):
                    lines.append(fhir.ndjson_line(resource))
                    if len(lines) == 1000:
                        member.write(b"".join(lines))
                        count, lines = count + len(lines), []
                member.write(b"".join(lines))
                count += len(lines)
            counts[f"{kind}.ndjson"] = count
            if progress:
                progress(f"{kind}.ndjson: {count:,} resources")
        archive.writestr("Questionnaire.ndjson", fhir.ndjson_line(alsfrs_questionnaire()))
        counts["Questionnaire.ndjson"] = 1
        manifest = {
            "transactionTime": started,
            "request": "cellpath cohort export " + json.dumps(scope.filters.as_detail()),
            "requiresAccessToken": True,
            "output": [
                {"type": name.removesuffix(".ndjson"), "url": name, "count": n}
                for name, n in counts.items()
            ],
            "error": [],
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=1))
    return counts


def patient_bundle(*, user: User, patient: Patient) -> dict[str, Any]:
    """One patient's record as a FHIR `collection` Bundle (audited as an export). Names only
    for the patient and the coordinators of their site."""
    names_for = frozenset({patient.site_id}) if identity_visibility(user)(patient) else frozenset()
    scope = ExportScope(
        user_id=user.pk,
        patients=Patient.objects.filter(pk=patient.pk).values("pk"),
        names_for=names_for,
        filters=Filters(),
    )
    record_export(user, [patient], fmt="fhir bundle")
    found = [alsfrs_questionnaire()]
    for stream in STREAMS.values():
        found.extend(stream(scope))
    return fhir.collection_bundle(found, timestamp=timezone.now().isoformat())
