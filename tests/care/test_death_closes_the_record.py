"""Death closes the record (issue 18): nothing is recorded dated after a death — refused next
to the field, with the reason — and a date of death before what the record already holds is
refused too. What was entered before this rule is named on the progression page, never changed
(tests/care/test_progression_page.py)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cellpath.care import services
from cellpath.care.models import AlsfrsR, Visit
from cellpath.care.services.entry import adverse_event_resolve, visit_unscheduled_add
from cellpath.care.services.followup import reminders_due
from tests.factories import clinical_history

DEATH = date(2025, 2, 10)
AFTER = date(2025, 2, 11)
ACTOR = "test factory"
ITEMS = dict(q1=3, q2=3, q3=3, q4=3, q5a=3, q6=3, q7=3, q8=3, q9=3, q10=3, q11=3, q12=3)
REASON = (
    "This date is after the patient's death (10 Feb 2025): nothing can be recorded after death."
)


@pytest.fixture
def dead(world):
    """Patient A with a course (harvest, lot, dose), assessments and a consent, then a death."""
    history = clinical_history(world.patient_a)
    services.patient_update(actor=ACTOR, patient=world.patient_a, death_date=DEATH)
    return history


def _refused(call, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        call()
    assert caught.value.message_dict[field] == [REASON]


def test_every_kind_of_entry_dated_after_death_is_refused(world, dead) -> None:
    patient, course, batch = world.patient_a, dead["course"], dead["batch"]
    refusals = [
        (lambda: services.alsfrs_r_record(actor=ACTOR, patient=patient, assessed_on=AFTER,
                                          respondent="clinic", items=ITEMS), "assessed_on"),
        (lambda: services.spirometry_record(actor=ACTOR, patient=patient, measured_on=AFTER,
                                            fvc_litres=Decimal("2.5")), "measured_on"),
        (lambda: services.weight_record(actor=ACTOR, patient=patient, measured_on=AFTER,
                                        kg=Decimal("60")), "measured_on"),
        (lambda: visit_unscheduled_add(actor=ACTOR, patient=patient,
                                                visit_date=AFTER), "visit_date"),
        (lambda: services.course_start(actor=ACTOR, patient=patient, programme_name="X",
                                       cell_type="msc", donor="autologous", tissue="bone_marrow",
                                       route="intrathecal", started_on=AFTER), "started_on"),
        (lambda: services.harvest_record(actor=ACTOR, course=course, collected_on=AFTER,
                                         tissue="bone_marrow", reference="H-9"), "collected_on"),
        (lambda: services.administration_record(actor=ACTOR, course=course, given_on=AFTER,
                                                dose_cells=1_000_000, route="intrathecal",
                                                batch=batch), "given_on"),
        (lambda: services.medication_record(actor=ACTOR, patient=patient, drug="edaravone",
                                            started_on=AFTER), "started_on"),
        (lambda: services.consent_record(actor=ACTOR, patient=patient, purpose="treatment",
                                         version="3", given_on=AFTER, method="written"),
         "given_on"),
        (lambda: services.adverse_event_record(actor=ACTOR, patient=patient, course=course,
                                               description="Fall", onset_date=AFTER, grade=2,
                                               serious=False, related_to_procedure="unlikely",
                                               related_to_cells="unlikely",
                                               outcome="recovered"), "onset_date"),
    ]  # fmt: skip
    for call, field in refusals:
        _refused(call, field)
    assert not AlsfrsR.objects.filter(patient=patient, assessed_on=AFTER).exists()
    assert not Visit.objects.filter(patient=patient, visit_date=AFTER).exists()


def test_the_day_of_death_itself_is_accepted(world, dead) -> None:
    services.alsfrs_r_record(
        actor=ACTOR, patient=world.patient_a, assessed_on=DEATH, respondent="clinic", items=ITEMS
    )
    assert AlsfrsR.objects.filter(patient=world.patient_a, assessed_on=DEATH).exists()


def test_a_date_of_death_before_what_the_record_holds_is_refused(world) -> None:
    clinical_history(world.patient_a)  # ALSFRS-R 2 Sep and 2 Dec 2024, a dose 2 Sep 2024
    with pytest.raises(ValidationError) as caught:
        services.patient_update(actor=ACTOR, patient=world.patient_a, death_date=date(2024, 10, 1))
    (message,) = caught.value.message_dict["death_date"]
    assert message.startswith("The record has 1 visit and 1 ALSFRS-R dated after this day.")
    assert "Check the date of death, or correct those entries first." in message
    world.patient_a.refresh_from_db()
    assert world.patient_a.death_date is None


def test_the_form_says_why_next_to_the_date_and_keeps_the_answers(world, dead, client_for) -> None:
    client = client_for("coordinator_a")
    client.get(reverse("home"))
    visit = Visit.objects.filter(patient=world.patient_a).order_by("due_date").first()
    url = reverse("care:visit-spirometry", args=[visit.pk])
    response = client.post(
        url,
        {
            "measured_on": AFTER.isoformat(),
            "fvc_litres": "2.75",
            "equation": "gli2012",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["measured_on"] == [REASON]
    assert 'value="2.75"' in response.content.decode()


def test_the_schedule_after_death_is_not_held_and_sends_no_reminders(world, dead) -> None:
    open_visits = Visit.objects.filter(patient=world.patient_a, visit_date__isnull=True)
    later = [v for v in open_visits if v.due_date > DEATH]
    assert later, "the course's plan runs past the death"
    today = date(2026, 12, 1)
    assert {v.status(today, DEATH) for v in later} == {Visit.Status.NOT_HELD}
    assert {v.status(today) for v in later} <= {Visit.Status.OVERDUE, Visit.Status.UPCOMING}
    for visit in later:
        opens = visit.due_date - timedelta(days=visit.window_days)
        assert visit not in reminders_due(opens)


def test_the_record_page_closes_new_courses_and_trial_matching(world, dead, client_for) -> None:
    page = client_for("coordinator_a").get(
        reverse("care:patient-detail", args=[world.patient_a.pk])
    )
    html = page.content.decode()
    assert "Died on 10 February 2025. The record is closed" in html
    assert reverse("care:course-create", args=[world.patient_a.pk]) not in html
    assert reverse("trials:match-patient", args=[world.patient_a.pk]) not in html
    treatment = client_for("coordinator_a").get(
        reverse("care:patient-treatment", args=[world.patient_a.pk])
    )
    assert "Not held: after death" in treatment.content.decode()
    assert (
        reverse("care:course-create", args=[world.patient_a.pk]) not in treatment.content.decode()
    )


def test_the_record_asks_for_the_outcome_of_every_event_open_at_death(world, client_for) -> None:
    history = clinical_history(world.patient_a)  # its headache recovered on 5 Sep 2024
    open_event = services.adverse_event_record(
        actor=ACTOR, patient=world.patient_a, course=history["course"],
        description="Fever after the second dose", onset_date=date(2025, 1, 20), grade=3,
        serious=True, hospitalisation=True, related_to_procedure="possible",
        related_to_cells="possible",
        outcome="recovering",
    )  # fmt: skip
    services.patient_update(actor=ACTOR, patient=world.patient_a, death_date=DEATH)
    html = (
        client_for("coordinator_a")
        .get(reverse("care:patient-detail", args=[world.patient_a.pk]))
        .content.decode()
    )
    assert "Still open at death" in html
    assert reverse("care:adverse-event-detail", args=[open_event.pk]) in html
    assert "Fever after the second dose</a>, from 20 January 2025 (serious)" in html
    assert "Headache after lumbar puncture" not in html.split("Still open at death")[1]


def test_a_cause_of_death_needs_its_date_and_the_record_asks_for_it(world, client_for) -> None:
    with pytest.raises(ValidationError) as caught:
        services.patient_update(actor=ACTOR, patient=world.patient_a, death_cause="Pneumonia")
    assert caught.value.message_dict["death_cause"] == ["Record the date of death with its cause."]
    world.patient_a.refresh_from_db()
    assert world.patient_a.death_cause == ""
    services.patient_update(actor=ACTOR, patient=world.patient_a, death_date=DEATH)
    url = reverse("care:patient-detail", args=[world.patient_a.pk])
    html = client_for("coordinator_a").get(url).content.decode()
    assert "The cause of death is not recorded" in html
    services.patient_update(actor=ACTOR, patient=world.patient_a, death_cause="Respiratory failure")
    html = client_for("coordinator_a").get(url).content.decode()
    assert "10 February 2025 — Respiratory failure" in html
    assert "The cause of death is not recorded" not in html


def test_a_fatal_adverse_event_needs_the_death_and_is_shown_with_it(world, client_for) -> None:
    history = clinical_history(world.patient_a)
    event = services.adverse_event_record(
        actor=ACTOR, patient=world.patient_a, course=history["course"],
        description="Meningitis after the third dose", onset_date=date(2025, 1, 28), grade=4,
        serious=True, hospitalisation=True, related_to_procedure="probable",
        related_to_cells="possible",
        outcome="not_recovered",
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        adverse_event_resolve(actor=ACTOR, event=event, resolved_date=None, outcome="fatal")
    assert "record the date and cause of death first" in caught.value.message_dict["outcome"][0]
    services.patient_update(
        actor=ACTOR, patient=world.patient_a, death_date=DEATH, death_cause="Meningitis"
    )
    adverse_event_resolve(actor=ACTOR, event=event, resolved_date=DEATH, outcome="fatal")
    html = (
        client_for("coordinator_a")
        .get(reverse("care:patient-detail", args=[world.patient_a.pk]))
        .content.decode()
    )
    assert "Fatal adverse event:" in html and "Meningitis after the third dose</a>" in html
    assert "Still open at death" not in html
