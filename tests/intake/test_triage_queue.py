"""The applications queue as a coordinator's work list: search, programme and status filters,
orders, bad filter values answered beside the field, and nothing above the site header."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.intake.conftest import criteria_for, submitted
from tests.programmes.kit import make_programme, trial_data

pytestmark = pytest.mark.django_db

ELIGIBLE = {"date_of_birth": "1970-05-01", "onset_date": "2026-01-15", "el_escorial": "probable",
            "diagnosis_date": "2026-06-01", "tracheostomy": False}  # fmt: skip


@pytest.fixture
def queue(trial, world):
    other = make_programme(world.site_a, trial_data(slug="second-trial", name="Second trial"))
    criteria_for(other)
    first = submitted(trial, ELIGIBLE, name="Ada Lovelace", email="ada@example.org")[0]
    second = submitted(other, {}, name="Grace Hopper", email="grace@example.org")[0]
    third = submitted(trial, {"tracheostomy": True}, name="Alan Turing", email="alan@x.org")[0]
    return first, second, third


def references(client, **params) -> list[str]:
    page = client.get(reverse("intake:queue"), params).content.decode()
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', page)


def test_a_coordinator_finds_an_application_by_name_reference_or_email(queue, client_for):
    first, second, third = queue
    client = client_for("coordinator_a")
    assert references(client, q="grace") == [second.reference]
    assert references(client, q=first.reference[-4:].lower()) == [first.reference]
    assert references(client, q="ALAN@x.org") == [third.reference]
    assert references(client, q="nobody") == []


def test_the_queue_filters_by_programme_and_orders_as_asked(queue, client_for):
    first, second, third = queue
    client = client_for("coordinator_a")
    assert set(references(client, programme="second-trial")) == {second.reference}
    newest = references(client)
    assert newest == [third.reference, second.reference, first.reference]
    assert references(client, order="oldest") == newest[::-1]
    by_verdict = references(client, order="verdict")
    assert by_verdict.index(first.reference) < by_verdict.index(third.reference)
    assert by_verdict[-1] == third.reference  # likely not eligible (a tracheostomy) comes last


def test_a_filter_value_that_is_not_offered_is_answered_beside_its_field(queue, client_for):
    client = client_for("coordinator_a")
    response = client.get(reverse("intake:queue"), {"programme": "no-such", "q": "x" * 81})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in page and "at most 80 characters" in page
    assert len(references(client, programme="no-such")) == 3  # that filter is left off


def test_another_sites_programmes_are_not_offered_and_its_applications_not_found(queue, client_for):
    page = client_for("coordinator_b").get(reverse("intake:queue"), {"q": "grace"})
    assert "Grace Hopper" not in page.content.decode()
    assert "Second trial" not in page.content.decode()


def test_the_screening_criteria_links_are_in_the_page_not_in_its_title_or_head(queue, client_for):
    page = client_for("coordinator_a").get(reverse("intake:queue")).content.decode()
    head, body = page.split("<body>", 1)
    assert "Screening criteria" not in head
    assert body.index('<main id="main"') < body.index("Screening criteria")
    assert re.search(r"<title>\s*Applications · Cellpath</title>", head)


def test_the_queue_shows_the_undecided_and_those_nobody_has_taken(queue, client_for, world):
    from cellpath.intake.services import application_assign, application_transition

    first, second, third = queue
    coordinator = world.users["coordinator_a"]
    application_assign(actor=coordinator, application=second, user=coordinator)
    application_transition(actor=coordinator, application=third, status="declined")
    client = client_for("coordinator_a")
    assert set(references(client, unassigned="on")) == {first.reference, third.reference}
    assert set(references(client, status="undecided")) == {first.reference, second.reference}
    assert references(client, status="undecided", unassigned="on") == [first.reference]
    page = client.get(reverse("intake:queue")).content.decode()
    assert "Not decided yet (2)" in page and "Only those not assigned to anyone" in page
