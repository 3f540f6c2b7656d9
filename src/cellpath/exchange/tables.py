"""The tidy tables every export is made from: one table per kind of record, one row per record.

Each `Table` names its model, the path from a row to its patient, and its columns; each `Column`
names the ORM path it is read from (or is computed from the row), its kind and its meaning. The
cohort CSV ZIP writes them as they are, with a data dictionary made from the same objects; the
FHIR and REDCap exports read their rows from here too, so that a column means one thing in every
format.

Column names are lower-case letters, digits and underscores, start with a letter and have at
most 32 characters: SPSS (64), Stata (32) and R (`make.names`) accept them unchanged. Every
table ends with who created and last changed the row, and when (`StampedModel`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Model, QuerySet

from cellpath.care.models import (
    Administration,
    AdverseEvent,
    AlsfrsR,
    Batch,
    Consent,
    Harvest,
    Medication,
    Patient,
    PlanTimepoint,
    Spirometry,
    TreatmentCourse,
    Visit,
    Weight,
)
from cellpath.care.models.assessments import Expectedness
from cellpath.care.safety import SERIOUSNESS_CRITERIA
from cellpath.outcomes import products
from cellpath.outcomes.alsfrs import alsfrs_r_total
from cellpath.outcomes.spirometry import fvc_percent_predicted
from cellpath.outcomes.vocabulary import (
    ALSFRS_R_ITEMS,
    EL_ESCORIAL,
    FVC_EQUATIONS,
    ONSET_SITES,
    SEXES,
    Term,
)

NAME_RULE = re.compile(r"[a-z][a-z0-9_]{0,31}")
"""A column name SPSS, Stata and R all accept as it is."""

CHUNK = 2000
"""Rows read from the database at a time: memory stays flat however large the cohort."""


@dataclass(frozen=True)
class Column:
    """One column: `path` is what is read from the database (None: computed from the row)."""

    name: str
    description: str
    kind: str = "text"  # text, date, datetime, integer, decimal, boolean, code
    path: str | None = None
    codes: tuple[tuple[str, str], ...] = ()
    identifying: bool = False  # a name or contact detail: only for the patient's coordinators

    @property
    def source(self) -> str:
        return self.path or self.name


def _codes(terms: tuple[Term, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((t.value, t.label) for t in terms)


def _choices(pairs: list[tuple[str, str]] | Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(value), str(label)) for value, label in pairs)


STAMPS: tuple[Column, ...] = (
    Column("created_at", "When the row was created (UTC, ISO 8601).", "datetime"),
    Column("created_by", "Who created the row (e-mail, or the part of Cellpath that did)."),
    Column("modified_at", "When the row was last changed (UTC, ISO 8601).", "datetime"),
    Column("modified_by", "Who last changed the row."),
)


@dataclass(frozen=True)
class Table:
    """One tidy table. `computed` fills, in place, the columns without a path of a chunk of
    rows read (which also hold the `hidden` paths, read but not written): one call per chunk,
    so that the outcomes engine works on arrays, not row by row."""

    name: str
    description: str
    model: type[Model]
    patient_path: str  # from a row to its patient's id
    columns: tuple[Column, ...]
    order_by: tuple[str, ...]
    hidden: tuple[str, ...] = ()
    computed: Callable[[list[dict[str, Any]]], None] | None = None
    stamped: bool = True
    distinct: bool = False
    all_columns: tuple[Column, ...] = field(init=False)

    def __post_init__(self) -> None:
        columns = self.columns + (STAMPS if self.stamped else ())
        object.__setattr__(self, "all_columns", columns)

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.all_columns]

    def read_paths(self) -> list[str]:
        paths = [c.source for c in self.all_columns if c.path is not None or c in STAMPS]
        return [*paths, *self.hidden]

    def query(self, patients: QuerySet, where: dict[str, Any] | None = None) -> QuerySet:
        """The table's rows (as model rows, unordered) for the patients of `patients`."""
        query = self.model.objects.filter(**{f"{self.patient_path}__in": patients})
        if where:
            query = query.filter(**where)
        return query.distinct() if self.distinct else query

    def rows(
        self,
        patients: QuerySet,
        *,
        names_for: frozenset[int] = frozenset(),
        extra: dict[str, Any] | None = None,
        where: dict[str, Any] | None = None,
        window: tuple[int, int] | None = None,
    ) -> Iterator[dict]:
        """The table's rows for the patients of `patients` (a queryset of patients' ids), read
        `CHUNK` rows at a time. Identifying columns are blank unless the row's patient belongs
        to a site in `names_for`. `extra` adds values by name (ORM paths or expressions),
        `where` narrows the rows, `window` is (offset, limit) for paging."""
        paths = self.read_paths()
        identifying = [c.name for c in self.all_columns if c.identifying]
        if identifying:  # the row's site decides whether its names are shown
            paths.append("site_id" if self.patient_path == "id" else "patient__site_id")
        query = self.query(patients, where)
        extra = extra or {}
        expressions = {k: v for k, v in extra.items() if not isinstance(v, str)}
        if expressions:
            query = query.annotate(**expressions)
        by_path = {c.source: c.name for c in self.all_columns}
        names = [by_path.get(p, p) for p in paths] + list(extra)
        values = query.order_by(*self.order_by).values_list(
            *paths, *(v if isinstance(v, str) else k for k, v in extra.items())
        )
        if window is not None:
            offset, limit = window
            values = values[offset : offset + limit]
        site_name = names[len(paths) - 1]
        chunk: list[dict[str, Any]] = []
        for v in values.iterator(chunk_size=CHUNK):
            row = dict(zip(names, v, strict=True))
            if identifying and row.pop(site_name) not in names_for:
                row.update(dict.fromkeys(identifying))
            chunk.append(row)
            if len(chunk) == CHUNK:
                yield from self._computed(chunk)
                chunk = []
        yield from self._computed(chunk)

    def _computed(self, chunk: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if self.computed is not None and chunk:
            self.computed(chunk)
        return chunk


# --- computed columns -------------------------------------------------------------------------


def _alsfrs_totals(rows: list[dict[str, Any]]) -> None:
    """The ALSFRS-R total (0–48, Cedarbaum 1999) of each row, by the outcomes engine on an
    array of the chunk's complete assessments; blank for a row it would refuse (an item
    missing, or 5a and 5b both or neither answered — which the models do not let in)."""
    items = np.full((len(rows), 12), -1, dtype=np.int16)
    for r, row in enumerate(rows):
        a, b = row["q5a"], row["q5b"]
        if (a is None) == (b is None):
            continue
        for item in ALSFRS_R_ITEMS:
            value = row[item.key]
            if value is not None:
                items[r, item.position - 1] = value
    complete = (items >= 0).all(axis=1) & (items <= 4).all(axis=1)
    totals = np.full(len(rows), -1, dtype=np.int64)
    if complete.any():
        totals[complete] = alsfrs_r_total(items[complete])
    for row, total in zip(rows, totals.tolist(), strict=True):
        row["alsfrs_r_total"] = total if total >= 0 else None


PERSON = ("patient__date_of_birth", "patient__height_cm", "patient__sex")


def fvc_percents(rows: list[dict[str, Any]]) -> None:
    """FVC % predicted of each row as every page shows it
    (`outcomes.spirometry.fvc_percent_predicted`), one call per patient's run of rows."""
    start = 0
    while start < len(rows):
        person = tuple(rows[start][k] for k in PERSON)
        end = start + 1
        while end < len(rows) and tuple(rows[end][k] for k in PERSON) == person:
            end += 1
        group = rows[start:end]
        facts = dict(zip(("birth_date", "height_cm", "sex"), person, strict=True))
        for row, result in zip(group, fvc_percent_predicted(facts, group), strict=True):
            percent = None if result.percent is None else round(result.percent, 1)
            row["fvc_percent_predicted"], row["fvc_percent_source"] = percent, result.source
            for key in PERSON:
                del row[key]
        start = end


_ITEM_COLUMNS = tuple(
    Column(
        item.key,
        f"ALSFRS-R item {item.number}: {item.title} (0–4; 4 normal)"
        + ("; blank when item 5b was answered" if item.key == "q5a" else "")
        + ("; blank when item 5a was answered" if item.key == "q5b" else ""),
        "integer",
        path=item.key,
    )
    for item in ALSFRS_R_ITEMS
)

STUDY_ID = Column("study_id", "The patient's pseudonymous study ID.", path="patient__study_id")
COURSE_STUDY_ID = Column(
    "study_id", "The patient's pseudonymous study ID.", path="course__patient__study_id"
)
COURSE_NUMBER = Column(
    "course_number",
    "The treatment course (1, 2, 3… for repeat courses).",
    "integer",
    path="course__number",
)
VISIT_ID = Column(
    "visit_id", "The visit this was recorded at (visits.csv), if any.", "integer", path="visit_id"
)
RELATEDNESS = _choices(AdverseEvent._meta.get_field("related_to_cells").choices)

TABLES: tuple[Table, ...] = (
    Table(
        "patients",
        "One row per patient: baseline facts and the dates of the disease's milestones.",
        Patient,
        "id",
        (
            Column("study_id", "The patient's pseudonymous study ID.", path="study_id"),
            Column("site", "The site that follows the patient.", path="site__name"),
            Column(
                "full_name",
                "Full name (coordinators of the patient's site only).",
                path="identity__full_name",
                identifying=True,
            ),
            Column(
                "email",
                "E-mail address (coordinators of the patient's site only).",
                path="identity__email",
                identifying=True,
            ),
            Column(
                "phone",
                "Telephone (coordinators of the patient's site only).",
                path="identity__phone",
                identifying=True,
            ),
            Column("sex", "Sex.", "code", path="sex", codes=_codes(SEXES)),
            Column("date_of_birth", "Date of birth.", "date", path="date_of_birth"),
            Column("onset_date", "Date of the first symptom.", "date", path="onset_date"),
            Column(
                "onset_site",
                "Where the first symptom was.",
                "code",
                path="onset_site",
                codes=_codes(ONSET_SITES),
            ),
            Column("diagnosis_date", "Date of the ALS diagnosis.", "date", path="diagnosis_date"),
            Column(
                "el_escorial",
                "El Escorial category at diagnosis (Brooks 2000).",
                "code",
                path="el_escorial",
                codes=_codes(EL_ESCORIAL),
            ),
            Column(
                "ftd",
                "Frontotemporal dementia (1 yes, 0 no, blank unknown).",
                "boolean",
                path="ftd",
            ),
            Column("c9orf72", "C9orf72 repeat expansion (1, 0, blank).", "boolean", path="c9orf72"),
            Column("sod1", "SOD1 variant (1, 0, blank).", "boolean", path="sod1"),
            Column("other_genetics", "Other genetic findings.", path="other_genetics"),
            Column("height_cm", "Height in centimetres.", "decimal", path="height_cm"),
            Column("gastrostomy_date", "Date of the gastrostomy.", "date", path="gastrostomy_date"),
            Column("niv_date", "Date non-invasive ventilation started.", "date", path="niv_date"),
            Column(
                "niv_full_time_date",
                "Date NIV came to be needed > 23 hours a day.",
                "date",
                path="niv_full_time_date",
            ),
            Column(
                "tracheostomy_date", "Date of the tracheostomy.", "date", path="tracheostomy_date"
            ),
            Column("death_date", "Date of death.", "date", path="death_date"),
            Column("death_cause", "Cause of death, as recorded.", "text", path="death_cause"),
        ),
        ("study_id",),
    ),
    Table(
        "visits",
        "The follow-up schedule: every scheduled (or unscheduled) visit, done or not.",
        Visit,
        "patient_id",
        (
            STUDY_ID,
            Column("visit_id", "The visit's number in Cellpath.", "integer", path="id"),
            Column(
                "course_number",
                "The course the visit follows (blank: not tied to one).",
                "integer",
                path="course__number",
            ),
            Column("label", "The time point (e.g. Baseline, 6 months).", path="label"),
            Column("due_date", "The day the visit is due.", "date", path="due_date"),
            Column(
                "window_days",
                "Days allowed either side of the due date.",
                "integer",
                path="window_days",
            ),
            Column(
                "visit_date",
                "The day the patient was seen (blank: not yet).",
                "date",
                path="visit_date",
            ),
            Column(
                "signed_at",
                "When the investigator signed the visit off.",
                "datetime",
                path="signed_at",
            ),
            Column("signed_by", "Who signed it off.", path="signed_by__email"),
            Column(
                "signature_meaning",
                "What the signature means (21 CFR 11.50).",
                "code",
                path="signature_meaning",
                codes=_choices(Visit.Meaning.choices),
            ),
        ),
        ("patient__study_id", "due_date", "id"),
    ),
    Table(
        "alsfrs_r",
        "Every ALSFRS-R (Cedarbaum 1999): the 12 items as entered, and the total.",
        AlsfrsR,
        "patient_id",
        (
            STUDY_ID,
            Column("alsfrs_r_id", "The assessment's number in Cellpath.", "integer", path="id"),
            Column("assessed_on", "The day of the assessment.", "date", path="assessed_on"),
            VISIT_ID,
            Column(
                "respondent",
                "Who answered.",
                "code",
                path="respondent",
                codes=_choices(AlsfrsR._meta.get_field("respondent").choices),
            ),
            *_ITEM_COLUMNS,
            Column(
                "alsfrs_r_total", "Total 0–48, computed from the items (never typed).", "integer"
            ),
        ),
        ("patient__study_id", "assessed_on", "id"),
        computed=_alsfrs_totals,
    ),
    Table(
        "spirometry",
        "Forced and slow vital capacity; FVC % predicted as the pages show it.",
        Spirometry,
        "patient_id",
        (
            STUDY_ID,
            Column("spirometry_id", "The measurement's number in Cellpath.", "integer", path="id"),
            Column("measured_on", "The day measured.", "date", path="measured_on"),
            VISIT_ID,
            Column("fvc_litres", "FVC in litres.", "decimal", path="fvc_litres"),
            Column(
                "fvc_percent_entered",
                "FVC % predicted as read from an outside report.",
                "decimal",
                path="fvc_percent_entered",
            ),
            Column("svc_litres", "Slow vital capacity in litres.", "decimal", path="svc_litres"),
            Column(
                "equation",
                "The reference equation for % predicted.",
                "code",
                path="equation",
                codes=_codes(FVC_EQUATIONS),
            ),
            Column(
                "fvc_percent_predicted",
                "FVC % predicted (computed with the equation, else "
                "as entered; blank when neither is possible).",
                "decimal",
            ),
            Column(
                "fvc_percent_source",
                "computed, entered, or blank.",
                "code",
                codes=(("computed", "Computed"), ("entered", "Entered from a report")),
            ),
        ),
        ("patient__study_id", "measured_on", "id"),
        hidden=PERSON,
        computed=fvc_percents,
    ),
    Table(
        "weights",
        "Body weight.",
        Weight,
        "patient_id",
        (
            STUDY_ID,
            Column("weight_id", "The measurement's number in Cellpath.", "integer", path="id"),
            Column("measured_on", "The day weighed.", "date", path="measured_on"),
            VISIT_ID,
            Column("weight_kg", "Weight in kilograms.", "decimal", path="kg"),
        ),
        ("patient__study_id", "measured_on", "id"),
    ),
    Table(
        "courses",
        "Treatment courses: what cells, from where, by which route, under which programme.",
        TreatmentCourse,
        "patient_id",
        (
            STUDY_ID,
            Column("course_id", "The course's number in Cellpath.", "integer", path="id"),
            Column("course_number", "1, 2, 3… for repeat courses.", "integer", path="number"),
            Column(
                "programme",
                "The programme or trial, as listed in Cellpath.",
                path="programme__name",
            ),
            Column("programme_as_entered", "The programme's name as typed.", path="programme_name"),
            Column("product", "The product's name.", path="product"),
            Column(
                "cell_type",
                "Cell type.",
                "code",
                path="cell_type",
                codes=_codes(products.CELL_TYPES),
            ),
            Column("donor", "Whose cells.", "code", path="donor", codes=_codes(products.DONORS)),
            Column(
                "tissue",
                "Source tissue.",
                "code",
                path="tissue",
                codes=_codes(products.SOURCE_TISSUES),
            ),
            Column("route", "Planned route.", "code", path="route", codes=_codes(products.ROUTES)),
            Column(
                "planned_schedule", "The planned schedule, as written.", path="planned_schedule"
            ),
            Column("started_on", "The course's start.", "date", path="started_on"),
            Column(
                "follow_up_plan",
                "The follow-up plan (follow_up_plans.csv).",
                path="follow_up_plan__name",
            ),
        ),
        ("patient__study_id", "number"),
    ),
    Table(
        "harvests",
        "Cells collected from the patient for a course.",
        Harvest,
        "course__patient_id",
        (
            COURSE_STUDY_ID,
            COURSE_NUMBER,
            Column("harvest_id", "The harvest's number in Cellpath.", "integer", path="id"),
            Column("collected_on", "The day collected.", "date", path="collected_on"),
            Column(
                "tissue",
                "Tissue collected.",
                "code",
                path="tissue",
                codes=_codes(products.SOURCE_TISSUES),
            ),
            Column("harvest_reference", "The harvest's reference.", path="reference"),
        ),
        ("course__patient__study_id", "course__number", "collected_on", "id"),
    ),
    Table(
        "lots",
        "Processed lots of cells (batches); autologous lots name their harvest.",
        Batch,
        "course__patient_id",
        (
            COURSE_STUDY_ID,
            COURSE_NUMBER,
            Column("lot_number", "The lot number.", path="lot_number"),
            Column(
                "harvest_reference", "The harvest the lot was made from.", path="harvest__reference"
            ),
            Column("processed_on", "The day processed.", "date", path="processed_on"),
            Column("cell_count", "Cells in the lot.", "integer", path="cell_count"),
            Column("viability_percent", "Viability (%).", "decimal", path="viability_percent"),
        ),
        ("course__patient__study_id", "course__number", "lot_number"),
    ),
    Table(
        "doses",
        "Every dose given: when, how many cells, by which route, from which lot.",
        Administration,
        "course__patient_id",
        (
            COURSE_STUDY_ID,
            COURSE_NUMBER,
            Column("dose_id", "The dose's number in Cellpath.", "integer", path="id"),
            Column("given_on", "The day given.", "date", path="given_on"),
            Column("lot_number", "The lot the dose came from.", path="batch__lot_number"),
            Column("dose_cells", "Cells given.", "integer", path="dose_cells"),
            Column("route", "Route.", "code", path="route", codes=_codes(products.ROUTES)),
            Column("body_site", "Where on the body.", path="body_site"),
            Column("given_by", "Who gave it.", path="given_by_name"),
        ),
        ("course__patient__study_id", "given_on", "id"),
    ),
    Table(
        "medications",
        "ALS medications taken over a period.",
        Medication,
        "patient_id",
        (
            STUDY_ID,
            Column("medication_id", "The row's number in Cellpath.", "integer", path="id"),
            Column(
                "drug", "The drug.", "code", path="drug", codes=_choices(Medication.Drug.choices)
            ),
            Column("other_name", "The drug's name when 'other'.", path="other_name"),
            Column("started_on", "Started.", "date", path="started_on"),
            Column(
                "stopped_on", "Stopped (blank: still taken or unknown).", "date", path="stopped_on"
            ),
        ),
        ("patient__study_id", "started_on", "id"),
    ),
    Table(
        "adverse_events",
        "Adverse events, graded with CTCAE v5.",
        AdverseEvent,
        "patient_id",
        (
            STUDY_ID,
            Column("adverse_event_id", "The event's number in Cellpath.", "integer", path="id"),
            Column(
                "course_number", "The course it followed, if any.", "integer", path="course__number"
            ),
            VISIT_ID,
            Column("description", "What happened.", path="description"),
            Column("onset_date", "The day it started.", "date", path="onset_date"),
            Column("resolved_date", "The day it resolved.", "date", path="resolved_date"),
            Column("grade", "CTCAE v5 grade (1 mild … 5 death).", "integer", path="grade"),
            Column("serious", "A serious adverse event (1 yes, 0 no).", "boolean", path="serious"),
            *(
                Column(
                    name,
                    f"Seriousness criterion (ICH E2A II.B): {label.lower()} (1 yes, 0 no).",
                    "boolean",
                    path=name,
                )
                for name, label in SERIOUSNESS_CRITERIA
            ),
            Column(
                "expectedness",
                "Expected against the reference safety information (protocol or investigator's "
                "brochure).",
                "code",
                path="expectedness",
                codes=_choices(Expectedness.choices),
            ),
            Column(
                "related_to_procedure",
                "Related to the procedure.",
                "code",
                path="related_to_procedure",
                codes=RELATEDNESS,
            ),
            Column(
                "related_to_cells",
                "Related to the cells.",
                "code",
                path="related_to_cells",
                codes=RELATEDNESS,
            ),
            Column(
                "outcome",
                "Outcome.",
                "code",
                path="outcome",
                codes=_choices(AdverseEvent.Outcome.choices),
            ),
            Column("action_taken", "Action taken.", path="action_taken"),
            Column("aware_date", "The day the site first knew of it.", "date", path="aware_date"),
            Column(
                "reported_to_regulator_on",
                "The day it was reported to the regulator (blank: not reported).",
                "date",
                path="reported_to_regulator_on",
            ),
            Column(
                "reported_to_ethics_on",
                "The day it was reported to the ethics committee (blank: not reported).",
                "date",
                path="reported_to_ethics_on",
            ),
        ),
        ("patient__study_id", "onset_date", "id"),
    ),
    Table(
        "consents",
        "Consents given and withdrawn, by purpose and document version.",
        Consent,
        "patient_id",
        (
            STUDY_ID,
            Column("consent_id", "The consent's number in Cellpath.", "integer", path="id"),
            Column(
                "purpose",
                "What the consent covers.",
                "code",
                path="purpose",
                codes=_choices(Consent.Purpose.choices),
            ),
            Column("version", "The consent document's version.", path="version"),
            Column("given_on", "The day given.", "date", path="given_on"),
            Column(
                "method",
                "How it was given.",
                "code",
                path="method",
                codes=_choices(Consent.Method.choices),
            ),
            Column(
                "withdrawn_on",
                "The day withdrawn (blank: still active).",
                "date",
                path="withdrawn_on",
            ),
        ),
        ("patient__study_id", "given_on", "id"),
    ),
)

PLAN_TABLE = Table(
    "follow_up_plans",
    "The follow-up plans the cohort's courses use: time points and their windows.",
    PlanTimepoint,
    "plan__courses__patient_id",
    (
        Column("follow_up_plan", "The plan's name.", path="plan__name"),
        Column("label", "The time point.", path="label"),
        Column("day_offset", "Days after the course starts.", "integer", path="day_offset"),
        Column("window_days", "Days allowed either side.", "integer", path="window_days"),
    ),
    ("plan__name", "day_offset"),
    stamped=False,
    distinct=True,
)

BY_NAME: dict[str, Table] = {t.name: t for t in (*TABLES, PLAN_TABLE)}
