"""Sign-in with a second factor, sign-out, authenticator enrolment, password reset, audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST

from cellpath.accounts import mfa, queries, services
from cellpath.accounts.access import mfa_verified, role_required
from cellpath.accounts.audit import record
from cellpath.accounts.forms import (
    AuditFilterForm,
    CodeForm,
    SignInForm,
    ThrottledPasswordResetForm,
)
from cellpath.accounts.models import AuditEvent
from cellpath.accounts.roles import Role

ENROL_SECRET_KEY = "cellpath_mfa_enrol_secret"  # noqa: S105 (a session key name)
GENERIC_FAILURE = "That e-mail address and password do not match. Please try again."
LOCKED = (
    "Too many unsuccessful attempts. For your safety, signing in is paused for "
    "{minutes} minutes. You can also reset your password."
)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _demo_code(user: object) -> str | None:
    """In demo mode only, show demo accounts their current code so newcomers can sign in."""
    if settings.CELLPATH_DEMO and getattr(user, "is_demo", False):
        device = mfa.confirmed_device(user)  # type: ignore[arg-type]
        return mfa.current_code(device.secret) if device else None
    return None


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.password_check(
            request, email=form.cleaned_data["email"], password=form.cleaned_data["password"]
        )
        if check.user is not None:
            if mfa.confirmed_device(check.user):
                services.mfa_pending_start(request, check.user)
                query = urlencode({"next": _next_url(request)})
                return redirect(f"{reverse('accounts:mfa-verify')}?{query}")
            services.sign_in(request, check.user, mfa_passed=False)
            return redirect(_next_url(request))
        minutes = settings.CELLPATH_SIGNIN_LOCKOUT_SECONDS // 60
        form.add_error(None, LOCKED.format(minutes=minutes) if check.locked else GENERIC_FAILURE)
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "next": request.GET.get("next", ""), "demo": settings.CELLPATH_DEMO},
    )


@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    user = services.mfa_pending_user(request)
    if user is None:
        messages.info(request, "Please sign in again.")
        return redirect("accounts:sign-in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.mfa_pending_verify(request, user, form.cleaned_data["code"]):
            return redirect(_next_url(request))
        form.add_error("code", "That code was not accepted. Wait for a new code and try again.")
    return render(
        request,
        "accounts/mfa_verify.html",
        {"form": form, "next": request.GET.get("next", ""), "demo_code": _demo_code(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    if mfa_verified(request):
        return render(request, "accounts/mfa_done.html")
    secret = request.session.get(ENROL_SECRET_KEY) or mfa.new_secret()
    request.session[ENROL_SECRET_KEY] = secret
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.mfa_enrol(request, secret=secret, code=form.cleaned_data["code"]):
            request.session.pop(ENROL_SECRET_KEY, None)
            messages.success(request, "Your authenticator app is set up.")
            return redirect("home")
        form.add_error(
            "code", "That code did not match. Check the time on your phone and try again."
        )
    uri = mfa.provisioning_uri(request.user, secret)
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr_svg": mfa.qr_svg(uri),
            "required": request.user.is_staff_member,
        },
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    services.sign_out(request)
    messages.info(request, "You have signed out.")
    return redirect("accounts:sign-in")


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ThrottledPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record(form.user, AuditEvent.Action.PASSWORD_CHANGED, detail={"via": "reset link"})
        return response


@role_required(Role.ADMINISTRATOR)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = queries.audit_event_list(user=request.user, **filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@role_required(Role.ADMINISTRATOR)
def site_members(request: HttpRequest, site_id: int) -> HttpResponse:
    site = queries.site_get(user=request.user, pk=site_id, roles=[Role.ADMINISTRATOR])
    if site is None:
        raise Http404
    return render(
        request,
        "accounts/site_members.html",
        {"site": site, "memberships": queries.site_members(site=site)},
    )
