"""``cellpath outcomes`` and ``cellpath synth``: registry CSV files in, outcome CSV files out.

Both entry points take an argument list and return an exit status (0 ok, 2 bad input or usage,
1 could not write). Outputs are written atomically: into a temporary directory inside the
output directory, then renamed into place, so a failed run leaves no half-written file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import numpy as np

from cellpath.outcomes import cohort
from cellpath.outcomes.staging import KINGS_LABELS
from cellpath.outcomes.synthetic import synthetic_cohort
from cellpath.registry.csvio import (
    bytes_column,
    date_column,
    fixed_column,
    int_column,
    join_rows,
    label_column,
)
from cellpath.registry.tables import (
    PATIENT_COLUMNS,
    VISIT_COLUMNS,
    FileProblem,
    parse_patients,
    parse_visits,
)

__all__ = ["outcomes_main", "synth_main"]

EXIT_OK, EXIT_WRITE_FAILED, EXIT_BAD_INPUT = 0, 1, 2
#: Inputs at least this large (bytes) report progress on stderr unless --quiet.
PROGRESS_BYTES = 4_000_000

OUTCOMES_DESCRIPTION = """\
Compute ALSFRS-R outcomes for a whole registry from two CSV files.

Writes DIR/visits.csv and DIR/patients.csv (and DIR/rejects.csv with --skip-invalid). Any
invalid input is reported as FILE:LINE: message on stderr, the exit status is 2 and no output
file is written (a rejects.csv left by an earlier run is removed by a successful strict run).
"""

OUTCOMES_EPILOG = """\
input files (UTF-8, comma-separated, header line required, columns in any order, extra
columns ignored, header names case-insensitive; dates are ISO YYYY-MM-DD):

PATIENTS.csv, one row per patient (only patient_id and onset_date are required):
  patient_id      unique identifier (text)
  sex             M or F
  birth_date      date of birth (for age at onset, years = days/365.25)
  onset_date      date of first symptom (required; time zero for every interval)
  diagnosis_date  date of diagnosis (diagnostic delay = months onset -> diagnosis)
  onset_site      bulbar | limb | respiratory | other
  el_escorial     definite | probable | probable_laboratory_supported | possible |
                  suspected (revised El Escorial category)
  ftd             1 if ALS-FTD, 0 if not
  c9orf72         1 if C9orf72 repeat expansion, 0 if not
  fvc_percent     FVC % predicted at diagnosis
  treatment_date  date of treatment (enables pre/post slopes and responder calls)
  death_date      date of death (no visit may come after it)

VISITS.csv, one row per ALSFRS-R assessment, any order:
  patient_id      must exist in PATIENTS.csv
  visit_date      date of the assessment (not before onset; one visit per patient per day)
  q1 .. q12       ALSFRS-R items, integers 0-4 (4 = normal), all required; q10-q12 are
                  R1 dyspnea, R2 orthopnea, R3 respiratory insufficiency (Cedarbaum 1999)
  q5a, q5b        item 5: exactly one of them scored, q5a without and q5b with gastrostomy
                  (original 10-item ALSFRS files are refused, never rescaled)

output files (blank = undefined; 1 month = 365.25/12 days; slopes in points/month, < 0 =
decline):

visits.csv, sorted by patient and date:
  patient_id, visit_date
  months_since_onset  months from onset to the visit
  total               ALSFRS-R total 0-48
  bulbar, fine_motor, gross_motor, respiratory
                      domain subscores 0-12: items 1-3, 4-6, 7-9, 10-12 (Bakker 2017)
  kings               King's stage 0, 1, 2, 3, 4A, 4B (Balendra 2014 algorithm; 4B first)
  mitos               MiToS stage 0-4 (Chio 2015; communicating = speech <= 1 AND
                      handwriting <= 1)
  gastrostomy         1 when item 5b was answered

patients.csv, sorted by patient:
  patient_id, n_visits, first_visit_date, last_visit_date
  delta_fs            (48 - total at first visit) / months onset -> first visit
  slope_ols           least-squares slope of the total over all visits (>= 2 visits)
  encals_lp           ENCALS linear predictor (Westeneng 2018); needs delta_fs, diagnosis
                      date, birth date, fvc_percent, onset_site, el_escorial, ftd, c9orf72
  encals_median_months
                      predicted median event-free survival, months from onset (S(t) = 0.5)
  pre_slope           first visit -> baseline (last visit on or before treatment_date),
                      two-point; blank if less than 1 month apart
  post_slope          baseline -> the visit after treatment closest to baseline + 182.625
                      days, within +/- 45 days, two-point
  slope_change        post_slope - pre_slope
  petrou_improvement_pct
                      (post - pre) / |pre| x 100 when pre < 0 (Petrou 2016)
  responder_petrou    1 if improvement >= 25 %, else 0
  responder_nurown    1 if slope_change >= 1.25 points/month (Cudkowicz 2022), else 0

rejects.csv (--skip-invalid): file, line, patient_id, reason

exit status: 0 written, 2 invalid input or usage (nothing written), 1 could not write.
"""


class _Progress:
    """Stage messages with elapsed time on stderr."""

    def __init__(self, prog: str, enabled: bool, stream: TextIO) -> None:
        self.prog, self.enabled, self.stream = prog, enabled, stream
        self.t0 = time.perf_counter()

    def __call__(self, message: str) -> None:
        if self.enabled:
            elapsed = time.perf_counter() - self.t0
            print(f"{self.prog}: {message} [{elapsed:.1f} s]", file=self.stream, flush=True)


class _Parser(argparse.ArgumentParser):
    def exit(self, status: int = 0, message: str | None = None) -> None:  # type: ignore[override]
        if message:
            self._print_message(message, sys.stderr)
        raise _ParserExit(status)


class _ParserExit(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _outcomes_parser() -> _Parser:
    p = _Parser(
        prog="cellpath outcomes",
        description=OUTCOMES_DESCRIPTION,
        epilog=OUTCOMES_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--patients", required=True, type=Path, metavar="PATIENTS.csv")
    p.add_argument("--visits", required=True, type=Path, metavar="VISITS.csv")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="output directory")
    p.add_argument(
        "--skip-invalid",
        action="store_true",
        help="write the valid rows and DIR/rejects.csv instead of failing on invalid rows",
    )
    p.add_argument(
        "--max-errors",
        type=int,
        default=100,
        metavar="N",
        help="problems printed on stderr (default 100; 0 = all)",
    )
    noise = p.add_mutually_exclusive_group()
    noise.add_argument("--quiet", action="store_true", help="no progress messages")
    noise.add_argument(
        "--progress", action="store_true", help="progress messages even for small inputs"
    )
    return p


def _print_problems(problems: list[FileProblem], limit: int, stream: TextIO) -> None:
    shown = problems if limit <= 0 else problems[:limit]
    for p in shown:
        print(str(p), file=stream)
    if len(shown) < len(problems):
        print(
            f"... {len(problems) - len(shown)} more problems not shown "
            f"({len(problems)} in all; --max-errors 0 shows every one)",
            file=stream,
        )


def _write_atomically(out_dir: Path, files: dict[str, bytes], remove: Sequence[str] = ()) -> None:
    """Write ``files`` into ``out_dir`` so that either all appear complete or none changes."""
    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".cellpath-", dir=out_dir))
    try:
        for name, data in files.items():
            with open(tmp / name, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        for name in files:
            os.replace(tmp / name, out_dir / name)
        for name in remove:
            (out_dir / name).unlink(missing_ok=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if created:
            shutil.rmtree(out_dir, ignore_errors=True)
        raise
    shutil.rmtree(tmp, ignore_errors=True)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _visits_csv(ids: np.ndarray, v: dict[str, np.ndarray]) -> bytes:
    columns = [
        bytes_column(ids[v["patient_id"]]),
        date_column(v["visit_date"]),
        fixed_column(v["months_since_onset"], 4),
        int_column(v["total"]),
        int_column(v["bulbar"]),
        int_column(v["fine_motor"]),
        int_column(v["gross_motor"]),
        int_column(v["respiratory"]),
        label_column(v["kings"], KINGS_LABELS),
        int_column(v["mitos"]),
        int_column(v["gastrostomy"]),
    ]
    return join_rows(list(cohort.VISIT_OUTPUT_COLUMNS), columns)


def _patients_csv(ids: np.ndarray, p: dict[str, np.ndarray]) -> bytes:
    def flag(x: np.ndarray) -> np.ndarray:
        return int_column(np.nan_to_num(x).astype(np.int64), missing=np.isnan(x))

    columns = [
        bytes_column(ids),
        int_column(p["n_visits"]),
        date_column(p["first_visit_date"]),
        date_column(p["last_visit_date"]),
        fixed_column(p["delta_fs"], 6),
        fixed_column(p["slope_ols"], 6),
        fixed_column(p["encals_lp"], 6),
        fixed_column(p["encals_median_months"], 4),
        fixed_column(p["pre_slope"], 6),
        fixed_column(p["post_slope"], 6),
        fixed_column(p["slope_change"], 6),
        fixed_column(p["petrou_improvement_pct"], 4),
        flag(p["responder_petrou"]),
        flag(p["responder_nurown"]),
    ]
    return join_rows(list(cohort.PATIENT_OUTPUT_COLUMNS), columns)


def _rejects_csv(problems: list[FileProblem]) -> bytes:
    merged: dict[tuple[str, int], tuple[str, list[str]]] = {}
    for p in problems:
        key = (p.path, p.line)
        merged.setdefault(key, (p.patient_id, []))[1].append(p.message)
    rows = sorted(merged.items())
    columns = [
        bytes_column(np.array([k[0].encode() for k, _ in rows], dtype="S")),
        int_column(np.array([k[1] for k, _ in rows], dtype=np.int64)),
        bytes_column(np.array([v[0].encode() for _, v in rows], dtype="S")),
        bytes_column(np.array(["; ".join(v[1]).encode() for _, v in rows], dtype="S")),
    ]
    if not rows:
        columns = []
    return join_rows(["file", "line", "patient_id", "reason"], columns)


def outcomes_main(argv: list[str]) -> int:
    """``cellpath outcomes --patients P --visits V --out DIR [--skip-invalid]``."""
    parser = _outcomes_parser()
    try:
        args = parser.parse_args(argv)
    except _ParserExit as exc:
        return exc.status
    err = sys.stderr
    p_label, v_label = str(args.patients), str(args.visits)
    for path, label in ((args.patients, p_label), (args.visits, v_label)):
        if not path.is_file():
            print(f"{label}: cannot read: no such file", file=err)
            return EXIT_BAD_INPUT
    for name in ("visits.csv", "patients.csv", "rejects.csv"):
        target = args.out / name
        if _same_file(target, args.patients) or _same_file(target, args.visits):
            print(f"{target}: is an input file; choose another --out directory", file=err)
            return EXIT_BAD_INPUT

    size = args.patients.stat().st_size + args.visits.stat().st_size
    progress = _Progress(
        "cellpath outcomes", not args.quiet and (args.progress or size >= PROGRESS_BYTES), err
    )
    try:
        patients = parse_patients(args.patients, p_label)
        progress(f"read {patients.lines.size} patient rows from {p_label}")
        header_failed = any(p.line == 1 for p in patients.problems)
        visits = parse_visits(args.visits, v_label, None if header_failed else patients, p_label)
        progress(f"read {visits.lines.size} visit rows from {v_label}")
    except (OSError, ValueError) as exc:
        label = v_label if "patients" in locals() else p_label
        print(f"{label}: cannot read: {exc}", file=err)
        return EXIT_BAD_INPUT
    problems = patients.problems + visits.problems
    structural = header_failed or any(p.line == 1 for p in problems)
    if problems and (not args.skip_invalid or structural):
        _print_problems(problems, args.max_errors, err)
        print(
            f"cellpath outcomes: {len(problems)} problems; nothing written",
            file=err,
        )
        return EXIT_BAD_INPUT

    keep_p = ~patients.bad_rows
    new_index = np.cumsum(keep_p) - 1
    p_table = {k: v[keep_p] for k, v in patients.table.items()}
    p_table["patient_id"] = np.arange(int(keep_p.sum()), dtype=np.int64)
    p_ids = patients.ids[keep_p]
    keep_v = ~visits.bad_rows
    v_table = {k: v[keep_v] for k, v in visits.table.items()}
    v_table["patient_id"] = new_index[v_table["patient_id"]]
    if problems:
        progress(
            f"skipping {len(problems)} problems in {int((~keep_p).sum() + (~keep_v).sum())} rows"
        )

    result = cohort.compute(p_table, v_table, validate=False)
    progress(f"computed outcomes for {p_ids.size} patients, {v_table['visit_date'].size} visits")
    files = {
        "visits.csv": _visits_csv(p_ids, result.visits),
        "patients.csv": _patients_csv(p_ids, result.patients),
    }
    if args.skip_invalid:
        files["rejects.csv"] = _rejects_csv(problems)
    try:
        _write_atomically(args.out, files, remove=() if args.skip_invalid else ("rejects.csv",))
    except OSError as exc:
        print(f"{args.out}: cannot write: {exc}", file=err)
        return EXIT_WRITE_FAILED
    progress(f"wrote {', '.join(sorted(files))} to {args.out}")
    return EXIT_OK


# ----------------------------------------------------------------------------- synth


def _synth_parser() -> _Parser:
    p = _Parser(
        prog="cellpath synth",
        description=(
            "Write a seeded synthetic ALS cohort as DIR/PATIENTS.csv and DIR/VISITS.csv, in the "
            "input format of 'cellpath outcomes' (see its --help). For demos and tests only: "
            "the natural-history parameters are in cellpath.outcomes.synthetic, and event times "
            "are drawn from the ENCALS model itself."
        ),
    )
    p.add_argument("--patients", required=True, type=int, metavar="N", help="number of patients")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="output directory")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    p.add_argument(
        "--treated-fraction",
        type=float,
        default=0.3,
        metavar="F",
        help="share of eligible patients given a treatment date (default 0.3)",
    )
    p.add_argument(
        "--treatment-effect",
        type=float,
        default=0.0,
        metavar="E",
        help="fraction by which decline slows for 6 months after treatment (default 0)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress messages")
    return p


def _synthetic_ids(numbers: np.ndarray, n_patients: int) -> np.ndarray:
    width = max(7, len(str(n_patients)))
    digits = _digits_fixed(numbers, width)
    return np.concatenate([np.full((numbers.size, 1), ord("P"), np.uint8), digits], axis=1)


def _digits_fixed(v: np.ndarray, width: int) -> np.ndarray:
    out = np.empty((v.size, width), dtype=np.uint8)
    x = v.astype(np.int64)
    for k in range(width - 1, -1, -1):
        out[:, k] = 48 + x % 10
        x //= 10
    return out


def synth_main(argv: list[str]) -> int:
    """``cellpath synth --patients N --out DIR [--seed S]``."""
    parser = _synth_parser()
    try:
        args = parser.parse_args(argv)
    except _ParserExit as exc:
        return exc.status
    if args.patients < 1:
        print("cellpath synth: --patients must be at least 1", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not (0.0 <= args.treated_fraction <= 1.0 and 0.0 <= args.treatment_effect <= 1.0):
        print("cellpath synth: fractions must be between 0 and 1", file=sys.stderr)
        return EXIT_BAD_INPUT
    progress = _Progress("cellpath synth", not args.quiet and args.patients >= 20_000, sys.stderr)
    patients, visits = synthetic_cohort(
        args.patients,
        seed=args.seed,
        treated_fraction=args.treated_fraction,
        treatment_effect=args.treatment_effect,
    )
    progress(f"generated {args.patients} patients, {visits['patient_id'].size} visits")
    files = {
        "PATIENTS.csv": synthetic_patients_csv(patients, args.patients),
        "VISITS.csv": synthetic_visits_csv(visits, args.patients),
    }
    try:
        _write_atomically(args.out, files)
    except OSError as exc:
        print(f"{args.out}: cannot write: {exc}", file=sys.stderr)
        return EXIT_WRITE_FAILED
    progress(f"wrote PATIENTS.csv, VISITS.csv to {args.out}")
    return EXIT_OK


def _text_column(values: np.ndarray) -> np.ndarray:
    return bytes_column(np.strings.encode(np.asarray(values, dtype="U"), "utf-8"))


def synthetic_patients_csv(p: dict[str, np.ndarray], n_patients: int) -> bytes:
    """PATIENTS.csv bytes for a ``synthetic_cohort`` patients table (ids P0000001…)."""

    def binary(x: np.ndarray) -> np.ndarray:
        return int_column(np.nan_to_num(x).astype(np.int64), missing=np.isnan(x))

    columns = {
        "patient_id": _synthetic_ids(p["patient_id"], n_patients),
        "sex": _text_column(p["sex"]),
        "birth_date": date_column(p["birth_date"]),
        "onset_date": date_column(p["onset_date"]),
        "diagnosis_date": date_column(p["diagnosis_date"]),
        "onset_site": _text_column(p["onset_site"]),
        "el_escorial": _text_column(p["el_escorial"]),
        "ftd": binary(p["ftd"]),
        "c9orf72": binary(p["c9orf72"]),
        "fvc_percent": fixed_column(p["fvc_percent"], 1),
        "treatment_date": date_column(p["treatment_date"]),
        "death_date": date_column(p["death_date"]),
    }
    names = [c for c in PATIENT_COLUMNS if c in columns]  # the optional endpoint dates: none
    return join_rows(names, [columns[c] for c in names])


def synthetic_visits_csv(v: dict[str, np.ndarray], n_patients: int) -> bytes:
    """VISITS.csv bytes for a ``synthetic_cohort`` visits table."""
    columns = {
        "patient_id": _synthetic_ids(v["patient_id"], n_patients),
        "visit_date": date_column(v["visit_date"]),
    }
    for name in VISIT_COLUMNS[2:]:
        vals = v[name]
        columns[name] = int_column(np.maximum(vals, 0), missing=vals < 0)
    return join_rows(list(VISIT_COLUMNS), [columns[c] for c in VISIT_COLUMNS])
