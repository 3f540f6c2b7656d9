"""Automatic logoff: an idle timeout and an absolute session lifetime.

HIPAA §164.312(a)(2)(iii) (automatic logoff); OWASP ASVS 5.0 V7.3.1 (inactivity) and V7.3.2
(absolute lifetime). Both are enforced on the server, whatever the browser keeps.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from cellpath.accounts.services import AUTH_AT_KEY, LAST_SEEN_KEY, sign_out


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            last_seen = request.session.get(LAST_SEEN_KEY, 0)
            auth_at = request.session.get(AUTH_AT_KEY, 0)
            reason = ""
            if now - last_seen > settings.CELLPATH_IDLE_TIMEOUT_SECONDS:
                reason = "idle"
            elif now - auth_at > settings.CELLPATH_ABSOLUTE_TIMEOUT_SECONDS:
                reason = "lifetime"
            if reason:
                sign_out(request, reason=reason)
                messages.info(
                    request, "You were signed out to protect your data. Please sign in again."
                )
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
