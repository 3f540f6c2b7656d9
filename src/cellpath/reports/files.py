"""A registry's two CSV files (the ``cellpath outcomes`` contract) as the engine's tables: for
``cellpath report`` and for reference cohorts uploaded to the web application alike."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from django.core.exceptions import ValidationError

from cellpath.registry.tables import FileProblem, parse_patients, parse_visits
from cellpath.reports.models import ReferenceCohort

__all__ = ["parse_registry", "read_registry", "reference_tables"]

MAX_PROBLEMS_SHOWN = 20

Tables = tuple[dict[str, np.ndarray], dict[str, np.ndarray]]


def read_registry(
    patients_path: Path,
    visits_path: Path,
    progress: Callable[[str], None] = lambda message: None,
    labels: tuple[str, str] | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], list[FileProblem]] | str:
    """Two registry files as the engine's tables (ids as text), with their problems; or why
    they could not be read. ``labels`` name the files in messages (default: their paths)."""
    p_label, v_label = labels or (str(patients_path), str(visits_path))
    try:
        patients = parse_patients(patients_path, p_label)
        progress(f"read {patients.lines.size} patient rows from {p_label}")
        header_failed = any(p.line == 1 for p in patients.problems)
        visits = parse_visits(visits_path, v_label, None if header_failed else patients, p_label)
        progress(f"read {visits.lines.size} visit rows from {v_label}")
    except (OSError, ValueError) as exc:
        return f"cannot read: {exc}"
    ids = np.char.decode(patients.ids, "utf-8") if patients.ids.size else np.zeros(0, "U1")
    p_table = dict(patients.table)
    p_table["patient_id"] = ids
    v_table = dict(visits.table)
    v_table["patient_id"] = ids[v_table["patient_id"]] if ids.size else v_table["patient_id"]
    return p_table, v_table, patients.problems + visits.problems


def parse_registry(patients: bytes, visits: bytes, labels: tuple[str, str]) -> Tables:
    """The two files as tables, or ValidationError listing ``FILE:LINE: problem``."""
    with tempfile.TemporaryDirectory(prefix="cellpath-cohort-") as tmp:
        p_path, v_path = Path(tmp) / "patients.csv", Path(tmp) / "visits.csv"
        p_path.write_bytes(patients)
        v_path.write_bytes(visits)
        read = read_registry(p_path, v_path, labels=labels)
    if isinstance(read, str):
        raise ValidationError(read)
    p_table, v_table, problems = read
    if problems:
        shown = [str(p) for p in problems[:MAX_PROBLEMS_SHOWN]]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            shown.append(f"… and {len(problems) - MAX_PROBLEMS_SHOWN} more problems")
        raise ValidationError(shown)
    return p_table, v_table


def reference_tables(cohort: ReferenceCohort) -> tuple[str, dict, dict]:
    """(name, patients, visits) of a stored cohort, for ``analyse(controls=…)``."""
    p_table, v_table = parse_registry(*cohort.files(), ("PATIENTS.csv", "VISITS.csv"))
    return cohort.name, p_table, v_table
