"""The demo's larger picture: a historic treated cohort for Riverside's programme, a reference
registry to match it against, and each demo programme's public outcomes card. Idempotent.

Invented data for showing Cellpath, never for conclusions. The historic patients (study IDs
`RIV-H0001`…) were treated in 2021–2025 after onset in 2019–2023 and are followed up to today or
their death; their histories come from the outcomes engine's synthetic generator with an invented
treatment effect (`TREATMENT_EFFECT`: decline slowed by a fifth for six months after the first
dose), so that the report and the programme's card have something to show; twelve more
(`RECENT_PATIENTS`) had their first dose in the last weeks and are not yet seen again. They are
written in bulk (`audited_bulk_import`, one import event per table) under the same rules as every
record: a treatment consent before the harvest, no dose before the course starts or on or after
death, nothing dated after death, before onset or in the future. No follow-up schedule (`Visit`
rows) is created for them and their adverse events are all resolved, so they stay out of the
coordinator's day (the dashboard's due, overdue and open-event lists).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from cellpath.accounts.audit import Actor, audited_bulk_import
from cellpath.accounts.models import Site, User
from cellpath.care.data_quality import FVC_PERCENT_LOW
from cellpath.care.models import (
    Administration,
    AdverseEvent,
    AlsfrsR,
    Batch,
    Consent,
    FollowUpPlan,
    Harvest,
    Medication,
    Patient,
    PatientIdentity,
    Spirometry,
    TreatmentCourse,
)
from cellpath.outcomes.alsfrs import score_alsfrs_r
from cellpath.outcomes.synthetic import synthetic_cohort
from cellpath.programmes.models import OutcomesCard, Programme
from cellpath.programmes.services import decide_card
from cellpath.registry.commands import synthetic_patients_csv, synthetic_visits_csv
from cellpath.reports.models import ReferenceCohort
from cellpath.reports.services import prepare_card, upload_reference_cohort
from cellpath.site import demo_histories as histories
from cellpath.site.demo_names import FIRST_NAMES, LAST_NAMES

SOURCE = "demo"
HISTORIC_PREFIX = "H"
"""Historic patients' study IDs: the site code, `-H` and a number (RIV-H0001), a series of
their own that `patient_create`'s RIV-0001… never reaches."""
HISTORIC_PATIENTS = 180
TREATMENT_EFFECT = 0.2
"""Invented: the generator slows the treated patients' decline by this fraction for six months
after the first dose. Demo data only; it shows the report working, not a real effect."""
ONSET = (date(2019, 1, 1), date(2023, 6, 30))
TREATED = (date(2021, 1, 1), date(2025, 12, 31))
RECENT_PATIENTS = 12
RECENTLY = timedelta(weeks=8)
MOVED = ("birth_date", "onset_date", "diagnosis_date", "treatment_date")
"""A few patients had their first dose in the last weeks: the card then counts more than ten
courses not yet due for their 6-month outcome and not yet seen again, so those counts (and the
sections that derive from them) are shown rather than suppressed."""

REFERENCE_NAME = "Synthetic registry (invented, for the demo)"
REFERENCE_DESCRIPTION = (
    "2,000 invented untreated patients from Cellpath's synthetic generator (onset 2019–2023), "
    "not a real registry: for showing matched external controls in the demo."
)
REFERENCE_PATIENTS = 2000


@dataclass(frozen=True)
class _Event:
    description: str
    after_days: int
    lasting_days: int
    grade: int
    serious: bool
    procedure: str
    cells: str
    action: str
    chance: float
    expectedness: str = "expected"
    reported_after_days: int | None = None
    """A SUSAR's report to the regulator (and, two days later, to the ethics committee), this
    many days after the onset: within ICH E2A's 15 days and before the event resolved."""


ADVERSE_EVENTS = [
    _Event("Headache after lumbar puncture", 1, 3, 1, False, "probable", "unlikely", "Rest", 0.35),
    _Event(
        "Low back pain at the injection site",
        2,
        6,
        1,
        False,
        "probable",
        "unrelated",
        "Paracetamol",
        0.15,
    ),
    _Event(
        "Fever and neck stiffness after a dose; admitted for observation, lumbar puncture "
        "culture negative",
        2,
        5,
        3,
        True,
        "possible",
        "possible",
        "Hospital admission",
        0.04,
        expectedness="unexpected",
        reported_after_days=3,
    ),
    # Expected: the protocol lists aspiration pneumonia among the disease's own complications.
    _Event("Aspiration pneumonia", 120, 12, 3, True, "unrelated", "unrelated", "Antibiotics", 0.05),
]
"""Serious events were admissions (ICH E2A's hospitalisation criterion); the site knew of each
event the day it began."""


def load(*, site: Site, programme: Programme, actor: Actor, today: date) -> int:
    """Bulk-load the historic treated cohort at `site`, with courses in `programme`, unless it
    is there already. Returns how many patients were written."""
    prefix = f"{site.code.upper()}-{HISTORIC_PREFIX}"
    if Patient.objects.filter(study_id__startswith=prefix).exists():
        return 0
    synthetic = _treated_histories(today)
    rng = random.Random(20211)
    taken = set(
        PatientIdentity.objects.filter(patient__site=site).values_list("full_name", flat=True)
    )
    names = (n for n in _names() if n not in taken)

    patients = [
        Patient(site=site, study_id=f"{prefix}{i + 1:04d}", **s.clinical)
        for i, s in enumerate(synthetic)
    ]
    audited_bulk_import(Patient, patients, actor=actor, source=SOURCE)
    audited_bulk_import(
        PatientIdentity,
        [PatientIdentity(patient=p, full_name=next(names)) for p in patients],
        actor=actor,
        source=SOURCE,
    )
    plan = FollowUpPlan.default()
    rows: dict[type, list] = {
        m: [] for m in (Medication, Consent, Spirometry, AlsfrsR, TreatmentCourse, Harvest, Batch)
    }
    for patient, s in zip(patients, synthetic, strict=True):
        start = s.treatment_date
        assert start is not None
        rows[Medication].append(
            Medication(patient=patient, drug="riluzole", started_on=patient.diagnosis_date)
        )
        rows[Consent].append(
            Consent(
                patient=patient,
                purpose=Consent.Purpose.TREATMENT,
                version=histories.CONSENT_VERSION,
                given_on=histories.consent_day(start, patient.diagnosis_date),
                method=Consent.Method.WRITTEN,
            )
        )
        rows[AlsfrsR] += [
            AlsfrsR(patient=patient, assessed_on=day, respondent="clinic", **items)
            for day, items in s.visits
        ]
        rows[Spirometry] += [
            Spirometry(patient=patient, measured_on=day, fvc_percent_entered=fvc)
            for day, fvc in _fvc(s, rng)
        ]
        course = TreatmentCourse(
            patient=patient,
            number=1,
            programme=programme,
            product=programme.product,
            cell_type=programme.cell_type,
            donor=programme.donor,
            tissue="bone_marrow",
            route="intrathecal",
            planned_schedule=programme.schedule,
            started_on=start,
            follow_up_plan=plan,
        )
        rows[TreatmentCourse].append(course)
    for model in (Medication, Consent, AlsfrsR, Spirometry, TreatmentCourse):
        audited_bulk_import(model, rows[model], actor=actor, source=SOURCE)

    courses = rows[TreatmentCourse]
    harvests = [
        Harvest(
            course=c,
            collected_on=c.started_on - histories.HARVEST_BEFORE,
            tissue=c.tissue,
            reference=f"H-{c.patient.study_id}-{c.number}",
        )
        for c in courses
    ]
    audited_bulk_import(Harvest, harvests, actor=actor, source=SOURCE)
    lots = [
        Batch(
            course=c,
            harvest=h,
            lot_number=f"LOT-{c.patient.study_id}-{c.number}",
            processed_on=c.started_on - timedelta(days=3),
            cell_count=450_000_000,
            viability_percent=Decimal("92.5"),
        )
        for c, h in zip(courses, harvests, strict=True)
    ]
    audited_bulk_import(Batch, lots, actor=actor, source=SOURCE)
    doses, events = [], []
    for c, lot in zip(courses, lots, strict=True):
        death = c.patient.death_date
        days = histories.dose_days(c.started_on, today=today, death=death)
        doses += [
            Administration(
                course=c,
                batch=lot,
                given_on=day,
                dose_cells=histories.DOSE_CELLS,
                route=c.route,
                body_site=histories.DOSE_BODY_SITE,
                given_by_name=histories.DOSE_GIVEN_BY,
            )
            for day in days
        ]
        for e in ADVERSE_EVENTS:
            if rng.random() >= e.chance:
                continue
            onset = rng.choice(days) + timedelta(days=e.after_days)
            resolved = onset + timedelta(days=e.lasting_days)
            if resolved > today or (death is not None and resolved >= death):
                continue
            events.append(
                AdverseEvent(
                    patient=c.patient,
                    course=c,
                    description=e.description,
                    onset_date=onset,
                    resolved_date=resolved,
                    grade=e.grade,
                    serious=e.serious,
                    related_to_procedure=e.procedure,
                    related_to_cells=e.cells,
                    outcome=AdverseEvent.Outcome.RECOVERED,
                    action_taken=e.action,
                    hospitalisation=e.serious,
                    expectedness=e.expectedness,
                    aware_date=onset,
                    **_reported(onset, e.reported_after_days),
                )
            )
    audited_bulk_import(Administration, doses, actor=actor, source=SOURCE)
    audited_bulk_import(AdverseEvent, events, actor=actor, source=SOURCE)
    return len(patients)


def _reported(onset: date, after_days: int | None) -> dict[str, date | None]:
    if after_days is None:
        return {}
    regulator = onset + timedelta(days=after_days)
    return {
        "reported_to_regulator_on": regulator,
        "reported_to_ethics_on": regulator + timedelta(days=2),
    }


def _treated_histories(today: date) -> list[histories.SyntheticPatient]:
    """`HISTORIC_PATIENTS` synthetic patients treated within `TREATED` and seen up to `today`,
    then `RECENT_PATIENTS` alive and treated in the last weeks, not seen since their first dose
    (their first follow-up visit is still to come)."""
    patients, visits = synthetic_cohort(
        2 * HISTORIC_PATIENTS,
        seed=2019,
        treated_fraction=1.0,
        treatment_effect=TREATMENT_EFFECT,
        missing_fraction=0.0,
        onset_start=str(ONSET[0]),
        onset_end=str(min(ONSET[1], today - timedelta(days=400))),
        censor_date=str(today),
    )
    historic = [
        s
        for s in histories.from_tables(patients, visits)
        if s.treatment_date is not None
        and TREATED[0] <= s.treatment_date <= min(TREATED[1], today)
        and s.visits
    ][:HISTORIC_PATIENTS]

    patients, visits = synthetic_cohort(
        4 * RECENT_PATIENTS,
        seed=2026,
        treated_fraction=1.0,
        treatment_effect=TREATMENT_EFFECT,
        missing_fraction=0.0,
        censor_date="2100-01-01",  # every visit; each history is then moved and cut
    )
    # Move each history so that its first dose falls 1–8 weeks before today, and keep the
    # visits before that dose only: the patient is alive and not seen since.
    treated = ~np.isnat(patients["treatment_date"])
    offsets = np.random.default_rng(2026).integers(7, RECENTLY.days, len(treated))
    target = np.datetime64(today, "D") - offsets
    shift = np.where(treated, target - patients["treatment_date"], np.timedelta64(0, "D"))
    moved = {name: patients[name] + shift for name in MOVED}
    patients = {**patients, **moved, "death_date": np.full(len(treated), np.datetime64("NaT", "D"))}
    v_shift = shift[visits["patient_id"] - 1]
    v_days = visits["visit_date"] + v_shift
    keep = treated[visits["patient_id"] - 1] & (
        v_days < patients["treatment_date"][visits["patient_id"] - 1]
    )
    visits = {**visits, "visit_date": v_days}
    visits = {name: column[keep] for name, column in visits.items()}
    recent = [s for s in histories.from_tables(patients, visits) if s.treatment_date and s.visits][
        :RECENT_PATIENTS
    ]
    return historic + recent


def _fvc(s: histories.SyntheticPatient, rng: random.Random) -> list[tuple[date, Decimal]]:
    """FVC % predicted at diagnosis (the generator's) and at most ALSFRS-R visits after it,
    falling about 2.5 points for each ALSFRS-R point lost (an invented, plausible slope); none
    once it would fall below `FVC_PERCENT_LOW`."""
    diagnosis = s.clinical["diagnosis_date"]
    first = s.fvc_percent
    if first is None or not isinstance(diagnosis, date):
        return []
    out = {diagnosis: first}
    baseline = score_alsfrs_r(s.visits[0][1]).total if s.visits else None
    for day, items in s.visits[1:]:
        total = score_alsfrs_r(items).total
        if baseline is None or total is None or rng.random() < 0.3 or day in out:
            continue
        fvc = min(140.0, first - 2.5 * (baseline - total) + rng.gauss(0, 4))
        if fvc >= FVC_PERCENT_LOW:  # below it few people can blow, and the rules would ask
            out[day] = fvc
    return [(day, Decimal(f"{fvc:.1f}")) for day, fvc in sorted(out.items())]


def _names() -> list[str]:
    """Invented names (any likeness to a real person is accidental), each once."""
    return [f"{first} {last} (demo)" for last in LAST_NAMES for first in FIRST_NAMES]


def load_reference_cohort(*, site: Site, administrator: User, today: date) -> ReferenceCohort:
    """The site's synthetic untreated registry, uploaded by `administrator` (once)."""
    existing = ReferenceCohort.objects.filter(site=site, name=REFERENCE_NAME).first()
    if existing is not None:
        return existing
    patients, visits = synthetic_cohort(
        REFERENCE_PATIENTS,
        seed=1917,
        treated_fraction=0.0,
        missing_fraction=0.0,
        onset_start=str(ONSET[0]),
        onset_end=str(min(ONSET[1], today - timedelta(days=400))),
        censor_date=str(today),
    )
    return upload_reference_cohort(
        actor=administrator,
        site_id=site.pk,
        name=REFERENCE_NAME,
        description=REFERENCE_DESCRIPTION,
        patients=synthetic_patients_csv(patients, REFERENCE_PATIENTS),
        visits=synthetic_visits_csv(visits, REFERENCE_PATIENTS),
    )


def publish_card(*, programme: Programme, staff: User, administrator: User) -> OutcomesCard:
    """The programme's outcomes card, prepared by `staff` and approved by `administrator`,
    unless one is published already."""
    published = programme.outcome_cards.filter(status=OutcomesCard.Status.PUBLISHED).first()
    if published is not None:
        return published
    card = prepare_card(actor=staff, programme=programme)
    return decide_card(actor=administrator, card=card, approve=True)
