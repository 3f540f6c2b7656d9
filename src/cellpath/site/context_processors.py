"""Navigation per role: only links to pages the user may open; and whether the page is a form
that collects health data (base.html then links the privacy notice)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from cellpath.accounts.roles import Role
from cellpath.care.queries.portal import PORTAL_PATIENT_KEY, has_own_record, portal_context

HEALTH_DATA_FORMS = frozenset(
    {
        "care:portal-alsfrs",
        "care:portal-alsfrs-question",
        "care:portal-alsfrs-review",
        "care:portal-updates",
    }
)
"""Pages whose forms collect health data and whose templates are not the site's to edit (the
application form's own templates include site/privacy_line.html next to their consent)."""


def public_nav() -> list[tuple[str, str]]:
    """What a visitor who is not signed in can open: the learn and compare pages."""
    return [
        ("Learn", reverse("evidence:learn")),
        ("Studies", reverse("evidence:study-list")),
        ("Claim checks", reverse("evidence:claim-list")),
        ("Programmes", reverse("programmes:list")),
        ("Trials", reverse("trials:finder")),
        ("Apply", reverse("intake:start")),
        ("Search", reverse("search")),
    ]


def navigation(request: HttpRequest) -> dict[str, object]:
    match = getattr(request, "resolver_match", None)
    health_data_form = match is not None and match.view_name in HEALTH_DATA_FORMS
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": public_nav(), "health_data_form": health_data_form}
    roles = user.roles
    nav = [("Home", reverse("home"))]
    if Role.EDITOR in roles:
        nav.append(("Edit library", reverse("evidence:edit-home")))
    if roles & {Role.COORDINATOR, Role.CLINICIAN}:
        nav.append(("Dashboard", reverse("care:dashboard")))
        nav.append(("Patients", reverse("care:patient-list")))
        nav.append(("Adverse events", reverse("care:adverse-event-list")))
    if Role.COORDINATOR in roles:
        nav.append(("Applications", reverse("intake:queue")))
    if roles & {Role.COORDINATOR, Role.CLINICIAN, Role.ADMINISTRATOR}:
        nav.append(("Report", reverse("reports:cohort")))
    if roles & {Role.COORDINATOR, Role.CLINICIAN}:
        nav.append(("Export", reverse("exchange:export")))
    if Role.PATIENT in roles:  # the patient portal
        nav.append(("My visits", reverse("care:portal-schedule")))
        nav.append(("My updates", reverse("care:portal-updates")))
        if has_own_record(user):  # a caregiver cannot download the record of whom they help
            nav.append(("My data", reverse("care:portal-data")))
    if Role.ADMINISTRATOR in roles or user.is_superuser:
        nav.append(("People", reverse("accounts:people")))
        nav.append(("Audit log", reverse("accounts:audit-log")))
    if user.is_superuser:
        nav.append(("Administration", reverse("admin:index")))
    context: dict[str, object] = {"nav": nav, "health_data_form": health_data_form}
    if Role.PATIENT in roles:
        # Evaluated only by a template that asks (the patient's home page).
        chosen = request.session.get(PORTAL_PATIENT_KEY)
        context["portal"] = SimpleLazyObject(lambda: portal_context(user=user, chosen=chosen))
    return context
