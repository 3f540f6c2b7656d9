"""Test factories. Audited records are created through their service functions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import factory

from cellpath.accounts.models import Membership, Site, User
from cellpath.care.services import patient_create

PASSWORD = "correct horse battery staple"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Site {n}")
    code = factory.Sequence(lambda n: f"s{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def memberships(self, create: bool, extracted: list[tuple[Site, str]] | None, **_: Any) -> None:
        for site, role in extracted or []:
            Membership.objects.get_or_create(user=self, site=site, role=role)


def PatientFactory(
    *,
    site: Site,
    full_name: str = "Test Person",
    user: User | None = None,
    **fields: Any,
) -> Any:
    fields.setdefault("sex", "F")
    fields.setdefault("date_of_birth", date(1960, 5, 1))
    fields.setdefault("onset_date", date(2024, 3, 1))
    return patient_create(actor="test factory", site=site, full_name=full_name, user=user, **fields)


def clinical_history(patient: Any, actor: Any = "test factory") -> dict[str, Any]:
    """One of everything care records, through the services: a course of autologous bone-marrow
    MSC with its harvest, lot and a dose, two ALSFRS-R, spirometry, an adverse event, weight,
    an update, a medication and a consent."""
    from cellpath.care import services

    consent = services.consent_record(  # consent before cells
        actor=actor,
        patient=patient,
        purpose="treatment",
        version="2.1",
        given_on=date(2024, 8, 1),
        method="written",
    )
    course = services.course_start(
        actor=actor,
        patient=patient,
        programme_name="Demo MSC programme",
        cell_type="msc",
        donor="autologous",
        tissue="bone_marrow",
        route="intrathecal",
        started_on=date(2024, 9, 2),
    )
    harvest = services.harvest_record(
        actor=actor,
        course=course,
        collected_on=date(2024, 8, 20),
        tissue="bone_marrow",
        reference="H-001",
    )
    batch = services.batch_record(
        actor=actor,
        course=course,
        lot_number=f"LOT-{patient.study_id}-1",
        harvest=harvest,
        processed_on=date(2024, 8, 30),
        cell_count=150_000_000,
    )
    dose = services.administration_record(
        actor=actor,
        course=course,
        given_on=date(2024, 9, 2),
        dose_cells=100_000_000,
        route="intrathecal",
        batch=batch,
        given_by_name="Dr Test",
    )
    items = dict(q1=4, q2=4, q3=3, q4=3, q5a=3, q6=3, q7=3, q8=3, q9=2, q10=4, q11=4, q12=4)
    baseline = services.alsfrs_r_record(
        actor=actor, patient=patient, assessed_on=date(2024, 9, 2), respondent="clinic", items=items
    )
    later = services.alsfrs_r_record(
        actor=actor,
        patient=patient,
        assessed_on=date(2024, 12, 2),
        respondent="clinic",
        items={**items, "q8": 2, "q9": 1},
    )
    spirometry = services.spirometry_record(
        actor=actor, patient=patient, measured_on=date(2024, 9, 2), fvc_litres=Decimal("3.10")
    )
    event = services.adverse_event_record(
        actor=actor,
        patient=patient,
        course=course,
        description="Headache after lumbar puncture",
        onset_date=date(2024, 9, 3),
        grade=1,
        serious=False,
        related_to_procedure="probable",
        related_to_cells="unlikely",
        outcome="recovered",
        resolved_date=date(2024, 9, 5),
    )
    weight = services.weight_record(
        actor=actor, patient=patient, measured_on=date(2024, 9, 2), kg=Decimal("71.0")
    )
    update = services.update_post(
        actor=actor, patient=patient, written_on=date(2024, 10, 1), text="Walking a little less."
    )
    medication = services.medication_record(
        actor=actor, patient=patient, drug="riluzole", started_on=date(2024, 4, 1)
    )
    erasure_request = caregiver_link = None
    if patient.user_id:  # in the portal: asked to be forgotten (declined), invited a caregiver
        from cellpath.care.services import portal

        erasure_request = portal.erasure_request_decide(
            actor=actor,
            request=portal.erasure_request_create(actor=patient.user, patient=patient),
            approve=False,
            note="Kept while the trial runs.",
        )
        caregiver_link = portal.caregiver_invite(
            actor=patient.user,
            patient=patient,
            email=f"carer.{patient.study_id.lower()}@example.org",
            accept_url=lambda token: f"/patients/caregiver/{token}/",
        )
    return locals()


def legacy_update(instance: Any, **values: Any) -> None:
    """Write `values` as data entered before a rule existed would be: unchecked and without an
    audit event (what migrations and earlier versions left behind). Only tests do this; the
    application writes through `audited_save`, which checks every rule."""
    from cellpath.accounts.audit import _permitted

    for name, value in values.items():
        setattr(instance, name, value)
    with _permitted():
        instance.save(update_fields=list(values))
