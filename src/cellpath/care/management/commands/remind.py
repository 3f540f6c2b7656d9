"""`cellpath remind [--date YYYY-MM-DD]`: e-mail the reminders of the follow-up visits whose
window opens that day (run it once a day, e.g. from cron, beside `cellpath worker`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cellpath.care.services.followup import reminders_send


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--date must be a date like 2025-03-31, not {text!r}.") from error


class Command(BaseCommand):
    help = (
        "E-mail coordinators (and patients who agreed to be contacted) about the follow-up "
        "visits whose window opens today, or on --date."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=str, default=None, help="The day to remind for (YYYY-MM-DD); today."
        )

    def handle(self, *args: Any, date: str | None = None, **options: Any) -> None:
        day = _day(date) if date else None
        sent = reminders_send(day)
        when = f"for {day.isoformat()}" if day else "for today"
        self.stdout.write(f"{sent} reminder e-mail{'s' if sent != 1 else ''} queued {when}.")
