"""One report for one user and one set of filters: read (scoped, audited), compute, present."""

from __future__ import annotations

import numpy as np
from django.utils import timezone

from cellpath.accounts.access import site_ids_for
from cellpath.accounts.models import User
from cellpath.accounts.roles import PATIENT_DATA_ROLES
from cellpath.reports.analysis.report import CohortReport, analyse
from cellpath.reports.files import reference_tables
from cellpath.reports.models import ReferenceCohort
from cellpath.reports.presentation import Presentation, present
from cellpath.reports.queries import Filters, cohort_tables, placebo_context

__all__ = ["build_presentation", "build_report"]


def build_report(
    *, user: User, filters: Filters, export: str = "", controls: int | None = None
) -> CohortReport | None:
    """The report of the courses ``user`` may see under ``filters`` (None: no site's report),
    matched to the reference cohort ``controls`` of one of the user's sites if given."""
    tables = cohort_tables(user=user, filters=filters, export=export)
    if tables is None:
        return None
    reference = None
    if controls is not None:
        cohort = ReferenceCohort.objects.filter(
            pk=controls, site_id__in=[s.pk for s in tables.sites]
        ).first()
        reference = reference_tables(cohort) if cohort is not None else None
    return analyse(
        tables.courses,
        tables.visits,
        as_of=np.datetime64(timezone.localdate(), "D"),
        spirometry=tables.spirometry,
        adverse_events=tables.adverse_events,
        flow_before=tables.flow_before,
        placebo=placebo_context(),
        controls=reference,
    )


def build_presentation(
    *,
    user: User,
    filters: Filters,
    described: dict[str, str],
    controls: int | None = None,
    export: str = "",
) -> Presentation | None:
    """The report as the page and the PDF show it; the list of serious events only for
    coordinators and clinicians (administrators read aggregates)."""
    report = build_report(user=user, filters=filters, controls=controls, export=export)
    if report is None:
        return None
    return present(
        report,
        title="Cohort report",
        subtitle="Outcomes of treated patients, set against what ALS would have done anyway",
        filters=described,
        generated_on=timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        show_serious_list=bool(site_ids_for(user, PATIENT_DATA_ROLES)),
    )
