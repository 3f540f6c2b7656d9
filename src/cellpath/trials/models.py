"""Clinical trials imported from ClinicalTrials.gov, and the searches people save.

A `Trial` is public registry data (not patient data): one row per study, kept up to date by
re-imports (a study whose last-update date has not moved is left alone). What a finder filters on
has a column (status, phases, intervention kinds, ALS, cell therapy, open to enrol); what a trial
page only shows lives in `detail` (arms, interventions, contacts, officials, description). Sites
have their own rows, for distances. The eligibility criteria are kept twice: as the registry's
text, and as the structured criteria the eligibility reader found in it (ALS trials only), each
with the sentence it came from.

A `SavedSearch` is a visitor's or patient's own answers and filters, kept with their consent to
be told by e-mail when a new matching trial appears (double opt-in, one-click unsubscribe).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.utils import timezone

from cellpath.accounts.subscriptions import Subscription


class Status(models.TextChoices):
    """ClinicalTrials.gov `overallStatus` (API v2 enumeration), or none: a record without a
    status module is imported with its status unknown (`NOT_GIVEN`, never open to enrol)."""

    RECRUITING = "RECRUITING", "Recruiting"
    NOT_YET_RECRUITING = "NOT_YET_RECRUITING", "Not yet recruiting"
    ENROLLING_BY_INVITATION = "ENROLLING_BY_INVITATION", "Enrolling by invitation"
    AVAILABLE = "AVAILABLE", "Expanded access available"
    ACTIVE_NOT_RECRUITING = "ACTIVE_NOT_RECRUITING", "Active, not recruiting"
    COMPLETED = "COMPLETED", "Completed"
    SUSPENDED = "SUSPENDED", "Suspended"
    TERMINATED = "TERMINATED", "Terminated"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"
    UNKNOWN = "UNKNOWN", "Unknown (not verified for 2 years)"
    WITHHELD = "WITHHELD", "Withheld"
    NO_LONGER_AVAILABLE = "NO_LONGER_AVAILABLE", "Expanded access no longer available"
    TEMPORARILY_NOT_AVAILABLE = "TEMPORARILY_NOT_AVAILABLE", "Expanded access paused"
    APPROVED_FOR_MARKETING = "APPROVED_FOR_MARKETING", "Approved for marketing"
    NOT_GIVEN = "", "Status unknown (not in the record)"


OPEN_STATUSES = (
    Status.RECRUITING,
    Status.NOT_YET_RECRUITING,
    Status.ENROLLING_BY_INVITATION,
    Status.AVAILABLE,
)
"""Open to enrol, for a patient-facing finder (trials-and-evidence.md §1.3)."""

PHASES = {
    "EARLY_PHASE1": "Early phase 1",
    "PHASE1": "Phase 1",
    "PHASE2": "Phase 2",
    "PHASE3": "Phase 3",
    "PHASE4": "Phase 4",
    "NA": "Not applicable",
}
KINDS = {
    "cell": "Cell therapy",
    "gene": "Gene therapy",
    "drug": "Drug",
    "device": "Device",
    "procedure": "Procedure",
    "behavioral": "Behavioural",
    "other": "Other",
}


class Trial(models.Model):
    """One ClinicalTrials.gov study as last imported."""

    nct_id = models.CharField("NCT number", max_length=11, unique=True)
    title = models.CharField(max_length=500)
    official_title = models.TextField(blank=True)
    acronym = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=30, choices=Status.choices, blank=True, db_index=True)
    open_to_enrol = models.BooleanField(default=False)
    study_type = models.CharField(max_length=20, blank=True)
    phases = models.CharField(max_length=60, blank=True, help_text="e.g. PHASE1,PHASE2")
    kinds = models.CharField(
        max_length=80, blank=True, help_text="intervention kinds, e.g. cell,procedure"
    )
    is_als = models.BooleanField("ALS study", default=False)
    is_cell_therapy = models.BooleanField(default=False)
    conditions = models.TextField(blank=True)
    sponsor = models.CharField(max_length=300, blank=True)
    sponsor_class = models.CharField(max_length=20, blank=True)
    enrollment = models.PositiveIntegerField(null=True, blank=True)
    enrollment_type = models.CharField(max_length=10, blank=True)
    start_date = models.CharField(max_length=10, blank=True)
    completion_date = models.CharField(max_length=10, blank=True)
    first_posted = models.DateField(null=True, blank=True)
    last_updated = models.DateField(
        null=True, blank=True, help_text="ClinicalTrials.gov's last update posted, if given"
    )
    summary = models.TextField(blank=True)
    eligibility_text = models.TextField(blank=True)
    minimum_age_years = models.FloatField(null=True, blank=True)
    maximum_age_years = models.FloatField(null=True, blank=True)
    sex = models.CharField(max_length=10, blank=True)
    healthy_volunteers = models.BooleanField(null=True)
    criteria = models.JSONField(
        default=list, blank=True, help_text="Structured criteria read from the eligibility text."
    )
    rules = models.JSONField(
        default=list,
        blank=True,
        help_text="The criteria as matching reads them: [section, field, op, value, item] each.",
    )
    criteria_reader = models.CharField(max_length=20, blank=True)
    # Display-only JSON (the trial page reads it whole; nothing queries inside it) is kept as
    # text: PostgreSQL parses a jsonb value on every insert, and an import writes a million.
    detail = models.TextField(default="{}", blank=True, help_text="JSON: arms, treatments, …")
    search_text = models.TextField(
        blank=True,
        help_text="What the finder's words search: kept for ALS studies, the finder's scope "
        "(indexing the words of every study in the registry would slow its import by a "
        "fifth for no page that searches them).",
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_updated", "nct_id"]
        indexes = [
            models.Index(fields=["is_als", "open_to_enrol"]),
            models.Index(fields=["-last_updated", "nct_id"]),  # the finder's order, walked
        ]

    def __str__(self) -> str:
        return f"{self.nct_id}: {self.title}"

    @property
    def details(self) -> dict[str, Any]:
        return json.loads(self.detail or "{}")

    @property
    def registry_url(self) -> str:
        return f"https://clinicaltrials.gov/study/{self.nct_id}"

    @property
    def phase_labels(self) -> list[str]:
        return [PHASES.get(p, p) for p in self.phases.split(",") if p]

    @property
    def kind_labels(self) -> list[str]:
        return [KINDS.get(k, k) for k in self.kinds.split(",") if k]


def postcode_key(text: str) -> str:
    """A postcode as compared: upper case, no spaces ("sw1a 1aa" = "SW1A1AA")."""
    return "".join(text.split()).upper()[:20]


def town_key(text: str) -> str:
    """A town as compared: case and spacing folded."""
    return " ".join(text.split()).casefold()[:120]


class TrialSite(models.Model):
    """A place where a trial enrols (a `locations[]` entry), with its coordinates if given."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="sites")
    facility = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=120, blank=True)
    state = models.CharField(max_length=120, blank=True)
    zip = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=30, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    contacts = models.TextField(default="[]", blank=True, help_text="JSON: the site's contacts")
    postcode = models.CharField(max_length=20, blank=True, help_text="zip, as compared")
    town = models.CharField(max_length=120, blank=True, help_text="city, as compared")
    # The trial's, copied (sites are rewritten with their trial): a distance search reads the
    # sites of open ALS trials near a place without joining every trial.
    is_als = models.BooleanField(default=False)
    open_to_enrol = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        # The finder's scope is ALS studies: its indexes hold only their sites (a fiftieth of
        # the registry's), which keeps importing the whole registry fast.
        indexes = [
            # the distance search reads only this index: open or not, the box, the trial
            models.Index(
                fields=["open_to_enrol", "latitude", "longitude", "trial"],
                condition=models.Q(is_als=True),
                name="trials_site_als_near",
            ),
            models.Index(
                fields=["postcode"], condition=models.Q(is_als=True), name="trials_site_als_zip"
            ),
            models.Index(
                fields=["town"], condition=models.Q(is_als=True), name="trials_site_als_town"
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.facility, self.city, self.country) if part)

    @property
    def contact_list(self) -> list[dict[str, str]]:
        return json.loads(self.contacts or "[]")


class SavedSearch(Subscription):
    """A search someone asked to be told about: their answers (a matching profile), their
    filters, and the trials already shown to them. Double opt-in as every list
    (`accounts.subscriptions`): nothing is sent until the address confirms; stopping deletes the
    row."""

    email = models.EmailField()
    profile = models.JSONField(default=dict, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    known = models.JSONField(default=list, blank=True, help_text="NCT numbers already shown.")
    created_at = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "saved searches"

    def __str__(self) -> str:
        return f"saved search {self.pk}"

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None
