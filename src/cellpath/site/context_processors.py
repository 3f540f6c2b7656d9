"""Navigation per role: only links to pages the user may open."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from cellpath.accounts.roles import Role


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    roles = user.roles
    nav = [("Home", reverse("home"))]
    if roles & {Role.COORDINATOR, Role.CLINICIAN}:
        nav.append(("Patients", reverse("care:patient-list")))
    if Role.ADMINISTRATOR in roles or user.is_superuser:
        nav.append(("Audit log", reverse("accounts:audit-log")))
    if user.is_superuser:
        nav.append(("Administration", reverse("admin:index")))
    nav.append(("Authenticator", reverse("accounts:mfa-setup")))
    return {"nav": nav}
