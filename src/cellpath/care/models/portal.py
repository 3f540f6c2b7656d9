"""The patient portal's own records: requests to erase one's identity (GDPR Art. 17), and the
caregivers a patient invites to help them in the portal.

An approved request removes the person's identity (name, e-mail, telephone, sign-in) and keeps
the clinical record under its study ID only, as research and legal retention allow (GDPR
Art. 17(3)(c)–(e), Art. 89): the request itself is kept as the proof of what was done.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone

from cellpath.accounts.audit import AuditedModel
from cellpath.accounts.models import User
from cellpath.care.models.patient import Patient


class ErasureRequest(AuditedModel):
    """A patient's request to be forgotten, and the coordinator's decision on it."""

    audit_site_path = "patient.site_id"

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for review"
        APPROVED = "approved", "Approved: identity erased"
        DECLINED = "declined", "Declined"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="erasure_requests")
    requested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    reason = models.TextField("reason", max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField("note to the patient", max_length=2000, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(status="open"),
                name="one_open_erasure_request_per_patient",
                violation_error_message="There is already a request waiting for review.",
            )
        ]

    def __str__(self) -> str:
        return f"Erasure request {self.requested_at:%Y-%m-%d} ({self.get_status_display()})"

    def audit_label(self) -> str:
        return self.patient.study_id

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class CaregiverLink(AuditedModel):
    """A caregiver the patient invited by e-mail. Once accepted, the caregiver may see the
    patient's schedule, answer the ALSFRS-R for them and post updates; never download their
    data or ask for erasure, which stay the patient's own rights (GDPR Art. 15, 17, 20)."""

    audit_site_path = "patient.site_id"
    audit_masked_fields = frozenset({"token_hash"})

    INVITATION_DAYS = 14

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="caregiver_links")
    email = models.EmailField("caregiver's e-mail address")
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="caregiver_links"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_at = models.DateTimeField(default=timezone.now, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-invited_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "email"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_caregiver_link_per_address",
                violation_error_message="This person has already been invited.",
            )
        ]

    def __str__(self) -> str:
        return f"Caregiver {self.email} of {self.patient_id}"

    def audit_label(self) -> str:
        return f"{self.patient.study_id} caregiver"

    @property
    def active(self) -> bool:
        return self.accepted_at is not None and self.revoked_at is None

    def expired(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and now > self.invited_at + timedelta(
            days=self.INVITATION_DAYS
        )


class PredictionRelease(AuditedModel):
    """A clinician's decision to show the patient, and the caregivers they invited, the predicted
    survival on their progression page, after discussing it with them. Until then the portal
    shows no prediction (issue 19): a survival estimate is news to be given by a person, not by a
    page. Withdrawing keeps the row (who released it, when, what was said) and hides it again;
    a later release is a new row."""

    audit_site_path = "patient.site_id"

    NOTE_MAX = 2000

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="prediction_releases"
    )
    released_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(default=timezone.now, editable=False)
    note = models.TextField("how it was discussed", max_length=NOTE_MAX)
    withdrawn_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_note = models.TextField("why it was withdrawn", max_length=NOTE_MAX, blank=True)

    class Meta:
        ordering = ["-released_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_live_prediction_release_per_patient",
                violation_error_message="The prediction is already released to this patient.",
            )
        ]

    def __str__(self) -> str:
        state = "withdrawn" if self.withdrawn_at else "released"
        return f"Prediction {state} ({self.released_at:%Y-%m-%d})"

    def audit_label(self) -> str:
        return f"{self.patient.study_id} prediction release"

    @property
    def live(self) -> bool:
        return self.withdrawn_at is None
