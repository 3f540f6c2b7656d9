"""Services write through the audit log (old and new values) and bump the version."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cellpath.accounts.models import AuditEvent
from cellpath.programmes.services import programme_create, programme_update
from tests.programmes.kit import make_programme, make_study, trial_data


def events(programme) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type="programmes.programme", object_id=str(programme.pk)
        ).order_by("id")
    )


def test_it_records_the_creation_with_every_value_and_the_site(world) -> None:
    study = make_study("nurown-phase-3")
    programme = make_programme(world.site_a, studies=[study])
    create, studies = events(programme)
    assert programme.version == 1
    assert create.action == AuditEvent.Action.CREATE
    assert create.site_id == world.site_a.pk
    assert create.object_label == "programme good-trial"
    assert create.changes["name"] == {"old": None, "new": "Good trial"}
    assert studies.changes == {"studies": {"old": [], "new": ["nurown-phase-3"]}}


def test_it_records_old_and_new_values_and_bumps_the_version(world) -> None:
    one, two = make_study("study-one"), make_study("study-two")
    programme = make_programme(world.site_a, studies=[one])
    actor = world.users["coordinator_a"]
    programme_update(
        actor=actor, programme=programme, data={"name": "Better trial"}, studies=[one, two]
    )
    programme.refresh_from_db()
    assert programme.version == 2
    assert programme.name == "Better trial"
    update, studies = events(programme)[-2:]
    assert update.actor == actor
    assert update.changes["name"] == {"old": "Good trial", "new": "Better trial"}
    assert update.changes["version"] == {"old": 1, "new": 2}
    assert studies.changes == {"studies": {"old": ["study-one"], "new": ["study-one", "study-two"]}}


def test_it_leaves_studies_alone_when_none_are_given(world) -> None:
    study = make_study("study-one")
    programme = make_programme(world.site_a, studies=[study])
    before = len(events(programme))
    programme_update(actor="test", programme=programme, data={"schedule": "Two doses"})
    assert list(programme.studies.all()) == [study]
    assert len(events(programme)) == before + 1


def test_it_saves_nothing_when_the_facts_disagree(world) -> None:
    programme = make_programme(world.site_a)
    with pytest.raises(ValidationError):
        programme_update(actor="test", programme=programme, data={"registry_id": ""})
    programme.refresh_from_db()
    assert programme.version == 1 and programme.registry_id == "NCT09990001"


def test_it_refuses_people_without_the_role_at_the_site(world) -> None:
    programme = make_programme(world.site_a)
    for actor in ("coordinator_b", "clinician_a", "editor"):
        with pytest.raises(PermissionDenied):
            programme_update(actor=world.users[actor], programme=programme, data={"name": "X"})
    with pytest.raises(PermissionDenied):
        programme_create(actor=world.users["administrator_b"], site=world.site_a, data=trial_data())


def test_it_refuses_fields_the_services_set_themselves(world) -> None:
    with pytest.raises(ValueError, match="site"):
        programme_create(actor="test", site=world.site_a, data=trial_data(site=world.site_b))
