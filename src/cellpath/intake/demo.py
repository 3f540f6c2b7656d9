"""Demo data for the apply step: screening criteria for each demo programme and about thirty
invented applications across the triage workflow. Idempotent."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from cellpath.accounts.audit import Actor, audited_save
from cellpath.intake.models import Application, ContactMessage, ScreeningCriterion, Subscriber
from cellpath.intake.services import applications_start, applications_submit
from cellpath.outcomes.vocabulary import DAYS_PER_YEAR, EL_ESCORIAL_VALUES
from cellpath.programmes.models import Programme

TRIAL_CRITERIA: list[dict[str, Any]] = [
    {"field": "age_years", "op": "between", "value": [18, 75],
     "explanation": "The trial was approved for adults up to this age."},
    {"field": "months_since_symptom_onset", "op": "<=", "value": 24,
     "explanation": "Most ALS trials take people early in the disease."},
    {"field": "alsfrs_r_total", "op": ">=", "value": 25,
     "explanation": "Below this score, changes are hard to measure."},
    {"field": "vc_percent_predicted", "op": ">=", "value": 65,
     "explanation": "The procedure needs enough breathing strength."},
    {"field": "el_escorial", "op": "in",
     "value": [v for v in EL_ESCORIAL_VALUES if v != "suspected"],
     "explanation": "The diagnosis must be confirmed by a neurologist."},
    {"field": "tracheostomy", "op": "present", "kind": "exclusion",
     "explanation": "The trial cannot include people with a tracheostomy."},
    {"field": "prior_stem_cell_therapy", "op": "present", "kind": "exclusion",
     "explanation": "Earlier cell treatments would blur the result."},
    {"field": "pregnancy", "op": "present", "kind": "exclusion",
     "explanation": "The effects on an unborn or breastfed baby are unknown."},
    {"field": "active_cancer", "op": "present", "kind": "exclusion",
     "explanation": "Cell treatments might affect a cancer."},
    {"field": "clotting_disorder", "op": "present", "kind": "exclusion",
     "explanation": "Collecting the cells and injecting them carry a bleeding risk."},
    {"field": "platelets", "op": ">=", "value": 100, "when_known": True,
     "explanation": "Low platelets raise the bleeding risk of the procedures."},
]  # fmt: skip
CLINIC_CRITERIA: list[dict[str, Any]] = [
    {"field": "age_years", "op": "between", "value": [18, 85],
     "explanation": "The clinic treats adults."},
    {"field": "active_severe_infection", "op": "present", "kind": "exclusion",
     "explanation": "An active infection must be treated first."},
]  # fmt: skip
"""A paid clinic's own criteria; those about how its cells are collected follow from its
product (`collection_criteria`)."""
CRITERIA_BY_PROGRAMME = {
    "riverside-msc-trial": TRIAL_CRITERIA,
    "northfield-neural-stem-cell-study": TRIAL_CRITERIA[:6],
    "northfield-msc-ntf-expanded-access": TRIAL_CRITERIA[:3] + TRIAL_CRITERIA[5:8],
    "vitacell-regeneration-package": CLINIC_CRITERIA,
    "neurorenew-bone-marrow-programme": CLINIC_CRITERIA,
}


def collection_criteria(programme: Programme) -> list[dict[str, Any]]:
    """The criteria about collecting a clinic's cells, worded from the programme's own product
    fields, so that its pre-screen never says what its page does not (issue 19: the demo said
    a clinic selling umbilical-cord cells harvested bone marrow)."""
    source = programme.tissue_source.strip()
    if programme.donor != "autologous" or "bone marrow" not in source.lower():
        return []
    where = source[0].lower() + source[1:]
    return [
        {"field": "bone_marrow_disorder", "op": "present", "kind": "exclusion",
         "explanation": f"The clinic collects your own cells from {where}."},
    ]  # fmt: skip


def criteria_rows(programme: Programme) -> list[dict[str, Any]]:
    """A demo programme's screening criteria, in order."""
    rows = CRITERIA_BY_PROGRAMME[programme.slug]
    if programme.kind == Programme.Kind.PAID_CLINIC:
        rows = rows + collection_criteria(programme)
    return rows


TWO_PROGRAMMES = frozenset({1, 8, 17})
"""The demo applicants who applied to two programmes with one form."""
FIRST = ["Ana", "Ben", "Chloé", "Dev", "Elif", "Femi", "Greta", "Hiro", "Iris", "Jon"]
LAST = ["Alder", "Brook", "Cedar", "Dale", "Elm", "Fern", "Glen", "Heath", "Ivy", "Juniper"]
STATUS_MIX = (
    [Application.Status.NEW] * 10
    + [Application.Status.IN_REVIEW] * 6
    + [Application.Status.MORE_INFORMATION] * 4
    + [Application.Status.CONSULTATION] * 4
    + [Application.Status.ACCEPTED] * 2
    + [Application.Status.DECLINED] * 3
    + [Application.Status.WITHDRAWN] * 1
)
PATH = {
    Application.Status.NEW: [],
    Application.Status.IN_REVIEW: ["in_review"],
    Application.Status.MORE_INFORMATION: ["in_review", "more_information"],
    Application.Status.CONSULTATION: ["in_review", "consultation"],
    Application.Status.ACCEPTED: ["in_review", "consultation", "accepted"],
    Application.Status.DECLINED: ["declined"],
    Application.Status.WITHDRAWN: ["withdrawn"],
}


def _answers(rng: random.Random, today: date) -> dict[str, Any]:
    onset = today - timedelta(days=rng.randint(120, 1100))
    answers: dict[str, Any] = {
        "date_of_birth": (
            onset - timedelta(days=int(DAYS_PER_YEAR * rng.uniform(35, 78)))
        ).isoformat(),
        "onset_date": onset.isoformat(),
        # never after today (issue 18: a demo applicant was diagnosed in the future)
        "diagnosis_date": min(
            onset + timedelta(days=rng.randint(90, 400)), today - timedelta(days=14)
        ).isoformat(),
        # definite, probable or possible (the categories most applicants are told)
        "el_escorial": rng.choice([*EL_ESCORIAL_VALUES[:2], EL_ESCORIAL_VALUES[3], None]),
        "vc_percent_predicted": rng.choice([None, 58.0, 72.0, 81.0, 95.0]),
        "tracheostomy": rng.random() < 0.1,
        "prior_stem_cell_therapy": rng.random() < 0.15,
        "pregnancy": False,
        "active_cancer": rng.random() < 0.05,
        "clotting_disorder": rng.choice([False, False, None]),
        "active_severe_infection": False,
        "bone_marrow_disorder": False,
    }
    if rng.random() < 0.7:  # most answer the ALSFRS-R questions
        answers.update({f"q{n}": rng.randint(1, 4) for n in (1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12)})
        answers["q5a"] = rng.randint(1, 4)
    return answers


@transaction.atomic
def load_demo_applications(*, coordinators: dict[int, Any], actor: Actor = "demo loader") -> int:
    """Criteria for the demo programmes, and thirty applicants' applications (once; three of
    them applied to two programmes at once). `coordinators` maps
    a site id to a coordinator who moves that site's applications along."""
    from cellpath.intake.services import application_transition

    for slug in CRITERIA_BY_PROGRAMME:
        programme = Programme.objects.filter(slug=slug).first()
        if programme is None or programme.screening_criteria.exists():
            continue
        for order, row in enumerate(criteria_rows(programme)):
            audited_save(ScreeningCriterion(programme=programme, order=order, **row), actor=actor)
    _messages_and_subscribers(actor)
    if Application.objects.exists():
        return 0
    programmes = list(Programme.objects.filter(slug__in=CRITERIA_BY_PROGRAMME).order_by("slug"))
    if not programmes:
        return 0
    rng = random.Random(6)
    today = timezone.localdate()
    for index, status in enumerate(STATUS_MIX):
        programme = programmes[index % len(programmes)]
        name = f"{FIRST[index % len(FIRST)]} {LAST[(index * 3) % len(LAST)]} (demo)"
        on_behalf = index % 4 == 0
        chosen = [programme]
        if index in TWO_PROGRAMMES:  # one form, two programmes: the second waits as "new"
            chosen.append(programmes[(index + 1) % len(programmes)])
        applications, token = applications_start(
            programmes=chosen,
            applicant="on_behalf" if on_behalf else "patient",
            applicant_name=f"{FIRST[(index + 5) % len(FIRST)]} Carer (demo)" if on_behalf else name,
            patient_name=name if on_behalf else "",
            relationship="daughter" if on_behalf else "",
            email=f"applicant{index + 1}@demo.cellpath.test",
            consent_screening=True,
            consent_contact=True,
            consent_newsletter=index % 3 == 0,
        )
        answers = _answers(rng, today)
        for application in applications:
            application.answers = answers
        applications_submit(applications=applications, token=token, today=today, notify=False)
        application = applications[0]
        coordinator = coordinators.get(programme.site_id)
        for step in PATH[status] if coordinator else []:
            application_transition(actor=coordinator, application=application, status=step)
    return Application.objects.count()


def _messages_and_subscribers(actor: Actor) -> None:
    """Three contact-form messages and a few newsletter subscribers (once)."""
    if not ContactMessage.objects.exists():
        trial = Programme.objects.filter(slug="riverside-msc-trial").first()
        rows = [
            (trial, "Noor Demo", "Does my father need to travel to Riverside for every visit?"),
            (trial, "Lee Demo", "Can I join if I already take edaravone?"),
            (None, "Sam Demo", "Do you list trials outside Europe as well?"),
        ]
        for programme, name, text in rows:
            audited_save(
                ContactMessage(
                    programme=programme,
                    site_id=programme.site_id if programme else None,
                    name=f"{name} (demo)",
                    email=f"{name.split()[0].lower()}@demo.cellpath.test",
                    message=text,
                    consent_contact=True,
                ),
                actor=actor,
            )
    if not Subscriber.objects.exists():
        now = timezone.now()
        for n, confirmed in enumerate((True, True, False), start=1):
            Subscriber.objects.create(
                email=f"reader{n}@demo.cellpath.test",
                consent_text="Send me Cellpath's newsletter about ALS research.",
                confirmed_at=now if confirmed else None,
            )
