"""Subscriptions by e-mail with double opt-in: one mechanism for every list Cellpath keeps (the
newsletter in intake, the alerts about new trials in trials).

- Starting records the consent (the exact words the person agreed to, and when) and e-mails a
  confirmation link. Nothing else is sent to the address until its owner confirms. The link's
  token is random and single-purpose: only its SHA-256 is kept (`tokens.token_hash`), and it
  works for `CONFIRM_DAYS` (once confirmed, opening it again is harmless).
- Confirming happens on POST: mail scanners open links, so the link's page shows a button.
- Every e-mail carries a stop link, and the RFC 2369 / RFC 8058 headers (`List-Unsubscribe`,
  `List-Unsubscribe-Post`) so mail clients offer their own one-click button. The stop token has
  to be the same in every future e-mail, so it is signed rather than random: an HMAC of the row's
  id with SECRET_KEY (`Signer(salt=…)`, one salt per list); nothing is stored for it. The stop
  page's POST cannot carry a CSRF token (mail clients post without our cookie): the signature is
  what authorises it, and all it can do is stop. Rotating SECRET_KEY without
  `SECRET_KEY_FALLBACKS` breaks the stop links already mailed.
- Stopping works at once, twice is harmless, and earlier confirmation links stop working with it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cellpath.accounts.tokens import token_hash
from cellpath.outbox import absolute_url, send_email_after_commit

CONFIRM_DAYS = 7
"""A confirmation link works this many days after the consent was given."""
CONSENT_TEXT_LENGTH = 300


class Subscription(models.Model):
    """What every list keeps of its double opt-in (abstract: each list has its own table).
    A list's model also has an `email` field and the moment consent was given."""

    consent_text = models.CharField(max_length=CONSENT_TEXT_LENGTH)
    confirm_token_hash = models.CharField(max_length=64, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


@dataclass(frozen=True)
class DoubleOptIn:
    """One list's double opt-in: its rows, its two pages, and the salt of its stop links.

    `model` has the fields of `Subscription` and an `email`; `asked_at` names its field holding
    when consent was given (the confirmation window counts from it). `stopped_at` names the
    field recording when the person stopped the list; None when stopping deletes the row,
    because nothing in it is worth keeping without consent.
    """

    model: type[models.Model]
    confirm_url: str
    """URL name of the confirmation page; takes the confirm token."""
    stop_url: str
    """URL name of the stop page; takes the stop token."""
    stop_salt: str
    asked_at: str = "consented_at"
    stopped_at: str | None = "unsubscribed_at"
    confirm_days: int = CONFIRM_DAYS

    # --- links and headers -----------------------------------------------------------------------

    def confirm_link(self, token: str) -> str:
        return absolute_url(reverse(self.confirm_url, args=[token]))

    def stop_token(self, subscription: models.Model) -> str:
        return signing.Signer(salt=self.stop_salt).sign(str(subscription.pk))

    def stop_link(self, subscription: models.Model) -> str:
        """The absolute one-click stop URL of `subscription` (the same in every e-mail)."""
        return absolute_url(reverse(self.stop_url, args=[self.stop_token(subscription)]))

    def headers(self, subscription: models.Model) -> dict[str, str]:
        """RFC 2369 / RFC 8058 headers: mail clients show their own one-click stop button."""
        return {
            "List-Unsubscribe": f"<{self.stop_link(subscription)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }

    # --- finding a row from a link ---------------------------------------------------------------

    def by_confirm_token(self, token: str) -> models.Model | None:
        """The row whose confirmation link this is, if it still works: a confirmed one always
        (clicking twice is harmless), a pending one within `confirm_days`."""
        if not token:
            return None
        subscription = self.model.objects.filter(confirm_token_hash=token_hash(token)).first()
        if subscription is None or subscription.confirmed_at is not None:
            return subscription
        expires = getattr(subscription, self.asked_at) + timedelta(days=self.confirm_days)
        return None if expires < timezone.now() else subscription

    def by_stop_token(self, token: str) -> models.Model | None:
        """The row a stop link names, when its signature is ours."""
        try:
            pk = signing.Signer(salt=self.stop_salt).unsign(token)
        except signing.BadSignature:
            return None
        return self.model.objects.filter(pk=pk).first()

    # --- writes ----------------------------------------------------------------------------------

    def start(self, subscription: models.Model, *, consent_text: str, **fields: object) -> str:
        """Record the consent (its words, now, and `fields` such as the address it came from),
        give the row a new confirmation token, save it (it is new or pending again until it
        confirms) and return the token for the confirmation e-mail. Earlier links stop working."""
        token = secrets.token_urlsafe(32)
        subscription.consent_text = consent_text[:CONSENT_TEXT_LENGTH]
        setattr(subscription, self.asked_at, timezone.now())
        subscription.confirm_token_hash = token_hash(token)
        subscription.confirmed_at = None
        for name, value in fields.items():
            setattr(subscription, name, value)
        subscription.save()
        return token

    def confirm(self, subscription: models.Model) -> None:
        """Confirm the address, once (a second click changes nothing); a list stopped earlier
        starts again."""
        if subscription.confirmed_at is not None:
            return
        subscription.confirmed_at = timezone.now()
        changed = ["confirmed_at"]
        if self.stopped_at is not None:
            setattr(subscription, self.stopped_at, None)
            changed.append(self.stopped_at)
        subscription.save(update_fields=changed)

    def stop(self, subscription: models.Model) -> None:
        """Stop at once (twice is harmless): the time is recorded and old confirmation links
        stop working, so an earlier e-mail cannot sign the address up again; or the row is
        deleted."""
        if self.stopped_at is None:
            subscription.delete()
            return
        if getattr(subscription, self.stopped_at) is None:
            setattr(subscription, self.stopped_at, timezone.now())
        subscription.confirm_token_hash = ""
        subscription.save(update_fields=[self.stopped_at, "confirm_token_hash"])

    def send_after_commit(self, subscription: models.Model, *, subject: str, body: str) -> None:
        """Queue one e-mail of this list to `subscription` once the transaction commits, with
        the stop headers. Every e-mail of a list goes through here; its body carries the stop
        link in the list's own words."""
        send_email_after_commit(
            subject=subject, body=body, to=[subscription.email], headers=self.headers(subscription)
        )
