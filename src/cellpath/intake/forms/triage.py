"""The coordinators' forms on an application: its status, an e-mail to the applicant, a note."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from cellpath.intake.models import Application
from cellpath.intake.queries import QUEUE_ORDERS, UNDECIDED, UNDECIDED_STATUSES
from cellpath.programmes.models import Programme


class QueueFilterForm(forms.Form):
    """The applications queue's search, filters and order (GET; every field optional). A value
    that is not one of the choices is refused beside its field and that filter left off."""

    is_filter = True  # every field may be left empty: no "(optional)" on each

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=80,
        help_text="A reference, a name or part of one, or an e-mail address",
    )
    programme = forms.ChoiceField(label="Programme", required=False)
    status = forms.ChoiceField(label="Status", required=False)
    mine = forms.BooleanField(label="Only those assigned to me", required=False)
    unassigned = forms.BooleanField(label="Only those not assigned to anyone", required=False)
    order = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[(key, label) for key, (label, _) in QUEUE_ORDERS.items()],
    )

    def __init__(
        self, *args: Any, programmes: Iterable[Programme], counts: dict[str, int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [
            ("", "All programmes"),
            *((p.slug, p.name) for p in programmes),
        ]
        self.fields["status"].choices = [
            ("", "Any status"),
            (
                UNDECIDED,
                f"Not decided yet ({sum(counts.get(value, 0) for value in UNDECIDED_STATUSES)})",
            ),
            *(
                (value, f"{label} ({counts.get(value, 0)})")
                for value, label in Application.Status.choices
                if value != Application.Status.DRAFT
            ),
        ]

    def filters(self) -> dict[str, Any]:
        """The valid fields as `triage_queue` arguments; nothing from a field in error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "search": data.get("q", "").strip(),
            "programme": data.get("programme", ""),
            "status": data.get("status", ""),
            "mine": data.get("mine", False),
            "unassigned": data.get("unassigned", False),
            "order": data.get("order") or "newest",
        }


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label="Move to", choices=Application.Status.choices)


class EmailForm(forms.Form):
    subject = forms.CharField(label="Subject", max_length=200)
    body = forms.CharField(
        label="Message", max_length=6000, widget=forms.Textarea(attrs={"rows": 12})
    )


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
