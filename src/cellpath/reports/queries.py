"""Reads for the cohort report: the records of the sites a user may see, as the engine's tables.

One query per table whatever the cohort's size (courses with their first dose, ALSFRS-R,
spirometry, medications, consents, adverse events, applications), each selecting its patients by
a subquery, and arrays built without a loop per visit; every figure is then computed by
``reports.analysis.report.analyse``. Each report read is one audit event naming the user, the
sites, the filters and how many courses it covered (an export adds its format; the per-patient
table its study IDs).
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

import numpy as np
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Field,
    Func,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from cellpath.accounts.access import site_ids_for
from cellpath.accounts.audit import record
from cellpath.accounts.models import AuditEvent, Site, User
from cellpath.accounts.roles import Role
from cellpath.care.models import (
    Administration,
    AdverseEvent,
    AlsfrsR,
    Consent,
    Medication,
    Spirometry,
    TreatmentCourse,
)
from cellpath.care.models.assessments import Relatedness
from cellpath.evidence.models import Confidence, Figure
from cellpath.intake.models import Application
from cellpath.outcomes.spirometry import (
    gli2012_fvc_percent_predicted,
    nhanes3_fvc_percent_predicted,
)
from cellpath.outcomes.vocabulary import ALSFRS_R_KEYS, DAYS_PER_YEAR, ITEM5_KEYS
from cellpath.reports.analysis.report import FlowStep, PlaceboContext

__all__ = [
    "REPORT_ROLES",
    "CohortTables",
    "Filters",
    "cohort_tables",
    "placebo_context",
    "report_sites",
]

REPORT_ROLES = (Role.COORDINATOR, Role.CLINICIAN, Role.ADMINISTRATOR)
"""Who may read a site's report: its coordinators, clinicians and administrators (aggregates);
the per-patient table and the list of serious events need a patient-data role."""

#: The study library's figure that gives a placebo arm's responder rate for a definition.
PLACEBO_FIGURES: dict[str, str] = {"nurown": "nurown-phase-3-responders"}

DRUGS = ("riluzole", "edaravone")
_RELATED = {Relatedness.POSSIBLE, Relatedness.PROBABLE, Relatedness.DEFINITE}


@dataclass(frozen=True)
class Filters:
    """What narrows the cohort (every field optional)."""

    site: int | None = None
    programme: int | None = None
    course_number: int | None = None
    cell_type: str = ""
    route: str = ""
    treated_from: date | None = None
    treated_to: date | None = None
    onset_site: str = ""

    def as_detail(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, date) else v) for k, v in asdict(self).items() if v}


@dataclass
class CohortTables:
    """The engine's input tables for one report, and the flow before treatment."""

    sites: list[Site]
    courses: dict[str, np.ndarray]
    visits: dict[str, np.ndarray]
    spirometry: dict[str, np.ndarray]
    adverse_events: dict[str, np.ndarray]
    flow_before: list[FlowStep]


def report_sites(user: User) -> list[int]:
    """Ids of the sites whose report ``user`` may read."""
    return site_ids_for(user, REPORT_ROLES)


def _first_dose() -> Subquery:
    """A course's first dose date (its index date), looked up by index for each course rather
    than by grouping the whole join."""
    doses = Administration.objects.filter(course=OuterRef("pk")).order_by("given_on")
    return Subquery(doses.values("given_on")[:1])


def courses_matching(sites: list[int], f: Filters) -> QuerySet[TreatmentCourse]:
    rows = TreatmentCourse.objects.filter(patient__site_id__in=sites)
    if f.site:
        rows = rows.filter(patient__site_id=f.site)
    if f.programme:
        rows = rows.filter(programme_id=f.programme)
    if f.course_number:
        rows = rows.filter(number=f.course_number)
    if f.cell_type:
        rows = rows.filter(cell_type=f.cell_type)
    if f.route:
        rows = rows.filter(route=f.route)
    if f.onset_site:
        rows = rows.filter(patient__onset_site=f.onset_site)
    # The first dose in [from, to], without grouping (so that the query serves as a subquery
    # too): a dose on or before `to`, and none before `from`.
    doses = Administration.objects.filter(course=OuterRef("pk"))
    if f.treated_from:
        rows = rows.filter(Exists(doses)).exclude(Exists(doses.filter(given_on__lt=f.treated_from)))
    if f.treated_to:
        rows = rows.filter(Exists(doses.filter(given_on__lte=f.treated_to)))
    return rows


_EPOCH = date(1970, 1, 1).toordinal()
_NAT = np.iinfo(np.int64).min  # NaT's integer in datetime64


#: The reference equations of ``outcomes.spirometry.fvc_percent_predicted``, by code.
_FVC_EQUATIONS = {
    "gli2012": gli2012_fvc_percent_predicted,
    "nhanes3": nhanes3_fvc_percent_predicted,
}


def fvc_percent_values(
    patients: dict[int, Any],
    patient_id: np.ndarray,
    day: np.ndarray,
    litres: np.ndarray,
    entered: np.ndarray,
    equation: np.ndarray,
) -> np.ndarray:
    """``care.measurements.fvc_percents(patient, rows)[i].percent`` for every spirometry row of
    many patients at once, NaN where it has none: the same equations on the same numbers, one
    call per equation instead of one per patient. Computed from the litres with the recorded
    equation (GLI-2012 when blank) at the age on the day; else the % entered from a report.
    Rows are columns: patient ids, day numbers (days since 1970), litres and % entered (NaN
    when blank), equation codes; ``patients`` maps an id to its ``date_of_birth``,
    ``height_cm`` and ``sex``."""
    ids = np.array(sorted(patients), dtype=np.int64)
    people = [patients[i] for i in ids.tolist()]
    birth = np.array(
        [
            np.nan if p.date_of_birth is None else p.date_of_birth.toordinal() - _EPOCH
            for p in people
        ]
    )
    height = np.array([float(p.height_cm) if p.height_cm else np.nan for p in people])
    sex = np.array([p.sex or "" for p in people], dtype=object)
    at = np.searchsorted(ids, patient_id)
    age = (day - birth[at]) / DAYS_PER_YEAR
    usable = np.isfinite(litres) & np.isfinite(age) & np.isfinite(height[at]) & (sex[at] != "")
    codes = np.where(equation == "", "gli2012", equation)
    computed = np.full(litres.size, np.nan)
    for code, function in _FVC_EQUATIONS.items():
        chosen = np.flatnonzero(usable & (codes == code))
        if chosen.size:
            computed[chosen] = function(
                litres[chosen], age[chosen], height[at][chosen], sex[at][chosen].astype(str)
            )
    return np.where(np.isfinite(computed), computed, entered)


_PLAIN_ITEMS = tuple(key for key in ALSFRS_R_KEYS if key not in ITEM5_KEYS)
_ITEM5_BASE = 5 ** len(_PLAIN_ITEMS)


def _packed_items() -> ExpressionWrapper:
    """The twelve ALSFRS-R answers of a row as one integer computed by the database: the eleven
    items other than 5 as base-5 digits (0-4), then 5a and 5b as base-6 digits (answer + 1, 0 =
    not answered). At most 1,757,812,499: an ordinary 32-bit integer on every database."""
    packed = sum((F(key) * 5**j for j, key in enumerate(_PLAIN_ITEMS)), Value(0))
    for j, key in enumerate(ITEM5_KEYS):
        packed += (Coalesce(F(key), -1) + 1) * (_ITEM5_BASE * 6**j)
    return ExpressionWrapper(packed, output_field=Field())


def _unpack_items(packed: np.ndarray) -> np.ndarray:
    """``_packed_items`` back into the (n, 13) items in ``ALSFRS_R_KEYS`` order, −1 = not
    answered (what ``cohort.compute`` takes)."""
    out = np.empty((packed.size, len(ALSFRS_R_KEYS)), dtype=np.int16)
    rest = packed.copy()
    for key in _PLAIN_ITEMS:
        out[:, ALSFRS_R_KEYS.index(key)] = rest % 5
        rest //= 5
    for key in ITEM5_KEYS:
        out[:, ALSFRS_R_KEYS.index(key)] = rest % 6 - 1
        rest //= 6
    return out


class AsFloat(Func):
    """A number column as a float (the decimals of litres and % are not needed exactly here),
    with no per-value converter on the Python side."""

    template = "CAST(%(expressions)s AS DOUBLE PRECISION)"
    output_field = Field()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS REAL)", **extra)


class EpochDays(Func):
    """A date column as its day number since 1970-01-01 (an integer), so that rows reach
    NumPy without a ``date`` object each; PostgreSQL subtracts dates, SQLite counts Julian days.
    """

    output_field = Field()  # a plain Field: Django then adds no per-value converter

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        return self.as_sql(
            compiler, connection, template="(%(expressions)s - DATE '1970-01-01')", **extra
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) - 2440587.5 AS INTEGER)",
            **extra,
        )


def _day_numbers(values: np.ndarray) -> np.ndarray:
    """Dates (objects, None allowed) as int64 day numbers since 1970, ``_NAT`` for None."""
    return np.fromiter(
        (_NAT if v is None else v.toordinal() - _EPOCH for v in values.tolist()),
        dtype=np.int64,
        count=values.size,
    )


def _columns(rows: list[tuple[Any, ...]], width: int) -> np.ndarray:
    """Rows from ``values_list`` as a 2-D object array (empty: shape (0, width))."""
    if not rows:
        return np.empty((0, width), dtype=object)
    return np.array(rows, dtype=object)


def _per_course(row_patient: np.ndarray, course_patient: np.ndarray) -> tuple[np.ndarray, ...]:
    """Each row of a patient once for each of the patient's courses: (row, course) index pairs.
    ``course_patient`` is sorted (courses come ordered by patient)."""
    start = np.searchsorted(course_patient, row_patient, "left")
    counts = np.searchsorted(course_patient, row_patient, "right") - start
    rows = np.repeat(np.arange(row_patient.size), counts)
    offsets = np.arange(rows.size) - np.repeat(np.cumsum(counts) - counts, counts)
    return rows, np.repeat(start, counts) + offsets


def _flag(values: np.ndarray) -> np.ndarray:
    """Nullable booleans as 1.0/0.0/NaN."""
    return np.array([np.nan if v is None else float(v) for v in values.tolist()])


@contextmanager
def _bulk_read() -> Iterator[None]:
    """Cyclic garbage collection paused while a cohort is read: its rows are hundreds of
    thousands of small tuples without cycles, which only make the collector walk the heap again
    and again (about 15 % of the read on 5,000 courses)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def cohort_tables(*, user: User, filters: Filters, export: str = "") -> CohortTables | None:
    """The tables of the courses ``user`` may see under ``filters``; None if the user may read
    no site's report. Records one audit event: a view of ``reports.cohort``, or an export in
    the ``export`` format ("pdf"; "csv", the per-patient table, also names its study IDs).

    Courses are keyed by their primary key (``patient_id`` of the engine's tables, with the
    study ID and course number as ``course_label``); each table is read by one query that
    selects its patients with a subquery, and turned into arrays without a loop per patient.
    """
    sites = report_sites(user)
    if not sites:
        return None
    if filters.site and filters.site not in sites:
        sites = []
    with _bulk_read():
        return _read(user, sites, filters, export)


def _read(user: User, sites: list[int], filters: Filters, export: str) -> CohortTables:
    selected = courses_matching(sites, filters)
    of_courses = selected.values("patient_id")  # a subquery: no list of ids goes to the database
    fields = (
        "pk",
        "number",
        "first_dose",
        "started_on",
        "patient_id",
        "patient__study_id",
        "patient__sex",
        "patient__date_of_birth",
        "patient__height_cm",
        "patient__onset_date",
        "patient__onset_site",
        "patient__diagnosis_date",
        "patient__el_escorial",
        "patient__ftd",
        "patient__c9orf72",
        "patient__gastrostomy_date",
        "patient__niv_date",
        "patient__niv_full_time_date",
        "patient__tracheostomy_date",
        "patient__death_date",
    )
    course_rows = [
        dict(zip(fields, row, strict=True))
        for row in selected.annotate(first_dose=_first_dose())
        .order_by("patient_id", "number")
        .values_list(*fields)
    ]
    col = _columns([tuple(r.values()) for r in course_rows], len(fields))
    c = {name: col[:, j] for j, name in enumerate(fields)}
    course_patient = c["patient_id"].astype(np.int64)
    n = course_patient.size

    # Three integers a row (the day number; the items packed into one): NumPy takes them in
    # one step, and a tenth as many Python numbers are made as with a column per item.
    alsfrs = np.array(
        list(
            AlsfrsR.objects.filter(patient_id__in=of_courses)
            .order_by()  # the engine sorts
            .values_list("patient_id", EpochDays("assessed_on"), _packed_items())
        ),
        dtype=np.int64,
    ).reshape(-1, 3)
    a_patient = alsfrs[:, 0]
    a_day = alsfrs[:, 1]
    a_items = _unpack_items(alsfrs[:, 2])

    spiro = _columns(
        list(
            Spirometry.objects.filter(patient_id__in=of_courses)
            .order_by()  # sorted below
            .values_list(
                "patient_id",
                EpochDays("measured_on"),
                Coalesce(AsFloat("fvc_litres"), -1.0, output_field=Field()),
                Coalesce(AsFloat("fvc_percent_entered"), -1.0, output_field=Field()),
                "equation",
            )
        ),
        5,
    )
    people = {
        r["patient_id"]: SimpleNamespace(
            date_of_birth=r["patient__date_of_birth"],
            height_cm=r["patient__height_cm"],
            sex=r["patient__sex"],
        )
        for r in course_rows
    }
    # FVC % predicted: care.measurements' figures (outcomes.spirometry), for all rows at once.
    spiro = spiro[np.lexsort((spiro[:, 1].astype(np.int64), spiro[:, 0].astype(np.int64)))]
    s_patient, s_day = spiro[:, 0].astype(np.int64), spiro[:, 1].astype(np.int64)
    litres, entered = (
        np.where(spiro[:, j] == -1.0, np.nan, spiro[:, j]).astype(float) for j in (2, 3)
    )
    percents = fvc_percent_values(people, s_patient, s_day, litres, entered, spiro[:, 4])
    measured = np.isfinite(percents)
    s_patient, s_day, s_fvc = s_patient[measured], s_day[measured], percents[measured]

    # Riluzole and edaravone: taken on the day of the first dose (unknown without one).
    first_dose = c["first_dose"]
    taking = {drug: np.where(np.equal(first_dose, None), np.nan, 0.0) for drug in DRUGS}
    course_indices: dict[int, list[int]] = defaultdict(list)
    for i, pid in enumerate(course_patient.tolist()):
        course_indices[pid].append(i)
    for pid, drug, start, stop in Medication.objects.filter(
        patient_id__in=of_courses, drug__in=DRUGS
    ).values_list("patient_id", "drug", "started_on", "stopped_on"):
        for i in course_indices[pid]:
            day = first_dose[i]
            if day is not None and (start is None or start <= day) and (stop is None or stop > day):
                taking[drug][i] = 1.0
    events = list(
        AdverseEvent.objects.filter(patient_id__in=of_courses)
        .order_by("onset_date")
        .values(
            "pk",
            "patient_id",
            "course_id",
            "onset_date",
            "serious",
            "grade",
            "related_to_cells",
            "related_to_procedure",
            "description",
            "outcome",
        )
    )

    # Per patient: the first FVC % on record (ENCALS, as the progression page takes it) and
    # the last day anything was measured (known alive and event-free then).
    patients_of = np.unique(course_patient)
    first_fvc = np.full(patients_of.size, np.nan)
    if s_patient.size:
        uniq, first_row = np.unique(s_patient, return_index=True)
        first_fvc[np.searchsorted(patients_of, uniq)] = s_fvc[first_row]
    last_seen = np.full(patients_of.size, _NAT, dtype=np.int64)
    for pids, days in ((a_patient, a_day), (s_patient, s_day)):
        if pids.size:
            np.maximum.at(last_seen, np.searchsorted(patients_of, pids), days)
    at = np.searchsorted(patients_of, course_patient)
    labels = np.array(
        [f"{r['patient__study_id']}-{r['number']}" for r in course_rows], dtype=object
    )
    courses = {
        "patient_id": c["pk"].astype(np.int64),
        "course_label": labels,
        "person": c["patient__study_id"],
        "course_number": c["number"].astype(np.float64),
        "treatment_date": _day_numbers(first_dose).view("datetime64[D]"),
        "sex": c["patient__sex"],
        "birth_date": _day_numbers(c["patient__date_of_birth"]).view("datetime64[D]"),
        "onset_date": _day_numbers(c["patient__onset_date"]).view("datetime64[D]"),
        "diagnosis_date": _day_numbers(c["patient__diagnosis_date"]).view("datetime64[D]"),
        "onset_site": c["patient__onset_site"],
        "el_escorial": c["patient__el_escorial"],
        "ftd": _flag(c["patient__ftd"]),
        "c9orf72": _flag(c["patient__c9orf72"]),
        "fvc_percent": first_fvc[at] if n else np.zeros(0),
        "death_date": _day_numbers(c["patient__death_date"]).view("datetime64[D]"),
        "tracheostomy_date": _day_numbers(c["patient__tracheostomy_date"]).view("datetime64[D]"),
        "niv_full_time_date": _day_numbers(c["patient__niv_full_time_date"]).view("datetime64[D]"),
        "niv_date": _day_numbers(c["patient__niv_date"]).view("datetime64[D]"),
        "gastrostomy_date": _day_numbers(c["patient__gastrostomy_date"]).view("datetime64[D]"),
        "last_contact_date": (last_seen[at] if n else np.zeros(0, np.int64)).view("datetime64[D]"),
        "riluzole": taking["riluzole"],
        "edaravone": taking["edaravone"],
    }
    # Visits and spirometry are keyed by course: a patient's rows go to each of their courses.
    rows, course = _per_course(a_patient, course_patient)
    visits: dict[str, np.ndarray] = {
        "patient_id": courses["patient_id"][course],
        "visit_date": a_day[rows].view("datetime64[D]"),
    }
    for j, item in enumerate(ALSFRS_R_KEYS):
        visits[item] = a_items[rows, j]
    rows, course = _per_course(s_patient, course_patient)
    spirometry = {
        "patient_id": courses["patient_id"][course],
        "measured_date": s_day[rows].view("datetime64[D]"),
        "fvc_percent": s_fvc[rows],
    }
    # An event belongs to its course when it names one, else to the patient's latest course
    # that had started by the event's onset; events before the first dose are left out.
    starts = {r["pk"]: r["first_dose"] for r in course_rows}
    courses_of: dict[int, list[int]] = defaultdict(list)
    for r in course_rows:
        courses_of[r["patient_id"]].append(r["pk"])
    label_of = dict(zip(courses["patient_id"].tolist(), labels.tolist(), strict=True))
    e_rows = []
    for e in events:
        began = [
            k
            for k in courses_of[e["patient_id"]]
            if starts[k] is not None and starts[k] <= e["onset_date"]
        ]
        chosen = e["course_id"] if e["course_id"] in starts else (began[-1] if began else None)
        if chosen is None or starts[chosen] is None or e["onset_date"] < starts[chosen]:
            continue  # before treatment: not an adverse event of the cells or procedure
        e_rows.append((chosen, e))

    def relatedness(e: dict[str, Any]) -> str:
        if e["related_to_cells"] in _RELATED:
            return "cells"
        if e["related_to_procedure"] in _RELATED:
            return "procedure"
        if e["related_to_cells"] or e["related_to_procedure"]:
            return "neither"
        return "unknown"

    adverse = {
        "patient_id": np.array([k for k, _ in e_rows], dtype=np.int64),
        "course_label": np.array([label_of[k] for k, _ in e_rows], dtype=object),
        "onset_date": _day_numbers(
            np.array([e["onset_date"] for _, e in e_rows], dtype=object)
        ).view("datetime64[D]"),
        "serious": np.array([float(e["serious"]) for _, e in e_rows]),
        "grade": np.array([float(e["grade"] or 0) for _, e in e_rows]),
        "relatedness": np.array([relatedness(e) for _, e in e_rows], dtype=object),
        "description": np.array([e["description"][:200] for _, e in e_rows], dtype=object),
        "outcome": np.array([e["outcome"] for _, e in e_rows], dtype=object),
    }
    flow_before = _flow_before(sites, filters, course_rows, of_courses)
    site_list = list(Site.objects.filter(pk__in=sites).order_by("name"))
    study_ids = sorted({r["patient__study_id"] for r in course_rows}) if export == "csv" else []
    record(
        user,
        AuditEvent.Action.EXPORT if export else AuditEvent.Action.VIEW,
        object_type="reports.cohort",
        object_label=", ".join(s.name for s in site_list)[:200],
        site_id=site_list[0].pk if len(site_list) == 1 else None,
        detail={
            "filters": filters.as_detail(),
            "sites": sites,
            "courses": len(course_rows),
            **({"format": export} if export else {}),
            **({"study_ids": study_ids} if study_ids else {}),
        },
    )
    return CohortTables(
        sites=site_list,
        courses=courses,
        visits=visits,
        spirometry=spirometry,
        adverse_events=adverse,
        flow_before=flow_before,
    )


def _flow_before(
    sites: list[int], filters: Filters, course_rows: list[dict[str, Any]], of_courses: QuerySet
) -> list[FlowStep]:
    """Applied → likely eligible → accepted → patient record, then courses → consented →
    treated: the counts and who left at each step (CONSORT 2025 flow, single arm)."""
    apps = Application.objects.filter(site_id__in=sites).exclude(status=Application.Status.DRAFT)
    if filters.site:
        apps = apps.filter(site_id=filters.site)
    if filters.programme:
        apps = apps.filter(programme_id=filters.programme)
    counts = {
        row["status"]: row["n"] for row in apps.order_by().values("status").annotate(n=Count("pk"))
    }
    applied = sum(counts.values())
    likely = apps.filter(verdict="likely_eligible").count()
    accepted = counts.get(Application.Status.ACCEPTED, 0)
    converted = apps.filter(patient__isnull=False).count()
    pending = applied - accepted - counts.get("declined", 0) - counts.get("withdrawn", 0)
    consented = _consented(course_rows, of_courses)
    return [
        FlowStep("applied", applied),
        FlowStep(
            "likely_eligible",
            likely,
            (("not_likely_eligible", applied - likely),) if applied - likely else (),
        ),
        FlowStep(
            "accepted",
            accepted,
            tuple(
                (k, v)
                for k, v in (
                    ("declined", counts.get("declined", 0)),
                    ("withdrew", counts.get("withdrawn", 0)),
                    ("in_progress", pending),
                )
                if v
            ),
        ),
        FlowStep("patient_record", converted),
        FlowStep("courses", len(course_rows)),
        FlowStep(
            "consented",
            consented,
            (("no_consent", len(course_rows) - consented),) if len(course_rows) - consented else (),
        ),
    ]


def _consented(course_rows: list[dict[str, Any]], of_courses: QuerySet) -> int:
    """Courses whose patient had given treatment consent, not withdrawn, by the first dose (or
    by the course start when no dose is recorded)."""
    consents: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for pid, given, withdrawn in Consent.objects.filter(
        patient_id__in=of_courses, purpose=Consent.Purpose.TREATMENT
    ).values_list("patient_id", "given_on", "withdrawn_on"):
        consents[pid].append((given, withdrawn))
    n = 0
    for r in course_rows:
        day = r["first_dose"] or r["started_on"]
        if any(g <= day and (w is None or w > day) for g, w in consents[r["patient_id"]]):
            n += 1
    return n


def placebo_context() -> dict[str, PlaceboContext]:
    """The placebo arms' responder figures from the study library (published figure records
    only; an unverified one is marked so), by responder definition."""
    figures = Figure.objects.filter(slug__in=PLACEBO_FIGURES.values(), published=True)
    by_slug = {f.slug: f for f in figures.select_related("study")}
    out = {}
    for definition, slug in PLACEBO_FIGURES.items():
        figure = by_slug.get(slug)
        if figure is None:
            continue
        out[definition] = PlaceboContext(
            definition=definition,
            label=figure.label,
            value=figure.value,
            study=figure.study.short_name if figure.study_id else "",
            url=figure.get_absolute_url(),
            unverified=figure.confidence == Confidence.UNVERIFIED,
        )
    return out
