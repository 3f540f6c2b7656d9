"""Who may reach which page, and which sites' records a user may see.

Scoping happens in the query functions of each app (`site_ids_for`), not only in a view
permission check: a list, a detail page and an export all start from the same scoped queryset.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from cellpath.accounts.models import AuditEvent, Membership, Site, User
from cellpath.accounts.roles import Role

MFA_SESSION_KEY = "cellpath_mfa_verified"


def site_ids_for(user: User, roles: Iterable[str]) -> list[int]:
    """Ids of the sites where `user` holds one of `roles` (none for anonymous users)."""
    if not user.is_authenticated:
        return []
    if user.is_superuser and Role.ADMINISTRATOR in roles:
        return list(Site.objects.values_list("pk", flat=True))
    return list(
        Membership.objects.filter(user=user, role__in=list(roles))
        .values_list("site_id", flat=True)
        .distinct()
    )


def mfa_verified(request: HttpRequest) -> bool:
    return bool(request.session.get(MFA_SESSION_KEY))


def needs_mfa(user: User) -> bool:
    """Staff must pass a second factor before any staff page (they all show patient data or
    its audit trail); patients may enrol but are not forced to."""
    return user.is_staff_member


def role_required(
    *roles: Role,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Let through signed-in users holding one of `roles` (at any site) who passed MFA if staff.

    Anonymous users go to the sign-in page; signed-in users without the role get 403 (and an
    audit row, OWASP ASVS V16.3.2); staff without a verified second factor go to the MFA page.
    Object pages must still fetch through a scoped query, which answers 404 for other sites.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if roles and not (user.roles & set(roles)):
                from cellpath.accounts.audit import record

                record(
                    user,
                    AuditEvent.Action.ACCESS_DENIED,
                    detail={"path": request.path, "needs": sorted(roles)},
                )
                raise PermissionDenied
            if needs_mfa(user) and not mfa_verified(request):
                return redirect("accounts:mfa-setup")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
