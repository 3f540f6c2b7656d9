"""Editors maintain the library in the app: studies, sources, figures, claims and pages."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cellpath.accounts.access import role_required
from cellpath.accounts.models import AuditEvent
from cellpath.accounts.roles import Role
from cellpath.evidence import forms
from cellpath.evidence.models import Claim, Figure, KnowledgePage, Source, Study
from cellpath.evidence.services import claim_save, content_save

KINDS = {
    "studies": (Study, forms.StudyForm),
    "sources": (Source, forms.SourceForm),
    "figures": (Figure, forms.FigureForm),
    "claims": (Claim, forms.ClaimForm),
    "pages": (KnowledgePage, forms.PageForm),
}


def _kind(kind: str) -> tuple[type, type]:
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


@role_required(Role.EDITOR)
def edit_home(request: HttpRequest) -> HttpResponse:
    sections = [
        (kind, model._meta.verbose_name_plural.capitalize(), model.objects.all())
        for kind, (model, _) in KINDS.items()
    ]
    return render(request, "evidence/edit_home.html", {"sections": sections})


@role_required(Role.EDITOR)
def edit(request: HttpRequest, kind: str, slug: str | None = None) -> HttpResponse:
    model, form_class = _kind(kind)
    instance = get_object_or_404(model, slug=slug) if slug else model()
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if isinstance(saved, Claim):
            claim_save(actor=request.user, claim=saved, studies=form.cleaned_data["studies"])
        else:
            content_save(actor=request.user, instance=saved)
        messages.success(request, f"Saved “{saved}” (version {saved.version}).")
        return redirect(reverse("evidence:edit", args=[kind, saved.slug]))
    return render(
        request,
        "evidence/edit.html",
        {
            "form": form,
            "kind": kind,
            "object": instance if instance.pk else None,
            "what": model._meta.verbose_name,
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
