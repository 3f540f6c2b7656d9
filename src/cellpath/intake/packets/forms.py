"""The public form asking for a programme's information packet."""

from __future__ import annotations

from cellpath.intake.forms.public import (
    ProgrammeChoiceField,
    ProgrammeForm,
    email_field,
    honeypot,
)
from cellpath.programmes.models import Programme


class PacketRequestForm(ProgrammeForm):
    programme = ProgrammeChoiceField(
        queryset=Programme.objects.none(),
        label="Programme",
        empty_label="Choose a programme",
        error_messages={
            "required": "Choose the programme you want the packet for.",
            "invalid_choice": "Choose a programme from the list.",
        },
    )
    email = email_field("We use your e-mail address only to send this packet.")
    website = honeypot()
