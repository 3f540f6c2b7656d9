"""Writing programmes: every change is audited (old and new values) and bumps `version`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from cellpath.accounts.access import site_ids_for
from cellpath.accounts.audit import Actor, audited_save, record
from cellpath.accounts.models import AuditEvent, Site, User
from cellpath.accounts.roles import Role
from cellpath.evidence.models import Study
from cellpath.evidence.services import public_content_changed
from cellpath.programmes.models import OutcomesCard, Programme

PROGRAMME_STAFF = (Role.COORDINATOR, Role.ADMINISTRATOR)

EDITABLE_FIELDS = (
    "slug",
    "name",
    "kind",
    "organisation",
    "locations",
    "summary",
    "product",
    "cell_type",
    "tissue_source",
    "donor",
    "routes",
    "schedule",
    "repeat_policy",
    "price_amount",
    "price_currency",
    "price_includes",
    "is_free",
    "regulatory_status",
    "registry_id",
    "ind_number",
    "ethics_approval",
    "product_approved_for_als",
    "has_written_protocol",
    "uses_testimonials",
    "claims_no_risk",
    "conditions_offered",
    "contact_email",
    "contact_phone",
    "website",
    "published",
)
"""What `data` may set; the site, version and studies are set by the services themselves."""


def _require_staff(actor: Actor, site_id: int) -> None:
    """System actors (the demo loader, a command) are trusted; people need the coordinator or
    administrator role at the programme's site."""
    if isinstance(actor, User) and site_id not in site_ids_for(actor, PROGRAMME_STAFF):
        raise PermissionDenied("Only coordinators and administrators of this site can do this.")


def _apply(programme: Programme, data: dict[str, Any]) -> None:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in data.items():
        setattr(programme, name, value)


def _set_studies(actor: Actor, programme: Programme, studies: Iterable[Study]) -> None:
    """Replace the cited studies and record the change (old and new slugs) if there is one."""
    chosen = list(studies)
    old = sorted(programme.studies.values_list("slug", flat=True))
    new = sorted(study.slug for study in chosen)
    if old == new:
        return
    programme.studies.set(chosen)
    record(
        actor,
        AuditEvent.Action.UPDATE,
        obj=programme,
        changes={"studies": {"old": old, "new": new}},
    )


def programme_create(
    *,
    actor: Actor,
    site: Site,
    data: dict[str, Any],
    studies: Iterable[Study] | None = None,
) -> Programme:
    """A new programme of `site` at version 1, with the studies it cites."""
    _require_staff(actor, site.pk)
    with transaction.atomic():
        programme = Programme(site=site, version=1)
        _apply(programme, data)
        audited_save(programme, actor=actor)
        if studies is not None:
            _set_studies(actor, programme, studies)
        transaction.on_commit(public_content_changed)
    return programme


def programme_update(
    *,
    actor: Actor,
    programme: Programme,
    data: dict[str, Any],
    studies: Iterable[Study] | None = None,
) -> Programme:
    """Change a programme's fields (and, unless `studies` is None, its cited studies); each
    call is one new version."""
    _require_staff(actor, programme.site_id)
    version = programme.version
    try:
        with transaction.atomic():
            _apply(programme, data)
            programme.version = version + 1
            audited_save(programme, actor=actor)
            if studies is not None:
                _set_studies(actor, programme, studies)
            transaction.on_commit(public_content_changed)
    except Exception:
        programme.version = version  # nothing was saved
        raise
    return programme


# --- outcomes cards ---------------------------------------------------------------------------


def submit_card(
    *, actor: User, programme: Programme, content: dict[str, Any], as_of: Any
) -> OutcomesCard:
    """Store a card the programme's staff prepared; nobody outside the site sees it until an
    administrator of the site approves it. An earlier card still waiting is replaced."""
    _require_staff(actor, programme.site_id)
    with transaction.atomic():
        for waiting in programme.outcome_cards.filter(status=OutcomesCard.Status.PENDING):
            waiting.status = OutcomesCard.Status.SUPERSEDED
            audited_save(waiting, actor=actor)
        card = OutcomesCard(programme=programme, as_of=as_of, content=content, prepared_by=actor)
        return audited_save(card, actor=actor)


def decide_card(*, actor: User, card: OutcomesCard, approve: bool) -> OutcomesCard:
    """An administrator of the programme's site approves (publishes) or rejects a waiting card;
    approving supersedes the card published before."""
    site_id = card.programme.site_id
    if site_id not in site_ids_for(actor, (Role.ADMINISTRATOR,)):
        raise PermissionDenied("Only an administrator of this site can approve outcomes cards.")
    with transaction.atomic():
        card = OutcomesCard.objects.select_for_update().get(pk=card.pk)
        if card.status != OutcomesCard.Status.PENDING:
            raise PermissionDenied("This card is not waiting for approval.")
        if approve:
            for old in card.programme.outcome_cards.filter(status=OutcomesCard.Status.PUBLISHED):
                old.status = OutcomesCard.Status.SUPERSEDED
                audited_save(old, actor=actor)
        card.status = OutcomesCard.Status.PUBLISHED if approve else OutcomesCard.Status.REJECTED
        card.decided_by = actor
        card.decided_at = timezone.now()
        audited_save(card, actor=actor)
        if approve:
            transaction.on_commit(public_content_changed)
        return card
