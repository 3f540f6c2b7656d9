"""Reads for the cohort report: the records of the sites a user may see, as the engine's tables.

One query per table whatever the cohort's size (courses with their first dose, ALSFRS-R,
spirometry, medications, adverse events, applications); every figure is then computed by
``reports.analysis.report.analyse``. Each report read is one audit event naming the user, the
sites, the filters and how many courses it covered (the per-patient table adds the study IDs).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import numpy as np
from django.db.models import Count, Min, QuerySet

from cellpath.accounts.access import site_ids_for
from cellpath.accounts.audit import record
from cellpath.accounts.models import AuditEvent, Site, User
from cellpath.accounts.roles import Role
from cellpath.care.models import (
    AdverseEvent,
    AlsfrsR,
    Consent,
    Medication,
    Patient,
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
from cellpath.outcomes.vocabulary import ALSFRS_R_KEYS, DAYS_PER_YEAR
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


def _courses(sites: list[int], f: Filters) -> QuerySet[TreatmentCourse]:
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
    rows = rows.annotate(first_dose=Min("administrations__given_on"))
    if f.treated_from:
        rows = rows.filter(first_dose__gte=f.treated_from)
    if f.treated_to:
        rows = rows.filter(first_dose__lte=f.treated_to)
    return rows


_EPOCH = date(1970, 1, 1).toordinal()
_NAT = np.iinfo(np.int64).min  # NaT's integer in datetime64


def _dates(values: Iterable[date | None]) -> np.ndarray:
    """Dates as datetime64[D] (None → NaT), through day numbers: NumPy converts a list of
    ``date`` objects one by one, slowly."""
    days = [_NAT if v is None else v.toordinal() - _EPOCH for v in values]
    return np.array(days, dtype=np.int64).view("datetime64[D]")


#: The reference equations of ``outcomes.spirometry.fvc_percent_predicted``, by code.
_FVC_EQUATIONS = {
    "gli2012": gli2012_fvc_percent_predicted,
    "nhanes3": nhanes3_fvc_percent_predicted,
}


def fvc_percent_values(patients: dict[int, Patient], rows: list[Any]) -> list[float | None]:
    """``care.measurements.fvc_percents(patient, rows)[i].percent`` for every spirometry row of
    many patients at once (rows with ``patient_id``, ``measured_on``, ``fvc_litres``,
    ``fvc_percent_entered``, ``equation``): the same equations on the same numbers, one call
    per equation instead of one per patient. Computed from the litres with the recorded
    equation (GLI-2012 when blank) at the age on the day; else the % entered from a report;
    else None."""
    n = len(rows)
    litres = np.full(n, np.nan)
    age = np.full(n, np.nan)
    height = np.full(n, np.nan)
    sex = np.full(n, "", dtype=object)
    equation = np.array([row.equation or "gli2012" for row in rows], dtype=object)
    for i, row in enumerate(rows):
        p = patients[row.patient_id]
        birth = p.date_of_birth
        if row.fvc_litres is None or not (p.height_cm and p.sex and birth):
            continue  # nothing to compute (fvc_percent_predicted: no litres, missing inputs)
        litres[i] = float(row.fvc_litres)
        age[i] = (row.measured_on - birth).days / DAYS_PER_YEAR
        height[i] = float(p.height_cm)
        sex[i] = p.sex
    computed = np.full(n, np.nan)
    for code, function in _FVC_EQUATIONS.items():
        chosen = np.flatnonzero((equation == code) & np.isfinite(litres))
        if chosen.size:
            computed[chosen] = function(
                litres[chosen], age[chosen], height[chosen], sex[chosen].astype(str)
            )
    out: list[float | None] = []
    for value, row in zip(computed.tolist(), rows, strict=True):
        if math.isfinite(value):
            out.append(value)
        elif row.fvc_percent_entered is not None:
            out.append(float(row.fvc_percent_entered))
        else:
            out.append(None)
    return out


def _on_at(periods: list[tuple[date | None, date | None]], day: date | None) -> float:
    if day is None:
        return float("nan")
    return float(any((s is None or s <= day) and (e is None or e > day) for s, e in periods))


def cohort_tables(*, user: User, filters: Filters, detail: bool = False) -> CohortTables | None:
    """The tables of the courses ``user`` may see under ``filters``; None if the user may read
    no site's report. Records one audit event (a view of ``reports.cohort``, or an export when
    ``detail`` — the per-patient table — with the study IDs it holds)."""
    sites = report_sites(user)
    if not sites:
        return None
    if filters.site and filters.site not in sites:
        sites = []
    course_rows = list(
        _courses(sites, filters)
        .order_by("patient_id", "number")
        .values(
            "pk",
            "number",
            "first_dose",
            "started_on",
            "patient_id",
            "patient__study_id",
            "patient__sex",
            "patient__date_of_birth",
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
    )
    patient_ids = sorted({r["patient_id"] for r in course_rows})
    alsfrs = list(
        AlsfrsR.objects.filter(patient_id__in=patient_ids)
        .order_by("patient_id", "assessed_on")
        .values_list("patient_id", "assessed_on", *ALSFRS_R_KEYS)
    )
    spiro_rows = list(
        Spirometry.objects.filter(patient_id__in=patient_ids)
        .order_by("patient_id", "measured_on")
        .values_list(
            "patient_id", "measured_on", "fvc_litres", "fvc_percent_entered", "equation", named=True
        )
    )
    meds: dict[int, dict[str, list[tuple[date | None, date | None]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for pid, drug, start, stop in Medication.objects.filter(
        patient_id__in=patient_ids, drug__in=["riluzole", "edaravone"]
    ).values_list("patient_id", "drug", "started_on", "stopped_on"):
        meds[pid][drug].append((start, stop))
    events = list(
        AdverseEvent.objects.filter(patient_id__in=patient_ids)
        .order_by("onset_date")
        .values(
            "pk",
            "patient_id",
            "course_id",
            "patient__study_id",
            "onset_date",
            "serious",
            "grade",
            "related_to_cells",
            "related_to_procedure",
            "description",
            "outcome",
        )
    )

    # FVC % predicted: care.measurements' figures (outcomes.spirometry), for all rows at once.
    people = Patient.objects.only("date_of_birth", "height_cm", "sex")
    patients = people.in_bulk(patient_ids) if spiro_rows else {}
    spiro: list[tuple[int, date, float]] = [
        (row.patient_id, row.measured_on, percent)
        for row, percent in zip(spiro_rows, fvc_percent_values(patients, spiro_rows), strict=True)
        if percent is not None
    ]

    # ENCALS takes the first FVC % predicted on record, as the progression page does.
    first_fvc: dict[int, float] = {}
    for pid, _, fvc in spiro:
        first_fvc.setdefault(pid, fvc)
    treated = [r for r in course_rows if r["first_dose"] is not None]
    alsfrs_by: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in alsfrs:
        alsfrs_by[row[0]].append(row)
    last_seen: dict[int, date] = {}
    for pid, day, *_ in alsfrs:
        last_seen[pid] = max(day, last_seen.get(pid, day))
    for pid, day, _ in spiro:
        last_seen[pid] = max(day, last_seen.get(pid, day))

    def key(r: dict[str, Any]) -> str:
        return f"{r['patient__study_id']}-{r['number']}"

    courses = {
        "patient_id": np.array([key(r) for r in course_rows], dtype=object),
        "person": np.array([r["patient__study_id"] for r in course_rows], dtype=object),
        "course_number": np.array([r["number"] for r in course_rows], dtype=np.float64),
        "treatment_date": _dates(r["first_dose"] for r in course_rows),
        "sex": np.array([r["patient__sex"] for r in course_rows], dtype=object),
        "birth_date": _dates(r["patient__date_of_birth"] for r in course_rows),
        "onset_date": _dates(r["patient__onset_date"] for r in course_rows),
        "diagnosis_date": _dates(r["patient__diagnosis_date"] for r in course_rows),
        "onset_site": np.array([r["patient__onset_site"] for r in course_rows], dtype=object),
        "el_escorial": np.array([r["patient__el_escorial"] for r in course_rows], dtype=object),
        "ftd": np.array(
            [np.nan if r["patient__ftd"] is None else float(r["patient__ftd"]) for r in course_rows]
        ),
        "c9orf72": np.array(
            [
                np.nan if r["patient__c9orf72"] is None else float(r["patient__c9orf72"])
                for r in course_rows
            ]
        ),
        "fvc_percent": np.array([first_fvc.get(r["patient_id"], np.nan) for r in course_rows]),
        "death_date": _dates(r["patient__death_date"] for r in course_rows),
        "tracheostomy_date": _dates(r["patient__tracheostomy_date"] for r in course_rows),
        "niv_full_time_date": _dates(r["patient__niv_full_time_date"] for r in course_rows),
        "niv_date": _dates(r["patient__niv_date"] for r in course_rows),
        "gastrostomy_date": _dates(r["patient__gastrostomy_date"] for r in course_rows),
        "last_contact_date": _dates(last_seen.get(r["patient_id"]) for r in course_rows),
        "riluzole": np.array(
            [_on_at(meds[r["patient_id"]]["riluzole"], r["first_dose"]) for r in course_rows]
        ),
        "edaravone": np.array(
            [_on_at(meds[r["patient_id"]]["edaravone"], r["first_dose"]) for r in course_rows]
        ),
    }
    # Visits, spirometry and events are keyed by course: a patient's rows go to each course.
    course_keys: dict[int, list[str]] = defaultdict(list)
    for r in course_rows:
        course_keys[r["patient_id"]].append(key(r))
    v_rows = [(k, *row[1:]) for row in alsfrs for k in course_keys[row[0]]]
    visits: dict[str, np.ndarray] = {
        "patient_id": np.array([r[0] for r in v_rows], dtype=object),
        "visit_date": _dates(r[1] for r in v_rows),
    }
    for j, item in enumerate(ALSFRS_R_KEYS):
        visits[item] = np.array(
            [-1 if r[2 + j] is None else r[2 + j] for r in v_rows], dtype=np.int16
        )
    s_rows = [(k, day, fvc) for pid, day, fvc in spiro for k in course_keys[pid]]
    spirometry = {
        "patient_id": np.array([r[0] for r in s_rows], dtype=object),
        "measured_date": _dates(r[1] for r in s_rows),
        "fvc_percent": np.array([r[2] for r in s_rows], dtype=np.float64),
    }
    # An event belongs to its course when it names one, else to the patient's latest course
    # that had started by the event's onset.
    starts = {key(r): r["first_dose"] for r in course_rows}
    key_of_course = {r["pk"]: key(r) for r in course_rows}
    e_rows = []
    for e in events:
        began = [
            k
            for k in course_keys[e["patient_id"]]
            if starts[k] is not None and starts[k] <= e["onset_date"]
        ]
        chosen = key_of_course.get(e["course_id"]) or (began[-1] if began else None)
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
        "patient_id": np.array([k for k, _ in e_rows], dtype=object),
        "onset_date": _dates(e["onset_date"] for _, e in e_rows),
        "serious": np.array([float(e["serious"]) for _, e in e_rows]),
        "grade": np.array([float(e["grade"] or 0) for _, e in e_rows]),
        "relatedness": np.array([relatedness(e) for _, e in e_rows], dtype=object),
        "description": np.array([e["description"][:200] for _, e in e_rows], dtype=object),
        "outcome": np.array([e["outcome"] for _, e in e_rows], dtype=object),
    }

    flow_before = _flow_before(sites, filters, course_rows, treated)
    site_list = list(Site.objects.filter(pk__in=sites).order_by("name"))
    detail_ids = sorted({r["patient__study_id"] for r in course_rows}) if detail else []
    record(
        user,
        AuditEvent.Action.EXPORT if detail else AuditEvent.Action.VIEW,
        object_type="reports.cohort",
        object_label=", ".join(s.name for s in site_list)[:200],
        site_id=site_list[0].pk if len(site_list) == 1 else None,
        detail={
            "filters": filters.as_detail(),
            "sites": sites,
            "courses": len(course_rows),
            **({"study_ids": detail_ids} if detail else {}),
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
    sites: list[int],
    filters: Filters,
    course_rows: list[dict[str, Any]],
    treated: list[dict[str, Any]],
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
    consented = _consented(course_rows)
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


def _consented(course_rows: list[dict[str, Any]]) -> int:
    """Courses whose patient had given treatment consent, not withdrawn, by the first dose (or
    by the course start when no dose is recorded)."""
    ids = {r["patient_id"] for r in course_rows}
    consents: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for pid, given, withdrawn in Consent.objects.filter(
        patient_id__in=ids, purpose=Consent.Purpose.TREATMENT
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
