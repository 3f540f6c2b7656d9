"""Reads of patient records. Every function takes the acting user, scopes by site, and records
the read in the audit log (HIPAA §164.312(b))."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cellpath.accounts.access import site_ids_for
from cellpath.accounts.audit import record_export, record_list, record_view
from cellpath.accounts.models import User
from cellpath.accounts.roles import PATIENT_DATA_ROLES, Role
from cellpath.care.models import AdverseEvent, CaregiverLink, Patient
from cellpath.care.queries.conditions import open_adverse_events, overdue_visits


def patients_visible_to(user: User) -> QuerySet[Patient]:
    """The one place that decides which patient rows a user may see."""
    staff_sites = site_ids_for(user, PATIENT_DATA_ROLES)
    if staff_sites:
        return Patient.objects.filter(site_id__in=staff_sites).select_related("site", "identity")
    if user.is_authenticated and Role.PATIENT in user.roles:
        # Their own record, and the records of patients who made them their caregiver.
        cared_for = CaregiverLink.objects.filter(
            patient=OuterRef("pk"), user=user, accepted_at__isnull=False, revoked_at__isnull=True
        )
        return Patient.objects.filter(Q(user=user) | Exists(cared_for)).select_related(
            "site", "identity"
        )
    return Patient.objects.none()


def identity_visibility(user: User) -> Callable[[Patient], bool]:
    """Whether `user` may see a patient's name: coordinators of the patient's site and the
    patient themself; clinicians and reports work on the study ID (GDPR Art. 4(5))."""
    coordinator_sites = set(site_ids_for(user, [Role.COORDINATOR]))
    return lambda patient: patient.user_id == user.pk or patient.site_id in coordinator_sites


def patient_get(*, user: User, pk: int) -> Patient | None:
    """One record, or None when it does not exist *or* the user may not see it (→ 404)."""
    patient = patients_visible_to(user).filter(pk=pk).first()
    if patient is not None:
        record_view(user, patient)
    return patient


def events_at_death(patient: Patient) -> tuple[list[AdverseEvent], list[AdverseEvent]]:
    """For a patient who died: the adverse events still open (each needs its outcome) and the
    fatal ones (linked to the death). Read with the record `patient_get` already audited."""
    if patient.death_date is None:
        return [], []
    events = list(
        AdverseEvent.objects.filter(
            open_adverse_events() | Q(outcome=AdverseEvent.Outcome.FATAL), patient=patient
        )
    )
    fatal = [e for e in events if e.outcome == AdverseEvent.Outcome.FATAL]
    return [e for e in events if e.open], fatal


def patient_own(*, user: User) -> Patient | None:
    """The patient's own record, for their home page."""
    patient = Patient.objects.filter(user=user).select_related("site", "identity").first()
    if patient is not None:
        record_view(user, patient)
    return patient


def patient_page(
    *,
    user: User,
    page: str | int | None,
    per_page: int = 50,
    search: str = "",
    site_id: int | None = None,
    overdue: bool = False,
    open_adverse_event: bool = False,
    today: date | None = None,
) -> Page:
    """One page of the user's patients, searched by study ID (and by name where the user may
    see names: coordinators of the patient's site) and filtered in the database."""
    patients = patients_visible_to(user)
    if search:
        by_name = Q(
            identity__full_name__icontains=search,
            site_id__in=site_ids_for(user, [Role.COORDINATOR]),
        )
        patients = patients.filter(Q(study_id__icontains=search) | by_name)
    if site_id is not None:
        patients = patients.filter(site_id=site_id)
    if overdue:
        today = today or timezone.localdate()
        patients = patients.filter(Exists(overdue_visits(today).filter(patient=OuterRef("pk"))))
    if open_adverse_event:
        events = AdverseEvent.objects.filter(open_adverse_events(), patient=OuterRef("pk"))
        patients = patients.filter(Exists(events))
    result = Paginator(patients, per_page).get_page(page)
    filters = {"search": search, "site": site_id, "overdue": overdue}
    filters["open_adverse_event"] = open_adverse_event
    record_list(user, result.object_list, detail={k: v for k, v in filters.items() if v})
    return result


def patient_export(*, user: User) -> list[Patient]:
    rows = list(patients_visible_to(user))
    record_export(user, rows, fmt="csv")
    return rows
