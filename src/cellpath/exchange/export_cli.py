"""`cellpath export`: a cohort export from the command line, as a named staff member may make it
on the export page (same scope, same audit row, channel "cli"), for cohorts too large to wait
for in a browser.

    cellpath export --as EMAIL --format csv|fhir|redcap --out FILE.zip [--site CODE]
                    [--programme ID] [--treated-from DATE] [--treated-to DATE] [--quiet]

Exit status: 0 written, 2 bad input, 1 could not write. The file is written next to FILE and
renamed into place, so a failed run leaves nothing half-written.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

FORMATS = ("csv", "fhir", "redcap")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cellpath export",
        description="Export a cohort as tidy CSV files, FHIR R4 NDJSON or REDCap files (ZIP).",
    )
    parser.add_argument(
        "--as",
        dest="user",
        required=True,
        metavar="EMAIL",
        help="the staff member whose sites and role the export follows",
    )
    parser.add_argument("--format", choices=FORMATS, default="csv")
    parser.add_argument("--out", required=True, type=Path, help="the ZIP file to write")
    parser.add_argument("--site", metavar="CODE", help="only this site (its code)")
    parser.add_argument("--programme", type=int, metavar="ID")
    parser.add_argument("--treated-from", type=date.fromisoformat, metavar="YYYY-MM-DD")
    parser.add_argument("--treated-to", type=date.fromisoformat, metavar="YYYY-MM-DD")
    parser.add_argument("--quiet", action="store_true", help="no progress on standard error")
    return parser


def export_main(argv: list[str]) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return 0 if exit_.code == 0 else 2
    from cellpath.accounts.audit import Origin, origin
    from cellpath.accounts.models import Site, User
    from cellpath.exchange.queries import export_scope, export_sites, patient_count
    from cellpath.exchange.services import write_export
    from cellpath.reports.queries import Filters

    err = sys.stderr
    user = User.objects.filter(email__iexact=args.user, is_active=True).first()
    if user is None:
        print(f"--as: no active account {args.user!r}", file=err)
        return 2
    sites = export_sites(user)
    if not sites:
        print(f"--as: {user.email} is not a coordinator or clinician of any site", file=err)
        return 2
    site_id = None
    if args.site:
        site = Site.objects.filter(code=args.site, pk__in=sites).first()
        if site is None:
            print(f"--site: {user.email} may not export site {args.site!r}", file=err)
            return 2
        site_id = site.pk
    filters = Filters(
        site=site_id,
        programme=args.programme,
        treated_from=args.treated_from,
        treated_to=args.treated_to,
    )
    scope = export_scope(user=user, filters=filters)
    started = time.perf_counter()

    def progress(text: str) -> None:
        if not args.quiet:
            print(f"cellpath export: {text} ({time.perf_counter() - started:.1f} s)", file=err)

    progress(f"{patient_count(scope):,} patients")
    out: Path = args.out
    partial = out.with_name(f".{out.name}.partial")
    try:
        with origin(Origin(channel="cli")), open(partial, "wb") as handle:
            write_export(user, scope, args.format, handle, progress=progress)
        os.replace(partial, out)
    except OSError as error:
        partial.unlink(missing_ok=True)
        print(f"{out}: cannot write: {error.strerror}", file=err)
        return 1
    progress(f"wrote {out} ({out.stat().st_size:,} bytes)")
    return 0
