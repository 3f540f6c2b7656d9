"""Patient records: site scoping in every list, detail and export; identity kept to coordinators."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cellpath.care.models import Patient
from cellpath.care.queries import patients_visible_to
from cellpath.care.services import (
    identity_update,
    patient_create,
    patient_delete,
    patient_update,
)
from tests.factories import PatientFactory


def export_rows(client) -> list[dict[str, str]]:
    response = client.get(reverse("care:patient-export"))
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_staff_see_only_their_sites_patients_everywhere(world, client_for) -> None:
    for actor, visible, hidden in (
        ("coordinator_a", world.patient_a, world.patient_b),
        ("clinician_b", world.patient_b, world.patient_a),
    ):
        client = client_for(actor)
        listing = client.get(reverse("care:patient-list")).content.decode()
        assert visible.study_id in listing and hidden.study_id not in listing
        assert [row["study_id"] for row in export_rows(client)] == [visible.study_id]
        assert client.get(reverse("care:patient-detail", args=[hidden.pk])).status_code == 404
        assert set(patients_visible_to(world.users[actor])) == {visible}


def test_clinicians_work_on_study_ids_not_names(world, client_for) -> None:
    client = client_for("clinician_a")
    page = client.get(reverse("care:patient-detail", args=[world.patient_a.pk])).content.decode()
    assert world.patient_a.study_id in page and "Ada Example" not in page
    assert export_rows(client)[0]["full_name"] == ""
    coordinator_page = client_for("coordinator_a").get(
        reverse("care:patient-detail", args=[world.patient_a.pk])
    )
    assert "Ada Example" in coordinator_page.content.decode()


def test_a_patient_sees_their_own_record_only(world, client_for) -> None:
    client = client_for("patient_a")
    assert "Ada Example" in client.get(reverse("home")).content.decode()
    assert client.get(reverse("care:patient-detail", args=[world.patient_b.pk])).status_code == 404


def test_a_coordinator_adds_a_patient_with_a_study_id(world, client_for) -> None:
    client = client_for("coordinator_a")
    response = client.get(reverse("care:patient-create"))
    token = response.cookies["csrftoken"].value
    response = client.post(
        reverse("care:patient-create"),
        {
            "csrfmiddlewaretoken": token,
            "identity-site": world.site_a.pk,
            "identity-full_name": "New Person",
            "clinical-sex": "M",
            "clinical-date_of_birth": "1970-01-02",
            "clinical-onset_date": "2025-06-01",
        },
    )
    patient = Patient.objects.get(identity__full_name="New Person")
    assert response.status_code == 302 and patient.study_id == "AAA-0002"
    assert patient.site == world.site_a


def test_a_coordinator_cannot_add_a_patient_to_another_site(world, client_for) -> None:
    client = client_for("coordinator_a")
    token = client.get(reverse("care:patient-create")).cookies["csrftoken"].value
    response = client.post(
        reverse("care:patient-create"),
        {
            "csrfmiddlewaretoken": token,
            "identity-site": world.site_b.pk,
            "identity-full_name": "Sneaky",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Patient.objects.filter(identity__full_name="Sneaky").exists()
    with pytest.raises(PermissionDenied):
        patient_create(actor=world.users["coordinator_a"], site=world.site_b, full_name="Sneaky")


def test_bad_dates_get_clear_messages_and_save_nothing(world, client_for) -> None:
    client = client_for("coordinator_a")
    url = reverse("care:patient-edit", args=[world.patient_a.pk])
    token = client.get(url).cookies["csrftoken"].value
    response = client.post(
        url,
        {
            "csrfmiddlewaretoken": token,
            "identity-full_name": "Ada Example",
            "clinical-date_of_birth": "1960-05-01",
            "clinical-onset_date": "2024-03-01",
            "clinical-diagnosis_date": "2023-01-01",
        },
    )
    assert response.status_code == 200
    assert "Diagnosis cannot be before symptom onset." in response.content.decode()
    world.patient_a.refresh_from_db()
    assert world.patient_a.diagnosis_date is None
    response = client.post(
        url,
        {
            "csrfmiddlewaretoken": token,
            "identity-full_name": "Ada",
            "clinical-onset_date": "not a date",
        },
    )
    assert "Enter a valid date." in response.content.decode()


def test_only_the_care_team_changes_records_and_only_coordinators_names(world) -> None:
    with pytest.raises(PermissionDenied):
        patient_update(actor=world.users["clinician_b"], patient=world.patient_a, sex="M")
    with pytest.raises(PermissionDenied):
        identity_update(actor=world.users["clinician_a"], patient=world.patient_a, full_name="X")
    with pytest.raises(ValidationError):
        patient_update(
            actor=world.users["coordinator_a"], patient=world.patient_a, onset_date="2999-01-01"
        )


def test_a_deleted_record_leaves_its_values_in_the_log(world) -> None:
    from cellpath.accounts.models import AuditEvent

    extra = PatientFactory(site=world.site_a, full_name="To Remove")
    patient_delete(actor=world.users["coordinator_a"], patient=extra)
    event = AuditEvent.objects.get(
        action="delete", object_label=extra.study_id, object_type="care.patientidentity"
    )
    assert event.changes["full_name"] == {"old": "To Remove", "new": None}
    assert event.object_type == "care.patientidentity"


def test_exported_text_cannot_run_as_a_spreadsheet_formula(world, client_for) -> None:
    PatientFactory(site=world.site_a, full_name='=HYPERLINK("http://x")')
    names = [row["full_name"] for row in export_rows(client_for("coordinator_a"))]
    assert '\'=HYPERLINK("http://x")' in names


def test_a_coordinator_gives_a_patient_their_portal_sign_in(world) -> None:
    from cellpath.accounts.roles import Role
    from cellpath.care.services import patient_portal_link
    from tests.factories import UserFactory

    other = PatientFactory(site=world.site_a, full_name="Portal Person")
    person = UserFactory(email="portal.person@example.org")
    with pytest.raises(PermissionDenied):
        patient_portal_link(actor=world.users["clinician_a"], patient=other, user=person)
    patient_portal_link(actor=world.users["coordinator_a"], patient=other, user=person)
    assert Role.PATIENT in type(person).objects.get(pk=person.pk).roles
    assert set(patients_visible_to(person)) == {other}
    with pytest.raises(ValidationError):  # one sign-in, one patient
        patient_portal_link(
            actor=world.users["coordinator_a"], patient=world.patient_a, user=person
        )
