"""Coordinators read contact-form messages about their sites' programmes and general ones."""

from __future__ import annotations

from django.urls import reverse

from cellpath.accounts.audit import audited_save
from cellpath.accounts.models import AuditEvent
from cellpath.intake.models import ContactMessage
from tests.programmes.kit import make_programme


def _message(site=None, programme=None, text="When is the next intake?") -> ContactMessage:
    return audited_save(
        ContactMessage(site=site, programme=programme, name="Kim Asker", email="kim@example.org",
                       message=text, consent_contact=True),
        actor="test",
    )  # fmt: skip


def post(client, url: str, data: dict):
    client.get(reverse("home"))
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_a_coordinator_reads_their_sites_and_general_messages(world, client_for) -> None:
    programme = make_programme(world.site_a)
    _message(world.site_a, programme, "About the Riverside trial")
    _message(None, None, "A general question")
    _message(world.site_b, None, "For site B only")
    page = client_for("coordinator_a").get(reverse("intake:inbox")).content.decode()
    assert "About the Riverside trial" in page and "A general question" in page
    assert "For site B only" not in page
    assert AuditEvent.objects.filter(action="list", actor=world.users["coordinator_a"]).exists()


def test_marking_a_message_answered(world, client_for) -> None:
    message = _message(world.site_a)
    client = client_for("coordinator_a")
    assert post(client, reverse("intake:inbox"), {"message": message.pk}).status_code == 302
    message.refresh_from_db()
    assert message.handled_at is not None
    other = _message(world.site_b)
    assert post(client, reverse("intake:inbox"), {"message": other.pk}).status_code == 404
