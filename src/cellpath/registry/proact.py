"""A user's PRO-ACT download → the ``cellpath outcomes`` CSV contract (PATIENTS.csv, VISITS.csv).

PRO-ACT, the Pooled Resource Open-Access ALS Clinical Trials database (Atassi N et al., The
PRO-ACT database: design, initial analyses, and predictive features. Neurology 2014;83:1719-1725),
pools the records of ALS trials. Each user downloads it under its own terms; Cellpath never ships,
fetches or embeds any of it, and the tests use small synthetic files written in its layout.

Layout read (the PRO-ACT data dictionary as summarised in the design notes, §4 of
reports-and-interop.md): one file per table, ``PROACT_<TABLE>.csv``, keyed by ``subject_id``;
time is an integer number of days from the trial's day 0 (a "Delta"; onset and diagnosis deltas
are negative). Tables used: ALSFRS, ALSHISTORY (required), DEMOGRAPHICS, FVC, DEATHDATA,
TREATMENT, RILUZOLE (optional).

Rules (never a guess):

* Dates are synthetic: day ``d`` becomes ``anchor + d`` days (default anchor 2000-01-01 = day 0
  for every subject), so only differences between dates mean anything. ``treatment_date`` is
  the anchor for every subject.
* ALSFRS rows with R1-R3 are ALSFRS-R visits (R1 → q10 dyspnoea, R2 → q11 orthopnoea, R3 → q12
  respiratory insufficiency, Cedarbaum 1999); rows with only Q10 are the original ALSFRS
  (0-40) and are kept apart, never rescaled.
* A row with a bad value (a delta that is not a whole number of days, an item outside 0-4, an
  unknown spelling, ...) is dropped whole and listed with its file, line and reason. A subject
  whose own facts contradict each other (two onset deltas, onset after day 0, death before day
  0, ...) is not written, and each of its data rows says so.
* Column names are matched ignoring case, spaces and underscores, plus the aliases in
  ``COLUMN_ALIASES``; a required column that is absent is a ``FILE:1`` error.

Rows are read one at a time with the ``csv`` module (no pandas; the real ALSFRS table has
about 60,000 rows); only the converted values are kept.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from cellpath.outcomes.vocabulary import ALSFRS_R_KEYS, DAYS_PER_YEAR, ITEM5_KEYS
from cellpath.registry.tables import PATIENT_COLUMNS, VISIT_COLUMNS

__all__ = [
    "ARMS",
    "COLUMN_ALIASES",
    "DEFAULT_ANCHOR",
    "OUTPUT_FILES",
    "TABLES",
    "Conversion",
    "Dropped",
    "InputError",
    "RowError",
    "birth_from_age",
    "convert",
    "parse_alsfrs",
    "parse_delta",
    "parse_fvc",
    "parse_item",
    "parse_onset_site",
    "parse_sex",
    "resolve_header",
    "squash",
]

DEFAULT_ANCHOR = date(2000, 1, 1)
#: Progress is reported every this many rows of one file.
PROGRESS_EVERY = 100_000
#: Deltas further than this from day 0 (about 150 years) are refused.
MAX_DAYS = 55_000
ARMS: tuple[str, ...] = ("placebo", "active")
#: FVC % predicted accepted (the engine's range, ``cohort.FVC_PERCENT_RANGE``: (0, 250]).
FVC_PERCENT_MAX = 250.0

OUTPUT_FILES: tuple[str, ...] = (
    "PATIENTS.csv",
    "VISITS.csv",
    "ALSFRS_ORIGINAL.csv",
    "FVC.csv",
    "ARMS.csv",
    "RILUZOLE.csv",
    "DROPPED.csv",
)
ORIGINAL_COLUMNS: tuple[str, ...] = (
    "patient_id",
    "date",
    *ALSFRS_R_KEYS[:10],  # the original ALSFRS's items 1-9 are the ALSFRS-R's (5a/5b alike)
    "q10_respiratory",
    "alsfrs_total",
)
ORIGINAL_ITEMS: tuple[str, ...] = ORIGINAL_COLUMNS[2:-1]
FVC_COLUMNS: tuple[str, ...] = ("patient_id", "date", "fvc_percent", "litres")
DROPPED_COLUMNS: tuple[str, ...] = ("file", "line", "subject_id", "reason")


# ----------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class TableSpec:
    """One PRO-ACT table: its name, whether a conversion needs it, and the columns read
    (canonical PRO-ACT spelling → required?)."""

    table: str
    required: bool
    columns: dict[str, bool]
    about: str

    @property
    def filename(self) -> str:
        return f"PROACT_{self.table}.csv"


#: PRO-ACT ALSFRS item columns → the vocabulary's ALSFRS-R keys (``vocabulary.ALSFRS_R_ITEMS``).
ALSFRS_ITEMS: dict[str, str] = {
    "Q1_Speech": "q1",
    "Q2_Salivation": "q2",
    "Q3_Swallowing": "q3",
    "Q4_Handwriting": "q4",
    "Q5a_Cutting_without_Gastrostomy": ITEM5_KEYS[0],
    "Q5b_Cutting_with_Gastrostomy": ITEM5_KEYS[1],
    "Q6_Dressing_and_Hygiene": "q6",
    "Q7_Turning_in_Bed": "q7",
    "Q8_Walking": "q8",
    "Q9_Climbing_Stairs": "q9",
}
#: The ALSFRS-R's respiratory items R1-R3 → q10-q12 (Cedarbaum 1999; vocabulary order).
R_ITEMS: dict[str, str] = {
    "R_1_Dyspnea": "q10",
    "R_2_Orthopnea": "q11",
    "R_3_Respiratory_Insufficiency": "q12",
}
Q10 = "Q10_Respiratory"
FVC_LITRES = tuple(f"Subject_Liters_Trial_{k}" for k in (1, 2, 3))
FVC_PERCENT = tuple(f"pct_of_Normal_Trial_{k}" for k in (1, 2, 3))

TABLES: dict[str, TableSpec] = {
    spec.table: spec
    for spec in (
        TableSpec(
            "ALSFRS",
            True,
            {
                "subject_id": True,
                "ALSFRS_Delta": True,
                **dict.fromkeys(ALSFRS_ITEMS, True),
                Q10: False,
                **dict.fromkeys(R_ITEMS, False),
                "ALSFRS_Total": False,
                "ALSFRS_R_Total": False,
            },
            "the ALSFRS / ALSFRS-R scores",
        ),
        TableSpec(
            "ALSHISTORY",
            True,
            {
                "subject_id": True,
                "Onset_Delta": True,
                "Diagnosis_Delta": False,
                "Site_of_Onset": False,
            },
            "onset and diagnosis",
        ),
        TableSpec(
            "DEMOGRAPHICS",
            False,
            {"subject_id": True, "Age": False, "Date_of_Birth": False, "Sex": False},
            "sex and age",
        ),
        TableSpec(
            "FVC",
            False,
            {
                "subject_id": True,
                "Forced_Vital_Capacity_Delta": True,
                "Subject_Liters_Trial_1": True,
                **dict.fromkeys(FVC_LITRES[1:], False),
                **dict.fromkeys(FVC_PERCENT, False),
                "Subject_Normal": False,
                "Forced_Vital_Capacity_Units": False,
            },
            "forced vital capacity",
        ),
        TableSpec(
            "DEATHDATA",
            False,
            {"subject_id": True, "Subject_Died": True, "Death_Days": True},
            "deaths",
        ),
        TableSpec(
            "TREATMENT",
            False,
            {"subject_id": True, "Study_Arm": True, "Treatment_Group_Delta": False},
            "the trial arm",
        ),
        TableSpec(
            "RILUZOLE",
            False,
            {"subject_id": True, "Subject_used_Riluzole": True, "Riluzole_use_Delta": False},
            "riluzole use",
        ),
    )
}

#: Other spellings accepted for a column, besides any change of case, spaces or underscores
#: (``squash``: "SubjectID", "Subject ID", "subject_id" and "R1_Dyspnea" already match).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "subject_id": ("SubjectID", "Subject_ID"),
    **{name: (name.split("_")[0],) for name in ALSFRS_ITEMS},  # "Q1", "Q5a", ...
    Q10: ("Q10",),
    "R_1_Dyspnea": ("R1_Dyspnea", "R1"),
    "R_2_Orthopnea": ("R2_Orthopnea", "R2"),
    "R_3_Respiratory_Insufficiency": ("R3_Respiratory_Insufficiency", "R3"),
    "Subject_Normal": ("subject_normal",),
    "Site_of_Onset": ("Onset_Site",),
}


class InputError(Exception):
    """The folder cannot be converted at all (a missing table or column, an unreadable file);
    ``str`` is ``FILE:LINE: message`` or ``FILE: message``."""


class RowError(Exception):
    """One row cannot be used: ``kind`` counts it in the summary, ``str`` says why exactly."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Dropped:
    """A row left out: where it is, whose it is, and why."""

    file: str
    line: int
    subject_id: str
    reason: str
    kind: str


def squash(name: str) -> str:
    """A column name with case, spaces, underscores and other punctuation removed."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def spellings(column: str) -> tuple[str, ...]:
    """The documented spellings of a canonical column."""
    return (column, *COLUMN_ALIASES.get(column, ()))


def resolve_header(header: list[str], spec: TableSpec, label: str) -> dict[str, int]:
    """Canonical column → index in ``header``; ``InputError`` for a missing required column
    or two columns meaning the same thing. Unknown columns (e.g. ``Race_*``) are ignored."""
    by_key = {squash(s): name for name in spec.columns for s in spellings(name)}
    found: dict[str, int] = {}
    for j, raw in enumerate(header):
        name = by_key.get(squash(raw))
        if name is None:
            continue
        if name in found:
            raise InputError(
                f"{label}:1: columns {header[found[name]]!r} and {raw!r} both mean {name}"
            )
        found[name] = j
    missing = [name for name, required in spec.columns.items() if required and name not in found]
    if spec.table == "ALSFRS":
        r_found = [name for name in R_ITEMS if name in found]
        if r_found or Q10 not in found:  # the ALSFRS-R's R1-R3 come together
            missing += [name for name in R_ITEMS if name not in found]
    if missing:
        name = missing[0]
        accepted = ", ".join(spellings(name))
        raise InputError(
            f"{label}:1: missing column {name} (accepted spellings: {accepted}; "
            "any case, spaces or underscores)"
        )
    return found


# ----------------------------------------------------------------------------- values

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def _number(text: str) -> float | None:
    """Plain decimal text → float; None when blank; ValueError otherwise."""
    t = text.strip()
    if not t:
        return None
    if not _NUMBER.fullmatch(t):
        raise ValueError(t)
    return float(t)


def parse_delta(text: str, column: str) -> int | None:
    """A PRO-ACT delta (whole days from day 0; "12.0" is 12) → int, None when blank."""
    try:
        x = _number(text)
    except ValueError:
        raise RowError(
            "delta not a whole number", f"{column} {text.strip()!r} is not a number"
        ) from None
    if x is None:
        return None
    if not x.is_integer():
        raise RowError(
            "delta not a whole number", f"{column} {text.strip()!r} is not a whole number of days"
        )
    if abs(x) > MAX_DAYS:
        raise RowError("delta out of range", f"{column} {text.strip()!r} is out of range")
    return int(x)


def parse_item(text: str, column: str) -> int | None:
    """An ALSFRS(-R) item score → 0-4 ("3.0" is 3), None when blank."""
    try:
        x = _number(text)
    except ValueError:
        x = -1.0
    if x is None:
        return None
    if not (x.is_integer() and 0 <= x <= 4):
        raise RowError("item not 0-4", f"{column} {text.strip()!r} is not a whole number 0-4")
    return int(x)


_ONSET_SITES = {
    "bulbar": "bulbar",
    "limb": "limb",
    "respiratory": "respiratory",
    "other": "other",
    # Mixed onset has no value of its own in the vocabulary: neither bulbar nor limb.
    "limb and bulbar": "other",
    "bulbar and limb": "other",
}


def parse_onset_site(text: str) -> str:
    """``Site_of_Onset`` ("Onset: Bulbar", "Onset: Limb and Bulbar", plain "Limb", ...) → the
    vocabulary's onset site ("" when blank). Mixed limb-and-bulbar onset → "other"."""
    t = " ".join(text.strip().lower().split())
    if t.startswith("onset:"):
        t = t[len("onset:") :].strip()
    if not t:
        return ""
    if t not in _ONSET_SITES:
        raise RowError("unknown Site_of_Onset", f"Site_of_Onset {text.strip()!r} is not known")
    return _ONSET_SITES[t]


def parse_sex(text: str) -> str:
    """``Sex`` (Male/Female, M/F, any case) → "M"/"F" ("" when blank)."""
    t = text.strip().lower()
    sexes = {"male": "M", "m": "M", "female": "F", "f": "F", "": ""}
    if t not in sexes:
        raise RowError("unknown Sex", f"Sex {text.strip()!r} is not Male or Female")
    return sexes[t]


def _choice(text: str, column: str, allowed: dict[str, str]) -> str:
    t = text.strip().lower()
    if t not in allowed:
        raise RowError(
            f"unknown {column}",
            f"{column} {text.strip()!r} is not one of " + "/".join(v for v in allowed if v),
        )
    return allowed[t]


def birth_from_age(age_text: str, anchor: date) -> date | None:
    """Birth date from ``Age`` (years at day 0): a whole age is taken at the middle of that
    year of age (60 → 60.5 years before the anchor), a decimal age as given."""
    try:
        age = _number(age_text)
    except ValueError:
        raise RowError("bad Age", f"Age {age_text.strip()!r} is not a number") from None
    if age is None:
        return None
    if not 0 < age < 120:
        raise RowError("bad Age", f"Age {age_text.strip()!r} is out of range")
    years = age + 0.5 if age.is_integer() else age
    return anchor - timedelta(days=round(years * DAYS_PER_YEAR))


@dataclass(frozen=True)
class AlsfrsRow:
    """One ALSFRS row: ``revised`` (ALSFRS-R, items q1..q12) or the original ALSFRS (items
    q1..q9 and ``q10_respiratory``), its delta, and its items by output column."""

    revised: bool
    delta: int
    items: dict[str, int]
    total: int


def parse_alsfrs(values: dict[str, str]) -> AlsfrsRow:
    """An ALSFRS row (canonical column → text) → ``AlsfrsRow``; ``RowError`` if unusable.

    R1-R3 present → ALSFRS-R (any Q10 on the row is ignored); Q10 alone → original ALSFRS.
    Every item of the scale is required (no imputation) and exactly one of 5a/5b; a total given
    in the file must equal the sum of the items."""
    delta = parse_delta(values.get("ALSFRS_Delta", ""), "ALSFRS_Delta")
    if delta is None:
        raise RowError("blank delta", "ALSFRS_Delta is blank")
    items: dict[str, int] = {}
    problems: list[str] = []
    for column, key in ALSFRS_ITEMS.items():
        value = parse_item(values.get(column, ""), column)
        if value is not None:
            items[key] = value
        elif key not in ITEM5_KEYS:
            problems.append(f"{column} is blank")
    r_values = {col: parse_item(values.get(col, ""), col) for col in R_ITEMS}
    q10 = parse_item(values.get(Q10, ""), Q10)
    revised = any(v is not None for v in r_values.values())
    if revised:
        for column, key in R_ITEMS.items():
            value = r_values[column]
            if value is None:
                problems.append(f"{column} is blank (incomplete ALSFRS-R)")
            else:
                items[key] = value
    elif q10 is not None:
        items["q10_respiratory"] = q10
    else:
        raise RowError(
            "no respiratory item",
            "no respiratory item: neither Q10_Respiratory nor R_1..R_3 is scored",
        )
    if problems:
        raise RowError("item missing", "; ".join(problems))
    has_a, has_b = (key in items for key in ITEM5_KEYS)
    if has_a == has_b:
        which = "both" if has_a else "neither"
        raise RowError("item 5a/5b", f"{which} of Q5a/Q5b scored (exactly one of them is required)")
    total = sum(items.values())
    total_column = "ALSFRS_R_Total" if revised else "ALSFRS_Total"
    given = values.get(total_column, "")
    try:
        given_total = _number(given)
    except ValueError:
        raise RowError("bad total", f"{total_column} {given.strip()!r} is not a number") from None
    if given_total is not None and given_total != total:
        raise RowError(
            "total differs from items",
            f"{total_column} {given.strip()} differs from the sum of the items ({total})",
        )
    return AlsfrsRow(revised, delta, items, total)


@dataclass(frozen=True)
class FvcRow:
    """One FVC measurement: delta, best % predicted, best litres (None when not known)."""

    delta: int
    percent: float
    litres: float | None


def parse_fvc(values: dict[str, str]) -> FvcRow:
    """An FVC row → ``FvcRow``, the best (largest) of up to three trials.

    ``Forced_Vital_Capacity_Units``: ``Liters`` — litres in ``Subject_Liters_Trial_k``, % in
    ``pct_of_Normal_Trial_k`` (or litres / ``Subject_Normal`` × 100 when no % is given);
    ``Percent Predicted`` — the "liters" columns hold the %; blank — only the % columns are
    trusted (the "liters" columns could hold either)."""
    delta = parse_delta(
        values.get("Forced_Vital_Capacity_Delta", ""), "Forced_Vital_Capacity_Delta"
    )
    if delta is None:
        raise RowError("blank delta", "Forced_Vital_Capacity_Delta is blank")

    def numbers(columns: tuple[str, ...] | list[str]) -> list[float]:
        out = []
        for column in columns:
            try:
                x = _number(values.get(column, ""))
            except ValueError:
                raise RowError(
                    "bad FVC number", f"{column} {values[column].strip()!r} is not a number"
                ) from None
            if x is not None:
                out.append(x)
        return out

    units = " ".join(values.get("Forced_Vital_Capacity_Units", "").lower().split())
    first = numbers(FVC_LITRES)
    pct = numbers(FVC_PERCENT)
    litres: float | None = None
    if units in ("liters", "litres", "l"):
        litres = max(first) if first else None
        if not pct and litres is not None:
            normal = numbers(["Subject_Normal"])
            pct = [litres / normal[0] * 100] if normal and normal[0] > 0 else []
    elif units in ("percent predicted", "percent", "%"):
        pct = pct + first
    elif units:
        raise RowError(
            "unknown FVC units",
            f"Forced_Vital_Capacity_Units {values['Forced_Vital_Capacity_Units'].strip()!r} "
            "is not Liters or Percent Predicted",
        )
    if not pct:
        raise RowError("no FVC %", "no FVC % predicted on this row")
    percent = max(pct)
    if not 0 < percent <= FVC_PERCENT_MAX:
        raise RowError("FVC % out of range", f"FVC {percent:g} % is outside (0, 250]")
    return FvcRow(delta, percent, litres)


# ----------------------------------------------------------------------------- files


def detect_encoding(path: Path) -> str:
    """ "utf-8-sig" when the whole file is UTF-8 (with or without BOM), else "latin-1"."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8-sig"


def read_rows(path: Path, encoding: str, label: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, fields) of every non-blank record, header included."""
    try:
        with open(path, encoding=encoding, newline="") as fh:
            reader = csv.reader(fh)
            line = 0
            for row in reader:
                start, line = line + 1, reader.line_num
                if row and any(f.strip() for f in row):
                    yield start, row
    except csv.Error as exc:
        raise InputError(f"{label}:{line + 1}: cannot read: {exc}") from exc
    except OSError as exc:
        raise InputError(f"{label}: cannot read: {exc}") from exc


def find_tables(folder: Path) -> dict[str, Path]:
    """``PROACT_<TABLE>.csv`` files in ``folder`` (name matched ignoring case)."""
    found: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        name = path.name.upper()
        for table in TABLES:
            if name == f"PROACT_{table}.CSV" and path.is_file():
                if table in found:
                    raise InputError(
                        f"{folder}: both {found[table].name} and {path.name} hold table {table}"
                    )
                found[table] = path
    return found


# ----------------------------------------------------------------------------- conversion


@dataclass
class _Subject:
    facts: dict[str, tuple[object, str]] = field(default_factory=dict)  # name → (value, where)
    unusable: str = ""  # "FILE:LINE" of what made the subject unusable

    def get(self, name: str) -> object:
        return self.facts[name][0] if name in self.facts else None


@dataclass
class Conversion:
    """A finished conversion: the output files as bytes, the drops, notes and counts."""

    files: dict[str, bytes]
    dropped: list[Dropped]
    notes: list[str]
    counts: dict[str, int]


def _id_key(text: str) -> tuple[int, int, str]:
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


def _fmt(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _csv_bytes(header: tuple[str, ...], rows: Iterable[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


class _Converter:
    def __init__(
        self, folder: Path, anchor: date, arm: str, progress: Callable[[str], None]
    ) -> None:
        self.folder, self.anchor, self.arm, self.progress = folder, anchor, arm, progress
        self.dropped: list[Dropped] = []
        self.notes: list[str] = []
        self.subjects: dict[str, _Subject] = {}
        self.encodings: dict[Path, str] = {}

    # -- reading

    def open(self, spec: TableSpec, path: Path) -> tuple[dict[str, int], Iterator]:
        label = path.name
        if path not in self.encodings:
            self.encodings[path] = detect_encoding(path)
            if self.encodings[path] == "latin-1":
                self.notes.append(f"{label}: not UTF-8; read as Latin-1")
        encoding = self.encodings[path]
        rows = read_rows(path, encoding, label)
        try:
            _, header = next(rows)
        except StopIteration:
            raise InputError(f"{label}: empty file (a header line is required)") from None
        return resolve_header(header, spec, label), rows

    def rows(
        self, spec: TableSpec, path: Path, columns: dict[str, int], rows: Iterator
    ) -> Iterator[tuple[int, str, dict[str, str]]]:
        """(line, subject_id, canonical column → text) of each row of the right shape."""
        label, width = path.name, None
        n = 0
        for line, fields in rows:
            n += 1
            if n % PROGRESS_EVERY == 0:
                self.progress(f"{label}: {n} rows read")
            width = width or max(columns.values()) + 1
            if len(fields) < width:
                self.drop(label, line, "", "short row", f"only {len(fields)} fields")
                continue
            sid = fields[columns["subject_id"]].strip()
            if not sid:
                self.drop(label, line, "", "blank subject_id", "subject_id is blank")
                continue
            yield line, sid, {name: fields[j] for name, j in columns.items()}
        if n >= PROGRESS_EVERY:
            self.progress(f"{label}: {n} rows read, done")

    def drop(self, file: str, line: int, sid: str, kind: str, reason: str) -> None:
        self.dropped.append(Dropped(file, line, sid, reason, kind))

    # -- subject facts

    def fact(self, sid: str, name: str, value: object, file: str, line: int) -> None:
        """Record one fact of a subject; a different value seen before makes it unusable."""
        subject = self.subjects.setdefault(sid, _Subject())
        where = f"{file}:{line}"
        if name in subject.facts and subject.facts[name][0] != value:
            old, old_where = subject.facts[name]
            self.drop(
                file,
                line,
                sid,
                f"conflicting {name}",
                f"conflicting {name}: {value!s} here, {old!s} at {old_where}; subject not written",
            )
            subject.unusable = subject.unusable or where
            return
        subject.facts.setdefault(name, (value, where))

    def unusable(self, sid: str, where: str, kind: str, reason: str) -> None:
        file, line = where.rsplit(":", 1)
        self.drop(file, int(line), sid, kind, f"{reason}; subject not written")
        subject = self.subjects[sid]
        subject.unusable = subject.unusable or where

    def read_subject_table(self, table: str, path: Path) -> None:
        spec = TABLES[table]
        columns, rows = self.open(spec, path)
        reader = getattr(self, f"_row_{table.lower()}")
        for line, sid, values in self.rows(spec, path, columns, rows):
            try:
                facts = reader(values)
            except RowError as exc:
                self.drop(path.name, line, sid, exc.kind, str(exc))
                continue
            self.subjects.setdefault(sid, _Subject())
            for name, value in facts.items():
                if value is not None and value != "":
                    self.fact(sid, name, value, path.name, line)

    def _row_alshistory(self, v: dict[str, str]) -> dict[str, object]:
        return {
            "Onset_Delta": parse_delta(v["Onset_Delta"], "Onset_Delta"),
            "Diagnosis_Delta": parse_delta(v.get("Diagnosis_Delta", ""), "Diagnosis_Delta"),
            "Site_of_Onset": parse_onset_site(v.get("Site_of_Onset", "")),
        }

    def _row_demographics(self, v: dict[str, str]) -> dict[str, object]:
        sex = parse_sex(v.get("Sex", ""))
        dob = v.get("Date_of_Birth", "")
        try:
            dob_delta = parse_delta(dob, "Date_of_Birth")
        except RowError:
            raise RowError(
                "bad Date_of_Birth", f"Date_of_Birth {dob.strip()!r} is not a delta in days"
            ) from None
        if dob_delta is not None:
            birth: date | None = self.anchor + timedelta(days=dob_delta)
        else:
            birth = birth_from_age(v.get("Age", ""), self.anchor)
        return {"Sex": sex, "birth": birth}

    def _row_deathdata(self, v: dict[str, str]) -> dict[str, object]:
        died = _choice(v["Subject_Died"], "Subject_Died", {"yes": "yes", "no": "no"})
        days = parse_delta(v["Death_Days"], "Death_Days")
        if died == "yes" and days is None:
            raise RowError("death without Death_Days", "Subject_Died = Yes but Death_Days blank")
        return {"Subject_Died": died, "Death_Days": days if died == "yes" else None}

    def _row_treatment(self, v: dict[str, str]) -> dict[str, object]:
        arm = _choice(v["Study_Arm"], "Study_Arm", {"active": "active", "placebo": "placebo"})
        return {"Study_Arm": arm}

    def _row_riluzole(self, v: dict[str, str]) -> dict[str, object]:
        used = _choice(
            v["Subject_used_Riluzole"], "Subject_used_Riluzole", {"yes": "yes", "no": "no"}
        )
        start = parse_delta(v.get("Riluzole_use_Delta", ""), "Riluzole_use_Delta")
        return {"Subject_used_Riluzole": used, "Riluzole_use_Delta": start}

    def check_subjects(self) -> None:
        """Subject-level contradictions (the engine's date order: birth ≤ onset ≤ diagnosis,
        onset ≤ treatment (day 0) ≤ death)."""
        for sid, s in self.subjects.items():
            if s.unusable:
                continue
            onset = s.get("Onset_Delta")
            if onset is None:
                continue
            where = s.facts["Onset_Delta"][1]
            diagnosis, death, birth = s.get("Diagnosis_Delta"), s.get("Death_Days"), s.get("birth")
            if onset > 0:
                self.unusable(
                    sid,
                    where,
                    "onset after day 0",
                    f"Onset_Delta {onset} is after day 0 (the treatment date)",
                )
            elif diagnosis is not None and diagnosis < onset:
                self.unusable(
                    sid,
                    s.facts["Diagnosis_Delta"][1],
                    "diagnosis before onset",
                    f"Diagnosis_Delta {diagnosis} is before Onset_Delta {onset}",
                )
            elif death is not None and death < 0:
                self.unusable(
                    sid,
                    s.facts["Death_Days"][1],
                    "death before day 0",
                    f"Death_Days {death} is before day 0",
                )
            elif birth is not None and birth > self.anchor + timedelta(days=onset):
                self.unusable(
                    sid,
                    s.facts["birth"][1],
                    "birth after onset",
                    "birth (from Date_of_Birth or Age) is after onset",
                )

    def written(self, sid: str) -> str:
        """ "" if the subject is written, else why its rows are not ("arm" for the filter)."""
        s = self.subjects.get(sid)
        if self.arm != "all" and (s is None or s.get("Study_Arm") != self.arm):
            return "arm"
        if s is None or s.get("Onset_Delta") is None:
            return "no Onset_Delta for this subject in PROACT_ALSHISTORY.csv"
        if s.unusable:
            return f"subject not written (see {s.unusable})"
        return ""

    # -- data tables

    def read_alsfrs(self, path: Path) -> tuple[list[tuple], list[tuple]]:
        spec = TABLES["ALSFRS"]
        columns, rows = self.open(spec, path)
        label = path.name
        # (revised?, subject, delta) → (line, scores); only repeats of a key keep a list.
        seen: dict[tuple[bool, str, int], tuple[int, tuple[int, ...]]] = {}
        repeats: dict[tuple[bool, str, int], list[tuple[int, tuple[int, ...]]]] = {}
        for line, sid, values in self.rows(spec, path, columns, rows):
            why = self.written(sid)
            if why == "arm":
                continue
            try:
                row = parse_alsfrs(values)
            except RowError as exc:
                self.drop(label, line, sid, exc.kind, str(exc))
                continue
            if why:
                self.drop(label, line, sid, "subject not written", why)
                continue
            s = self.subjects[sid]
            onset, death = s.get("Onset_Delta"), s.get("Death_Days")
            if row.delta < onset:
                self.drop(
                    label,
                    line,
                    sid,
                    "visit before onset",
                    f"ALSFRS_Delta {row.delta} is before Onset_Delta {onset}",
                )
                continue
            if death is not None and row.delta > death:
                self.drop(
                    label,
                    line,
                    sid,
                    "visit after death",
                    f"ALSFRS_Delta {row.delta} is after Death_Days {death}",
                )
                continue
            keys = ALSFRS_R_KEYS if row.revised else ORIGINAL_ITEMS
            scores = tuple(row.items.get(k, -1) for k in keys)  # compact: -1 = not scored
            key = (row.revised, sys.intern(sid), row.delta)
            if key in seen:
                repeats.setdefault(key, []).append((line, scores))
            else:
                seen[key] = (line, scores)
        revised: list[tuple[str, int, tuple[int, ...]]] = []
        original: list[tuple[str, int, tuple[int, ...]]] = []
        for key, (first_line, items) in seen.items():
            is_r, sid, delta = key
            rest = repeats.get(key, [])
            found = [(first_line, items), *rest]
            if any(other != items for _, other in rest):
                lines = ", ".join(str(ln) for ln, _ in found)
                for ln, _ in found:
                    self.drop(
                        label,
                        ln,
                        sid,
                        "conflicting same-day scores",
                        f"different scores on the same day (lines {lines})",
                    )
                continue
            for ln, _ in rest:
                self.drop(label, ln, sid, "duplicate", f"same scores as line {first_line}")
            (revised if is_r else original).append((sid, delta, items))
        return revised, original

    def read_fvc(self, path: Path) -> list[tuple[str, FvcRow]]:
        spec = TABLES["FVC"]
        columns, rows = self.open(spec, path)
        out = []
        for line, sid, values in self.rows(spec, path, columns, rows):
            why = self.written(sid)
            if why == "arm":
                continue
            try:
                row = parse_fvc(values)
            except RowError as exc:
                self.drop(path.name, line, sid, exc.kind, str(exc))
                continue
            if why:
                self.drop(path.name, line, sid, "subject not written", why)
                continue
            out.append((sid, row))
        return out

    # -- output

    def day(self, delta: object) -> str:
        return "" if delta is None else (self.anchor + timedelta(days=int(delta))).isoformat()


def baseline_fvc(rows: list[FvcRow]) -> float | None:
    """Baseline FVC %: the measurement nearest day 0 at or before it, else the first after it;
    the best % when several share that day."""
    if not rows:
        return None
    before = [r for r in rows if r.delta <= 0]
    day = max(r.delta for r in before) if before else min(r.delta for r in rows)
    return max(r.percent for r in rows if r.delta == day)


def convert(
    folder: Path,
    *,
    anchor: date = DEFAULT_ANCHOR,
    arm: str = "all",
    progress: Callable[[str], None] = lambda message: None,
) -> Conversion:
    """Convert the PRO-ACT tables in ``folder``; ``InputError`` if that cannot be done at all.

    ``arm`` ("all", "placebo", "active") restricts the subjects written (a subject with no
    TREATMENT row has no arm and is written only with "all")."""
    if arm not in ("all", *ARMS):
        raise InputError(f"--arm {arm!r}: choose all, placebo or active")
    if not folder.is_dir():
        raise InputError(f"{folder}: not a directory")
    try:
        found = find_tables(folder)
    except OSError as exc:
        raise InputError(f"{folder}: cannot read: {exc}") from exc
    conv = _Converter(folder, anchor, arm, progress)
    for spec in TABLES.values():
        if spec.table not in found:
            if spec.required:
                raise InputError(
                    f"{folder / spec.filename}: missing required table {spec.table} "
                    f"({spec.about}); expected {spec.filename} in {folder}"
                )
            conv.notes.append(f"{spec.filename} not found: no {spec.about}")
    if arm != "all" and "TREATMENT" not in found:
        raise InputError(f"{folder / 'PROACT_TREATMENT.csv'}: --arm {arm} needs the arm table")
    # Every header first, so that a missing column is found before any long read.
    for table, path in found.items():
        conv.open(TABLES[table], path)[1].close()

    for table in ("ALSHISTORY", "DEMOGRAPHICS", "DEATHDATA", "TREATMENT", "RILUZOLE"):
        if table in found:
            conv.read_subject_table(table, found[table])
    conv.check_subjects()
    revised, original = conv.read_alsfrs(found["ALSFRS"])
    fvc = conv.read_fvc(found["FVC"]) if "FVC" in found else []

    ids = sorted((sid for sid in conv.subjects if not conv.written(sid)), key=_id_key)
    fvc_by_subject: dict[str, list[FvcRow]] = {}
    for sid, row in fvc:
        fvc_by_subject.setdefault(sid, []).append(row)

    patients = []
    for sid in ids:
        s = conv.subjects[sid]
        birth = s.get("birth")
        row = {
            "patient_id": sid,
            "sex": s.get("Sex") or "",
            "birth_date": birth.isoformat() if isinstance(birth, date) else "",
            "onset_date": conv.day(s.get("Onset_Delta")),
            "diagnosis_date": conv.day(s.get("Diagnosis_Delta")),
            "onset_site": s.get("Site_of_Onset") or "",
            "fvc_percent": _fmt(baseline_fvc(fvc_by_subject.get(sid, []))),
            "treatment_date": anchor.isoformat(),
            "death_date": conv.day(s.get("Death_Days")),
        }
        patients.append([row.get(c, "") for c in PATIENT_COLUMNS])

    def by_subject_day(rows: list[tuple]) -> list[tuple]:
        return sorted(rows, key=lambda r: (_id_key(r[0]), r[1]))

    def scored(scores: tuple[int, ...]) -> list[str]:
        return [str(x) if x >= 0 else "" for x in scores]

    visits = ([sid, conv.day(d), *scored(items)] for sid, d, items in by_subject_day(revised))
    originals = (
        [sid, conv.day(d), *scored(items), str(sum(x for x in items if x >= 0))]
        for sid, d, items in by_subject_day(original)
    )
    fvc_rows = (
        [sid, conv.day(r.delta), _fmt(r.percent), _fmt(r.litres)]
        for sid, r in sorted(fvc, key=lambda sr: (_id_key(sr[0]), sr[1].delta))
    )
    arms = [[sid, conv.subjects[sid].get("Study_Arm") or ""] for sid in ids]
    riluzole = [
        [sid, s.get("Subject_used_Riluzole") or "", conv.day(s.get("Riluzole_use_Delta"))]
        for sid in ids
        if (s := conv.subjects[sid]).get("Subject_used_Riluzole") is not None
    ]
    dropped = sorted(conv.dropped, key=lambda d: (d.file, d.line))
    files = {
        "PATIENTS.csv": _csv_bytes(PATIENT_COLUMNS, patients),
        "VISITS.csv": _csv_bytes(VISIT_COLUMNS, visits),
        "ALSFRS_ORIGINAL.csv": _csv_bytes(ORIGINAL_COLUMNS, originals),
        "FVC.csv": _csv_bytes(FVC_COLUMNS, fvc_rows),
        "ARMS.csv": _csv_bytes(("patient_id", "arm"), arms),
        "RILUZOLE.csv": _csv_bytes(("patient_id", "riluzole", "start_date"), riluzole),
        "DROPPED.csv": _csv_bytes(
            DROPPED_COLUMNS, [[d.file, str(d.line), d.subject_id, d.reason] for d in dropped]
        ),
    }
    not_in_arm = sum(1 for sid in conv.subjects if conv.written(sid) == "arm")
    counts = {
        "patients": len(patients),
        "visits": len(revised),
        "alsfrs_original": len(original),
        "fvc": len(fvc),
        "dropped": len(dropped),
        "not_in_arm": not_in_arm,
    }
    return Conversion(files, dropped, conv.notes, counts)


def drop_summary(dropped: list[Dropped]) -> list[tuple[str, int]]:
    """(kind, count) of the dropped rows, most frequent first."""
    return Counter(d.kind for d in dropped).most_common()
