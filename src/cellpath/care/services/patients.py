"""Patient records, identity, medications and consent."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from cellpath.accounts.audit import Actor, audited_bulk_import, audited_delete, audited_save
from cellpath.accounts.models import Site, User
from cellpath.accounts.roles import Role
from cellpath.accounts.services import membership_grant
from cellpath.care.models import Consent, Medication, Patient, PatientIdentity
from cellpath.care.services.data_queries import rechecks
from cellpath.care.services.permissions import require_role_at_site

EDITABLE_FIELDS = (
    "sex",
    "date_of_birth",
    "onset_date",
    "onset_site",
    "diagnosis_date",
    "el_escorial",
    "ftd",
    "c9orf72",
    "sod1",
    "other_genetics",
    "height_cm",
    "gastrostomy_date",
    "niv_date",
    "niv_full_time_date",
    "tracheostomy_date",
    "death_date",
    "death_cause",
)
CLINICAL_WRITERS = (Role.COORDINATOR, Role.CLINICIAN)


def _require_coordinator(actor: Actor, site_id: int) -> None:
    require_role_at_site(
        actor, site_id, [Role.COORDINATOR], "Only coordinators of this site can do this."
    )


def _next_study_id(site: Site) -> str:
    number = Patient.objects.filter(site=site).count() + 1
    while Patient.objects.filter(study_id=f"{site.code.upper()}-{number:04d}").exists():
        number += 1
    return f"{site.code.upper()}-{number:04d}"


@transaction.atomic
def patient_create(
    *,
    actor: Actor,
    site: Site,
    full_name: str,
    email: str = "",
    phone: str = "",
    user: User | None = None,
    **clinical: Any,
) -> Patient:
    """A new record with its identity; the study ID is the site code and a number."""
    _require_coordinator(actor, site.pk)
    unknown = set(clinical) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown patient fields: {', '.join(sorted(unknown))}")
    patient = audited_save(
        Patient(site=site, study_id=_next_study_id(site), user=user, **clinical), actor=actor
    )
    audited_save(
        PatientIdentity(patient=patient, full_name=full_name, email=email, phone=phone),
        actor=actor,
    )
    return patient


@transaction.atomic
def patient_create_many(
    *, actor: Actor, site: Site, records: list[tuple[str, dict[str, Any]]], source: str
) -> list[Patient]:
    """Many new records at once (an import): (full name, clinical facts) each, validated as
    `patient_create` validates one, numbered as it numbers them, written in bulk with one
    import event per table naming the new study IDs (`audited_bulk_import`)."""
    _require_coordinator(actor, site.pk)
    prefix = f"{site.code.upper()}-"
    taken = set(
        Patient.objects.filter(study_id__startswith=prefix).values_list("study_id", flat=True)
    )
    number = Patient.objects.filter(site=site).count()
    patients, identities = [], []
    for full_name, clinical in records:
        unknown = set(clinical) - set(EDITABLE_FIELDS)
        if unknown:
            raise ValueError(f"Unknown patient fields: {', '.join(sorted(unknown))}")
        number += 1
        while f"{prefix}{number:04d}" in taken:
            number += 1
        patient = Patient(site=site, study_id=f"{prefix}{number:04d}", **clinical)
        patient.full_clean(exclude=["site", "study_id"])  # numbered above, never taken
        identity = PatientIdentity(patient=patient, full_name=full_name)
        identity.full_clean(exclude=["patient"])
        patients.append(patient)
        identities.append(identity)
    audited_bulk_import(Patient, patients, actor=actor, source=source, name_rows=True)
    for patient, identity in zip(patients, identities, strict=True):
        identity.patient = patient  # now that it has its primary key
    audited_bulk_import(PatientIdentity, identities, actor=actor, source=source, name_rows=True)
    return patients


@transaction.atomic
@rechecks
def patient_update(*, actor: Actor, patient: Patient, **fields: Any) -> Patient:
    """Clinical facts: coordinators and clinicians of the patient's site."""
    require_role_at_site(
        actor, patient.site_id, CLINICAL_WRITERS, "Only this patient's care team can do this."
    )
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(patient, name, value)
    return audited_save(patient, actor=actor)


def clinicians_of(site_id: int) -> QuerySet[User]:
    """The active accounts that hold the clinician role at the site (who may be responsible)."""
    return (
        User.objects.filter(
            is_active=True, memberships__site_id=site_id, memberships__role=Role.CLINICIAN
        )
        .distinct()
        .order_by("full_name", "email")
    )


@transaction.atomic
def patient_clinician_set(*, actor: Actor, patient: Patient, clinician: User | None) -> Patient:
    """Name the clinician responsible for the patient (who signs their visits), or none; the
    care team of the site only, and only a clinician of that site."""
    require_role_at_site(
        actor, patient.site_id, CLINICAL_WRITERS, "Only this patient's care team can do this."
    )
    if (
        clinician is not None
        and not clinicians_of(patient.site_id).filter(pk=clinician.pk).exists()
    ):
        raise ValidationError({"clinician": "Choose a clinician of this patient's site."})
    if patient.clinician_id == (clinician.pk if clinician else None):
        return patient
    patient.clinician = clinician
    return audited_save(patient, actor=actor)


@transaction.atomic
def identity_update(
    *, actor: Actor, patient: Patient, full_name: str, email: str = "", phone: str = ""
) -> PatientIdentity:
    _require_coordinator(actor, patient.site_id)
    identity = PatientIdentity.objects.get(patient=patient)
    identity.full_name, identity.email, identity.phone = full_name, email, phone
    return audited_save(identity, actor=actor)


@transaction.atomic
def patient_portal_link(*, actor: Actor, patient: Patient, user: User) -> Patient:
    """Give a patient their own sign-in to the portal (the patient role at their site)."""
    _require_coordinator(actor, patient.site_id)
    if Patient.objects.filter(user=user).exclude(pk=patient.pk).exists():
        raise ValidationError({"user": "This sign-in already belongs to another patient."})
    membership_grant(user=user, site=patient.site, role=Role.PATIENT, actor=actor)
    patient.user = user
    return audited_save(patient, actor=actor)


@transaction.atomic
def patient_delete(*, actor: Actor, patient: Patient) -> None:
    """Only a record with nothing recorded against it can be deleted (a mistaken entry)."""
    _require_coordinator(actor, patient.site_id)
    identity = PatientIdentity.objects.filter(patient=patient).first()
    if identity is not None:
        audited_delete(identity, actor=actor)
    audited_delete(patient, actor=actor)


@transaction.atomic
@rechecks
def medication_record(
    *,
    actor: Actor,
    patient: Patient,
    drug: str,
    other_name: str = "",
    started_on: date | None = None,
    stopped_on: date | None = None,
) -> Medication:
    require_role_at_site(
        actor, patient.site_id, CLINICAL_WRITERS, "Only this patient's care team can do this."
    )
    return audited_save(
        Medication(
            patient=patient,
            drug=drug,
            other_name=other_name,
            started_on=started_on,
            stopped_on=stopped_on,
        ),
        actor=actor,
    )


@transaction.atomic
@rechecks
def medication_stop(*, actor: Actor, medication: Medication, stopped_on: date) -> Medication:
    require_role_at_site(
        actor,
        medication.patient.site_id,
        CLINICAL_WRITERS,
        "Only this patient's care team can do this.",
    )
    medication.stopped_on = stopped_on
    return audited_save(medication, actor=actor)


@transaction.atomic
@rechecks
def consent_record(
    *, actor: Actor, patient: Patient, purpose: str, version: str, given_on: date, method: str
) -> Consent:
    _require_coordinator(actor, patient.site_id)
    return audited_save(
        Consent(
            patient=patient, purpose=purpose, version=version, given_on=given_on, method=method
        ),
        actor=actor,
    )


@transaction.atomic
@rechecks
def consent_withdraw(*, actor: Actor, consent: Consent, withdrawn_on: date) -> Consent:
    _require_coordinator(actor, consent.patient.site_id)
    consent.withdrawn_on = withdrawn_on
    return audited_save(consent, actor=actor)
