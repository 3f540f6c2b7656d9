"""Non-invasive ventilation more than 23 hours a day: the third ENCALS endpoint (Westeneng 2018),
beside tracheostomy and death, dated on the patient record, checked like the record's other
dates, shown on the record and the progression page, and carried by every export."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cellpath.accounts.models import AuditEvent
from cellpath.care import services
from cellpath.care.models import Patient
from cellpath.care.queries.profile import record_profile
from cellpath.site.demo_histories import synthetic_patients
from tests.care.test_patient_records import export_rows
from tests.care.test_progression_figures import worked_patient
from tests.care.test_progression_survival import progression_of

FIELD = "niv_full_time_date"
LABEL = "Non-invasive ventilation more than 23 hours a day"


def post(client, url: str, data: dict[str, str]):
    token = client.get(url).cookies["csrftoken"].value
    return client.post(url, {"csrfmiddlewaretoken": token, **data})


def edit(client, patient: Patient, **clinical: str):
    """The record's edit form as a clinician sends it: every clinical field not given is empty."""
    url = reverse("care:patient-edit", args=[patient.pk])
    return post(client, url, {f"clinical-{name}": value for name, value in clinical.items()})


def error_next_to_the_field(page: str, message: str) -> bool:
    return f'<p class="error" id="id_clinical-{FIELD}-error">{message}</p>' in page


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            {"niv_full_time_date": "2024-02-01"},
            "Ventilation more than 23 hours a day cannot be before symptom onset.",
        ),
        (
            {"niv_date": "2024-09-01", "niv_full_time_date": "2024-08-31"},
            "Ventilation more than 23 hours a day cannot be before non-invasive ventilation "
            "started.",
        ),
        (
            {"niv_full_time_date": str(timezone.localdate() + timedelta(days=1))},
            "This date is in the future.",
        ),
    ],
    ids=["before onset", "before NIV started", "in the future"],
)
def test_a_date_that_cannot_be_is_refused_next_to_the_field_and_nothing_is_saved(
    world, client_for, given: dict[str, str], message: str
) -> None:
    response = edit(client_for("clinician_a"), world.patient_a, onset_date="2024-03-01", **given)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing has been saved yet." in page
    assert error_next_to_the_field(page, message)
    world.patient_a.refresh_from_db()
    assert world.patient_a.niv_full_time_date is None and world.patient_a.niv_date is None


def test_the_service_refuses_it_too_with_the_message_on_the_field(world) -> None:
    with pytest.raises(ValidationError) as refused:
        services.patient_update(
            actor=world.users["clinician_a"],
            patient=world.patient_a,
            niv_date=date(2024, 9, 1),
            niv_full_time_date=date(2024, 6, 1),
        )
    assert refused.value.message_dict == {
        FIELD: [
            "Ventilation more than 23 hours a day cannot be before non-invasive ventilation "
            "started."
        ]
    }


def test_a_date_is_saved_shown_on_the_record_and_in_the_audit_log(world, client_for) -> None:
    client = client_for("clinician_a")
    response = edit(
        client,
        world.patient_a,
        onset_date="2024-03-01",
        niv_date="2024-09-01",
        niv_full_time_date="2025-01-15",
    )
    assert response.status_code == 302
    world.patient_a.refresh_from_db()
    assert world.patient_a.niv_full_time_date == date(2025, 1, 15)

    record = client.get(reverse("care:patient-detail", args=[world.patient_a.pk]))
    summary = record.content.decode()
    assert f"<dt>{LABEL}</dt><dd>since 15 January 2025</dd>" in summary
    assert summary.index("since 1 September 2024") < summary.index("since 15 January 2025")
    form = client.get(reverse("care:patient-edit", args=[world.patient_a.pk])).content.decode()
    assert f'name="clinical-{FIELD}" value="2025-01-15"' in form  # back in the form, to edit

    change = AuditEvent.objects.get(
        action="update", object_type="care.patient", actor=world.users["clinician_a"]
    )
    assert change.changes[FIELD] == {"old": None, "new": "2025-01-15"}
    assert change.object_label == world.patient_a.study_id


def test_without_a_date_of_niv_start_a_full_time_date_is_accepted(world) -> None:
    services.patient_update(
        actor=world.users["clinician_a"],
        patient=world.patient_a,
        niv_full_time_date=date(2025, 1, 15),
    )
    world.patient_a.refresh_from_db()
    assert (world.patient_a.niv_date, world.patient_a.niv_full_time_date) == (
        None,
        date(2025, 1, 15),
    )


def test_the_staff_export_has_the_column_beside_niv_start(world, client_for) -> None:
    services.patient_update(
        actor="test factory",
        patient=world.patient_a,
        niv_date=date(2024, 9, 1),
        niv_full_time_date=date(2025, 1, 15),
    )
    (row,) = export_rows(client_for("clinician_a"))
    columns = list(row)
    assert columns.index(FIELD) == columns.index("niv_date") + 1
    assert columns.index("tracheostomy_date") == columns.index(FIELD) + 1
    assert (row["niv_date"], row[FIELD], row["tracheostomy_date"]) == (
        "2024-09-01",
        "2025-01-15",
        "",
    )


def test_the_patients_own_downloads_carry_it(world, client_for) -> None:
    services.patient_update(
        actor="test factory", patient=world.patient_a, niv_full_time_date=date(2025, 1, 15)
    )
    client = client_for("patient_a")
    data = json.loads(client.get(reverse("care:portal-data-json")).content)
    assert data["patient"][FIELD] == "2025-01-15"
    body = client.get(reverse("care:portal-data-csv")).content.decode("utf-8-sig")
    values = {(r["table"], r["field"]): r["value"] for r in csv.DictReader(io.StringIO(body))}
    assert values[("patient", FIELD)] == "2025-01-15"


def test_the_trial_screening_profile_counts_it_as_24_hours_a_day(world) -> None:
    coordinator = world.users["coordinator_a"]

    def hours(**fields: object) -> float | None:
        services.patient_update(actor="test factory", patient=world.patient_a, **fields)
        profile = record_profile(user=coordinator, patient=world.patient_a, today=date(2025, 6, 1))
        return profile.niv_hours_per_day

    assert hours() == 0  # no NIV recorded
    assert hours(niv_date=date(2024, 9, 1)) is None  # on NIV, hours not known
    assert hours(niv_full_time_date=date(2025, 1, 15)) == 24
    # after a tracheostomy the ventilation is no longer by mask: its hours are not known
    assert hours(tracheostomy_date=date(2025, 4, 1)) is None


def test_the_progression_page_counts_it_as_an_endpoint_event(world, client_for) -> None:
    patient = worked_patient(world.site_a)  # onset 15 January 2022
    services.patient_update(
        actor="test factory",
        patient=patient,
        niv_date=date(2023, 3, 1),
        niv_full_time_date=date(2023, 11, 1),
    )
    p = progression_of(world, patient)
    observed = p.survival.observed
    assert observed.kind == "niv_full_time" and observed.day == date(2023, 11, 1)
    assert observed.text == (
        "Non-invasive ventilation more than 23 hours a day from 21.5 months since onset "
        "(1 November 2023), which the model counts as an event."
    )
    assert [e.text for e in p.events if e.day == date(2023, 11, 1)] == [LABEL]
    page = client_for("clinician_a").get(reverse("care:patient-progression", args=[patient.pk]))
    assert observed.text in page.content.decode()

    # a later tracheostomy does not move the event; an earlier one is the event
    services.patient_update(
        actor="test factory", patient=patient, tracheostomy_date=date(2023, 12, 1)
    )
    assert progression_of(world, patient).survival.observed.kind == "niv_full_time"
    services.patient_update(
        actor="test factory", patient=patient, tracheostomy_date=date(2023, 10, 1)
    )
    assert progression_of(world, patient).survival.observed.kind == "tracheostomy"


def test_the_demo_has_full_time_niv_after_niv_began_and_never_after_death() -> None:
    today = timezone.localdate()
    records = [s.clinical for s in synthetic_patients(40, today=today)]
    full_time = [r for r in records if r[FIELD]]
    assert len(full_time) >= 2
    for record in full_time:
        assert record["niv_date"] and record["niv_date"] + timedelta(days=90) <= record[FIELD]
        assert record["death_date"] is None or record[FIELD] <= record["death_date"]
        assert record[FIELD] <= today
    for record in records:  # each obeys the rules a real record does
        Patient(**record).clean()
