"""Demo data: two sites, one sign-in per role, and a few patient records. Idempotent.

Demo accounts are flagged `is_demo`; production refuses them (`cellpath check --deploy`), and
`cellpath demo` refuses to run when CELLPATH_ENV=production.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from cellpath.accounts import mfa
from cellpath.accounts.models import Site, TOTPDevice, User
from cellpath.accounts.roles import STAFF_ROLES, Role
from cellpath.accounts.services import membership_grant, site_create, user_create
from cellpath.care.models import Patient
from cellpath.care.services import patient_clinician_set, patient_create, patient_portal_link
from cellpath.evidence.demo import load_demo_editorial
from cellpath.evidence.library import load_library
from cellpath.intake.demo import load_demo_applications
from cellpath.outcomes.vocabulary import DAYS_PER_YEAR
from cellpath.programmes.demo import load_demo_programmes
from cellpath.programmes.models import Programme
from cellpath.site import demo_cohort, demo_histories, demo_queries
from cellpath.site.demo_histories import synthetic_patients
from cellpath.site.demo_names import demo_name
from cellpath.trials.demo import load_demo_trials

ACTOR = "demo loader"
CAREGIVER = "caregiver"


@dataclass(frozen=True)
class DemoSignIn:
    role: str
    email: str
    password: str
    site_code: str


SITES = [
    ("Riverside ALS Clinic (demo)", "riv", Site.Kind.CLINIC, "Riverside"),
    ("Northfield Trial Site (demo)", "nfd", Site.Kind.TRIAL_SITE, "Northfield"),
]

SIGN_INS = [
    DemoSignIn(Role.PATIENT, "patient@demo.cellpath.test", "demo-patient-riverside", "riv"),
    DemoSignIn(
        Role.COORDINATOR, "coordinator@demo.cellpath.test", "demo-coordinator-riverside", "riv"
    ),
    DemoSignIn(Role.CLINICIAN, "clinician@demo.cellpath.test", "demo-clinician-riverside", "riv"),
    DemoSignIn(
        Role.ADMINISTRATOR,
        "administrator@demo.cellpath.test",
        "demo-administrator-riverside",
        "riv",
    ),
    DemoSignIn(CAREGIVER, "caregiver@demo.cellpath.test", "demo-caregiver-riverside", "riv"),
    DemoSignIn(Role.EDITOR, "editor@demo.cellpath.test", "demo-editor-riverside", "riv"),
    DemoSignIn(
        Role.COORDINATOR,
        "coordinator.northfield@demo.cellpath.test",
        "demo-coordinator-northfield",
        "nfd",
    ),
]

# Invented people: any likeness to a real person is accidental.
PATIENTS_PER_SITE = {"riv": 24, "nfd": 16}
COURSE_PROGRAMMES = {"riv": "riverside-msc-trial", "nfd": "northfield-msc-ntf-expanded-access"}
"""The demo programme each site's treated patients had their course in: the site's own."""


def _dates(rng: random.Random, today: date) -> dict[str, object]:
    """Plausible dates without a history: onset at 45–70 years, diagnosis 8–16 months later."""
    onset = today - timedelta(days=rng.randint(300, 1400))
    birth = onset - timedelta(days=int(DAYS_PER_YEAR * rng.uniform(45, 70)))
    diagnosis = min(onset + timedelta(days=rng.randint(240, 480)), today)
    return {
        "sex": rng.choice(["F", "M"]),
        "date_of_birth": birth,
        "onset_date": onset,
        "diagnosis_date": diagnosis,
    }


@transaction.atomic
def load(today: date | None = None, *, clinical_histories: bool = True) -> list[DemoSignIn]:
    """Create whatever of the demo is missing; running it again changes nothing.

    `clinical_histories=False` creates the records without their follow-up (faster, for tests
    that only sign in), and without the historic cohort, reference registry and outcomes cards
    (`_cohort_extras`)."""
    today = today or date.today()
    sites = {}
    for name, code, kind, city in SITES:
        site = Site.objects.filter(code=code).first()
        sites[code] = site or site_create(
            name=name, code=code, kind=kind, city=city, country="Demo", actor=ACTOR
        )

    users = {}
    for sign_in in SIGN_INS:
        user = User.objects.filter(email=sign_in.email).first() or user_create(
            email=sign_in.email,
            password=sign_in.password,
            full_name=f"Demo {sign_in.role}",
            actor=ACTOR,
            is_superuser=sign_in.role == Role.ADMINISTRATOR,
            is_demo=True,
        )
        if sign_in.role != CAREGIVER:  # a caregiver's access comes from accepting an invitation
            membership_grant(
                user=user, site=sites[sign_in.site_code], role=sign_in.role, actor=ACTOR
            )
        if sign_in.role in STAFF_ROLES and not TOTPDevice.objects.filter(user=user).exists():
            TOTPDevice.objects.create(
                user=user, secret=mfa.new_secret(), confirmed_at=timezone.now()
            )
        users[sign_in.email] = user

    load_library(actor=ACTOR)
    load_demo_programmes(sites={"riv": sites["riv"], "nor": sites["nfd"]}, actor=ACTOR)
    products = {
        code: demo_histories.DemoProduct(
            programme=Programme.objects.get(slug=slug), tissue="bone_marrow", route="intrathecal"
        )
        for code, slug in COURSE_PROGRAMMES.items()
    }

    rng = random.Random(20261125)
    total = sum(PATIENTS_PER_SITE.values())
    cohort = synthetic_patients(total, today=today) if clinical_histories else []
    index = 0
    for code, count in PATIENTS_PER_SITE.items():
        for _ in range(count):
            full_name = demo_name(index)
            synthetic = cohort[index] if cohort else None
            index += 1
            if Patient.objects.filter(site=sites[code], identity__full_name=full_name).exists():
                continue
            portal = code == "riv" and index == 1
            clinical = synthetic.clinical if synthetic else _dates(rng, today)
            patient = patient_create(
                actor=ACTOR,
                site=sites[code],
                full_name=full_name,
                email=f"patient{index}@demo.cellpath.test",
                user=users["patient@demo.cellpath.test"] if portal else None,
                **clinical,
            )
            if code == "riv" and index % 5:  # one in five not named yet: the work list says so
                patient_clinician_set(
                    actor=ACTOR, patient=patient, clinician=users["clinician@demo.cellpath.test"]
                )
            if synthetic is None:
                continue
            if portal:  # the portal demo: alive, treated 6 months ago, a visit due now
                synthetic = demo_histories.due_now(synthetic, today=today)
            demo_histories.add_history(
                patient, synthetic, product=products[code], actor=ACTOR, rng=rng, today=today
            )
            if code == "riv" and index == 3 and patient.courses.exists():
                demo_histories.add_serious_event(
                    patient, patient.courses.first(), actor=ACTOR, today=today
                )
            if code == "riv" and index == 4 and patient.courses.exists():
                demo_histories.add_overdue_susar(
                    patient, patient.courses.first(), actor=ACTOR, today=today
                )
    _portal_extras(users, sites["riv"], today=today)
    if clinical_histories:
        _cohort_extras(users, sites, today=today)
        demo_queries.plant(sites, actor=ACTOR, today=today)
    load_demo_applications(
        coordinators={
            sites["riv"].pk: users["coordinator@demo.cellpath.test"],
            sites["nfd"].pk: users["coordinator.northfield@demo.cellpath.test"],
        },
        actor=ACTOR,
    )
    load_demo_trials()
    load_demo_editorial(actor=ACTOR)  # after the pages its links may name
    return SIGN_INS


COORDINATORS = {
    "riv": "coordinator@demo.cellpath.test",
    "nfd": "coordinator.northfield@demo.cellpath.test",
}
ADMINISTRATOR = "administrator@demo.cellpath.test"


def _cohort_extras(users: dict[str, User], sites: dict[str, Site], *, today: date) -> None:
    """Riverside's historic treated cohort (its programme's card shows numbers; Northfield's
    few treated patients keep its card suppressed), Riverside's reference registry, and each
    site's programme card, prepared by the site's coordinator and approved by the
    administrator."""
    programmes = {
        code: Programme.objects.get(slug=slug) for code, slug in COURSE_PROGRAMMES.items()
    }
    demo_cohort.load(site=sites["riv"], programme=programmes["riv"], actor=ACTOR, today=today)
    administrator = users[ADMINISTRATOR]
    demo_cohort.load_reference_cohort(site=sites["riv"], administrator=administrator, today=today)
    for code, programme in programmes.items():
        demo_cohort.publish_card(
            programme=programme, staff=users[COORDINATORS[code]], administrator=administrator
        )
    _export_extras(users[COORDINATORS["riv"]])


def _export_extras(coordinator: User) -> None:
    """Riverside's coordinator has exported the site's cohort as tidy CSV files: the export
    page lists it, ready to download (built as any large export is, by the background task)."""
    from cellpath.exchange.models import ExportJob
    from cellpath.exchange.services import build_export, start_export
    from cellpath.reports.queries import Filters

    if ExportJob.objects.filter(user=coordinator).exists():
        return
    job = start_export(user=coordinator, filters=Filters(), fmt=ExportJob.Format.CSV)
    job.refresh_from_db()
    if job.status == ExportJob.Status.QUEUED:  # not built yet by the on-commit task
        build_export.call(job_id=job.pk)


def _portal_extras(users: dict[str, User], site: Site, *, today: date) -> None:
    """The demo patient's caregiver (invited and accepted), their predicted survival released by
    the demo clinician, and another patient who has asked for their identity to be erased,
    waiting in the coordinators' queue."""
    from cellpath.care.models import CaregiverLink, ErasureRequest, PredictionRelease, Visit
    from cellpath.care.services import portal
    from cellpath.outbox import long_date

    patient = Patient.objects.get(user=users["patient@demo.cellpath.test"])
    caregiver = users["caregiver@demo.cellpath.test"]
    if not CaregiverLink.objects.filter(patient=patient, user=caregiver).exists():
        tokens: list[str] = []
        portal.caregiver_invite(
            actor=patient.user,
            patient=patient,
            email=caregiver.email,
            accept_url=lambda token: tokens.append(token) or f"/patients/caregiver/{token}/",
        )
        portal.caregiver_accept(actor=caregiver, token=tokens[0])

    # Issue 19: the demo clinician has discussed the predicted survival with the portal patient
    # and released it, so the patient and caregiver sign-ins show it in plain words; every other
    # demo patient's prediction is not released, so the clinician sees both states (and the
    # release form) and a patient who has not had the conversation would see none.
    if not PredictionRelease.objects.filter(patient=patient).exists():
        last_visit = (
            Visit.objects.filter(patient=patient, visit_date__lte=today)
            .order_by("-visit_date")
            .values_list("visit_date", flat=True)
            .first()
        )
        when = f" on {long_date(last_visit)}" if last_visit else ""
        portal.prediction_release(
            actor=users["clinician@demo.cellpath.test"],
            patient=patient,
            note=f"Discussed at the clinic{when} with the patient and their caregiver, who "
            "asked to see it.",
        )

    other = Patient.objects.filter(site=site, user__isnull=True).exclude(pk=patient.pk).first()
    if other is not None and not ErasureRequest.objects.exists():
        requester = user_create(
            email="patient.erasure@demo.cellpath.test", password=None, actor=ACTOR, is_demo=True
        )
        patient_portal_link(actor=ACTOR, patient=other, user=requester)
        portal.erasure_request_create(
            actor=requester, patient=other, reason="I would rather my name were not kept."
        )
