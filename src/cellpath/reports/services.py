"""Writes of the reports app: reference cohorts uploaded by a site's administrators, and the
public outcomes card a programme's staff prepare (stored and approved through programmes)."""

from __future__ import annotations

import gzip

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cellpath.accounts.access import site_ids_for
from cellpath.accounts.audit import record
from cellpath.accounts.models import AuditEvent, User
from cellpath.accounts.roles import Role
from cellpath.programmes.models import OutcomesCard, Programme
from cellpath.programmes.services import submit_card
from cellpath.reports.analysis.card import public_card
from cellpath.reports.build import build_report
from cellpath.reports.files import parse_registry
from cellpath.reports.models import ReferenceCohort
from cellpath.reports.queries import Filters

__all__ = [
    "MAX_UPLOAD_BYTES",
    "prepare_card",
    "upload_reference_cohort",
]

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
"""Largest PATIENTS.csv or VISITS.csv accepted (a PRO-ACT ALSFRS table is about 30 MB)."""


def upload_reference_cohort(
    *,
    actor: User,
    site_id: int,
    name: str,
    description: str,
    patients: bytes,
    visits: bytes,
    labels: tuple[str, str] = ("PATIENTS.csv", "VISITS.csv"),
) -> ReferenceCohort:
    """Check and store a reference cohort for ``site_id`` (its administrators only). Files with
    any problem are refused whole, with the problems by file and line; nothing is stored."""
    if site_id not in site_ids_for(actor, (Role.ADMINISTRATOR,)):
        raise PermissionDenied("Only an administrator of this site can add a reference cohort.")
    for data, label in ((patients, labels[0]), (visits, labels[1])):
        if len(data) > MAX_UPLOAD_BYTES:
            raise ValidationError(f"{label} is larger than {MAX_UPLOAD_BYTES // 2**20} MB.")
    p_table, v_table = parse_registry(patients, visits, labels)
    with transaction.atomic():
        if ReferenceCohort.objects.filter(site_id=site_id, name=name).exists():
            raise ValidationError({"name": "This site already has a reference cohort so named."})
        cohort = ReferenceCohort.objects.create(
            site_id=site_id,
            name=name,
            description=description,
            patients_gz=gzip.compress(patients),
            visits_gz=gzip.compress(visits),
            n_patients=len(p_table["patient_id"]),
            n_visits=len(v_table["patient_id"]),
            uploaded_by=actor,
        )
        record(
            actor,
            AuditEvent.Action.IMPORT,
            obj=cohort,
            site_id=site_id,
            object_label=name,
            detail={"patients": cohort.n_patients, "visits": cohort.n_visits},
        )
    return cohort


def prepare_card(*, actor: User, programme: Programme) -> OutcomesCard:
    """Compute the programme's report at its own site, suppress small numbers, and submit the
    card for an administrator's approval (programme staff only)."""
    report = build_report(
        user=actor, filters=Filters(site=programme.site_id, programme=programme.pk)
    )
    if report is None:
        raise PermissionDenied("You cannot read this site's report.")
    return submit_card(
        actor=actor, programme=programme, content=public_card(report), as_of=report.as_of.item()
    )
