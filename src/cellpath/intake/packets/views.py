"""The information-packet request: the form, the page after sending, the download. Public."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from cellpath.accounts import limits
from cellpath.intake.models import PacketRequest
from cellpath.intake.packets import services
from cellpath.intake.packets.forms import PacketRequestForm
from cellpath.intake.packets.pdf import build_packet, packet_filename
from cellpath.programmes import queries as programme_queries


def _link_problem(request: HttpRequest, packet: PacketRequest | None) -> HttpResponse | None:
    if packet is None or not packet.programme.published:
        return render(request, "intake/packet_link_problem.html", {"reason": "unknown"}, status=404)
    if packet.expires_at < timezone.now():
        return render(
            request,
            "intake/packet_link_problem.html",
            {"reason": "expired", "packet": packet, "days": services.PACKET_DAYS},
            status=410,
        )
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def packet_request(request: HttpRequest) -> HttpResponse:
    form = PacketRequestForm(request.POST or None)
    if request.method == "GET":
        form.preselect(request.GET.get("programme"))
    if request.method == "POST":
        if form.bot:  # answer as if it worked; keep nothing
            return render(request, "intake/packet_thanks.html")
        if limits.PACKET.exceeded(request, request.POST.get("email", "")):
            return render(request, "intake/packet_too_many.html", status=429)
        if form.is_valid():
            try:
                _packet, token = services.packet_request(
                    programme=form.cleaned_data["programme"], email=form.cleaned_data["email"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                limits.PACKET.count(request, request.POST.get("email", ""))
                return redirect("intake:packet-sent", token=token)
    warned = programme_queries.programme_with_warning_signs(request.GET.get("programme"))
    return render(request, "intake/packet_request.html", {"form": form, "warned": warned})


@never_cache
@require_GET
def packet_sent(request: HttpRequest, token: str) -> HttpResponse:
    packet = services.packet_by_token(token)
    problem = _link_problem(request, packet)
    if problem:
        return problem
    return render(
        request,
        "intake/packet_sent.html",
        {"packet": packet, "token": token, "days": services.PACKET_DAYS},
    )


@require_GET
def packet_download(request: HttpRequest, token: str) -> HttpResponse:
    packet = services.packet_by_token(token)
    problem = _link_problem(request, packet)
    if problem:
        problem["Cache-Control"] = "private, no-store"
        return problem
    pdf = build_packet(packet.programme, today=timezone.localdate())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{packet_filename(packet.programme)}"'
    response["Cache-Control"] = "private, no-store"
    return response
