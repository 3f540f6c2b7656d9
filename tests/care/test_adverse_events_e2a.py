"""Adverse events as ICH E2A asks (Clinical Safety Data Management: Definitions and Standards
for Expedited Reporting): seriousness criteria (II.B), expectedness (II.C), the SUSAR and its
7- or 15-day report (III.A.1), recorded at entry and later, and listed for the care team."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cellpath.accounts.models import AuditEvent
from cellpath.care import services
from cellpath.care.models import AdverseEvent
from cellpath.care.models.assessments import Relatedness
from cellpath.care.safety import (
    CRITERIA,
    REASONABLE_POSSIBILITY,
    expedited_report,
    serious_without_criterion,
)
from cellpath.care.services.entry import adverse_event_follow_up
from cellpath.exchange.fhir import codes
from cellpath.exchange.fhir.resources import adverse_event as fhir_adverse_event
from cellpath.exchange.redcap.project import BY_NAME as REDCAP_FIELDS
from cellpath.exchange.tables import BY_NAME as TABLES
from tests.care.test_entry_adverse_events import EVENT, post

AWARE = date(2024, 9, 5)


def report(**given):
    facts = dict(
        serious=True,
        expectedness="unexpected",
        related_to_cells="possible",
        related_to_procedure="unrelated",
        fatal_or_life_threatening=False,
        aware_on=AWARE,
    )
    return expedited_report(**{**facts, **given})


# --- The SUSAR and its deadline (pure) -----------------------------------------------------------


def test_a_fatal_or_life_threatening_susar_is_due_in_7_days_then_complete_in_8_more() -> None:
    """ICH E2A III.A.1.a: no later than 7 calendar days after first knowledge, followed by as
    complete a report as possible within 8 additional calendar days."""
    due = report(fatal_or_life_threatening=True)
    assert due.susar and due.days == 7
    assert due.due == date(2024, 9, 12) and due.complete_due == date(2024, 9, 20)


def test_any_other_susar_is_due_in_15_days() -> None:
    """ICH E2A III.A.1.b: other serious, unexpected reactions within 15 calendar days."""
    due = report()
    assert due.susar and due.days == 15
    assert due.due == date(2024, 9, 20) and due.complete_due is None


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ({"serious": False}, "not serious (E2A III.A.1 is about serious reactions)"),
        ({"expectedness": "expected"}, "expected against the reference safety information"),
        ({"expectedness": "not_assessed"}, "expectedness not yet assessed"),
        ({"related_to_cells": "unlikely"}, "no reasonable possibility that the cells caused it"),
        ({"related_to_cells": "unrelated"}, "not related"),
    ],
)
def test_it_is_not_a_susar_when(given, why) -> None:
    due = report(**given)
    assert not due.susar, why
    assert due.due is None and due.days is None


def test_a_reasonable_possibility_is_possibly_probably_or_definitely() -> None:
    """ICH E2A II.A.2: an adverse reaction is one where a causal relationship is at least a
    reasonable possibility."""
    assert set(Relatedness.values) >= set(REASONABLE_POSSIBILITY)
    for code in Relatedness.values:
        assert report(related_to_cells=code).susar == (code in REASONABLE_POSSIBILITY)


def test_a_serious_unexpected_event_of_the_procedure_alone_is_said_so_not_called_a_susar() -> None:
    due = report(related_to_cells="unlikely", related_to_procedure="probable")
    assert due.procedure_only and not due.susar and due.due is None
    assert not report(related_to_procedure="probable").procedure_only  # the cells too: a SUSAR


def test_without_the_awareness_date_the_deadline_is_unknown() -> None:
    due = report(aware_on=None)
    assert due.susar and due.days == 15 and due.due is None


def test_overdue_and_days_left_count_calendar_days_from_awareness() -> None:
    due = report()  # due 20 September 2024
    assert due.days_left(today=date(2024, 9, 18)) == 2
    assert not due.overdue(today=date(2024, 9, 20), reported_on=None)
    assert due.overdue(today=date(2024, 9, 21), reported_on=None)
    assert not due.overdue(today=date(2024, 9, 30), reported_on=date(2024, 9, 19))


def test_a_serious_event_without_a_criterion_is_found() -> None:
    assert serious_without_criterion(True, [False] * 6)
    assert not serious_without_criterion(True, [False, True])
    assert not serious_without_criterion(False, [])


# --- Refused at entry, next to the field ----------------------------------------------------------


def create(client, world, **changes):
    url = reverse("care:adverse-event-create", args=[world.patient_a.pk])
    return post(client, url, {**EVENT, **changes})


def errors_of(response):
    return response.context["form"].errors


def test_a_serious_event_needs_a_criterion(world, client_for) -> None:
    response = create(client_for("coordinator_a"), world, hospitalisation="")
    assert "meets at least one seriousness criterion" in errors_of(response)["serious"][0]
    assert not AdverseEvent.objects.exists()


def test_a_criterion_makes_the_event_serious(world, client_for) -> None:
    response = create(
        client_for("clinician_a"), world, serious="", hospitalisation="", disability="on"
    )
    assert response.status_code == 302
    event = AdverseEvent.objects.get()
    assert event.serious and event.disability and not event.hospitalisation


def test_results_in_death_needs_a_fatal_outcome_and_grade_5(world, client_for) -> None:
    response = create(client_for("coordinator_a"), world, results_in_death="on")
    errors = errors_of(response)
    assert errors["outcome"] == ["An event that results in death has a fatal outcome."]
    assert errors["grade"] == ["An event that results in death is grade 5 (CTCAE v5)."]


def test_grade_5_needs_the_death_criterion(world, client_for) -> None:
    response = create(client_for("coordinator_a"), world, grade="5", outcome="fatal")
    assert errors_of(response)["results_in_death"] == [
        "A grade 5 event results in death (CTCAE v5): tick this criterion."
    ]


def test_report_dates_follow_awareness_which_follows_onset_none_in_the_future(
    world, client_for
) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    client = client_for("coordinator_a")
    errors = errors_of(
        create(
            client,
            world,
            aware_date="2024-09-03",  # the event started on 4 September
            reported_to_regulator_on="2024-09-02",
            reported_to_ethics_on=tomorrow,
        )
    )
    assert errors["aware_date"] == ["The site cannot know of an event before it started."]
    assert errors["reported_to_regulator_on"] == [
        "An event cannot be reported before the site knew of it."
    ]
    assert errors["reported_to_ethics_on"] == ["This date is in the future."]
    errors = errors_of(
        create(client, world, aware_date=tomorrow, reported_to_regulator_on="2024-09-03")
    )
    assert errors["aware_date"] == ["This date is in the future."]
    errors = errors_of(create(client, world, aware_date="", reported_to_regulator_on="2024-09-03"))
    assert errors["reported_to_regulator_on"] == ["An event cannot be reported before it started."]
    assert not AdverseEvent.objects.exists()


# --- The detail page and the follow-up ------------------------------------------------------------


def record(world, **changes) -> AdverseEvent:
    facts = dict(
        actor=world.users["coordinator_a"],
        patient=world.patient_a,
        description="Aseptic meningitis after the dose",
        onset_date=date(2024, 9, 4),
        grade=3,
        serious=True,
        hospitalisation=True,
        expectedness="unexpected",
        related_to_procedure="possible",
        related_to_cells="possible",
        aware_date=AWARE,
    )
    return services.adverse_event_record(**{**facts, **changes})


def test_the_page_shows_a_susar_overdue_until_reported(world, client_for) -> None:
    event = record(world)
    client = client_for("clinician_a")
    url = reverse("care:adverse-event-detail", args=[event.pk])
    page = client.get(url).content.decode()
    assert "SUSAR" in page and "Overdue" in page and "20 September 2024" in page
    assert "requires inpatient hospitalisation" in page
    form = {
        "grade": "3",
        "serious": "on",
        "hospitalisation": "on",
        "expectedness": "unexpected",
        "related_to_procedure": "possible",
        "related_to_cells": "possible",
        "outcome": "recovered",
        "resolved_date": "2024-09-12",
        "aware_date": "2024-09-05",
        "reported_to_regulator_on": "2024-09-16",
        "reported_to_ethics_on": "2024-09-18",
    }
    assert post(client, url, form).status_code == 302
    page = client.get(url).content.decode()
    assert "Reported to the regulator on 16 September 2024" in page and "Overdue" not in page


def test_days_left_are_shown_before_the_deadline(world, client_for) -> None:
    today = timezone.localdate()
    event = record(
        world, onset_date=today - timedelta(days=3), aware_date=today - timedelta(days=2)
    )
    page = client_for("coordinator_a").get(reverse("care:adverse-event-detail", args=[event.pk]))
    assert "13 days left" in page.content.decode()


def test_the_procedure_alone_is_said_in_plain_words(world, client_for) -> None:
    event = record(world, related_to_cells="unlikely")
    page = client_for("coordinator_a").get(reverse("care:adverse-event-detail", args=[event.pk]))
    html = page.content.decode()
    assert "possibly caused by the procedure but not by the cells" in html
    assert "not a SUSAR" in html


def test_the_follow_up_is_audited_and_refused_like_entry(world) -> None:
    event = record(world, serious=False, hospitalisation=False, grade=2, aware_date=None)
    actor = world.users["clinician_a"]
    with pytest.raises(ValidationError) as refused:
        adverse_event_follow_up(actor=actor, event=event, serious=True)
    assert "seriousness criterion" in refused.value.message_dict["serious"][0]
    event.refresh_from_db()
    adverse_event_follow_up(
        actor=actor, event=event, life_threatening=True, aware_date=date(2024, 9, 6)
    )
    event.refresh_from_db()
    assert event.serious and event.life_threatening
    assert event.expedited_report().due == date(2024, 9, 13)  # 7 days: life-threatening
    change = AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, object_id=str(event.pk)
    ).latest("id")
    assert change.actor == actor
    assert change.changes["life_threatening"] == {"old": False, "new": True}
    assert change.changes["serious"] == {"old": False, "new": True}


def test_an_event_made_serious_later_alerts_the_clinicians(
    world, django_capture_on_commit_callbacks
) -> None:
    from django.core import mail

    event = record(world, serious=False, hospitalisation=False, grade=2)
    with django_capture_on_commit_callbacks(execute=True):
        adverse_event_follow_up(actor="test", event=event, hospitalisation=True)
    assert [m.to for m in mail.outbox] == [["clinician.a@example.org"]]


def test_a_follow_up_names_only_later_facts(world) -> None:
    event = record(world)
    with pytest.raises(TypeError):
        adverse_event_follow_up(actor="test", event=event, description="Something else")


def test_an_old_serious_event_without_a_criterion_is_asked_for_one(world, client_for) -> None:
    event = record(world)
    event.hospitalisation = False  # as migration 0011 leaves events recorded before it
    from cellpath.accounts.audit import audited_save

    with pytest.raises(ValidationError):
        audited_save(event, actor="test")  # the model refuses it as entry does
    assert event.serious_without_criterion


# --- The list -------------------------------------------------------------------------------------


@pytest.fixture
def events(world):
    """Four events at site A, one at site B."""
    today = timezone.localdate()
    overdue = record(world, description="Overdue SUSAR", aware_date=today - timedelta(days=20))
    reported = record(
        world,
        description="Reported SUSAR",
        onset_date=date(2024, 10, 1),
        aware_date=date(2024, 10, 1),
        reported_to_regulator_on=date(2024, 10, 3),
    )
    procedure = record(
        world,
        description="Procedure only",
        related_to_cells="unlikely",
        onset_date=date(2024, 8, 1),
    )
    mild = record(
        world,
        description="Mild headache",
        serious=False,
        hospitalisation=False,
        grade=1,
        expectedness="expected",
        onset_date=date(2024, 11, 1),
        aware_date=date(2024, 11, 1),
        outcome="recovered",
        resolved_date=date(2024, 11, 2),
    )
    other_site = record(world, patient=world.patient_b, actor="test", description="Site B event")
    return {
        "overdue": overdue,
        "reported": reported,
        "procedure": procedure,
        "mild": mild,
        "other_site": other_site,
    }


def listed(client, **query) -> list[str]:
    response = client.get(reverse("care:adverse-event-list"), query)
    assert response.status_code == 200
    return [row.event.description for row in response.context["rows"]]


def test_the_list_shows_my_sites_only_newest_first(world, client_for, events) -> None:
    assert listed(client_for("clinician_a")) == [
        "Mild headache",
        "Reported SUSAR",
        "Overdue SUSAR",
        "Procedure only",
    ]
    assert listed(client_for("coordinator_b")) == ["Site B event"]


def test_the_list_filters_as_asked(world, client_for, events) -> None:
    client = client_for("coordinator_a")
    assert listed(client, susar="on") == ["Reported SUSAR", "Overdue SUSAR"]
    assert listed(client, overdue="on") == ["Overdue SUSAR"]
    assert listed(client, serious="no") == ["Mild headache"]
    assert listed(client, expectedness="expected") == ["Mild headache"]
    assert listed(client, related_to_cells="reasonable", serious="yes") == [
        "Reported SUSAR",
        "Overdue SUSAR",
    ]
    assert listed(client, related_to_cells="unlikely") == ["Procedure only"]
    assert listed(client, related_to_procedure="definite") == []
    assert listed(client, related_to_procedure="reasonable", grade="1") == ["Mild headache"]
    assert listed(client, grade="1") == ["Mild headache"]
    assert listed(client, outcome="recovered") == ["Mild headache"]
    assert listed(client, status="closed") == ["Mild headache"]
    assert "Mild headache" not in listed(client, status="open")


def test_the_list_sorts_by_grade_and_by_deadline(world, client_for, events) -> None:
    client = client_for("coordinator_a")
    assert listed(client, sort="grade")[-1] == "Mild headache"
    assert listed(client, sort="deadline") == [
        "Overdue SUSAR",  # a report still to make, with the soonest deadline
        "Reported SUSAR",
        "Mild headache",
        "Procedure only",
    ]
    page = client.get(reverse("care:adverse-event-list"), {"sort": "deadline"}).content.decode()
    assert "Overdue" in page and "not a SUSAR" in page


@pytest.mark.parametrize(
    "query",
    [
        {"grade": "9"},
        {"grade": "x"},
        {"serious": "maybe"},
        {"sort": "patient__identity__full_name"},
        {"related_to_cells": "'; drop table"},
        {"outcome": ["fatal", "x"]},
        {"page": "-1"},
        {"page": "99999"},
        {"susar": "yes please"},
    ],
)
def test_bad_filter_values_are_left_off_not_an_error(world, client_for, events, query) -> None:
    response = client_for("coordinator_a").get(reverse("care:adverse-event-list"), query)
    assert response.status_code == 200
    assert len(response.context["rows"]) >= 1


def test_a_bad_filter_is_said_and_the_rest_still_apply(world, client_for, events) -> None:
    client = client_for("coordinator_a")
    response = client.get(reverse("care:adverse-event-list"), {"grade": "9", "serious": "no"})
    assert [r.event.description for r in response.context["rows"]] == ["Mild headache"]
    assert "left off: CTCAE grade" in response.content.decode()


def test_the_list_is_audited_with_its_filters(world, client_for, events) -> None:
    client_for("clinician_a").get(reverse("care:adverse-event-list"), {"susar": "on"})
    seen = AuditEvent.objects.filter(action=AuditEvent.Action.LIST).latest("id")
    assert seen.object_type == "care.adverseevent"
    assert seen.detail["susar"] is True and seen.detail["count"] == 2
    assert seen.detail["records"] == [world.patient_a.study_id] * 2


def test_the_list_is_linked_from_the_staff_navigation(world, client_for) -> None:
    page = client_for("clinician_a").get(reverse("care:dashboard")).content.decode()
    assert f'href="{reverse("care:adverse-event-list")}"' in page


# --- Exports --------------------------------------------------------------------------------------


def test_the_exports_carry_the_new_facts() -> None:
    columns = {c.name for c in TABLES["adverse_events"].columns}
    assert {*CRITERIA, "expectedness", "aware_date"} <= columns
    assert {"reported_to_regulator_on", "reported_to_ethics_on"} <= columns
    assert {"ae_sc_death", "ae_expectedness", "ae_aware", "ae_reported_regulator"} <= set(
        REDCAP_FIELDS
    )
    assert set(codes.SERIOUSNESS_CRITERIA) | {codes.IMPORTANT_MEDICAL_EVENT[0]} == set(CRITERIA)
    row = {
        "adverse_event_id": 1,
        "study_id": "RIV-0001",
        "serious": True,
        "life_threatening": True,
        "medically_important": True,
        "expectedness": "unexpected",
        "aware_date": date(2024, 9, 5),
    }
    resource = fhir_adverse_event(row, suspect_lot_ids=[])
    criteria = [
        e["valueCoding"]["code"]
        for e in resource["extension"]
        if e["url"] == codes.SERIOUSNESS_CRITERION_EXTENSION
    ]
    assert criteria == ["SeriousIsLifeThreatening", "medically_important"]
    assert resource["seriousness"]["coding"][0]["code"] == "serious"
