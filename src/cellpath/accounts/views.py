"""Sign-in with a second factor, sign-out, authenticator enrolment, password reset, audit log
(page and CSV export), and the people of an administrator's sites (invite, roles, deactivate,
reset the authenticator) with the invitation's set-password page."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST

from cellpath.accounts import mfa, queries, services
from cellpath.accounts.access import mfa_verified, role_required
from cellpath.accounts.audit import record
from cellpath.accounts.exports import csv_cell
from cellpath.accounts.forms import (
    AuditFilterForm,
    CodeForm,
    InviteForm,
    RoleAddForm,
    SignInForm,
    ThrottledPasswordResetForm,
)
from cellpath.accounts.models import AuditEvent
from cellpath.accounts.roles import STAFF_ROLES, Role
from cellpath.accounts.tokens import invitation_token

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


def _audit_filters(request: HttpRequest) -> tuple[AuditFilterForm, dict[str, Any]]:
    form = AuditFilterForm(request.GET or None)
    return form, (form.cleaned_data if form.is_valid() else {})


@role_required(Role.ADMINISTRATOR)
def audit_log(request: HttpRequest) -> HttpResponse:
    form, filters = _audit_filters(request)
    events = queries.audit_event_list(user=request.user, **filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    for event in page:
        event.object_type_label = queries.object_type_label(event.object_type)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


AUDIT_COLUMNS = [
    "When (UTC)",
    "Who",
    "Action",
    "Record type",
    "Record",
    "Record id",
    "Site",
    "Channel",
    "IP address",
    "Changes",
    "Detail",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _audit_rows(events: Any) -> Iterator[list[str]]:
    yield AUDIT_COLUMNS
    labels: dict[str, str] = {}
    for e in events.iterator(chunk_size=2000):
        if e.object_type not in labels:
            labels[e.object_type] = queries.object_type_label(e.object_type)
        yield [
            csv_cell(cell)
            for cell in (
                e.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_label,
                e.get_action_display(),
                labels[e.object_type],
                e.object_label,
                e.object_id,
                e.site.code.upper() if e.site else "",
                e.channel,
                e.ip_address,
                json.dumps(e.changes, ensure_ascii=False, sort_keys=True) if e.changes else "",
                json.dumps(e.detail, ensure_ascii=False, sort_keys=True) if e.detail else "",
            )
        ]


@role_required(Role.ADMINISTRATOR)
def audit_export(request: HttpRequest) -> HttpResponse:
    """The audit log as filtered on its page, as a CSV file; the export is itself audited."""
    _, filters = _audit_filters(request)
    events = queries.audit_event_list(user=request.user, **filters)
    services.audit_export_record(actor=request.user, count=events.count(), filters=filters)
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _audit_rows(events)), content_type="text/csv"
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="cellpath-audit-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


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


# --- people ---------------------------------------------------------------------------------


def _administered_sites(request: HttpRequest) -> Any:
    return queries.site_list(user=request.user, roles=[Role.ADMINISTRATOR])


def _person_or_404(request: HttpRequest, pk: int) -> queries.Person:
    person = queries.person_get(user=request.user, pk=pk)
    if person is None:
        raise Http404
    return person


def _refusal(request: HttpRequest, error: PermissionDenied | ValidationError) -> None:
    text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    messages.error(request, text or "That change is not allowed.")


@role_required(Role.ADMINISTRATOR)
def people(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/people.html",
        {"people": queries.people_list(user=request.user)},
    )


@role_required(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def people_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None, sites=_administered_sites(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, _ = services.staff_invite(
                actor=request.user,
                email=data["email"],
                full_name=data["full_name"],
                site=data["site"],
                role=data["role"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"The invitation was sent to {user.email}.")
            return redirect("accounts:person", pk=user.pk)
    days = settings.CELLPATH_INVITATION_SECONDS // 86400
    return render(request, "accounts/people_invite.html", {"form": form, "days": days})


def _person_page(request: HttpRequest, found: queries.Person, form: RoleAddForm) -> HttpResponse:
    is_self = found.user.pk == request.user.pk
    for m in found.memberships:  # staff roles only; an administrator keeps their own
        m.removable = m.role in STAFF_ROLES and not (is_self and m.role == Role.ADMINISTRATOR)
    # as services._require_whole_account decides: the buttons show only where they would work
    whole_account = not (
        is_self or found.elsewhere or (found.user.is_superuser and not request.user.is_superuser)
    )
    return render(
        request,
        "accounts/person.html",
        {"person": found, "form": form, "whole_account": whole_account},
    )


@role_required(Role.ADMINISTRATOR)
def person(request: HttpRequest, pk: int) -> HttpResponse:
    found = _person_or_404(request, pk)
    return _person_page(request, found, RoleAddForm(sites=_administered_sites(request)))


@role_required(Role.ADMINISTRATOR)
@require_POST
def person_role_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = _person_or_404(request, pk)
    form = RoleAddForm(request.POST, sites=_administered_sites(request))
    if form.is_valid():
        try:
            services.role_grant(
                actor=request.user,
                user=found.user,
                site=form.cleaned_data["site"],
                role=form.cleaned_data["role"],
            )
        except (PermissionDenied, ValidationError) as error:
            _refusal(request, error)
        else:
            messages.success(request, "The role was added.")
            return redirect("accounts:person", pk=pk)
    return _person_page(request, found, form)


@role_required(Role.ADMINISTRATOR)
@require_POST
def person_role_remove(request: HttpRequest, pk: int, membership_id: int) -> HttpResponse:
    found = _person_or_404(request, pk)
    membership = next((m for m in found.memberships if m.pk == membership_id), None)
    if membership is None:
        raise Http404
    try:
        services.role_remove(actor=request.user, membership=membership)
    except (PermissionDenied, ValidationError) as error:
        _refusal(request, error)
    else:
        messages.success(request, f"The {membership.role_label.lower()} role was removed.")
    return redirect("accounts:person", pk=pk)


@role_required(Role.ADMINISTRATOR)
@require_POST
def person_active(request: HttpRequest, pk: int) -> HttpResponse:
    found = _person_or_404(request, pk)
    active = request.POST.get("active") == "1"
    try:
        changed = services.account_set_active(actor=request.user, user=found.user, active=active)
    except PermissionDenied as error:
        _refusal(request, error)
    else:
        if changed:
            messages.success(
                request,
                "The account can sign in again."
                if active
                else "The account is deactivated: it cannot sign in, and its sessions ended.",
            )
    return redirect("accounts:person", pk=pk)


@role_required(Role.ADMINISTRATOR)
@require_POST
def person_mfa_reset(request: HttpRequest, pk: int) -> HttpResponse:
    found = _person_or_404(request, pk)
    try:
        reset = services.mfa_reset(actor=request.user, user=found.user)
    except PermissionDenied as error:
        _refusal(request, error)
    else:
        messages.success(
            request,
            "The authenticator was removed: they set up a new one at their next sign-in."
            if reset
            else "This account has no authenticator to remove.",
        )
    return redirect("accounts:person", pk=pk)


class InvitationView(auth_views.PasswordResetConfirmView):
    """An invited person chooses their password from the link in the invitation e-mail."""

    template_name = "accounts/invitation.html"
    token_generator = invitation_token
    success_url = reverse_lazy("accounts:sign-in")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record(form.user, AuditEvent.Action.PASSWORD_CHANGED, detail={"via": "invitation"})
        messages.success(
            self.request, "Your password is saved. Sign in to set up your authenticator app."
        )
        return response
