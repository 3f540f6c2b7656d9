"""The cohort export as a data manager meets it: a ZIP of tidy CSVs that hold the data."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest
from django.urls import reverse

from cellpath.accounts.models import AuditEvent
from cellpath.exchange import services
from cellpath.exchange.models import ExportJob
from cellpath.exchange.queries import export_scope
from cellpath.exchange.tables import NAME_RULE, PLAN_TABLE, TABLES
from cellpath.registry.tables import PATIENT_COLUMNS, VISIT_COLUMNS
from cellpath.reports.queries import Filters
from tests.factories import PatientFactory, clinical_history

pytestmark = pytest.mark.django_db


def post(client, url: str, data: dict):
    client.get(reverse("home"))
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def unzip(content: bytes) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))
            for name in archive.namelist()
            if name.endswith(".csv")
        }


def download(response) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/zip"
    return b"".join(response.streaming_content)


@pytest.fixture
def histories(world):
    return clinical_history(world.patient_a), clinical_history(world.patient_b)


def test_a_coordinator_downloads_every_table_of_their_sites_patients(world, client_for, histories):
    files = unzip(
        download(post(client_for("coordinator_a"), reverse("exchange:export"), {"format": "csv"}))
    )
    for table in (*TABLES, PLAN_TABLE):
        assert f"{table.name}.csv" in files
    patients = files["patients.csv"]
    assert [p["study_id"] for p in patients] == [world.patient_a.study_id]
    assert patients[0]["full_name"] == "Ada Example"  # a coordinator of the patient's site
    assert patients[0]["onset_date"] == "2024-03-01"
    alsfrs = files["alsfrs_r.csv"]
    assert [(r["assessed_on"], r["alsfrs_r_total"]) for r in alsfrs] == [
        ("2024-09-02", "40"),
        ("2024-12-02", "38"),
    ]
    assert alsfrs[0]["q5a"] == "3" and alsfrs[0]["q5b"] == ""
    (dose,) = files["doses.csv"]
    assert dose["lot_number"] == f"LOT-{world.patient_a.study_id}-1"
    assert dose["dose_cells"] == "100000000"
    (spirometry,) = files["spirometry.csv"]
    assert spirometry["fvc_litres"] == "3.10" and spirometry["fvc_percent_source"] in {
        "computed",
        "",
    }
    (event,) = files["adverse_events.csv"]
    assert event["serious"] == "0" and event["grade"] == "1"
    (consent,) = files["consents.csv"]
    assert consent["purpose"] == "treatment"
    # created/modified by and at on every row of every stamped table
    for table in TABLES:
        for row in files[f"{table.name}.csv"]:
            assert row["created_by"] == "test factory", table.name
            assert row["modified_at"].endswith("Z"), table.name


def test_a_clinician_gets_no_names_and_the_export_is_audited_with_its_study_ids(
    world, client_for, histories
):
    files = unzip(
        download(post(client_for("clinician_a"), reverse("exchange:export"), {"format": "csv"}))
    )
    (patient,) = files["patients.csv"]
    assert patient["full_name"] == "" and patient["email"] == ""
    assert "full_name" in patient  # the column is there, empty
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).latest("pk")
    assert event.actor == world.users["clinician_a"]
    assert event.detail["records"] == [world.patient_a.study_id]
    assert event.detail["format"] == "csv (zip)"


def test_every_column_is_present_and_named_for_spss_stata_and_r_even_when_empty(world, client_for):
    files = unzip(
        download(
            post(
                client_for("coordinator_b"),
                reverse("exchange:export"),
                {"format": "csv", "cell_type": "msc"},
            )
        )
    )
    dictionary = files["data_dictionary.csv"]
    for table in (*TABLES, PLAN_TABLE):
        with zipfile.ZipFile(io.BytesIO(b"")) if False else open("/dev/null"):
            pass
        names = [row["column"] for row in dictionary if row["file"] == f"{table.name}.csv"]
        assert names == table.header
        for name in names:
            assert NAME_RULE.fullmatch(name), name
        assert len(set(names)) == len(names)
    assert files["patients.csv"] == []  # no course matches: header only


def test_the_outcomes_files_are_the_cellpath_outcomes_contract(world, client_for, histories):
    files = unzip(
        download(post(client_for("coordinator_a"), reverse("exchange:export"), {"format": "csv"}))
    )
    (patient,) = files["outcomes/PATIENTS.csv"]
    assert list(patient) == list(PATIENT_COLUMNS)
    assert patient["patient_id"] == world.patient_a.study_id
    assert patient["treatment_date"] == "2024-09-02"
    assert patient["last_contact_date"] == "2024-12-02"
    visits = files["outcomes/VISITS.csv"]
    assert list(visits[0]) == list(VISIT_COLUMNS)
    assert [v["visit_date"] for v in visits] == ["2024-09-02", "2024-12-02"]


def test_the_outcomes_files_run_through_cellpath_outcomes(world, client_for, histories, tmp_path):
    from cellpath.registry.commands import outcomes_main

    content = download(
        post(client_for("coordinator_a"), reverse("exchange:export"), {"format": "csv"})
    )
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        archive.extractall(tmp_path)
    out = tmp_path / "out"
    status = outcomes_main(
        [
            "--patients",
            str(tmp_path / "outcomes/PATIENTS.csv"),
            "--visits",
            str(tmp_path / "outcomes/VISITS.csv"),
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert status == 0
    visits = list(csv.DictReader((out / "visits.csv").open()))
    assert [v["total"] for v in visits] == ["40", "38"]


def test_filters_narrow_the_cohort_to_patients_with_a_matching_course(world, histories):
    other = PatientFactory(site=world.site_a, full_name="Cy Untreated")
    user = world.users["coordinator_a"]
    everyone = export_scope(user=user, filters=Filters())
    assert set(everyone.patients.values_list("pk", flat=True)) == {world.patient_a.pk, other.pk}
    treated = export_scope(user=user, filters=Filters(treated_from=date(2024, 9, 1)))
    assert list(treated.patients.values_list("pk", flat=True)) == [world.patient_a.pk]
    later = export_scope(user=user, filters=Filters(treated_from=date(2025, 1, 1)))
    assert not later.patients.exists()


def test_a_large_cohort_is_built_in_the_background_and_downloaded_by_its_owner_only(
    world, client_for, histories, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "INLINE_PATIENTS", 0)
    client = client_for("coordinator_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, reverse("exchange:export"), {"format": "csv"})
    assert response.status_code == 302
    job = ExportJob.objects.get(user=world.users["coordinator_a"])
    assert job.status == ExportJob.Status.DONE and job.patients == 1
    page = client.get(reverse("exchange:export"))
    link = reverse("exchange:export-download", args=[job.pk])
    assert link in page.content.decode()
    files = unzip(download(client.get(link)))
    assert len(files["patients.csv"]) == 1
    downloaded = AuditEvent.objects.filter(object_type="exchange.exportjob").latest("pk")
    assert downloaded.detail["downloaded"] is True
    assert client_for("coordinator_b").get(link).status_code == 404


def test_an_expired_export_is_deleted_and_no_longer_downloads(world, client_for, histories):
    job = services.start_export(user=world.users["coordinator_a"], filters=Filters(), fmt="csv")
    services.build_export.call(job_id=job.pk)
    job.refresh_from_db()
    path = services.export_file(job)
    assert path is not None and path.is_file()
    ExportJob.objects.filter(pk=job.pk).update(expires_at=job.created_at)
    assert services.expire_exports() == 1
    assert not path.exists()
    link = reverse("exchange:export-download", args=[job.pk])
    assert client_for("coordinator_a").get(link).status_code == 404


def test_invalid_filters_are_refused_next_to_the_field(world, client_for):
    response = post(
        client_for("coordinator_a"),
        reverse("exchange:export"),
        {"format": "csv", "treated_from": "2025-01-01", "treated_to": "2024-01-01"},
    )
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()
    response = post(client_for("coordinator_a"), reverse("exchange:export"), {"format": "xml"})
    assert response.status_code == 400
