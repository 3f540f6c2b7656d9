"""`cellpath trials criteria FILE`: an eligibility text as structured criteria (JSON, the
`contract`). Needs no database. Exit status: 0 done, 2 a file that cannot be read."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO


def criteria_main(argv: list[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    parser = argparse.ArgumentParser(
        prog="cellpath trials criteria",
        description="Read eligibility criteria text (as in ClinicalTrials.gov's "
        "eligibilityCriteria) and print the structured criteria as JSON.",
    )
    parser.add_argument("file", help="a text file, or - for standard input")
    args = parser.parse_args(argv)
    from cellpath.trials.criteria.reader import criteria_json

    try:
        stdin = args.file == "-"
        text = sys.stdin.read() if stdin else Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"cellpath trials criteria: {args.file}: {_reason(error)}", file=err)
        return 2
    print(criteria_json(text), file=out)
    return 0


def _reason(error: Exception) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, IsADirectoryError):
        return "is a folder, not a file"
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8 text"
    return error.strerror or str(error) if isinstance(error, OSError) else str(error)
