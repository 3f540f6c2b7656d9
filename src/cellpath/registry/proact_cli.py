"""``cellpath proact convert DIR --out DIR``: a PRO-ACT download → registry CSV files.

Exit status as ``cellpath outcomes``: 0 written, 2 bad input or usage (nothing written), 1
could not write. Output is written atomically (``commands._write_atomically``).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from cellpath.registry import proact
from cellpath.registry.commands import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_WRITE_FAILED,
    _Parser,
    _ParserExit,
    _Progress,
    _write_atomically,
)

__all__ = ["proact_main"]

DESCRIPTION = """\
Convert a PRO-ACT download (the pooled ALS trials database; download it yourself under its
terms - Cellpath never ships it) into the 'cellpath outcomes' input files.
"""

CONVERT_EPILOG = f"""\
DIR holds the PRO-ACT tables as PROACT_<TABLE>.csv: ALSFRS and ALSHISTORY are required;
DEMOGRAPHICS, FVC, DEATHDATA, TREATMENT and RILUZOLE are used when present. Column names are
matched ignoring case, spaces and underscores (SubjectID = subject_id, R1_Dyspnea =
R_1_Dyspnea), plus a few aliases (Q1..Q10, R1..R3 for the item columns; Onset_Site).

Written to --out:
  PATIENTS.csv, VISITS.csv  the 'cellpath outcomes' contract (ALSFRS-R rows only: R1-R3 become
                            q10-q12; one of 5a/5b); also a reference cohort for 'cellpath
                            report --controls-patients ... --controls-visits ...'
  ALSFRS_ORIGINAL.csv       original 10-item ALSFRS rows (Q10, total 0-40), kept apart: never
                            rescaled to the ALSFRS-R
  FVC.csv                   patient_id, date, fvc_percent, litres (best of the trials); the
                            baseline % (nearest day 0 at or before it, else the first after)
                            is PATIENTS.csv fvc_percent
  ARMS.csv                  patient_id, arm (placebo / active / blank)
  RILUZOLE.csv              patient_id, riluzole (yes/no), start_date
  DROPPED.csv               file, line, subject_id, reason of every row left out

Dates are synthetic: trial day N is --anchor + N days (default {proact.DEFAULT_ANCHOR}, day 0 for
every subject, which is also every treatment_date), so only differences between dates mean
anything. A birth date from Age (years at day 0) is taken mid-year: Age 60 -> 60.5 years
before the anchor. Rows with a bad value are dropped and listed, never guessed.

exit status: 0 written, 2 invalid input or usage (nothing written), 1 could not write.
"""


def _parser() -> _Parser:
    p = _Parser(prog="cellpath proact", description=DESCRIPTION)
    sub = p.add_subparsers(dest="command", metavar="convert", required=True)
    c = sub.add_parser(
        "convert",
        help="convert a PRO-ACT folder to PATIENTS.csv + VISITS.csv",
        description=DESCRIPTION,
        epilog=CONVERT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    c.add_argument("folder", type=Path, metavar="DIR", help="folder of PROACT_<TABLE>.csv files")
    c.add_argument("--out", required=True, type=Path, metavar="DIR", help="output directory")
    c.add_argument(
        "--anchor",
        type=date.fromisoformat,
        default=proact.DEFAULT_ANCHOR,
        metavar="YYYY-MM-DD",
        help=f"the date of trial day 0 (default {proact.DEFAULT_ANCHOR})",
    )
    c.add_argument(
        "--arm",
        choices=("all", *proact.ARMS),
        default="all",
        help="write only the subjects of this trial arm (default all; placebo arms are the "
        "cleanest external controls)",
    )
    c.add_argument("--quiet", action="store_true", help="no progress or summary on stderr")
    return p


def proact_main(argv: list[str]) -> int:
    """``cellpath proact convert DIR --out DIR [--anchor DATE] [--arm placebo|active|all]``."""
    try:
        args = _parser().parse_args(argv)
    except _ParserExit as exc:
        return exc.status
    err = sys.stderr
    progress = _Progress("cellpath proact", not args.quiet, err)
    try:
        result = proact.convert(args.folder, anchor=args.anchor, arm=args.arm, progress=progress)
    except proact.InputError as exc:
        print(str(exc), file=err)
        print("cellpath proact: nothing written", file=err)
        return EXIT_BAD_INPUT
    try:
        _write_atomically(args.out, result.files)
    except OSError as exc:
        print(f"{args.out}: cannot write: {exc}", file=err)
        return EXIT_WRITE_FAILED
    if not args.quiet:
        for note in result.notes:
            print(f"cellpath proact: note: {note}", file=err)
        c = result.counts
        print(
            f"cellpath proact: wrote {c['patients']} patients, {c['visits']} ALSFRS-R visits, "
            f"{c['alsfrs_original']} original ALSFRS rows (kept apart), {c['fvc']} FVC rows "
            f"to {args.out}",
            file=err,
        )
        if args.arm != "all":
            print(f"cellpath proact: {c['not_in_arm']} subjects not in arm {args.arm}", file=err)
        if c["dropped"]:
            print(
                f"cellpath proact: {c['dropped']} rows dropped (listed in DROPPED.csv):", file=err
            )
            for kind, count in proact.drop_summary(result.dropped):
                print(f"  {count:>7}  {kind}", file=err)
    return EXIT_OK
