"""Medications and consent on the patient record: recorded, stopped and withdrawn, audited."""

from __future__ import annotations

from django.urls import reverse

from cellpath.accounts.models import AuditEvent
from cellpath.care.models import Consent, Medication
from tests.factories import clinical_history


def post(client, url: str, data: dict[str, str]):
    token = client.get(url).cookies["csrftoken"].value
    return client.post(url, {"csrfmiddlewaretoken": token, **data})


def test_a_clinician_records_and_stops_a_medication(world, client_for) -> None:
    client = client_for("clinician_a")
    url = reverse("care:medication-create", args=[world.patient_a.pk])
    response = post(client, url, {"drug": "edaravone", "started_on": "2024-06-01"})
    assert response.status_code == 302
    medication = Medication.objects.get(patient=world.patient_a, drug="edaravone")
    page = client.get(reverse("care:patient-detail", args=[world.patient_a.pk])).content.decode()
    assert "Edaravone: from 1 June 2024" in page

    stop = reverse("care:medication-stop", args=[medication.pk])
    refused = post(client, stop, {"day": "2024-01-01"})
    assert "The stop date cannot be before the start date." in refused.content.decode()
    assert post(client, stop, {"day": "2024-09-30"}).status_code == 302
    medication.refresh_from_db()
    assert str(medication.stopped_on) == "2024-09-30"
    change = AuditEvent.objects.filter(action="update", object_type="care.medication").get()
    assert change.changes == {"stopped_on": {"old": None, "new": "2024-09-30"}}


def test_other_needs_a_name(world, client_for) -> None:
    url = reverse("care:medication-create", args=[world.patient_a.pk])
    response = post(client_for("coordinator_a"), url, {"drug": "other"})
    assert response.status_code == 200
    assert "Give the medication&#x27;s name." in response.content.decode()


def test_a_coordinator_records_consent_and_its_withdrawal_keeps_the_record(
    world, client_for
) -> None:
    client = client_for("coordinator_a")
    url = reverse("care:consent-create", args=[world.patient_a.pk])
    data = {"purpose": "research", "version": "3.0", "given_on": "2024-05-02", "method": "written"}
    assert post(client, url, data).status_code == 302
    consent = Consent.objects.get(patient=world.patient_a, purpose="research")
    withdraw = reverse("care:consent-withdraw", args=[consent.pk])
    assert post(client, withdraw, {"day": "2024-07-01"}).status_code == 302
    page = client.get(reverse("care:patient-detail", args=[world.patient_a.pk])).content.decode()
    assert "Use of data in research, version 3.0" in page and "withdrawn 1 July 2024" in page
    assert client.get(withdraw).status_code == 404  # nothing left to withdraw


def test_clinicians_see_consent_but_do_not_record_it(world, client_for) -> None:
    history = clinical_history(world.patient_a)
    client = client_for("clinician_a")
    page = client.get(reverse("care:patient-detail", args=[world.patient_a.pk])).content.decode()
    assert "Treatment and follow-up, version 2.1" in page
    assert reverse("care:consent-withdraw", args=[history["consent"].pk]) not in page
    assert client.get(reverse("care:consent-create", args=[world.patient_a.pk])).status_code == 403
