"""Writes of the contact form.

A contact message is health data from the moment it is sent: it is audited, belongs to the site
of the programme it is about, and the e-mail to that site's coordinators says only that it
arrived.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cellpath.accounts.audit import audited_save
from cellpath.accounts.models import User
from cellpath.accounts.roles import Role
from cellpath.intake.models import ContactMessage
from cellpath.outbox import absolute_url, long_date, send_email_after_commit
from cellpath.programmes.models import Programme

DUPLICATE_MINUTES = 10
"""The same message from the same address within this time is kept once."""
CONTACT_ACTOR = "public contact form"


def coordinator_emails(site_id: int | None) -> list[str]:
    """The addresses of the active coordinators of a site; of every site for None (a general
    message, which every coordinator's inbox shows)."""
    coordinators = User.objects.filter(is_active=True, memberships__role=Role.COORDINATOR)
    if site_id is not None:
        coordinators = coordinators.filter(memberships__site_id=site_id)
    return sorted(coordinators.values_list("email", flat=True).distinct())


def contact_message_send(
    *,
    programme: Programme | None,
    name: str,
    email: str,
    message: str,
    consent_contact: bool,
) -> tuple[ContactMessage, bool]:
    """Keep a message from the contact form and tell the site's coordinators it arrived (every
    coordinator for a general message), without its text: health data stays in Cellpath. The
    same message from the same address within `DUPLICATE_MINUTES` is kept once: returns the
    message and whether it is new."""
    if not consent_contact:
        raise ValidationError({"consent_contact": "We can only answer if we may reply by e-mail."})
    email, message = email.strip(), message.strip()
    since = timezone.now() - timedelta(minutes=DUPLICATE_MINUTES)
    earlier = ContactMessage.objects.filter(
        email__iexact=email, message=message, created_at__gte=since
    ).first()
    if earlier is not None:
        return earlier, False
    contact = ContactMessage(
        programme=programme,
        site_id=programme.site_id if programme else None,
        name=name.strip(),
        email=email,
        message=message,
        consent_contact=True,
    )
    with transaction.atomic():
        audited_save(contact, actor=CONTACT_ACTOR)
        _tell_coordinators(contact)
    return contact, True


def _tell_coordinators(contact: ContactMessage) -> None:
    about = f" about {contact.programme.name}" if contact.programme else ""
    body = "\n".join(
        [
            f"A new message{about} arrived through Cellpath's contact form on "
            f"{long_date(contact.created_at)}.",
            "",
            "To keep health information inside Cellpath, this e-mail does not contain the "
            "message or who sent it. Please sign in to Cellpath to read it:",
            absolute_url(reverse("accounts:sign-in")),
        ]
    )
    for address in coordinator_emails(contact.site_id):
        send_email_after_commit(
            subject="New message through the contact form", body=body, to=[address]
        )
