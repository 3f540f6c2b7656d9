"""Data-quality queries: a question about one record that a coordinator works through.

A rule of `care.data_quality` that finds something to check opens a query (on save, and over a
whole site with `cellpath check_data`). The care team answers it; a coordinator closes it, or
sends it back. When the record is corrected so that the rule no longer finds anything, the query
closes itself, saying so. Every step is an audited write, as in an EDC's discrepancy management
(shared/design/platform.md: REDCap's Data Resolution Workflow, OpenClinica's discrepancy notes).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from cellpath.accounts.audit import AuditedModel
from cellpath.accounts.models import User
from cellpath.care.models.followup import Visit
from cellpath.care.models.patient import Patient


class DataQuery(AuditedModel):
    """One rule's question about one record (`subject`, e.g. "alsfrs_r:12"): at most one is
    open or answered per rule and record."""

    audit_site_path = "patient.site_id"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed"

    class Closure(models.TextChoices):
        CONFIRMED = "confirmed", "Checked: the record is right as entered"
        CORRECTED = "corrected", "Corrected"
        RESOLVED = "resolved", "The record no longer breaks the rule"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="data_queries")
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="data_queries"
    )
    rule = models.CharField(max_length=40)
    subject = models.CharField(max_length=80)
    message = models.TextField(max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(default=timezone.now, editable=False)
    answer = models.TextField("answer", max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    closure = models.CharField(max_length=10, choices=Closure.choices, blank=True)
    close_note = models.TextField("note", max_length=2000, blank=True)
    closed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject"],
                condition=~models.Q(status="closed"),
                name="one_live_query_per_rule_and_record",
            )
        ]
        indexes = [models.Index(fields=["patient", "status"])]

    def __str__(self) -> str:
        return f"Query {self.pk} ({self.get_status_display()})"

    def audit_label(self) -> str:
        return f"{self.patient.study_id} query {self.pk}"

    @property
    def live(self) -> bool:
        return self.status != self.Status.CLOSED
