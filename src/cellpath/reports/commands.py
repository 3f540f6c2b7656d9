"""``cellpath report``: the cohort report for a registry without the web application.

Same input contract as ``cellpath outcomes`` (optional ``tracheostomy_date``,
``niv_full_time_date`` and ``last_contact_date`` columns in PATIENTS.csv), same engine, same
bad-input behaviour (``FILE:LINE: problem`` on stderr, exit 2, nothing written), and the same
template as the staff page: an HTML file, a PDF, or a directory of analysis tables as CSV.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import io
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

from cellpath.registry.commands import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_WRITE_FAILED,
    PROGRESS_BYTES,
    _Parser,
    _ParserExit,
    _print_problems,
    _Progress,
    _write_atomically,
)
from cellpath.reports.analysis.report import CohortReport, analyse
from cellpath.reports.files import read_registry
from cellpath.reports.presentation import analysis_rows, present

__all__ = ["report_main"]

DESCRIPTION = """\
The cohort report (flow, baseline, ALSFRS-R change against the decline carried forward, slopes,
responders, survival against ENCALS, completeness) for a registry's two CSV files, in the
`cellpath outcomes` contract. Each patient row with a treatment_date is one treated course, the
treatment_date its first dose. The composite endpoint uses death_date and the optional
tracheostomy_date and niv_full_time_date; a patient is followed to the endpoint or to
last_contact_date (default: the last visit).
"""

EPILOG = """\
--out FILE.html   the report as a web page (charts as SVG, each with a table)
--out FILE.pdf    the same page as PDF
--out DIR/        analysis.csv: one row per treated course, every derived figure and every
                  reason a course was left out of a figure

exit status: 0 written, 2 invalid input or usage (nothing written), 1 could not write.
"""


def _parser() -> _Parser:
    p = _Parser(
        prog="cellpath report",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--patients", required=True, type=Path, metavar="PATIENTS.csv")
    p.add_argument("--visits", required=True, type=Path, metavar="VISITS.csv")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.html|FILE.pdf|DIR/")
    p.add_argument("--controls-patients", type=Path, metavar="PATIENTS.csv", default=None)
    p.add_argument(
        "--controls-visits",
        type=Path,
        metavar="VISITS.csv",
        default=None,
        help="a reference cohort in the same contract (e.g. a converted PRO-ACT download): "
        "its untreated patients are matched to the treated courses",
    )
    p.add_argument("--controls-name", default="reference cohort", help="its name (≤ 120 chars)")
    p.add_argument(
        "--as-of",
        type=_dt.date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="the report's date: windows not closed by then are not counted (default: today)",
    )
    p.add_argument("--title", default="Cohort report", help="the report's title (≤ 120 chars)")
    p.add_argument("--max-errors", type=int, default=100, metavar="N")
    noise = p.add_mutually_exclusive_group()
    noise.add_argument("--quiet", action="store_true", help="no progress messages")
    noise.add_argument("--progress", action="store_true", help="progress even for small inputs")
    return p


def analysis_csv(report: CohortReport) -> bytes:
    """The per-course analysis table as CSV bytes (the staff download's rows)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(analysis_rows(report))
    return buffer.getvalue().encode()


def _render(report: CohortReport, title: str, pdf: bool) -> bytes:
    """The report through the staff page's own template (Django's template engine only, set up
    by ``cellpath.cli``; no database is opened)."""
    from django.template.loader import render_to_string

    from cellpath.reports import pdf as pdf_module

    presentation = present(report, title=title, subtitle="From a registry's CSV files")
    html = render_to_string(
        "reports/report_document.html",
        {"p": presentation, "stylesheet": pdf_module.stylesheet()},
    )
    return pdf_module.render(html) if pdf else html.encode()


def _write_file(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all (a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".cellpath-", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def report_main(argv: list[str]) -> int:
    """``cellpath report --patients P --visits V --out FILE.html|FILE.pdf|DIR/``."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except _ParserExit as exc:
        return exc.status
    err = sys.stderr
    if len(args.title) > 120 or len(args.controls_name) > 120:
        print("--title and --controls-name: at most 120 characters", file=err)
        return EXIT_BAD_INPUT
    if (args.controls_patients is None) != (args.controls_visits is None):
        print("--controls-patients and --controls-visits go together", file=err)
        return EXIT_BAD_INPUT
    out: Path = args.out
    kind = out.suffix.lower()
    as_dir = str(argv[argv.index("--out") + 1] if "--out" in argv else out).endswith("/")
    if kind not in {".html", ".pdf"} and not (as_dir or out.is_dir() or not kind):
        print(f"{out}: --out must end in .html or .pdf, or be a directory", file=err)
        return EXIT_BAD_INPUT
    pairs = [(args.patients, args.visits)]
    if args.controls_patients is not None:
        pairs.append((args.controls_patients, args.controls_visits))
    for path in (p for pair in pairs for p in pair):
        if not path.is_file():
            print(f"{path}: cannot read: no such file", file=err)
            return EXIT_BAD_INPUT
    size = sum(p.stat().st_size for pair in pairs for p in pair)
    progress = _Progress(
        "cellpath report", not args.quiet and (args.progress or size >= PROGRESS_BYTES), err
    )
    tables = []
    problems = []
    for patients_path, visits_path in pairs:
        read = read_registry(patients_path, visits_path, progress)
        if isinstance(read, str):
            print(read, file=err)
            return EXIT_BAD_INPUT
        tables.append(read[:2])
        problems += read[2]
    if problems:
        _print_problems(problems, args.max_errors, err)
        print(f"cellpath report: {len(problems)} problems; nothing written", file=err)
        return EXIT_BAD_INPUT
    (p_table, v_table), *rest = tables
    controls = (args.controls_name, *rest[0]) if rest else None
    as_of = np.datetime64(args.as_of or _dt.date.today(), "D")
    report = analyse(p_table, v_table, as_of=as_of, controls=controls)
    progress(f"computed the report of {report.n_courses} treated courses")
    try:
        if kind in {".html", ".pdf"} and not as_dir:
            _write_file(out, _render(report, args.title, pdf=kind == ".pdf"))
        else:
            _write_atomically(out, {"analysis.csv": analysis_csv(report)})
    except OSError as exc:
        print(f"{out}: cannot write: {exc}", file=err)
        return EXIT_WRITE_FAILED
    progress(f"wrote {out}")
    return EXIT_OK
