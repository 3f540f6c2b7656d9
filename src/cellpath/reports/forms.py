"""The report's filters: what narrows the cohort, validated at the boundary."""

from __future__ import annotations

from django import forms

from cellpath.accounts.models import Site
from cellpath.outcomes import products
from cellpath.outcomes.vocabulary import ONSET_SITES, choices
from cellpath.programmes.models import Programme
from cellpath.reports.models import ReferenceCohort
from cellpath.reports.queries import Filters


class FilterForm(forms.Form):
    """Every field optional; an invalid value is refused next to its field, never ignored."""

    is_filter = True  # every field may be left empty: no "(optional)" on each

    site = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Site")
    programme = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Programme or trial"
    )
    course_number = forms.IntegerField(
        required=False, min_value=1, max_value=20, label="Course number"
    )
    cell_type = forms.ChoiceField(
        required=False,
        choices=[("", "Any"), *products.choices(products.CELL_TYPES)],
        label="Cell type",
    )
    route = forms.ChoiceField(
        required=False, choices=[("", "Any"), *products.choices(products.ROUTES)], label="Route"
    )
    treated_from = forms.DateField(
        required=False, label="First dose from", widget=forms.DateInput(attrs={"type": "date"})
    )
    treated_to = forms.DateField(
        required=False, label="First dose to", widget=forms.DateInput(attrs={"type": "date"})
    )
    onset_site = forms.ChoiceField(
        required=False, choices=[("", "Any"), *choices(ONSET_SITES)], label="Site of onset"
    )
    controls = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Compare with a reference cohort"
    )

    def __init__(self, *args: object, site_ids: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        sites = Site.objects.filter(pk__in=site_ids).order_by("name")
        self.fields["site"].choices = [("", "All my sites")] + [(s.pk, s.name) for s in sites]
        if len(site_ids) < 2:
            self.fields["site"].widget = forms.HiddenInput()
        programmes = (
            Programme.objects.filter(treatment_courses__patient__site_id__in=site_ids)
            .distinct()
            .order_by("name")
        )
        self.fields["programme"].choices = [("", "Any")] + [(p.pk, p.name) for p in programmes]
        cohorts = ReferenceCohort.objects.filter(site_id__in=site_ids).order_by("name")
        self.fields["controls"].choices = [("", "None")] + [(c.pk, c.name) for c in cohorts]

    def clean(self) -> dict[str, object]:
        data = super().clean()
        start, end = data.get("treated_from"), data.get("treated_to")
        if start and end and end < start:
            self.add_error("treated_to", "The end date is before the start date.")
        return data

    def filters(self) -> Filters:
        d = self.cleaned_data
        return Filters(
            site=d.get("site"),
            programme=d.get("programme"),
            course_number=d.get("course_number"),
            cell_type=d.get("cell_type") or "",
            route=d.get("route") or "",
            treated_from=d.get("treated_from"),
            treated_to=d.get("treated_to"),
            onset_site=d.get("onset_site") or "",
        )

    def described(self) -> dict[str, str]:
        """The filters applied, in words (for the methods paragraph)."""
        out = {}
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if isinstance(field, forms.ChoiceField):
                value = dict((str(k), v) for k, v in field.choices).get(str(value), value)
            out[str(field.label)] = str(value)
        return out


class ReferenceCohortForm(forms.Form):
    """A reference cohort: its name and the registry's two CSV files."""

    name = forms.CharField(max_length=120)
    description = forms.CharField(max_length=300, required=False)
    patients = forms.FileField(label="PATIENTS.csv", help_text="One row per patient.")
    visits = forms.FileField(label="VISITS.csv", help_text="One row per ALSFRS-R assessment.")
    site = forms.TypedChoiceField(coerce=int, label="Site")

    def __init__(self, *args: object, site_ids: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        sites = Site.objects.filter(pk__in=site_ids).order_by("name")
        self.fields["site"].choices = [(s.pk, s.name) for s in sites]
        if len(site_ids) < 2:
            self.fields["site"].widget = forms.HiddenInput()
            if site_ids:
                self.fields["site"].initial = site_ids[0]
