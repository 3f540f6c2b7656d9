"""REDCap records into Cellpath: a dry run (`plan_import`) and its all-or-nothing application
(`apply_import`).

`plan_import` reads a REDCap flat record CSV (records.csv, "raw" codes) through a mapping file
(`mapping.read_mapping`) and says, row by row, what would happen: `add`, `update`, `unchanged`,
`skipped` (a repeating instrument whose fields are all ignored) or `refused`, each refusal as
`FILE:LINE: reason`. It reads the database in bulk (the site's known record IDs and, for those
patients, their visits, ALSFRS-R, spirometry and weights), never once per row.

`apply_import` writes a plan that has no problem and no refused row, in one transaction,
through the care services and `audited_save`, then appends one `import` audit event naming the
file's SHA-256 and the counts. Importing the same file again finds everything `unchanged`.

Rules (decisions):

- Record IDs are remembered per site and source (`ExternalRecord`); an unknown one creates a
  patient in the chosen site (coordinators only: clinicians may update but not add patients).
  Its identity's name is "REDCap record <id>", since no names travel through REDCap here.
- Blank cells never clear a value (REDCap's "normal" overwrite behaviour): they mean "not in
  this file". Items 5a and 5b are taken together: if either is given, both come from the file.
- An assessment is identified by patient and day (ALSFRS-R and spirometry: one per day, the
  models' constraint; weight: the first of the day). A visit of a plan event by patient and
  label (a new one is created, unscheduled, if the patient has none); of the `unscheduled`
  event by patient and day.
- Columns neither in the mapping nor REDCap's own (`record_id`, `redcap_event_name`,
  `redcap_repeat_instrument`, `redcap_repeat_instance`, `redcap_data_access_group`,
  `<form>_complete`) refuse the whole file: dropping data silently is worse than asking for one
  more `field,<name>,ignore` line.
- Dates are `YYYY-MM-DD` only (REDCap's raw export of date_ymd, date_mdy and date_dmy fields
  alike); numbers use `.`; yes/no is 1/0.
- Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return at
  the start) is refused, except a negative number.
- UTF-8, with or without BOM. Bytes that are not UTF-8 are read as Windows-1252 (then
  Latin-1) and the plan says so. NUL bytes, files over `MAX_FILE_BYTES` and cells over
  `MAX_CELL_CHARS` are refused.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cellpath.accounts.access import site_ids_for
from cellpath.accounts.audit import Actor, audited_bulk_import, audited_save, record
from cellpath.accounts.models import AuditEvent, Site, User
from cellpath.accounts.roles import Role
from cellpath.care import services
from cellpath.care.models import AlsfrsR, Patient, Spirometry, Visit, Weight
from cellpath.care.models.assessments import Respondent
from cellpath.care.services.data_queries import queries_refresh
from cellpath.exchange.models import ExternalRecord
from cellpath.exchange.redcap.mapping import (
    DATE_TARGETS,
    ENROLMENT,
    IGNORE,
    TARGETS,
    UNSCHEDULED,
    Mapping,
)
from cellpath.exchange.redcap.project import RECORD_COLUMNS

MAX_FILE_BYTES = 20 * 2**20
MAX_CELL_CHARS = 10_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
INTEGER = re.compile(r"-?\d+")
DECIMAL = re.compile(r"-?\d+(\.\d+)?")
ENTITY_LABELS = {
    "patient": "baseline facts",
    "visit": "visit",
    "alsfrs_r": "ALSFRS-R",
    "spirometry": "spirometry",
    "weight": "weight",
}
ASSESSMENTS = {"alsfrs_r": AlsfrsR, "spirometry": Spirometry, "weight": Weight}
IMPORT_ROLES = (Role.COORDINATOR, Role.CLINICIAN)
Progress = Callable[[str], None]


class ImportRefusedError(ValueError):
    """A plan that cannot be applied (problems or refused rows), or a write that failed."""


@dataclass
class Op:
    """One write: `entity` of record `record_id`, `pk` of the row it changes (None: add),
    the values to set."""

    entity: str
    record_id: str
    pk: int | None
    values: dict[str, Any]
    label: str = ""  # visit label (plan events)
    day: date | None = None


@dataclass
class RowPlan:
    line: int
    record_id: str
    event: str
    instance: str
    action: str = "unchanged"  # add, update, unchanged, skipped, refused
    reasons: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    ops: list[Op] = field(default_factory=list)
    enrolment: bool = False


@dataclass
class ImportPlan:
    file_name: str
    sha256: str
    site_id: int
    site_name: str
    source: str
    encoding: str = "utf-8"
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the whole file is refused
    rows: list[RowPlan] = field(default_factory=list)
    new_records: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("add", "update", "unchanged", "skipped", "refused"), 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def refused(self) -> list[RowPlan]:
        return [row for row in self.rows if row.action == "refused"]

    @property
    def applicable(self) -> bool:
        return not self.problems and not self.refused

    @property
    def changes(self) -> int:
        return sum(1 for row in self.rows if row.action in ("add", "update"))


# --- reading the file -------------------------------------------------------------------------


def _decode(data: bytes, plan: ImportPlan) -> str | None:
    if len(data) > MAX_FILE_BYTES:
        plan.problems.append(
            f"{plan.file_name}: larger than {MAX_FILE_BYTES // 2**20} MB; split it by records."
        )
        return None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        plan.problems.append(f"{plan.file_name}:{line}: NUL byte; this is not a CSV text file.")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad_line = data[: error.start].count(b"\n") + 1
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        plan.encoding = encoding
        plan.notes.append(
            f"{plan.file_name}:{bad_line}: not UTF-8; read as {encoding}. Check accented letters, "
            "or export the file again as UTF-8."
        )
        return text
    return None  # latin-1 decodes any bytes


def _parse(target_name: str, raw: str, mapping: Mapping, redcap_field: str) -> Any:
    """A cell as the target's value; raises ValueError with the reason."""
    target = TARGETS[target_name]
    if target.kind == "date":
        if not ISO_DATE.fullmatch(raw):
            raise ValueError(f"'{raw}' is not a date written YYYY-MM-DD")
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"'{raw}' is not a date of the calendar") from None
    if target.kind == "integer":
        if not INTEGER.fullmatch(raw):
            raise ValueError(f"'{raw}' is not a whole number")
        return int(raw)
    if target.kind == "decimal":
        if not DECIMAL.fullmatch(raw):
            raise ValueError(f"'{raw}' is not a number (use . for decimals)")
        try:
            return Decimal(raw)
        except InvalidOperation:
            raise ValueError(f"'{raw}' is not a number") from None
    if target.kind == "boolean":
        if raw not in ("0", "1"):
            raise ValueError(f"'{raw}' is not 1 (yes) or 0 (no)")
        return raw == "1"
    if target.kind == "code":
        code = mapping.choices.get(redcap_field, {}).get(raw, raw)
        if code not in target.codes:
            raise ValueError(f"'{raw}' is not a code of this field in the mapping")
        return code
    if len(raw) > target.max_length:
        raise ValueError(f"longer than {target.max_length} characters")
    return raw


def _formula_like(raw: str) -> bool:
    return raw[:1] in FORMULA_STARTS and not DECIMAL.fullmatch(raw)


# --- the plan ---------------------------------------------------------------------------------


@dataclass
class _Parsed:
    row: RowPlan
    kind: str  # enrolment, label, unscheduled, any
    label: str
    values: dict[str, dict[str, Any]]  # entity → {attribute: value}
    raw_5: bool = False


def _read_rows(
    text: str, mapping: Mapping, plan: ImportPlan, progress: Progress | None
) -> list[_Parsed]:
    name = plan.file_name
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as error:
        plan.problems.append(f"{name}:1: not a readable CSV file ({error}).")
        return []
    if not header:
        plan.problems.append(f"{name}:1: empty file; expected a header line.")
        return []
    header = [h.strip() for h in header]
    id_field = mapping.record_id_field
    if id_field not in header:
        plan.problems.append(f"{name}:1: no '{id_field}' column (the record ID field).")
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        plan.problems.append(f"{name}:1: columns named twice: {', '.join(duplicates)}.")
    own = set(RECORD_COLUMNS) | {id_field}
    unknown = [
        h
        for h in header
        if h not in own and h not in mapping.fields and not h.endswith("_complete")
    ]
    if unknown:
        plan.problems.append(
            f"{name}:1: columns not in the mapping: {', '.join(unknown)}. Map them, or add "
            "'field,<name>,ignore' lines to leave them out."
        )
    if mapping.events and "redcap_event_name" not in header:
        plan.problems.append(
            f"{name}:1: no redcap_event_name column, but the mapping names events "
            "(export the records of the longitudinal project with its events)."
        )
    if plan.problems:
        return []
    index = {h: i for i, h in enumerate(header)}
    columns = [(h, mapping.fields[h]) for h in header if mapping.fields.get(h, IGNORE) != IGNORE]
    ignored_forms_only = {h for h in header if mapping.fields.get(h) == IGNORE}
    seen: dict[tuple[str, str, str, str], int] = {}
    parsed: list[_Parsed] = []
    previous_end = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            plan.problems.append(f"{name}:{reader.line_num}: not a readable CSV row ({error}).")
            return []
        line, previous_end = previous_end + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue
        where = f"{name}:{line}"

        def get(column: str, cells: list[str] = cells) -> str:
            i = index.get(column)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        record_id, event = get(id_field), get("redcap_event_name")
        instrument, instance = get("redcap_repeat_instrument"), get("redcap_repeat_instance")
        row = RowPlan(line, record_id, event, instance)
        plan.rows.append(row)
        if progress and len(plan.rows) % 10_000 == 0:
            progress(f"{name}: {len(plan.rows):,} rows read")
        reasons = row.reasons
        if len(cells) != len(header):
            reasons.append(f"{where}: {len(cells)} cells where the header has {len(header)}.")
        long = [header[i] for i, c in enumerate(cells[: len(header)]) if len(c) > MAX_CELL_CHARS]
        if long:
            reasons.append(
                f"{where}: cells longer than {MAX_CELL_CHARS:,} characters: {', '.join(long)}."
            )
        if not record_id:
            reasons.append(f"{where}: no record ID ({id_field}).")
        elif len(record_id) > 100 or _formula_like(record_id):
            reasons.append(f"{where}: '{record_id[:40]}' is not a usable record ID.")
        kind, label = "any", ""
        if mapping.events:
            target = mapping.events.get(event)
            if not event:
                reasons.append(f"{where}: no redcap_event_name.")
            elif target is None:
                reasons.append(f"{where}: event '{event}' is not in the mapping.")
            elif target == ENROLMENT:
                kind = ENROLMENT
            elif target == UNSCHEDULED:
                kind = UNSCHEDULED
            else:
                kind, label = "label", target
        key = (record_id, event, instrument, instance)
        if key in seen:
            reasons.append(
                f"{where}: the same record, event and instance as line {seen[key]} "
                f"({record_id} {event} {instrument} {instance}".rstrip()
                + ")."
            )
        else:
            seen[key] = line
        values: dict[str, dict[str, Any]] = {}
        for column, target_name in columns:
            raw = get(column)
            if not raw:
                continue
            if _formula_like(raw):
                reasons.append(
                    f"{where}: {column}: '{raw[:40]}' starts like a spreadsheet formula; refused."
                )
                continue
            try:
                value = _parse(target_name, raw, mapping, column)
            except ValueError as error:
                reasons.append(f"{where}: {column}: {error}.")
                continue
            target = TARGETS[target_name]
            values.setdefault(target.entity, {})[target.attribute] = value
        if instrument and not values and not reasons:
            filled = [h for h in ignored_forms_only if get(h)]
            row.action = "skipped"
            row.changes.append(
                f"repeating instrument {instrument}: not imported"
                + (" (its fields are ignored by the mapping)" if filled else "")
            )
            continue
        if "patient" in values and kind not in (ENROLMENT, "any"):
            reasons.append(f"{where}: baseline facts belong to the enrolment event.")
        if kind == ENROLMENT and set(values) - {"patient"}:
            reasons.append(f"{where}: the enrolment event holds baseline facts only.")
        for entity, date_target in DATE_TARGETS.items():
            if entity in values and TARGETS[date_target].attribute not in values[entity]:
                column = next(
                    (c for c, t in mapping.fields.items() if t == date_target), date_target
                )
                reasons.append(f"{where}: {ENTITY_LABELS[entity]} without its date ({column}).")
        alsfrs = values.get("alsfrs_r", {})
        parsed.append(_Parsed(row, kind, label, values, raw_5=("q5a" in alsfrs or "q5b" in alsfrs)))
        row.enrolment = kind == ENROLMENT
    return parsed


def _chunks(items: list, size: int = 2000) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _model_errors(instance: Any, exclude: list[str]) -> list[str]:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        messages = []
        for name, errors in error.message_dict.items():
            prefix = "" if name == "__all__" else f"{name}: "
            messages += [f"{prefix}{message}" for message in errors]
        return messages
    return []


class _Existing:
    """What the site already holds for the file's records, read in bulk."""

    def __init__(self, site: Site, source: str, record_ids: list[str]) -> None:
        self.patient_of: dict[str, int] = {}
        for chunk in _chunks(record_ids):
            self.patient_of.update(
                ExternalRecord.objects.filter(
                    site=site, source=source, record_id__in=chunk
                ).values_list("record_id", "patient_id")
            )
        ids = list(set(self.patient_of.values()))
        self.patients: dict[int, Patient] = {}
        self.visits_by_label: dict[tuple[int, str], dict] = {}
        self.visits_by_day: dict[tuple[int, date], dict] = {}
        self.assessments: dict[str, dict[tuple[int, date], dict]] = {e: {} for e in ASSESSMENTS}
        for chunk in _chunks(ids):
            self.patients.update(Patient.objects.in_bulk(chunk))
            visits = Visit.objects.filter(patient_id__in=chunk).order_by(
                "course__number", "due_date", "id"
            )
            for v in visits.values("id", "patient_id", "label", "visit_date", "signed_at"):
                self.visits_by_label.setdefault((v["patient_id"], v["label"]), v)
                if v["visit_date"]:
                    self.visits_by_day.setdefault((v["patient_id"], v["visit_date"]), v)
            for entity, model in ASSESSMENTS.items():
                day = "assessed_on" if entity == "alsfrs_r" else "measured_on"
                for values in model.objects.filter(patient_id__in=chunk).order_by("id").values():
                    key = (values["patient_id"], values[day])
                    self.assessments[entity].setdefault(key, values)
        # Patients whose ExternalRecord points outside the site (moved) are treated as unknown.
        for record_id, pk in list(self.patient_of.items()):
            if pk not in self.patients or self.patients[pk].site_id != site.pk:
                del self.patient_of[record_id]


def plan_import(
    data: bytes | str | Path,
    mapping: Mapping,
    *,
    site: Site,
    actor: Actor,
    file_name: str | None = None,
    progress: Progress | None = None,
) -> ImportPlan:
    """The dry run: what importing `data` (records.csv bytes or a path) through `mapping` into
    `site` would do. Writes nothing."""
    if isinstance(data, (str, Path)):
        file_name = file_name or Path(data).name
        data = Path(data).read_bytes()
    file_name = file_name or "records.csv"
    plan = ImportPlan(
        file_name=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        site_id=site.pk,
        site_name=site.name,
        source=mapping.source,
    )
    may_import = True
    may_add = True
    if isinstance(actor, User):
        may_import = site.pk in site_ids_for(actor, IMPORT_ROLES)
        may_add = site.pk in site_ids_for(actor, [Role.COORDINATOR])
    if not may_import:
        plan.problems.append(f"You may not import into {site.name}.")
        return plan
    text = _decode(data, plan)
    if text is None:
        return plan
    parsed = _read_rows(text, mapping, plan, progress)
    if plan.problems:
        return plan
    record_ids = sorted({p.row.record_id for p in parsed if p.row.record_id})
    existing = _Existing(site, mapping.source, record_ids)
    if progress:
        progress(f"{file_name}: {len(plan.rows):,} rows read; checking them")

    # Baseline facts first: later rows are checked against the onset they set.
    facts: dict[str, dict[str, Any]] = {}
    for p in parsed:
        if "patient" in p.values and not p.row.reasons:
            facts.setdefault(p.row.record_id, {}).update(p.values["patient"])
    onset: dict[str, date | None] = {}
    created: set[str] = set()
    taken: dict[tuple[str, str, date], int] = {}  # (record, entity, day) → line
    for p in parsed:
        row, record_id = p.row, p.row.record_id
        where = f"{file_name}:{row.line}"
        if row.reasons:
            row.action = "refused"
            continue
        patient_pk = existing.patient_of.get(record_id)
        patient = existing.patients.get(patient_pk) if patient_pk else None
        if patient is None and record_id not in created:
            if not may_add:
                row.reasons.append(
                    f"{where}: record {record_id} is new, and only coordinators of "
                    f"{site.name} may add patients."
                )
                row.action = "refused"
                continue
            created.add(record_id)
            plan.new_records.append(record_id)
            row.ops.append(Op("patient", record_id, None, {}))
            row.changes.append(f"new patient for record {record_id}")
        current = _patient_facts(patient)
        if record_id not in onset:
            onset[record_id] = {**current, **facts.get(record_id, {})}["onset_date"]
        if "patient" in p.values:
            candidate = Patient(site=site, **{**current, **facts[record_id]})
            errors = _model_errors(candidate, ["site", "study_id", "user"])
            changed = {k: v for k, v in p.values["patient"].items() if current.get(k) != v}
            if errors:
                row.reasons += [f"{where}: {e}" for e in errors]
            elif changed:
                row.ops.append(Op("patient", record_id, patient_pk, changed))
                row.changes.append(f"baseline facts: {', '.join(sorted(changed))}")
        patient_onset = onset[record_id]
        visit_day = p.values.get("visit", {}).get("visit_date")
        if visit_day is not None:
            _plan_visit(p, plan, existing, patient_pk, visit_day, patient_onset)
        for entity in ASSESSMENTS:
            if entity in p.values:
                _plan_assessment(p, entity, existing, patient_pk, patient_onset, taken, where)
        if row.reasons:
            row.action = "refused"
            row.ops.clear()
        elif any(op.pk is None for op in row.ops):
            row.action = "add"
        elif any(op.values for op in row.ops):
            row.action = "update"
    return plan


_TEXT_FACTS = frozenset({"other_genetics", "death_cause"})  # empty, not None, when not given


def _patient_facts(patient: Patient | None) -> dict[str, Any]:
    """The patient's editable facts as stored (a new patient's: all blank)."""
    if patient is None:
        return {name: "" if name in _TEXT_FACTS else None for name in services.EDITABLE_FIELDS}
    return {name: getattr(patient, name) for name in services.EDITABLE_FIELDS}


def _plan_visit(
    p: _Parsed,
    plan: ImportPlan,
    existing: _Existing,
    patient_pk: int | None,
    day: date,
    onset: date | None,
) -> None:
    row = p.row
    where = f"{plan.file_name}:{row.line}"
    label = p.label or "Unscheduled"
    errors = _model_errors(
        Visit(label=label, due_date=day, visit_date=day), ["patient", "course", "signed_by"]
    )
    if onset and day < onset:
        errors.append("visit_date: A visit cannot be before symptom onset.")
    if errors:
        row.reasons += [f"{where}: {e}" for e in errors]
        return
    if p.kind == "label":
        current = existing.visits_by_label.get((patient_pk, label)) if patient_pk else None
    else:
        current = existing.visits_by_day.get((patient_pk, day)) if patient_pk else None
    if current is None:
        row.ops.append(Op("visit", row.record_id, None, {"visit_date": day}, label=label, day=day))
        row.changes.append(f"visit {label} on {day}: added")
    elif current["visit_date"] != day:
        if current["signed_at"]:
            row.reasons.append(
                f"{where}: the {label} visit is signed off on {current['visit_date']}; "
                "change its date in Cellpath."
            )
            return
        row.ops.append(Op("visit", row.record_id, current["id"], {"visit_date": day}, label, day))
        row.changes.append(f"visit {label}: seen on {day}")
    else:
        row.ops.append(Op("visit", row.record_id, current["id"], {}, label, day))  # to link to


def _plan_assessment(
    p: _Parsed,
    entity: str,
    existing: _Existing,
    patient_pk: int | None,
    onset: date | None,
    taken: dict[tuple[str, str, date], int],
    where: str,
) -> None:
    row, values = p.row, dict(p.values[entity])
    model = ASSESSMENTS[entity]
    day_name = "assessed_on" if entity == "alsfrs_r" else "measured_on"
    day = values[day_name]
    label = ENTITY_LABELS[entity]
    first = taken.setdefault((row.record_id, entity, day), row.line)
    if first != row.line:
        row.reasons.append(f"{where}: a second {label} of {day} for this record (line {first}).")
        return
    current = existing.assessments[entity].get((patient_pk, day)) if patient_pk else None
    if entity == "alsfrs_r" and p.raw_5:
        values.setdefault("q5a", None)
        values.setdefault("q5b", None)
    if entity == "alsfrs_r" and current is None:
        values.setdefault("respondent", Respondent.CLINIC)
    fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    merged = {k: current[k] for k in fields if current and k in current}
    merged.update(values)
    candidate = model(**{k: v for k, v in merged.items() if k not in ("patient_id", "visit_id")})
    errors = _model_errors(candidate, ["patient", "visit", "entered_by"])
    if onset and day < onset:
        errors.append(f"{day_name}: This date is before symptom onset.")
    if errors:
        row.reasons += [f"{where}: {label}: {e}" for e in errors]
        return
    if current is None:
        row.ops.append(Op(entity, row.record_id, None, values, day=day))
        row.changes.append(f"{label} of {day}: added")
        return
    changed = {k: v for k, v in values.items() if current.get(k) != v}
    if changed:
        row.ops.append(Op(entity, row.record_id, current["id"], changed, day=day))
        row.changes.append(f"{label} of {day}: {', '.join(sorted(changed))} changed")


# --- applying ---------------------------------------------------------------------------------


def apply_import(
    plan: ImportPlan, *, actor: Actor, progress: Progress | None = None
) -> dict[str, int]:
    """Write `plan` in one transaction (nothing if it has a problem or a refused row); returns
    its counts. Raises ImportRefusedError when it cannot be applied."""
    if not plan.applicable:
        raise ImportRefusedError(
            "This import has refused rows or problems; correct the file and check it again."
        )
    site = Site.objects.get(pk=plan.site_id)
    if isinstance(actor, User) and site.pk not in site_ids_for(actor, IMPORT_ROLES):
        raise PermissionDenied(f"You may not import into {site.name}.")
    rows = sorted((r for r in plan.rows if r.ops), key=lambda r: (not r.enrolment, r.line))
    counts = plan.counts
    try:
        with transaction.atomic():
            _Writer(plan, site, actor, progress).write(rows)
            record(
                actor,
                AuditEvent.Action.IMPORT,
                object_type="exchange.externalrecord",
                site_id=site.pk,
                detail={
                    "format": "redcap",
                    "file": plan.file_name,
                    "sha256": plan.sha256,
                    "source": plan.source,
                    "rows": len(plan.rows),
                    "new_patients": len(plan.new_records),
                    **counts,
                },
            )
    except ValidationError as error:
        raise ImportRefusedError(
            "Nothing was imported: a row was refused while writing (the records changed since "
            f"the check?): {'; '.join(error.messages)}"
        ) from error
    return counts


class _Writer:
    """Writes a plan in bulk: new patients, visits and assessments with `audited_bulk_import`
    (validated by the plan; one import event per table naming the new rows), changes to rows
    that exist one by one with `audited_save` (old and new values in the log)."""

    def __init__(
        self, plan: ImportPlan, site: Site, actor: Actor, progress: Progress | None
    ) -> None:
        self.plan, self.site, self.actor, self.progress = plan, site, actor, progress
        self.source = f"REDCap import {plan.file_name} ({plan.sha256[:12]})"
        self.patients: dict[str, Patient] = {}

    def _note(self, text: str) -> None:
        if self.progress:
            self.progress(text)

    def write(self, rows: list[RowPlan]) -> None:
        self._write_patients(rows)
        visits = self._write_visits(rows)
        self._write_assessments(rows, visits)
        self._recheck()

    def _recheck(self) -> None:
        """The data-quality rules over every patient the file touched, as on any save: what
        the import brings in that is unusual becomes a query for a coordinator."""
        opened = 0
        for patient in self.patients.values():
            opened += queries_refresh(actor=self.actor, patient=patient).opened
        self._note(f"{opened:,} data quer{'y' if opened == 1 else 'ies'} opened")

    def _write_patients(self, rows: list[RowPlan]) -> None:
        new = dict.fromkeys(self.plan.new_records)
        facts: dict[str, dict[str, Any]] = {record_id: {} for record_id in new}
        changes: dict[str, dict[str, Any]] = {}
        for row in rows:
            for op in row.ops:
                if op.entity == "patient":
                    target = facts if op.record_id in new else changes
                    target.setdefault(op.record_id, {}).update(op.values)
        links = ExternalRecord.objects.filter(site=self.site, source=self.plan.source)
        for chunk in _chunks(sorted({row.record_id for row in rows} - set(new))):
            for link in links.filter(record_id__in=chunk).select_related("patient"):
                self.patients[link.record_id] = link.patient
        if new:
            created = services.patient_create_many(
                actor=self.actor,
                site=self.site,
                records=[(f"REDCap record {rid}"[:200], facts[rid]) for rid in new],
                source=self.source,
            )
            self.patients.update(zip(new, created, strict=True))
            ExternalRecord.objects.bulk_create(
                ExternalRecord(site=self.site, source=self.plan.source, record_id=rid, patient=p)
                for rid, p in zip(new, created, strict=True)
            )
            self._note(f"{len(created):,} new patients")
        for record_id, values in changes.items():
            services.patient_update(actor=self.actor, patient=self.patients[record_id], **values)

    def _write_visits(self, rows: list[RowPlan]) -> dict[int, int]:
        """Each row's visit (new, changed or only linked to): {row line: visit id}."""
        by_line: dict[int, int] = {}
        new: list[tuple[int, Visit]] = []
        changed: dict[int, date] = {}
        for row in rows:
            for op in row.ops:
                if op.entity != "visit":
                    continue
                if op.pk is None:
                    visit = Visit(
                        patient=self.patients[op.record_id],
                        label=op.label,
                        due_date=op.day,
                        window_days=0,
                        visit_date=op.day,
                    )
                    new.append((row.line, visit))
                else:
                    by_line[row.line] = op.pk
                    if op.values:
                        changed[op.pk] = op.values["visit_date"]
        for pk, day in changed.items():
            visit = Visit.objects.select_related("patient").get(pk=pk)
            visit.visit_date = day
            audited_save(visit, actor=self.actor)
        if new:
            visits = [visit for _, visit in new]
            audited_bulk_import(Visit, visits, actor=self.actor, source=self.source, name_rows=True)
            by_line.update((line, visit.pk) for line, visit in new)
            self._note(f"{len(visits):,} visits")
        return by_line

    def _write_assessments(self, rows: list[RowPlan], visits: dict[int, int]) -> None:
        entered_by = self.actor if isinstance(self.actor, User) else None
        new: dict[str, list[Any]] = {entity: [] for entity in ASSESSMENTS}
        for row in rows:
            for op in row.ops:
                if op.entity not in ASSESSMENTS:
                    continue
                model = ASSESSMENTS[op.entity]
                patient = self.patients[op.record_id]
                if op.pk is not None:
                    instance = model.objects.select_related("patient").get(
                        pk=op.pk, patient=patient
                    )
                    for name, value in op.values.items():
                        setattr(instance, name, value)
                    audited_save(instance, actor=self.actor)
                    continue
                values = dict(op.values)
                if op.entity == "alsfrs_r":
                    values.setdefault("respondent", Respondent.CLINIC)
                new[op.entity].append(
                    model(
                        patient=patient,
                        visit_id=visits.get(row.line),
                        entered_by=entered_by,
                        **values,
                    )
                )
        for entity, instances in new.items():
            if instances:
                audited_bulk_import(
                    ASSESSMENTS[entity],
                    instances,
                    actor=self.actor,
                    source=self.source,
                    name_rows=True,
                )
                self._note(f"{len(instances):,} {ENTITY_LABELS[entity]}")
