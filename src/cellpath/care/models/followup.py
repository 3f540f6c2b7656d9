"""The follow-up schedule: plans of time points with windows, and the visits they generate.

Visits outside their window are flagged, never refused (REDCap's event windows: `day_offset`
with `offset_min`/`offset_max`).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models

from cellpath.accounts.audit import StampedModel
from cellpath.accounts.models import User
from cellpath.care.models.patient import Patient, _not_after_death, _not_future
from cellpath.care.plans import STANDARD_NAME, STANDARD_TIMEPOINTS


class FollowUpPlan(models.Model):
    """A programme's schedule of follow-up time points (configuration, not patient data)."""

    name = models.CharField(max_length=100, unique=True)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def default(cls) -> FollowUpPlan:
        """The plan new courses follow unless told otherwise (the standard plan, created if
        it is missing — e.g. from a database emptied by hand)."""
        plan = cls.objects.filter(is_default=True).first()
        if plan is None:
            plan, created = cls.objects.get_or_create(
                name=STANDARD_NAME, defaults={"is_default": True}
            )
            if created:
                PlanTimepoint.objects.bulk_create(
                    PlanTimepoint(plan=plan, label=label, day_offset=offset, window_days=window)
                    for label, offset, window in STANDARD_TIMEPOINTS
                )
        return plan


class PlanTimepoint(models.Model):
    plan = models.ForeignKey(FollowUpPlan, on_delete=models.CASCADE, related_name="timepoints")
    label = models.CharField(max_length=40)
    day_offset = models.PositiveIntegerField(help_text="Days after the course starts.")
    window_days = models.PositiveIntegerField(help_text="Days allowed either side of the due date.")

    class Meta:
        ordering = ["plan", "day_offset"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "day_offset"], name="unique_timepoint_offset")
        ]

    def __str__(self) -> str:
        return f"{self.label} (day {self.day_offset} ± {self.window_days})"


class Visit(StampedModel):
    """A scheduled (or unscheduled) follow-up visit and its investigator sign-off."""

    audit_site_path = "patient.site_id"

    class Status(models.TextChoices):
        UPCOMING = "upcoming", "Upcoming"
        DUE = "due", "Due now"
        OVERDUE = "overdue", "Overdue"
        DONE = "done", "Done"
        DONE_OUT_OF_WINDOW = "done_out_of_window", "Done, outside its window"
        NOT_HELD = "not_held", "Not held: after death"

    class Meaning(models.TextChoices):
        """21 CFR 11.50: a signature states its meaning."""

        REVIEWED = "reviewed", "Reviewed"
        APPROVED = "approved", "Approved"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="visits")
    course = models.ForeignKey(
        "care.TreatmentCourse",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    label = models.CharField(max_length=40)
    due_date = models.DateField("due")
    window_days = models.PositiveIntegerField(default=0)
    visit_date = models.DateField("seen on", null=True, blank=True)
    signed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signature_meaning = models.CharField(max_length=20, choices=Meaning.choices, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["patient", "due_date"]),
            # The site dashboard: open visits by due date, and seen-but-unsigned visits.
            models.Index(
                fields=["due_date"],
                condition=models.Q(visit_date__isnull=True),
                name="visit_open_by_due_date",
            ),
            models.Index(
                fields=["-visit_date", "-id"],
                condition=models.Q(signed_at__isnull=True, visit_date__isnull=False),
                name="visit_unsigned_recent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} (due {self.due_date})"

    def audit_label(self) -> str:
        return f"{self.patient.study_id} {self.label}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        _not_future(errors, self, "visit_date")
        _not_after_death(errors, self, self.patient if self.patient_id else None, "visit_date")
        onset = self.patient.onset_date if self.patient_id else None
        if self.visit_date and onset and self.visit_date < onset:
            errors["visit_date"] = "A visit cannot be before symptom onset."
        if errors:
            raise ValidationError(errors)

    def status(self, today: date, death_date: date | None = None) -> Status:
        """Where the visit stands on `today`; a late visit is flagged, never refused. A visit not
        seen whose window had not closed when the patient died (`death_date`, the patient's) is
        not held: death closes the schedule (issue 18)."""
        opens = self.due_date - timedelta(days=self.window_days)
        closes = self.due_date + timedelta(days=self.window_days)
        if self.visit_date:
            inside = opens <= self.visit_date <= closes
            return self.Status.DONE if inside else self.Status.DONE_OUT_OF_WINDOW
        if death_date is not None and death_date < closes:
            return self.Status.NOT_HELD
        if today > closes:
            return self.Status.OVERDUE
        if today >= opens:
            return self.Status.DUE
        return self.Status.UPCOMING

    @property
    def signed(self) -> bool:
        return self.signed_at is not None
