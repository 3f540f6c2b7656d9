"""The audit log as a CSV file (issue 19): the page's filters, plain names for actions and record
types, formulas neutralised, the export itself audited; and the page shows the same plain names."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from cellpath.accounts.audit import record
from cellpath.accounts.models import AuditEvent

EXPORT = reverse("accounts:audit-export")


def _rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_has_plain_names_and_is_audited(world, client_for) -> None:
    client_for("clinician_a").get(reverse("care:patient-detail", args=[world.patient_a.pk]))
    rows = _rows(client_for("administrator_a").get(EXPORT, {"action": "view"}))
    assert rows, "the view of patient A is in site A's log"
    assert {row["Action"] for row in rows} == {"Viewed"}
    viewed = next(row for row in rows if row["Record"] == world.patient_a.study_id)
    assert viewed["Record type"] == "Patient"
    assert viewed["Who"] == "clinician.a@example.org"
    assert viewed["Site"] == "AAA"
    export = AuditEvent.objects.get(action="export", actor=world.users["administrator_a"])
    assert export.object_type == "accounts.auditevent"
    assert export.detail["format"] == "csv"
    assert export.detail["count"] == len(rows)
    assert export.detail["filters"] == {"action": "view"}
    assert export.site == world.site_a


def test_the_export_keeps_to_the_administrators_sites_and_filters(world, client_for) -> None:
    record("system part", AuditEvent.Action.VIEW, object_label="A-ROW", site_id=world.site_a.pk)
    record("system part", AuditEvent.Action.VIEW, object_label="B-ROW", site_id=world.site_b.pk)
    rows = _rows(client_for("administrator_a").get(EXPORT))
    labels = {row["Record"] for row in rows}
    assert "A-ROW" in labels and "B-ROW" not in labels
    only = _rows(client_for("administrator_a").get(EXPORT, {"record": "A-ROW"}))
    assert [row["Record"] for row in only] == ["A-ROW"]


def test_the_who_filter_is_not_written_in_clear(world, client_for) -> None:
    client_for("administrator_a").get(EXPORT, {"actor": "clinician.a@"})
    export = AuditEvent.objects.get(action="export", actor=world.users["administrator_a"])
    assert export.detail["filters"] == {"actor": "***"}


def test_spreadsheet_formulas_are_neutralised(world, client_for) -> None:
    record(
        '=HYPERLINK("http://evil.example","x")',
        AuditEvent.Action.VIEW,
        object_label="+1+1",
        site_id=world.site_a.pk,
        detail={"note": "x"},
    )
    record("@SUM(A1)", AuditEvent.Action.VIEW, object_label="-2", site_id=world.site_a.pk)
    rows = _rows(client_for("administrator_a").get(EXPORT))
    evil = next(row for row in rows if "HYPERLINK" in row["Who"])
    assert evil["Who"].startswith("'=") and evil["Record"] == "'+1+1"
    at = next(row for row in rows if "SUM" in row["Who"])
    assert at["Who"] == "'@SUM(A1)" and at["Record"] == "'-2"
    for row in rows:
        for cell in row.values():
            assert cell[:1] not in {"=", "+", "-", "@"}, row


def test_bad_filters_give_the_unfiltered_file_not_an_error(world, client_for) -> None:
    client = client_for("administrator_a")
    for params in ({"date_from": "not a date"}, {"action": "nonsense"}, {"actor": "x" * 400}):
        assert client.get(EXPORT, params).status_code == 200


def test_the_page_shows_plain_names_and_links_the_export(world, client_for) -> None:
    client_for("clinician_a").get(reverse("care:patient-detail", args=[world.patient_a.pk]))
    html = client_for("administrator_a").get(reverse("accounts:audit-log"), {"action": "view"})
    text = html.content.decode()
    assert "Viewed" in text and f"Patient {world.patient_a.study_id}" in text
    assert "care.patient" not in text
    assert f'href="{EXPORT}?action=view"' in text
