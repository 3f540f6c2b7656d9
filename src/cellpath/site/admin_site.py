"""The Django admin, for installation administrators who passed their second factor only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from cellpath.accounts.access import mfa_verified


class CellpathAdminSite(admin.AdminSite):
    site_header = "Cellpath administration"
    site_title = "Cellpath administration"
    index_title = "Installation settings"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active and user.is_staff and user.is_superuser and mfa_verified(request)
        )

    def admin_view(
        self, view: Callable[..., HttpResponse], cacheable: bool = False
    ) -> Callable[..., HttpResponse]:
        """Signed-in users without the right get 403, not a second sign-in form."""
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if user.is_authenticated and not self.has_permission(request):
                if user.is_superuser and not mfa_verified(request):
                    return redirect("accounts:mfa-setup")
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return guarded

    def logout(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """The admin's sign-out button signs out of Cellpath, with its audit row."""
        from cellpath.accounts.services import sign_out

        sign_out(request)
        return redirect("accounts:sign-in")

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """Everyone signs in through Cellpath's own sign-in page (lockout, MFA, audit)."""
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.get_full_path())
