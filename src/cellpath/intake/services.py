"""Writes of the apply step: start, answer and send an application; triage it; turn an
accepted applicant into a patient record. Each write is one transaction and is audited."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cellpath.accounts.access import site_ids_for
from cellpath.accounts.audit import audited_delete, audited_save
from cellpath.accounts.models import User
from cellpath.accounts.roles import Role
from cellpath.accounts.tokens import token_hash
from cellpath.care.models import Patient
from cellpath.care.models.assessments import Respondent
from cellpath.care.services import alsfrs_r_record, patient_create
from cellpath.intake import documents
from cellpath.intake.models import (
    Application,
    ApplicationDocument,
    ApplicationNote,
    ContactMessage,
    ScreeningCriterion,
    criterion_of,
)
from cellpath.intake.newsletter.services import newsletter_from_application
from cellpath.intake.questions import alsfrs_total_from, profile_from
from cellpath.outbox import absolute_url, send_email_after_commit
from cellpath.outcomes.vocabulary import ALSFRS_R_KEYS
from cellpath.programmes.models import Programme
from cellpath.screening import Criterion, Screening, evaluate

RESUME_DAYS = 30
OPEN_FOR_ANSWERS = (
    Application.Status.DRAFT,
    Application.Status.NEW,
    Application.Status.MORE_INFORMATION,
)
"""An applicant may add or correct answers until a coordinator starts the review (or while
more information is requested)."""


def _reference() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on the phone
    return "APP-" + "".join(secrets.choice(alphabet) for _ in range(6))


def applications_start(
    *, programmes: Sequence[Programme], notify: bool = False, **details: Any
) -> tuple[list[Application], str]:
    """Draft applications to one or more programmes, started together, and the secret that
    resumes them all (shown once, in the link). Each programme gets its own application, in its
    own site's triage queue; the applicant answers once for all. With `notify`, the applicant is
    e-mailed the link at once, so closing the browser loses nothing."""
    if not programmes:
        raise ValidationError({"programmes": "Choose at least one programme."})
    if not details.get("consent_screening"):
        raise ValidationError({"consent_screening": "We need your permission to pre-screen."})
    token = secrets.token_urlsafe(24)
    expires = timezone.now() + timedelta(days=RESUME_DAYS)
    applications = [
        Application(
            programme=programme,
            site_id=programme.site_id,
            reference=_reference(),
            resume_token_hash=token_hash(token),
            resume_expires_at=expires,
            **details,
        )
        for programme in dict.fromkeys(programmes)  # once each, in the order chosen
    ]
    with transaction.atomic():
        for application in applications:
            audited_save(application, actor=f"applicant {application.reference}")
        if notify:
            first = applications[0]
            send_email_after_commit(
                subject=f"Your application {references(applications)}: your private link",
                body=(
                    f"You started an application to {programme_names(applications)}. Your "
                    "answers are saved after each step. To continue at any time, open:\n\n"
                    f"{absolute_url(reverse('intake:review', args=[token]))}\n\n"
                    f"This link works for {RESUME_DAYS} days. Keep it private: it opens your "
                    "answers.\n\nIf you did not start this application, you can ignore this "
                    "e-mail."
                ),
                to=[first.email],
            )
    return applications, token


def application_start(
    *, programme: Programme, notify: bool = False, **details: Any
) -> tuple[Application, str]:
    """A draft application to one programme, and the secret that resumes it."""
    applications, token = applications_start(programmes=[programme], notify=notify, **details)
    return applications[0], token


def references(applications: Sequence[Application]) -> str:
    return ", ".join(application.reference for application in applications)


def programme_names(applications: Sequence[Application]) -> str:
    """ "A", "A and B", "A, B and C": the programmes applied to, in words."""
    names = [application.programme.name for application in applications]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def applications_by_token(token: str) -> list[Application]:
    """The applications a resume link opens (empty when the link is unknown)."""
    return list(
        Application.objects.select_related("programme")
        .filter(resume_token_hash=token_hash(token))
        .order_by("pk")
    )


def open_for_answers(applications: Sequence[Application]) -> list[Application]:
    """Those of `applications` an applicant may still add answers to."""
    return [application for application in applications if application.status in OPEN_FOR_ANSWERS]


def _require_open(applications: Sequence[Application]) -> list[Application]:
    open_ = open_for_answers(applications)
    if not open_:
        raise ValidationError("This application is being reviewed and can no longer change.")
    return open_


def applications_answer(
    *, applications: Sequence[Application], answers: dict[str, Any]
) -> list[Application]:
    """Add or correct answers (values already validated by the step's form) in every
    application the link opens that is still open for answers."""
    open_ = _require_open(applications)
    with transaction.atomic():
        for application in open_:
            application.answers = {**application.answers, **answers}
            audited_save(application, actor=f"applicant {application.reference}")
    return open_


def application_document_add(
    *, application: Application, upload: UploadedFile, linked: Sequence[Application] = ()
) -> ApplicationDocument:
    """Keep one uploaded letter or report, after checking what it really is. The file is stored
    once; each application in `linked` (started together) gets a row for it too, so that every
    programme's coordinators can read it."""
    _require_open([application])
    if application.documents.count() >= documents.MAX_FILES:
        raise ValidationError(f"You can send up to {documents.MAX_FILES} files.")
    if upload.size > documents.MAX_BYTES:
        raise ValidationError("This file is larger than 5 MB.")
    upload.seek(0)
    try:
        kind = documents.recognise(upload.read(16), upload.name or "")
    except ValueError as error:
        raise ValidationError(str(error)) from error
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    details = {
        "original_name": (upload.name or "document")[-200:],
        "content_type": kind.content_type,
        "size": upload.size,
        "sha256": digest.hexdigest(),
    }
    with transaction.atomic():
        document = audited_save(
            ApplicationDocument(application=application, file=upload, **details),
            actor=f"applicant {application.reference}",
        )
        for other in open_for_answers(linked):
            if other.pk != application.pk:
                audited_save(
                    ApplicationDocument(application=other, file=document.file.name, **details),
                    actor=f"applicant {other.reference}",
                )
    return document


def _snapshot(screening: Screening, *, today: date) -> dict[str, Any]:
    return {
        "screened_on": today.isoformat(),
        "verdict": str(screening.verdict),
        "results": [
            {
                "field": result.criterion.field,
                "criterion": result.criterion.describe(),
                "kind": result.criterion.section,
                "explanation": result.criterion.explanation,
                "outcome": str(result.outcome),
                "reason": result.reason,
            }
            for result in screening.results
        ],
        "questions": [{"key": f.key, "question": f.question} for f in screening.questions],
    }


def application_screen(application: Application, *, today: date | None = None) -> Screening:
    """The pre-screen of the application's answers against its programme's criteria now."""
    today = today or timezone.localdate()
    return evaluate(
        programme_criteria(application.programme_id),
        profile_from(application.answers, today=today),
    )


def programme_criteria(programme_id: int) -> list[Criterion]:
    """A programme's screening criteria, in order (read as values: no model rows are built)."""
    rows = ScreeningCriterion.objects.filter(programme_id=programme_id).values_list(
        "field", "op", "value", "kind", "explanation", "when_known"
    )
    return [criterion_of(*row) for row in rows]


def applications_submit(
    *,
    applications: Sequence[Application],
    token: str,
    today: date | None = None,
    notify: bool = True,
) -> list[Application]:
    """Send the applications a link opens (or the answers added since): pre-screen each at once
    against its programme's criteria, keep what the applicant was shown, and e-mail them the
    same, all programmes in one message (unless `notify` is off: demo data)."""
    today = today or timezone.localdate()
    open_ = _require_open(applications)
    screenings = [application_screen(application, today=today) for application in open_]
    with transaction.atomic():
        for application, screening in zip(open_, screenings, strict=True):
            if application.status == Application.Status.DRAFT:
                application.status = Application.Status.NEW
            application.submitted_at = timezone.now()
            application.screening = _snapshot(screening, today=today)
            application.verdict = str(screening.verdict)
            audited_save(application, actor=f"applicant {application.reference}")
        if notify:
            _email_result(open_, token)
            newsletter_from_application(open_[0])  # double opt-in: asks them to confirm
    return open_


def application_submit(
    *, application: Application, token: str, today: date | None = None, notify: bool = True
) -> Application:
    """Send one application: `applications_submit` for a link that opens only it."""
    applications_submit(applications=[application], token=token, today=today, notify=notify)
    return application


def _email_result(applications: Sequence[Application], token: str) -> None:
    lines = [f"Thank you for applying to {programme_names(applications)}.", ""]
    for application in applications:
        snapshot = application.screening
        if len(applications) > 1:
            lines += [f"{application.programme.name}", ""]
        lines += [
            f"Your reference: {application.reference}",
            f"Pre-screen: {RESULT_WORDS[snapshot['verdict']]}",
            "",
        ]
        lines += [f"- {result['criterion']}: {result['reason']}" for result in snapshot["results"]]
        lines.append("")
    questions = _questions_to_answer(applications)
    if questions:
        lines += ["Questions still to answer:", *(f"- {q}" for q in questions), ""]
    lines += [
        "You can see this result, and add or correct answers, at:",
        absolute_url(reverse("intake:result", args=[token])),
        f"(This link works for {RESUME_DAYS} days from the day you started. Keep it private.)",
        "",
        "What happens next: a coordinator reads every application and will contact you.",
        "",
        "A pre-screen is not a medical decision and not medical advice. Cell therapies for ALS "
        "are experimental. Please talk to your neurologist before you decide anything.",
    ]
    send_email_after_commit(
        subject=f"Your application {references(applications)}: pre-screen result",
        body="\n".join(lines),
        to=[applications[0].email],
    )


def _questions_to_answer(applications: Sequence[Application]) -> list[str]:
    """The questions the pre-screens still need, each once."""
    questions = {
        q["key"]: q["question"]
        for application in applications
        for q in application.screening.get("questions", [])
    }
    return list(questions.values())


RESULT_WORDS = {
    "likely_eligible": "likely eligible",
    "likely_not_eligible": "likely not eligible",
    "need_more_information": "we need more information",
}


def _require_coordinator(actor: User, application: Application) -> None:
    if application.site_id not in site_ids_for(actor, [Role.COORDINATOR]):
        raise PermissionDenied


def application_transition(*, actor: User, application: Application, status: str) -> None:
    """Move an application along the workflow; refuses a step the workflow does not allow."""
    _require_coordinator(actor, application)
    if not application.can_become(status):
        raise ValidationError(
            f"An application that is “{application.get_status_display()}” cannot become "
            f"“{Application.Status(status).label}”."
        )
    with transaction.atomic():
        application.status = status
        audited_save(application, actor=actor)


def application_note_add(*, actor: User, application: Application, text: str) -> ApplicationNote:
    _require_coordinator(actor, application)
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write the note first."})
    with transaction.atomic():
        return audited_save(ApplicationNote(application=application, author=actor, text=text),
                            actor=actor)  # fmt: skip


def application_assign(*, actor: User, application: Application, user: User | None) -> None:
    _require_coordinator(actor, application)
    if user is not None and application.site_id not in site_ids_for(user, [Role.COORDINATOR]):
        raise ValidationError("Assign the application to a coordinator of its site.")
    with transaction.atomic():
        application.assigned_to = user
        audited_save(application, actor=actor)


def application_convert(*, actor: User, application: Application) -> Patient:
    """An accepted applicant becomes a patient record of the programme's site, with the
    details they gave (no retyping): identity, dates and El Escorial category, and — when all
    twelve were answered — the ALSFRS-R of the application as a self-report dated the day it
    was sent. The application then links to the record and the record back to it."""
    _require_coordinator(actor, application)
    if application.status != Application.Status.ACCEPTED:
        raise ValidationError("Only an accepted application becomes a patient record.")
    if application.patient_id:
        raise ValidationError("This applicant already has a patient record.")
    answers = application.answers
    clinical: dict[str, Any] = {}
    for key in ("date_of_birth", "onset_date", "diagnosis_date"):
        if answers.get(key):
            clinical[key] = date.fromisoformat(answers[key])
    if answers.get("el_escorial"):
        clinical["el_escorial"] = answers["el_escorial"]
    with transaction.atomic():
        patient = patient_create(
            actor=actor,
            site=application.site,
            full_name=application.person_name,
            email=application.email,
            phone=application.phone,
            **clinical,
        )
        if alsfrs_total_from(answers) is not None and application.submitted_at is not None:
            alsfrs_r_record(
                actor=actor,
                patient=patient,
                assessed_on=timezone.localdate(application.submitted_at),
                respondent=Respondent.SELF,
                items={key: answers.get(key) for key in ALSFRS_R_KEYS},
            )
        application.patient = patient
        audited_save(application, actor=actor)
    return patient


def application_email(*, actor: User, application: Application, subject: str, body: str) -> None:
    """Send the applicant a coordinator's e-mail; its subject is kept as a note."""
    _require_coordinator(actor, application)
    if not application.consent_contact:
        raise ValidationError("The applicant did not agree to be contacted by e-mail.")
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise ValidationError("Write a subject and a message.")
    with transaction.atomic():
        audited_save(
            ApplicationNote(application=application, author=actor, text=f"E-mail sent: {subject}"),
            actor=actor,
        )
        send_email_after_commit(subject=subject, body=body, to=[application.email])


def criteria_save(*, actor: User, programme: Programme, formset: Any) -> int:
    """Save a programme's edited criteria (new, changed, removed) in one transaction."""
    if programme.site_id not in site_ids_for(actor, [Role.COORDINATOR, Role.ADMINISTRATOR]):
        raise PermissionDenied
    changed = 0
    with transaction.atomic():
        for form in formset.forms:
            if not form.has_changed() or not form.cleaned_data:
                continue
            criterion = form.instance
            if form.cleaned_data.get("DELETE"):
                if criterion.pk:
                    audited_delete(criterion, actor=actor)
                    changed += 1
                continue
            criterion.programme = programme
            audited_save(criterion, actor=actor)
            changed += 1
    return changed


def contact_message_handled(*, actor: User, message: ContactMessage) -> None:
    """Mark a contact-form message as answered."""
    if message.site_id is not None and message.site_id not in site_ids_for(
        actor, [Role.COORDINATOR]
    ):
        raise PermissionDenied
    with transaction.atomic():
        message.handled_at = timezone.now()
        audited_save(message, actor=actor)
