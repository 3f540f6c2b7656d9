"""Clinical histories for the demo patients, drawn from the outcomes engine's synthetic cohort.

Invented data for showing Cellpath, never for conclusions: ALSFRS-R visits every ~2 months,
gastrostomy, NIV and deaths as the generator models them, NIV more than 23 hours a day from
ALSFRS-R item 12 or in the last weeks of life (`_ventilation`); for treated patients a course of
autologous bone-marrow MSC from one of the demo programmes (harvest → lot → three intrathecal
doses), its follow-up schedule, a few adverse events (one serious), self-reports and updates.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from cellpath.accounts.audit import Actor
from cellpath.care import services
from cellpath.care.models import Patient
from cellpath.outcomes.synthetic import synthetic_cohort
from cellpath.outcomes.vocabulary import ALSFRS_R_KEYS
from cellpath.programmes.models import Programme


@dataclass(frozen=True)
class SyntheticPatient:
    clinical: dict[str, object]
    visits: list[tuple[date, dict[str, int | None]]]
    treatment_date: date | None
    fvc_percent: float | None


def _day(value: np.datetime64) -> date | None:
    return None if np.isnat(value) else value.astype("datetime64[D]").item()


DEATH_CAUSE = "Respiratory failure due to ALS"
"""The demo's cause of death: the usual one in ALS (invented records, one cause for all)."""

FULL_TIME_NIV_AFTER = timedelta(days=91)
"""The shortest time from the start of NIV to its use more than 23 hours a day in the demo."""


def _ventilation(
    history: list[tuple[date, dict[str, int | None]]], death: date | None
) -> tuple[date | None, date | None]:
    """When NIV began and when it came to more than 23 hours a day (None: not in the history).

    NIV begins at the first visit whose item 12 (respiratory insufficiency) is below 4, as the
    generator models it. More than 23 hours a day, at least three months later: the first visit
    scoring 1 ("continuous BiPAP during the night and day"); failing that, for a patient who died
    on NIV (never scored 0, invasive ventilation), halfway between the last visit and death (the
    last weeks are often spent on the mask day and night). Never after death, never in the
    future."""
    scored = [(day, items["q12"]) for day, items in history if items["q12"] is not None]
    niv = next((day for day, score in scored if score < 4), None)
    if niv is None:
        return None, None
    later = [(day, score) for day, score in scored if day - niv >= FULL_TIME_NIV_AFTER]
    full_time = next((day for day, score in later if score == 1), None)
    invasive = any(score == 0 for _, score in scored)
    if full_time is None and death is not None and not invasive:
        last = history[-1][0]
        halfway = last + (death - last) // 2
        if last < halfway < death and halfway - niv >= FULL_TIME_NIV_AFTER:
            full_time = halfway
    return niv, full_time


def stage_dates(
    history: list[tuple[date, dict[str, int | None]]],
) -> tuple[date | None, date | None, date | None]:
    """The first visits whose ALSFRS-R shows a feeding tube (5b answered), breathing support
    (item 12 below 4) and invasive ventilation (item 12 at 0): the record's gastrostomy, NIV and
    tracheostomy dates, so that the record agrees with the answers (the data-quality rules
    `item5_findings` and `ventilation_findings` ask when it does not)."""
    gastrostomy = next((d for d, items in history if items["q5b"] is not None), None)
    scored = [(d, items["q12"]) for d, items in history if items["q12"] is not None]
    niv = next((d for d, score in scored if score < 4), None)
    tracheostomy = next((d for d, score in scored if score == 0), None)
    return gastrostomy, niv, tracheostomy


def synthetic_patients(n: int, *, today: date, seed: int = 7) -> list[SyntheticPatient]:
    """`n` patients whose onset lies 1–4 years before `today`, seen up to `today`."""
    patients, visits = synthetic_cohort(
        n,
        seed=seed,
        treated_fraction=0.6,
        missing_fraction=0.0,
        onset_start=str(today - timedelta(days=4 * 365)),
        onset_end=str(today - timedelta(days=400)),
        censor_date=str(today),
    )
    return from_tables(patients, visits)


def from_tables(
    patients: dict[str, np.ndarray], visits: dict[str, np.ndarray]
) -> list[SyntheticPatient]:
    """The records of a `synthetic_cohort`'s tables (generated without missing values): the
    clinical facts, the ALSFRS-R history, the treatment date and the FVC at diagnosis."""
    starts = np.searchsorted(visits["patient_id"], patients["patient_id"], side="left")
    ends = np.searchsorted(visits["patient_id"], patients["patient_id"], side="right")
    result = []
    for i in range(len(patients["patient_id"])):
        history = []
        for r in range(starts[i], ends[i]):
            items = {name: int(visits[name][r]) for name in ALSFRS_R_KEYS}
            items = {k: (None if v < 0 else v) for k, v in items.items()}
            history.append((_day(visits["visit_date"][r]), items))
        gastrostomy, _, tracheostomy = stage_dates(history)
        death = _day(patients["death_date"][i])
        niv, niv_full_time = _ventilation(history, death)
        clinical = {
            "sex": str(patients["sex"][i]),
            "date_of_birth": _day(patients["birth_date"][i]),
            "onset_date": _day(patients["onset_date"][i]),
            "diagnosis_date": _day(patients["diagnosis_date"][i]),
            "onset_site": str(patients["onset_site"][i]),
            "el_escorial": str(patients["el_escorial"][i]),
            "ftd": bool(patients["ftd"][i]),
            "c9orf72": bool(patients["c9orf72"][i]),
            "height_cm": Decimal(170 if patients["sex"][i] == "M" else 162),
            "gastrostomy_date": gastrostomy,
            "niv_date": niv,
            "niv_full_time_date": niv_full_time,
            "tracheostomy_date": tracheostomy,
            "death_date": death,
            "death_cause": DEATH_CAUSE if death else "",
        }
        result.append(
            SyntheticPatient(
                clinical=clinical,
                visits=history,
                treatment_date=_day(patients["treatment_date"][i]),
                fvc_percent=float(patients["fvc_percent"][i]),
            )
        )
    return result


def add_history(
    patient: Patient,
    synthetic: SyntheticPatient,
    *,
    product: DemoProduct,
    actor: Actor,
    rng: random.Random,
    today: date,
) -> None:
    """Record a synthetic history for `patient` through the care services (all audited); a
    treated patient's course belongs to `product`'s programme."""
    diagnosis = synthetic.clinical["diagnosis_date"]
    if diagnosis and synthetic.fvc_percent:
        services.spirometry_record(
            actor=actor,
            patient=patient,
            measured_on=diagnosis,
            fvc_percent_entered=Decimal(f"{synthetic.fvc_percent:.1f}"),
        )
    services.medication_record(actor=actor, patient=patient, drug="riluzole", started_on=diagnosis)
    course = None
    visits = synthetic.visits
    if synthetic.treatment_date:
        course = _course(
            patient, synthetic.treatment_date, product=product, actor=actor, today=today
        )
        visits = _on_schedule(visits, course, rng=rng, today=today, death=patient.death_date)
        _dates_follow_the_visits(patient, visits, actor=actor)
    last = len(visits) - 1
    for index, (day, items) in enumerate(visits):
        self_report = patient.user_id is None and index >= last - 1 and rng.random() < 0.3
        services.alsfrs_r_record(
            actor=actor,
            patient=patient,
            assessed_on=day,
            respondent="self" if self_report else "clinic",
            items=items,
        )
    if course is not None:
        _adverse_events(patient, course, actor=actor, rng=rng, today=today)
    if synthetic.visits and rng.random() < 0.5:
        services.update_post(
            actor=actor,
            patient=patient,
            written_on=synthetic.visits[-1][0],
            text=rng.choice(UPDATES),
        )


def _on_schedule(
    visits: list[tuple[date, dict[str, int | None]]],
    course: object,
    *,
    rng: random.Random,
    today: date,
    death: date | None = None,
) -> list[tuple[date, dict[str, int | None]]]:
    """Move each synthetic visit near a scheduled one onto its due date (± a few days), as a
    clinic keeping to its schedule would; the rest stay unscheduled, and some visits are missed.
    A visit never moves past the patient's death (it keeps its own date)."""
    moved = list(visits)
    free = set(range(len(moved)))
    for due in (v.due_date for v in course.visits.all()):  # type: ignore[attr-defined]
        near = [i for i in free if abs((moved[i][0] - due).days) <= 45]
        if near:
            i = min(near, key=lambda i: abs((moved[i][0] - due).days))
            free.discard(i)
            day = min(due + timedelta(days=rng.randint(-3, 3)), today)
            if death is not None and day > death:
                continue
            moved[i] = (day, moved[i][1])
    moved.sort(key=lambda visit: visit[0])
    return [v for i, v in enumerate(moved) if i == 0 or v[0] != moved[i - 1][0]]


def _dates_follow_the_visits(
    patient: Patient, visits: list[tuple[date, dict[str, int | None]]], *, actor: Actor
) -> None:
    """Visits moved onto the schedule may come before the day the generator first showed a
    feeding tube or breathing support: the record's dates move with them."""
    found = zip(
        ("gastrostomy_date", "niv_date", "tracheostomy_date"), stage_dates(visits), strict=True
    )
    earlier = {
        name: day
        for name, day in found
        if day is not None and (getattr(patient, name) is None or day < getattr(patient, name))
    }
    if earlier:
        services.patient_update(actor=actor, patient=patient, **earlier)


UPDATES = [
    "Tired in the afternoons, but managing the stairs with the handrail.",
    "Speech is slower this month; the speech therapist gave me new exercises.",
    "Good week. Walked to the park with my daughter.",
    "Using the wheelchair outside now. Sleeping well.",
]


@dataclass(frozen=True)
class DemoProduct:
    """What a demo course gives: the programme's product, from the tissue the programme names."""

    programme: Programme
    tissue: str
    route: str


DOSES = 3
DOSE_INTERVAL = timedelta(weeks=8)
"""Both demo programmes give three doses about two months apart."""
DOSE_CELLS = 100_000_000
DOSE_BODY_SITE = "Lumbar L3–L4"
DOSE_GIVEN_BY = "Dr Demo Clinician"


CONSENT_VERSION = "2.1"
"""The version of the demo programmes' treatment consent form."""
HARVEST_BEFORE = timedelta(days=21)
"""The bone-marrow harvest, three weeks before the first dose."""
CONSENT_BEFORE = timedelta(days=35)
"""The treatment consent, signed about five weeks before the first dose (before the harvest)."""


def consent_day(started_on: date, diagnosis: date | None) -> date:
    """When a demo patient signed the treatment consent: `CONSENT_BEFORE` the course start, or
    on the day of the diagnosis when that came later, always before the harvest."""
    day = started_on - CONSENT_BEFORE
    if diagnosis and day < diagnosis < started_on - HARVEST_BEFORE:
        return diagnosis
    return day


def dose_days(started_on: date, *, today: date, death: date | None) -> list[date]:
    """The days of the course's doses that were given: none in the future, none on or after
    the day of death."""
    days = [started_on + DOSE_INTERVAL * dose for dose in range(DOSES)]
    return [d for d in days if d <= today and (death is None or d < death)]


def _course(
    patient: Patient, started_on: date, *, product: DemoProduct, actor: Actor, today: date
) -> object:
    programme = product.programme
    services.consent_record(
        actor=actor,
        patient=patient,
        purpose="treatment",
        version=CONSENT_VERSION,
        given_on=consent_day(started_on, patient.diagnosis_date),
        method="written",
    )
    course = services.course_start(
        actor=actor,
        patient=patient,
        programme=programme,
        product=programme.product,
        cell_type=programme.cell_type,
        donor=programme.donor,
        tissue=product.tissue,
        route=product.route,
        planned_schedule=programme.schedule,
        started_on=started_on,
    )
    harvest = services.harvest_record(
        actor=actor,
        course=course,
        collected_on=started_on - HARVEST_BEFORE,
        tissue=product.tissue,
        reference=f"H-{patient.study_id}-{course.number}",
    )
    lot = services.batch_record(
        actor=actor,
        course=course,
        lot_number=f"LOT-{patient.study_id}-{course.number}",
        harvest=harvest,
        processed_on=started_on - timedelta(days=3),
        cell_count=450_000_000,
        viability_percent=Decimal("92.5"),
    )
    for given_on in dose_days(started_on, today=today, death=patient.death_date):
        services.administration_record(
            actor=actor,
            course=course,
            batch=lot,
            given_on=given_on,
            dose_cells=DOSE_CELLS,
            route=product.route,
            body_site=DOSE_BODY_SITE,
            given_by_name=DOSE_GIVEN_BY,
        )
    return course


def _adverse_events(
    patient: Patient, course: object, *, actor: Actor, rng: random.Random, today: date
) -> None:
    start = course.started_on  # type: ignore[attr-defined]
    resolved = start + timedelta(days=4)
    alive = patient.death_date is None or resolved < patient.death_date
    if rng.random() < 0.5 and alive and resolved <= today:
        services.adverse_event_record(
            actor=actor,
            patient=patient,
            course=course,  # type: ignore[arg-type]
            description="Headache after lumbar puncture",
            onset_date=start + timedelta(days=1),
            resolved_date=resolved,
            grade=1,
            serious=False,
            related_to_procedure="probable",
            related_to_cells="unlikely",
            expectedness="expected",  # a known effect of lumbar puncture
            aware_date=start + timedelta(days=1),
            outcome="recovered",
            action_taken="Rest and paracetamol",
        )


def _known(day: date, patient: Patient, today: date) -> date | None:
    """A demo date kept only when it is not in the future nor after the patient's death."""
    death = patient.death_date
    return day if day <= today and (death is None or day < death) else None


def add_serious_event(patient: Patient, course: object, *, actor: Actor, today: date) -> None:
    """The one open serious adverse event of the demo, for the dashboard to show (not for a
    patient who died before it would have begun): a SUSAR (unexpected, possibly caused by the
    cells), reported to the regulator and the ethics committee within ICH E2A's 15 days. For a
    patient who died later it had ended two weeks after it began: death asks for the outcome of
    every open event."""
    start = course.started_on  # type: ignore[attr-defined]
    onset = start + timedelta(weeks=4, days=2)
    death = patient.death_date
    ended = onset + timedelta(days=14)
    if death is not None and ended >= death:
        return
    aware = onset + timedelta(days=1)
    services.adverse_event_record(
        actor=actor,
        patient=patient,
        course=course,  # type: ignore[arg-type]
        description="Fever and neck stiffness two days after the second dose; admitted for "
        "observation, lumbar puncture culture negative",
        onset_date=onset,
        grade=3,
        serious=True,
        hospitalisation=True,
        expectedness="unexpected",
        related_to_procedure="possible",
        related_to_cells="possible",
        aware_date=_known(aware, patient, today),
        reported_to_regulator_on=_known(aware + timedelta(days=6), patient, today),
        reported_to_ethics_on=_known(aware + timedelta(days=9), patient, today),
        outcome="recovering" if death is None else "recovered",
        resolved_date=None if death is None else ended,
        action_taken="Hospital admission; third dose postponed",
    )


def add_overdue_susar(patient: Patient, course: object, *, actor: Actor, today: date) -> None:
    """A planted problem for the demo, not an example to follow: a SUSAR (serious, unexpected,
    possibly caused by the cells) that the site knew of more than 15 days ago and has not
    reported to the regulator, so the adverse-event list shows it as overdue (ICH E2A III.A.1).
    Nothing when it would fall in the future or after the patient's death."""
    start = course.started_on  # type: ignore[attr-defined]
    onset = start + timedelta(days=3)
    aware = onset + timedelta(days=2)
    resolved = onset + timedelta(days=9)
    if aware + timedelta(days=15) >= today or _known(resolved, patient, today) is None:
        return
    services.adverse_event_record(
        actor=actor,
        patient=patient,
        course=course,  # type: ignore[arg-type]
        description="Severe headache and vomiting with raised CSF white cells after the dose; "
        "admitted for two nights",
        onset_date=onset,
        grade=3,
        serious=True,
        hospitalisation=True,
        expectedness="unexpected",
        related_to_procedure="possible",
        related_to_cells="possible",
        aware_date=aware,
        outcome="recovered",
        resolved_date=resolved,
        action_taken="Hospital admission; intravenous fluids",
    )


def due_now(synthetic: SyntheticPatient, *, today: date) -> SyntheticPatient:
    """The portal demo patient: alive, treated about 6 months ago, last seen a month ago, so
    the 6-month ALSFRS-R is due now."""
    visits = [(d, items) for d, items in synthetic.visits if d <= today - timedelta(days=30)]
    clinical = {**synthetic.clinical, "death_date": None}
    return SyntheticPatient(
        clinical=clinical,
        visits=visits,
        treatment_date=today - timedelta(days=182),
        fvc_percent=synthetic.fvc_percent,
    )
