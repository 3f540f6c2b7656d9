"""The audit log: reads and writes are logged, rows are immutable, nothing bypasses it."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, models, transaction
from django.urls import reverse

from cellpath.accounts.audit import AuditedModel, UnauditedWriteError
from cellpath.accounts.models import AuditEvent
from cellpath.care.services import patient_update
from cellpath.care.services.portal import prediction_release
from cellpath.intake.contact.services import contact_message_send
from cellpath.intake.services import application_document_add, application_note_add
from cellpath.programmes.services import submit_card
from tests.evidence.conftest import build_library
from tests.factories import clinical_history
from tests.intake.conftest import criteria_for, submitted
from tests.programmes.kit import make_programme

AUDITED_MODELS = [m for m in apps.get_models() if issubclass(m, AuditedModel)]


def events(action: str, **filters: object):
    return AuditEvent.objects.filter(action=action, **filters)


def test_there_are_audited_models() -> None:
    assert AUDITED_MODELS, "patient data models must inherit AuditedModel"


def test_opening_a_record_is_logged_with_who_and_where(world, client_for) -> None:
    client = client_for("clinician_a")
    client.get(reverse("care:patient-detail", args=[world.patient_a.pk]), REMOTE_ADDR="203.0.113.9")
    event = events("view", object_label=world.patient_a.study_id).get()
    assert event.actor == world.users["clinician_a"]
    assert event.ip_address == "203.0.113.9"
    assert event.site == world.site_a
    assert event.channel == "web"


def test_a_patient_opening_their_own_home_is_logged(world, client_for) -> None:
    client_for("patient_a").get(reverse("home"))
    assert events(
        "view", actor=world.users["patient_a"], object_label=world.patient_a.study_id
    ).exists()


def test_lists_and_exports_name_every_record_shown(world, client_for) -> None:
    client = client_for("coordinator_a")
    client.get(reverse("care:patient-list"))
    client.get(reverse("care:patient-export"))
    listed = events("list", actor=world.users["coordinator_a"]).get()
    exported = events("export", actor=world.users["coordinator_a"]).get()
    for event in (listed, exported):
        assert event.detail["records"] == [world.patient_a.study_id]
    assert exported.detail["format"] == "csv"


def test_a_refused_record_is_not_logged_as_viewed(world, client_for) -> None:
    client_for("coordinator_b").get(reverse("care:patient-detail", args=[world.patient_a.pk]))
    assert not events("view", actor=world.users["coordinator_b"]).exists()


def test_an_update_keeps_the_old_and_the_new_value(world) -> None:
    patient_update(actor=world.users["clinician_a"], patient=world.patient_a, onset_site="limb")
    event = events("update", object_label=world.patient_a.study_id).get()
    assert event.changes == {"onset_site": {"old": "", "new": "limb"}}
    assert event.actor == world.users["clinician_a"]


def test_creation_is_logged_with_every_value(world) -> None:
    created = events("create", object_label=world.patient_a.study_id)
    patient = created.get(object_type="care.patient")
    identity = created.get(object_type="care.patientidentity")
    assert patient.changes["onset_date"] == {"old": None, "new": "2024-03-01"}
    assert identity.changes["full_name"] == {"old": None, "new": "Ada Example"}


@pytest.mark.parametrize("model", AUDITED_MODELS, ids=lambda m: m._meta.label)
def test_no_write_path_bypasses_the_log(model: type[models.Model], world) -> None:
    history = clinical_history(world.patient_a)
    history["services"].spirometry_record(  # unusual, so a data-quality query opens
        actor="test",
        patient=world.patient_a,
        measured_on=date(2024, 12, 2),
        fvc_percent_entered=180,
    )
    build_library()
    programme = make_programme(world.site_a)
    criteria_for(programme)
    application, _ = submitted(programme, {})
    application_note_add(actor=world.users["coordinator_a"], application=application, text="n")
    application_document_add(
        application=application, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 test")
    )
    contact_message_send(
        programme=programme, name="Kim", email="kim@example.org", message="Hello",
        consent_contact=True,
    )  # fmt: skip
    submit_card(
        actor=world.users["coordinator_a"],
        programme=programme,
        content={"rows": []},
        as_of="2026-12-01",
    )
    prediction_release(actor=world.users["clinician_a"], patient=world.patient_a, note="n")
    row = model.objects.first()
    assert row is not None, f"the test should create a {model._meta.label}"
    with pytest.raises(UnauditedWriteError):
        row.save()
    with pytest.raises(UnauditedWriteError):
        row.delete()
    with pytest.raises(UnauditedWriteError):
        model.objects.filter(pk=row.pk).update(pk=row.pk)
    with pytest.raises(UnauditedWriteError):
        model.objects.filter(pk=row.pk).delete()
    with pytest.raises(UnauditedWriteError):
        model.objects.bulk_create([model()])
    with pytest.raises(UnauditedWriteError):
        model.objects.bulk_update([row], fields=[f.name for f in model._meta.concrete_fields][1:2])


def test_no_foreign_key_cascades_into_audited_rows() -> None:
    """Deleting a parent row must never delete (or silently change) audited rows: every
    foreign key of an audited model uses PROTECT."""
    offenders = [
        f"{model._meta.label}.{field.name}"
        for model in AUDITED_MODELS
        for field in model._meta.concrete_fields
        if field.is_relation and field.remote_field.on_delete is not models.PROTECT
    ]
    assert not offenders, offenders


def test_audit_rows_cannot_be_changed_or_deleted_through_the_orm(world) -> None:
    event = AuditEvent.objects.first()
    event.action = "view"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(action="view")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_to_update_audit_rows(world) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_auditevent SET action = 'view'")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE trigger is PostgreSQL's")
def test_postgresql_refuses_to_delete_audit_rows(world) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_auditevent")


def test_the_admin_offers_no_way_to_change_audit_rows(world, client_for) -> None:
    client = client_for("superuser")
    event = AuditEvent.objects.first()
    assert client.get(reverse("admin:accounts_auditevent_add")).status_code == 403
    delete_url = reverse("admin:accounts_auditevent_delete", args=[event.pk])
    assert client.get(delete_url).status_code == 403
    change_page = client.get(reverse("admin:accounts_auditevent_change", args=[event.pk]))
    assert change_page.status_code == 200 and 'name="_save"' not in change_page.content.decode()


def test_administrators_filter_the_log(world, client_for) -> None:
    client_for("clinician_a").get(reverse("care:patient-detail", args=[world.patient_a.pk]))
    page = client_for("administrator_a").get(
        reverse("accounts:audit-log"), {"action": "view", "actor": "clinician.a"}
    )
    html = page.content.decode()
    assert "1 event" in html and "clinician.a@example.org" in html


def test_site_administrators_see_only_their_sites_events(world, client_for) -> None:
    client_for("clinician_a").get(reverse("care:patient-detail", args=[world.patient_a.pk]))
    page = client_for("administrator_b").get(reverse("accounts:audit-log"), {"action": "view"})
    assert "0 events" in page.content.decode()


def test_a_bulk_import_leaves_one_event_with_its_count(world) -> None:
    from cellpath.accounts.audit import audited_bulk_import
    from cellpath.care.models import Weight

    rows = [
        Weight(patient=world.patient_a, measured_on=date(2025, 1, day), kg=Decimal("70.0"))
        for day in range(1, 4)
    ]
    audited_bulk_import(Weight, rows, actor="registry import", source="test.csv")
    event = events("import").get()
    assert event.detail == {"source": "test.csv", "count": 3}
    assert event.site == world.site_a and event.actor_label == "registry import"
    assert Weight.objects.filter(patient=world.patient_a).count() == 3


def test_the_hash_chain_verifies_and_finds_a_changed_or_missing_row(world, client_for) -> None:
    from django.core.management import call_command

    from cellpath.accounts.audit import verify_chain

    client_for("clinician_a").get(reverse("care:patient-detail", args=[world.patient_a.pk]))
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) > 3 and verify_chain(events) is None
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact" in out.getvalue()

    events[2].object_label = "edited"  # as if someone changed a row behind the database's back
    assert verify_chain(events) == events[2].pk
    events = list(AuditEvent.objects.order_by("id"))
    del events[1]  # as if a row had been removed
    assert verify_chain(events) == events[1].pk
