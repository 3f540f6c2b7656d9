"""The public contact form: a message to a programme's coordinators (or to every coordinator)."""

from __future__ import annotations

from django import forms

from cellpath.intake.forms.public import (
    ProgrammeChoiceField,
    ProgrammeForm,
    email_field,
    honeypot,
)
from cellpath.programmes.models import Programme

MESSAGE_LIMIT = 4000


class ContactForm(ProgrammeForm):
    name = forms.CharField(
        label="Your name",
        max_length=200,
        error_messages={"required": "Enter your name."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = email_field("We use it only to answer your message.")
    programme = ProgrammeChoiceField(
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
    website = honeypot()
