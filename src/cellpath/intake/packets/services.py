"""Writes of the information-packet request.

A packet request keeps the address and the hash of a download token (never the token); the PDF
is built and e-mailed by a background task, after the request commits.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from cellpath.accounts.tokens import token_hash
from cellpath.intake.models import PacketRequest
from cellpath.intake.packets.pdf import build_packet, packet_filename
from cellpath.outbox import absolute_url, long_date
from cellpath.programmes.models import Programme

PACKET_DAYS = 7
"""How long a packet's download link works."""


def packet_request(*, programme: Programme, email: str) -> tuple[PacketRequest, str]:
    """Record a request for `programme`'s packet and e-mail it (with its download link) once the
    request commits. Returns the request and the download token (shown once, in links)."""
    if not programme.published:
        raise ValidationError({"programme": "This programme is not listed."})
    token = secrets.token_urlsafe(24)
    request = PacketRequest(
        programme=programme,
        email=email.strip(),
        token_hash=token_hash(token),
        expires_at=timezone.now() + timedelta(days=PACKET_DAYS),
    )
    request.full_clean()
    download_url = absolute_url(reverse("intake:packet-download", args=[token]))
    with transaction.atomic():
        request.save()
        transaction.on_commit(
            lambda: email_packet.enqueue(request_id=request.pk, download_url=download_url)
        )
    return request, token


def packet_by_token(token: str) -> PacketRequest | None:
    """The request a download link opens, or None when the link is unknown."""
    return (
        PacketRequest.objects.select_related("programme")
        .filter(token_hash=token_hash(token))
        .first()
    )


@task()
def email_packet(*, request_id: int, download_url: str) -> int:
    """Build the packet and e-mail it as an attachment, with the download link and its expiry."""
    packet = PacketRequest.objects.select_related("programme").get(pk=request_id)
    programme = packet.programme
    body = "\n".join(
        [
            f"Here is the information packet you asked for about {programme.name}.",
            "It is attached to this e-mail as a PDF file.",
            "",
            f"You can also download it until {long_date(packet.expires_at)}:",
            download_url,
            f"(The link works for {PACKET_DAYS} days. After that, you can ask for a new "
            "packet on Cellpath.)",
            "",
            "The packet shows what the programme offers, what it costs, any warning signs we "
            "found, and what the studies it cites show.",
            "",
            "It is not medical advice. Cell therapies for ALS are experimental, and no cell "
            "therapy is approved to treat ALS. Please talk to your neurologist before you "
            "decide anything.",
            "",
            "Someone asked for this packet with your e-mail address on Cellpath. We use the "
            "address only to send this packet. If it was not you, you can ignore this e-mail.",
        ]
    )
    message = EmailMessage(
        subject=f"Information packet: {programme.name}", body=body, to=[packet.email]
    )
    message.attach(
        packet_filename(programme),
        build_packet(programme, today=timezone.localdate()),
        "application/pdf",
    )
    sent = message.send()
    PacketRequest.objects.filter(pk=packet.pk).update(sent_at=timezone.now())
    return sent
