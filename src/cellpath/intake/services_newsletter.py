"""The newsletter: double opt-in, one-click unsubscribe, a consent record, the active list.

Nothing is sent to an address until its owner clicks the confirmation link; every mail carries an
unsubscribe link that works without signing in, and the RFC 8058 headers (`List-Unsubscribe`,
`List-Unsubscribe-Post`) so mail clients can offer their own one-click button.

Tokens. The confirm token is random and single-purpose: only its SHA-256 is stored. The
unsubscribe token has to appear in *every* future mail, so it cannot be random-and-forgotten;
it is derived instead: `Signer(salt=UNSUBSCRIBE_SALT).sign(str(pk))` (HMAC with SECRET_KEY),
checked with `unsign`. The database keeps only the hash of that signed value
(`unsubscribe_token_hash`, unique) for lookups; a link works only if both the signature and the
stored hash match. Rotating SECRET_KEY without `SECRET_KEY_FALLBACKS` would break old links.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from cellpath.accounts.audit import record
from cellpath.accounts.exports import csv_cell
from cellpath.accounts.models import AuditEvent, User
from cellpath.accounts.tokens import token_hash
from cellpath.intake.models import Application, Subscriber
from cellpath.outbox import absolute_url

UNSUBSCRIBE_SALT = "cellpath.newsletter.unsubscribe"
CONFIRM_DAYS = 7
"""A confirmation link works this many days after the consent was given."""


# --- tokens and links ---------------------------------------------------------------------------


def unsubscribe_token(subscriber: Subscriber) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(subscriber.pk))


def unsubscribe_link(subscriber: Subscriber) -> str:
    """The absolute one-click unsubscribe URL for `subscriber` (the same in every mail)."""
    return absolute_url(
        reverse("intake:newsletter-unsubscribe", args=[unsubscribe_token(subscriber)])
    )


def confirm_link(token: str) -> str:
    return absolute_url(reverse("intake:newsletter-confirm", args=[token]))


def newsletter_headers(subscriber: Subscriber) -> dict[str, str]:
    """RFC 2369 / RFC 8058 headers: mail clients show their own one-click unsubscribe."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_link(subscriber)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def subscriber_by_unsubscribe_token(token: str) -> Subscriber | None:
    try:
        pk = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(pk=pk, unsubscribe_token_hash=token_hash(token)).first()


def subscriber_by_confirm_token(token: str) -> Subscriber | None:
    """The subscriber whose confirmation link this is, if it still works: a confirmed address
    always (clicking twice is harmless), a pending one only within CONFIRM_DAYS."""
    if not token:
        return None
    subscriber = Subscriber.objects.filter(confirm_token_hash=token_hash(token)).first()
    if subscriber is None:
        return None
    if subscriber.active:
        return subscriber
    if subscriber.consented_at + timedelta(days=CONFIRM_DAYS) < timezone.now():
        return None
    return subscriber


# --- sending ------------------------------------------------------------------------------------


@task()
def send_newsletter_email(
    *, subject: str, body: str, to: list[str], headers: dict[str, str]
) -> int:
    """Send one newsletter e-mail with its List-Unsubscribe headers."""
    return EmailMessage(subject=subject, body=body, to=to, headers=headers).send()


def send_to_subscriber_after_commit(*, subscriber: Subscriber, subject: str, body: str) -> None:
    """Queue one e-mail to `subscriber` once the transaction commits, with the unsubscribe link
    at the end and in the headers. Every newsletter mail must go through here."""
    text = (
        f"{body.rstrip()}\n\n"
        "You can stop these e-mails at any time, in one click, with no need to sign in:\n"
        f"{unsubscribe_link(subscriber)}\n"
    )
    kwargs = {
        "subject": subject,
        "body": text,
        "to": [subscriber.email],
        "headers": newsletter_headers(subscriber),
    }
    transaction.on_commit(lambda: send_newsletter_email.enqueue(**kwargs))


# --- subscribe, confirm, unsubscribe ------------------------------------------------------------


def _subscriber_for(email: str) -> Subscriber:
    """The row for `email`, created if new (a placeholder unsubscribe hash until the pk exists)."""
    subscriber = Subscriber.objects.filter(email=email).first()
    if subscriber is not None:
        return subscriber
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.create(
                email=email, unsubscribe_token_hash=token_hash(secrets.token_urlsafe(32))
            )
    except IntegrityError:  # the same address, subscribed at the same moment
        return Subscriber.objects.get(email=email)
    subscriber.unsubscribe_token_hash = token_hash(unsubscribe_token(subscriber))
    subscriber.save(update_fields=["unsubscribe_token_hash"])
    return subscriber


@transaction.atomic
def newsletter_subscribe(*, email: str, consent_text: str, ip: str | None = None) -> str | None:
    """Start (or restart) the double opt-in for `email` and return the confirm token.

    A new, unconfirmed or unsubscribed address gets a fresh confirm token, its consent recorded
    (text, time, IP) and a confirmation e-mail after commit. An address already subscribed gets
    nothing and nothing changes (None): callers show the same page either way, so the form does
    not reveal who subscribes. An unsubscribed address stays unsubscribed until it confirms.
    """
    subscriber = _subscriber_for(email.strip().lower())
    if subscriber.active:
        return None
    token = secrets.token_urlsafe(32)
    subscriber.consent_text = consent_text[:300]
    subscriber.consented_at = timezone.now()
    subscriber.consent_ip = ip or None
    subscriber.confirm_token_hash = token_hash(token)
    subscriber.confirmed_at = None
    subscriber.save()
    send_to_subscriber_after_commit(
        subscriber=subscriber,
        subject="Please confirm your Cellpath newsletter subscription",
        body=(
            "Hello,\n\n"
            "Someone, probably you, asked to receive Cellpath's newsletter at this address.\n\n"
            "To start receiving it, open this link and press the button "
            '"Confirm my subscription":\n'
            f"{confirm_link(token)}\n\n"
            f"The link works for {CONFIRM_DAYS} days. If you did not ask for the newsletter, "
            "you do not need to do anything: we will not send it unless you confirm."
        ),
    )
    return token


@transaction.atomic
def newsletter_confirm(token: str) -> Subscriber | None:
    """Confirm the address of this link (once; a second click changes nothing). None when the
    link is unknown or expired."""
    subscriber = subscriber_by_confirm_token(token)
    if subscriber is None or subscriber.active:
        return subscriber
    subscriber.confirmed_at = timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.save(update_fields=["confirmed_at", "unsubscribed_at"])
    return subscriber


@transaction.atomic
def newsletter_unsubscribe(token: str) -> Subscriber | None:
    """Unsubscribe at once (idempotent). Old confirmation links stop working, so an earlier
    mail cannot sign the address up again. None when the link is unknown."""
    subscriber = subscriber_by_unsubscribe_token(token)
    if subscriber is None:
        return None
    if subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = timezone.now()
    subscriber.confirm_token_hash = ""
    subscriber.save(update_fields=["unsubscribed_at", "confirm_token_hash"])
    return subscriber


def newsletter_from_application(application: Application, *, ip: str | None = None) -> str | None:
    """When an applicant ticked the newsletter box, start the same double opt-in for their
    address, recording the words of that box as the consent text."""
    if not application.consent_newsletter:
        return None
    from cellpath.intake.forms import AboutForm

    consent_text = str(AboutForm.base_fields["consent_newsletter"].label)
    return newsletter_subscribe(email=application.email, consent_text=consent_text, ip=ip)


# --- the list -----------------------------------------------------------------------------------


def active_subscribers() -> QuerySet[Subscriber]:
    """Confirmed addresses that have not unsubscribed: the list a mailing service may use."""
    return Subscriber.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)


EXPORT_COLUMNS = ("email", "consented_at", "confirmed_at", "consent_text")


def newsletter_export(*, actor: User) -> list[list[str]]:
    """The active list as CSV rows (header first), every cell guarded against formulas; the
    export is audited with its size (not the addresses: the file itself is the copy)."""
    subscribers = list(active_subscribers().order_by("email"))
    record(
        actor,
        AuditEvent.Action.EXPORT,
        object_type=Subscriber._meta.label_lower,
        object_label="newsletter list",
        detail={"format": "csv", "count": len(subscribers)},
    )
    rows = [list(EXPORT_COLUMNS)]
    for subscriber in subscribers:
        rows.append([csv_cell(getattr(subscriber, column)) for column in EXPORT_COLUMNS])
    return rows
