"""A patient downloads everything Cellpath holds about them, as JSON and as CSV (GDPR Art. 15
and 20); each download is in the audit log; nothing of anyone else is in it."""

from __future__ import annotations

import csv
import io
import json

from django.urls import reverse

from cellpath.accounts.models import AuditEvent
from tests.factories import clinical_history

TABLES = {
    "medications",
    "consents",
    "treatment_courses",
    "harvests",
    "lots",
    "doses",
    "visits",
    "alsfrs_r",
    "spirometry",
    "adverse_events",
    "weights",
    "updates",
    "erasure_requests",
}


def test_the_json_file_holds_the_whole_record(world, client_for) -> None:
    clinical_history(world.patient_a)
    clinical_history(world.patient_b)
    response = client_for("patient_a").get(reverse("care:portal-data-json"))
    assert response["Content-Disposition"].startswith('attachment; filename="cellpath-AAA-0001-')
    data = json.loads(response.content)
    assert data["study_id"] == "AAA-0001"
    assert data["identity"]["full_name"] == "Ada Example"
    assert data["identity"]["sign_in_email"] == "patient.a@example.org"
    assert data["patient"]["date_of_birth"] == "1960-05-01" and data["patient"]["site"] == "Site A"
    assert set(data) >= TABLES
    assert all(data[name] for name in TABLES - {"erasure_requests"})
    assert [row["total"] for row in data["alsfrs_r"]] == [40, 38]  # computed, never typed
    assert data["lots"][0]["lot_number"] == "LOT-AAA-0001-1"
    assert data["treatment_courses"][0]["programme"] == "Demo MSC programme"
    assert data["doses"][0]["dose_cells"] == 100_000_000
    assert "LOT-BBB-0001-1" not in response.content.decode()
    assert "entered_by_id" not in data["alsfrs_r"][0]  # staff accounts are not exported


def test_the_csv_file_has_one_line_per_value_with_its_table(world, client_for) -> None:
    clinical_history(world.patient_a)
    response = client_for("patient_a").get(reverse("care:portal-data-csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert set(rows[0]) == {"table", "record", "field", "value"}
    assert {"identity", "patient"} | (TABLES - {"erasure_requests"}) <= {r["table"] for r in rows}
    values = {(r["table"], r["field"]): r["value"] for r in rows}
    assert values[("identity", "full_name")] == "Ada Example"
    assert values[("updates", "text")] == "Walking a little less."
    assert values[("consents", "given_on")] == "2024-08-01"


def test_each_download_is_recorded_as_an_export(world, client_for) -> None:
    history = clinical_history(world.patient_a)
    client_for("patient_a").get(reverse("care:portal-data-csv"))
    event = AuditEvent.objects.get(action="export", actor=world.users["patient_a"])
    assert (event.object_type, event.detail["format"]) == ("care.patient", "csv")
    assert event.site_id == world.site_a.pk
    assert event.detail["records"][0] == "AAA-0001"
    assert f"AAA-0001 lot {history['batch'].lot_number}" in event.detail["records"]
    assert event.detail["count"] > 20


def test_the_export_runs_a_bounded_number_of_queries(
    world, client_for, django_assert_max_num_queries
) -> None:
    clinical_history(world.patient_a)
    client = client_for("patient_a")
    with django_assert_max_num_queries(30):
        assert client.get(reverse("care:portal-data-json")).status_code == 200


def test_the_page_explains_both_formats(world, client_for) -> None:
    page = client_for("patient_a").get(reverse("care:portal-data")).content.decode()
    assert f'href="{reverse("care:portal-data-json")}"' in page
    assert f'href="{reverse("care:portal-data-csv")}"' in page
    assert "GDPR articles 15 and 20" in page
