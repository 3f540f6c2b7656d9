"""The patient record: clinical facts under a study ID, identity kept in its own table."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from cellpath.accounts.audit import StampedModel
from cellpath.accounts.models import Site, User
from cellpath.outcomes.vocabulary import EL_ESCORIAL, ONSET_SITES, SEXES, choices


def _not_future(errors: dict[str, str], instance: models.Model, *names: str) -> None:
    today = timezone.localdate()
    for name in names:
        value = getattr(instance, name)
        if value and value > today:
            errors[name] = "This date is in the future."


def _not_after_death(
    errors: dict[str, str], instance: models.Model, patient: Patient | None, *names: str
) -> None:
    """Death closes the record (issue 18): nothing is dated after it."""
    death = patient.death_date if patient is not None else None
    if death is None:
        return
    for name in names:
        value = getattr(instance, name)
        if value and value > death and name not in errors:
            errors[name] = (
                f"This date is after the patient's death ({death.day} {death:%b %Y}): "
                "nothing can be recorded after death."
            )


class Patient(StampedModel):
    """A person followed by a site, known on clinical pages by a pseudonymous study ID.

    Names and contact details live in `PatientIdentity` (GDPR Art. 4(5) pseudonymisation):
    clinicians and reports work on this table only.
    """

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
    sex = models.CharField(max_length=1, choices=choices(SEXES), blank=True)
    date_of_birth = models.DateField("date of birth", null=True, blank=True)
    onset_date = models.DateField("symptom onset", null=True, blank=True)
    onset_site = models.CharField(
        "site of onset", max_length=12, choices=choices(ONSET_SITES), blank=True
    )
    diagnosis_date = models.DateField("diagnosis", null=True, blank=True)
    el_escorial = models.CharField(
        "El Escorial category", max_length=32, choices=choices(EL_ESCORIAL), blank=True
    )
    ftd = models.BooleanField("frontotemporal dementia", null=True, blank=True)
    c9orf72 = models.BooleanField("C9orf72 repeat expansion", null=True, blank=True)
    sod1 = models.BooleanField("SOD1 variant", null=True, blank=True)
    other_genetics = models.CharField("other genetic findings", max_length=200, blank=True)
    height_cm = models.DecimalField(
        "height (cm)",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(100), MaxValueValidator(230)],
    )
    gastrostomy_date = models.DateField("gastrostomy", null=True, blank=True)
    niv_date = models.DateField("non-invasive ventilation started", null=True, blank=True)
    niv_full_time_date = models.DateField(
        "non-invasive ventilation more than 23 hours a day",
        null=True,
        blank=True,
        help_text="The day the patient came to need non-invasive ventilation more than 23 hours a "
        "day (an ENCALS endpoint, like tracheostomy and death).",
    )
    tracheostomy_date = models.DateField("tracheostomy", null=True, blank=True)
    death_date = models.DateField("death", null=True, blank=True)
    death_cause = models.CharField(
        "cause of death",
        max_length=200,
        blank=True,
        help_text="As the death certificate or the clinician gives it; 'unknown' if not known.",
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="responsible clinician",
        help_text="The clinician of the site who signs this patient's visits (their work list "
        "shows them first).",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["study_id"]

    def __str__(self) -> str:
        return self.study_id

    def audit_label(self) -> str:
        return self.study_id

    def _recorded_after(self, day: date) -> list[str]:
        """What the record holds dated after `day`, in words ("2 visits", "1 dose")."""
        from cellpath.care.models import Administration, TreatmentCourse

        counts = (
            (self.visits.filter(visit_date__gt=day), "visit", "visits"),
            (self.alsfrs.filter(assessed_on__gt=day), "ALSFRS-R", "ALSFRS-R questionnaires"),
            (self.spirometry.filter(measured_on__gt=day), "spirometry", "spirometry tests"),
            (self.weights.filter(measured_on__gt=day), "weight", "weights"),
            (TreatmentCourse.objects.filter(patient=self, started_on__gt=day), "course", "courses"),
            (
                Administration.objects.filter(course__patient=self, given_on__gt=day),
                "dose",
                "doses",
            ),
        )
        found = ((rows.count(), one, many) for rows, one, many in counts)
        return [f"{n} {one if n == 1 else many}" for n, one, many in found if n]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        _not_future(
            errors,
            self,
            "date_of_birth",
            "onset_date",
            "diagnosis_date",
            "gastrostomy_date",
            "niv_date",
            "niv_full_time_date",
            "tracheostomy_date",
            "death_date",
        )
        if self.date_of_birth and self.onset_date and self.onset_date < self.date_of_birth:
            errors["onset_date"] = "Symptom onset cannot be before the date of birth."
        if self.onset_date and self.diagnosis_date and self.diagnosis_date < self.onset_date:
            errors["diagnosis_date"] = "Diagnosis cannot be before symptom onset."
        if self.death_date and self.onset_date and self.death_date < self.onset_date:
            errors["death_date"] = "Death cannot be before symptom onset."
        if (self.death_cause or "").strip() and not self.death_date:
            errors["death_cause"] = "Record the date of death with its cause."
        if self.pk and self.death_date and "death_date" not in errors:
            later = self._recorded_after(self.death_date)
            if later:
                errors["death_date"] = (
                    f"The record has {' and '.join(later)} dated after this day. Check the "
                    "date of death, or correct those entries first."
                )
        full_time = self.niv_full_time_date
        if full_time and "niv_full_time_date" not in errors:
            if self.onset_date and full_time < self.onset_date:
                errors["niv_full_time_date"] = (
                    "Ventilation more than 23 hours a day cannot be before symptom onset."
                )
            elif self.niv_date and full_time < self.niv_date:
                errors["niv_full_time_date"] = (
                    "Ventilation more than 23 hours a day cannot be before non-invasive "
                    "ventilation started."
                )
        if errors:
            raise ValidationError(errors)


class PatientIdentity(StampedModel):
    """Who the patient is. Seen by the site's coordinators and the patient; erased on request."""

    audit_site_path = "patient.site_id"

    patient = models.OneToOneField(Patient, on_delete=models.PROTECT, related_name="identity")
    full_name = models.CharField("full name", max_length=200)
    email = models.EmailField("e-mail address", blank=True)
    phone = models.CharField("telephone", max_length=40, blank=True)

    def __str__(self) -> str:
        return f"Identity of {self.patient_id}"

    def audit_label(self) -> str:
        return self.patient.study_id


class Medication(StampedModel):
    """An ALS medication taken over a period (riluzole, edaravone, others)."""

    audit_site_path = "patient.site_id"

    class Drug(models.TextChoices):
        RILUZOLE = "riluzole", "Riluzole"
        EDARAVONE = "edaravone", "Edaravone"
        TOFERSEN = "tofersen", "Tofersen"
        OTHER = "other", "Other"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="medications")
    drug = models.CharField(max_length=20, choices=Drug.choices)
    other_name = models.CharField("name (if other)", max_length=100, blank=True)
    started_on = models.DateField("started", null=True, blank=True)
    stopped_on = models.DateField("stopped", null=True, blank=True)

    class Meta:
        ordering = ["started_on", "drug"]

    def __str__(self) -> str:
        return self.other_name if self.drug == self.Drug.OTHER else self.get_drug_display()

    def audit_label(self) -> str:
        return self.patient.study_id

    def clean(self) -> None:
        errors: dict[str, str] = {}
        _not_future(errors, self, "started_on", "stopped_on")
        _not_after_death(errors, self, self.patient if self.patient_id else None, "started_on")
        if self.drug == self.Drug.OTHER and not self.other_name:
            errors["other_name"] = "Give the medication's name."
        if self.started_on and self.stopped_on and self.stopped_on < self.started_on:
            errors["stopped_on"] = "The stop date cannot be before the start date."
        if errors:
            raise ValidationError(errors)


class Consent(StampedModel):
    """Consent for one purpose and document version; withdrawal keeps the record (GDPR Art. 7)."""

    audit_site_path = "patient.site_id"

    class Purpose(models.TextChoices):
        TREATMENT = "treatment", "Treatment and follow-up"
        RESEARCH = "research", "Use of data in research"
        CONTACT = "contact", "Contact by e-mail and reminders"

    class Method(models.TextChoices):
        WRITTEN = "written", "Signed on paper"
        ELECTRONIC = "electronic", "Electronically"
        VERBAL = "verbal", "Verbally, witnessed"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    version = models.CharField("document version", max_length=20)
    given_on = models.DateField("given on")
    method = models.CharField("how given", max_length=20, choices=Method.choices)
    withdrawn_on = models.DateField("withdrawn on", null=True, blank=True)

    class Meta:
        ordering = ["-given_on"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} v{self.version}"

    def audit_label(self) -> str:
        return self.patient.study_id

    def clean(self) -> None:
        errors: dict[str, str] = {}
        _not_future(errors, self, "given_on", "withdrawn_on")
        _not_after_death(errors, self, self.patient if self.patient_id else None, "given_on")
        if self.withdrawn_on and self.given_on and self.withdrawn_on < self.given_on:
            errors["withdrawn_on"] = "Consent cannot be withdrawn before it was given."
        if errors:
            raise ValidationError(errors)

    @property
    def active(self) -> bool:
        return self.withdrawn_on is None
