"""Assessments: ALSFRS-R, spirometry, adverse events, weight and the patient's own updates.

Measurements are stored once, as entered; every derived figure (ALSFRS-R total and subscores,
FVC % predicted, stages, slopes) is computed by `cellpath.outcomes` when shown.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from cellpath.accounts.audit import StampedModel
from cellpath.accounts.models import User
from cellpath.care.models.patient import Patient, _not_after_death, _not_future
from cellpath.care.safety import (
    CRITERIA,
    SERIOUSNESS_CRITERIA,
    ExpeditedReport,
    expedited_report,
    serious_without_criterion,
)
from cellpath.outcomes.vocabulary import (
    ALSFRS_R_ITEMS,
    ALSFRS_R_KEYS,
    FVC_EQUATION_SOURCES,
    FVC_EQUATIONS,
)

ITEM = [MinValueValidator(0), MaxValueValidator(4)]


class AlsfrsItemField(models.PositiveSmallIntegerField):
    """One ALSFRS-R item scored 0–4, named as printed on the scale from the clinical vocabulary
    by its attribute (q1 … q12, q5a, q5b); 5a and 5b may each be blank, only one being
    answered (Cedarbaum 1999). Migrations see a plain PositiveSmallIntegerField."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("validators", ITEM)
        super().__init__(*args, **kwargs)

    def contribute_to_class(self, cls: Any, name: str, private_only: bool = False) -> None:
        item = _ITEMS[name]
        self.verbose_name = f"{item.number}. {item.title}"
        self.null = self.blank = item.position == 5
        super().contribute_to_class(cls, name, private_only)

    def deconstruct(self) -> Any:
        name, _, args, kwargs = super().deconstruct()
        kwargs["verbose_name"] = self.verbose_name  # set from the name, not passed in
        return name, "django.db.models.PositiveSmallIntegerField", args, kwargs


_ITEMS = {item.key: item for item in ALSFRS_R_ITEMS}


class Respondent(models.TextChoices):
    CLINIC = "clinic", "Rated in clinic"
    PHONE = "phone", "Rated by telephone"
    SELF = "self", "Self-reported by the patient or caregiver"


class PatientAssessment(StampedModel):
    """Shared fields: whose assessment, at which visit, who entered it."""

    audit_site_path = "patient.site_id"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(
        "care.Visit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def audit_label(self) -> str:
        return self.patient.study_id

    def _visit_errors(self, day_field: str) -> dict[str, str]:
        errors: dict[str, str] = {}
        _not_future(errors, self, day_field)
        _not_after_death(errors, self, self.patient if self.patient_id else None, day_field)
        day = getattr(self, day_field)
        onset = self.patient.onset_date if self.patient_id else None
        if day and onset and day < onset:
            errors[day_field] = "This date is before symptom onset."
        if self.visit_id and self.visit.patient_id != self.patient_id:
            errors["visit"] = "This visit belongs to another patient."
        return errors


class AlsfrsR(PatientAssessment):
    """One ALSFRS-R (Cedarbaum et al., J Neurol Sci 1999;169:13–21): 12 items scored 0–4.

    Item 5 is answered as 5a (no gastrostomy) or 5b (with gastrostomy), never both. The total
    is never typed: `cellpath.outcomes.alsfrs.score_alsfrs_r` computes it.
    """

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="alsfrs")
    assessed_on = models.DateField("assessed on")
    respondent = models.CharField("answered", max_length=10, choices=Respondent.choices)
    q1 = AlsfrsItemField()
    q2 = AlsfrsItemField()
    q3 = AlsfrsItemField()
    q4 = AlsfrsItemField()
    q5a = AlsfrsItemField()
    q5b = AlsfrsItemField()
    q6 = AlsfrsItemField()
    q7 = AlsfrsItemField()
    q8 = AlsfrsItemField()
    q9 = AlsfrsItemField()
    q10 = AlsfrsItemField()
    q11 = AlsfrsItemField()
    q12 = AlsfrsItemField()

    class Meta:
        ordering = ["assessed_on"]
        indexes = [  # the site dashboard's recent self-reports
            models.Index(
                fields=["assessed_on"],
                condition=models.Q(respondent="self"),
                name="alsfrs_r_self_reports",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "assessed_on"],
                name="one_alsfrs_r_per_patient_per_day",
                violation_error_message="There is already an ALSFRS-R for this day.",
            )
        ]

    def __str__(self) -> str:
        return f"ALSFRS-R {self.assessed_on}"

    def items(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in ALSFRS_R_KEYS}

    def clean(self) -> None:
        errors = self._visit_errors("assessed_on")
        if (self.q5a is None) == (self.q5b is None):
            errors["q5a"] = "Answer item 5 once: 5a without a gastrostomy, 5b with one."
        if errors:
            raise ValidationError(errors)


class Spirometry(PatientAssessment):
    """Forced (and slow) vital capacity. % predicted is computed from height, age and sex with
    the recorded reference equation (GLI-2012, Quanjer 2012; NHANES III, Hankinson 1999);
    a % entered from an outside report is kept as entered."""

    EQUATIONS: ClassVar[list[tuple[str, str]]] = [
        (t.value, f"{t.label} ({FVC_EQUATION_SOURCES[t.value]})") for t in FVC_EQUATIONS
    ]
    DEFAULT_EQUATION: ClassVar[str] = FVC_EQUATIONS[0].value  # GLI-2012

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="spirometry")
    measured_on = models.DateField("measured on")
    fvc_litres = models.DecimalField(
        "FVC (litres)",
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.1), MaxValueValidator(10)],
    )
    fvc_percent_entered = models.DecimalField(
        "FVC % predicted (from a report)",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
    )
    svc_litres = models.DecimalField(
        "SVC (litres)",
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.1), MaxValueValidator(10)],
    )
    equation = models.CharField(
        "reference equation", max_length=10, choices=EQUATIONS, default=DEFAULT_EQUATION
    )

    class Meta:
        ordering = ["measured_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "measured_on"],
                name="one_spirometry_per_patient_per_day",
                violation_error_message="There is already a spirometry for this day.",
            )
        ]

    def __str__(self) -> str:
        return f"Spirometry {self.measured_on}"

    def clean(self) -> None:
        errors = self._visit_errors("measured_on")
        if self.fvc_litres is None and self.fvc_percent_entered is None and self.svc_litres is None:
            errors["fvc_litres"] = "Enter FVC in litres, FVC % predicted, or SVC."
        if errors:
            raise ValidationError(errors)


class Relatedness(models.TextChoices):
    UNRELATED = "unrelated", "Not related"
    UNLIKELY = "unlikely", "Unlikely"
    POSSIBLE = "possible", "Possibly"
    PROBABLE = "probable", "Probably"
    DEFINITE = "definite", "Definitely"


class Expectedness(models.TextChoices):
    """Against the reference safety information: the protocol or the investigator's brochure
    (ICH E2A section II.C)."""

    EXPECTED = "expected", "Expected"
    UNEXPECTED = "unexpected", "Unexpected"
    NOT_ASSESSED = "not_assessed", "Not assessed"


_CRITERION = dict(SERIOUSNESS_CRITERIA)


def _criterion_field(name: str) -> models.BooleanField:
    return models.BooleanField(_CRITERION[name], default=False)


class AdverseEvent(PatientAssessment):
    """An adverse event, graded with CTCAE v5 (1 mild … 5 death), with what ICH E2A asks for
    expedited reporting: the seriousness criteria (II.B), expectedness (II.C), the day the site
    first knew of it and the days it was reported (III.A). `serious` is kept with the criteria:
    a criterion makes the event serious, and a serious event names at least one."""

    class Outcome(models.TextChoices):
        RECOVERED = "recovered", "Recovered"
        RECOVERING = "recovering", "Recovering"
        NOT_RECOVERED = "not_recovered", "Not recovered"
        SEQUELAE = "sequelae", "Recovered with lasting effects"
        FATAL = "fatal", "Fatal"
        UNKNOWN = "unknown", "Unknown"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="adverse_events")
    course = models.ForeignKey(
        "care.TreatmentCourse",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adverse_events",
    )
    description = models.TextField()
    onset_date = models.DateField("started on")
    resolved_date = models.DateField("resolved on", null=True, blank=True)
    grade = models.PositiveSmallIntegerField(
        "CTCAE grade", validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    serious = models.BooleanField("serious adverse event")
    results_in_death = _criterion_field("results_in_death")
    life_threatening = _criterion_field("life_threatening")
    hospitalisation = _criterion_field("hospitalisation")
    disability = _criterion_field("disability")
    congenital_anomaly = _criterion_field("congenital_anomaly")
    medically_important = _criterion_field("medically_important")
    expectedness = models.CharField(
        max_length=12, choices=Expectedness.choices, default=Expectedness.NOT_ASSESSED
    )
    related_to_procedure = models.CharField(
        "related to the procedure", max_length=10, choices=Relatedness.choices
    )
    related_to_cells = models.CharField(
        "related to the cells", max_length=10, choices=Relatedness.choices
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.UNKNOWN)
    action_taken = models.CharField("action taken", max_length=300, blank=True)
    aware_date = models.DateField("the site first knew of it on", null=True, blank=True)
    reported_to_regulator_on = models.DateField(
        "reported to the regulator on", null=True, blank=True
    )
    reported_to_ethics_on = models.DateField(
        "reported to the ethics committee on", null=True, blank=True
    )

    class Meta:
        ordering = ["-onset_date"]

    def __str__(self) -> str:
        return f"{'Serious a' if self.serious else 'A'}dverse event {self.onset_date}"

    def criteria(self) -> dict[str, bool]:
        return {name: getattr(self, name) for name in CRITERIA}

    def criteria_met(self) -> list[str]:
        """The wording of each criterion ticked (ICH E2A II.B)."""
        return [_CRITERION[name] for name, met in self.criteria().items() if met]

    @property
    def serious_without_criterion(self) -> bool:
        return serious_without_criterion(self.serious, self.criteria().values())

    def clean(self) -> None:
        errors = self._visit_errors("onset_date")
        _not_future(errors, self, "resolved_date")
        _not_after_death(errors, self, self.patient if self.patient_id else None, "resolved_date")
        if self.resolved_date and self.onset_date and self.resolved_date < self.onset_date:
            errors["resolved_date"] = "An event cannot resolve before it started."
        if self.grade == 5 and self.outcome != self.Outcome.FATAL:
            errors["outcome"] = "A grade 5 event is fatal by definition (CTCAE v5)."
        if self.grade == 5 and not self.serious:
            errors["serious"] = "A fatal event is a serious adverse event."
        if (
            self.outcome == self.Outcome.FATAL
            and self.patient_id
            and self.patient.death_date is None
            and "outcome" not in errors
        ):  # a fatal event is linked to the death it caused (issue 18)
            errors["outcome"] = (
                "A fatal outcome needs the death on the patient's record: record the date and "
                "cause of death first."
            )
        self._seriousness_errors(errors)
        self._reporting_errors(errors)
        if errors:
            raise ValidationError(errors)

    def _seriousness_errors(self, errors: dict[str, str]) -> None:
        """ICH E2A II.B: serious exactly when a criterion is met (a criterion ticked makes the
        event serious; a serious event without one is refused); death is CTCAE grade 5."""
        if any(self.criteria().values()):
            self.serious = True
        if self.serious_without_criterion and "serious" not in errors:
            errors["serious"] = (
                "A serious adverse event meets at least one seriousness criterion (ICH E2A): "
                "tick the ones that apply."
            )
        if self.results_in_death and self.outcome != self.Outcome.FATAL:
            errors.setdefault("outcome", "An event that results in death has a fatal outcome.")
        if self.grade == 5 and not self.results_in_death:
            errors["results_in_death"] = (
                "A grade 5 event results in death (CTCAE v5): tick this criterion."
            )
        if self.results_in_death and self.grade and self.grade != 5:
            errors["grade"] = "An event that results in death is grade 5 (CTCAE v5)."

    def _reporting_errors(self, errors: dict[str, str]) -> None:
        """The site knows of an event once it began; it reports it once it knows of it. These
        days may fall after the patient's death (a fatal event is reported after it)."""
        _not_future(errors, self, "aware_date", "reported_to_regulator_on", "reported_to_ethics_on")
        if self.aware_date and self.onset_date and self.aware_date < self.onset_date:
            errors["aware_date"] = "The site cannot know of an event before it started."
        known = self.aware_date or self.onset_date
        for name in ("reported_to_regulator_on", "reported_to_ethics_on"):
            day = getattr(self, name)
            if day and known and day < known and name not in errors:
                errors[name] = (
                    "An event cannot be reported before the site knew of it."
                    if self.aware_date
                    else "An event cannot be reported before it started."
                )

    def expedited_report(self) -> ExpeditedReport:
        """Whether it is a SUSAR and when its report is due (`cellpath.care.safety`)."""
        return expedited_report(
            serious=self.serious,
            expectedness=self.expectedness,
            related_to_cells=self.related_to_cells,
            related_to_procedure=self.related_to_procedure,
            fatal_or_life_threatening=self.results_in_death or self.life_threatening,
            aware_on=self.aware_date,
        )

    @property
    def open(self) -> bool:
        return self.resolved_date is None and self.outcome != self.Outcome.FATAL


class Weight(PatientAssessment):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="weights")
    measured_on = models.DateField("measured on")
    kg = models.DecimalField(
        "weight (kg)",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(20), MaxValueValidator(300)],
    )

    class Meta:
        ordering = ["measured_on"]

    def __str__(self) -> str:
        return f"{self.kg} kg on {self.measured_on}"

    def clean(self) -> None:
        errors = self._visit_errors("measured_on")
        if errors:
            raise ValidationError(errors)


class PatientUpdate(PatientAssessment):
    """'How are you doing?' in the patient's (or caregiver's, or coordinator's) own words."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="updates")
    written_on = models.DateField("date")
    text = models.TextField("how are you doing?", max_length=4000)

    class Meta:
        ordering = ["-written_on", "-entered_at"]

    def __str__(self) -> str:
        return f"Update {self.written_on}"

    def clean(self) -> None:
        errors = self._visit_errors("written_on")
        if errors:
            raise ValidationError(errors)
