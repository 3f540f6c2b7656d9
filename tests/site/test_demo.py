"""The demo's content: a card with numbers and a suppressed one, every record obeying the rules
(consent before doses, nothing after death, before onset or in the future), the data-quality
rules finding only the queries the demo plants, progression figures for every patient with two
ALSFRS-R, a reference cohort, and loading again changing nothing. The demo is loaded once for
the module (it takes a while)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.utils import timezone

from cellpath.accounts.models import AuditEvent, User
from cellpath.care.models import (
    Administration,
    AdverseEvent,
    AlsfrsR,
    Batch,
    Consent,
    DataQuery,
    Harvest,
    Medication,
    Patient,
    Spirometry,
    TreatmentCourse,
    Visit,
)
from cellpath.care.progression.figures import build_progression
from cellpath.care.queries.progression import progression_records
from cellpath.care.services.data_queries import check_data
from cellpath.programmes.models import OutcomesCard, Programme
from cellpath.reports.models import ReferenceCohort
from cellpath.site import demo
from cellpath.site.demo_cohort import REFERENCE_NAME, REFERENCE_PATIENTS
from cellpath.site.demo_queries import PLANTED

SUPPRESSED = "Not shown: too few people"


@pytest.fixture(scope="module")
def demo_data(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The whole demo, in a transaction rolled back after the module's tests."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo.load()
        yield
        transaction.set_rollback(True)


pytestmark = pytest.mark.usefixtures("demo_data")


def _treated_count(page: str) -> str:
    found = re.search(r"<dt>Treated courses</dt><dd>(.*?)</dd>", page)
    assert found, "the page shows no outcomes card"
    return found.group(1)


@pytest.mark.django_db
def test_riverside_card_shows_numbers_and_northfield_card_is_suppressed(client: Client) -> None:
    riverside = Programme.objects.get(slug=demo.COURSE_PROGRAMMES["riv"])
    northfield = Programme.objects.get(slug=demo.COURSE_PROGRAMMES["nfd"])
    page = client.get(riverside.get_absolute_url()).content.decode()
    assert int(_treated_count(page)) > 10
    page = client.get(northfield.get_absolute_url()).content.decode()
    assert SUPPRESSED in _treated_count(page)
    assert OutcomesCard.objects.filter(status=OutcomesCard.Status.PUBLISHED).count() == 2, (
        "one published card per demo programme"
    )


@pytest.mark.django_db
def test_no_dose_without_an_active_treatment_consent() -> None:
    consents = defaultdict(list)
    for patient, given, withdrawn in Consent.objects.filter(
        purpose=Consent.Purpose.TREATMENT
    ).values_list("patient_id", "given_on", "withdrawn_on"):
        consents[patient].append((given, withdrawn))
    doses = Administration.objects.values_list(
        "course__patient_id", "given_on", "course__started_on", "batch__harvest__collected_on"
    )
    assert len(doses) > 300
    for patient, day, started, harvested in doses:
        assert any(g <= day and (w is None or w > day) for g, w in consents[patient])
        assert any(g < harvested for g, _ in consents[patient]), "consent before the harvest"
        assert day >= started


@pytest.mark.django_db
def test_nothing_is_dated_after_death_before_onset_or_in_the_future() -> None:
    today = timezone.localdate()
    patients = {p.pk: p for p in Patient.objects.all()}
    dated = [
        (Administration, "course__patient_id", "given_on"),
        (AlsfrsR, "patient_id", "assessed_on"),
        (Spirometry, "patient_id", "measured_on"),
        (AdverseEvent, "patient_id", "onset_date"),
        (AdverseEvent, "patient_id", "resolved_date"),
        (AdverseEvent, "patient_id", "aware_date"),
        (AdverseEvent, "patient_id", "reported_to_regulator_on"),
        (AdverseEvent, "patient_id", "reported_to_ethics_on"),
        (Consent, "patient_id", "given_on"),
        (Harvest, "course__patient_id", "collected_on"),
        (Medication, "patient_id", "started_on"),
    ]
    for model, owner, field in dated:
        for pk, day in model.objects.exclude(**{field: None}).values_list(owner, field):
            patient = patients[pk]
            where = f"{model.__name__}.{field} {day} of {patient.study_id}"
            assert day <= today, where
            assert patient.death_date is None or day <= patient.death_date, where
            assert patient.onset_date is None or day >= patient.onset_date, where


@pytest.mark.django_db
def test_no_demo_applicant_was_diagnosed_in_the_future_or_before_onset() -> None:
    from datetime import date

    from cellpath.intake.models import Application

    today = timezone.localdate()
    answers = [a for a in Application.objects.values_list("answers", flat=True) if a]
    assert len(answers) >= 20
    for answer in answers:
        if answer.get("diagnosis_date"):
            diagnosed = date.fromisoformat(answer["diagnosis_date"])
            assert diagnosed <= today, answer
            assert diagnosed >= date.fromisoformat(answer["onset_date"]), answer


@pytest.mark.django_db
def test_every_demo_record_passes_its_own_validation() -> None:
    """The bulk-loaded historic cohort skips `full_clean` on the way in: check it here."""
    related: dict[type, tuple[str, ...]] = {
        Patient: (),
        Consent: ("patient",),
        TreatmentCourse: ("patient",),
        Harvest: ("course",),
        Batch: ("course", "harvest"),
        Administration: ("course", "batch"),
        AlsfrsR: ("patient",),
        Spirometry: ("patient",),
        AdverseEvent: ("patient",),
        Medication: ("patient",),
    }
    for model, joins in related.items():
        for row in model.objects.select_related(*joins):
            row.clean_fields()
            row.clean()


@pytest.mark.django_db
def test_the_historic_cohort_stays_out_of_the_coordinators_day() -> None:
    historic = Patient.objects.filter(study_id__startswith="RIV-H")
    assert historic.count() >= 150
    assert not Visit.objects.filter(patient__in=historic).exists()
    events = AdverseEvent.objects.filter(patient__in=historic)
    assert events.filter(serious=True).exists()
    assert not events.filter(resolved_date=None).exists()


@pytest.mark.django_db
def test_the_demo_reports_its_susars_in_time_but_one_planted_late() -> None:
    """ICH E2A: serious events name a criterion; SUSARs are reported within 15 days of the
    site knowing, except the one planted overdue (demo_histories.add_overdue_susar)."""
    today = timezone.localdate()
    serious = list(AdverseEvent.objects.filter(serious=True))
    assert serious and not [e for e in serious if e.serious_without_criterion]
    reports = [(e, e.expedited_report()) for e in serious]
    in_time = [e for e, r in reports if r.susar and e.reported_to_regulator_on]
    assert in_time and all(e.reported_to_regulator_on <= r.due for e, r in reports if e in in_time)
    late = [e for e, r in reports if r.overdue(today=today, reported_on=e.reported_to_regulator_on)]
    assert [e.description.split(";")[0] for e in late] == [
        "Severe headache and vomiting with raised CSF white cells after the dose"
    ]


@pytest.mark.django_db
def test_riverside_has_the_reference_cohort() -> None:
    cohort = ReferenceCohort.objects.get(name=REFERENCE_NAME)
    assert cohort.site.code == "riv"
    assert cohort.n_patients == REFERENCE_PATIENTS
    assert cohort.uploaded_by.email == demo.ADMINISTRATOR


def _counts() -> dict[str, int]:
    labels = ("accounts", "care", "programmes", "reports", "intake", "trials")
    counts = {
        m._meta.label: m._base_manager.count()
        for m in apps.get_models()
        if m._meta.app_label in labels and m is not AuditEvent
    }
    # Every run of the library loader records that it found the library unchanged.
    counts["audit"] = AuditEvent.objects.exclude(object_type="evidence.library").count()
    return counts


@pytest.mark.django_db
def test_loading_again_changes_nothing() -> None:
    before = _counts()
    demo.load()
    assert _counts() == before


@pytest.mark.django_db
def test_the_data_quality_rules_find_only_the_queries_the_demo_plants() -> None:
    """Issue 18: the demo obeys its own rules. The rules run over every demo patient (the
    historic cohort was bulk-loaded, so nothing ran on save for it)."""
    from cellpath.accounts.models import Site

    check_data(actor="test", sites=Site.objects.all())
    live = DataQuery.objects.exclude(status=DataQuery.Status.CLOSED)
    found = sorted((q.rule, q.patient.study_id, q.message) for q in live)
    assert sorted(rule for rule, _, _ in found) == sorted(PLANTED), found


@pytest.mark.django_db
def test_every_demo_patient_with_two_alsfrs_r_has_progression_figures() -> None:
    coordinators = {
        "riv": User.objects.get(email="coordinator@demo.cellpath.test"),
        "nfd": User.objects.get(email="coordinator.northfield@demo.cellpath.test"),
    }
    today = timezone.localdate()
    checked = 0
    for patient in Patient.objects.select_related("site"):
        if patient.alsfrs.values("assessed_on").distinct().count() < 2:
            continue
        records = progression_records(user=coordinators[patient.site.code], pk=patient.pk)
        progression = build_progression(records, today=today)
        assert progression.problems == (), (patient.study_id, progression.problems)
        assert progression.slope_ols is not None, patient.study_id
        assert progression.current_kings is not None, patient.study_id
        checked += 1
    assert checked > 200
