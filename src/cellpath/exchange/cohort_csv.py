"""The cohort as a ZIP of tidy CSV files, with a data dictionary, and the `cellpath outcomes`
contract files (PATIENTS.csv, VISITS.csv) so that the cohort report can be run offline.

Written table by table and row by row into the ZIP (`zipfile` streams each member), so memory
does not grow with the cohort; every column is always present, even when empty.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import IO, Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from cellpath.accounts.exports import csv_cell
from cellpath.care.models import Administration, AlsfrsR, Patient, Spirometry, Visit
from cellpath.exchange.queries import ExportScope
from cellpath.exchange.tables import (
    BY_NAME,
    CHUNK,
    PERSON,
    PLAN_TABLE,
    TABLES,
    Column,
    Table,
    fvc_percents,
)
from cellpath.outcomes.vocabulary import ALSFRS_R_KEYS
from cellpath.registry.tables import PATIENT_COLUMNS, VISIT_COLUMNS

Progress = Callable[[str], None]

DICTIONARY_HEADER = ["file", "column", "kind", "description", "codes"]


def cell(value: Any, column: Column | None = None) -> str:
    """One CSV cell: ISO 8601 dates and times, 1/0 for yes/no, blank for unknown, numbers as
    they are, and text a spreadsheet would run as a formula defused (`csv_cell`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return csv_cell(value)


@contextmanager
def member(archive: zipfile.ZipFile, name: str) -> Iterator[Any]:
    """A CSV writer on a new member of `archive`, written as it goes (UTF-8, CRLF rows)."""
    with archive.open(name, "w", force_zip64=True) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        try:
            yield csv.writer(text)
        finally:
            text.flush()
            text.detach()


def write_table(
    archive: zipfile.ZipFile, table: Table, scope: ExportScope, progress: Progress | None
) -> int:
    count = 0
    with member(archive, f"{table.name}.csv") as writer:
        writer.writerow(table.header)
        columns = table.all_columns
        for row in table.rows(scope.patients, names_for=scope.names_for):
            writer.writerow([cell(row[c.name]) for c in columns])
            count += 1
            if progress and count % (CHUNK * 25) == 0:
                progress(f"{table.name}: {count:,} rows")
    return count


def dictionary_rows(tables: Iterable[Table]) -> list[list[str]]:
    """The data dictionary: one row per column of every file."""
    rows = [DICTIONARY_HEADER]
    for table in tables:
        for c in table.all_columns:
            codes = " | ".join(f"{value} = {label}" for value, label in c.codes)
            rows.append([f"{table.name}.csv", c.name, c.kind, c.description, codes])
    return rows


README = """\
Cellpath cohort export ({stamp})

One CSV file per kind of record (UTF-8, comma-separated, a header line; dates YYYY-MM-DD,
times ISO 8601 in UTC; yes/no as 1/0; blank = not recorded). data_dictionary.csv describes every
column and its codes. Rows link by study_id (and course_number, visit_id, lot_number).
Every table ends with created_at, created_by, modified_at, modified_by.

outcomes/PATIENTS.csv and outcomes/VISITS.csv are the same cohort in the `cellpath outcomes`
contract: `cellpath outcomes --patients outcomes/PATIENTS.csv --visits outcomes/VISITS.csv`
and `cellpath report` read them as they are.

Filters: {filters}
Patients: {patients}

This file holds health data. Keep it where your data-protection rules say it may be kept.
"""


def write_cohort_zip(
    scope: ExportScope, out: IO[bytes], *, progress: Progress | None = None
) -> dict[str, int]:
    """Write the cohort's tidy tables, the data dictionary and the outcomes contract into `out`.
    Returns the number of rows of each file."""
    counts: dict[str, int] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in (*TABLES, PLAN_TABLE):
            counts[f"{table.name}.csv"] = write_table(archive, table, scope, progress)
            if progress:
                progress(f"{table.name}.csv: {counts[f'{table.name}.csv']:,} rows")
        with member(archive, "data_dictionary.csv") as writer:
            writer.writerows(dictionary_rows((*TABLES, PLAN_TABLE)))
        counts["outcomes/PATIENTS.csv"] = write_outcomes_patients(archive, scope)
        counts["outcomes/VISITS.csv"] = write_outcomes_visits(archive, scope)
        archive.writestr(
            "README.txt",
            README.format(
                stamp=timezone.now().strftime("%Y-%m-%d %H:%M UTC"),
                filters=scope.filters.as_detail() or "none (every patient of your sites)",
                patients=counts["patients.csv"],
            ),
        )
    return counts


# --- the `cellpath outcomes` contract ---------------------------------------------------------


def write_outcomes_patients(archive: zipfile.ZipFile, scope: ExportScope) -> int:
    """PATIENTS.csv of the contract (`registry.tables.PATIENT_COLUMNS`): treatment_date is the
    first dose of the patient's first course; fvc_percent the last FVC % predicted on or before
    it; last_contact_date the last day the patient was seen or assessed. Patients and their
    spirometry are read side by side in study-ID order (a merge, memory flat)."""
    first_dose = (
        Administration.objects.filter(course__patient=OuterRef("pk"))
        .order_by("course__number", "given_on")
        .values("given_on")[:1]
    )
    rows = (
        Patient.objects.filter(pk__in=scope.patients)
        .annotate(
            treatment_date=Subquery(first_dose),
            last_visit=_latest(Visit, "visit_date"),
            last_alsfrs=_latest(AlsfrsR, "assessed_on"),
        )
        .order_by("pk")
        .values_list(
            "pk",
            "study_id",
            "sex",
            "date_of_birth",
            "onset_date",
            "diagnosis_date",
            "onset_site",
            "el_escorial",
            "ftd",
            "c9orf72",
            "treatment_date",
            "death_date",
            "tracheostomy_date",
            "niv_full_time_date",
            "last_visit",
            "last_alsfrs",
        )
    )
    spirometry = _fvc_by_patient(scope)
    pending = next(spirometry, None)
    count = 0
    with member(archive, "outcomes/PATIENTS.csv") as writer:
        writer.writerow(PATIENT_COLUMNS)
        for values in rows.iterator(chunk_size=CHUNK):
            pk, study_id, *facts, treated, died, trach, niv, last_visit, last_alsfrs = values
            fvc = None
            while pending is not None and pending[0] <= pk:
                if pending[0] == pk and treated and pending[1] <= treated and pending[2]:
                    fvc = pending[2]
                pending = next(spirometry, None)
            last = max((d for d in (last_visit, last_alsfrs) if d), default=None)
            line = (study_id, *facts, fvc, treated, died, trach, niv, last)
            writer.writerow(cell(v) for v in line)
            count += 1
    return count


def _fvc_by_patient(scope: ExportScope) -> Iterator[tuple[int, date, Any]]:
    """(patient id, day, FVC % predicted) of the cohort's spirometry, in patient-id order."""
    paths = ("patient_id", "measured_on", "fvc_litres", "fvc_percent_entered", "equation")
    rows = (
        Spirometry.objects.filter(patient_id__in=scope.patients)
        .order_by("patient_id", "measured_on")
        .values_list(*paths, *PERSON)
    )
    chunk: list[dict[str, Any]] = []
    for values in rows.iterator(chunk_size=CHUNK):
        chunk.append(dict(zip((*paths, *PERSON), values, strict=True)))
        if len(chunk) == CHUNK:
            fvc_percents(chunk)
            yield from (
                (r["patient_id"], r["measured_on"], r["fvc_percent_predicted"]) for r in chunk
            )
            chunk = []
    fvc_percents(chunk)
    yield from ((r["patient_id"], r["measured_on"], r["fvc_percent_predicted"]) for r in chunk)


def _latest(model: type, field: str) -> Subquery:
    """The patient's latest `field` of `model`, looked up by index."""
    rows = model.objects.filter(patient=OuterRef("pk"), **{f"{field}__isnull": False})
    return Subquery(rows.order_by(f"-{field}").values(field)[:1])


def write_outcomes_visits(archive: zipfile.ZipFile, scope: ExportScope) -> int:
    """VISITS.csv of the contract: one row per ALSFRS-R, items as entered."""
    count = 0
    with member(archive, "outcomes/VISITS.csv") as writer:
        writer.writerow(VISIT_COLUMNS)
        for row in BY_NAME["alsfrs_r"].rows(scope.patients):
            writer.writerow(
                [
                    cell(row["study_id"]),
                    cell(row["assessed_on"]),
                    *(cell(row[k]) for k in ALSFRS_R_KEYS),
                ]
            )
            count += 1
    return count
