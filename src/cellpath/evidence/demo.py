"""The demo's editorial work in progress: one draft page and one change awaiting review.

Both go through the editors' forms and `editorial.save`, as an editor's would: validated (figures,
numbers, links), audited, and not public. The submission is the demo loader's, so the demo
editor may approve it (no editor may approve their own)."""

from __future__ import annotations

from django.http import QueryDict

from cellpath.accounts.audit import Actor
from cellpath.evidence import editorial
from cellpath.evidence.forms import PageForm
from cellpath.evidence.models import KnowledgePage, ReviewState

DRAFT_SLUG = "questions-for-your-neurologist"
DRAFT = {
    "slug": DRAFT_SLUG,
    "title": "Questions for your neurologist (draft)",
    "summary": "What to ask before you decide about a cell therapy.",
    "body": (
        "## Before you decide\n\nAsk what the [studies](/evidence/) of the treatment showed, "
        "whether it is part of a trial, and what it would cost you.\n\n"
        "*Draft: not yet reviewed.*"
    ),
    "order": "90",
}


def _form(data: dict[str, object], instance: KnowledgePage) -> PageForm:
    query = QueryDict(mutable=True)
    for name, value in data.items():
        query.setlist(name, [str(v) for v in (value if isinstance(value, list) else [value])])
    form = PageForm(query, instance=instance)
    if not form.is_valid():
        raise ValueError(f"Demo page {instance.slug or data.get('slug')}: {form.errors.as_text()}")
    return form


def load_demo_editorial(*, actor: Actor = "demo loader") -> None:
    """Create the draft and the submission unless they exist (idempotent)."""
    if not KnowledgePage.objects.filter(slug=DRAFT_SLUG).exists():
        editorial.save(actor=actor, form=_form(DRAFT, KnowledgePage()), action=editorial.DRAFT)
    if KnowledgePage.objects.filter(review_state=ReviewState.SUBMITTED).exists():
        return
    page = KnowledgePage.objects.filter(published=True).order_by("order", "slug").first()
    if page is None:
        return
    data = {
        "title": page.title,
        "summary": page.summary.rstrip(".") + ", in plain words.",
        "body": page.body,
        "order": page.order,
        "reviewed_on": page.reviewed_on or "",
        "next_review_on": page.next_review_on or "",
    }
    editorial.save(actor=actor, form=_form(data, page), action=editorial.SUBMIT)
