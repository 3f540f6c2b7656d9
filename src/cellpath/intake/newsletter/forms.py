"""The newsletter sign-up form: an e-mail address, one consent box, the honeypot."""

from __future__ import annotations

from django import forms

from cellpath.intake.forms.apply import HONEYPOT

CONSENT_TEXT = (
    "Send me Cellpath's newsletter about ALS research by e-mail. I can stop it at any time "
    "with the link in every e-mail."
)
"""The exact words the person agrees to; stored with their subscription as the consent record."""


class NewsletterForm(forms.Form):
    email = forms.EmailField(
        label="Your e-mail address",
        max_length=254,
        help_text="We will send you an e-mail to check that this address is yours.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your e-mail address.",
            "invalid": "Enter an e-mail address like name@example.org.",
        },
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        required=True,
        error_messages={"required": "Tick this box to subscribe."},
    )
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def bot(self) -> bool:
        return bool(self.data.get(HONEYPOT))
