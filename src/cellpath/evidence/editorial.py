"""The editors' workflow: drafts, submission for review, a second editor's approval, publishing.

`published` alone decides what the public sees. A record never published is its own draft: its
row is saved as the editor writes. Changes to a published record that are not yet to be public
wait in `pending`, as the editor's form data, and are validated again when published or
approved. With `CELLPATH_EDITORIAL_SECOND_REVIEW` on, nothing goes live until an editor other
than the one who submitted it approves it. Every transition is one transaction and audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django import forms as django_forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from cellpath.accounts.audit import Actor, actor_label, audited_save
from cellpath.accounts.models import User
from cellpath.evidence import forms
from cellpath.evidence.models import (
    Claim,
    Figure,
    KnowledgePage,
    PublicContent,
    ReviewDates,
    ReviewState,
    Source,
    Study,
)
from cellpath.evidence.services import claim_save, content_save

KINDS: dict[str, tuple[type[PublicContent], type[forms.ContentForm]]] = {
    "studies": (Study, forms.StudyForm),
    "sources": (Source, forms.SourceForm),
    "figures": (Figure, forms.FigureForm),
    "claims": (Claim, forms.ClaimForm),
    "pages": (KnowledgePage, forms.PageForm),
}
TITLE_FIELDS = {
    Study: ("short_name", "title"),
    Source: ("label",),
    Figure: ("label", "value"),
    Claim: ("text",),
    KnowledgePage: ("title",),
}
"""The fields a record's title is made of (its `__str__`), searched with its slug."""

DRAFT, SUBMIT, PUBLISH, WITHDRAW = "draft", "submit", "publish", "withdraw"
SAVE_ACTIONS = (DRAFT, SUBMIT, PUBLISH, WITHDRAW)


def second_review_required() -> bool:
    return bool(getattr(settings, "CELLPATH_EDITORIAL_SECOND_REVIEW", False))


def kind_of(model: type[PublicContent]) -> str:
    return next(kind for kind, (m, _) in KINDS.items() if m is model)


# --- the editors' list ----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    kind: str
    kind_label: str
    title: str
    slug: str
    status: str
    version: int
    updated_at: datetime
    overdue: bool


def editor_rows(*, q: str = "", kind: str = "", status: str = "") -> list[Row]:
    """Every record matching the filters, most recently changed first."""
    rows: list[Row] = []
    today = timezone.localdate()
    for key, (model, _) in KINDS.items():
        if kind and key != kind:
            continue
        reviewed = issubclass(model, ReviewDates)
        records = model.objects.all()
        if status == "overdue":
            if not reviewed:
                continue
            records = records.filter(next_review_on__lt=today)
        elif status == "published":
            records = records.filter(published=True)
        elif status == "submitted":
            records = records.filter(review_state=ReviewState.SUBMITTED)
        elif status == "draft":
            records = records.filter(
                Q(published=False) | Q(review_state=ReviewState.DRAFT)
            ).exclude(review_state=ReviewState.SUBMITTED)
        if q:
            condition = Q(slug__icontains=q)
            for name in TITLE_FIELDS[model]:
                condition |= Q(**{f"{name}__icontains": q})
            records = records.filter(condition)
        fields = ["slug", "published", "review_state", "version", "updated_at"]
        fields += [*TITLE_FIELDS[model], *(["next_review_on"] if reviewed else [])]
        label = model._meta.verbose_name.capitalize()
        for record in records.only(*fields):
            rows.append(
                Row(
                    kind=key,
                    kind_label=label,
                    title=str(record),
                    slug=record.slug,
                    status=record.status_label,
                    version=record.version,
                    updated_at=record.updated_at,
                    overdue=reviewed and record.review_overdue,
                )
            )
    rows.sort(key=lambda row: row.updated_at, reverse=True)
    return rows


# --- transitions ------------------------------------------------------------------------------


def form_data(form: django_forms.BaseForm) -> dict[str, list[str]]:
    """The editable fields of a bound form, as `pending` keeps them."""
    return {
        name: [str(value) for value in form.data.getlist(form.add_prefix(name))]
        for name, field in form.fields.items()
        if not field.disabled
    }


def pending_form(instance: PublicContent) -> forms.ContentForm:
    """The form bound to a record's pending changes."""
    data = QueryDict(mutable=True)
    for name, values in instance.pending.items():
        data.setlist(name, values)
    return KINDS[kind_of(type(instance))][1](data, instance=instance)


def _mark_submitted(instance: PublicContent, actor: Actor, submitted: bool) -> None:
    if submitted:
        instance.submitted_by = actor if isinstance(actor, User) else None
        instance.submitted_label = actor_label(actor)
        instance.submitted_at = timezone.now()
    else:
        instance.submitted_by, instance.submitted_label, instance.submitted_at = None, "", None


def _store(actor: Actor, instance: PublicContent, studies: object = None) -> PublicContent:
    if isinstance(instance, Claim) and studies is not None:
        return claim_save(actor=actor, claim=instance, studies=studies)
    return content_save(actor=actor, instance=instance)


def save(*, actor: Actor, form: forms.ContentForm, action: str) -> PublicContent:
    """Save an editor's valid form: as a draft, submitted for review, published or withdrawn.

    A draft or a submission of a published record leaves the public version as it is."""
    if action not in SAVE_ACTIONS:
        raise ValidationError("Choose one of the buttons under the form.")
    if action == PUBLISH and second_review_required():
        raise ValidationError(
            "Another editor must approve changes before they are published: submit them for review."
        )
    model = form._meta.model
    with transaction.atomic():
        stored = None
        if form.instance.pk:
            stored = model.objects.select_for_update().get(pk=form.instance.pk)
        if stored is not None and stored.published and action in (DRAFT, SUBMIT):
            stored.pending = form_data(form)
            stored.review_state = ReviewState.SUBMITTED if action == SUBMIT else ReviewState.DRAFT
            _mark_submitted(stored, actor, action == SUBMIT)
            return audited_save(stored, actor=actor)  # the public version is unchanged
        instance = form.save(commit=False)
        instance.published = action == PUBLISH
        instance.pending = {}
        instance.review_state = {
            PUBLISH: ReviewState.NONE,
            SUBMIT: ReviewState.SUBMITTED,
            DRAFT: ReviewState.DRAFT,
            WITHDRAW: ReviewState.DRAFT,
        }[action]
        _mark_submitted(instance, actor, action == SUBMIT)
        return _store(actor, instance, form.cleaned_data.get("studies"))


def submitted_by_actor(instance: PublicContent, actor: Actor) -> bool:
    """Whether `actor` submitted the changes awaiting review."""
    if instance.submitted_by_id is not None:
        return isinstance(actor, User) and actor.pk == instance.submitted_by_id
    return actor_label(actor) == instance.submitted_label


def proposed(instance: PublicContent) -> tuple[PublicContent, object, forms.ContentForm | None]:
    """The record as it would be published (in memory), the studies of a claim, and the form
    holding its pending changes (None when the record is its own draft). Raises
    ValidationError when the pending changes are no longer valid."""
    if not instance.pending:
        return instance, None, None
    form = pending_form(instance)
    if not form.is_valid():
        problems = [f"{form.fields[n].label if n in form.fields else n}: {' '.join(e)}"
                    for n, e in form.errors.items()]  # fmt: skip
        raise ValidationError(["The changes are no longer valid. " + " ".join(problems)])
    return form.save(commit=False), form.cleaned_data.get("studies"), form


def approve(*, actor: Actor, instance: PublicContent) -> PublicContent:
    """Publish changes another editor submitted."""
    model = type(instance)
    with transaction.atomic():
        instance = model.objects.select_for_update().get(pk=instance.pk)
        if instance.review_state != ReviewState.SUBMITTED:
            raise ValidationError("Nothing of this record awaits review.")
        if submitted_by_actor(instance, actor):
            raise ValidationError("You submitted these changes: another editor must approve them.")
        instance, studies, _ = proposed(instance)
        instance.published = True
        instance.pending = {}
        instance.review_state = ReviewState.NONE
        _mark_submitted(instance, actor, False)
        return _store(actor, instance, studies)


def send_back(*, actor: Actor, instance: PublicContent) -> PublicContent:
    """Return submitted changes to draft (the reviewer's "not yet", or the author's "wait")."""
    model = type(instance)
    with transaction.atomic():
        instance = model.objects.select_for_update().get(pk=instance.pk)
        if instance.review_state != ReviewState.SUBMITTED:
            raise ValidationError("Nothing of this record awaits review.")
        instance.review_state = ReviewState.DRAFT
        _mark_submitted(instance, actor, False)
        return audited_save(instance, actor=actor)
