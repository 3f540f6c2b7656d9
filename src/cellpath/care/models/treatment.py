"""Treatment courses: what cells, from where, processed in which batch, given when and how.

The chain of identity runs Harvest → Batch → Administration: every dose names the batch it came
from, and every autologous batch names the harvest that produced it. Cell types, donors, source
tissues and routes are the cell-product vocabulary's (`cellpath.outcomes.products`).

A course links to the programme it belongs to (`programmes.Programme`, named by a string: care
sits below programmes and never imports it). What was typed before that link existed is kept
in `programme_name`, as entered; a course whose name matches no programme stays unlinked and
is a question for a coordinator (`data_quality.unlinked_programme_findings`), never silently
changed.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from cellpath.accounts.audit import StampedModel
from cellpath.accounts.models import User
from cellpath.care.data_quality import consent_state
from cellpath.care.models.patient import Consent, Patient, _not_after_death, _not_future
from cellpath.outcomes import products


def programme_choices(site_id: int) -> models.QuerySet:
    """The programmes a course at `site_id` may link to: every published listing, and the site's
    own listings, published or not. Reached through the foreign key, not an import (care sits
    below programmes)."""
    programme = TreatmentCourse._meta.get_field("programme").related_model
    return programme.objects.filter(models.Q(published=True) | models.Q(site_id=site_id)).order_by(
        "name", "pk"
    )


def _needs_consent(
    errors: dict[str, str], patient: Patient, field: str, day: date | None, what: str
) -> None:
    """Consent before cells (issue 18): no harvest or dose without the patient's consent to
    treatment given on or before the day and not withdrawn by then."""
    if day is None or field in errors:
        return
    periods = Consent.objects.filter(patient=patient, purpose=Consent.Purpose.TREATMENT)
    state = consent_state(day, list(periods.values_list("given_on", "withdrawn_on")))
    if state == "withdrawn":
        errors[field] = (
            f"The patient withdrew consent to treatment before this day: no {what} after that."
        )
    elif state == "none":
        errors[field] = (
            "No consent to treatment is recorded for this day: record the patient's consent "
            "first (dated on or before this day)."
        )


class TreatmentCourse(StampedModel):
    """One course of a cell therapy; repeat courses are numbered 1, 2, 3…"""

    audit_site_path = "patient.site_id"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="courses")
    number = models.PositiveSmallIntegerField("course number", editable=False)
    programme = models.ForeignKey(
        "programmes.Programme",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="treatment_courses",
        verbose_name="programme or trial",
    )
    programme_name = models.CharField(
        "programme or trial, as entered",
        max_length=200,
        blank=True,
        help_text="The name as typed: for a programme not listed in Cellpath, or before courses "
        "were linked to programmes.",
    )
    programme_not_listed = models.BooleanField(
        "programme not listed in Cellpath",
        default=False,
        help_text="Someone confirmed that the programme named is not listed in Cellpath.",
    )
    product = models.CharField(max_length=200, blank=True)
    cell_type = models.CharField(max_length=20, choices=products.choices(products.CELL_TYPES))
    donor = models.CharField(
        "whose cells", max_length=20, choices=products.choices(products.DONORS)
    )
    tissue = models.CharField(
        "source tissue", max_length=30, choices=products.choices(products.SOURCE_TISSUES)
    )
    route = models.CharField(
        "planned route", max_length=20, choices=products.choices(products.ROUTES)
    )
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
        return f"Course {self.number}: {self.programme_label}"

    def audit_label(self) -> str:
        return f"{self.patient.study_id} course {self.number}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.patient_id:
            _not_after_death(errors, self, self.patient, "started_on")
        if self.patient_id and self.started_on:
            onset = self.patient.onset_date
            if onset and self.started_on < onset:
                errors["started_on"] = "A course cannot start before symptom onset."
        if self.programme_id is None and not self.programme_name.strip():
            errors["programme"] = (
                "Choose the programme, or type its name if it is not listed in Cellpath."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def programme_label(self) -> str:
        """The programme as people read it: the linked listing's name, else the name as entered."""
        if self.programme_id is not None:
            return self.programme.name
        return self.programme_name

    @property
    def programme_unlinked(self) -> bool:
        """A course that names a programme nobody has linked or confirmed as not listed: data
        from before courses were linked to programmes, waiting for a coordinator."""
        return self.programme_id is None and not self.programme_not_listed

    @property
    def autologous(self) -> bool:
        return self.donor == products.AUTOLOGOUS


class Harvest(StampedModel):
    """Cells collected from the patient (bone marrow aspirate, fat, blood) for one course."""

    audit_site_path = "course.patient.site_id"

    course = models.ForeignKey(TreatmentCourse, on_delete=models.PROTECT, related_name="harvests")
    collected_on = models.DateField("collected on")
    tissue = models.CharField(max_length=30, choices=products.choices(products.SOURCE_TISSUES))
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
        if self.course_id:
            _needs_consent(
                errors, self.course.patient, "collected_on", self.collected_on, "harvest"
            )
        _not_after_death(
            errors, self, self.course.patient if self.course_id else None, "collected_on"
        )
        if errors:
            raise ValidationError(errors)


class Batch(StampedModel):
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


class Administration(StampedModel):
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
    route = models.CharField(max_length=20, choices=products.choices(products.ROUTES))
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
        if self.course_id:
            _needs_consent(errors, self.course.patient, "given_on", self.given_on, "dose")
        _not_after_death(errors, self, self.course.patient if self.course_id else None, "given_on")
        if self.course_id and self.given_on and self.given_on < self.course.started_on:
            errors["given_on"] = "A dose cannot be given before its course started."
        if self.batch_id and self.course_id and self.batch.course_id != self.course_id:
            errors["batch"] = "This lot was made for another course."
        if self.course_id and self.course.autologous and self.batch_id is None:
            errors["batch"] = "Name the lot this dose came from (chain of identity)."
        if errors:
            raise ValidationError(errors)
