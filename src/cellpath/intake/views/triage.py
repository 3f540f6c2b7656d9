"""The coordinators' triage queue: applications with their pre-screen, status, notes,
assignment, and conversion of an accepted applicant into a patient record."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cellpath.accounts.access import role_required
from cellpath.accounts.audit import record_list, record_view
from cellpath.intake import emails, queries, services
from cellpath.intake.forms.triage import EmailForm, NoteForm, QueueFilterForm, TransitionForm
from cellpath.intake.models import Application
from cellpath.intake.queries import TRIAGE_ROLES
from cellpath.intake.questions import answers_shown
from cellpath.programmes.queries import programmes_editable_by

QUEUE_LIMIT = 200  # rows on one page; the caption says how many more the filters hold


@role_required(*TRIAGE_ROLES)
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(
        request.GET or None,
        programmes=queries.queue_programmes(user=request.user),
        counts=queries.status_counts(user=request.user),
    )
    found = queries.triage_queue(user=request.user, **form.filters())
    applications = list(found[:QUEUE_LIMIT])
    record_list(request.user, applications, detail={"page": "triage queue"})
    return render(
        request,
        "intake/queue.html",
        {
            "form": form,
            "applications": applications,
            "total": found.count(),
            "programmes": programmes_editable_by(request.user),
        },
    )


@role_required(*TRIAGE_ROLES)
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    application = queries.application_get(user=request.user, reference=reference)
    record_view(request.user, application)
    chosen = emails.BY_KEY.get(request.GET.get("template", ""))
    email_form = None
    if chosen:
        subject, body = emails.filled(
            chosen,
            name=application.applicant_name,
            reference=application.reference,
            programme=application.programme.name,
            coordinator=request.user.full_name or request.user.email,
        )
        email_form = EmailForm(initial={"subject": subject, "body": body})
    return render(
        request,
        "intake/detail.html",
        {
            "application": application,
            "transition_form": TransitionForm(),
            "note_form": NoteForm(),
            "duplicates": queries.same_person(application),
            "answers": answers_shown(application.answers),
            "templates": emails.TEMPLATES,
            "email_form": email_form,
        },
    )


@role_required(*TRIAGE_ROLES)
@require_POST
def email(request: HttpRequest, reference: str) -> HttpResponse:
    def action(application: Application) -> str:
        sent = _shape_checked(EmailForm(request.POST), missing="Write a subject and a message.")
        services.application_email(
            actor=request.user, application=application, subject=sent["subject"], body=sent["body"]
        )
        return f"E-mail sent to {application.email}."

    return _act(request, reference, action)


def _shape_checked(form: EmailForm | NoteForm, *, missing: str) -> dict[str, str]:
    """What the form on the detail page declares (its lengths), checked before acting: these
    actions answer with a message on the detail page, not with the form again, so a note longer
    than the page allows was otherwise kept as sent (issue 18)."""
    if form.is_valid():
        return form.cleaned_data
    if any(
        error.code == "required" for errors in form.errors.as_data().values() for error in errors
    ):
        raise ValidationError(missing)
    raise ValidationError(
        [f"{form[name].label}: {error}" for name, errors in form.errors.items() for error in errors]
    )


def _act(request: HttpRequest, reference: str, action) -> HttpResponse:
    application = queries.application_get(user=request.user, reference=reference)
    try:
        done = action(application)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("intake:detail", reference=reference)


@role_required(*TRIAGE_ROLES)
@require_POST
def transition(request: HttpRequest, reference: str) -> HttpResponse:
    status = request.POST.get("status", "")

    def action(application: Application) -> str:
        if status not in Application.Status.values:
            raise ValidationError("Choose a status.")
        services.application_transition(actor=request.user, application=application, status=status)
        return f"{application.reference} is now “{application.get_status_display()}”."

    return _act(request, reference, action)


@role_required(*TRIAGE_ROLES)
@require_POST
def note(request: HttpRequest, reference: str) -> HttpResponse:
    def action(application: Application) -> str:
        sent = _shape_checked(NoteForm(request.POST), missing="Write the note first.")
        services.application_note_add(
            actor=request.user, application=application, text=sent["text"]
        )
        return "Note added."

    return _act(request, reference, action)


@role_required(*TRIAGE_ROLES)
@require_POST
def assign(request: HttpRequest, reference: str) -> HttpResponse:
    def action(application: Application) -> str:
        take = request.POST.get("to") == "me"
        services.application_assign(
            actor=request.user, application=application, user=request.user if take else None
        )
        return "Assigned to you." if take else "No longer assigned."

    return _act(request, reference, action)


@role_required(*TRIAGE_ROLES)
@require_POST
def convert(request: HttpRequest, reference: str) -> HttpResponse:
    application = queries.application_get(user=request.user, reference=reference)
    try:
        patient = services.application_convert(actor=request.user, application=application)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("intake:detail", reference=reference)
    messages.success(request, f"Patient record {patient.study_id} created from the application.")
    return redirect("care:patient-detail", pk=patient.pk)


@role_required(*TRIAGE_ROLES)
def document(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """An uploaded letter or report, as a download (never shown inline), to this site's
    coordinators only; the read is audited."""
    application = queries.application_get(user=request.user, reference=reference)
    upload = application.documents.filter(pk=pk).first()
    if upload is None:
        raise Http404
    record_view(request.user, upload)
    response = FileResponse(
        upload.file.open("rb"),
        as_attachment=True,
        filename=upload.original_name,
        content_type=upload.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*TRIAGE_ROLES)
def inbox(request: HttpRequest) -> HttpResponse:
    """Messages from the contact form, unanswered first."""
    if request.method == "POST":
        message = (
            queries.contact_messages(user=request.user)
            .filter(pk=request.POST.get("message"))
            .first()
        )
        if message is None:
            raise Http404
        services.contact_message_handled(actor=request.user, message=message)
        messages.success(request, "Marked as answered.")
        return redirect("intake:inbox")
    rows = list(
        queries.contact_messages(user=request.user).order_by("handled_at", "-created_at")[:200]
    )
    record_list(request.user, rows, detail={"page": "contact messages"})
    return render(request, "intake/inbox.html", {"contact_messages": rows})
