"""Forms of the exchange pages."""

from __future__ import annotations

from django import forms

from cellpath.accounts.models import Site


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
