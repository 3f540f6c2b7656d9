"""Forms of the study library: the public filters, and the editors' forms."""

from __future__ import annotations

from django import forms

from cellpath.evidence.links import broken_links
from cellpath.evidence.models import (
    Claim,
    Control,
    EndpointMet,
    Figure,
    KnowledgePage,
    Phase,
    Source,
    Study,
)
from cellpath.evidence.queries import StudyFilters
from cellpath.evidence.rendering import digits_outside_tokens, tokens_in
from cellpath.outcomes import products


def _any(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", "Any"), *choices]


class StudyFilterForm(forms.Form):
    is_filter = True  # every field may be left empty: no "(optional)" on each
    q = forms.CharField(label="Words", required=False, max_length=100)
    kind = forms.ChoiceField(label="Kind", choices=_any(Study.Kind.choices), required=False)
    cell_type = forms.ChoiceField(
        label="Cell type",
        choices=_any(products.choices(products.LISTING_CELL_TYPES)),
        required=False,
    )
    route = forms.ChoiceField(
        label="Route", choices=_any(products.choices(products.ROUTES)), required=False
    )
    phase = forms.ChoiceField(label="Phase", choices=_any(Phase.choices), required=False)
    control = forms.ChoiceField(
        label="Control group", choices=_any(Control.choices), required=False
    )
    primary_endpoint_met = forms.ChoiceField(
        label="Primary endpoint", choices=_any(EndpointMet.choices), required=False
    )

    def filters(self) -> StudyFilters:
        """The valid filters (an invalid value is ignored, and shown as an error)."""
        if not self.is_bound:
            return StudyFilters()
        self.is_valid()
        return StudyFilters(**{k: v for k, v in self.cleaned_data.items() if v})


def _refuse_bad_tokens(text: str, *, numbers_as_figures: bool) -> str:
    """Refuse figure tokens that name no figure and, where asked, numbers typed as text."""
    missing = sorted(tokens_in(text) - set(Figure.objects.values_list("slug", flat=True)))
    if missing:
        raise forms.ValidationError(
            "No figure is called "
            + ", ".join(f"“{slug}”" for slug in missing)
            + ". Create the figure first, or correct the name between {{ and }}."
        )
    if numbers_as_figures:
        typed = digits_outside_tokens(text)
        if typed:
            raise forms.ValidationError(
                "Write each number as a figure, {{figure-name}}, so readers can check where it "
                f"comes from. Typed numbers: {', '.join(typed[:5])}."
            )
    return text


class ContentForm(forms.ModelForm):
    """Editors' form: the slug is fixed once created (other texts link to it)."""

    markdown_fields: tuple[str, ...] = ()
    numbers_as_figures: tuple[str, ...] = ()

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "slug" in self.fields:
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = "Fixed: other pages link to this name."

    def clean(self) -> dict:
        cleaned = super().clean()
        for name in self.markdown_fields:
            if cleaned.get(name):
                try:
                    _refuse_bad_tokens(
                        cleaned[name], numbers_as_figures=name in self.numbers_as_figures
                    )
                except forms.ValidationError as error:
                    self.add_error(name, error)
                for problem in broken_links(cleaned.get(name, "")):
                    self.add_error(name, f"Broken link: {problem}")
        return cleaned


class StudyForm(ContentForm):
    markdown_fields = ("key_results", "safety", "regulatory_events", "caveats")
    routes = forms.MultipleChoiceField(
        choices=products.choices(products.ROUTES),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Study
        fields = (
            "slug", "short_name", "title", "kind", "authors", "year", "journal", "citation",
            "doi", "pmid", "pmcid", "registry_ids", "sponsor", "country", "product", "cell_type",
            "cell_type_detail", "tissue_source", "donor", "genetically_modified", "routes",
            "dosing", "immunosuppression", "phase", "design", "control", "control_detail",
            "n_treated", "n_control", "primary_endpoint", "primary_endpoint_met", "key_results",
            "safety", "regulatory_events", "caveats", "confidence", "reviewed_on",
            "next_review_on",
        )  # fmt: skip
        widgets = {
            "reviewed_on": forms.DateInput(attrs={"type": "date"}),
            "next_review_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.initial["routes"] = self.instance.route_codes

    def clean_routes(self) -> str:
        return " ".join(self.cleaned_data["routes"])

    def clean_registry_ids(self) -> str:
        return " ".join(self.cleaned_data["registry_ids"].replace(",", " ").upper().split())


class SourceForm(ContentForm):
    url = forms.URLField(
        label="Address (URL)", required=False, max_length=400, assume_scheme="https"
    )

    class Meta:
        model = Source
        fields = ("slug", "study", "label", "url", "kind", "note")


class FigureForm(ContentForm):
    class Meta:
        model = Figure
        fields = ("slug", "label", "value", "study", "source", "confidence", "note", "order")


class ClaimForm(ContentForm):
    markdown_fields = ("explanation", "summary")
    numbers_as_figures = ("explanation", "summary")

    class Meta:
        model = Claim
        fields = ("slug", "text", "seen_on", "verdict", "summary", "explanation", "studies",
                  "order")  # fmt: skip
        widgets = {"studies": forms.CheckboxSelectMultiple}


class PageForm(ContentForm):
    markdown_fields = ("body", "summary")
    numbers_as_figures = ("body", "summary")

    class Meta:
        model = KnowledgePage
        fields = ("slug", "title", "summary", "body", "order", "reviewed_on", "next_review_on")
        widgets = {
            "body": forms.Textarea(attrs={"rows": 24}),
            "reviewed_on": forms.DateInput(attrs={"type": "date"}),
            "next_review_on": forms.DateInput(attrs={"type": "date"}),
        }


class EditorSearchForm(forms.Form):
    """The editors' list: words in a title or name, the kind of record, its status."""

    is_filter = True  # every field may be left empty: no "(optional)" on each

    STATUSES = [
        ("published", "Published"),
        ("draft", "Draft or draft changes"),
        ("submitted", "Awaiting review"),
        ("overdue", "Review overdue"),
    ]

    q = forms.CharField(label="Title or name contains", required=False, max_length=100)
    kind = forms.ChoiceField(label="Kind", required=False)
    status = forms.ChoiceField(label="Status", required=False, choices=_any(STATUSES))

    def __init__(self, *args: object, kinds: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _any(kinds)

    def values(self) -> dict[str, str]:
        """The valid filters (an invalid one is left out, and shown as an error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
