"""`cellpath trials import | sync | reread`: import the registry, sync it from the live API,
read the stored criteria again.

    cellpath trials import PATH [--condition-filter als]   a bulk ZIP, a folder or a .json file
    cellpath trials sync [--condition TEXT] [--status S …] the live API v2 (needs a network)
    cellpath trials reread                                  read stored criteria again

Exit status: 0 done, 2 bad input or usage (nothing imported from an unusable source), 1 when
the network or the database failed part-way (what was imported before stays: every batch is a
transaction of whole studies).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

DEFAULT_API = "https://clinicaltrials.gov/api/v2"


class Progress:
    """A progress line on stderr: rewritten in place on a terminal, a line every few seconds
    otherwise (logs, CI)."""

    def __init__(self, what: str, total: int | None, stream: TextIO, *, enabled: bool = True):
        self.what, self.total, self.stream, self.enabled = what, total, stream, enabled
        self.started = self.last = time.perf_counter()
        self.tty = stream.isatty()

    def __call__(self, done: int, *, final: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if not final and not self.tty and now - self.last < 5:
            return
        self.last = now
        rate = done / max(now - self.started, 1e-9)
        of = f" of {self.total:,}" if self.total else ""
        pct = f" ({100 * done / self.total:.0f} %)" if self.total else ""
        line = f"{self.what}: {done:,}{of}{pct}, {rate:,.0f}/s"
        end = "\n" if final or not self.tty else ""
        print(f"\r{line}" if self.tty else line, end=end, file=self.stream, flush=True)


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cellpath.site.settings")
    import django

    django.setup()


def _run(
    start: Callable[[], Any],
    progress: Progress,
    out: TextIO,
    err: TextIO,
    *,
    failed: str,
    status: int,
) -> int:
    """Run an import (`start`), then report it and tell saved searches about new or changed
    open ALS trials (a background task); a source that fails part-way is said in words (what
    was imported before stays: each batch is a transaction)."""
    from cellpath.trials.ctgov.sources import SourceError

    try:
        summary = start()
    except SourceError as error:
        print(f"\n{failed}: {error}", file=err)
        return status
    progress(summary.read, final=True)
    for line in summary.lines():
        print(line, file=out)
    if summary.changed_open_als:
        from cellpath.trials.alerts import notify_saved_searches

        notify_saved_searches.enqueue(changed=summary.changed_open_als)
    return 0


def import_main(argv: list[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    parser = argparse.ArgumentParser(
        prog="cellpath trials import",
        description="Import ClinicalTrials.gov studies (API v2 JSON): the bulk ZIP "
        "(ctg-studies.json.zip), a folder of study files, or one file. Streams the source; "
        "a study already stored is updated only when its last-update date moved.",
    )
    parser.add_argument("path", help="the .zip, a folder of .json files, or one .json file")
    parser.add_argument(
        "--condition-filter",
        metavar="TEXT",
        help='"als" keeps ALS studies (MeSH D000690 or the condition named); other words keep '
        "studies whose conditions contain them",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress line")
    args = parser.parse_args(argv)
    _setup()
    from cellpath.trials.ctgov.importer import import_source
    from cellpath.trials.ctgov.sources import SourceError, open_source

    try:
        source = open_source(Path(args.path))
    except SourceError as error:
        print(f"cellpath trials import: {args.path}: {error}", file=err)
        return 2
    progress = Progress("studies read", len(source), err, enabled=not args.quiet)
    return _run(
        lambda: import_source(source, condition_filter=args.condition_filter, progress=progress),
        progress,
        out,
        err,
        failed=f"cellpath trials import: {args.path}",
        status=2,
    )


def sync_main(argv: list[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    parser = argparse.ArgumentParser(
        prog="cellpath trials sync",
        description="Fetch studies from the ClinicalTrials.gov API v2 and import them "
        "(needs a network; the same rules as `cellpath trials import`).",
    )
    parser.add_argument("--condition", default="amyotrophic lateral sclerosis",
                        help='query.cond (default: "amyotrophic lateral sclerosis")')  # fmt: skip
    parser.add_argument(
        "--status",
        action="append",
        metavar="STATUS",
        help="filter.overallStatus, repeatable (default: the statuses open to enrol)",
    )
    parser.add_argument(
        "--url",
        default=os.environ.get("CELLPATH_CTGOV_API", DEFAULT_API),
        help=f"the API's base address (default {DEFAULT_API}, or CELLPATH_CTGOV_API)",
    )
    parser.add_argument(
        "--retries", type=int, default=3, help="tries again per page after an error (default 3)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress line")
    args = parser.parse_args(argv)
    _setup()
    from cellpath.trials.ctgov.importer import import_entries
    from cellpath.trials.ctgov.sources import fetch_studies

    def on_page(number: int, total: int | None) -> None:
        progress.total = total

    progress = Progress("studies fetched", None, err, enabled=not args.quiet)
    options = {"statuses": args.status} if args.status else {}

    def start() -> Any:
        entries = fetch_studies(
            base_url=args.url.rstrip("/"),
            condition=args.condition,
            on_page=on_page,
            retries=max(0, args.retries),
            **options,
        )
        return import_entries(entries, progress=progress)

    return _run(start, progress, out, err, failed="cellpath trials sync", status=1)


def reread_main(argv: list[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    argparse.ArgumentParser(
        prog="cellpath trials reread",
        description="Read the stored eligibility texts of ALS studies again (after the reader "
        "improved).",
    ).parse_args(argv)
    _setup()
    from cellpath.trials.ctgov.importer import reread_criteria

    changed = reread_criteria(progress=Progress("studies read again", None, err))
    print(f"criteria changed for {changed} studies", file=out)
    return 0
