"""`cellpath load_library [--update]`: load the versioned study library into the database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cellpath.evidence.library import LibraryError, load_library


class Command(BaseCommand):
    help = (
        "Load the study library (studies, sources, figures, claims, knowledge pages) from the "
        "TOML files shipped with Cellpath. Existing records are kept unless --update is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--update",
            action="store_true",
            help="overwrite records that differ from the files (editors' changes are replaced)",
        )

    def handle(self, *args: Any, update: bool = False, **options: Any) -> None:
        try:
            summary = load_library(update=update)
        except LibraryError as error:
            raise CommandError(
                "The library files are invalid; nothing was loaded:\n  "
                + "\n  ".join(error.problems)
            ) from error
        self.stdout.write(f"Study library: {summary}.")
