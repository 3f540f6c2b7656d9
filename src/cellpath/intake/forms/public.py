"""What the public forms share (applying, the newsletter, the packet, the contact form): the
honeypot, the e-mail field, and a programme chosen in advance from `?programme=`."""

from __future__ import annotations

from typing import Any

from django import forms

from cellpath.programmes.models import Programme

HONEYPOT = "website"
"""A field people never see (hidden by CSS and from screen readers); bots fill it in."""


def honeypot() -> forms.CharField:
    return forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


def is_bot(data: Any) -> bool:
    """True when the field people never see was filled in."""
    return bool(data.get(HONEYPOT))


def email_field(help_text: str) -> forms.EmailField:
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


class ProgrammeChoiceField(forms.ModelChoiceField):
    """One programme to choose, listed with its kind, price and warning count."""

    def label_from_instance(self, obj: Programme) -> str:
        return obj.choice_label


class ProgrammesChoiceField(forms.ModelMultipleChoiceField):
    """Programmes to choose, each listed with its kind, price and warning count."""

    def label_from_instance(self, obj: Programme) -> str:
        return obj.choice_label


class ProgrammeForm(forms.Form):
    """A public form about one published programme (its `programme` field)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(published=True)

    @property
    def bot(self) -> bool:
        return is_bot(self.data)

    def preselect(self, slug: str | None) -> None:
        """Choose the published programme `slug` (from ?programme=) if there is one."""
        if slug:
            programme = self.fields["programme"].queryset.filter(slug=slug).first()
            if programme is not None:
                self.initial["programme"] = programme.pk
