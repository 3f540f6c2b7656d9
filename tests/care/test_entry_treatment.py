"""Treatment courses entered by the care team: repeat courses numbered, visits scheduled, and the
chain of identity dose → lot → harvest on the course page."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from cellpath.accounts.models import AuditEvent
from cellpath.care.models import Administration, Batch, TreatmentCourse
from tests.factories import clinical_history


def post(client, url: str, data: dict):
    client.get(reverse("home"))  # every page carries the CSRF cookie (the sign-out form)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


COURSE = {
    "programme_name": "Riverside MSC study",
    "cell_type": "msc",
    "donor": "autologous",
    "tissue": "bone_marrow",
    "route": "intrathecal",
    "started_on": "2025-01-06",
}


def test_it_starts_numbered_courses_and_schedules_their_visits(world, client_for) -> None:
    client = client_for("coordinator_a")
    url = reverse("care:course-create", args=[world.patient_a.pk])
    plan = client.get(url).context["form"].initial["follow_up_plan"]
    first = post(client, url, {**COURSE, "follow_up_plan": plan.pk})
    second = post(client, url, {**COURSE, "started_on": "2026-01-05", "follow_up_plan": plan.pk})
    courses = list(TreatmentCourse.objects.filter(patient=world.patient_a).order_by("number"))
    assert [c.number for c in courses] == [1, 2]
    assert first.url == reverse("care:course-detail", args=[courses[0].pk])
    page = client.get(second.url).content.decode()
    assert "Course 2 started; 16 follow-up visits scheduled." in page
    assert "Baseline" in page and "12 months" in page


def test_a_course_before_onset_is_refused_next_to_the_date_and_answers_kept(
    world, client_for
) -> None:
    client = client_for("clinician_a")
    url = reverse("care:course-create", args=[world.patient_a.pk])
    plan = client.get(url).context["form"].initial["follow_up_plan"]
    response = post(client, url, {**COURSE, "started_on": "2023-01-02", "follow_up_plan": plan.pk})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["started_on"] == ["A course cannot start before symptom onset."]
    page = response.content.decode()
    assert 'role="alert"' in page and 'value="Riverside MSC study"' in page
    assert not TreatmentCourse.objects.exists()


def test_the_course_page_shows_the_chain_of_identity(world, client_for) -> None:
    history = clinical_history(world.patient_a)
    course = history["course"]
    client = client_for("coordinator_a")
    lot = post(
        client,
        reverse("care:batch-create", args=[course.pk]),
        {
            "lot_number": "LOT-77",
            "harvest": history["harvest"].pk,
            "processed_on": "2024-08-31",
            "cell_count": "3e8",
        },
    )
    assert lot.status_code == 302, lot.context["form"].errors
    batch = Batch.objects.get(lot_number="LOT-77")
    for given_on, dose in (("2024-09-30", "100 million"), ("2024-10-28", "1.5 × 10^8")):
        response = post(
            client,
            reverse("care:administration-create", args=[course.pk]),
            {"given_on": given_on, "dose_cells": dose, "route": "intrathecal", "batch": batch.pk},
        )
        assert response.status_code == 302, response.context["form"].errors
    assert sorted(
        Administration.objects.filter(batch=batch).values_list("dose_cells", flat=True)
    ) == [
        100_000_000,
        150_000_000,
    ]
    page = client.get(reverse("care:course-detail", args=[course.pk])).content.decode()
    row = page[page.index("28 Oct 2024") :].split("</tr>")[0]
    assert "150,000,000 (1.5 × 10⁸)" in row and "LOT-77" in row and "H-001" in row
    assert "300,000,000 (3.0 × 10⁸)" in page  # the lot's cell count


def test_a_dose_the_form_cannot_read_is_refused_with_how_to_write_it(world, client_for) -> None:
    course = clinical_history(world.patient_a)["course"]
    client = client_for("coordinator_a")
    url = reverse("care:administration-create", args=[course.pk])
    response = post(client, url, {"given_on": "2024-09-30", "dose_cells": "1,5 million"})
    page = response.content.decode()
    assert "Use a point for decimals" in page and 'value="1,5 million"' in page
    assert "100 million" in page  # the help text
    assert Administration.objects.filter(course=course).count() == 1


def test_an_autologous_dose_must_name_its_lot(world, client_for) -> None:
    course = clinical_history(world.patient_a)["course"]
    response = post(
        client_for("coordinator_a"),
        reverse("care:administration-create", args=[course.pk]),
        {"given_on": "2024-09-30", "dose_cells": "1e8", "route": "intrathecal"},
    )
    assert response.context["form"].errors["batch"] == [
        "Name the lot this dose came from (chain of identity)."
    ]


def test_a_harvest_is_recorded_and_audited(world, client_for) -> None:
    course = clinical_history(world.patient_a)["course"]
    client = client_for("clinician_a")
    response = post(
        client,
        reverse("care:harvest-create", args=[course.pk]),
        {"collected_on": "2025-08-01", "tissue": "bone_marrow", "reference": "H-002"},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action="create", object_type="care.harvest", actor=world.users["clinician_a"]
    ).exists()


def test_another_sites_course_cannot_be_written_to(world, client_for) -> None:
    course = clinical_history(world.patient_a)["course"]
    client = client_for("coordinator_b")
    response = post(
        client,
        reverse("care:harvest-create", args=[course.pk]),
        {"collected_on": "2025-08-01", "tissue": "bone_marrow", "reference": "H-X"},
    )
    assert response.status_code == 404
    assert course.harvests.count() == 1


def test_the_course_page_makes_a_bounded_number_of_queries(
    world, client_for, django_assert_max_num_queries
) -> None:
    history = clinical_history(world.patient_a)
    from cellpath.care import services

    for day in range(3, 20):
        services.administration_record(
            actor="test",
            course=history["course"],
            given_on=date(2024, 9, day),
            dose_cells=10**8,
            route="intrathecal",
            batch=history["batch"],
        )
    client = client_for("coordinator_a")
    url = reverse("care:course-detail", args=[history["course"].pk])
    with django_assert_max_num_queries(18):
        assert client.get(url).status_code == 200
