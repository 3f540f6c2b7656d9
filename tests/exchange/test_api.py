"""The read-only FHIR API and its personal access tokens, as a hospital system pulling data and
the staff member who gave it a token meet them; and one patient's FHIR Bundle."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.questionnaire import Questionnaire

from cellpath.accounts.models import AuditEvent
from cellpath.exchange import services
from cellpath.exchange.fhir import codes
from cellpath.exchange.models import AccessToken
from tests.factories import PatientFactory, clinical_history

pytestmark = pytest.mark.django_db


def post(client, url: str, data: dict | None = None):
    client.get(reverse("home"))
    return client.post(
        url, {**(data or {}), "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )


@pytest.fixture
def histories(world):
    return clinical_history(world.patient_a), clinical_history(world.patient_b)


@pytest.fixture
def secret(world) -> str:
    _, value = services.token_create(user=world.users["coordinator_a"], name="gateway", days=30)
    return value


def api(secret: str | None, path: str, **params: object):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    return Client().get(path, params, **headers)


def body(response) -> dict:
    assert response["Content-Type"].startswith("application/fhir+json")
    return json.loads(response.content)


def test_a_token_is_made_once_shown_once_and_stored_hashed(world, client_for):
    client = client_for("coordinator_a")
    page = post(client, reverse("exchange:tokens"), {"name": "Hospital gateway", "days": "30"})
    assert page.status_code == 200
    shown = re.search(r'id="token-secret">(cpat_[A-Za-z0-9_\-]+)<', page.content.decode())
    assert shown, "the new token is shown on the answer"
    token = AccessToken.objects.get(user=world.users["coordinator_a"])
    assert token.token_hash != shown.group(1) and shown.group(1) not in token.token_hash
    assert shown.group(1) not in client.get(reverse("exchange:tokens")).content.decode()
    assert api(shown.group(1), "/fhir/Patient").status_code == 200
    assert AuditEvent.objects.filter(object_type="exchange.accesstoken", action="create").exists()


def test_token_requests_are_refused_at_the_boundary(world, client_for):
    client = client_for("coordinator_a")
    too_long = post(client, reverse("exchange:tokens"), {"name": "x", "days": "365"})
    assert too_long.status_code == 400 and "at most 90" in too_long.content.decode().lower()
    assert not AccessToken.objects.exists()


def test_without_a_valid_token_the_api_answers_401(world, secret, client_for):
    assert api(None, "/fhir/Patient").status_code == 401
    assert api("cpat_wrong", "/fhir/Patient").status_code == 401
    response = api(None, "/fhir/Patient")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert body(response)["resourceType"] == "OperationOutcome"
    # a signed-in session is not a token
    assert client_for("coordinator_a").get("/fhir/Patient").status_code == 401


def test_a_token_reads_its_owners_sites_only(world, secret, histories):
    found = body(api(secret, "/fhir/Patient"))
    Bundle.model_validate(found)
    assert found["type"] == "searchset" and found["total"] == 1
    (entry,) = found["entry"]
    assert entry["resource"]["id"] == world.patient_a.study_id
    assert entry["resource"]["name"][0]["text"] == "Ada Example"  # a coordinator's token
    other = world.patient_b.study_id
    assert api(secret, f"/fhir/Patient/{other}").status_code == 404
    assert api(secret, "/fhir/Observation", patient=f"Patient/{other}").status_code == 404
    assert api(secret, f"/fhir/Patient/{world.patient_a.study_id}").status_code == 200


def test_a_clinicians_token_reads_no_names(world, histories):
    _, value = services.token_create(user=world.users["clinician_a"], name="research", days=7)
    (entry,) = body(api(value, "/fhir/Patient"))["entry"]
    assert "name" not in entry["resource"] and "telecom" not in entry["resource"]


def test_observations_by_patient_and_code(world, secret, histories):
    study_id = world.patient_a.study_id
    everything = body(api(secret, "/fhir/Observation", patient=f"Patient/{study_id}"))
    Bundle.model_validate(everything)
    kinds = {e["resource"]["code"]["coding"][0]["code"] for e in everything["entry"]}
    assert {codes.ALSFRS_R_TOTAL, codes.FVC_LITRES} <= kinds
    totals = body(
        api(
            secret,
            "/fhir/Observation",
            patient=study_id,
            code=f"{codes.LOINC}|{codes.ALSFRS_R_TOTAL}",
        )
    )
    assert sorted(e["resource"]["valueInteger"] for e in totals["entry"]) == [38, 40]
    assert api(secret, "/fhir/Observation").status_code == 400  # a patient is required


def test_paging_follows_bundle_links(world, secret):
    for n in range(3):
        PatientFactory(site=world.site_a, full_name=f"Paged {n}")
    first = body(api(secret, "/fhir/Patient", _count=2))
    assert first["total"] == 4 and len(first["entry"]) == 2
    (next_link,) = [link["url"] for link in first["link"] if link["relation"] == "next"]
    second = body(Client().get(next_link, HTTP_AUTHORIZATION=f"Bearer {secret}"))
    assert len(second["entry"]) == 2
    assert not [link for link in second["link"] if link["relation"] == "next"]
    ids = {e["resource"]["id"] for e in first["entry"] + second["entry"]}
    assert len(ids) == 4
    assert api(secret, "/fhir/Patient", _count="x").status_code == 400
    assert api(secret, "/fhir/Patient", _count=1000).status_code == 400


def test_questionnaire_responses_and_adverse_events(world, secret, histories):
    responses = body(api(secret, "/fhir/QuestionnaireResponse"))
    assert responses["total"] == 2
    assert {e["resource"]["subject"]["reference"] for e in responses["entry"]} == {
        f"Patient/{world.patient_a.study_id}"
    }
    events = body(api(secret, "/fhir/AdverseEvent", patient=world.patient_a.study_id))
    (event,) = [e["resource"] for e in events["entry"]]
    assert event["actuality"] == "actual"
    (suspect,) = event["suspectEntity"]
    assert suspect["instance"]["reference"].startswith("Medication/lot-")


def test_every_use_is_audited_with_the_patients_it_showed(world, secret, histories):
    before = AuditEvent.objects.count()
    api(secret, f"/fhir/Patient/{world.patient_a.study_id}")
    event = AuditEvent.objects.latest("pk")
    assert AuditEvent.objects.count() == before + 1
    assert event.actor == world.users["coordinator_a"]
    assert event.detail["api"] == "fhir" and event.detail["records"] == [world.patient_a.study_id]
    assert event.detail["token"].startswith("cpat_")


def test_a_token_stops_working_the_moment_it_is_revoked_or_expires(world, secret, client_for):
    assert api(secret, "/fhir/Patient").status_code == 200
    token = AccessToken.objects.get()
    # another user cannot revoke it
    assert (
        post(
            client_for("coordinator_b"), reverse("exchange:token-revoke", args=[token.pk])
        ).status_code
        == 404
    )
    assert api(secret, "/fhir/Patient").status_code == 200
    response = post(client_for("coordinator_a"), reverse("exchange:token-revoke", args=[token.pk]))
    assert response.status_code == 302
    assert api(secret, "/fhir/Patient").status_code == 401
    _, fresh = services.token_create(user=world.users["coordinator_a"], name="later", days=1)
    assert api(fresh, "/fhir/Patient").status_code == 200
    AccessToken.objects.filter(prefix=fresh[:9]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert api(fresh, "/fhir/Patient").status_code == 401


def test_a_token_follows_its_owner_losing_their_role(world, secret, histories):
    world.users["coordinator_a"].memberships.all().delete()
    assert api(secret, f"/fhir/Patient/{world.patient_a.study_id}").status_code == 404
    assert body(api(secret, "/fhir/Patient"))["total"] == 0


def test_metadata_and_the_questionnaire_are_public_and_valid():
    statement = body(Client().get("/fhir/metadata"))
    CapabilityStatement.model_validate(statement)
    assert statement["fhirVersion"] == "4.0.1"
    questionnaire = body(Client().get("/fhir/Questionnaire/alsfrs-r"))
    Questionnaire.model_validate(questionnaire)
    assert questionnaire["url"] == codes.QUESTIONNAIRE_URL


def test_a_staff_member_and_the_patient_download_the_record_as_a_bundle(
    world, client_for, histories
):
    response = client_for("clinician_a").get(
        reverse("exchange:patient-fhir", args=[world.patient_a.pk])
    )
    bundle = json.loads(response.content)
    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection"
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert kinds == {
        "Questionnaire",
        "Patient",
        "QuestionnaireResponse",
        "Observation",
        "Medication",
        "MedicationAdministration",
        "AdverseEvent",
    }
    (patient,) = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    ]
    assert "name" not in patient  # a clinician works on the study ID
    own = json.loads(client_for("patient_a").get(reverse("exchange:my-fhir")).content)
    (mine,) = [e["resource"] for e in own["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert mine["name"][0]["text"] == "Ada Example"
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).latest("pk")
    assert event.detail["format"] == "fhir bundle" and event.actor == world.users["patient_a"]
    references = {
        ref
        for e in bundle["entry"]
        for ref in re.findall(r'"reference": "([^"]+)"', json.dumps(e["resource"]))
    }
    present = {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in bundle["entry"]}
    assert references <= present, references - present
