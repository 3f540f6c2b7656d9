"""The mapping file: how a REDCap project's records become Cellpath records.

A CSV file with the header `kind,redcap,cellpath` and one row per rule:

- `setting,record_id_field,<field>`: the REDCap field holding the record ID (default
  `record_id`).
- `setting,source,<name>`: the name under which record IDs are remembered (`ExternalRecord`),
  e.g. `redcap:als-registry`; importing the same record ID again from the same source into the
  same site updates the same patient (default `redcap`).
- `event,<unique event name>,<target>`: `enrolment` (baseline facts, the `patient.*` fields),
  `unscheduled` (visits matched by their date), or a visit label such as `Baseline` or
  `6 months` (visits matched by their label).
- `field,<REDCap field>,<target>`: where a field goes, one of `TARGETS` (`patient.onset_date`,
  `alsfrs_r.q1`, `spirometry.fvc_litres`, `visit.visit_date`, `weight.kg`…), or `ignore` for a
  field that is known and deliberately not imported (a calculated total, free text).
- `choice,<field>=<REDCap code>,<Cellpath code>`: for choice fields whose codes differ from
  Cellpath's (sex `1` → `M`).

Blank lines and lines whose kind starts with `#` are comments. Every problem of the mapping
itself (unknown kind or target, a field or target or event mapped twice, a choice for a field
not mapped, a bad variable name) is reported as `FILE:LINE: problem`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from cellpath.care.models.assessments import Respondent
from cellpath.exchange.redcap.project import (
    ENROLMENT_EVENT,
    FIELDS,
    UNSCHEDULED_EVENT,
    Event,
)
from cellpath.outcomes.vocabulary import (
    ALSFRS_R_KEYS,
    EL_ESCORIAL,
    FVC_EQUATIONS,
    ONSET_SITES,
    SEXES,
)

HEADER = ("kind", "redcap", "cellpath")
KINDS = ("setting", "event", "field", "choice")
SETTINGS = {"record_id_field": "record_id", "source": "redcap"}
IGNORE = "ignore"
ENROLMENT = "enrolment"
UNSCHEDULED = "unscheduled"
NAME = re.compile(r"[a-z][a-z0-9_]*")
MAX_MAPPING_BYTES = 1_000_000


@dataclass(frozen=True)
class Target:
    entity: str  # patient, visit, alsfrs_r, spirometry, weight
    attribute: str  # the model field
    kind: str  # date, integer, decimal, boolean, code, text
    codes: tuple[str, ...] = ()
    max_length: int = 0


def _terms(terms: tuple) -> tuple[str, ...]:
    return tuple(t.value for t in terms)


TARGETS: dict[str, Target] = {
    "patient.sex": Target("patient", "sex", "code", _terms(SEXES)),
    "patient.date_of_birth": Target("patient", "date_of_birth", "date"),
    "patient.onset_date": Target("patient", "onset_date", "date"),
    "patient.onset_site": Target("patient", "onset_site", "code", _terms(ONSET_SITES)),
    "patient.diagnosis_date": Target("patient", "diagnosis_date", "date"),
    "patient.el_escorial": Target("patient", "el_escorial", "code", _terms(EL_ESCORIAL)),
    "patient.ftd": Target("patient", "ftd", "boolean"),
    "patient.c9orf72": Target("patient", "c9orf72", "boolean"),
    "patient.sod1": Target("patient", "sod1", "boolean"),
    "patient.other_genetics": Target("patient", "other_genetics", "text", max_length=200),
    "patient.height_cm": Target("patient", "height_cm", "decimal"),
    "patient.gastrostomy_date": Target("patient", "gastrostomy_date", "date"),
    "patient.niv_date": Target("patient", "niv_date", "date"),
    "patient.niv_full_time_date": Target("patient", "niv_full_time_date", "date"),
    "patient.tracheostomy_date": Target("patient", "tracheostomy_date", "date"),
    "patient.death_date": Target("patient", "death_date", "date"),
    "patient.death_cause": Target("patient", "death_cause", "text", max_length=200),
    "visit.visit_date": Target("visit", "visit_date", "date"),
    "alsfrs_r.assessed_on": Target("alsfrs_r", "assessed_on", "date"),
    "alsfrs_r.respondent": Target("alsfrs_r", "respondent", "code", tuple(Respondent.values)),
    **{f"alsfrs_r.{key}": Target("alsfrs_r", key, "integer") for key in ALSFRS_R_KEYS},
    "spirometry.measured_on": Target("spirometry", "measured_on", "date"),
    "spirometry.fvc_litres": Target("spirometry", "fvc_litres", "decimal"),
    "spirometry.fvc_percent_entered": Target("spirometry", "fvc_percent_entered", "decimal"),
    "spirometry.svc_litres": Target("spirometry", "svc_litres", "decimal"),
    "spirometry.equation": Target("spirometry", "equation", "code", _terms(FVC_EQUATIONS)),
    "weight.measured_on": Target("weight", "measured_on", "date"),
    "weight.kg": Target("weight", "kg", "decimal"),
}
DATE_TARGETS = {
    "visit": "visit.visit_date",
    "alsfrs_r": "alsfrs_r.assessed_on",
    "spirometry": "spirometry.measured_on",
    "weight": "weight.measured_on",
}
"""The day each entity is recorded on: a row filling an entity's fields must give it."""


@dataclass
class Mapping:
    name: str = "mapping.csv"
    settings: dict[str, str] = field(default_factory=lambda: dict(SETTINGS))
    events: dict[str, str] = field(default_factory=dict)  # unique event name → target
    fields: dict[str, str] = field(default_factory=dict)  # REDCap field → target or ignore
    choices: dict[str, dict[str, str]] = field(default_factory=dict)  # field → {code: code}

    @property
    def record_id_field(self) -> str:
        return self.settings["record_id_field"]

    @property
    def source(self) -> str:
        return self.settings["source"]


class MappingError(ValueError):
    """The mapping file is unusable; `problems` are `FILE:LINE: problem` lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:10]))
        self.problems = problems


def read_mapping(data: bytes | str, name: str = "mapping.csv") -> Mapping:
    """Parse and check a mapping file; raises MappingError listing every problem."""
    if isinstance(data, bytes):
        if len(data) > MAX_MAPPING_BYTES:
            raise MappingError([f"{name}: larger than {MAX_MAPPING_BYTES // 1000} kB."])
        if b"\x00" in data:
            raise MappingError([f"{name}: contains NUL bytes; not a CSV text file."])
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise MappingError([f"{name}: not UTF-8 text."]) from None
    mapping = Mapping(name=name)
    problems: list[str] = []
    seen_fields: dict[str, int] = {}
    seen_targets: dict[str, int] = {}
    seen_events: dict[str, int] = {}
    seen_settings: dict[str, int] = {}
    seen_choices: dict[tuple[str, str], int] = {}
    pending_choices: list[tuple[int, str, str, str]] = []
    reader = csv.reader(io.StringIO(data, newline=""))
    try:
        header = next(reader, None)
        if header is None or tuple(h.strip().lower() for h in header) != HEADER:
            raise MappingError([f"{name}:1: the header must be kind,redcap,cellpath."])
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row) or row[0].strip().startswith("#"):
                continue
            if len(row) != 3:
                problems.append(f"{name}:{line}: expected 3 columns, found {len(row)}.")
                continue
            kind, redcap, target = (cell.strip() for cell in row)
            kind = kind.lower()
            where = f"{name}:{line}"
            if kind not in KINDS:
                problems.append(f"{where}: unknown kind '{kind}' (use {', '.join(KINDS)}).")
            elif kind == "setting":
                if redcap not in SETTINGS:
                    problems.append(f"{where}: unknown setting '{redcap}'.")
                elif redcap in seen_settings:
                    problems.append(
                        f"{where}: '{redcap}' set twice (first at line {seen_settings[redcap]})."
                    )
                elif not target:
                    problems.append(f"{where}: '{redcap}' needs a value.")
                else:
                    seen_settings[redcap] = line
                    mapping.settings[redcap] = target[:100]
            elif kind == "event":
                if not NAME.fullmatch(redcap):
                    problems.append(f"{where}: '{redcap}' is not a REDCap unique event name.")
                elif redcap in seen_events:
                    problems.append(
                        f"{where}: event '{redcap}' mapped twice (first at line "
                        f"{seen_events[redcap]})."
                    )
                elif not target or len(target) > 40:
                    problems.append(
                        f"{where}: event '{redcap}' needs a visit label (at most "
                        "40 characters), enrolment or unscheduled."
                    )
                else:
                    seen_events[redcap] = line
                    mapping.events[redcap] = target
            elif kind == "field":
                if not NAME.fullmatch(redcap):
                    problems.append(f"{where}: '{redcap}' is not a REDCap variable name.")
                elif redcap in seen_fields:
                    problems.append(
                        f"{where}: field '{redcap}' mapped twice (first at line "
                        f"{seen_fields[redcap]})."
                    )
                elif target != IGNORE and target not in TARGETS:
                    problems.append(f"{where}: unknown Cellpath target '{target}'.")
                elif target != IGNORE and target in seen_targets:
                    problems.append(
                        f"{where}: '{target}' already has a field (line {seen_targets[target]})."
                    )
                else:
                    seen_fields[redcap] = line
                    if target != IGNORE:
                        seen_targets[target] = line
                    mapping.fields[redcap] = target
            else:
                redcap_field, sep, code = redcap.partition("=")
                if not sep or not redcap_field or not code:
                    problems.append(f"{where}: a choice is written field=code.")
                elif (redcap_field, code) in seen_choices:
                    problems.append(
                        f"{where}: choice '{redcap}' mapped twice (first at line "
                        f"{seen_choices[(redcap_field, code)]})."
                    )
                else:
                    seen_choices[(redcap_field, code)] = line
                    pending_choices.append((line, redcap_field, code, target))
    except csv.Error as error:
        problems.append(f"{name}:{reader.line_num}: not a readable CSV file ({error}).")
    for line, redcap_field, code, target in pending_choices:
        mapped = mapping.fields.get(redcap_field)
        where = f"{name}:{line}"
        if mapped is None:
            problems.append(f"{where}: choice for '{redcap_field}', which is not mapped.")
        elif mapped == IGNORE:
            continue
        elif TARGETS[mapped].kind != "code":
            problems.append(f"{where}: '{redcap_field}' ({mapped}) is not a choice field.")
        elif target not in TARGETS[mapped].codes:
            problems.append(
                f"{where}: '{target}' is not a Cellpath code of {mapped} "
                f"({', '.join(TARGETS[mapped].codes)})."
            )
        else:
            mapping.choices.setdefault(redcap_field, {})[code] = target
    if mapping.record_id_field in mapping.fields:
        problems.append(
            f"{name}: '{mapping.record_id_field}' is the record ID field; it cannot also be mapped."
        )
    mapped_targets = set(mapping.fields.values())
    for entity, date_target in DATE_TARGETS.items():
        uses = any(t.startswith(f"{entity}.") for t in mapped_targets)
        if uses and date_target not in mapped_targets:
            problems.append(f"{name}: {entity} fields are mapped but not its date ({date_target}).")
    if problems:
        raise MappingError(problems)
    return mapping


def mapping_rows(events: list[Event]) -> list[tuple[str, str, str]]:
    """The mapping file of Cellpath's own REDCap export (`project`)."""
    rows: list[tuple[str, str, str]] = [HEADER]
    rows.append(("setting", "record_id_field", "record_id"))
    rows.append(("setting", "source", "redcap:cellpath"))
    for event in events:
        if event.unique_name == ENROLMENT_EVENT:
            target = ENROLMENT
        elif event.unique_name == UNSCHEDULED_EVENT:
            target = UNSCHEDULED
        else:
            target = event.label
        rows.append(("event", event.unique_name, target))
    for f in FIELDS:
        if f.target != "record":
            rows.append(("field", f.name, f.target))
    for f in FIELDS:
        if f.target != IGNORE and f.codes:
            rows += [("choice", f"{f.name}={redcap}", cellpath) for redcap, cellpath in f.codes]
    return rows
