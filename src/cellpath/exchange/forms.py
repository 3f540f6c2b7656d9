"""The exchange pages' forms: what to export, and a new access token."""

from __future__ import annotations

from django import forms

from cellpath.exchange.models import ExportJob
from cellpath.exchange.services import MAX_TOKEN_DAYS
from cellpath.reports.forms import FilterForm


class ExportForm(FilterForm):
    """The cohort report's filters, and the format (the report's reference cohort is not a
    filter here)."""

    format = forms.ChoiceField(
        choices=ExportJob.Format.choices,
        initial=ExportJob.Format.CSV,
        widget=forms.RadioSelect,
        label="Format",
    )

    field_order = ["format"]

    def __init__(self, *args: object, site_ids: list[int], **kwargs: object) -> None:
        super().__init__(*args, site_ids=site_ids, **kwargs)
        del self.fields["controls"]


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=80,
        label="What it is for",
        help_text="For example: the hospital's FHIR gateway. Only you see this name.",
    )
    days = forms.IntegerField(
        min_value=1,
        max_value=MAX_TOKEN_DAYS,
        initial=30,
        label="Valid for (days)",
        help_text=f"At most {MAX_TOKEN_DAYS} days. You can revoke it at any time.",
    )
