"""A patient's responsible clinician: named by the care team, only a clinician of the site,
audited, shown on the record and chosen on the record's edit page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cellpath.accounts.models import AuditEvent
from cellpath.care.services import patient_clinician_set

pytestmark = pytest.mark.django_db


def test_the_care_team_names_a_clinician_of_the_site_and_it_is_audited(world) -> None:
    clinician = world.users["clinician_a"]
    patient_clinician_set(actor=world.users["coordinator_a"], patient=world.patient_a,
                          clinician=clinician)  # fmt: skip
    world.patient_a.refresh_from_db()
    assert world.patient_a.clinician == clinician
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, object_id=str(world.patient_a.pk)
    ).exists()


@pytest.mark.parametrize("who", ["coordinator_a", "patient_a"])
def test_only_a_clinician_of_the_site_may_be_named(world, who) -> None:
    with pytest.raises(ValidationError, match="clinician of this patient's site"):
        patient_clinician_set(actor=world.users["coordinator_a"], patient=world.patient_a,
                              clinician=world.users[who])  # fmt: skip
    with pytest.raises(ValidationError):
        patient_clinician_set(actor=world.users["coordinator_b"], patient=world.patient_b,
                              clinician=world.users["clinician_a"])  # fmt: skip


@pytest.mark.parametrize("actor", ["coordinator_b", "clinician_b", "patient_a", "editor"])
def test_no_one_outside_the_care_team_names_one(world, actor) -> None:
    if actor not in world.users:
        pytest.skip(f"no {actor} in this world")
    with pytest.raises(PermissionDenied):
        patient_clinician_set(actor=world.users[actor], patient=world.patient_a,
                              clinician=world.users["clinician_a"])  # fmt: skip


def test_the_edit_page_offers_the_sites_clinicians_and_the_record_shows_the_choice(
    world, client_for
) -> None:
    client = client_for("coordinator_a")
    url = reverse("care:patient-edit", args=[world.patient_a.pk])
    page = client.get(url).content.decode()
    assert "Responsible clinician" in page
    form = page[page.index('name="clinical-clinician"') :].split("</select>")[0]
    assert f'value="{world.users["clinician_a"].pk}"' in form
    assert f'value="{world.users["clinician_b"].pk}"' not in form  # another site's
    record = client.get(reverse("care:patient-detail", args=[world.patient_a.pk]))
    assert "Responsible clinician" in record.content.decode()
    assert "Not named yet" in record.content.decode()
