"""Data-quality queries (issue 18 part 3): the rules run on save and over a site by a command;
a query is answered by the care team and closed (or sent back) by a coordinator, each step
audited; correcting the record closes it; records from before a rule existed become queries and
are never changed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from cellpath.accounts.models import AuditEvent
from cellpath.care import services
from cellpath.care.models import Administration, Consent, DataQuery, Visit
from cellpath.care.services.data_queries import (
    queries_refresh,
    query_answer,
    query_close,
    query_reopen,
)
from cellpath.care.services.followup import LATE_VISIT_GRACE, visit_for
from tests.factories import clinical_history, legacy_update
from tests.web import post

ACTOR = "test factory"
ITEMS = dict(q1=4, q2=4, q3=3, q4=3, q5a=3, q6=3, q7=3, q8=3, q9=2, q10=4, q11=4, q12=4)


@pytest.fixture
def history(world):
    return clinical_history(world.patient_a)


def _live(patient, rule: str) -> list[DataQuery]:
    return list(
        DataQuery.objects.filter(patient=patient, rule=rule).exclude(status="closed").order_by("id")
    )


def test_an_fvc_entered_in_the_form_opens_a_query_shown_on_the_visit_and_before_signing(
    world, history, client_for
) -> None:
    visit = Visit.objects.get(pk=history["baseline"].visit_id)
    coordinator = client_for("coordinator_a")
    response = post(
        coordinator,
        reverse("care:visit-spirometry", args=[visit.pk]),
        {"measured_on": "2024-09-03", "fvc_percent_entered": "180", "equation": "gli2012"},
    )
    assert response.status_code == 302
    (query,) = _live(world.patient_a, "fvc_percent")
    assert query.visit_id == visit.pk and "180 % of predicted, above 150 %" in query.message
    page = coordinator.get(reverse("care:visit-detail", args=[visit.pk])).content.decode()
    assert (
        "180 % of predicted" in page and reverse("care:data-query-detail", args=[query.pk]) in page
    )
    signing = client_for("clinician_a").get(reverse("care:visit-sign", args=[visit.pk]))
    assert "180 % of predicted" in signing.content.decode()
    listed = coordinator.get(reverse("care:data-query-list")).content.decode()
    assert world.patient_a.study_id in listed and "180 % of predicted" in listed


def test_correcting_the_record_closes_the_query_by_itself(world, history) -> None:
    """5b answered (a feeding tube) with no gastrostomy on the record → a query; recording the
    gastrostomy date closes it, saying the record no longer breaks the rule."""
    patient = world.patient_a
    items = {**ITEMS, "q5a": None, "q5b": 2}
    services.alsfrs_r_record(
        actor=ACTOR, patient=patient, assessed_on=date(2025, 1, 6), respondent="clinic", items=items
    )
    (query,) = _live(patient, "feeding_tube")
    services.patient_update(actor=ACTOR, patient=patient, gastrostomy_date=date(2024, 12, 20))
    query.refresh_from_db()
    assert query.status == DataQuery.Status.CLOSED
    assert query.closure == DataQuery.Closure.RESOLVED
    assert _live(patient, "feeding_tube") == []


def test_breathing_support_without_an_niv_date_is_asked_about(world, history) -> None:
    patient = world.patient_a
    services.alsfrs_r_record(
        actor=ACTOR,
        patient=patient,
        assessed_on=date(2025, 1, 6),
        respondent="self",
        items={**ITEMS, "q12": 3},
    )
    (query,) = _live(patient, "ventilation")
    assert "no date when non-invasive ventilation started" in query.message
    services.patient_update(actor=ACTOR, patient=patient, niv_date=date(2025, 1, 2))
    assert _live(patient, "ventilation") == []


def test_the_team_answers_and_a_coordinator_closes_each_step_audited(world, history) -> None:
    patient = world.patient_a
    services.spirometry_record(
        actor=ACTOR, patient=patient, measured_on=date(2024, 12, 2), fvc_percent_entered=180
    )
    (query,) = _live(patient, "fvc_percent")
    with pytest.raises(PermissionDenied):
        query_answer(actor=world.users["clinician_b"], query=query, answer="Checked.")
    query_answer(actor=world.users["clinician_a"], query=query, answer="As on the lab report.")
    assert query.status == DataQuery.Status.ANSWERED
    with pytest.raises(PermissionDenied):
        query_close(actor=world.users["clinician_a"], query=query, closure="confirmed")
    query_close(actor=world.users["coordinator_a"], query=query, closure="confirmed", note="OK")
    assert (
        query.status == DataQuery.Status.CLOSED and query.closed_by == world.users["coordinator_a"]
    )
    trail = AuditEvent.objects.filter(object_type="care.dataquery", object_id=str(query.pk))
    assert trail.filter(action=AuditEvent.Action.CREATE).count() == 1
    assert trail.filter(action=AuditEvent.Action.UPDATE).count() == 2
    # Checked and right as entered: running the rules again does not reopen it.
    queries_refresh(actor=ACTOR, patient=patient)
    assert _live(patient, "fvc_percent") == []


def test_a_coordinator_sends_an_answer_back_with_a_reason(world, history) -> None:
    patient = world.patient_a
    services.spirometry_record(
        actor=ACTOR, patient=patient, measured_on=date(2024, 12, 2), fvc_percent_entered=180
    )
    (query,) = _live(patient, "fvc_percent")
    query_answer(actor=world.users["clinician_a"], query=query, answer="Fine.")
    with pytest.raises(ValidationError) as refused:
        query_reopen(actor=world.users["coordinator_a"], query=query, note="  ")
    assert refused.value.message_dict["note"] == ["Write what you found or did."]
    query_reopen(actor=world.users["coordinator_a"], query=query, note="Which report?")
    assert query.status == DataQuery.Status.OPEN and query.close_note == "Which report?"


def test_the_query_page_shows_each_bad_answer_next_to_its_field(world, history, client_for) -> None:
    services.spirometry_record(
        actor=ACTOR, patient=world.patient_a, measured_on=date(2024, 12, 2), fvc_percent_entered=180
    )
    (query,) = _live(world.patient_a, "fvc_percent")
    url = reverse("care:data-query-detail", args=[query.pk])
    client = client_for("clinician_a")
    for answer, message in [
        ("", "Write what you checked and found."),
        ("x" * 2001, "at most 2000"),
    ]:
        response = post(client, url, {"action": "answer", "answer-answer": answer})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert post(client, url, {"action": "answer", "answer-answer": "Checked."}).status_code == 302
    query.refresh_from_db()
    assert query.status == DataQuery.Status.ANSWERED and query.answer == "Checked."
    # A clinician sees no close form; a forged one is refused.
    assert 'value="close"' not in client.get(url).content.decode()
    assert post(client, url, {"action": "close", "close-closure": "confirmed"}).status_code == 403
    coordinator = client_for("coordinator_a")
    assert post(coordinator, url, {"action": "close"}).status_code == 200
    done = post(coordinator, url, {"action": "close", "close-closure": "corrected"})
    assert done.status_code == 302
    query.refresh_from_db()
    assert query.closure == DataQuery.Closure.CORRECTED


def test_the_list_filters_and_ignores_what_it_does_not_know(world, history, client_for) -> None:
    services.spirometry_record(
        actor=ACTOR, patient=world.patient_a, measured_on=date(2024, 12, 2), fvc_percent_entered=180
    )
    client = client_for("coordinator_a")
    url = reverse("care:data-query-list")
    assert "180 %" in client.get(url, {"rule": "fvc_percent"}).content.decode()
    assert "180 %" not in client.get(url, {"rule": "visit_window"}).content.decode()
    assert "180 %" not in client.get(url, {"status": "closed"}).content.decode()
    for bad in (
        {"status": "<script>"},
        {"rule": "x" * 500},
        {"page": "-1"},
        {"study_id": "y" * 99},
    ):
        assert client.get(url, bad).status_code == 200
    assert "180 %" not in client_for("coordinator_b").get(url).content.decode()


def test_records_from_before_the_rules_become_queries_and_are_not_changed(world, history) -> None:
    """A dose given before any consent was recorded, and a visit dated after a death recorded
    later: entered before the refusing rules existed (issue 18), found by `check_data`."""
    patient = world.patient_a
    consent = Consent.objects.get(patient=patient, purpose="treatment")
    dose = Administration.objects.filter(course__patient=patient).first()
    legacy_update(consent, given_on=date(2024, 9, 20))  # after the dose of 2024-09-02
    visit = Visit.objects.get(pk=history["later"].visit_id)
    legacy_update(patient, death_date=date(2024, 11, 1))  # the visit was seen on 2024-12-02
    call_command("check_data", "--site", patient.site.code, "--quiet")
    consent_queries = {q.subject: q for q in _live(patient, "consent")}
    assert set(consent_queries) == {f"dose:{dose.pk}", f"harvest:{history['harvest'].pk}"}
    consent_query = consent_queries[f"dose:{dose.pk}"]
    assert "no consent to treatment recorded on or before that day" in consent_query.message
    after_death = {q.subject for q in _live(patient, "after_death")}
    assert f"visit:{visit.pk}" in after_death and f"alsfrs_r:{history['later'].pk}" in after_death
    dose.refresh_from_db()
    visit.refresh_from_db()
    assert dose.given_on == date(2024, 9, 2) and visit.visit_date == date(2024, 12, 2)
    # The other site's records are not touched by a run for this one.
    assert not DataQuery.objects.exclude(patient__site=patient.site).exists()


def test_the_command_refuses_an_unknown_site_and_reports_what_it_did(world, history) -> None:
    with pytest.raises(CommandError, match="No site has the code 'nowhere'"):
        call_command("check_data", "--site", "nowhere")
    legacy_update(world.patient_a, diagnosis_date=date(2020, 1, 1))  # before onset
    from io import StringIO

    out = StringIO()
    call_command("check_data", "--quiet", stdout=out)
    assert "1 query opened" in out.getvalue()
    (query,) = _live(world.patient_a, "date_order")
    assert query.message.startswith("Diagnosis (1 January 2020) is before symptom onset")


def test_a_weight_typed_in_pounds_is_a_query_and_a_real_loss_is_not(world, history) -> None:
    patient = world.patient_a  # 71.0 kg on 2024-09-02
    services.weight_record(
        actor=ACTOR, patient=patient, measured_on=date(2025, 3, 3), kg=Decimal("60.0")
    )
    assert _live(patient, "weight_change") == []
    services.weight_record(
        actor=ACTOR, patient=patient, measured_on=date(2025, 3, 17), kg=Decimal("132.0")
    )
    (query,) = _live(patient, "weight_change")
    assert "up 120 %" in query.message


def test_a_serious_event_from_before_the_criteria_becomes_a_query(world, history) -> None:
    event = history["event"]
    legacy_update(event, serious=True)  # as recorded before ICH E2A's criteria were asked
    call_command("check_data", "--quiet")
    (query,) = _live(world.patient_a, "serious_without_criterion")
    assert query.subject == f"adverse_event:{event.pk}"
    assert "has no seriousness criterion" in query.message


def test_an_assessment_long_after_a_missed_visit_is_not_that_visit(world, history) -> None:
    """An assessment up to 30 days after a missed visit's window closed is that visit, held late
    (a query asks about it); later than that it is a visit of its own, not "1 month" seen a
    year late (the demo filed assessments 390 days late so before)."""
    patient = world.patient_a
    last = Visit.objects.filter(patient=patient, visit_date__isnull=True).order_by("-due_date")[0]
    closes = last.due_date + timedelta(days=last.window_days)
    assert visit_for(patient, closes + LATE_VISIT_GRACE) == last
    assert visit_for(patient, closes + LATE_VISIT_GRACE + timedelta(days=1)) is None
