"""Screening criteria of a programme, and the applications people send to it.

An application is health data from the moment it is started: it is audited like a patient
record, belongs to the site of the programme applied to, and keeps the applicant's answers as
given. The pre-screen the applicant was shown is kept with it (`screening`), because that is
what they were told; the criteria may change later.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from cellpath.accounts.audit import AuditedModel
from cellpath.accounts.models import Site
from cellpath.accounts.subscriptions import Subscription
from cellpath.intake.questions import ASKED_FIELDS
from cellpath.programmes.models import Programme
from cellpath.screening import FIELDS, OPERATORS, Criterion


def criterion_of(
    field: str, op: str, value: object, kind: str, explanation: str, when_known: bool
) -> Criterion:
    """A stored criterion for the screening engine. The form asks for the FVC, so a
    vital-capacity rule is about the FVC."""
    measure = "FVC" if field == "vc_percent_predicted" else None
    return Criterion(field=field, op=op, value=value, section=kind, measure=measure,
                     explanation=explanation, when_known=when_known)  # fmt: skip


class ScreeningCriterion(AuditedModel):
    """One criterion of a programme, as data an administrator edits without code."""

    class Kind(models.TextChoices):
        INCLUSION = "inclusion", "Inclusion (must be true)"
        EXCLUSION = "exclusion", "Exclusion (must not be true)"

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="screening_criteria"
    )
    field = models.CharField(
        max_length=40, choices=[(key, FIELDS[key].label) for key in ASKED_FIELDS]
    )
    op = models.CharField("comparison", max_length=10, choices=list(OPERATORS.items()))
    value = models.JSONField(
        null=True,
        blank=True,
        help_text="A number; [low, high] for “between”; a list of values for “one of”; "
        "empty for yes/no.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INCLUSION)
    explanation = models.CharField(
        max_length=300, help_text="Why the programme asks this, in plain words."
    )
    when_known = models.BooleanField(
        "only if known",
        default=False,
        help_text="A missing answer does not hold the pre-screen back (e.g. platelets if known).",
    )
    order = models.PositiveSmallIntegerField(default=0)

    audit_site_path = "programme.site_id"

    class Meta:
        ordering = ["programme", "order", "pk"]
        verbose_name_plural = "screening criteria"

    def __str__(self) -> str:
        return self.as_criterion().describe()

    def as_criterion(self) -> Criterion:
        return criterion_of(
            self.field, self.op, self.value, self.kind, self.explanation, self.when_known
        )

    def clean(self) -> None:
        problems = self.as_criterion().problems()
        if problems:
            raise ValidationError({"value": problems})


class Application(AuditedModel):
    """A candidate's application to one programme, from the first step to a decision. An
    applicant may apply to several programmes at once: each gets its own application (in its
    own site's queue), all opened by the same private link and answered once."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Not sent yet"
        NEW = "new", "New"
        IN_REVIEW = "in_review", "In review"
        MORE_INFORMATION = "more_information", "More information requested"
        CONSULTATION = "consultation", "Consultation booked"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    TRANSITIONS: ClassVar[dict[str, tuple[str, ...]]] = {
        Status.DRAFT: (Status.NEW, Status.WITHDRAWN),
        Status.NEW: (Status.IN_REVIEW, Status.DECLINED, Status.WITHDRAWN),
        Status.IN_REVIEW: (
            Status.MORE_INFORMATION,
            Status.CONSULTATION,
            Status.DECLINED,
            Status.WITHDRAWN,
        ),
        Status.MORE_INFORMATION: (Status.IN_REVIEW, Status.DECLINED, Status.WITHDRAWN),
        Status.CONSULTATION: (Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN),
        Status.ACCEPTED: (),
        Status.DECLINED: (),
        Status.WITHDRAWN: (),
    }
    """new → in review → more information requested → consultation booked → accepted,
    declined or withdrawn. A decision is final."""

    class Applicant(models.TextChoices):
        PATIENT = "patient", "I am applying for myself"
        ON_BEHALF = "on_behalf", "I am applying for someone else"

    reference = models.CharField(max_length=12, unique=True)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    applicant = models.CharField("who is applying", max_length=10, choices=Applicant.choices)
    applicant_name = models.CharField("your name", max_length=200)
    patient_name = models.CharField("name of the person with ALS", max_length=200, blank=True)
    relationship = models.CharField("your relationship to them", max_length=100, blank=True)
    email = models.EmailField("e-mail address")
    phone = models.CharField("phone number", max_length=40, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    consent_screening = models.BooleanField(default=False)
    consent_contact = models.BooleanField(default=False)
    consent_newsletter = models.BooleanField(default=False)
    consented_at = models.DateTimeField(default=timezone.now)
    resume_token_hash = models.CharField(
        max_length=64,
        db_index=True,
        help_text="The private link's secret, hashed; applications started together share it.",
    )
    resume_expires_at = models.DateTimeField()
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    screening = models.JSONField(
        default=dict, blank=True, help_text="The pre-screen the applicant was shown."
    )
    verdict = models.CharField(max_length=30, blank=True, db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    patient = models.ForeignKey(
        "care.Patient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_masked_fields = frozenset({"applicant_name", "patient_name", "email", "phone"})

    class Meta:
        ordering = ["-submitted_at", "-started_at"]
        indexes = [models.Index(fields=["site", "status"])]

    def __str__(self) -> str:
        return self.reference

    def audit_label(self) -> str:
        return f"application {self.reference}"

    @property
    def person_name(self) -> str:
        return self.patient_name or self.applicant_name

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, ())

    @property
    def next_statuses(self) -> list[tuple[str, str]]:
        labels = dict(self.Status.choices)
        return [(status, labels[status]) for status in self.TRANSITIONS.get(self.status, ())]


class ApplicationNote(AuditedModel):
    """A coordinator's note on an application."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    audit_site_path = "application.site_id"

    class Meta:
        ordering = ["created_at"]


def document_path(instance: ApplicationDocument, filename: str) -> str:
    """Stored under MEDIA_ROOT (outside the web root) by application, under a random name:
    the original name is kept in the row, never used as a path."""
    import secrets

    return f"applications/{instance.application.reference}/{secrets.token_hex(16)}"


class ApplicationDocument(AuditedModel):
    """A letter or report an applicant uploaded: PDF, JPEG or PNG, checked by content."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(upload_to=document_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    audit_site_path = "application.site_id"
    audit_masked_fields = frozenset({"file", "original_name"})

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return f"document {self.pk} of {self.application_id}"


class ContactMessage(AuditedModel):
    """A message from the public contact form, read by the coordinators of its site."""

    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("your name", max_length=200)
    email = models.EmailField("e-mail address")
    message = models.TextField(max_length=4000)
    consent_contact = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)

    audit_masked_fields = frozenset({"name", "email"})

    class Meta:
        ordering = ["-created_at"]


class PacketRequest(models.Model):
    """A request for a programme's information packet (a PDF made from its data and the study
    library). The download link works until `expires_at`; only the token's hash is kept."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    email = models.EmailField("e-mail address")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"packet of {self.programme_id} for {self.email}"


class Subscriber(Subscription):
    """A newsletter subscription with its consent record: double opt-in (nothing is sent until
    the address confirms), one-click unsubscribe (`accounts.subscriptions`). The row stays after
    unsubscribing: it records the consent and when it was withdrawn."""

    email = models.EmailField(unique=True)
    consented_at = models.DateTimeField(default=timezone.now)
    consent_ip = models.GenericIPAddressField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None
