"""'How are you doing?': the patient posts an update and sees their past ones."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone

from cellpath.care import services
from cellpath.care.models import PatientUpdate


def post(client, url: str, data: dict | None = None):
    client.get(reverse("home"))
    return client.post(
        url, {**(data or {}), "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )


def test_it_posts_an_update_and_shows_it_with_the_earlier_ones(world, client_for) -> None:
    services.update_post(
        actor=world.users["coordinator_a"],
        patient=world.patient_a,
        written_on=date(2025, 2, 1),
        text="Phoned: feeling tired.",
    )
    client = client_for("patient_a")
    response = post(
        client, reverse("care:portal-updates"), {"text": "Better week, walked to the park."}
    )
    assert response.status_code == 302
    update = PatientUpdate.objects.get(text="Better week, walked to the park.")
    assert update.patient == world.patient_a and update.written_on == timezone.localdate()
    assert update.entered_by == world.users["patient_a"]
    page = client.get(reverse("care:portal-updates")).content.decode()
    assert "Thank you. Your update was saved." in page
    assert page.index("walked to the park") < page.index("feeling tired")  # newest first
    assert "written by you" in page and "written by your care team" in page


def test_an_empty_update_is_refused_and_a_long_one_kept_on_the_page(world, client_for) -> None:
    client = client_for("patient_a")
    response = post(client, reverse("care:portal-updates"), {"text": "   "})
    page = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in page
    assert "Write a few words before sending." in page
    long_text = "word " * 900
    response = post(client, reverse("care:portal-updates"), {"text": long_text})
    assert "keep it under 4,000 characters" in response.content.decode()
    assert long_text.strip()[:100] in response.content.decode()
    assert not PatientUpdate.objects.exists()


def test_a_patient_never_sees_another_patients_updates(world, client_for) -> None:
    services.update_post(
        actor=world.users["patient_b"],
        patient=world.patient_b,
        written_on=date(2025, 3, 1),
        text="Private words of B",
    )
    page = client_for("patient_a").get(reverse("care:portal-updates")).content.decode()
    assert "Private words of B" not in page and "No updates yet." in page
