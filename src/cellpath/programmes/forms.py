"""Forms parse and validate shape; `Programme.clean()` holds the rules, services the permissions."""

from __future__ import annotations

from typing import Any

from django import forms

from cellpath.evidence.models import Study
from cellpath.outcomes import products
from cellpath.programmes.models import Programme
from cellpath.programmes.services import EDITABLE_FIELDS

ANY = [("", "Any")]


class ProgrammeFilterForm(forms.Form):
    """The GET filters of the programme list; an unknown value is ignored, never an error page."""

    is_filter = True  # every field may be left empty: no "(optional)" on each

    kind = forms.ChoiceField(
        label="Kind of programme", choices=ANY + Programme.Kind.choices, required=False
    )
    cell_type = forms.ChoiceField(
        label="Cell type",
        choices=ANY + products.choices(products.LISTING_CELL_TYPES),
        required=False,
    )
    route = forms.ChoiceField(
        label="How the cells are given",
        choices=ANY + products.choices(products.ROUTES),
        required=False,
    )

    def filters(self) -> dict[str, str]:
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in self.fields if data.get(name)}


FIELDSETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "About the programme",
        ("name", "slug", "kind", "organisation", "locations", "summary", "published"),
    ),
    (
        "The treatment",
        (
            "product",
            "cell_type",
            "tissue_source",
            "donor",
            "routes",
            "schedule",
            "repeat_policy",
            "conditions_offered",
        ),
    ),
    ("Cost", ("is_free", "price_amount", "price_currency", "price_includes")),
    (
        "Oversight",
        (
            "regulatory_status",
            "registry_id",
            "ind_number",
            "ethics_approval",
            "product_approved_for_als",
            "has_written_protocol",
        ),
    ),
    ("How it is promoted", ("uses_testimonials", "claims_no_risk")),
    ("Evidence", ("studies",)),
    ("Contact", ("contact_email", "contact_phone", "website")),
)
"""The edit page's sections; together they hold every field of the form."""


class ProgrammeForm(forms.ModelForm):
    """Every field of a programme; routes as checkboxes, studies as a multiple select."""

    routes = forms.MultipleChoiceField(
        label="How the cells are given",
        choices=products.choices(products.ROUTES),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    website = forms.URLField(label="Website", max_length=300, required=False, assume_scheme="https")
    studies = forms.ModelMultipleChoiceField(
        label="Studies it cites",
        queryset=Study.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Hold Ctrl (or Cmd on a Mac) to choose more than one.",
    )

    class Meta:
        model = Programme
        fields = [*EDITABLE_FIELDS, "studies"]
        widgets = {
            "locations": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "schedule": forms.Textarea(attrs={"rows": 3}),
            "repeat_policy": forms.Textarea(attrs={"rows": 3}),
            "price_includes": forms.Textarea(attrs={"rows": 3}),
            "ethics_approval": forms.Textarea(attrs={"rows": 3}),
            "conditions_offered": forms.Textarea(attrs={"rows": 4}),
            "price_amount": forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
            "price_currency": forms.TextInput(attrs={"autocapitalize": "characters", "size": 3}),
        }
        labels = {"slug": "Page address"}
        help_texts = {
            "slug": "The last part of the page's address: small letters, numbers and hyphens.",
            "price_amount": "Leave empty if no price is given. Write numbers only, e.g. 18500.",
            "is_free": "Tick if patients pay nothing for the treatment.",
            "registry_id": "Needed when the regulatory status is an approved trial.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["studies"].queryset = Study.objects.filter(published=True).order_by(
            "short_name"
        )
        if self.instance.pk:
            self.initial["routes"] = self.instance.route_codes
            self.initial["studies"] = list(self.instance.studies.values_list("pk", flat=True))

    def clean_routes(self) -> str:
        return " ".join(self.cleaned_data["routes"])

    def clean_price_currency(self) -> str:
        return self.cleaned_data["price_currency"].strip().upper()

    def clean_registry_id(self) -> str:
        return self.cleaned_data["registry_id"].strip().upper()

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in FIELDSETS]

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}
