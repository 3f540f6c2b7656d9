"""`cellpath check_data [--site CODE …]`: run the data-quality rules over every patient of the
given sites (all sites when none is named) and bring their queries up to date. The same rules run
on every save; this finds what was entered before a rule existed, or imported."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cellpath.accounts.models import Site
from cellpath.care.services.data_queries import SYSTEM, check_data

CODE_MAX = 50


class Command(BaseCommand):
    help = (
        "Run the data-quality rules over the patients of --site CODE (repeatable; every site "
        "when none is given): open a query for each new finding, close those no longer found."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site", action="append", default=[], help="a site's code")
        parser.add_argument("--quiet", action="store_true", help="no progress messages")

    def handle(self, *args: Any, site: list[str], quiet: bool = False, **options: Any) -> None:
        codes = [code.strip()[:CODE_MAX] for code in site]
        sites = Site.objects.filter(code__in=codes) if codes else Site.objects.all()
        unknown = sorted(set(codes) - set(sites.values_list("code", flat=True)))
        if unknown:
            raise CommandError(f"No site has the code {', '.join(map(repr, unknown))}.")

        def progress(done: int, total: int) -> None:
            if not quiet and (done == total or done % 50 == 0):
                print(f"\rchecked {done} of {total} patients", end="", file=sys.stderr)
                if done == total:
                    print(file=sys.stderr)

        result = check_data(actor=SYSTEM, sites=sites, progress=progress)
        self.stdout.write(
            f"{result.opened} quer{'y' if result.opened == 1 else 'ies'} opened, "
            f"{result.closed} closed (the record no longer breaks the rule), "
            f"{result.still_open} still open or answered."
        )
