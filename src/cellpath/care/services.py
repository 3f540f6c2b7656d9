"""Writes of patient records: each validates, runs in a transaction and is audited."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction

from cellpath.accounts.access import site_ids_for
from cellpath.accounts.audit import Actor, audited_delete, audited_save
from cellpath.accounts.models import Site, User
from cellpath.accounts.roles import Role
from cellpath.care.models import Patient

EDITABLE_FIELDS = ("full_name", "sex", "date_of_birth", "onset_date", "diagnosis_date")


def _require_coordinator(actor: Actor, site_id: int) -> None:
    """Services check the site again: a forged form cannot write into another site."""
    if isinstance(actor, User) and site_id not in site_ids_for(actor, [Role.COORDINATOR]):
        raise PermissionDenied("Only coordinators of this site can change its patient records.")


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
    sex: str = "",
    date_of_birth: date | None = None,
    onset_date: date | None = None,
    diagnosis_date: date | None = None,
    user: User | None = None,
) -> Patient:
    _require_coordinator(actor, site.pk)
    patient = Patient(
        site=site,
        study_id=_next_study_id(site),
        user=user,
        full_name=full_name,
        sex=sex,
        date_of_birth=date_of_birth,
        onset_date=onset_date,
        diagnosis_date=diagnosis_date,
    )
    return audited_save(patient, actor=actor)


@transaction.atomic
def patient_update(*, actor: Actor, patient: Patient, **fields: object) -> Patient:
    _require_coordinator(actor, patient.site_id)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(patient, name, value)
    return audited_save(patient, actor=actor)


@transaction.atomic
def patient_delete(*, actor: Actor, patient: Patient) -> None:
    _require_coordinator(actor, patient.site_id)
    audited_delete(patient, actor=actor)
