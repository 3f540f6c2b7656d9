"""The patient list's search and filters: study ID for everyone on the care team, names only
for coordinators (of the patient's own site), overdue visits, open adverse events, site."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from cellpath.accounts.models import AuditEvent, Membership
from cellpath.accounts.roles import Role
from cellpath.care import services
from tests.factories import PatientFactory


def listed(client, **params) -> list[str]:
    page = client.get(reverse("care:patient-list"), params).content.decode()
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return [
        row.split("</a>")[0].rsplit(">", 1)[1] for row in body.split("<tr>")[1:] if "</a>" in row
    ]


def test_staff_search_by_study_id(world, client_for) -> None:
    other = PatientFactory(site=world.site_a, full_name="Eve Other")
    for actor in ("coordinator_a", "clinician_a"):
        assert listed(client_for(actor), q=other.study_id.lower()) == [other.study_id]


def test_coordinators_search_by_name_and_clinicians_do_not(world, client_for) -> None:
    assert listed(client_for("coordinator_a"), q="ada") == [world.patient_a.study_id]
    assert listed(client_for("clinician_a"), q="ada") == []
    page = client_for("clinician_a").get(reverse("care:patient-list"), {"q": "ada"})
    assert "No patient record matches your search." in page.content.decode()


def test_a_name_search_never_reaches_a_site_where_i_am_only_a_clinician(world, client_for) -> None:
    Membership.objects.create(
        user=world.users["coordinator_a"], site=world.site_b, role=Role.CLINICIAN
    )
    client = client_for("coordinator_a")
    assert listed(client, q="example") == [world.patient_a.study_id]  # not Bo Example at B
    assert world.patient_b.study_id in listed(client)


def test_it_filters_patients_with_an_overdue_visit_or_an_open_adverse_event(
    world, client_for
) -> None:
    today = timezone.localdate()
    late = PatientFactory(site=world.site_a, full_name="Late Person")
    services.course_start(
        actor="test",
        patient=late,
        programme_name="MSC",
        cell_type="msc",
        donor="allogeneic",
        tissue="umbilical_cord",
        route="intravenous",
        started_on=today - timedelta(days=30),
    )
    ill = PatientFactory(site=world.site_a, full_name="Ill Person")
    services.adverse_event_record(
        actor="test",
        patient=ill,
        description="Fever",
        onset_date=today,
        grade=2,
        serious=False,
        related_to_procedure="possible",
        related_to_cells="possible",
    )
    client = client_for("clinician_a")
    assert listed(client, overdue="on") == [late.study_id]
    assert listed(client, open_adverse_event="on") == [ill.study_id]
    assert listed(client, overdue="on", open_adverse_event="on") == []


def test_it_filters_by_site_among_my_sites_only(world, client_for) -> None:
    Membership.objects.create(
        user=world.users["clinician_a"], site=world.site_b, role=Role.CLINICIAN
    )
    client = client_for("clinician_a")
    assert listed(client, site=world.site_b.pk) == [world.patient_b.study_id]
    response = client_for("coordinator_a").get(
        reverse("care:patient-list"), {"site": world.site_b.pk}
    )
    assert "Select a valid choice" in response.content.decode()
    assert world.patient_b.study_id not in response.content.decode()


def test_the_search_is_kept_in_the_form_and_in_the_page_links(world, client_for) -> None:
    for n in range(3):
        PatientFactory(site=world.site_a, full_name=f"Page Person {n}")
    client = client_for("coordinator_a")
    response = client.get(reverse("care:patient-list"), {"q": "aaa", "page": "1"})
    page = response.content.decode()
    assert 'value="aaa"' in page and "4 patient records match your search" in page
    assert response.context["query"] == "q=aaa"  # carried by the page links
    event = AuditEvent.objects.filter(action="list").latest("id")
    assert event.detail["search"] == "aaa" and event.detail["count"] == 4
