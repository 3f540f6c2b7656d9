"""The read-only FHIR R4 REST API, for systems that pull (HL7 FHIR R4 RESTful API: read and
search; searchset Bundles paged with `Bundle.link` "next").

Authenticated with personal access tokens (`Authorization: Bearer …`) only — never the session,
so that no page can make a signed-in browser call it. A token reads what its owner may read:
the patients of the sites where they are a coordinator or clinician, names only where they are
a coordinator. Every request with a token is audited; a revoked or expired token answers 401
from the moment it is revoked or expires.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cellpath.accounts.audit import record, record_list
from cellpath.accounts.models import AuditEvent, User
from cellpath.accounts.tokens import token_hash
from cellpath.care.models import Patient
from cellpath.exchange import fhir_export
from cellpath.exchange.fhir import resources as fhir
from cellpath.exchange.fhir.questionnaire import alsfrs_questionnaire
from cellpath.exchange.models import AccessToken
from cellpath.exchange.queries import ExportScope, export_scope
from cellpath.reports.queries import Filters

FHIR_JSON = "application/fhir+json; charset=utf-8"
DEFAULT_COUNT = 50
MAX_COUNT = 200
MAX_PARAM = 200  # characters of any search parameter

View = Callable[..., HttpResponse]


def _json(resource: dict[str, Any], status: int = 200) -> HttpResponse:
    response = HttpResponse(json.dumps(resource, ensure_ascii=False), FHIR_JSON, status=status)
    response["Cache-Control"] = "no-store"
    return response


def outcome(status: int, code: str, text: str) -> HttpResponse:
    """An OperationOutcome explaining a refusal (FHIR R4 §3.1.0.5)."""
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": text}],
    }
    response = _json(body, status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="cellpath", error="invalid_token"'
    return response


def _token(request: HttpRequest) -> AccessToken | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret or len(secret) > 200:
        return None
    token = AccessToken.objects.select_related("user").filter(token_hash=token_hash(secret)).first()
    if token is None or not token.usable() or not token.user.is_active:
        return None
    return token


def _api(view: View) -> View:
    """Token authentication, parameter limits, and the audit row of the request."""

    @require_GET
    @never_cache
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = _token(request)
        if token is None:
            return outcome(401, "login", "A valid access token is needed (Authorization: Bearer).")
        if any(len(v) > MAX_PARAM for v in request.GET.values()):
            return outcome(
                400, "too-long", f"Search parameters are limited to {MAX_PARAM} characters."
            )
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        scope = export_scope(user=token.user, filters=Filters())
        return view(request, token, scope, *args, **kwargs)

    return wrapped


def _audit(user: User, token: AccessToken, request: HttpRequest, patients: list[Patient]) -> None:
    detail = {"api": "fhir", "token": token.prefix, "path": request.get_full_path()[:300]}
    if patients:
        record_list(user, patients, detail=detail)
    else:
        record(user, AuditEvent.Action.LIST, object_type="care.patient", detail=detail)


def _page(request: HttpRequest) -> tuple[int, int] | HttpResponse:
    try:
        count = int(request.GET.get("_count", DEFAULT_COUNT))
        offset = int(request.GET.get("_offset", 0))
    except ValueError:
        return outcome(400, "invalid", "_count and _offset are whole numbers.")
    if not (1 <= count <= MAX_COUNT and offset >= 0):
        return outcome(400, "invalid", f"_count is 1 to {MAX_COUNT}; _offset is 0 or more.")
    return offset, count


def _searchset(
    request: HttpRequest, found: list[dict], total: int, offset: int, count: int
) -> HttpResponse:
    base = request.build_absolute_uri(request.path)
    params = {k: v for k, v in request.GET.items() if k not in {"_offset", "_count"}}

    def link(relation: str, at: int) -> dict[str, str]:
        return {
            "relation": relation,
            "url": f"{base}?{urlencode({**params, '_count': count, '_offset': at})}",
        }

    links = [link("self", offset)]
    if offset + count < total:
        links.append(link("next", offset + count))
    if offset > 0:
        links.append(link("previous", max(0, offset - count)))
    root = request.build_absolute_uri("/fhir/")
    return _json(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": total,
            "link": links,
            "entry": [
                {
                    "fullUrl": f"{root}{r['resourceType']}/{r['id']}",
                    "resource": r,
                    "search": {"mode": "match"},
                }
                for r in found
            ],
        }
    )


def _patient_param(request: HttpRequest, scope: ExportScope) -> Patient | HttpResponse | None:
    """The patient a search names (`patient=Patient/<id>` or `patient=<id>`), within the
    token's scope; a patient outside it is not found (404), as on every page."""
    value = request.GET.get("patient", "").removeprefix("Patient/")
    if not value:
        return None
    patient = _patient_by_id(scope, value)
    return patient if patient is not None else outcome(404, "not-found", "No such patient.")


def _patient_by_id(scope: ExportScope, resource_id: str) -> Patient | None:
    """The patient whose Patient resource has `resource_id` (Cellpath's study IDs are valid
    resource ids as they are, so the id is the study ID)."""
    if fhir.patient_id(resource_id) != resource_id:
        return None
    return (
        Patient.objects.filter(pk__in=scope.patients, study_id=resource_id)
        .only("pk", "study_id", "site_id")
        .first()
    )


def _scoped_to(scope: ExportScope, patient: Patient) -> ExportScope:
    return ExportScope(
        user_id=scope.user_id,
        patients=Patient.objects.filter(pk=patient.pk).values("pk"),
        names_for=scope.names_for,
        filters=scope.filters,
    )


# --- endpoints --------------------------------------------------------------------------------


@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement: what this server can read and search (public, no patient data)."""
    search = {
        "Patient": [("identifier", "token"), ("_count", "number")],
        "Observation": [("patient", "reference"), ("code", "token")],
        "QuestionnaireResponse": [("patient", "reference")],
        "AdverseEvent": [("patient", "reference")],
    }
    return _json(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": timezone.now().date().isoformat(),
            "kind": "instance",
            "software": {"name": "Cellpath"},
            "fhirVersion": "4.0.1",
            "format": ["json"],
            "rest": [
                {
                    "mode": "server",
                    "security": {
                        "description": "Personal access tokens made by staff with a second "
                        "factor: Authorization: Bearer <token>. Read-only.",
                    },
                    "resource": [
                        {
                            "type": kind,
                            "interaction": [{"code": "read"}, {"code": "search-type"}],
                            "searchParam": [{"name": n, "type": t} for n, t in params],
                        }
                        for kind, params in search.items()
                    ]
                    + [{"type": "Questionnaire", "interaction": [{"code": "read"}]}],
                }
            ],
        }
    )


@require_GET
def questionnaire(request: HttpRequest, resource_id: str) -> HttpResponse:
    """The ALSFRS-R Questionnaire (public: the scale, no patient data)."""
    found = alsfrs_questionnaire()
    if resource_id != found["id"]:
        return outcome(404, "not-found", "No such questionnaire.")
    return _json(found)


@_api
def patient_search(request: HttpRequest, token: AccessToken, scope: ExportScope) -> HttpResponse:
    page = _page(request)
    if isinstance(page, HttpResponse):
        return page
    offset, count = page
    where: dict[str, Any] = {}
    identifier = request.GET.get("identifier", "")
    if identifier:
        where["study_id"] = identifier.rpartition("|")[2]
    table = fhir_export.BY_NAME["patients"]
    total = table.query(scope.patients, where).count()
    found = list(fhir_export.patients(scope, where=where, window=(offset, count)))
    shown = list(
        Patient.objects.filter(pk__in=scope.patients, **where).order_by("study_id")[
            offset : offset + count
        ]
    )
    _audit(token.user, token, request, shown)
    return _searchset(request, found, total, offset, count)


@_api
def patient_read(
    request: HttpRequest, token: AccessToken, scope: ExportScope, resource_id: str
) -> HttpResponse:
    patient = _patient_by_id(scope, resource_id)
    if patient is None:
        _audit(token.user, token, request, [])
        return outcome(404, "not-found", "No such patient.")
    _audit(token.user, token, request, [patient])
    (found,) = fhir_export.patients(_scoped_to(scope, patient))
    return _json(found)


def _subjects(found: list[dict]) -> list[Patient]:
    """The patients whose records a page shows (for its audit row)."""
    ids = {r.get("subject", r.get("patient", {})).get("reference", "") for r in found}
    study_ids = {i.removeprefix("Patient/") for i in ids if i}
    return list(Patient.objects.filter(study_id__in=study_ids).only("pk", "study_id", "site_id"))


def _per_patient_search(kind: str, table: str | None) -> View:
    """A search of `kind`, narrowed by `patient`. Kinds with one resource per row (`table`) are
    paged in the database; Observations, several per assessment, need a patient and are paged
    over that patient's."""

    @_api
    def view(request: HttpRequest, token: AccessToken, scope: ExportScope) -> HttpResponse:
        page = _page(request)
        if isinstance(page, HttpResponse):
            return page
        offset, count = page
        patient = _patient_param(request, scope)
        if isinstance(patient, HttpResponse):
            _audit(token.user, token, request, [])
            return patient
        if patient is None and table is None:
            return outcome(400, "required", f"Search {kind} by patient: ?patient=Patient/<id>.")
        narrowed = _scoped_to(scope, patient) if patient is not None else scope
        stream = fhir_export.STREAMS[kind]
        code = request.GET.get("code", "").rpartition("|")[2]
        if table is None:
            found = [r for r in stream(narrowed) if not code or _has_code(r, code)]
            total, found = len(found), found[offset : offset + count]
        else:
            total = fhir_export.BY_NAME[table].query(narrowed.patients).count()
            found = list(stream(narrowed, window=(offset, count)))
        _audit(token.user, token, request, _subjects(found))
        return _searchset(request, found, total, offset, count)

    view.__name__ = f"{kind.lower()}_search"
    return view


def _has_code(resource: dict[str, Any], wanted: str) -> bool:
    return any(c.get("code") == wanted for c in resource.get("code", {}).get("coding", []))


observation_search = _per_patient_search("Observation", None)
questionnaire_response_search = _per_patient_search("QuestionnaireResponse", "alsfrs_r")
adverse_event_search = _per_patient_search("AdverseEvent", "adverse_events")
