"""Treatment courses: what cells, from where, processed in which batch, given when and how.

The chain of identity runs Harvest → Batch → Administration: every dose names the batch it came
from, and every autologous batch names the harvest that produced it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from cellpath.accounts.audit import AuditedModel
from cellpath.accounts.models import User
from cellpath.care.models.patient import Patient, _not_future


class CellType(models.TextChoices):
    MSC = "msc", "Mesenchymal stem/stromal cells (MSC)"
    MSC_NTF = "msc_ntf", "MSC secreting neurotrophic factors (MSC-NTF)"
    NEURAL = "neural", "Neural stem/progenitor cells"
    MUSE = "muse", "Muse cells"
    TREG = "treg", "Regulatory T cells (Treg)"
    OTHER = "other", "Other"


class CellSource(models.TextChoices):
    AUTO_BONE_MARROW = "auto_bone_marrow", "Autologous bone marrow"
    AUTO_ADIPOSE = "auto_adipose", "Autologous adipose tissue"
    AUTO_BLOOD = "auto_blood", "Autologous blood"
    ALLO_CORD = "allo_cord", "Allogeneic umbilical cord"
    ALLO_WHARTON = "allo_wharton", "Allogeneic Wharton's jelly"
    ALLO_OTHER = "allo_other", "Allogeneic, other"

    @classmethod
    def autologous(cls) -> frozenset[str]:
        return frozenset({cls.AUTO_BONE_MARROW, cls.AUTO_ADIPOSE, cls.AUTO_BLOOD})


class Route(models.TextChoices):
    IV = "iv", "Intravenous"
    INTRATHECAL = "intrathecal", "Intrathecal"
    INTRASPINAL = "intraspinal", "Intraspinal"
    INTRAMUSCULAR = "intramuscular", "Intramuscular"
    OTHER = "other", "Other"


class TreatmentCourse(AuditedModel):
    """One course of a cell therapy; repeat courses are numbered 1, 2, 3…"""

    audit_site_path = "patient.site_id"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="courses")
    number = models.PositiveSmallIntegerField("course number", editable=False)
    programme = models.CharField("programme or trial", max_length=200)
    product = models.CharField(max_length=200, blank=True)
    cell_type = models.CharField(max_length=20, choices=CellType.choices)
    source = models.CharField(max_length=20, choices=CellSource.choices)
    route = models.CharField("planned route", max_length=20, choices=Route.choices)
    planned_schedule = models.CharField(
        max_length=300, blank=True, help_text="For example: 3 intrathecal doses, 4 weeks apart."
    )
    started_on = models.DateField("course start")
    follow_up_plan = models.ForeignKey(
        "care.FollowUpPlan", on_delete=models.PROTECT, related_name="courses"
    )

    class Meta:
        ordering = ["patient", "number"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "number"], name="unique_course_number")
        ]

    def __str__(self) -> str:
        return f"Course {self.number}: {self.programme}"

    def audit_label(self) -> str:
        return f"{self.patient.study_id} course {self.number}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.patient_id and self.started_on:
            onset = self.patient.onset_date
            if onset and self.started_on < onset:
                errors["started_on"] = "A course cannot start before symptom onset."
        if errors:
            raise ValidationError(errors)

    @property
    def autologous(self) -> bool:
        return self.source in CellSource.autologous()


class Harvest(AuditedModel):
    """Cells collected from the patient (bone marrow aspirate, fat, blood) for one course."""

    audit_site_path = "course.patient.site_id"

    course = models.ForeignKey(TreatmentCourse, on_delete=models.PROTECT, related_name="harvests")
    collected_on = models.DateField("collected on")
    tissue = models.CharField(max_length=20, choices=CellSource.choices)
    reference = models.CharField("harvest reference", max_length=60)

    class Meta:
        ordering = ["collected_on"]

    def __str__(self) -> str:
        return self.reference

    def audit_label(self) -> str:
        return f"{self.course.patient.study_id} harvest {self.reference}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        _not_future(errors, self, "collected_on")
        if errors:
            raise ValidationError(errors)


class Batch(AuditedModel):
    """A processed lot of cells. Autologous lots name their harvest (chain of identity)."""

    audit_site_path = "course.patient.site_id"

    course = models.ForeignKey(TreatmentCourse, on_delete=models.PROTECT, related_name="batches")
    harvest = models.ForeignKey(
        Harvest, null=True, blank=True, on_delete=models.PROTECT, related_name="batches"
    )
    lot_number = models.CharField("lot number", max_length=60, unique=True)
    processed_on = models.DateField("processed on", null=True, blank=True)
    cell_count = models.BigIntegerField(
        "cells in the lot", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    viability_percent = models.DecimalField(
        "viability (%)", max_digits=4, decimal_places=1, null=True, blank=True
    )

    class Meta:
        ordering = ["lot_number"]

    def __str__(self) -> str:
        return self.lot_number

    def audit_label(self) -> str:
        return f"{self.course.patient.study_id} lot {self.lot_number}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.course_id and self.course.autologous and self.harvest_id is None:
            errors["harvest"] = "An autologous lot must name the harvest it was made from."
        if self.harvest_id and self.course_id and self.harvest.course_id != self.course_id:
            errors["harvest"] = "This harvest belongs to another course."
        if self.harvest_id and self.processed_on and self.processed_on < self.harvest.collected_on:
            errors["processed_on"] = "A lot cannot be processed before its harvest."
        if self.viability_percent is not None and not 0 <= self.viability_percent <= 100:
            errors["viability_percent"] = "Viability is a percentage between 0 and 100."
        if errors:
            raise ValidationError(errors)


class Administration(AuditedModel):
    """One dose given: when, how many cells, by which route, where, by whom, from which lot."""

    audit_site_path = "course.patient.site_id"

    course = models.ForeignKey(
        TreatmentCourse, on_delete=models.PROTECT, related_name="administrations"
    )
    batch = models.ForeignKey(
        Batch, null=True, blank=True, on_delete=models.PROTECT, related_name="administrations"
    )
    given_on = models.DateField("given on")
    dose_cells = models.BigIntegerField("dose (cells)", validators=[MinValueValidator(1)])
    route = models.CharField(max_length=20, choices=Route.choices)
    body_site = models.CharField("where on the body", max_length=100, blank=True)
    given_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    given_by_name = models.CharField("given by", max_length=200, blank=True)

    class Meta:
        ordering = ["given_on"]

    def __str__(self) -> str:
        return f"{self.given_on}: {self.dose_cells:,} cells {self.get_route_display()}"

    def audit_label(self) -> str:
        return f"{self.course.patient.study_id} dose {self.given_on}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        _not_future(errors, self, "given_on")
        if self.course_id and self.given_on and self.given_on < self.course.started_on:
            errors["given_on"] = "A dose cannot be given before its course started."
        if self.batch_id and self.course_id and self.batch.course_id != self.course_id:
            errors["batch"] = "This lot was made for another course."
        if self.course_id and self.course.autologous and self.batch_id is None:
            errors["batch"] = "Name the lot this dose came from (chain of identity)."
        if errors:
            raise ValidationError(errors)
