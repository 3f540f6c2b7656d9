"""Programmes: a clinic or trial programme that offers a cell therapy for ALS.

A programme is listed so that patients can compare offers and see the warning signs regulators
and the ISSCR describe (trials-and-evidence.md §6). Its staff are the coordinators and
administrators of the Cellpath site it belongs to. Writes go through `services` (audited).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

from cellpath.accounts.audit import AuditedModel
from cellpath.evidence.models import GivenByRoutes, Study, nct_validator, validate_route_codes
from cellpath.outcomes import products

if TYPE_CHECKING:
    from cellpath.programmes.warning_signs import WarningSign

currency_validator = RegexValidator(
    r"^[A-Z]{3}$", "Use a 3-letter currency code in capitals, such as USD or EUR."
)


RESERVED_SLUGS = frozenset({"compare", "mine"})
"""Addresses under /programmes/ that are pages, not programmes."""


class Programme(GivenByRoutes, AuditedModel):
    """A clinical trial, an expanded access programme or a paid clinic offer."""

    class Kind(models.TextChoices):
        CLINICAL_TRIAL = "clinical_trial", "Clinical trial"
        EXPANDED_ACCESS = "expanded_access", "Expanded access programme"
        PAID_CLINIC = "paid_clinic", "Paid clinic offer"

    class RegulatoryStatus(models.TextChoices):
        REGISTERED_TRIAL = "registered_trial", "Approved trial with registry ID"
        IND = "ind", "Under an FDA IND"
        ETHICS_APPROVAL = "ethics_approval", "Ethics committee approval only"
        NONE_STATED = "none_stated", "None stated"

    audit_site_path = "site_id"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    site = models.ForeignKey(
        "accounts.Site",
        on_delete=models.PROTECT,
        related_name="programmes",
        help_text="The Cellpath site whose coordinators and administrators keep this listing.",
    )
    organisation = models.CharField(max_length=200, help_text="Who runs the programme.")
    locations = models.TextField(blank=True, help_text="One place per line: city, country.")
    summary = models.TextField(help_text="What is offered, in plain words.")
    product = models.CharField(max_length=200, blank=True)
    cell_type = models.CharField(
        max_length=20, choices=products.choices(products.LISTING_CELL_TYPES)
    )
    tissue_source = models.CharField(
        max_length=200, blank=True, help_text="Where the cells come from, e.g. bone marrow."
    )
    donor = models.CharField(
        "whose cells", max_length=20, choices=products.choices(products.LISTING_DONORS)
    )
    routes = models.CharField(
        "how the cells are given",
        max_length=200,
        blank=True,
        validators=[validate_route_codes],
        help_text="Route codes separated by spaces.",
    )
    schedule = models.TextField(blank=True, help_text="How many doses, and how far apart.")
    repeat_policy = models.TextField(
        "repeat treatment", blank=True, help_text="Whether and when treatment can be repeated."
    )
    price_amount = models.DecimalField(
        "price", max_digits=10, decimal_places=2, null=True, blank=True
    )
    price_currency = models.CharField(
        "currency", max_length=3, blank=True, validators=[currency_validator]
    )
    price_includes = models.TextField("what the price includes", blank=True)
    is_free = models.BooleanField("free of charge", default=False)
    regulatory_status = models.CharField(
        max_length=20, choices=RegulatoryStatus.choices, default=RegulatoryStatus.NONE_STATED
    )
    registry_id = models.CharField(
        "registry ID",
        max_length=11,
        blank=True,
        validators=[nct_validator],
        help_text="The ClinicalTrials.gov ID, e.g. NCT03280056.",
    )
    ind_number = models.CharField("IND number", max_length=40, blank=True)
    ethics_approval = models.TextField(
        blank=True, help_text="Which ethics committee approved it, with its reference."
    )
    product_approved_for_als = models.BooleanField(
        "product approved for ALS",
        default=False,
        help_text="No cell product is approved for ALS anywhere (2025).",
    )
    has_written_protocol = models.BooleanField("has a written protocol", default=False)
    uses_testimonials = models.BooleanField("uses patient testimonials as evidence", default=False)
    claims_no_risk = models.BooleanField("claims there is no risk", default=False)
    conditions_offered = models.TextField(
        "other conditions offered",
        blank=True,
        help_text="Other diseases the same cells are offered for, one per line.",
    )
    contact_email = models.EmailField("contact e-mail", blank=True)
    contact_phone = models.CharField("contact phone", max_length=40, blank=True)
    website = models.URLField(max_length=300, blank=True)
    studies = models.ManyToManyField(
        Study,
        blank=True,
        related_name="programmes",
        verbose_name="studies it cites",
    )
    published = models.BooleanField(
        default=True, help_text="Unpublished programmes are visible to their staff only."
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", args=[self.slug])

    def audit_label(self) -> str:
        return f"programme {self.slug}"

    # --- display helpers (no queries) -----------------------------------------------------------

    @property
    def location_list(self) -> list[str]:
        return [line.strip() for line in self.locations.splitlines() if line.strip()]

    @property
    def condition_list(self) -> list[str]:
        return [line.strip() for line in self.conditions_offered.splitlines() if line.strip()]

    @property
    def price_display(self) -> str:
        if self.is_free:
            return "Free — clinical trial" if self.kind == self.Kind.CLINICAL_TRIAL else "Free"
        if self.price_amount is None:
            return "Price not stated"
        amount = self.price_amount
        text = f"{int(amount):,}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
        return f"{text} {self.price_currency}".strip()

    @property
    def warning_signs(self) -> list[WarningSign]:
        from cellpath.programmes.warning_signs import warning_signs

        return warning_signs(self)

    @property
    def warning_codes(self) -> set[str]:
        return {sign.code for sign in self.warning_signs}

    @property
    def warning_count_display(self) -> str:
        count = len(self.warning_signs)
        if not count:
            return "no warning signs found"
        return f"⚠ {count} warning sign{'' if count == 1 else 's'}"

    @property
    def choice_label(self) -> str:
        """The programme where a form offers it to choose: its kind, price and warning count,
        so that a paid clinic never looks like the registered trial beside it (issue 19)."""
        price = "free" if self.is_free else self.price_display
        return f"{self.name} — {self.get_kind_display()} · {price} · {self.warning_count_display}"

    @property
    def published_card(self) -> OutcomesCard | None:
        """The outcomes card shown on the public page (the latest approved), or None."""
        return self.outcome_cards.filter(status=OutcomesCard.Status.PUBLISHED).first()

    # --- validation ------------------------------------------------------------------------------

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = f"“{self.slug}” is the address of another page; choose another."
        status = self.regulatory_status
        if status == self.RegulatoryStatus.REGISTERED_TRIAL and not self.registry_id:
            errors["registry_id"] = (
                "An approved trial needs its registry ID (NCT and 8 digits). "
                "Without one, choose another regulatory status."
            )
        if status == self.RegulatoryStatus.IND and not self.ind_number:
            errors["ind_number"] = "A programme under an FDA IND needs its IND number."
        if status == self.RegulatoryStatus.ETHICS_APPROVAL and not self.ethics_approval.strip():
            errors["ethics_approval"] = "Say which ethics committee approved it."
        price = self.price_amount
        if price is not None and price < Decimal(0):
            errors["price_amount"] = "A price cannot be below zero."
        elif price is not None and self.is_free and price > 0:
            errors["is_free"] = (
                "A programme cannot be free and have a price. Clear the price or untick “free”."
            )
        if price is not None and not self.price_currency:
            errors["price_currency"] = "Give the currency of the price, such as USD or EUR."
        if errors:
            raise ValidationError(errors)


class OutcomesCard(AuditedModel):
    """A dated snapshot of a programme's cohort report for its public page: aggregates only,
    small numbers suppressed (built by ``cellpath.reports``; this app only stores and shows it).

    The programme's staff prepare it; an administrator of the programme's site approves it
    before anyone else sees it. Approving one supersedes the card published before.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Not approved"
        SUPERSEDED = "superseded", "Replaced by a newer card"

    audit_site_path = "programme.site_id"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="outcome_cards")
    as_of = models.DateField("figures as of")
    content = models.JSONField(help_text="The card as shown: suppressed counts and rows.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    prepared_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True
    )
    prepared_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-as_of", "-pk"]

    def __str__(self) -> str:
        return f"{self.programme} outcomes as of {self.as_of}"

    def audit_label(self) -> str:
        return f"{self.programme.slug} card {self.as_of}"

    @property
    def rows(self) -> list[dict[str, object]]:
        return list(self.content.get("rows", []))

    @property
    def threshold(self) -> int:
        return int(self.content.get("threshold", 10))
