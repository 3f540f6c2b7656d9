"""The `world` fixture: built once per test module, yet each test finds it as built. The tests of
this file run in the order written (pytest keeps it; pytest-django runs the one that commits last).
"""

from __future__ import annotations

import pytest

from cellpath.accounts.audit import audited_save
from cellpath.accounts.models import AuditEvent, Site
from cellpath.care.models import Patient

first: dict[str, int] = {}


def test_a_test_may_change_the_world(world) -> None:
    first["site_a"] = world.site_a.pk
    first["audit_events"] = AuditEvent.objects.count()
    world.patient_a.sex = "M"
    audited_save(world.patient_a, actor="test")
    world.patient_b.sex = "M"  # in memory only
    world.users["coordinator_a"].email = "changed@example.org"
    Site.objects.create(name="Site C", code="ccc")


def test_the_next_test_finds_the_world_as_built(world) -> None:
    assert world.site_a.pk == first.get("site_a", world.site_a.pk)
    assert world.patient_a.sex == "F"
    assert Patient.objects.get(pk=world.patient_a.pk).sex == "F"
    assert world.patient_b.sex == "F"
    assert world.users["coordinator_a"].email == "coordinator.a@example.org"
    assert world.patient_a.user is world.users["patient_a"]
    assert sorted(Site.objects.values_list("code", flat=True)) == ["aaa", "bbb"]
    assert AuditEvent.objects.count() == first.get("audit_events", AuditEvent.objects.count())


def test_a_test_without_the_world_finds_no_world(db) -> None:
    assert not Site.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_later_test_finds_the_world_again(world) -> None:
    assert sorted(Site.objects.values_list("code", flat=True)) == ["aaa", "bbb"]
    assert Patient.objects.get(pk=world.patient_a.pk).sex == "F"


@pytest.mark.django_db(transaction=True)
def test_a_test_that_commits_gets_a_world_of_its_own(world) -> None:
    assert sorted(Site.objects.values_list("code", flat=True)) == ["aaa", "bbb"]
    assert world.patient_a.sex == "F"
