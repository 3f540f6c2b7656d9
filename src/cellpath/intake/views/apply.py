"""The application form (public, resumable from its link) and the result page."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from cellpath.accounts import limits
from cellpath.intake import services
from cellpath.intake.documents import MAX_FILES, SizeLimitUploadHandler
from cellpath.intake.forms.apply import AboutForm, AnswersForm
from cellpath.intake.models import Application
from cellpath.intake.questions import (
    STEP_BY_SLUG,
    answers_shown,
    needed_keys,
    step_keys,
    step_title,
    steps_for,
)
from cellpath.intake.services import programme_criteria
from cellpath.programmes import queries as programme_queries
from cellpath.programmes.models import Programme
from cellpath.screening import Verdict


def too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/too_many.html", status=429)


@dataclass
class Linked:
    """The applications one private link opens (one per programme chosen), as the applicant's
    pages show them: answered once, sent together, each pre-screened against its programme."""

    applications: list[Application]
    token: str

    @cached_property
    def open(self) -> list[Application]:
        return services.open_for_answers(self.applications)

    @property
    def first(self) -> Application:
        """The application whose details and answers the pages show (all hold the same)."""
        return (self.open or self.applications)[0]

    @property
    def references(self) -> str:
        return services.references(self.applications)

    @property
    def programme_names(self) -> str:
        return services.programme_names(self.applications)

    @cached_property
    def criteria_fields(self) -> list[str]:
        """The profile fields the criteria of the programmes still open read (once a request)."""
        fields: dict[str, None] = {}
        for application in self.open:
            for criterion in programme_criteria(application.programme_id):
                fields[criterion.field] = None
        return list(fields)

    @cached_property
    def steps(self) -> list[str]:
        return [step.slug for step in steps_for(self.criteria_fields)]

    def title(self, slug: str) -> str:
        """A step's title as the step shows it (with the questions it asks)."""
        step = STEP_BY_SLUG[slug]
        gastrostomy = self.first.answers.get("gastrostomy") is True
        return step_title(step, step_keys(step, self.criteria_fields, gastrostomy=gastrostomy))[0]

    def next_url(self, after: str | None) -> str:
        position = self.steps.index(after) + 1 if after in self.steps else 0
        if position < len(self.steps):
            return reverse("intake:step", args=[self.token, self.steps[position]])
        return reverse("intake:review", args=[self.token])


Opened = tuple[Linked | None, HttpResponse | None]


def by_link(request: HttpRequest, token: str) -> Opened:
    """The applications a link opens, or the page explaining why the link does not work."""
    applications = services.applications_by_token(token)
    if not applications:
        return None, render(request, "intake/link_problem.html", {"reason": "unknown"}, status=404)
    if applications[0].resume_expires_at < timezone.now():
        return None, render(request, "intake/link_problem.html", {"reason": "expired"}, status=410)
    return Linked(applications, token), None


def _open_for_answers(
    request: HttpRequest, token: str
) -> tuple[Linked | None, HttpResponse | None]:
    """The applications a link opens for answering, or the page to show instead: why the link
    does not work, or the result once coordinators have started every review."""
    linked, problem = by_link(request, token)
    if problem:
        return None, problem
    if not linked.open:
        return None, redirect("intake:result", token=token)
    return linked, None


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    form = AboutForm(request.POST or None)
    chosen = request.GET.get("programme")
    if request.method == "GET" and chosen:
        form.initial["programmes"] = list(
            Programme.objects.filter(slug=chosen, published=True).values_list("pk", flat=True)
        )
    if request.method == "POST":
        if form.bot:  # answer as if it worked; keep nothing
            return render(request, "intake/received.html")
        email = request.POST.get("email", "")
        if limits.APPLY.exceeded(request, email):
            return too_many(request)
        if form.is_valid():
            details = {k: v for k, v in form.cleaned_data.items() if k != "website"}
            applications, token = services.applications_start(notify=True, **details)
            limits.APPLY.count(request, email)
            return redirect(Linked(applications, token).next_url(None))
    return render(
        request,
        "intake/start.html",
        {"form": form, "warned": programme_queries.programme_with_warning_signs(chosen)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    linked, refusal = _open_for_answers(request, token)
    if refusal:
        return refusal
    step = STEP_BY_SLUG.get(slug)
    if step is None or slug not in linked.steps:
        return redirect(linked.next_url(None))
    answers = linked.first.answers
    keys = step_keys(step, linked.criteria_fields, gastrostomy=answers.get("gastrostomy") is True)
    form = AnswersForm(
        request.POST or None,
        keys=keys,
        needed=needed_keys(linked.criteria_fields),
        for_someone_else=linked.first.applicant == Application.Applicant.ON_BEHALF,
        initial=AnswersForm.initial_from(answers, keys),
    )
    if request.method == "POST" and form.is_valid():
        services.applications_answer(applications=linked.open, answers=form.cleaned_data)
        return redirect(linked.next_url(slug))
    position = linked.steps.index(slug)
    title, intro = step_title(step, keys)
    return render(
        request,
        "intake/step.html",
        {
            "linked": linked,
            "form": form,
            "step": step,
            "title": title,
            "intro": intro,
            "number": position + 2,
            "total": len(linked.steps) + 2,
            "back": reverse("intake:step", args=[token, linked.steps[position - 1]])
            if position
            else None,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, token: str) -> HttpResponse:
    linked, problem = by_link(request, token)
    if problem:
        return problem
    if request.method == "POST":
        with suppress(ValidationError):  # already under review: the result page says so
            services.applications_submit(applications=linked.applications, token=token)
        return redirect("intake:result", token=token)
    answered = answers_shown(linked.first.answers)
    return render(
        request,
        "intake/review.html",
        {
            "linked": linked,
            "application": linked.first,
            "answered": answered,
            "steps": [(linked.title(slug), slug) for slug in linked.steps],
            "number": len(linked.steps) + 2,
            "total": len(linked.steps) + 2,
        },
    )


@never_cache
def result(request: HttpRequest, token: str) -> HttpResponse:
    linked, problem = by_link(request, token)
    if problem:
        return problem
    sent = [application for application in linked.applications if application.submitted_at]
    if not sent:
        return redirect("intake:review", token=token)
    questions = {  # each once, from the pre-screens that can still be answered
        q["key"]: q["question"]
        for application in linked.open
        for q in application.screening.get("questions", [])
    }
    missing = needed_keys(questions)
    first_missing = next(
        (slug for slug in linked.steps if missing & set(STEP_BY_SLUG[slug].keys)), None
    )
    return render(
        request,
        "intake/result.html",
        {
            "linked": linked,
            "results": [
                (application, Verdict(application.screening["verdict"])) for application in sent
            ],
            "questions": list(questions.values()),
            "any_not_eligible": any(a.verdict == Verdict.LIKELY_NOT_ELIGIBLE for a in sent),
            "answer_url": reverse("intake:step", args=[token, first_missing])
            if first_missing
            else None,
        },
    )


@csrf_exempt  # the size limit must be in place before the body is read; CSRF is checked below
def documents(request: HttpRequest, token: str) -> HttpResponse:
    limit = SizeLimitUploadHandler(request)
    request.upload_handlers.insert(0, limit)
    return _documents(request, token, limit)


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def _documents(request: HttpRequest, token: str, limit: SizeLimitUploadHandler) -> HttpResponse:
    linked, refusal = _open_for_answers(request, token)
    if refusal:
        return refusal
    application = linked.first
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("document")
        if limit.too_large:
            error = "This file is larger than 5 MB. Please send a smaller copy or a photo of it."
        elif upload is None:
            error = "Choose a file first."
        else:
            try:
                services.application_document_add(
                    application=application, upload=upload, linked=linked.open
                )
            except ValidationError as refused:
                error = " ".join(refused.messages)
            else:
                return redirect("intake:documents", token=token)
    return render(
        request,
        "intake/documents.html",
        {
            "linked": linked,
            "error": error,
            "documents": application.documents.all(),
            "max_files": MAX_FILES,
        },
        status=400 if error else 200,
    )
