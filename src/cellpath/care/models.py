"""The patient record. Every row here is health data: audited, and scoped to one site."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from cellpath.accounts.audit import AuditedModel
from cellpath.accounts.models import Site, User


class Patient(AuditedModel):
    """A person followed by a site, known on clinical pages by a pseudonymous study ID."""

    class Sex(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="patients")
    study_id = models.CharField("study ID", max_length=20, unique=True, editable=False)
    user = models.OneToOneField(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="patient_record",
        help_text="The patient's own sign-in, if they use the patient portal.",
    )
    full_name = models.CharField("full name", max_length=200)
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    date_of_birth = models.DateField("date of birth", null=True, blank=True)
    onset_date = models.DateField("symptom onset", null=True, blank=True)
    diagnosis_date = models.DateField("diagnosis", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["study_id"]

    def __str__(self) -> str:
        return self.study_id

    def audit_label(self) -> str:
        return self.study_id

    def clean(self) -> None:
        today = timezone.localdate()
        errors = {}
        for name in ("date_of_birth", "onset_date", "diagnosis_date"):
            value = getattr(self, name)
            if value and value > today:
                errors[name] = "This date is in the future."
        if self.date_of_birth and self.onset_date and self.onset_date < self.date_of_birth:
            errors["onset_date"] = "Symptom onset cannot be before the date of birth."
        if self.onset_date and self.diagnosis_date and self.diagnosis_date < self.onset_date:
            errors["diagnosis_date"] = "Diagnosis cannot be before symptom onset."
        if errors:
            raise ValidationError(errors)
