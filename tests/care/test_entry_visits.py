"""Assessments entered by staff at a visit: the ALSFRS-R as twelve radio groups on one page,
spirometry, weight and an update. Impossible values are refused next to the field with the
answers kept; unusual ones are saved and flagged; a visit outside its window is flagged."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from cellpath.care import services
from cellpath.care.models import AlsfrsR, PatientUpdate, Spirometry, Visit, Weight
from tests.factories import clinical_history


def post(client, url: str, data: dict):
    client.get(reverse("home"))  # every page carries the CSRF cookie (the sign-out form)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def answers(value: int = 3, **override: object) -> dict[str, object]:
    items = {f"q{n}": value for n in (1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12)}
    return {**items, "q5a": value, "q5b": "", **override}


@pytest.fixture
def history(world) -> dict:
    return clinical_history(world.patient_a)


def visit(patient, label: str) -> Visit:
    return Visit.objects.get(patient=patient, label=label)


def visit_page(client, v: Visit) -> str:
    return client.get(reverse("care:visit-detail", args=[v.pk])).content.decode()


def test_staff_answer_all_twelve_questions_on_one_page(world, client_for, history) -> None:
    client = client_for("clinician_a")
    six_months = visit(world.patient_a, "6 months")
    url = reverse("care:visit-alsfrs-r", args=[six_months.pk])
    page = client.get(url).content.decode()
    legends = re.findall(r"<legend>(\d+[ab]?)\. ", page)
    assert legends == ["1", "2", "3", "4", "5a", "5b", "6", "7", "8", "9", "10", "11", "12"]
    assert page.count('type="radio"') == 5 * 13 + 2 + 3  # items, "not asked" twice, how answered
    assert "Somewhat slow and clumsy, but no help needed" in page  # the scale's own wording
    assert re.search(r"<details>\s*<summary>Has the patient had a gastrostomy", page)
    chosen = re.findall(r'name="(\w+)" value="(\w*)"[^>]* checked', page)
    assert chosen == [("respondent", "clinic"), ("q5b", "")]  # no answer is chosen for them
    assert "5a. Cutting food and handling utensils</legend>" in page  # not marked optional

    response = post(client, url, {"assessed_on": "2025-03-04", "respondent": "phone", **answers()})
    assert response.status_code == 302
    saved = AlsfrsR.objects.get(visit=six_months)
    assert (saved.respondent, saved.q5a, saved.q5b, saved.entered_by) == (
        "phone",
        3,
        None,
        world.users["clinician_a"],
    )
    page = visit_page(client, six_months)
    assert "Total 36</strong> of 48" in page and "Rated by telephone" in page
    assert "ALSFRS-R saved." in page


def test_an_impossible_answer_is_refused_next_to_the_item_and_answers_are_kept(
    world, client_for, history
) -> None:
    client = client_for("coordinator_a")
    url = reverse("care:visit-alsfrs-r", args=[visit(world.patient_a, "6 months").pk])
    response = post(
        client, url, {"assessed_on": "2025-03-04", "respondent": "clinic", **answers(q7=5)}
    )
    form = response.context["form"]
    assert list(form.errors) == ["q7"]
    page = response.content.decode()
    assert 'role="alert"' in page and 'href="#id_q7_0"' in page
    assert re.search(r'name="q1" value="3"[^>]*checked', page)
    assert re.search(r'name="respondent" value="clinic"[^>]*checked', page)
    assert not AlsfrsR.objects.filter(assessed_on=date(2025, 3, 4)).exists()


def test_item_5_answered_twice_is_refused(world, client_for, history) -> None:
    url = reverse("care:visit-alsfrs-r", args=[visit(world.patient_a, "6 months").pk])
    response = post(
        client_for("coordinator_a"),
        url,
        {"assessed_on": "2025-03-04", "respondent": "clinic", **answers(q5b=2)},
    )
    assert response.context["form"].errors["q5b"] == [
        'Answer item 5 once: choose "Not asked" for 5a or for 5b.'
    ]
    assert "<details open>" in response.content.decode()


def test_a_second_alsfrs_r_on_the_same_day_is_refused_with_a_clear_message(
    world, client_for, history
) -> None:
    url = reverse("care:visit-alsfrs-r", args=[visit(world.patient_a, "6 months").pk])
    response = post(
        client_for("coordinator_a"),
        url,
        {"assessed_on": "2024-12-02", "respondent": "clinic", **answers()},
    )
    assert response.context["form"].errors["assessed_on"] == [
        "There is already an ALSFRS-R for this day."
    ]
    assert AlsfrsR.objects.filter(patient=world.patient_a).count() == 2


def test_an_assessment_before_onset_is_refused(world, client_for, history) -> None:
    url = reverse("care:visit-alsfrs-r", args=[visit(world.patient_a, "6 months").pk])
    response = post(
        client_for("coordinator_a"),
        url,
        {"assessed_on": "2023-12-01", "respondent": "clinic", **answers()},
    )
    assert response.context["form"].errors["assessed_on"] == ["This date is before symptom onset."]


def test_5b_without_a_gastrostomy_on_the_record_is_saved_and_flagged(
    world, client_for, history
) -> None:
    client = client_for("coordinator_a")
    six_months = visit(world.patient_a, "6 months")
    response = post(
        client,
        reverse("care:visit-alsfrs-r", args=[six_months.pk]),
        {"assessed_on": "2025-03-04", "respondent": "clinic", **answers(q5a="", q5b=2, q12=4)},
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Some values are unusual" in page
    assert "Please check: 1 data query" in page and "no gastrostomy date" in page
    assert AlsfrsR.objects.get(visit=six_months).q5b == 2


def test_a_total_up_six_points_since_the_last_is_saved_and_flagged(
    world, client_for, history
) -> None:
    client = client_for("coordinator_a")
    six_months = visit(world.patient_a, "6 months")
    post(
        client,
        reverse("care:visit-alsfrs-r", args=[six_months.pk]),
        {"assessed_on": "2025-03-04", "respondent": "self", **answers(4)},
    )
    page = visit_page(client, six_months)
    assert "rose 10 points since the last one (38 on 02 December 2024 → 48)" in page


def test_a_visit_seen_outside_its_window_is_flagged_not_refused(world, client_for, history) -> None:
    client = client_for("coordinator_a")
    two_weeks = visit(world.patient_a, "2 weeks")  # due 16 Sep 2024 ± 3 days
    response = post(
        client,
        reverse("care:visit-alsfrs-r", args=[two_weeks.pk]),
        {"assessed_on": "2024-10-01", "respondent": "clinic", **answers()},
    )
    assert response.status_code == 302
    page = visit_page(client, two_weeks)
    assert "Done, outside its window" in page
    assert "Seen 12 days after its window closed" in page


def test_spirometry_over_ten_litres_is_refused_in_plain_words(world, client_for, history) -> None:
    url = reverse("care:visit-spirometry", args=[visit(world.patient_a, "6 months").pk])
    response = post(
        client_for("coordinator_a"),
        url,
        {"measured_on": "2025-03-04", "fvc_litres": "31.5", "equation": "gli2012"},
    )
    assert response.context["form"].errors["fvc_litres"] == [
        "More than 10 litres is not possible. Enter litres, not millilitres."
    ]
    assert 'value="31.5"' in response.content.decode()


def test_a_typo_in_fvc_percent_is_refused_next_to_the_field_and_keeps_the_form(
    world, client_for, history
) -> None:
    """Issue 18: 1009 (for 100.9) gave "Something went wrong on our side" and lost the form."""
    url = reverse("care:visit-spirometry", args=[visit(world.patient_a, "6 months").pk])
    client = client_for("coordinator_a")
    for typed in ("1009", "250"):
        data = {"measured_on": "2025-03-04", "fvc_percent_entered": typed, "equation": "gli2012"}
        response = post(client, url, data)
        assert response.status_code == 200
        assert response.context["form"].errors["fvc_percent_entered"]
        assert f'value="{typed}"' in response.content.decode()
    assert response.context["form"].errors["fvc_percent_entered"] == [
        "More than 200 % of predicted is not possible; check the report."
    ]


def test_fvc_percent_is_computed_from_the_record_and_an_unusual_one_is_flagged(
    world, client_for, history
) -> None:
    services.patient_update(actor="test", patient=world.patient_a, height_cm=Decimal("165"))
    client = client_for("clinician_a")
    six_months = visit(world.patient_a, "6 months")
    url = reverse("care:visit-spirometry", args=[six_months.pk])
    response = post(
        client, url, {"measured_on": "2025-03-04", "fvc_litres": "5.90", "equation": "gli2012"}
    )
    assert response.status_code == 302
    page = visit_page(client, six_months)
    assert "5.90 L" in page and "(computed with GLI-2012 (Quanjer 2012))" in page
    assert "Please check: 1 data query" in page and "above 150 %" in page


def test_a_second_spirometry_on_the_same_day_is_refused(world, client_for, history) -> None:
    url = reverse("care:visit-spirometry", args=[visit(world.patient_a, "6 months").pk])
    response = post(
        client_for("coordinator_a"),
        url,
        {"measured_on": "2024-09-02", "fvc_litres": "3.0", "equation": "gli2012"},
    )
    assert response.context["form"].errors["measured_on"] == [
        "There is already a spirometry for this day."
    ]
    assert Spirometry.objects.filter(patient=world.patient_a).count() == 1


def test_a_weight_change_over_ten_percent_a_month_is_saved_and_flagged(
    world, client_for, history
) -> None:
    """71 kg in September, then 156.5 (pounds typed as kilograms) six months later: +120 %, 20 %
    a month. A loss of 15 % over those six months would be real ALS weight loss, not a query."""
    client = client_for("coordinator_a")
    six_months = visit(world.patient_a, "6 months")
    refused = post(
        client,
        reverse("care:visit-weight", args=[six_months.pk]),
        {"measured_on": "2025-03-04", "kg": "400"},
    )
    assert refused.context["form"].errors["kg"] == [
        "Enter the weight in kilograms (between 20 and 300)."
    ]
    post(
        client,
        reverse("care:visit-weight", args=[six_months.pk]),
        {"measured_on": "2025-03-04", "kg": "156.5"},
    )
    assert Weight.objects.get(measured_on=date(2025, 3, 4)).visit == six_months
    page = visit_page(client, six_months)
    assert "156.5 kg" in page and "Weight is up 120 % since the last weight" in page
    six_months.refresh_from_db()
    assert six_months.visit_date == date(2025, 3, 4)


def test_an_update_is_kept_with_the_visit(world, client_for, history) -> None:
    client = client_for("clinician_a")
    six_months = visit(world.patient_a, "6 months")
    post(
        client,
        reverse("care:visit-update", args=[six_months.pk]),
        {"written_on": "2025-03-04", "text": "Climbing stairs is harder."},
    )
    assert PatientUpdate.objects.get(visit=six_months).entered_by == world.users["clinician_a"]
    assert "Climbing stairs is harder." in visit_page(client, six_months)


def test_a_visit_outside_the_schedule_is_added_once_per_day(world, client_for) -> None:
    client = client_for("coordinator_a")
    url = reverse("care:visit-create", args=[world.patient_a.pk])
    response = post(client, url, {"visit_date": "2024-06-03", "label": "Pre-treatment"})
    added = Visit.objects.get(patient=world.patient_a, label="Pre-treatment")
    assert response.url == reverse("care:visit-detail", args=[added.pk])
    assert added.status(date.today()) == Visit.Status.DONE
    again = post(client, url, {"visit_date": "2024-06-03", "label": "Unscheduled"})
    assert again.context["form"].errors["visit_date"] == [
        'There is already a visit on this day: "Pre-treatment".'
    ]


def test_the_visit_page_makes_a_bounded_number_of_queries(
    world, client_for, history, django_assert_max_num_queries
) -> None:
    baseline = history["baseline"].visit
    for kg in ("70.0", "72.0", "69.5"):
        services.weight_record(
            actor="test", patient=world.patient_a, measured_on=date(2024, 9, 2), kg=Decimal(kg)
        )
    for n in range(3):
        services.update_post(
            actor="test", patient=world.patient_a, written_on=date(2024, 9, 2), text=f"note {n}"
        )
    client = client_for("clinician_a")
    with django_assert_max_num_queries(22):
        page = visit_page(client, baseline)
    assert page.count("kg on 2 September 2024") == 4 and "note 2" in page


def test_another_sites_visit_is_not_found(world, client_for, history) -> None:
    six_months = visit(world.patient_a, "6 months")
    client = client_for("clinician_b")
    assert client.get(reverse("care:visit-detail", args=[six_months.pk])).status_code == 404
    response = post(
        client,
        reverse("care:visit-weight", args=[six_months.pk]),
        {"measured_on": "2025-03-04", "kg": "60.0"},
    )
    assert response.status_code == 404
    assert not Weight.objects.filter(measured_on=date(2025, 3, 4)).exists()
