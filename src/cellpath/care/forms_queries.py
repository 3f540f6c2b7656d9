"""Forms of the data-quality queries page: its filters, and answering, closing and sending back
a query."""

from __future__ import annotations

from typing import Any

from django import forms

from cellpath.care.data_quality import RULES
from cellpath.care.models import DataQuery
from cellpath.care.queries.data_queries import STATUS_FILTERS
from cellpath.care.services.data_queries import ANSWER_MAX


class QueryFilterForm(forms.Form):
    """The list's filters (GET; every field optional)."""

    is_filter = True  # every field may be left empty: no "(optional)" on each

    status = forms.ChoiceField(
        label="Status", choices=list(STATUS_FILTERS.items()), required=False, initial="live"
    )
    rule = forms.ChoiceField(
        label="Rule", choices=[("", "Every rule"), *RULES.items()], required=False
    )
    study_id = forms.CharField(label="Study ID", required=False, max_length=20)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"status": "live"}
        data = self.cleaned_data
        return {
            "status": data["status"] or "live",
            "rule": data["rule"],
            "study_id": data["study_id"].strip(),
        }


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Your answer",
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you checked (the source document, the patient) and what you found or "
        "corrected. Up to 2,000 characters.",
        error_messages={"required": "Write what you checked and found."},
    )


class CloseForm(forms.Form):
    closure = forms.ChoiceField(
        label="How was it settled?",
        choices=[
            (DataQuery.Closure.CONFIRMED.value, DataQuery.Closure.CONFIRMED.label),
            (DataQuery.Closure.CORRECTED.value, DataQuery.Closure.CORRECTED.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the query was settled."},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReopenForm(forms.Form):
    note = forms.CharField(
        label="Why it goes back to the team",
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what is still missing."},
    )
