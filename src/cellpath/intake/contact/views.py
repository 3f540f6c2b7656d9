"""The contact form and the page after sending it. Public."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from cellpath.accounts import limits
from cellpath.intake.contact import services
from cellpath.intake.contact.forms import ContactForm
from cellpath.programmes import queries as programme_queries


@never_cache
@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST or None)
    if request.method == "GET":
        form.preselect(request.GET.get("programme"))
    if request.method == "POST":
        if form.bot:  # answer as if it worked; keep nothing
            return render(request, "intake/contact_sent.html")
        if limits.CONTACT.exceeded(request, request.POST.get("email", "")):
            return render(request, "intake/contact_too_many.html", status=429)
        if form.is_valid():
            details = {k: v for k, v in form.cleaned_data.items() if k != "website"}
            try:
                services.contact_message_send(**details)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                limits.CONTACT.count(request, request.POST.get("email", ""))
                return redirect("intake:contact-sent")
    warned = programme_queries.programme_with_warning_signs(request.GET.get("programme"))
    return render(request, "intake/contact_form.html", {"form": form, "warned": warned})


@require_GET
def contact_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/contact_sent.html")
