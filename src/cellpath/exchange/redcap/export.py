"""The cohort as a REDCap project: a ZIP that a REDCap administrator can set a longitudinal
project up from, and whose records.csv REDCap's Data Import Tool reads, plus the mapping file
that `cellpath redcap import` reads to bring the same records back (round trip).

Files:

- `data_dictionary.csv`: the 18 columns of REDCap's data dictionary, in REDCap's order.
- `arms.csv` (`arm_num,name`), `events.csv` (`event_name,arm_num,unique_event_name,
  custom_event_label,day_offset,offset_min,offset_max`), `instrument_designations.csv`
  (`arm_num,unique_event_name,form`) and `repeating_instruments.csv` (`event_name,form_name,
  custom_form_label`; a blank form_name makes the event itself repeating): the layouts of
  REDCap's API export/import of arms, events, instrument-event mappings and repeating
  instruments, as described by the redcapAPI/REDCapR documentation (UNVERIFIED against a REDCap
  server; the scheduling columns day_offset, offset_min, offset_max may be refused where the
  scheduling module is off).
- `records.csv`: the flat record CSV, one row per record per event or repeat instance, every
  column always present (REDCap's own columns, each form's fields, `<form>_complete` = 2 for a
  form with data, since it was entered and checked in Cellpath).
- `mapping.csv`: `kind,redcap,cellpath` rows describing exactly this project (see
  `cellpath.exchange.redcap.mapping`).

Names and contact details are never exported: records are keyed by the study ID. The date of
birth is (it is marked as an identifier in the dictionary) because FVC % predicted needs age.
Written record by record into the ZIP: memory does not grow with the cohort.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from itertools import groupby
from typing import IO, Any

from django.utils import timezone

from cellpath.care.models import PlanTimepoint, Visit
from cellpath.care.safety import CRITERIA
from cellpath.exchange.cohort_csv import Progress, cell, member
from cellpath.exchange.queries import ExportScope
from cellpath.exchange.redcap.mapping import mapping_rows
from cellpath.exchange.redcap.project import (
    AE_CRITERIA_SHORT,
    ARM,
    BY_NAME,
    DICTIONARY_HEADER,
    ENROLMENT_EVENT,
    ENROLMENT_FORMS,
    FIELDS,
    FORMS,
    REPEATING_INSTRUMENTS,
    UNSCHEDULED_EVENT,
    VISIT_FORMS,
    Event,
    Field,
    project_events,
    record_header,
    unique_event_name,
)
from cellpath.exchange.tables import BY_NAME as TABLES
from cellpath.outcomes.vocabulary import ALSFRS_R_KEYS

__all__ = ["write_redcap_zip"]

README = """\
Cellpath cohort as a REDCap project ({stamp})

Set up a longitudinal REDCap project from these files, in this order: data_dictionary.csv
(Project Setup > Data Dictionary), arms.csv, events.csv, instrument_designations.csv,
repeating_instruments.csv (or by hand from them), then records.csv with the Data Import Tool.
Records are keyed by the study ID; no names or contact details are exported.
redcap_data_access_group is left blank (set it if your project uses data access groups).

mapping.csv tells `cellpath redcap import` how to read records.csv back into Cellpath.

Patients: {patients}
This file holds health data. Keep it where your data-protection rules say it may be kept.
"""


def _code(field: Field, value: Any) -> str:
    """A Cellpath value as REDCap's code for `field`."""
    if value is None or value == "":
        return ""
    if field.type == "yesno":
        return "1" if value else "0"
    if field.codes:
        back = {cellpath: redcap for redcap, cellpath in field.codes}
        return back.get(str(value), "")
    return cell(value)


def _values(form: str, row: dict[str, Any], sources: dict[str, str]) -> dict[str, str]:
    return {name: _code(BY_NAME[name], row.get(source)) for name, source in sources.items()}


ENROLMENT_SOURCES = {f.name: f.name for f in FORMS["enrolment"] if f.name != "record_id"}
ALSFRS_SOURCES = {
    "alsfrs_date": "assessed_on",
    "alsfrs_respondent": "respondent",
    **{f"alsfrs_{k}": k for k in ALSFRS_R_KEYS},
    "alsfrs_total": "alsfrs_r_total",
}
SPIRO_SOURCES = {
    "spiro_date": "measured_on",
    "fvc_litres": "fvc_litres",
    "fvc_percent": "fvc_percent_entered",
    "svc_litres": "svc_litres",
    "fvc_equation": "equation",
}
WEIGHT_SOURCES = {"weight_date": "measured_on", "weight_kg": "weight_kg"}
AE_SOURCES = {
    "ae_description": "description",
    "ae_onset": "onset_date",
    "ae_resolved": "resolved_date",
    "ae_grade": "grade",
    "ae_serious": "serious",
    "ae_rel_procedure": "related_to_procedure",
    "ae_rel_cells": "related_to_cells",
    "ae_outcome": "outcome",
    "ae_action": "action_taken",
    **{f"ae_sc_{short}": name for short, name in zip(AE_CRITERIA_SHORT, CRITERIA, strict=True)},
    "ae_expectedness": "expectedness",
    "ae_aware": "aware_date",
    "ae_reported_regulator": "reported_to_regulator_on",
    "ae_reported_ethics": "reported_to_ethics_on",
    "ae_course": "course_number",
}
DOSE_SOURCES = {
    "dose_date": "given_on",
    "dose_course": "course_number",
    "dose_lot": "lot_number",
    "dose_cells": "dose_cells",
    "dose_route": "route",
    "dose_body_site": "body_site",
    "dose_given_by": "given_by",
}


def _extra_timepoints(scope: ExportScope) -> list[tuple[str, int, int]]:
    """Time points of the cohort's visits that the standard plan does not have."""
    labels = set(
        Visit.objects.filter(patient_id__in=scope.patients).values_list("label", flat=True)
    )
    offsets = {
        label: (offset, window)
        for label, offset, window in PlanTimepoint.objects.filter(label__in=labels)
        .order_by("-day_offset")
        .values_list("label", "day_offset", "window_days")
    }
    return [(label, *offsets.get(label, (0, 0))) for label in sorted(labels)]


class _Stream:
    """Rows of one table for one patient at a time: all streams are read in the same study-ID
    order, so each patient's rows are the next group whose key is that patient's."""

    def __init__(self, rows: Iterator[dict[str, Any]]) -> None:
        self.groups = groupby(rows, key=lambda r: r["study_id"])
        self.pending = next(self.groups, None)

    def take(self, study_id: str) -> list[dict[str, Any]]:
        if self.pending is None or self.pending[0] != study_id:
            return []
        rows = list(self.pending[1])
        self.pending = next(self.groups, None)
        return rows


def _record_rows(
    patient: dict[str, Any], streams: dict[str, _Stream], events: dict[str, Event]
) -> Iterator[tuple[str, str, str, dict[str, str]]]:
    """(event, repeat instrument, instance, {field: value}) of one patient, in REDCap's order."""
    study_id = patient["study_id"]
    visits = streams["visits"].take(study_id)
    alsfrs = streams["alsfrs_r"].take(study_id)
    spiro = streams["spirometry"].take(study_id)
    weights = streams["weights"].take(study_id)
    aes = streams["adverse_events"].take(study_id)
    doses = streams["doses"].take(study_id)

    yield ENROLMENT_EVENT, "", "", _values("enrolment", patient, ENROLMENT_SOURCES)
    for n, row in enumerate(aes, start=1):
        yield ENROLMENT_EVENT, "adverse_events", str(n), _values("adverse_events", row, AE_SOURCES)
    for n, row in enumerate(doses, start=1):
        yield ENROLMENT_EVENT, "doses", str(n), _values("doses", row, DOSE_SOURCES)

    # Visits of the first course (or of none) take their plan event; the rest are unscheduled.
    courses = [v["course_number"] for v in visits if v["course_number"] is not None]
    first = min(courses, default=None)
    slots: dict[tuple[str, int], dict[str, str]] = {}
    unscheduled = 0
    by_visit: dict[int, tuple[str, int]] = {}

    def new_unscheduled() -> tuple[str, int]:
        nonlocal unscheduled
        unscheduled += 1
        slots[(UNSCHEDULED_EVENT, unscheduled)] = {}
        return UNSCHEDULED_EVENT, unscheduled

    for visit in visits:
        if visit["visit_date"] is None:  # not seen (yet): nothing to export
            continue
        event = unique_event_name(visit["label"])
        own = visit["course_number"] in (None, first)
        key = (event, 0) if own and event in events and (event, 0) not in slots else None
        if key is None:
            key = new_unscheduled()
        slots.setdefault(key, {}).update(
            visit_date=cell(visit["visit_date"]),
            visit_label=cell(visit["label"]),
            visit_course=cell(visit["course_number"]),
        )
        by_visit[visit["visit_id"]] = key

    def place(rows: list[dict[str, Any]], form: str, sources: dict[str, str]) -> None:
        date_field = next(iter(sources))
        for row in rows:
            key = by_visit.get(row["visit_id"])
            if key is None or date_field in slots[key]:
                key = new_unscheduled()
            slots[key].update(_values(form, row, sources))
            if form == "alsfrs_r":
                answered_5b = row.get("q5b") is not None
                slots[key]["alsfrs_gastrostomy"] = "1" if answered_5b else "0"

    place(alsfrs, "alsfrs_r", ALSFRS_SOURCES)
    place(spiro, "spirometry", SPIRO_SOURCES)
    place(weights, "weight", WEIGHT_SOURCES)
    order = {name: i for i, name in enumerate(events)}
    for (event, instance), values in sorted(slots.items(), key=lambda s: (order[s[0][0]], s[0][1])):
        if any(values.values()):
            yield event, "", str(instance) if instance else "", values


def _complete(values: dict[str, str], forms: tuple[str, ...]) -> dict[str, str]:
    done = {}
    for form in forms:
        names = [f.name for f in FORMS[form] if f.name != "record_id"]
        filled = any(values.get(n) for n in names)
        done[f"{form}_complete"] = "2" if filled or form == "enrolment" else ""
    return done


def write_records(
    archive: zipfile.ZipFile,
    scope: ExportScope,
    events: list[Event],
    progress: Progress | None = None,
) -> int:
    header = record_header()
    by_event = {e.unique_name: e for e in events}
    streams = {
        name: _Stream(TABLES[name].rows(scope.patients))
        for name in ("visits", "alsfrs_r", "spirometry", "weights", "adverse_events", "doses")
    }
    count = 0
    with member(archive, "records.csv") as writer:
        writer.writerow(header)
        for patient in TABLES["patients"].rows(scope.patients):
            for event, instrument, instance, values in _record_rows(patient, streams, by_event):
                if event == ENROLMENT_EVENT:
                    forms = ("enrolment",) if not instrument else (instrument,)
                else:
                    forms = VISIT_FORMS
                values = {**values, **_complete(values, forms)}
                values.update(
                    record_id=patient["study_id"],
                    redcap_event_name=event,
                    redcap_repeat_instrument=instrument,
                    redcap_repeat_instance=instance,
                )
                writer.writerow([values.get(column, "") for column in header])
                count += 1
                if progress and count % 50_000 == 0:
                    progress(f"records.csv: {count:,} rows")
    return count


def write_redcap_zip(
    scope: ExportScope, out: IO[bytes], *, progress: Progress | None = None
) -> dict[str, int]:
    """Write the cohort as a REDCap project into `out`; returns the rows of each file."""
    events = project_events(_extra_timepoints(scope))
    counts: dict[str, int] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with member(archive, "data_dictionary.csv") as writer:
            writer.writerow(DICTIONARY_HEADER)
            writer.writerows(f.dictionary_row() for f in FIELDS)
        counts["data_dictionary.csv"] = len(FIELDS)
        with member(archive, "arms.csv") as writer:
            writer.writerows([("arm_num", "name"), (ARM, "Arm 1")])
        counts["arms.csv"] = 1
        with member(archive, "events.csv") as writer:
            writer.writerow(
                (
                    "event_name",
                    "arm_num",
                    "unique_event_name",
                    "custom_event_label",
                    "day_offset",
                    "offset_min",
                    "offset_max",
                )
            )
            for e in events:
                label = e.label if e.label not in ("enrolment", "unscheduled") else e.name.title()
                writer.writerow(
                    (e.name, ARM, e.unique_name, label, e.day_offset, e.window, e.window)
                )
        counts["events.csv"] = len(events)
        designations = 0
        with member(archive, "instrument_designations.csv") as writer:
            writer.writerow(("arm_num", "unique_event_name", "form"))
            for e in events:
                forms = ENROLMENT_FORMS if e.unique_name == ENROLMENT_EVENT else VISIT_FORMS
                for form in forms:
                    writer.writerow((ARM, e.unique_name, form))
                    designations += 1
        counts["instrument_designations.csv"] = designations
        with member(archive, "repeating_instruments.csv") as writer:
            writer.writerow(("event_name", "form_name", "custom_form_label"))
            for form, label in REPEATING_INSTRUMENTS.items():
                writer.writerow((ENROLMENT_EVENT, form, label))
            writer.writerow((UNSCHEDULED_EVENT, "", ""))
        counts["repeating_instruments.csv"] = len(REPEATING_INSTRUMENTS) + 1
        with member(archive, "mapping.csv") as writer:
            rows = mapping_rows(events)
            writer.writerows(rows)
        counts["mapping.csv"] = len(rows) - 1
        counts["records.csv"] = write_records(archive, scope, events, progress)
        if progress:
            progress(f"records.csv: {counts['records.csv']:,} rows")
        archive.writestr(
            "README.txt",
            README.format(
                stamp=timezone.now().strftime("%Y-%m-%d %H:%M UTC"),
                patients=scope.patients.count(),
            ),
        )
    return counts
