"""The newsletter sign-up form: an e-mail address, one consent box, the honeypot."""

from __future__ import annotations

from django import forms

from cellpath.intake.forms.public import email_field, honeypot, is_bot

CONSENT_TEXT = (
    "Send me Cellpath's newsletter about ALS research by e-mail. I can stop it at any time "
    "with the link in every e-mail."
)
"""The exact words the person agrees to; stored with their subscription as the consent record."""


class NewsletterForm(forms.Form):
    email = email_field("We will send you an e-mail to check that this address is yours.")
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        required=True,
        error_messages={"required": "Tick this box to subscribe."},
    )
    website = honeypot()

    @property
    def bot(self) -> bool:
        return is_bot(self.data)
