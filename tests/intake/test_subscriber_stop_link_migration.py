"""Migration intake 0004 drops the stored hash of the newsletter's unsubscribe link (checked by
its signature alone since): every subscriber is kept, links already mailed keep working, and going
back computes the hashes again."""

from __future__ import annotations

import hashlib

import pytest
from django.core import signing
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from cellpath.intake.models import Subscriber

BEFORE = [("intake", "0003_one_profile_vocabulary")]
AFTER = [("intake", "0004_subscriber_stop_link_signed_only")]
SALT = "cellpath.newsletter.unsubscribe"


def _migrate(target: list[tuple[str, str]] | None = None):
    """Migrate to `target`; to the newest migrations when None."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    target = target or executor.loader.graph.leaf_nodes()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def _mailed_link(pk: int) -> str:
    """The unsubscribe token mailed before the migration (the same signature as now)."""
    return signing.Signer(salt=SALT).sign(str(pk))


def _stored_hash(pk: int) -> str:
    return hashlib.sha256(_mailed_link(pk).encode()).hexdigest()


@pytest.fixture
def old_subscribers(transactional_db):
    apps = _migrate(BEFORE)
    subscriber = apps.get_model("intake", "Subscriber")
    pks = []
    for n in (1, 2):
        row = subscriber.objects.create(
            email=f"reader{n}@example.org", consent_text="Send it to me.",
            unsubscribe_token_hash=f"placeholder-{n}",
        )  # fmt: skip
        row.unsubscribe_token_hash = _stored_hash(row.pk)
        row.save()
        pks.append(row.pk)
    yield pks
    _migrate()  # the newest schema again, for the tests that follow


def test_it_keeps_every_subscriber_and_the_links_already_mailed(old_subscribers) -> None:
    _migrate(AFTER)
    assert sorted(Subscriber.objects.values_list("pk", "email")) == [
        (old_subscribers[0], "reader1@example.org"),
        (old_subscribers[1], "reader2@example.org"),
    ]
    url = reverse("intake:newsletter-unsubscribe", args=[_mailed_link(old_subscribers[0])])
    assert Client().post(url).status_code == 200
    assert Subscriber.objects.get(pk=old_subscribers[0]).unsubscribed_at is not None


def test_it_goes_back(old_subscribers) -> None:
    _migrate(AFTER)
    apps = _migrate(BEFORE)
    rows = apps.get_model("intake", "Subscriber").objects.order_by("pk")
    assert [(r.pk, r.unsubscribe_token_hash) for r in rows] == [
        (pk, _stored_hash(pk)) for pk in old_subscribers
    ]
