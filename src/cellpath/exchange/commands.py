"""``cellpath redcap``: import REDCap records (the export is ``cellpath export --format redcap``).

    cellpath redcap import FILE --mapping MAPPING --site CODE [--apply] [--actor EMAIL]

Import is a dry run unless ``--apply`` is given: it prints the plan's counts and every refused
row as ``FILE:LINE: reason``; with ``--apply`` a plan without refusals is written in one
transaction. Without ``--actor`` the command acts as the system part "cellpath redcap" (trusted
like every command run by the installation's operator); with it, as that person, whose roles at
the site are checked. Progress goes to stderr for large files.

Exit status: 0 done (or a clean dry run), 2 invalid input or usage (nothing written), 1 could
not write.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

EXIT_OK, EXIT_WRITE_FAILED, EXIT_BAD_INPUT = 0, 1, 2
SYSTEM_ACTOR = "cellpath redcap"
PROGRESS_BYTES = 2_000_000


class _Progress:
    def __init__(self, enabled: bool, stream: TextIO) -> None:
        self.enabled, self.stream, self.t0 = enabled, stream, time.perf_counter()

    def __call__(self, message: str) -> None:
        if self.enabled:
            elapsed = time.perf_counter() - self.t0
            print(f"cellpath redcap: {message} [{elapsed:.1f} s]", file=self.stream, flush=True)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="cellpath redcap",
        description="Import REDCap records (to export a cohort as a REDCap project: "
        "cellpath export --format redcap).",
    )
    sub = p.add_subparsers(dest="action", required=True)
    imp = sub.add_parser("import", help="check (and with --apply, write) a REDCap records CSV")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--mapping", required=True, type=Path, metavar="MAPPING")
    imp.add_argument("--site", required=True, metavar="CODE")
    imp.add_argument("--apply", action="store_true", help="write the records (default: dry run)")
    imp.add_argument("--actor", metavar="EMAIL", help="import as this person")
    imp.add_argument("--max-errors", type=int, default=100, metavar="N")
    imp.add_argument("--quiet", action="store_true", help="no progress messages")
    return p


def _lookup(args: argparse.Namespace, err: TextIO) -> tuple[object, object] | None:
    from cellpath.accounts.models import Site, User

    site = Site.objects.filter(code__iexact=args.site).first()
    if site is None:
        print(f"cellpath redcap: no site with the code '{args.site}'.", file=err)
        return None
    actor: object = SYSTEM_ACTOR
    if args.actor:
        actor = User.objects.filter(email__iexact=args.actor, is_active=True).first()
        if actor is None:
            print(f"cellpath redcap: no active account '{args.actor}'.", file=err)
            return None
    return site, actor


def redcap_main(argv: list[str], *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as stop:
        return EXIT_OK if stop.code == 0 else EXIT_BAD_INPUT
    from cellpath.accounts.audit import Origin, origin

    found = _lookup(args, err)
    if found is None:
        return EXIT_BAD_INPUT
    site, actor = found
    with origin(Origin(channel="cli")):
        return _import(args, site, actor, out, err)


def _import(args: argparse.Namespace, site, actor, out: TextIO, err: TextIO) -> int:
    from django.core.exceptions import PermissionDenied

    from cellpath.exchange.redcap.importer import ImportRefusedError, apply_import, plan_import
    from cellpath.exchange.redcap.mapping import MappingError, read_mapping

    try:
        mapping = read_mapping(args.mapping.read_bytes(), args.mapping.name)
        size = args.file.stat().st_size
    except MappingError as error:
        for problem in error.problems:
            print(problem, file=err)
        print("cellpath redcap: the mapping has problems; nothing imported.", file=err)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"cellpath redcap: cannot read: {error}", file=err)
        return EXIT_BAD_INPUT
    progress = _Progress(not args.quiet and size >= PROGRESS_BYTES, err)
    plan = plan_import(args.file, mapping, site=site, actor=actor, progress=progress)
    counts = plan.counts
    print(
        f"{plan.file_name} → {site.name} (source {plan.source}, SHA-256 {plan.sha256[:12]}…): "
        + ", ".join(f"{n:,} {action}" for action, n in counts.items())
        + f"; {len(plan.new_records):,} new patients.",
        file=out,
    )
    for note in plan.notes:
        print(note, file=err)
    problems = plan.problems + [reason for row in plan.refused for reason in row.reasons]
    limit = problems if args.max_errors <= 0 else problems[: args.max_errors]
    for problem in limit:
        print(problem, file=err)
    if len(limit) < len(problems):
        print(f"... {len(problems) - len(limit)} more not shown (--max-errors 0).", file=err)
    if not plan.applicable:
        print("cellpath redcap: refused rows; nothing imported.", file=err)
        return EXIT_BAD_INPUT
    if not args.apply:
        print("Dry run: nothing written. Run again with --apply to import.", file=out)
        return EXIT_OK
    try:
        apply_import(plan, actor=actor, progress=progress)
    except (ImportRefusedError, PermissionDenied) as error:
        print(f"cellpath redcap: {error}", file=err)
        return EXIT_BAD_INPUT
    print(f"Imported: {plan.changes:,} rows written in one transaction.", file=out)
    return EXIT_OK
