"""The exchange pages' forms: what to export, a new access token, a REDCap import."""

from __future__ import annotations

from django import forms

from cellpath.accounts.models import Site
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


class RedcapImportForm(forms.Form):
    """A REDCap records CSV, its mapping file, and the site to import into (one of the user's)."""

    records = forms.FileField(
        label="Records (CSV)",
        help_text="REDCap's flat export of the records, raw codes, with the event column.",
    )
    mapping = forms.FileField(
        label="Mapping file (CSV)",
        help_text="kind,redcap,cellpath lines: which REDCap field goes where. "
        "A Cellpath REDCap export includes one (mapping.csv).",
    )
    site = forms.TypedChoiceField(coerce=int, label="Import into")

    def __init__(self, *args: object, site_ids: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        sites = Site.objects.filter(pk__in=site_ids).order_by("name")
        self.fields["site"].choices = [(s.pk, s.name) for s in sites]
        if len(site_ids) == 1:
            self.fields["site"].initial = site_ids[0]


class ConfirmForm(forms.Form):
    """Nothing but the CSRF token: the plan is derived again from the stored upload."""
