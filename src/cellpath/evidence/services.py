"""Writes to the study library: every change validated, versioned and audited (who, when, old
and new values), then the public page cache moves on to the new content."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

from cellpath.accounts.audit import Actor, audited_save, record
from cellpath.accounts.models import AuditEvent
from cellpath.evidence.models import Claim, PublicContent, Study

T = TypeVar("T", bound=PublicContent)
GENERATION_KEY = "cellpath:public-content-generation"


def content_generation() -> int:
    """A number that changes whenever public content changes (part of public cache keys)."""
    return cache.get_or_set(GENERATION_KEY, 1, timeout=None)


def public_content_changed() -> None:
    """Move public page caches on to new content (call it on commit)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def content_save(*, actor: Actor, instance: T) -> T:
    """Create or update a study, source, figure, claim or page (a new version when updated)."""
    with transaction.atomic():
        if not instance._state.adding:
            instance.version += 1
        audited_save(instance, actor=actor)
        transaction.on_commit(public_content_changed)
    return instance


def claim_studies_set(*, actor: Actor, claim: Claim, studies: Iterable[Study]) -> None:
    """Set the studies a claim cites, recording the old and new lists."""
    studies = list(studies)
    with transaction.atomic():
        old = sorted(claim.studies.values_list("slug", flat=True))
        new = sorted(study.slug for study in studies)
        if old == new:
            return
        claim.studies.set(studies)
        record(
            actor,
            AuditEvent.Action.UPDATE,
            obj=claim,
            changes={"studies": {"old": old, "new": new}},
        )
        transaction.on_commit(public_content_changed)


def claim_save(*, actor: Actor, claim: Claim, studies: Iterable[Study]) -> Claim:
    """Create or update a claim and the studies it cites, in one transaction."""
    with transaction.atomic():
        content_save(actor=actor, instance=claim)
        claim_studies_set(actor=actor, claim=claim, studies=studies)
    return claim
