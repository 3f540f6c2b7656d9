"""The public forms of the information packet and of the contact form."""

from __future__ import annotations

from typing import Any

from django import forms

from cellpath.intake.forms.apply import HONEYPOT
from cellpath.programmes.models import Programme

MESSAGE_LIMIT = 4000


def _honeypot() -> forms.CharField:
    return forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


def _email(help_text: str) -> forms.EmailField:
    return forms.EmailField(
        label="Your e-mail address",
        max_length=254,
        help_text=help_text,
        error_messages={
            "required": "Enter your e-mail address.",
            "invalid": "Enter an e-mail address like name@example.org.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class _PublicForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(published=True)

    @property
    def bot(self) -> bool:
        """True when the field people never see was filled in."""
        return bool(self.data.get(HONEYPOT))

    def preselect(self, slug: str | None) -> None:
        """Choose the published programme `slug` (from ?programme=) if there is one."""
        if slug:
            programme = self.fields["programme"].queryset.filter(slug=slug).first()
            if programme is not None:
                self.initial["programme"] = programme.pk


class PacketRequestForm(_PublicForm):
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(),
        label="Programme",
        empty_label="Choose a programme",
        error_messages={
            "required": "Choose the programme you want the packet for.",
            "invalid_choice": "Choose a programme from the list.",
        },
    )
    email = _email("We use your e-mail address only to send this packet.")
    website = _honeypot()


class ContactForm(_PublicForm):
    name = forms.CharField(
        label="Your name",
        max_length=200,
        error_messages={"required": "Enter your name."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = _email("We use it only to answer your message.")
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(),
        required=False,
        label="Which programme is your message about?",
        empty_label="No programme in particular",
        error_messages={"invalid_choice": "Choose a programme from the list, or none."},
    )
    message = forms.CharField(
        label="Your message",
        max_length=MESSAGE_LIMIT,
        help_text=f"Up to {MESSAGE_LIMIT:,} characters. We cannot give medical advice: "
        "please ask your neurologist about your own health.",
        error_messages={
            "required": "Write your message.",
            "max_length": f"Please shorten your message to {MESSAGE_LIMIT:,} characters "
            "(it has %(show_value)d).",
        },
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    consent_contact = forms.BooleanField(
        label="You may reply to me by e-mail.",
        required=True,
        error_messages={"required": "We can only answer if we may reply to you by e-mail."},
    )
    website = _honeypot()
