"""PATIENTS.csv / VISITS.csv → validated ``cellpath.outcomes.cohort`` tables, with line numbers.

Text-level problems (bad date, non-integer item, unknown category spelling, wrong field count,
missing column) are found here; clinical-data problems (item out of range, 5a/5b, visit before
onset or after death, duplicates…) by ``cohort.patient_problems`` / ``cohort.visit_problems``.
Every problem carries the file's line number, reported as ``FILE:LINE: message``; a problem the
engine also finds is worded by the engine (``cellpath.outcomes.wording``), so both say it alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cellpath.outcomes import cohort
from cellpath.outcomes.reasons import Reason
from cellpath.outcomes.vocabulary import ALSFRS_R_KEYS, ALSFRS_R_NUMBERS, ITEM5_KEYS
from cellpath.outcomes.wording import describe
from cellpath.registry.csvio import CsvTable, read_csv

__all__ = [
    "PATIENT_COLUMNS",
    "PATIENT_REQUIRED",
    "VISIT_COLUMNS",
    "FileProblem",
    "ParsedPatients",
    "ParsedVisits",
    "map_ids",
    "parse_patients",
    "parse_visits",
]

PATIENT_COLUMNS: tuple[str, ...] = (
    "patient_id",
    "sex",
    "birth_date",
    "onset_date",
    "diagnosis_date",
    "onset_site",
    "el_escorial",
    "ftd",
    "c9orf72",
    "fvc_percent",
    "treatment_date",
    "death_date",
    *("tracheostomy_date", "niv_full_time_date", "last_contact_date"),
)
"""The ``cellpath outcomes`` contract; the last three are optional and read by ``cellpath
report`` only (the composite endpoint's other dates, and the last day known event-free)."""
ENDPOINT_DATES: tuple[str, ...] = ("tracheostomy_date", "niv_full_time_date", "last_contact_date")
PATIENT_REQUIRED: tuple[str, ...] = ("patient_id", "onset_date")
ITEM_COLUMNS: tuple[str, ...] = ALSFRS_R_KEYS
VISIT_COLUMNS: tuple[str, ...] = ("patient_id", "visit_date", *ITEM_COLUMNS)
_DATE_COLUMNS = (
    "birth_date",
    "onset_date",
    "diagnosis_date",
    "treatment_date",
    "death_date",
    *ENDPOINT_DATES,
)
_NAT = np.iinfo(np.int64).min


@dataclass(frozen=True)
class FileProblem:
    """A problem at ``path:line``; ``patient_id`` is the row's id text when known."""

    path: str
    line: int
    message: str
    patient_id: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class ParsedPatients:
    """Patients in ``cohort`` format. ``ids`` keeps the id bytes; ``lines`` the file lines."""

    table: dict[str, np.ndarray]
    ids: np.ndarray
    lines: np.ndarray
    problems: list[FileProblem] = field(default_factory=list)
    bad_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


@dataclass
class ParsedVisits:
    """Visits in ``cohort`` format (``patient_id`` = row in the patients table, -1 unknown)."""

    table: dict[str, np.ndarray]
    ids: np.ndarray
    lines: np.ndarray
    problems: list[FileProblem] = field(default_factory=list)
    bad_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


# ----------------------------------------------------------------------------- field parsers


def parse_dates(col: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ISO ``YYYY-MM-DD`` byte strings → (int64 day numbers, _NAT for blank; bad mask).

    Strict: exactly 10 characters, real calendar dates (no "2022-02-30", no "2022-01").
    """
    n = col.shape[0]
    days = np.full(n, _NAT, dtype=np.int64)
    if n == 0:
        return days, np.zeros(0, dtype=bool)
    w = col.dtype.itemsize
    chars = np.zeros((n, 10), dtype=np.int64)
    raw = col.view(np.uint8).reshape(n, w)
    chars[:, : min(w, 10)] = raw[:, :10]
    length = (raw != 0).sum(axis=1)
    blank = length == 0
    digit_pos = [0, 1, 2, 3, 5, 6, 8, 9]
    d = chars[:, digit_pos] - 48
    shape_ok = (
        (length == 10)
        & np.all((d >= 0) & (d <= 9), axis=1)
        & (chars[:, 4] == ord("-"))
        & (chars[:, 7] == ord("-"))
    )
    year = d[:, 0] * 1000 + d[:, 1] * 100 + d[:, 2] * 10 + d[:, 3]
    month = d[:, 4] * 10 + d[:, 5]
    day = d[:, 6] * 10 + d[:, 7]
    ok = shape_ok & (month >= 1) & (month <= 12) & (day >= 1) & (year >= 1)
    m_index = np.where(ok, (year - 1970) * 12 + month - 1, 0)
    first = m_index.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    next_first = (m_index + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    ok &= first + day - 1 < next_first
    days[ok] = (first + day - 1)[ok]
    return days, ~ok & ~blank


def parse_items(col: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ALSFRS-R item text → (int16 0-4, -1 for blank; bad mask for anything else)."""
    n = col.shape[0]
    raw = col.view(np.uint8).reshape(n, col.dtype.itemsize) if n else np.zeros((0, 1), np.uint8)
    length = (raw != 0).sum(axis=1)
    first = raw[:, 0].astype(np.int16) - 48
    ok1 = (length == 1) & (first >= 0) & (first <= 4)
    vals = np.where(ok1, first, -1).astype(np.int16)
    bad = ~ok1 & (length > 0)
    return vals, bad


def parse_floats(col: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Decimal numbers → (float64, NaN for blank; bad mask). Only finite numbers accepted."""
    n = col.shape[0]
    out = np.full(n, np.nan)
    bad = np.zeros(n, dtype=bool)
    blank = col == b""
    filled = np.flatnonzero(~blank)
    try:
        out[filled] = col[filled].astype(np.float64)
    except ValueError:
        for i in filled.tolist():
            try:
                out[i] = float(col[i])
            except ValueError:
                bad[i] = True
    nonfinite = ~blank & ~bad & ~np.isfinite(out)
    bad |= nonfinite
    out[bad] = np.nan
    return out, bad


def _decode(col: np.ndarray) -> np.ndarray:
    """Byte strings → str array (a plain cast when ASCII, which is the usual case)."""
    if col.size == 0 or int(col.view(np.uint8).max()) < 128:
        return col.astype("U")
    return np.strings.decode(col, "utf-8", "replace")


def _text(col: np.ndarray) -> list[str]:
    return [v.decode("utf-8", "replace") for v in col.tolist()]


def _check_header(
    path: str, table: CsvTable, columns: tuple[str, ...], required: tuple[str, ...]
) -> list[FileProblem]:
    problems: list[FileProblem] = []
    seen: set[str] = set()
    for name in table.header:
        if name in seen and name in columns:
            problems.append(FileProblem(path, 1, f"duplicate column {name!r}"))
        seen.add(name)
    for name in required:
        if name not in table.header:
            problems.append(FileProblem(path, 1, f"missing required column {name!r}"))
    return problems


# ----------------------------------------------------------------------------- patients


def _numeric_id_order(ids: np.ndarray) -> np.ndarray:
    """Sort order of ids: numeric when every id is a plain integer, else byte order."""
    raw = ids.view(np.uint8).reshape(ids.shape[0], ids.dtype.itemsize) if ids.size else None
    if raw is not None and ids.dtype.itemsize <= 18:
        length = (raw != 0).sum(axis=1)
        digits = ((raw >= 48) & (raw <= 57)) | (raw == 0)
        if np.all(digits) and np.all(length > 0):
            return np.argsort(ids.astype(np.int64), kind="stable")
    return np.argsort(ids, kind="stable")


def parse_patients(path: Path, label: str) -> ParsedPatients:
    """Read PATIENTS.csv into a ``cohort`` patients table, sorted by patient id.

    Categories are matched case-insensitively (sex "m" → "M"); text that is not a date, not a
    number or not 0/1 is reported here, everything else by ``cohort.patient_problems``.
    """
    csvt = read_csv(path, list(PATIENT_COLUMNS))
    problems = [FileProblem(label, ln, msg) for ln, msg in csvt.problems]
    problems += _check_header(label, csvt, PATIENT_COLUMNS, PATIENT_REQUIRED)
    if any(p.line == 1 for p in problems):
        return ParsedPatients({}, np.zeros(0, "S1"), np.zeros(0, np.int64), problems)
    n = csvt.n_rows
    cols = csvt.columns
    order = _numeric_id_order(cols["patient_id"])
    ids = cols["patient_id"][order]
    lines = csvt.lines[order]
    bad = np.zeros(n, dtype=bool)
    row_problems: list[tuple[int, str]] = []

    def report(mask: np.ndarray, message: object) -> None:
        bad[mask] = True
        for r in np.flatnonzero(mask).tolist():
            row_problems.append((r, message(r) if callable(message) else str(message)))

    table: dict[str, np.ndarray] = {"patient_id": np.arange(n, dtype=np.int64)}
    unparsed: dict[str, np.ndarray] = {}
    for name in _DATE_COLUMNS:
        if name not in cols:
            table[name] = np.full(n, _NAT, dtype=np.int64).view("datetime64[D]")
            continue
        raw = cols[name][order]
        days, bad_date = parse_dates(raw)
        unparsed[name] = bad_date
        report(
            bad_date,
            lambda r, raw=raw, name=name: (
                f"{name}: {_text(raw[r : r + 1])[0]!r} is not a date (YYYY-MM-DD)"
            ),
        )
        table[name] = days.view("datetime64[D]")
    for name, case in (("sex", "upper"), ("onset_site", "lower"), ("el_escorial", "lower")):
        if name not in cols:
            table[name] = np.full(n, "", dtype="U1")
            continue
        raw = cols[name][order]
        text = _decode(raw)
        table[name] = np.strings.upper(text) if case == "upper" else np.strings.lower(text)
    for name in ("ftd", "c9orf72"):
        if name not in cols:
            table[name] = np.full(n, np.nan)
            continue
        raw = cols[name][order]
        ok = np.isin(raw, [b"0", b"1", b""])
        report(
            ~ok, lambda r, raw=raw, name=name: f"{name}: {_text(raw[r : r + 1])[0]!r} is not 0 or 1"
        )
        table[name] = np.where(raw == b"1", 1.0, np.where(raw == b"0", 0.0, np.nan))
    if "fvc_percent" in cols:
        raw = cols["fvc_percent"][order]
        vals, bad_f = parse_floats(raw)
        report(
            bad_f, lambda r, raw=raw: f"fvc_percent: {_text(raw[r : r + 1])[0]!r} is not a number"
        )
        table["fvc_percent"] = vals
    else:
        table["fvc_percent"] = np.full(n, np.nan)

    onset = table["onset_date"].astype(np.int64)
    for name in ENDPOINT_DATES:
        day = table[name].astype(np.int64)
        early = (day != _NAT) & (onset != _NAT) & (day < onset)
        report(early, f"{name} is before onset_date")
    death = table["death_date"].astype(np.int64)
    contact = table["last_contact_date"].astype(np.int64)
    report(
        (contact != _NAT) & (death != _NAT) & (contact > death),
        "last_contact_date is after death_date",
    )

    # Clinical checks on the rows that parsed (dates of unparsable rows are NaT here).
    core_table = dict(table)
    core_table["patient_id"] = ids
    for p in cohort.patient_problems(core_table):
        if p.column in unparsed and unparsed[p.column][p.row]:
            continue  # already reported as "not a date"
        bad[p.row] = True
        extra = ""
        if p.other_row is not None:
            extra = f" (first at line {int(lines[p.other_row])})"
        row_problems.append((p.row, p.message + extra))
    for r, msg in sorted(row_problems, key=lambda rm: rm[0]):
        problems.append(FileProblem(label, int(lines[r]), msg, _text(ids[r : r + 1])[0]))
    problems.sort(key=lambda p: p.line)
    return ParsedPatients(table, ids, lines, problems, bad)


# ----------------------------------------------------------------------------- visits


def map_ids(patient_ids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Row of each id in ``patient_ids`` (byte strings), -1 where absent."""
    if patient_ids.size == 0:
        return np.full(ids.shape[0], -1, dtype=np.int64)
    if patient_ids.dtype.itemsize <= 8 and ids.dtype.itemsize <= 8:
        # Ids of up to 8 bytes compare like big-endian integers, which search much faster.
        patient_ids = patient_ids.astype("S8").view(">u8").astype(np.uint64)
        ids = ids.astype("S8").view(">u8").astype(np.uint64)
    order = None if _is_byte_sorted(patient_ids) else np.argsort(patient_ids, kind="stable")
    sorted_ids = patient_ids if order is None else patient_ids[order]
    pos = np.minimum(np.searchsorted(sorted_ids, ids), sorted_ids.size - 1)
    found = sorted_ids[pos] == ids
    rows = pos if order is None else order[pos]
    return np.where(found, rows, -1).astype(np.int64)


def parse_visits(
    path: Path, label: str, patients: ParsedPatients | None, patients_label: str
) -> ParsedVisits:
    """Read VISITS.csv into a ``cohort`` visits table whose ``patient_id`` is the patient row.

    Visits of a patient whose own row is invalid are reported (and rejected) too. With
    ``patients=None`` (the patients file itself was unreadable) only the visits' own text and
    items are checked.
    """
    csvt = read_csv(path, list(VISIT_COLUMNS))
    problems = [FileProblem(label, ln, msg) for ln, msg in csvt.problems]
    header = set(csvt.header)
    r2_r3 = {ALSFRS_R_NUMBERS[11].key, ALSFRS_R_NUMBERS[12].key}  # only the ALSFRS-R has them
    if "q10" in header and not (r2_r3 & header):
        problems.append(
            FileProblem(
                label,
                1,
                "this looks like the original ALSFRS (10 items, total 0-40): it is not rescaled "
                "to ALSFRS-R (0-48); the file needs the ALSFRS-R columns q10, q11, q12 (R1-R3)",
            )
        )
    if "q5" in header and not (set(ITEM5_KEYS) & header):
        problems.append(
            FileProblem(
                label, 1, "item 5 must be given as q5a (no gastrostomy) and q5b (gastrostomy)"
            )
        )
    problems += _check_header(label, csvt, VISIT_COLUMNS, VISIT_COLUMNS)
    if any(p.line == 1 for p in problems):
        return ParsedVisits({}, np.zeros(0, "S1"), np.zeros(0, np.int64), problems)
    n = csvt.n_rows
    cols = csvt.columns
    lines = csvt.lines
    ids = cols["patient_id"]
    bad = np.zeros(n, dtype=bool)
    row_problems: list[tuple[int, str]] = []

    def report(mask: np.ndarray, message: object) -> None:
        bad[mask] = True
        for r in np.flatnonzero(mask).tolist():
            row_problems.append((r, message(r) if callable(message) else str(message)))

    def id_text(r: int) -> str:
        return _text(ids[r : r + 1])[0]

    blank_id = ids == b""
    report(blank_id, describe(Reason("required", {"column": "patient_id"})))
    if patients is not None:
        pidx = map_ids(patients.ids, ids)
        unknown = pidx < 0
        report(
            unknown & ~blank_id,
            lambda r: (
                describe(Reason("unknown_patient", {"patient_id": id_text(r)}))
                + f" (not in {patients_label})"
            ),
        )
        rejected = ~unknown & patients.bad_rows[np.maximum(pidx, 0)]
        report(
            rejected,
            lambda r: (
                f"patient {id_text(r)!r} is invalid "
                f"(see {patients_label}:{int(patients.lines[pidx[r]])})"
            ),
        )
    else:
        pidx = np.full(n, -1, dtype=np.int64)
        unknown = np.ones(n, dtype=bool)
        rejected = np.zeros(n, dtype=bool)

    table: dict[str, np.ndarray] = {"patient_id": pidx}
    vday, bad_date = parse_dates(cols["visit_date"])
    dates_text = cols["visit_date"]
    report(
        bad_date,
        lambda r: f"visit_date: {_text(dates_text[r : r + 1])[0]!r} is not a date (YYYY-MM-DD)",
    )
    table["visit_date"] = vday.view("datetime64[D]")
    for name in ITEM_COLUMNS:
        vals, bad_item = parse_items(cols[name])
        if bad_item.any():
            raw = cols[name]

            def message(r: int, raw: np.ndarray = raw, name: str = name) -> str:
                text = _text(raw[r : r + 1])[0]
                try:
                    int(text)
                except ValueError:
                    return describe(Reason("item_invalid", {"item": name, "value": text}))
                return describe(Reason("item_out_of_range", {"item": name, "value": text}))

            report(bad_item, message)
            vals = np.where(bad_item, 0, vals).astype(np.int16)  # reported; keep 5a/5b logic quiet
        table[name] = vals.astype(np.int8)

    def core(found: list[cohort.Problem], rows: np.ndarray) -> None:
        for p in found:
            r = int(rows[p.row])
            bad[r] = True
            msg = p.message
            if p.other_row is not None:
                msg += f" (first at line {int(lines[rows[p.other_row]])})"
            row_problems.append((r, msg))

    core(cohort.visit_item_problems(table), np.arange(n))
    if patients is not None:
        # Dates, onset, death and duplicates: only rows whose patient and date are usable.
        rows = np.flatnonzero(~unknown & ~rejected & ~bad_date & (vday != _NAT))
        sub = {k: v[rows] for k, v in table.items()}
        core(cohort.visit_problems(patients.table, sub, items=False), rows)
    report((vday == _NAT) & ~bad_date, describe(Reason("required", {"column": "visit_date"})))
    for r, msg in sorted(row_problems, key=lambda rm: rm[0]):
        problems.append(FileProblem(label, int(lines[r]), msg, id_text(r)))
    problems.sort(key=lambda p: p.line)
    return ParsedVisits(table, ids, lines, problems, bad)


def _is_byte_sorted(ids: np.ndarray) -> bool:
    return bool(ids.size < 2 or np.all(ids[1:] >= ids[:-1]))
