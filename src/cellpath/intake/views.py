"""The application form (public, resumable from its link) and the result page."""

from __future__ import annotations

from contextlib import suppress

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from cellpath.care.alsfrs_questions import BY_ITEM
from cellpath.intake import limits, services
from cellpath.intake.documents import MAX_FILES, SizeLimitUploadHandler
from cellpath.intake.forms import AboutForm, AnswersForm
from cellpath.intake.models import Application
from cellpath.intake.questions import (
    DATE_QUESTIONS,
    STEP_BY_SLUG,
    TEXT_QUESTIONS,
    needed_keys,
    step_keys,
    steps_for,
)
from cellpath.intake.screening import PROFILE_FIELDS, Verdict
from cellpath.intake.services import programme_criteria
from cellpath.programmes.models import Programme


def too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/too_many.html", status=429)


def _criteria_fields(application: Application) -> list[str]:
    """The profile fields the programme's criteria read (fetched once per request)."""
    if not hasattr(application, "criteria_fields"):
        criteria = programme_criteria(application.programme_id)
        application.criteria_fields = [criterion.field for criterion in criteria]
    return application.criteria_fields


def _steps(application: Application) -> list[str]:
    return [step.slug for step in steps_for(_criteria_fields(application))]


def _next_url(application: Application, token: str, after: str | None) -> str:
    slugs = _steps(application)
    position = slugs.index(after) + 1 if after in slugs else 0
    if position < len(slugs):
        return reverse("intake:step", args=[token, slugs[position]])
    return reverse("intake:review", args=[token])


def _link_problem(request: HttpRequest, application: Application | None) -> HttpResponse | None:
    if application is None:
        return render(request, "intake/link_problem.html", {"reason": "unknown"}, status=404)
    if application.resume_expires_at < timezone.now():
        return render(request, "intake/link_problem.html", {"reason": "expired"}, status=410)
    return None


def _open_for_answers(
    request: HttpRequest, token: str
) -> tuple[Application | None, HttpResponse | None]:
    """The application a link opens for answering, or the page to show instead: why the link
    does not work, or the result once a coordinator has started the review."""
    application = services.application_by_token(token)
    problem = _link_problem(request, application)
    if problem:
        return None, problem
    if application.status not in services.OPEN_FOR_ANSWERS:
        return None, redirect("intake:result", token=token)
    return application, None


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    form = AboutForm(request.POST or None)
    chosen = request.GET.get("programme")
    if request.method == "GET" and chosen:
        programme = Programme.objects.filter(slug=chosen, published=True).first()
        form.initial["programme"] = programme
    if request.method == "POST":
        if form.bot:  # answer as if it worked; keep nothing
            return render(request, "intake/received.html")
        email = request.POST.get("email", "")
        if limits.APPLY.exceeded(request, email):
            return too_many(request)
        if form.is_valid():
            details = {k: v for k, v in form.cleaned_data.items() if k != "website"}
            application, token = services.application_start(notify=True, **details)
            limits.APPLY.count(request, email)
            return redirect(_next_url(application, token, None))
    return render(request, "intake/start.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    application, refusal = _open_for_answers(request, token)
    if refusal:
        return refusal
    step = STEP_BY_SLUG.get(slug)
    fields = _criteria_fields(application)
    if step is None or slug not in _steps(application):
        return redirect(_next_url(application, token, None))
    gastrostomy = application.answers.get("gastrostomy") is True
    keys = step_keys(step, fields, gastrostomy=gastrostomy)
    form = AnswersForm(
        request.POST or None,
        keys=keys,
        needed=needed_keys(fields),
        initial=AnswersForm.initial_from(application.answers, keys),
    )
    if request.method == "POST" and form.is_valid():
        services.application_answer(application=application, answers=form.cleaned_data)
        return redirect(_next_url(application, token, slug))
    slugs = _steps(application)
    return render(
        request,
        "intake/step.html",
        {
            "application": application,
            "form": form,
            "step": step,
            "number": slugs.index(slug) + 2,
            "total": len(slugs) + 2,
            "token": token,
            "back": reverse("intake:step", args=[token, slugs[slugs.index(slug) - 1]])
            if slugs.index(slug)
            else None,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, token: str) -> HttpResponse:
    application = services.application_by_token(token)
    problem = _link_problem(request, application)
    if problem:
        return problem
    if request.method == "POST":
        with suppress(ValidationError):  # already under review: the result page says so
            services.application_submit(application=application, token=token)
        return redirect("intake:result", token=token)
    slugs = _steps(application)
    answered = [
        (_label(key), _shown(value)) for key, value in application.answers.items() if value != ""
    ]
    return render(
        request,
        "intake/review.html",
        {
            "application": application,
            "answered": answered,
            "token": token,
            "steps": [(STEP_BY_SLUG[slug].title, slug) for slug in slugs],
            "number": len(slugs) + 2,
            "total": len(slugs) + 2,
        },
    )


@never_cache
def result(request: HttpRequest, token: str) -> HttpResponse:
    application = services.application_by_token(token)
    problem = _link_problem(request, application)
    if problem:
        return problem
    if not application.submitted_at:
        return redirect("intake:review", token=token)
    snapshot = application.screening
    missing = needed_keys(q["key"] for q in snapshot.get("questions", []))
    first_missing = next(
        (slug for slug in _steps(application) if missing & set(STEP_BY_SLUG[slug].keys)), None
    )
    return render(
        request,
        "intake/result.html",
        {
            "application": application,
            "snapshot": snapshot,
            "verdict": Verdict(snapshot["verdict"]),
            "token": token,
            "open": application.status in services.OPEN_FOR_ANSWERS,
            "answer_url": reverse("intake:step", args=[token, first_missing])
            if first_missing
            else None,
        },
    )


def _label(key: str) -> str:
    if key in PROFILE_FIELDS:
        return PROFILE_FIELDS[key].label
    if key in BY_ITEM:
        return f"ALSFRS-R {BY_ITEM[key].number}. {BY_ITEM[key].title}"
    if key in TEXT_QUESTIONS:
        return TEXT_QUESTIONS[key].split("?")[0]
    return DATE_QUESTIONS.get(key, key).rstrip("?").replace("What is your ", "").capitalize()


def _shown(value: object) -> str:
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if value is None:
        return "Not sure"
    return str(value)


@csrf_exempt  # the size limit must be in place before the body is read; CSRF is checked below
def documents(request: HttpRequest, token: str) -> HttpResponse:
    limit = SizeLimitUploadHandler(request)
    request.upload_handlers.insert(0, limit)
    return _documents(request, token, limit)


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def _documents(request: HttpRequest, token: str, limit: SizeLimitUploadHandler) -> HttpResponse:
    application, refusal = _open_for_answers(request, token)
    if refusal:
        return refusal
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("document")
        if limit.too_large:
            error = "This file is larger than 5 MB. Please send a smaller copy or a photo of it."
        elif upload is None:
            error = "Choose a file first."
        else:
            try:
                services.application_document_add(application=application, upload=upload)
            except ValidationError as refused:
                error = " ".join(refused.messages)
            else:
                return redirect("intake:documents", token=token)
    return render(
        request,
        "intake/documents.html",
        {
            "application": application,
            "token": token,
            "error": error,
            "documents": application.documents.all(),
            "max_files": MAX_FILES,
        },
        status=400 if error else 200,
    )
