"""Which patients an export holds, and the audit row that says who exported them.

Every export format starts from `export_scope`: the patients of the sites where the user works
with patient records (coordinators and clinicians; administrators read aggregates only), narrowed
by the cohort report's filters. Names and contact details go only to the coordinators of the
patient's site (`names_for`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from cellpath.accounts.access import site_ids_for
from cellpath.accounts.audit import record_export
from cellpath.accounts.models import User
from cellpath.accounts.roles import PATIENT_DATA_ROLES, Role
from cellpath.care.models import Patient
from cellpath.reports.queries import Filters, courses_matching

EXPORT_ROLES = tuple(PATIENT_DATA_ROLES)

_COURSE_FILTERS = ("programme", "course_number", "cell_type", "route", "treated_from", "treated_to")


@dataclass(frozen=True)
class ExportScope:
    """The patients of one export (`patients` is a queryset of their ids, evaluated by each
    table's query as a subquery) and the sites whose names the exporter may read."""

    user_id: int
    patients: QuerySet
    names_for: frozenset[int]
    filters: Filters


def export_sites(user: User) -> list[int]:
    return site_ids_for(user, EXPORT_ROLES)


def export_scope(*, user: User, filters: Filters) -> ExportScope:
    """The cohort `user` may export under `filters`: every patient of the user's sites (or of
    `filters.site`), or, when a course filter is set, the patients with a matching course."""
    sites = export_sites(user)
    rows = Patient.objects.filter(site_id__in=sites)
    if filters.site:
        rows = rows.filter(site_id=filters.site)
    if filters.onset_site:
        rows = rows.filter(onset_site=filters.onset_site)
    if any(getattr(filters, name) for name in _COURSE_FILTERS):
        courses = courses_matching(sites, filters).filter(patient=OuterRef("pk"))
        rows = rows.filter(Exists(courses))
    return ExportScope(
        user_id=user.pk,
        patients=rows.order_by().values("pk"),
        names_for=frozenset(site_ids_for(user, [Role.COORDINATOR])),
        filters=filters,
    )


def patient_count(scope: ExportScope) -> int:
    return scope.patients.count()


def record_cohort_export(user: User, scope: ExportScope, *, fmt: str) -> int:
    """One audit row naming every patient in the export (their study IDs), its format and its
    filters. Returns the number of patients."""
    patients = list(Patient.objects.filter(pk__in=scope.patients).only("pk", "study_id", "site_id"))
    record_export(user, patients, fmt=fmt)
    return len(patients)
