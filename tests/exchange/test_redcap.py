"""REDCap: the exported project (dictionary, events, records), the mapping file, the importer's
dry run and its all-or-nothing application, the round trip between two sites, the command and
the staff page."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from cellpath.accounts.models import AuditEvent
from cellpath.care import services
from cellpath.care.models import AlsfrsR, DataQuery, Patient, Spirometry, Visit
from cellpath.exchange.cohort_csv import write_outcomes_patients, write_outcomes_visits
from cellpath.exchange.models import ExternalRecord
from cellpath.exchange.queries import export_scope
from cellpath.exchange.redcap.export import write_redcap_zip
from cellpath.exchange.redcap.importer import (
    ImportRefusedError,
    apply_import,
    plan_import,
)
from cellpath.exchange.redcap.mapping import MappingError, read_mapping
from cellpath.exchange.redcap.project import DICTIONARY_HEADER, FIELDS, VARIABLE_NAME
from cellpath.outcomes import cohort
from cellpath.registry.tables import parse_patients, parse_visits
from cellpath.reports.queries import Filters
from tests.factories import PatientFactory, clinical_history

pytestmark = pytest.mark.django_db


def _export(world, site=None) -> dict[str, str]:
    user = world.users["coordinator_a" if site in (None, world.site_a) else "coordinator_b"]
    scope = export_scope(user=user, filters=Filters(site=(site or world.site_a).pk))
    buffer = io.BytesIO()
    write_redcap_zip(scope, buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _cohort(world) -> list[Patient]:
    """Three patients with a full history; one answers 5b (gastrostomy), one has a second
    course whose visits are unscheduled in REDCap, one died."""
    patients = []
    for n in range(3):
        patient = PatientFactory(site=world.site_a, full_name=f"Person {n}", onset_site="limb")
        clinical_history(patient)
        items = dict(q1=3, q2=3, q3=3, q4=2, q6=2, q7=2, q8=1, q9=1, q10=3, q11=4, q12=4)
        five = {"q5b": 2} if n == 1 else {"q5a": 2}
        services.alsfrs_r_record(
            actor="test",
            patient=patient,
            assessed_on=date(2025, 3, 3 + n),
            respondent="phone",
            items={**items, **five},
        )
        services.spirometry_record(
            actor="test",
            patient=patient,
            measured_on=date(2025, 3, 3 + n),
            fvc_litres=Decimal(f"2.{n}0"),
        )
        patients.append(patient)
    services.course_start(
        actor="test",
        patient=patients[2],
        programme_name="Second",
        cell_type="msc",
        donor="autologous",
        tissue="bone_marrow",
        route="intrathecal",
        started_on=date(2025, 4, 1),
    )
    services.patient_update(  # the cause of death goes to REDCap and back with its date
        actor="test",
        patient=patients[0],
        death_date=date(2025, 5, 1),
        death_cause="Respiratory failure",
    )
    return patients


def _import(files: dict[str, str], site, actor, records: str | None = None):
    mapping = read_mapping(files["mapping.csv"].encode())
    data = (records if records is not None else files["records.csv"]).encode()
    return plan_import(data, mapping, site=site, actor=actor)


# --- the export -------------------------------------------------------------------------------


def test_dictionary_has_redcaps_18_columns_and_valid_names(world):
    files = _export(world)
    rows = _rows(files["data_dictionary.csv"])
    assert tuple(rows[0]) == DICTIONARY_HEADER and len(rows[0]) == 18
    assert all(len(r) == 18 for r in rows)
    names = [r[0] for r in rows[1:]]
    assert names[0] == "record_id" and len(set(names)) == len(names)
    assert all(VARIABLE_NAME.fullmatch(n) for n in names)
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["alsfrs_q1"][5].startswith("4, Normal speech processes | 3, ")
    assert by_name["alsfrs_q5a"][11] == "[alsfrs_gastrostomy] = '0'"
    assert by_name["alsfrs_q5b"][11] == "[alsfrs_gastrostomy] = '1'"
    assert by_name["alsfrs_total"][3] == "calc"
    assert by_name["onset_date"][7] == "date_ymd"
    assert by_name["fvc_litres"][7:10] == ["number", "0.1", "10"]
    assert {r[1] for r in rows[1:]} >= {"enrolment", "alsfrs_r", "adverse_events", "doses"}
    assert not {"full_name", "email", "phone"} & set(names)


def test_events_designations_and_repeating_setup(world):
    files = _export(world)
    events = _rows(files["events.csv"])
    assert events[0] == [
        "event_name", "arm_num", "unique_event_name", "custom_event_label",
        "day_offset", "offset_min", "offset_max",
    ]  # fmt: skip
    unique = [e[2] for e in events[1:]]
    assert unique[0] == "enrolment_arm_1" and unique[-1] == "unscheduled_arm_1"
    assert {"baseline_arm_1", "week_2_arm_1", "month_6_arm_1", "month_60_arm_1"} <= set(unique)
    designations = _rows(files["instrument_designations.csv"])
    assert designations[0] == ["arm_num", "unique_event_name", "form"]
    assert ["1", "enrolment_arm_1", "adverse_events"] in designations
    assert ["1", "month_6_arm_1", "alsfrs_r"] in designations
    repeating = _rows(files["repeating_instruments.csv"])
    assert repeating[0] == ["event_name", "form_name", "custom_form_label"]
    assert ["unscheduled_arm_1", "", ""] in repeating


def test_every_column_is_present_even_for_an_empty_cohort(world):
    files = _export(world, world.site_b)  # patient_b has nothing recorded
    rows = _rows(files["records.csv"])
    header = rows[0]
    assert header[:5] == [
        "record_id", "redcap_event_name", "redcap_repeat_instrument",
        "redcap_repeat_instance", "redcap_data_access_group",
    ]  # fmt: skip
    names = [f.name for f in FIELDS]
    assert set(names) <= set(header)
    assert {"enrolment_complete", "alsfrs_r_complete", "doses_complete"} <= set(header)
    assert all(len(r) == len(header) for r in rows)
    Patient.objects.filter(site=world.site_b)  # still one patient: one enrolment row
    assert [r[1] for r in rows[1:]] == ["enrolment_arm_1"]


def test_records_place_visits_in_events_and_keep_names_out(world):
    patients = _cohort(world)
    files = _export(world)
    assert "Person 0" not in files["records.csv"]
    rows = _rows(files["records.csv"])
    header = rows[0]
    records = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    mine = [r for r in records if r["record_id"] == patients[0].study_id]
    events = [(r["redcap_event_name"], r["redcap_repeat_instrument"]) for r in mine]
    assert events[0] == ("enrolment_arm_1", "")
    assert ("enrolment_arm_1", "adverse_events") in events
    assert ("enrolment_arm_1", "doses") in events
    baseline = next(r for r in mine if r["redcap_event_name"] == "baseline_arm_1")
    assert baseline["alsfrs_date"] == "2024-09-02" and baseline["alsfrs_r_complete"] == "2"
    assert baseline["alsfrs_total"] == "40" and baseline["alsfrs_gastrostomy"] == "0"
    gastro = next(r for r in records if r["record_id"] == patients[1].study_id and r["alsfrs_q5b"])
    assert gastro["alsfrs_gastrostomy"] == "1" and gastro["alsfrs_q5a"] == ""


# --- the round trip ---------------------------------------------------------------------------


def _outcomes(world, site, tmp_path: Path, name: str) -> dict[str, dict[str, object]]:
    """`cohort.compute` on the site's outcomes contract files, per study ID."""
    user = world.users["coordinator_a" if site == world.site_a else "coordinator_b"]
    scope = export_scope(user=user, filters=Filters(site=site.pk))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        write_outcomes_patients(archive, scope)
        write_outcomes_visits(archive, scope)
    folder = tmp_path / name
    folder.mkdir()
    with zipfile.ZipFile(buffer) as archive:
        archive.extractall(folder)
    patients = parse_patients(folder / "outcomes" / "PATIENTS.csv", "PATIENTS.csv")
    visits = parse_visits(folder / "outcomes" / "VISITS.csv", "VISITS.csv", patients, "P")
    assert not patients.problems and not visits.problems
    result = cohort.compute(patients.table, visits.table)
    ids = [i.decode() if isinstance(i, bytes) else str(i) for i in patients.ids]
    out: dict[str, dict[str, object]] = {}
    for row, study_id in enumerate(ids):
        mask = result.visits["patient_id"] == patients.table["patient_id"][row]
        out[study_id] = {
            "totals": result.visits["total"][mask].tolist(),
            "dates": result.visits["visit_date"][mask].astype(str).tolist(),
            "kings": result.visits["kings"][mask].tolist(),
            "mitos": result.visits["mitos"][mask].tolist(),
            "delta_fs": result.patients["delta_fs"][row],
            "slope_ols": result.patients["slope_ols"][row],
        }
    return out


def test_round_trip_into_an_empty_site(world, tmp_path):
    patients = _cohort(world)
    files = _export(world)
    plan = _import(files, world.site_b, world.users["coordinator_b"])
    assert plan.problems == [] and plan.refused == [], plan.refused[:3]
    counts = apply_import(plan, actor=world.users["coordinator_b"])
    assert counts["add"] > 0 and counts["refused"] == 0

    links = {
        link.record_id: link.patient
        for link in ExternalRecord.objects.filter(site=world.site_b).select_related("patient")
    }
    assert set(links) >= {p.study_id for p in patients}
    for source in patients:
        copy = links[source.study_id]
        assert copy.site == world.site_b
        for name in services.EDITABLE_FIELDS:
            assert getattr(copy, name) == getattr(source, name), name
        mine = AlsfrsR.objects.filter(patient=source).order_by("assessed_on")
        theirs = AlsfrsR.objects.filter(patient=copy).order_by("assessed_on")
        assert [(a.assessed_on, a.items(), a.respondent) for a in mine] == [
            (a.assessed_on, a.items(), a.respondent) for a in theirs
        ]
        fvc = Spirometry.objects.filter(patient=source).order_by("measured_on")
        fvc_copy = Spirometry.objects.filter(patient=copy).order_by("measured_on")
        assert [(s.measured_on, s.fvc_litres) for s in fvc] == [
            (s.measured_on, s.fvc_litres) for s in fvc_copy
        ]
        assert Visit.objects.filter(patient=copy, visit_date__isnull=False).exists()

    a = _outcomes(world, world.site_a, tmp_path, "a")
    b = _outcomes(world, world.site_b, tmp_path, "b")
    for source in patients:
        mine, theirs = a[source.study_id], b[links[source.study_id].study_id]
        for key in ("totals", "dates", "kings", "mitos"):
            assert mine[key] == theirs[key], key
        for key in ("delta_fs", "slope_ols"):
            assert np.isclose(mine[key], theirs[key], equal_nan=True), key


def test_second_import_changes_nothing(world):
    _cohort(world)
    files = _export(world)
    coordinator = world.users["coordinator_b"]
    apply_import(_import(files, world.site_b, coordinator), actor=coordinator)
    before = AuditEvent.objects.count()
    patients = Patient.objects.count()
    again = _import(files, world.site_b, coordinator)
    assert again.applicable
    assert {row.action for row in again.rows} <= {"unchanged", "skipped"}, [
        (row.line, row.changes) for row in again.rows if row.action == "update"
    ][:5]
    apply_import(again, actor=coordinator)
    assert Patient.objects.count() == patients
    new = AuditEvent.objects.order_by("id")[before:]
    assert [e.action for e in new] == [AuditEvent.Action.IMPORT]
    assert new[0].detail["sha256"] == again.sha256 and new[0].detail["unchanged"] > 0


def test_changed_values_update_the_same_patient(world):
    patients = _cohort(world)
    files = _export(world)
    coordinator = world.users["coordinator_b"]
    apply_import(_import(files, world.site_b, coordinator), actor=coordinator)
    text = files["records.csv"].replace(",2024-12-02,", ",2024-12-02,", 1)
    header, *rows = _rows(text)
    i_q1 = header.index("alsfrs_q1")
    target = next(r for r in rows if r[0] == patients[0].study_id and r[i_q1])
    target[i_q1] = "0"
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    plan = _import(files, world.site_b, coordinator, out.getvalue())
    changed = [r for r in plan.rows if r.action == "update"]
    assert len(changed) == 1 and "q1" in changed[0].changes[0]
    apply_import(plan, actor=coordinator)
    copy = ExternalRecord.objects.get(site=world.site_b, record_id=patients[0].study_id).patient
    assert AlsfrsR.objects.filter(patient=copy, q1=0).count() == 1


# --- bad input --------------------------------------------------------------------------------

MAPPING = """kind,redcap,cellpath
setting,source,redcap:test
event,enrolment_arm_1,enrolment
event,baseline_arm_1,Baseline
field,sex,patient.sex
choice,sex=1,M
choice,sex=2,F
field,onset_date,patient.onset_date
field,alsfrs_date,alsfrs_r.assessed_on
""" + "".join(
    f"field,alsfrs_{k},alsfrs_r.{k}\n"
    for k in ("q1", "q2", "q3", "q4", "q5a", "q5b", "q6", "q7", "q8", "q9", "q10", "q11", "q12")
)
HEADER = (
    "record_id,redcap_event_name,sex,onset_date,alsfrs_date,"
    + ",".join(
        f"alsfrs_{k}"
        for k in ("q1", "q2", "q3", "q4", "q5a", "q5b", "q6", "q7", "q8", "q9", "q10", "q11")
    )
    + ",alsfrs_q12,alsfrs_r_complete\n"
)
GOOD_ITEMS = "4,4,4,4,4,,4,4,4,4,4,4,4"


def _enrol(record: str = "R1", sex: str = "1", onset: str = "2024-01-05") -> str:
    return ",".join([record, "enrolment_arm_1", sex, onset, *[""] * 15]) + "\n"


def _plan(world, records: str | bytes, *, actor="coordinator_b", mapping=MAPPING):
    data = records.encode() if isinstance(records, str) else records
    return plan_import(
        data, read_mapping(mapping.encode()), site=world.site_b, actor=world.users[actor]
    )


def _refused(plan) -> list[str]:
    return [reason for row in plan.refused for reason in row.reasons]


def test_a_good_file_plans_adds(world):
    plan = _plan(
        world,
        HEADER + _enrol() + f"R1,baseline_arm_1,,,2024-06-01,{GOOD_ITEMS},2\n",
    )
    assert plan.applicable, _refused(plan) + plan.problems
    assert [r.action for r in plan.rows] == ["add", "add"]
    apply_import(plan, actor=world.users["coordinator_b"])
    patient = ExternalRecord.objects.get(record_id="R1", source="redcap:test").patient
    assert patient.sex == "M" and patient.onset_date == date(2024, 1, 5)
    assert patient.identity.full_name == "REDCap record R1"
    assert AlsfrsR.objects.get(patient=patient).q1 == 4


def test_what_an_import_brings_in_that_is_unusual_becomes_a_query(world):
    """The data-quality rules run over every patient a file touches, as on any save: item 12 at
    3 (BiPAP) with no NIV date on the record opens a query (issue 18)."""
    bipap = GOOD_ITEMS[:-1] + "3"
    plan = _plan(world, HEADER + _enrol() + f"R1,baseline_arm_1,,,2024-06-01,{bipap},2\n")
    apply_import(plan, actor=world.users["coordinator_b"])
    patient = ExternalRecord.objects.get(record_id="R1", source="redcap:test").patient
    (query,) = DataQuery.objects.filter(patient=patient)
    assert query.rule == "ventilation" and query.status == DataQuery.Status.OPEN


BAD_ROWS = [
    (f"R1,month_9_arm_1,,,2024-06-01,{GOOD_ITEMS},2\n", "event 'month_9_arm_1' is not in"),
    (_enrol("R2", sex="7"), "sex: '7' is not a code"),
    (_enrol("R2", onset="05/01/2024"), "is not a date written YYYY-MM-DD"),
    (_enrol("R2", onset="2024-02-30"), "not a date of the calendar"),
    (f"R1,baseline_arm_1,,,2024-06-01,5,{GOOD_ITEMS[2:]},2\n", "Ensure this value is less"),
    (f"R1,baseline_arm_1,,,2024-06-01,{GOOD_ITEMS.replace(',,', ',3,')},2\n", "Answer item 5"),
    (f"R1,baseline_arm_1,,,2099-06-01,{GOOD_ITEMS},2\n", "in the future"),
    (f"R1,baseline_arm_1,,,2020-06-01,{GOOD_ITEMS},2\n", "before symptom onset"),
    (f"R1,baseline_arm_1,,,2024-06-01,=1+1,{GOOD_ITEMS[2:]},2\n", "spreadsheet formula"),
    (f"R1,baseline_arm_1,,,2024-06-01,-1,{GOOD_ITEMS[2:]},2\n", "greater than or equal to 0"),
    (f"R1,baseline_arm_1,,,,{GOOD_ITEMS},2\n", "without its date (alsfrs_date)"),
    (f"R1,baseline_arm_1,1,,2024-06-01,{GOOD_ITEMS},2\n", "belong to the enrolment event"),
    (_enrol(""), "no record ID"),
    ("R1,enrolment_arm_1,1\n", "3 cells where the header has 19"),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ROWS)
def test_bad_rows_are_refused_with_file_and_line_and_nothing_is_written(world, row, reason):
    good = HEADER + _enrol()
    plan = _plan(world, good + row)
    reasons = _refused(plan)
    assert reasons and all(r.startswith("records.csv:3: ") for r in reasons), reasons
    assert any(reason in r for r in reasons), reasons
    assert not plan.applicable
    patients = Patient.objects.count()
    with pytest.raises(ImportRefusedError):
        apply_import(plan, actor=world.users["coordinator_b"])
    assert Patient.objects.count() == patients
    assert not ExternalRecord.objects.exists()


def test_duplicate_rows_are_refused(world):
    row = f"R1,baseline_arm_1,,,2024-06-01,{GOOD_ITEMS},2\n"
    plan = _plan(world, HEADER + row + row)
    assert "same record, event and instance as line 2" in _refused(plan)[0]
    assert _refused(plan)[0].startswith("records.csv:3:")


def test_unknown_columns_refuse_the_file_and_are_listed(world):
    plan = _plan(world, HEADER.replace("\n", ",mystery,other\n") + "R1,enrolment_arm_1\n")
    assert plan.problems == [
        "records.csv:1: columns not in the mapping: mystery, other. Map them, or add "
        "'field,<name>,ignore' lines to leave them out."
    ]
    assert not plan.applicable


def test_encodings(world):
    text = HEADER + _enrol()
    assert _plan(world, b"\xef\xbb\xbf" + text.encode()).applicable  # UTF-8 with BOM
    latin = _plan(
        world,
        (text.replace("sex,", "sex,")).encode() + _enrol("R2é").encode("cp1252"),
    )
    assert latin.encoding == "cp1252" and "not UTF-8; read as cp1252" in latin.notes[0]
    assert latin.notes[0].startswith("records.csv:3:")
    nul = _plan(world, text.encode() + b"R\x002,enrolment_arm_1\n")
    assert nul.problems == ["records.csv:3: NUL byte; this is not a CSV text file."]


def test_size_and_cell_limits(world, monkeypatch):
    from cellpath.exchange.redcap import importer

    monkeypatch.setattr(importer, "MAX_FILE_BYTES", 100)
    plan = _plan(world, HEADER + _enrol())
    assert "larger than" in plan.problems[0]
    monkeypatch.setattr(importer, "MAX_FILE_BYTES", 10**6)
    monkeypatch.setattr(importer, "MAX_CELL_CHARS", 5)
    plan = _plan(world, HEADER + _enrol("R123456"))
    assert "longer than 5 characters: record_id" in _refused(plan)[0]


def test_clinicians_update_but_do_not_add_patients(world):
    plan = _plan(world, HEADER + _enrol(), actor="clinician_b")
    assert "only coordinators of Site B may add patients" in _refused(plan)[0]
    other_site = _plan(world, HEADER, actor="coordinator_a")
    assert other_site.problems == ["You may not import into Site B."]


H = "kind,redcap,cellpath\n"
MAPPING_PROBLEMS = [
    (H + "field,sex,patient.gender\n", "mapping.csv:2: unknown Cellpath target"),
    (H + "field,sex,patient.sex\nfield,sex,patient.sex\n", "mapping.csv:3: field 'sex' mapped"),
    (H + "field,a,patient.sex\nfield,b,patient.sex\n", "mapping.csv:3: 'patient.sex' already"),
    (H + "choice,sex=1,M\n", "mapping.csv:2: choice for 'sex', which is not mapped"),
    (H + "field,sex,patient.sex\nchoice,sex=1,X\n", "mapping.csv:3: 'X' is not a Cellpath code"),
    (H + "field,Bad Name,patient.sex\n", "mapping.csv:2: 'Bad Name' is not a REDCap variable"),
    (H + "thing,a,b\n", "mapping.csv:2: unknown kind 'thing'"),
    (H + "field,q1,alsfrs_r.q1\n", "mapping.csv: alsfrs_r fields are mapped but not its date"),
    ("a,b\n", "mapping.csv:1: the header must be kind,redcap,cellpath."),
]


@pytest.mark.parametrize(("mapping", "problem"), MAPPING_PROBLEMS)
def test_mapping_problems(mapping, problem):
    with pytest.raises(MappingError) as caught:
        read_mapping(mapping.encode())
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


def test_dates_after_today_are_checked_against_the_local_day(world):
    tomorrow = date.today() + timedelta(days=2)
    plan = _plan(world, HEADER + _enrol(onset=str(tomorrow)))
    assert "in the future" in _refused(plan)[0]


# --- the command ------------------------------------------------------------------------------


def test_command_exports_checks_and_applies(world, tmp_path):
    from cellpath.exchange.commands import redcap_main
    from cellpath.exchange.export_cli import export_main

    _cohort(world)
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "project.zip"
    exported = ["--as", "coordinator.a@example.org", "--format", "redcap", "--out", str(target)]
    assert export_main([*exported, "--quiet"]) == 0
    with zipfile.ZipFile(target) as archive:
        archive.extractall(tmp_path)
    records, mapping = str(tmp_path / "records.csv"), str(tmp_path / "mapping.csv")
    dry = ["import", records, "--mapping", mapping, "--site", "bbb"]
    assert redcap_main(dry, out=out, err=err) == 0
    assert "Dry run: nothing written" in out.getvalue()
    assert not ExternalRecord.objects.exists()
    actor = ["--actor", "coordinator.b@example.org"]
    assert redcap_main([*dry, "--apply", *actor], out=out, err=err) == 0
    assert ExternalRecord.objects.filter(site=world.site_b).count() == 4
    event = AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).latest("id")
    assert event.actor == world.users["coordinator_b"]

    bad = tmp_path / "bad.csv"
    bad.write_text("record_id,redcap_event_name,mystery\nX,enrolment_arm_1,1\n")
    err = io.StringIO()
    assert redcap_main(["import", str(bad), "--mapping", mapping, "--site", "bbb"], err=err) == 2
    assert "bad.csv:1: columns not in the mapping: mystery" in err.getvalue()
    err = io.StringIO()
    assert redcap_main([*dry, "--apply", "--actor", "coordinator.a@example.org"], err=err) == 2
    assert "You may not import into Site B." in err.getvalue()


# --- the staff page ---------------------------------------------------------------------------

IMPORT_URL = "/exchange/redcap/import/"


def _post(client, url, data):
    client.get(IMPORT_URL)
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def _files(world, records: str, site) -> dict[str, object]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        "records": SimpleUploadedFile("records.csv", records.encode(), "text/csv"),
        "mapping": SimpleUploadedFile("mapping.csv", MAPPING.encode(), "text/csv"),
        "site": site.pk,
    }


GOOD = HEADER + _enrol() + f"R1,baseline_arm_1,,,2024-06-01,{GOOD_ITEMS},2\n"


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("anonymous", 302),
        ("patient_a", 403),
        ("administrator_a", 403),
        ("editor", 403),
        ("superuser", 403),
        ("coordinator_a", 200),
        ("clinician_a", 200),
    ],
)
def test_who_may_open_the_import_page(client_for, actor, status):
    response = client_for(actor).get(IMPORT_URL)
    assert response.status_code == status
    if actor == "anonymous":
        assert "/accounts/" in response["Location"]


def test_staff_without_a_second_factor_go_to_the_mfa_page(client_for):
    response = client_for("coordinator_a", mfa=False).get(IMPORT_URL)
    from django.urls import reverse

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa-setup")


def test_upload_check_and_confirm(world, client_for, settings):
    client = client_for("coordinator_b")
    response = _post(client, IMPORT_URL, _files(world, GOOD, world.site_b))
    assert response.status_code == 200
    page = response.content.decode()
    assert "What the import would do" in page and "Import into Site B" in page
    assert not ExternalRecord.objects.exists()
    token = response.context["token"]
    stored = Path(settings.MEDIA_ROOT) / "imports" / token / "records.csv"
    assert stored.is_file()
    # Someone else cannot confirm it, and the plan is derived again from the stored file.
    other = client_for("coordinator_a")
    url = f"/exchange/redcap/import/{token}/confirm/"
    assert _post(other, url, {}).status_code == 404
    response = _post(client, url, {})
    assert response.status_code == 302
    assert ExternalRecord.objects.filter(site=world.site_b, record_id="R1").exists()
    assert not stored.parent.exists()
    assert _post(client, url, {}).status_code == 404  # used once


def test_refused_rows_are_shown_with_their_lines_and_nothing_is_stored(world, client_for):
    client = client_for("coordinator_b")
    bad = HEADER + _enrol(sex="9")
    response = _post(client, IMPORT_URL, _files(world, bad, world.site_b))
    page = response.content.decode()
    assert "records.csv:2: sex: &#x27;9&#x27; is not a code" in page
    assert response.context["token"] == "" and "Import into" not in page


def test_a_site_that_is_not_yours_is_refused(world, client_for):
    response = _post(client_for("coordinator_a"), IMPORT_URL, _files(world, GOOD, world.site_b))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not ExternalRecord.objects.exists()


def test_posts_need_the_csrf_token(world, client_for):
    client = client_for("coordinator_b")
    response = client.post(IMPORT_URL, _files(world, GOOD, world.site_b))
    assert response.status_code == 403
    response = client.post("/exchange/redcap/import/" + "x" * 32 + "/confirm/")
    assert response.status_code == 403
