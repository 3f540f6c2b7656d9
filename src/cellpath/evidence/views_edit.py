"""Editors maintain the library in the app: studies, sources, figures, claims and pages.

They find records by title and status, save drafts, preview unsaved text with the public page's
template, submit changes for review and approve each other's (`editorial`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods

from cellpath.accounts.access import role_required
from cellpath.accounts.models import AuditEvent
from cellpath.accounts.roles import Role
from cellpath.evidence import editorial, queries
from cellpath.evidence.editorial import KINDS
from cellpath.evidence.forms import ContentForm, EditorSearchForm
from cellpath.evidence.models import Claim, Figure, KnowledgePage, PublicContent, Source, Study

ROWS_PER_PAGE = 25
PREVIEWED = {"studies", "claims", "pages"}
"""The kinds with a public page of their own, which a preview shows."""


def _kind(kind: str) -> tuple[type, type]:
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


@role_required(Role.EDITOR)
def edit_home(request: HttpRequest) -> HttpResponse:
    kinds = [
        (kind, model._meta.verbose_name_plural.capitalize()) for kind, (model, _) in KINDS.items()
    ]
    form = EditorSearchForm(request.GET or None, kinds=kinds)
    rows = editorial.editor_rows(**form.values())
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "evidence/edit_home.html",
        {
            "form": form,
            "kinds": kinds,
            "page": page,
            "query": query.urlencode(),
            "second_review": editorial.second_review_required(),
        },
    )


@role_required(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, kind: str, slug: str | None = None) -> HttpResponse:
    model, form_class = _kind(kind)
    instance = get_object_or_404(model, slug=slug) if slug else model()
    if request.method == "POST":
        action = request.POST.get("action", editorial.DRAFT)
        form = form_class(request.POST, instance=instance)
        if form.is_valid():
            if action == "preview" and kind in PREVIEWED:
                return _preview(
                    request,
                    kind,
                    *_unsaved(form),
                    note="Nothing has been saved: close this tab to return to the form.",
                )
            try:
                saved = editorial.save(actor=request.user, form=form, action=action)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, f"{saved.status_label}: “{saved}” (version {saved.version})."
                )
                return redirect(reverse("evidence:edit", args=[kind, saved.slug]))
    elif instance.pending:
        form = editorial.pending_form(instance)
    else:
        form = form_class(instance=instance)
    stored = model.objects.filter(pk=instance.pk).first() if instance.pk else None
    return render(
        request,
        "evidence/edit.html",
        {
            "form": form,
            "kind": kind,
            "object": stored,
            "what": model._meta.verbose_name,
            "previewed": kind in PREVIEWED,
            "second_review": editorial.second_review_required(),
        },
    )


def _unsaved(form: ContentForm) -> tuple[PublicContent, object]:
    """The record as the form would save it, and a claim's studies: nothing is written."""
    return form.save(commit=False), form.cleaned_data.get("studies")


def _preview(
    request: HttpRequest,
    kind: str,
    instance: PublicContent,
    studies: object,
    *,
    note: str,
    review: dict | None = None,
) -> HttpResponse:
    """The public page of a record that is not (or not in this form) public."""
    if instance.pk is None:
        instance.pk = 0  # an unsaved record: its related lists are empty (and set below)
    if isinstance(instance, Study):
        instance._prefetched_objects_cache = {
            "figures": Figure.objects.filter(study_id=instance.pk, published=True).select_related(
                "source", "study"
            ),
            "sources": Source.objects.filter(study_id=instance.pk, published=True),
            "claims": Claim.objects.filter(studies__id=instance.pk, published=True),
        }
        template, context = "evidence/study.html", {"study": instance}
    elif isinstance(instance, Claim):
        chosen = [study.pk for study in studies] if studies is not None else None
        shown = Study.objects.filter(published=True)
        shown = (
            shown.filter(pk__in=chosen)
            if chosen is not None
            else shown.filter(claims__id=instance.pk)
        )
        instance._prefetched_objects_cache = {"studies": shown}
        template, context = "evidence/claim.html", {"claim": instance}
    elif isinstance(instance, KnowledgePage):
        template, context = "evidence/page.html", {"page": instance, "pages": queries.page_list()}
    else:  # pragma: no cover - PREVIEWED names the kinds handled above
        raise Http404
    context["preview"] = {"note": note, "kind": kind, "object": instance, **(review or {})}
    response = render(request, template, context)
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    return response


@role_required(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """What a record's submitted changes would publish, and the reviewer's approval."""
    model, form_class = _kind(kind)
    instance = get_object_or_404(model, slug=slug)
    submitted = instance.review_state == "submitted"
    own = submitted and editorial.submitted_by_actor(instance, request.user)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "approve":
                saved = editorial.approve(actor=request.user, instance=instance)
                messages.success(
                    request, f"Approved and published: “{saved}” (version {saved.version})."
                )
            elif request.POST.get("action") == "send_back":
                saved = editorial.send_back(actor=request.user, instance=instance)
                messages.success(request, f"Returned to draft: “{saved}”.")
            else:
                raise ValidationError("Choose Approve or Return to draft.")
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(reverse("evidence:review", args=[kind, slug]))
        return redirect(reverse("evidence:edit", args=[kind, slug]))
    problem = ""
    try:
        proposal, studies, pending = editorial.proposed(instance)
    except ValidationError as error:
        proposal, studies, pending, problem = instance, None, None, " ".join(error.messages)
    context = {"submitted": submitted, "own": own, "problem": problem}
    if request.GET.get("preview") and kind in PREVIEWED and not problem:
        return _preview(
            request,
            kind,
            proposal,
            studies,
            note="This is what approval would publish.",
            review=context,
        )
    current = form_class(instance=model.objects.get(pk=instance.pk))
    if pending is not None:
        changes = [
            (pending[name].label, current[name].value(), pending[name].value())
            for name in pending.changed_data
        ]
    else:
        changes = [(field.label, "", field.value()) for field in current]
    return render(
        request,
        "evidence/review.html",
        {
            **context,
            "object": instance,
            "kind": kind,
            "what": model._meta.verbose_name,
            "changes": changes,
            "is_new": pending is None,
            "previewed": kind in PREVIEWED,
        },
    )


@role_required(Role.EDITOR)
def history(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    model, _ = _kind(kind)
    instance = get_object_or_404(model, slug=slug)
    events = AuditEvent.objects.filter(
        object_type=model._meta.label_lower, object_id=str(instance.pk)
    ).order_by("-at", "-pk")
    return render(
        request,
        "evidence/history.html",
        {"object": instance, "kind": kind, "events": events[:200]},
    )
