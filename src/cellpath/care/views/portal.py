"""The patient portal: schedule, the self-reported ALSFRS-R one question per screen, updates,
one's data as JSON or CSV, asking to be forgotten and inviting caregivers — and the
coordinators' review of erasure requests. Caregivers the patient invited use the first three.
Views parse and render; `queries.portal` reads and audits; services write."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cellpath.accounts import services as account_services
from cellpath.accounts.access import role_required
from cellpath.accounts.exports import csv_cell
from cellpath.accounts.roles import Role
from cellpath.care import services
from cellpath.care.forms_portal import (
    AlsfrsAnswerForm,
    CaregiverInviteForm,
    CaregiverJoinForm,
    ErasureDecisionForm,
    ErasureRequestForm,
    UpdateForm,
)
from cellpath.care.models import Patient
from cellpath.care.models.assessments import Respondent
from cellpath.care.queries import portal as queries
from cellpath.care.services import portal as portal_services
from cellpath.care.views.records import form_errors_from
from cellpath.outcomes.alsfrs import alsfrs_r_total
from cellpath.outcomes.alsfrs_questions import Question, questions_for

View = Callable[..., HttpResponse]


def patient_portal(view: View | None = None, *, own_only: bool = False) -> Any:
    """Patients (and the caregivers they invited) only; hands the view the record the user acts
    for, or explains it is not linked. `own_only` pages — the patient's data and the rights they
    alone exercise — are refused to caregivers."""

    def decorator(view: View) -> View:
        @role_required(Role.PATIENT)
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            chosen = request.session.get(queries.PORTAL_PATIENT_KEY)
            patient = queries.own_patient(user=request.user, chosen=chosen)
            if patient is None:
                return render(request, "care/portal/not_linked.html")
            if own_only and patient.user_id != request.user.pk:
                own = queries.own_record(user=request.user)  # a caregiver who is a patient too
                if own is None:
                    return render(
                        request, "care/portal/patient_only.html", {"patient": patient}, status=403
                    )
                patient = own
            return view(request, patient, *args, **kwargs)

        return wrapped

    return decorator(view) if view is not None else decorator


# --- schedule ------------------------------------------------------------------------------


@patient_portal
def schedule(request: HttpRequest, patient: Patient) -> HttpResponse:
    today = timezone.localdate()
    plan = queries.schedule(user=request.user, patient=patient, today=today)
    return render(
        request,
        "care/portal/schedule.html",
        {"schedule": plan, "today": today, "patient": patient},
    )


# --- the self-reported ALSFRS-R, one question per screen -------------------------------------


class SelfReportDraft:
    """The answers given so far, kept in the session so the patient can leave and come back."""

    KEY = "cellpath_portal_alsfrs_r"
    DONE_KEY = "cellpath_portal_alsfrs_r_done"

    def __init__(self, request: HttpRequest, patient: Patient) -> None:
        self.session = request.session
        self.patient = patient
        self.today = timezone.localdate()
        self.questions: list[Question] = questions_for(
            gastrostomy=queries.has_gastrostomy(patient, self.today)
        )
        stored = self.session.get(self.KEY) or {}
        self.answers: dict[str, int] = (
            dict(stored.get("answers", {})) if stored.get("patient") == patient.pk else {}
        )

    def save(self) -> None:
        self.session[self.KEY] = {"patient": self.patient.pk, "answers": self.answers}

    def clear(self) -> None:
        self.session.pop(self.KEY, None)

    def question(self, step: int) -> Question:
        if not 1 <= step <= len(self.questions):
            raise Http404
        return self.questions[step - 1]

    @property
    def answered(self) -> list[Question]:
        return [q for q in self.questions if q.item in self.answers]

    @property
    def next_step(self) -> int:
        """The first question without an answer (where to resume), or 0 when all are done."""
        for step, question in enumerate(self.questions, start=1):
            if question.item not in self.answers:
                return step
        return 0

    def items(self) -> dict[str, int]:
        return {q.item: self.answers[q.item] for q in self.questions if q.item in self.answers}

    def review_rows(self) -> list[tuple[int, Question, str | None]]:
        rows = []
        for step, question in enumerate(self.questions, start=1):
            value = self.answers.get(question.item)
            wording = dict(question.plain_choices()).get(value) if value is not None else None
            rows.append((step, question, wording))
        return rows


@patient_portal
@require_http_methods(["GET", "POST"])
def alsfrs_start(request: HttpRequest, patient: Patient) -> HttpResponse:
    draft = SelfReportDraft(request, patient)
    if request.method == "POST":  # "Start again"
        draft.clear()
        return redirect("care:portal-alsfrs-question", step=1)
    return render(
        request,
        "care/portal/alsfrs_start.html",
        {
            "draft": draft,
            "answered_today": queries.answered_today(patient, draft.today),
            "due_now": queries.questionnaire_due(patient, draft.today),
            "patient": patient,
        },
    )


@patient_portal
@require_http_methods(["GET", "POST"])
def alsfrs_question(request: HttpRequest, patient: Patient, step: int) -> HttpResponse:
    draft = SelfReportDraft(request, patient)
    question = draft.question(step)
    returning = (request.POST if request.method == "POST" else request.GET).get(
        "return"
    ) == "review"
    if request.method == "POST":
        form = AlsfrsAnswerForm(request.POST, question=question)
        going_back = request.POST.get("go") == "back"
        if form.is_valid():
            draft.answers[question.item] = form.cleaned_data["answer"]
            draft.save()
        if going_back:  # keep what was chosen, but never insist on an answer to go back
            if returning:
                return redirect("care:portal-alsfrs-review")
            if step == 1:
                return redirect("care:portal-alsfrs")
            return redirect("care:portal-alsfrs-question", step=step - 1)
        if form.is_valid():
            if returning or step == len(draft.questions):
                return redirect("care:portal-alsfrs-review")
            return redirect("care:portal-alsfrs-question", step=step + 1)
    else:
        initial = draft.answers.get(question.item)
        form = AlsfrsAnswerForm(
            question=question, initial={"answer": initial} if initial is not None else None
        )
    return render(
        request,
        "care/portal/alsfrs_question.html",
        {
            "form": form,
            "question": question,
            "step": step,
            "total": len(draft.questions),
            "returning": returning,
        },
    )


@patient_portal
@require_http_methods(["GET", "POST"])
def alsfrs_review(request: HttpRequest, patient: Patient) -> HttpResponse:
    draft = SelfReportDraft(request, patient)
    refusal = ""
    if request.method == "POST" and draft.next_step == 0:
        try:
            assessment = services.alsfrs_r_record(
                actor=request.user,
                patient=patient,
                assessed_on=draft.today,
                respondent=Respondent.SELF,
                items=draft.items(),
            )
        except ValidationError as error:
            refusal = _plain_refusal(error)
        except PermissionDenied:
            raise Http404 from None
        else:
            draft.clear()
            request.session[SelfReportDraft.DONE_KEY] = assessment.pk
            return redirect("care:portal-alsfrs-done")
    return render(
        request,
        "care/portal/alsfrs_review.html",
        {
            "draft": draft,
            "rows": draft.review_rows(),
            "complete": draft.next_step == 0,
            "refusal": refusal,
            "answered_today": queries.answered_today(patient, draft.today),
        },
    )


def _plain_refusal(error: ValidationError) -> str:
    text = " ".join(error.messages)
    if "already" in text and "day" in text:
        return (
            "The questionnaire has already been answered today, by you or at your clinic. "
            "Only one is kept per day: please answer again on another day."
        )
    return f"Your answers could not be saved: {text}"


@patient_portal
def alsfrs_done(request: HttpRequest, patient: Patient) -> HttpResponse:
    pk = request.session.get(SelfReportDraft.DONE_KEY)
    assessment = (
        queries.self_report_get(user=request.user, patient=patient, pk=pk)
        if isinstance(pk, int)
        else None
    )
    if assessment is None:
        return redirect("care:portal-alsfrs")
    return render(
        request,
        "care/portal/alsfrs_done.html",
        {
            "assessment": assessment,
            "total": alsfrs_r_total(assessment.items()),
            "progression_url": _progression_url(patient),
        },
    )


def _progression_url(patient: Patient) -> str:
    """The progression page, where it exists (built alongside the portal)."""
    try:
        return reverse("care:patient-progression", args=[patient.pk])
    except NoReverseMatch:
        return ""


# --- updates -------------------------------------------------------------------------------


@patient_portal
@require_http_methods(["GET", "POST"])
def updates(request: HttpRequest, patient: Patient) -> HttpResponse:
    form = UpdateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_post(
                actor=request.user,
                patient=patient,
                written_on=timezone.localdate(),
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            form_errors_from(error, form)
        else:
            messages.success(request, "Thank you. Your update was saved.")
            return redirect("care:portal-updates")
    return render(
        request,
        "care/portal/updates.html",
        {
            "form": form,
            "updates": queries.updates(user=request.user, patient=patient),
            "patient": patient,
        },
    )


# --- my data -------------------------------------------------------------------------------


@patient_portal(own_only=True)
def my_data(request: HttpRequest, patient: Patient) -> HttpResponse:
    return render(request, "care/portal/my_data.html", {"patient": patient})


def _download(
    content: bytes | str, *, content_type: str, patient: Patient, ext: str
) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.localdate().isoformat()
    filename = f"cellpath-{patient.study_id}-{stamp}.{ext}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@patient_portal(own_only=True)
def my_data_json(request: HttpRequest, patient: Patient) -> HttpResponse:
    data = queries.personal_data(user=request.user, patient=patient, fmt="json")
    document = {
        "about": (
            "Everything Cellpath holds about you, exported on your request "
            "(GDPR Art. 15 and 20). Dates are ISO 8601 (year-month-day)."
        ),
        "study_id": data.patient.study_id,
        "exported_at": data.exported_at,
        "identity": data.tables["identity"][0],
        "patient": data.tables["patient"][0],
        **{name: rows for name, rows in data.tables.items() if name not in {"identity", "patient"}},
    }
    body = json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    return _download(
        body, content_type="application/json; charset=utf-8", patient=patient, ext="json"
    )


@patient_portal(own_only=True)
def my_data_csv(request: HttpRequest, patient: Patient) -> HttpResponse:
    """One CSV file in long form — table, record, field, value — so that every table of the
    record fits in one file that any spreadsheet opens."""
    data = queries.personal_data(user=request.user, patient=patient, fmt="csv")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["table", "record", "field", "value"])
    for table, rows in data.tables.items():
        for row in rows:
            record_id = row.get("id", "")
            for name, value in row.items():
                if name == "id":
                    continue
                writer.writerow([table, record_id, name, csv_cell(value)])
    return _download(
        "\ufeff" + out.getvalue(),  # a byte-order mark so spreadsheets read UTF-8
        content_type="text/csv; charset=utf-8",
        patient=patient,
        ext="csv",
    )


# --- erasure -------------------------------------------------------------------------------


@patient_portal(own_only=True)
@require_http_methods(["GET", "POST"])
def erasure(request: HttpRequest, patient: Patient) -> HttpResponse:
    requests = queries.erasure_requests_own(user=request.user, patient=patient)
    waiting = next((r for r in requests if r.is_open), None)
    form = ErasureRequestForm(request.POST or None)
    if request.method == "POST" and waiting is None and form.is_valid():
        try:
            portal_services.erasure_request_create(
                actor=request.user, patient=patient, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form_errors_from(error, form)
        else:
            messages.success(
                request, "Your request was sent. A coordinator of your clinic will review it."
            )
            return redirect("care:portal-erasure")
    return render(
        request,
        "care/portal/erasure.html",
        {"patient": patient, "requests": requests, "waiting": waiting, "form": form},
    )


@role_required(Role.COORDINATOR)
def erasure_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "care/portal/erasure_queue.html",
        {"queue": queries.erasure_queue(user=request.user)},
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def erasure_review(request: HttpRequest, pk: int) -> HttpResponse:
    erasure_request = queries.erasure_request_get(user=request.user, pk=pk)
    if erasure_request is None:
        raise Http404
    form = ErasureDecisionForm(request.POST or None)
    if request.method == "POST" and erasure_request.is_open and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            portal_services.erasure_request_decide(
                actor=request.user,
                request=erasure_request,
                approve=approve,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {}
            if "decision_note" in errors:
                form.add_error("note", errors["decision_note"][0])
            else:
                form.add_error(None, " ".join(error.messages))
        else:
            study_id = erasure_request.patient.study_id
            messages.success(
                request,
                f"{study_id}: identity erased and sign-in closed."
                if approve
                else f"{study_id}: request declined; the patient will see your note.",
            )
            return redirect("care:erasure-queue")
    return render(
        request, "care/portal/erasure_review.html", {"request_": erasure_request, "form": form}
    )


# --- caregivers ----------------------------------------------------------------------------


@patient_portal(own_only=True)
@require_http_methods(["GET", "POST"])
def caregivers(request: HttpRequest, patient: Patient) -> HttpResponse:
    """The patient invites a caregiver by e-mail, and ends a caregiver's access."""
    form = CaregiverInviteForm(request.POST or None)
    if request.method == "POST" and "revoke" in request.POST:
        link = next(
            (
                c
                for c in queries.caregiver_links(user=request.user, patient=patient)
                if str(c.pk) == request.POST["revoke"]
            ),
            None,
        )
        if link is None:
            raise Http404
        portal_services.caregiver_revoke(actor=request.user, link=link)
        messages.success(request, f"{link.email} can no longer help you in Cellpath.")
        return redirect("care:portal-caregivers")
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            portal_services.caregiver_invite(
                actor=request.user,
                patient=patient,
                email=email,
                accept_url=lambda token: request.build_absolute_uri(
                    reverse("care:caregiver-accept", args=[token])
                ),
            )
        except ValidationError as error:
            form_errors_from(error, form)
        else:
            messages.success(request, f"An invitation was sent to {email}.")
            return redirect("care:portal-caregivers")
    return render(
        request,
        "care/portal/caregivers.html",
        {"form": form, "links": queries.caregiver_links(user=request.user, patient=patient)},
    )


@require_http_methods(["GET", "POST"])
def caregiver_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation: sign in (or create a sign-in) with the invited address, then
    accept. The token is the credential; nothing about the patient is shown without it."""
    link = portal_services.caregiver_invitation(token)
    if link is None:
        return render(request, "care/portal/caregiver_invalid.html", status=404)
    user = request.user
    context: dict[str, Any] = {"link": link, "next": request.path}
    if user.is_authenticated:
        if user.email.lower() != link.email:
            return render(request, "care/portal/caregiver_accept.html", {**context, "wrong": True})
        if request.method == "POST":
            portal_services.caregiver_accept(actor=user, token=token)
            return _caregiving(request, link.patient_id)
        return render(request, "care/portal/caregiver_accept.html", context)
    if queries.has_sign_in(link.email):
        return render(request, "care/portal/caregiver_accept.html", {**context, "sign_in": True})
    form = CaregiverJoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            joined = portal_services.caregiver_join(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            form_errors_from(error, form)
        else:
            account_services.sign_in(request, joined, mfa_passed=False)
            return _caregiving(request, link.patient_id)
    return render(request, "care/portal/caregiver_accept.html", {**context, "form": form})


def _caregiving(request: HttpRequest, patient_id: int) -> HttpResponse:
    request.session[queries.PORTAL_PATIENT_KEY] = patient_id
    messages.success(request, "Thank you. You can now help in Cellpath.")
    return redirect("home")


@role_required(Role.PATIENT)
@require_http_methods(["POST"])
def switch(request: HttpRequest) -> HttpResponse:
    """A caregiver of several patients (or a patient who is also a caregiver) picks whose record
    the portal shows."""
    wanted = request.POST.get("patient", "")
    rows = queries.portal_patients(user=request.user)
    patient = next((p for p in rows if str(p.pk) == wanted), None)
    if patient is None:
        raise Http404
    request.session[queries.PORTAL_PATIENT_KEY] = patient.pk
    return redirect("home")
