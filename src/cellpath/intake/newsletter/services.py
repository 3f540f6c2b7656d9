"""The newsletter: double opt-in, one-click unsubscribe, a consent record, the active list.

Nothing is sent to an address until its owner confirms; every e-mail carries an unsubscribe link
that works without signing in, and the RFC 8058 headers so mail clients can offer their own
one-click button. The mechanism (tokens, links, headers) is `accounts.subscriptions`, shared
with the trial alerts; what is the newsletter's own is here: one row per address, kept after
unsubscribing as the record of consent and of its withdrawal.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from cellpath.accounts.audit import record
from cellpath.accounts.exports import csv_cell
from cellpath.accounts.models import AuditEvent, User
from cellpath.accounts.subscriptions import DoubleOptIn
from cellpath.intake.models import Application, Subscriber

NEWSLETTER = DoubleOptIn(
    model=Subscriber,
    confirm_url="intake:newsletter-confirm",
    stop_url="intake:newsletter-unsubscribe",
    stop_salt="cellpath.newsletter.unsubscribe",
    asked_at="consented_at",
    stopped_at="unsubscribed_at",
)
CONFIRM_DAYS = NEWSLETTER.confirm_days


def unsubscribe_token(subscriber: Subscriber) -> str:
    return NEWSLETTER.stop_token(subscriber)


def unsubscribe_link(subscriber: Subscriber) -> str:
    """The absolute one-click unsubscribe URL for `subscriber` (the same in every mail)."""
    return NEWSLETTER.stop_link(subscriber)


def subscriber_by_unsubscribe_token(token: str) -> Subscriber | None:
    return NEWSLETTER.by_stop_token(token)


def subscriber_by_confirm_token(token: str) -> Subscriber | None:
    return NEWSLETTER.by_confirm_token(token)


def send_to_subscriber_after_commit(*, subscriber: Subscriber, subject: str, body: str) -> None:
    """Queue one e-mail to `subscriber` once the transaction commits, with the unsubscribe link
    at the end and in the headers. Every newsletter mail must go through here."""
    text = (
        f"{body.rstrip()}\n\n"
        "You can stop these e-mails at any time, in one click, with no need to sign in:\n"
        f"{unsubscribe_link(subscriber)}\n"
    )
    NEWSLETTER.send_after_commit(subscriber, subject=subject, body=text)


@transaction.atomic
def newsletter_subscribe(*, email: str, consent_text: str, ip: str | None = None) -> str | None:
    """Start (or restart) the double opt-in for `email` and return the confirm token.

    A new, unconfirmed or unsubscribed address gets a fresh confirm token, its consent recorded
    (text, time, IP) and a confirmation e-mail after commit. An address already subscribed gets
    nothing and nothing changes (None): callers show the same page either way, so the form does
    not reveal who subscribes. An unsubscribed address stays unsubscribed until it confirms.
    """
    # get_or_create: the same address, subscribed at the same moment, makes one row
    subscriber, _ = Subscriber.objects.get_or_create(email=email.strip().lower())
    if subscriber.active:
        return None
    token = NEWSLETTER.start(subscriber, consent_text=consent_text, consent_ip=ip or None)
    send_to_subscriber_after_commit(
        subscriber=subscriber,
        subject="Please confirm your Cellpath newsletter subscription",
        body=(
            "Hello,\n\n"
            "Someone, probably you, asked to receive Cellpath's newsletter at this address.\n\n"
            "To start receiving it, open this link and press the button "
            '"Confirm my subscription":\n'
            f"{NEWSLETTER.confirm_link(token)}\n\n"
            f"The link works for {CONFIRM_DAYS} days. If you did not ask for the newsletter, "
            "you do not need to do anything: we will not send it unless you confirm."
        ),
    )
    return token


@transaction.atomic
def newsletter_confirm(token: str) -> Subscriber | None:
    """Confirm the address of this link (once; a second click changes nothing). None when the
    link is unknown or expired."""
    subscriber = NEWSLETTER.by_confirm_token(token)
    if subscriber is not None:
        NEWSLETTER.confirm(subscriber)
    return subscriber


@transaction.atomic
def newsletter_unsubscribe(token: str) -> Subscriber | None:
    """Unsubscribe at once (idempotent). Old confirmation links stop working, so an earlier
    mail cannot sign the address up again. None when the link is unknown."""
    subscriber = NEWSLETTER.by_stop_token(token)
    if subscriber is not None:
        NEWSLETTER.stop(subscriber)
    return subscriber


def newsletter_from_application(application: Application, *, ip: str | None = None) -> str | None:
    """When an applicant ticked the newsletter box, start the same double opt-in for their
    address, recording the words of that box as the consent text."""
    if not application.consent_newsletter:
        return None
    from cellpath.intake.forms.apply import AboutForm

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
