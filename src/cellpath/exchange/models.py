"""What exchange keeps: exports being built, personal access tokens for the FHIR API, and which
outside record (a REDCap record ID) became which patient."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cellpath.accounts.models import Site


class ExportJob(models.Model):
    """A cohort export built by a background task; its file is downloaded by the person who
    asked for it, until it expires (then the file is deleted)."""

    class Format(models.TextChoices):
        CSV = "csv", "Tidy CSV files with a data dictionary (ZIP)"
        FHIR = "fhir", "FHIR R4 NDJSON, Bulk Data layout (ZIP)"
        REDCAP = "redcap", "REDCap data dictionary and records (ZIP)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Being prepared"
        DONE = "done", "Ready to download"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="export_jobs"
    )
    format = models.CharField(max_length=10, choices=Format.choices)
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    patients = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    size_bytes = models.BigIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_format_display()} export of {self.created_at:%Y-%m-%d %H:%M}"


class AccessToken(models.Model):
    """A personal access token for the read-only FHIR API: shown once, stored as its SHA-256,
    reading what its owner may read (their sites and role) until it expires or is revoked."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_tokens"
    )
    name = models.CharField("what it is for", max_length=80)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="The first characters, to recognise it.")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def usable(self, now: object = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class ExternalRecord(models.Model):
    """An outside system's record ID (a REDCap `record_id`) and the patient it was imported
    into, so that importing the same file again updates the same patient (idempotent)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=100, help_text="e.g. redcap:<project name>")
    record_id = models.CharField(max_length=100)
    patient = models.ForeignKey("care.Patient", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "source", "record_id"], name="one_patient_per_external_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.record_id}"
