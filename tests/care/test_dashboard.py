"""The site dashboard: visits due now and overdue, open adverse events with the serious ones
first and highlighted, recent self-reports and visits waiting for a signature — all from the
user's own sites, in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cellpath.accounts.models import AuditEvent
from cellpath.care import services
from cellpath.care.models import Patient, Visit
from cellpath.care.queries.dashboard import dashboard
from cellpath.care.services.entry import visit_unscheduled_add
from tests.factories import PASSWORD, PatientFactory

ITEMS = dict(q1=4, q2=4, q3=3, q4=3, q5a=3, q6=3, q7=3, q8=3, q9=2, q10=4, q11=4, q12=4)  # 40


def course(patient: Patient, started_on: date):
    return services.course_start(
        actor="test",
        patient=patient,
        programme_name="MSC study",
        cell_type="msc",
        donor="allogeneic",
        tissue="umbilical_cord",
        route="intravenous",
        started_on=started_on,
    )


def adverse_event(patient: Patient, description: str, *, serious: bool, **fields):
    return services.adverse_event_record(
        actor="test",
        patient=patient,
        description=description,
        onset_date=fields.pop("onset_date", timezone.localdate() - timedelta(days=5)),
        grade=fields.pop("grade", 3 if serious else 1),
        serious=serious,
        hospitalisation=serious,  # a serious event names its criterion (ICH E2A II.B)
        related_to_procedure="possible",
        related_to_cells="unlikely",
        **fields,
    )


def section(page: str, heading_id: str) -> str:
    """The HTML from one dashboard heading to the next."""
    start = page.index(f'id="{heading_id}"')
    following = page.find("<h2", page.index("</h2>", start))
    return page[start : following if following != -1 else None]


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def clinic(world, today) -> dict:
    """Site A: a course two weeks old (baseline overdue, 2-week visit due), a patient who
    self-reported and had two visits outside the schedule (one signed), a deceased patient with
    missed visits, open and resolved adverse events. Site B: the same kind of things."""
    course(world.patient_a, today - timedelta(days=14))
    course(world.patient_b, today - timedelta(days=14))
    reporter = PatientFactory(site=world.site_a, full_name="Cy Reporter")
    services.alsfrs_r_record(
        actor="test",
        patient=reporter,
        assessed_on=today - timedelta(days=3),
        respondent="self",
        items=ITEMS,
    )
    services.alsfrs_r_record(
        actor="test",
        patient=reporter,
        assessed_on=today - timedelta(days=40),
        respondent="self",
        items={**ITEMS, "q1": 0},
    )
    unsigned = visit_unscheduled_add(
        actor="test", patient=reporter, visit_date=today - timedelta(days=6), label="Extra look"
    )
    signed = visit_unscheduled_add(
        actor="test", patient=reporter, visit_date=today - timedelta(days=8), label="Signed look"
    )
    services.visit_sign(
        actor=world.users["clinician_a"], visit=signed, password=PASSWORD, meaning="reviewed"
    )
    deceased = PatientFactory(site=world.site_a, full_name="Di Gone")
    course(deceased, today - timedelta(days=120))
    services.patient_update(actor="test", patient=deceased, death_date=today - timedelta(days=1))
    adverse_event(world.patient_a, "Headache after the infusion", serious=False, grade=2)
    adverse_event(world.patient_a, "Meningitis needing admission", serious=True)
    adverse_event(
        world.patient_a,
        "Rash, gone",
        serious=False,
        outcome="recovered",
        resolved_date=today - timedelta(days=1),
    )
    adverse_event(world.patient_b, "Site B serious event", serious=True)
    return {"reporter": reporter, "unsigned": unsigned, "deceased": deceased}


def test_it_lists_visits_due_now_and_overdue_at_my_sites(world, client_for, clinic) -> None:
    page = client_for("coordinator_a").get(reverse("care:dashboard")).content.decode()
    due, overdue = section(page, "due"), section(page, "overdue")
    two_weeks = Visit.objects.get(patient=world.patient_a, label="2 weeks")
    baseline = Visit.objects.get(patient=world.patient_a, label="Baseline")
    assert reverse("care:visit-detail", args=[two_weeks.pk]) in due
    assert reverse("care:visit-detail", args=[baseline.pk]) in overdue
    assert "Visits due now (1)" in due and "Overdue visits (1)" in overdue
    for hidden in (world.patient_b, clinic["deceased"]):
        assert hidden.study_id not in page


def test_open_serious_adverse_events_come_first_and_stand_out(world, client_for, clinic) -> None:
    page = client_for("clinician_a").get(reverse("care:dashboard")).content.decode()
    serious = section(page, "serious-heading")
    assert 'class="notice serious-events"' in page
    assert "Meningitis needing admission" in serious and "Headache" not in serious
    assert page.index("Meningitis needing admission") < page.index("Visits due now")
    others = section(page, "events")
    assert "Headache after the infusion" in others and "Rash, gone" not in page
    assert "Site B serious event" not in page


def test_it_lists_self_reports_of_the_last_30_days_with_their_total(
    world, client_for, clinic, today
) -> None:
    page = client_for("coordinator_a").get(reverse("care:dashboard")).content.decode()
    reports = section(page, "self-reports")
    rows = re.findall(r"<tr>(.*?)</tr>", reports, re.S)[1:]
    assert len(rows) == 1
    assert clinic["reporter"].study_id in rows[0] and ">40<" in rows[0]
    assert (today - timedelta(days=3)).strftime("%-d %b %Y") in rows[0]


def test_it_lists_visits_that_took_place_and_wait_for_a_signature(
    world, client_for, clinic
) -> None:
    page = client_for("clinician_a").get(reverse("care:dashboard")).content.decode()
    unsigned = section(page, "unsigned")
    assert "Extra look" in unsigned and "Signed look" not in unsigned
    assert reverse("care:visit-detail", args=[clinic["unsigned"].pk]) in unsigned


def test_site_b_staff_see_only_site_b(world, client_for, clinic) -> None:
    page = client_for("clinician_b").get(reverse("care:dashboard")).content.decode()
    assert "Site B serious event" in page and world.patient_b.study_id in section(page, "due")
    assert world.patient_a.study_id not in page and clinic["reporter"].study_id not in page


def test_the_dashboard_read_is_audited_with_the_records_shown(world, client_for, clinic) -> None:
    client_for("coordinator_a").get(reverse("care:dashboard"))
    event = AuditEvent.objects.get(action="list", actor=world.users["coordinator_a"])
    assert event.detail["page"] == "site dashboard"
    assert set(event.detail["records"]) == {world.patient_a.study_id, clinic["reporter"].study_id}


def test_due_and_overdue_agree_with_each_visits_status(world, today) -> None:
    """The SQL window arithmetic gives the same answer as `Visit.status`, edges included."""
    for days_ago in (0, 4, 7, 8, 10, 11, 17, 18, 40, 400):
        course(PatientFactory(site=world.site_a), today - timedelta(days=days_ago))
    board = dashboard(user=world.users["coordinator_a"], today=today)
    visits = Visit.objects.filter(patient__site=world.site_a)
    expected_due = {v.pk for v in visits if v.status(today) == Visit.Status.DUE}
    expected_overdue = {v.pk for v in visits if v.status(today) == Visit.Status.OVERDUE}
    assert {v.pk for v in board.due} == expected_due and board.due_count == len(expected_due)
    assert {v.pk for v in board.overdue} == expected_overdue
    assert board.overdue_count == len(expected_overdue)


def test_the_dashboard_makes_a_bounded_number_of_queries(
    world, client_for, clinic, today, django_assert_max_num_queries
) -> None:
    for n in range(6):
        patient = PatientFactory(site=world.site_a)
        course(patient, today - timedelta(days=30 + n))
        adverse_event(patient, f"Event {n}", serious=n % 2 == 0)
        services.alsfrs_r_record(
            actor="test", patient=patient, assessed_on=today, respondent="self", items=ITEMS
        )
    client = client_for("clinician_a")
    with django_assert_max_num_queries(22):
        page = client.get(reverse("care:dashboard")).content.decode()
    assert page.count("tag-serious") == 4


def test_long_lists_are_cut_and_large_counts_capped(world, client_for, today, monkeypatch) -> None:
    from cellpath.care.queries import dashboard as board

    monkeypatch.setattr(board, "LIMIT", 2)
    monkeypatch.setattr(board, "COUNT_CAP", 3)
    for n in range(1, 6):
        visit_unscheduled_add(
            actor="test", patient=world.patient_a, visit_date=today - timedelta(days=n)
        )
    page = client_for("clinician_a").get(reverse("care:dashboard")).content.decode()
    unsigned = section(page, "unsigned")
    assert "Visits waiting for a signature (more than 3)" in unsigned
    assert "showing 2 of more than 3" in unsigned
    assert len(re.findall(r"<tr>", unsigned)) == 3  # the header and two visits


def test_the_visit_tables_link_each_study_id_to_the_patient(world, client_for, clinic) -> None:
    page = client_for("coordinator_a").get(reverse("care:dashboard")).content.decode()
    link = f'<a href="{reverse("care:patient-detail", args=[world.patient_a.pk])}">'
    assert link + world.patient_a.study_id + "</a>" in section(page, "overdue")
    reporter = clinic["reporter"]
    link = f'<a href="{reverse("care:patient-detail", args=[reporter.pk])}">'
    assert link + reporter.study_id + "</a>" in section(page, "unsigned")
