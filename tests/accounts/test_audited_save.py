"""`audited_save`: what it checks again when a row is saved, and what a refusal leaves behind."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cellpath.accounts.audit import audited_save
from cellpath.accounts.models import AuditEvent
from cellpath.intake.models import Application
from cellpath.programmes.models import Programme
from tests.intake.conftest import criteria_for, submitted
from tests.programmes.kit import make_programme


@pytest.fixture
def trial(world) -> Programme:
    programme = make_programme(world.site_a)
    criteria_for(programme)
    return programme


@pytest.fixture
def application(trial) -> Application:
    return Application.objects.get(pk=submitted(trial, {"tracheostomy": "no"})[0].pk)


def test_a_refusal_leaves_the_callers_transaction_usable(application) -> None:
    with transaction.atomic():
        application.email = "not an address"
        with pytest.raises(ValidationError):
            audited_save(application, actor="test")
        application.email = "fixed@example.org"
        audited_save(application, actor="test")
    application.refresh_from_db()
    assert application.email == "fixed@example.org"
    assert AuditEvent.objects.filter(action="update", object_id=str(application.pk)).count() == 2


def test_a_changed_unique_value_is_still_checked(trial, application) -> None:
    other, _ = submitted(trial, {}, email="other@example.org")
    application.reference = other.reference
    with pytest.raises(ValidationError, match="already exists"):
        audited_save(application, actor="test")


def test_unchanged_foreign_keys_and_unique_values_are_not_queried_again(application) -> None:
    application.answers = {**application.answers, "gastrostomy": "no"}
    with CaptureQueriesContext(connection) as queries:
        audited_save(application, actor="test")
    checks = [q["sql"] for q in queries if q["sql"].startswith("SELECT 1 AS")]
    assert checks == []
    saved = Application.objects.get(pk=application.pk)
    assert saved.answers["gastrostomy"] == "no"


def test_a_changed_foreign_key_is_checked(application) -> None:
    application.programme_id = 10**9
    with pytest.raises(ValidationError, match="programme"):
        audited_save(application, actor="test")


def test_a_changed_masked_field_is_logged_without_its_value(application) -> None:
    application.email = "new.address@example.org"
    audited_save(application, actor="test")
    event = AuditEvent.objects.filter(action="update", object_id=str(application.pk)).latest("id")
    assert event.changes == {"email": {"old": "***", "new": "***"}}
