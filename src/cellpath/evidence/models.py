"""The study library: studies with their sources and figures, claim checks, knowledge pages.

Every number a visitor reads on a public page is a `Figure` (a study's figure or a reference
figure with its own source), so it can be traced; the fields follow the evidence-library schema
of trials-and-evidence.md §5.3. Edits are audited (old and new values, who, when): together with
`version` that is the content's revision history.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cellpath.accounts.audit import AuditedModel
from cellpath.evidence.grading import Level, evidence_level
from cellpath.outcomes import products

doi_validator = RegexValidator(
    r"^10\.\d{4,9}/\S+$",
    "Enter a DOI such as 10.1001/jamaneurol.2015.4321 (without https://doi.org/).",
)
pmid_validator = RegexValidator(r"^[1-9]\d{0,8}$", "A PubMed ID is a number of up to 9 digits.")
pmcid_validator = RegexValidator(r"^PMC\d{4,9}$", "A PubMed Central ID looks like PMC9305113.")
NCT_PATTERN = r"NCT\d{8}"
nct_validator = RegexValidator(
    rf"^{NCT_PATTERN}$", "A ClinicalTrials.gov ID is NCT followed by 8 digits, e.g. NCT03280056."
)


class Confidence(models.TextChoices):
    """How far a fact was checked (the tags of the design notes: [V], [S], [U])."""

    VERIFIED = "V", "Checked in the primary source"
    SECONDARY = "S", "From a secondary source"
    UNVERIFIED = "U", "Not verified"


class ReviewState(models.TextChoices):
    """Where an editor's latest work on a record stands (`services_editorial`)."""

    NONE = "", "Nothing waiting"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Awaiting review"


class PublicContent(AuditedModel):
    """Published, versioned content. It belongs to no site, so its audit rows carry none.

    `published` alone decides what the public sees. Changes to a published record that are not
    yet public wait in `pending` (the editor's form, as submitted) until they are published or
    approved; a record that was never published is its own draft."""

    published = models.BooleanField(
        default=True, help_text="Unpublished content is visible to editors only."
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    review_state = models.CharField(
        max_length=10, choices=ReviewState.choices, default=ReviewState.NONE, blank=True
    )
    submitted_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_label = models.CharField(max_length=254, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    pending = models.JSONField(
        default=dict, blank=True, help_text="Changes not yet public: the editor's form data."
    )

    class Meta:
        abstract = True

    def audit_site_id(self) -> int | None:
        return None

    def audit_label(self) -> str:
        return f"{self._meta.verbose_name} {getattr(self, 'slug', self.pk)}"

    @property
    def status_label(self) -> str:
        """The record's status in words, as the editors' list shows it."""
        if self.review_state == ReviewState.SUBMITTED:
            return "Awaiting review" + (" (earlier version public)" if self.published else "")
        if not self.published:
            return "Draft (not public)"
        if self.review_state == ReviewState.DRAFT:
            return "Published, with draft changes"
        return "Published"


class ReviewDates(models.Model):
    """When a page's content was last checked against its sources, and when it is due again.

    The editorial policy (site/templates/site/trust/editorial_policy.html) says what a review is
    and how often one is due; a page past its next review says so to its readers."""

    reviewed_on = models.DateField(
        "last reviewed",
        null=True,
        blank=True,
        help_text="The day this was last checked against its sources.",
    )
    next_review_on = models.DateField(
        "next review",
        null=True,
        blank=True,
        help_text="When it is due to be checked again (at most six months after the last).",
    )

    class Meta:
        abstract = True

    @property
    def review_overdue(self) -> bool:
        return self.next_review_on is not None and self.next_review_on < timezone.localdate()

    def review_date_errors(self) -> dict[str, str]:
        if self.reviewed_on and self.next_review_on and self.next_review_on <= self.reviewed_on:
            return {"next_review_on": "The next review must come after the last one."}
        if self.next_review_on and not self.reviewed_on:
            return {"reviewed_on": "Give the day of the last review as well."}
        return {}


def validate_route_codes(value: str) -> None:
    unknown = products.unknown_routes(value)
    if unknown:
        raise ValidationError(f"Unknown route: {', '.join(unknown)}.")


class GivenByRoutes:
    """For records whose `routes` field holds route codes separated by spaces."""

    routes: str

    @property
    def route_codes(self) -> list[str]:
        return self.routes.split()

    @property
    def route_labels(self) -> list[str]:
        return [products.label_of(products.ROUTES, code) for code in self.route_codes]


class Phase(models.TextChoices):
    PHASE_1 = "1", "Phase 1"
    PHASE_1_2 = "1/2", "Phase 1/2"
    PHASE_2 = "2", "Phase 2"
    PHASE_3 = "3", "Phase 3"
    NOT_APPLICABLE = "n/a", "Not a trial phase"


class Design(models.TextChoices):
    OPEN_LABEL = "open_label", "Open-label, single group"
    RANDOMISED = "randomised", "Randomised controlled trial"
    CASE_CONTROL = "case_control", "Treated patients compared with an external group"
    POST_HOC = "post_hoc", "Analysis after the fact (post hoc)"
    SYSTEMATIC_REVIEW = "systematic_review", "Systematic review"
    META_ANALYSIS = "meta_analysis", "Meta-analysis"
    NARRATIVE_REVIEW = "narrative_review", "Narrative review"
    REGULATORY_REVIEW = "regulatory_review", "Regulatory review"


class Control(models.TextChoices):
    """The comparison a study's result rests on (trials-and-evidence.md §5.3)."""

    NONE = "none", "None"
    PLACEBO = "placebo", "Placebo"
    SHAM = "sham", "Sham procedure"
    STANDARD_CARE = "standard_care", "Standard care only"
    HISTORICAL = "historical", "Historical or external patients"
    MODEL_PREDICTED = "model_predicted", "Model-predicted outcome"
    CONTRALATERAL_LIMB = "contralateral_limb", "The untreated limb"
    NOT_APPLICABLE = "n/a", "Not applicable"


class EndpointMet(models.TextChoices):
    """Whether a study showed the benefit it set out to show first. A study whose primary
    endpoint was safety has no efficacy endpoint: meeting it shows no benefit."""

    YES = "yes", "Primary endpoint met"
    NO = "no", "Primary endpoint not met"
    NOT_APPLICABLE = "n/a", "No efficacy endpoint"
    NOT_REPORTED = "not_reported", "Not reported"


class Study(GivenByRoutes, ReviewDates, PublicContent):
    """A study, review or regulatory decision on cell therapy for ALS."""

    class Kind(models.TextChoices):
        STUDY = "study", "Clinical study"
        REVIEW = "review", "Review or meta-analysis"
        REGULATORY = "regulatory", "Regulatory decision"

    slug = models.SlugField(max_length=80, unique=True)
    short_name = models.CharField(
        max_length=80, help_text="How people refer to it, e.g. NurOwn phase 3."
    )
    title = models.CharField(max_length=400)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STUDY)
    authors = models.CharField(max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    journal = models.CharField(max_length=200, blank=True)
    citation = models.CharField(max_length=200, blank=True, help_text="Volume, issue and pages.")
    doi = models.CharField("DOI", max_length=120, blank=True, validators=[doi_validator])
    pmid = models.CharField("PubMed ID", max_length=9, blank=True, validators=[pmid_validator])
    pmcid = models.CharField("PMC ID", max_length=12, blank=True, validators=[pmcid_validator])
    registry_ids = models.CharField(
        "registry IDs",
        max_length=200,
        blank=True,
        help_text="ClinicalTrials.gov IDs separated by spaces, e.g. NCT03280056 NCT04681118.",
    )
    sponsor = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=100, blank=True)
    product = models.CharField(max_length=200, blank=True)
    cell_type = models.CharField(
        max_length=20, choices=products.choices(products.LISTING_CELL_TYPES)
    )
    cell_type_detail = models.CharField(max_length=300, blank=True)
    tissue_source = models.CharField(max_length=200, blank=True)
    donor = models.CharField(
        max_length=20,
        choices=products.choices(products.LISTING_DONORS),
        default=products.NOT_APPLICABLE,
    )
    genetically_modified = models.BooleanField(null=True, blank=True)
    routes = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_route_codes],
        help_text="Route codes separated by spaces.",
    )
    dosing = models.TextField(blank=True)
    immunosuppression = models.CharField(max_length=300, blank=True)
    phase = models.CharField(max_length=5, choices=Phase.choices, default=Phase.NOT_APPLICABLE)
    design = models.CharField(max_length=30, choices=Design.choices)
    control = models.CharField(max_length=30, choices=Control.choices)
    control_detail = models.CharField(max_length=300, blank=True)
    n_treated = models.PositiveIntegerField("patients treated", null=True, blank=True)
    n_control = models.PositiveIntegerField("patients in the control group", null=True, blank=True)
    primary_endpoint = models.TextField(blank=True)
    primary_endpoint_met = models.CharField(
        max_length=20, choices=EndpointMet.choices, default=EndpointMet.NOT_REPORTED
    )
    key_results = models.TextField(blank=True, help_text="Markdown; figures as {{figure-slug}}.")
    safety = models.TextField(blank=True)
    regulatory_events = models.TextField(blank=True)
    caveats = models.TextField(blank=True)
    confidence = models.CharField(
        max_length=1,
        choices=Confidence.choices,
        default=Confidence.UNVERIFIED,
        help_text="How far this record as a whole was checked against its sources.",
    )

    class Meta:
        ordering = ["-year", "short_name"]
        verbose_name_plural = "studies"

    def __str__(self) -> str:
        return self.short_name

    def get_absolute_url(self) -> str:
        return reverse("evidence:study", args=[self.slug])

    @property
    def level(self) -> Level:
        return evidence_level(
            kind=self.kind,
            design=self.design,
            control=self.control,
            n_treated=self.n_treated,
            n_control=self.n_control,
        )

    @property
    def registry_id_list(self) -> list[str]:
        return self.registry_ids.replace(",", " ").split()

    def clean(self) -> None:
        errors: dict[str, str] = self.review_date_errors()
        for registry_id in self.registry_id_list:
            try:
                nct_validator(registry_id)
            except ValidationError:
                errors["registry_ids"] = (
                    f"“{registry_id}” is not a ClinicalTrials.gov ID (NCT and 8 digits)."
                )
        if self.kind == self.Kind.STUDY and self.design in (
            Design.SYSTEMATIC_REVIEW,
            Design.META_ANALYSIS,
            Design.NARRATIVE_REVIEW,
        ):
            errors["design"] = "A review's kind must be “Review or meta-analysis”."
        if errors:
            raise ValidationError(errors)


class Source(PublicContent):
    """Where a fact was read: a paper, registry record, regulator page or news item."""

    class Kind(models.TextChoices):
        PAPER = "paper", "Peer-reviewed paper"
        ABSTRACT = "abstract", "Abstract"
        REGISTRY = "registry", "Trial registry record"
        REGULATOR = "regulator", "Regulator or professional body"
        COMPANY = "company", "Company statement"
        NEWS = "news", "News report"
        SECONDARY = "secondary", "Secondary summary"
        REFERENCE = "reference", "Reference work"

    slug = models.SlugField(max_length=80, unique=True)
    study = models.ForeignKey(
        Study, null=True, blank=True, on_delete=models.PROTECT, related_name="sources"
    )
    label = models.CharField(max_length=400, help_text="A citation a reader can find.")
    url = models.URLField(max_length=400, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class Figure(PublicContent):
    """A number shown to the public, with the study or source it comes from.

    Text refers to a figure as `{{slug}}`; the page renders its value with a link to its study
    (or to the reference list for figures that belong to no study).
    """

    slug = models.SlugField(max_length=80, unique=True)
    label = models.CharField(max_length=200, help_text="What the number is, in plain words.")
    value = models.CharField(max_length=80, help_text="As shown, e.g. 33 % vs 28 %.")
    study = models.ForeignKey(
        Study, null=True, blank=True, on_delete=models.PROTECT, related_name="figures"
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="figures"
    )
    confidence = models.CharField(max_length=1, choices=Confidence.choices)
    note = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"

    def get_absolute_url(self) -> str:
        if self.study_id:
            return f"{reverse('evidence:study', args=[self.study.slug])}#figure-{self.slug}"
        return f"{reverse('evidence:references')}#figure-{self.slug}"

    @property
    def unverified(self) -> bool:
        return self.confidence == Confidence.UNVERIFIED

    def clean(self) -> None:
        if not self.study_id and not self.source_id:
            raise ValidationError("A figure needs the study or the source it comes from.")
        for percent in re.findall(r"(\d+(?:\.\d+)?)\s*%", self.value):
            if float(percent) > 100:
                raise ValidationError({"value": f"{percent} % is more than 100 %."})
        if self.source_id and self.study_id and self.source.study_id not in (None, self.study_id):
            raise ValidationError({"source": "This source belongs to another study."})


class Claim(PublicContent):
    """A claim as people meet it on clinic and coordinator websites, checked against studies."""

    class Verdict(models.TextChoices):
        SUPPORTED = "supported", "Supported"
        PARTLY = "partly", "Partly supported"
        NOT_SUPPORTED = "not_supported", "Not supported"
        UNVERIFIED = "unverified", "Cannot be verified"

    slug = models.SlugField(max_length=80, unique=True)
    text = models.CharField(max_length=300, help_text="The claim, as people read it.")
    seen_on = models.CharField(max_length=200, blank=True, help_text="Where people meet it.")
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    summary = models.CharField(max_length=300, help_text="The verdict in one plain sentence.")
    explanation = models.TextField(help_text="Markdown; figures as {{figure-slug}}.")
    studies = models.ManyToManyField(Study, related_name="claims", blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return reverse("evidence:claim", args=[self.slug])


class KnowledgePage(ReviewDates, PublicContent):
    """A page for patients and families (plain English, about a 9th-grade reading level)."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=150)
    summary = models.CharField(max_length=300)
    body = models.TextField(
        help_text="Markdown. Write each number as a figure, {{figure-slug}}, so it can be checked.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("evidence:page", args=[self.slug])

    def clean(self) -> None:
        errors = self.review_date_errors()
        if errors:
            raise ValidationError(errors)
