"""E-mail goes through the task layer: in process by default, a database queue in production."""

from __future__ import annotations

from django.core import mail
from django.core.management import call_command

from cellpath.outbox import send_email, send_email_after_commit


def test_by_default_tasks_run_in_process(db, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        send_email_after_commit(subject="Hello", body="Body", to=["a@example.org"])
    assert [m.subject for m in mail.outbox] == ["Hello"]


def test_nothing_is_sent_for_work_that_rolled_back(db, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        send_email_after_commit(subject="Hello", body="Body", to=["a@example.org"])
    assert mail.outbox == []


def test_with_the_database_backend_a_worker_sends_queued_mail(transactional_db, settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = send_email.enqueue(subject="Queued", body="Body", to=["a@example.org"])
    assert mail.outbox == []  # waiting for a worker
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert [m.subject for m in mail.outbox] == ["Queued"]
    result.refresh()
    assert result.status == "SUCCESSFUL"
