"""`cellpath remind [--date YYYY-MM-DD]` e-mails the reminders of visits whose window opens that
day and says how many it queued."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from cellpath.care import services


def remind(*args: str) -> str:
    out = StringIO()
    call_command("remind", *args, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def course_a(world):
    services.consent_record(
        actor="test",
        patient=world.patient_a,
        purpose="contact",
        version="1",
        given_on=date(2025, 1, 1),
        method="written",
    )
    identity = world.patient_a.identity
    services.identity_update(
        actor="test", patient=world.patient_a, full_name=identity.full_name, email="ada@example.org"
    )
    return services.course_start(
        actor="test",
        patient=world.patient_a,
        programme_name="MSC",
        cell_type="msc",
        donor="allogeneic",
        tissue="umbilical_cord",
        route="intravenous",
        started_on=date(2025, 3, 3),
    )


def test_it_e_mails_the_coordinators_and_the_consenting_patient(
    world, course_a, django_capture_on_commit_callbacks
) -> None:
    # The 1-month visit is due 2 April 2025 ± 7 days: its window opens on 26 March.
    with django_capture_on_commit_callbacks(execute=True):
        output = remind("--date", "2025-03-26")
    assert output == "2 reminder e-mails queued for 2025-03-26."
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.org", "coordinator.a@example.org"]
    to_coordinator = next(m for m in mail.outbox if m.to == ["coordinator.a@example.org"])
    assert to_coordinator.subject == f"Follow-up visit due: {world.patient_a.study_id} 1 month"


def test_a_day_without_an_opening_window_sends_nothing(world, course_a) -> None:
    assert remind("--date", "2025-03-27") == "0 reminder e-mails queued for 2025-03-27."
    assert mail.outbox == []


def test_a_malformed_date_is_refused_with_the_expected_format(world) -> None:
    with pytest.raises(CommandError, match="like 2025-03-31"):
        remind("--date", "26/03/2025")


def test_without_a_date_it_reminds_for_today(world) -> None:
    assert remind() == "0 reminder e-mails queued for today."
