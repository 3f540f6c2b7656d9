"""The newsletter pages: sign up, check your inbox, confirm, one-click unsubscribe, export."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from cellpath.accounts import limits
from cellpath.accounts.access import role_required
from cellpath.accounts.roles import Role
from cellpath.intake.newsletter import services as newsletter
from cellpath.intake.newsletter.forms import NewsletterForm


def _link_problem(request: HttpRequest, kind: str) -> HttpResponse:
    return render(
        request,
        "intake/newsletter_link_problem.html",
        {"kind": kind, "days": newsletter.CONFIRM_DAYS},
        status=404,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    form = NewsletterForm(request.POST or None)
    if request.method == "POST":
        if form.bot:  # answer as if it worked; keep nothing
            return redirect("intake:newsletter-check")
        email = request.POST.get("email", "")
        if limits.NEWSLETTER.exceeded(request, email):
            return render(request, "intake/newsletter_too_many.html", status=429)
        if form.is_valid():
            # Counted whether or not the address is already subscribed: the answer is the same.
            limits.NEWSLETTER.count(request, email)
            newsletter.newsletter_subscribe(
                email=form.cleaned_data["email"],
                consent_text=str(form.fields["consent"].label),
                ip=request.META.get("REMOTE_ADDR") or None,
            )
            return redirect("intake:newsletter-check")
    return render(request, "intake/newsletter_form.html", {"form": form})


@never_cache
@require_GET
def check(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/newsletter_check.html", {"days": newsletter.CONFIRM_DAYS})


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET only shows a button: mail scanners open links, so confirming happens on POST."""
    if request.method == "POST":
        subscriber = newsletter.newsletter_confirm(token)
    else:
        subscriber = newsletter.subscriber_by_confirm_token(token)
    if subscriber is None:
        return _link_problem(request, "confirm")
    return render(
        request,
        "intake/newsletter_confirm.html",
        {"token": token, "done": subscriber.active},
    )


# One-click unsubscribe (RFC 8058): mail clients POST "List-Unsubscribe=One-Click" to this URL
# straight from the inbox, without our CSRF cookie, so the POST cannot carry a CSRF token. The
# signed token in the URL is what authorises it, and all it can do is stop the newsletter.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one button (link scanners must not unsubscribe anyone); POST unsubscribes."""
    if request.method == "POST":
        subscriber = newsletter.newsletter_unsubscribe(token)
    else:
        subscriber = newsletter.subscriber_by_unsubscribe_token(token)
    if subscriber is None:
        return _link_problem(request, "unsubscribe")
    return render(
        request,
        "intake/newsletter_unsubscribe.html",
        {"token": token, "done": subscriber.unsubscribed_at is not None},
    )


@never_cache
@require_GET
@role_required(Role.ADMINISTRATOR)
def export(request: HttpRequest) -> HttpResponse:
    """The active list as CSV for a mailing service (administrators; audited)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="cellpath-newsletter-{stamp}.csv"'
    csv.writer(response).writerows(newsletter.newsletter_export(actor=request.user))
    return response
