"""E-mail through the background-task layer. Tasks run in the request's process by default
(`CELLPATH_TASKS=immediate`) and in `cellpath worker` when `CELLPATH_TASKS=database`; callers
never know which. Kept at the bottom of the house so every app may send mail."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django_tasks import task


@task()
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> int:
    """Send one e-mail through Django's configured e-mail backend."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, headers=headers)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


def long_date(value: date | datetime) -> str:
    """A date as Cellpath's messages and pages write it, "7 December 2026"; a moment is read in
    the local time zone."""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return f"{value.day} {value:%B %Y}"


def absolute_url(path: str) -> str:
    """A link for an e-mail: the configured base URL (CELLPATH_BASE_URL) and `path`."""
    return f"{settings.CELLPATH_BASE_URL}{path}"


def send_email_after_commit(
    *,
    subject: str,
    body: str,
    to: list[str],
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Queue an e-mail once the current transaction commits (never for rolled-back work)."""
    transaction.on_commit(
        lambda: send_email.enqueue(subject=subject, body=body, to=to, html=html, headers=headers)
    )
