"""The newsletter: double opt-in, one-click unsubscribe without signing in, consent record,
an audited export of the active list for a mailing service."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cellpath.accounts.models import AuditEvent
from cellpath.intake.forms.apply import AboutForm
from cellpath.intake.models import Application, Subscriber
from cellpath.intake.newsletter.forms import CONSENT_TEXT
from cellpath.intake.newsletter.services import (
    active_subscribers,
    newsletter_confirm,
    newsletter_from_application,
    newsletter_subscribe,
    newsletter_unsubscribe,
    unsubscribe_link,
    unsubscribe_token,
)
from tests.intake.conftest import csrf_post

pytestmark = pytest.mark.django_db
SIGN_UP = {"email": "Reader@Example.org", "consent": "on"}


@pytest.fixture
def client() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the after-commit e-mails of whatever the test does inside `with sent():`."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _sign_up(client: Client, **data: str):
    return csrf_post(client, reverse("intake:newsletter"), {**SIGN_UP, **data})


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def _links(message) -> tuple[str, str]:
    confirm = re.search(r"https?://\S+/newsletter/confirm/\S+/", message.body).group(0)
    unsubscribe = re.search(r"https?://\S+/newsletter/unsubscribe/\S+/", message.body).group(0)
    return _path(confirm), _path(unsubscribe)


def _subscribed(email: str = "reader@example.org") -> Subscriber:
    newsletter_confirm(newsletter_subscribe(email=email, consent_text="Send it to me."))
    return Subscriber.objects.get(email=email)


# --- subscribing ---------------------------------------------------------------------------------


def test_it_sends_one_confirmation_mail_with_both_links_and_one_click_headers(client, sent) -> None:
    with sent():
        response = _sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:newsletter-check")
    page = client.get(response["Location"]).content.decode()
    assert "Check your inbox" in page
    [message] = mail.outbox
    assert message.to == ["reader@example.org"]
    confirm, unsubscribe = _links(message)
    subscriber = Subscriber.objects.get()
    assert unsubscribe == _path(unsubscribe_link(subscriber))
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_link(subscriber)}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in message.message().as_string()
    token = confirm.rstrip("/").rsplit("/", 1)[1]
    assert token not in subscriber.confirm_token_hash  # only the hash is kept
    assert len(subscriber.confirm_token_hash) == 64


def test_it_records_the_consent_text_time_and_address(client) -> None:
    _sign_up(client)
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "reader@example.org"  # lower-cased
    assert subscriber.consent_text == CONSENT_TEXT
    assert subscriber.consent_ip == "127.0.0.1"
    assert timezone.now() - subscriber.consented_at < timedelta(minutes=1)
    assert not subscriber.active


def test_it_asks_for_consent_and_a_valid_address(client) -> None:
    response = csrf_post(client, reverse("intake:newsletter"), {"email": "not an address"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tick this box to subscribe." in page
    assert "Enter an e-mail address like name@example.org." in page
    assert not Subscriber.objects.exists()


def test_it_shows_the_consent_text_on_the_form(client) -> None:
    page = client.get(reverse("intake:newsletter")).content.decode()
    assert "Send me Cellpath&#x27;s newsletter about ALS research by e-mail." in page
    assert 'autocomplete="email"' in page
    assert "style=" not in page and "<script" not in page


# --- confirming ----------------------------------------------------------------------------------


def test_it_is_not_active_until_the_button_is_pressed(client, sent) -> None:
    with sent():
        _sign_up(client)
    confirm, _ = _links(mail.outbox[0])
    later = Client(enforce_csrf_checks=True)  # another browser, as when opening the mail
    page = later.get(confirm).content.decode()
    assert "Confirm my subscription" in page
    assert not Subscriber.objects.get().active  # a mail scanner's GET confirms nothing
    assert not active_subscribers().exists()
    response = csrf_post(later, confirm, {})
    assert response.status_code == 200
    assert "You are subscribed" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.active
    first = subscriber.confirmed_at
    # a second click is harmless
    response = csrf_post(later, confirm, {})
    assert "You are subscribed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at == first
    assert list(active_subscribers()) == [subscriber]


def test_it_refuses_a_confirmation_link_older_than_seven_days(client, sent) -> None:
    with sent():
        _sign_up(client)
    confirm, _ = _links(mail.outbox[0])
    Subscriber.objects.update(consented_at=timezone.now() - timedelta(days=7, minutes=1))
    response = client.get(confirm)
    assert response.status_code == 404
    page = response.content.decode()
    assert "This link does not work" in page and reverse("intake:newsletter") in page
    token = confirm.rstrip("/").rsplit("/", 1)[1]
    assert newsletter_confirm(token) is None
    assert not Subscriber.objects.get().active


def test_it_confirms_within_seven_days() -> None:
    token = newsletter_subscribe(email="reader@example.org", consent_text="Send it to me.")
    Subscriber.objects.update(consented_at=timezone.now() - timedelta(days=6, hours=23))
    assert newsletter_confirm(token).active


def test_it_sends_nothing_to_an_address_already_subscribed_and_says_the_same(client, sent) -> None:
    with sent():
        first = _sign_up(client, email="someone@example.org")
    first_page = client.get(first["Location"]).content
    _subscribed("reader@example.org")
    before = Subscriber.objects.values().get(email="reader@example.org")
    mail.outbox.clear()
    with sent():
        second = _sign_up(client, email="READER@example.org")
    assert second.status_code == first.status_code
    assert second["Location"] == first["Location"]
    assert client.get(second["Location"]).content == first_page
    assert mail.outbox == []
    assert Subscriber.objects.values().get(email="reader@example.org") == before
    assert newsletter_subscribe(email="reader@example.org", consent_text="Again") is None


def test_it_sends_a_fresh_link_to_an_address_not_yet_confirmed(client, sent) -> None:
    with sent():
        _sign_up(client)
        _sign_up(client)
    assert len(mail.outbox) == 2
    old, _ = _links(mail.outbox[0])
    new, _ = _links(mail.outbox[1])
    assert old != new
    assert client.get(old).status_code == 404  # only the latest link works
    assert client.get(new).status_code == 200


# --- unsubscribing -------------------------------------------------------------------------------


def test_it_unsubscribes_in_one_click_from_a_mail_client_without_a_csrf_cookie(sent) -> None:
    subscriber = _subscribed()
    url = _path(unsubscribe_link(subscriber))
    mail_client = Client(enforce_csrf_checks=True)  # no cookie, no token: as RFC 8058 says
    response = mail_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None and not subscriber.active
    assert not active_subscribers().exists()
    # clicking again, or opening the page later, says the same
    when = subscriber.unsubscribed_at
    assert "You are unsubscribed" in mail_client.post(url).content.decode()
    assert "You are unsubscribed" in mail_client.get(url).content.decode()
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at == when


def test_it_only_shows_a_button_on_get_of_the_unsubscribe_link() -> None:
    subscriber = _subscribed()
    page = Client().get(_path(unsubscribe_link(subscriber))).content.decode()
    assert '<button type="submit" class="button">Unsubscribe</button>' in page
    subscriber.refresh_from_db()
    assert subscriber.active


def test_it_lets_someone_subscribe_again_after_unsubscribing(client, sent) -> None:
    subscriber = _subscribed()
    old_confirm = Subscriber.objects.get().confirm_token_hash
    assert newsletter_unsubscribe(unsubscribe_token(subscriber)) == subscriber
    assert Subscriber.objects.get().confirm_token_hash == ""  # old confirm links stop working
    assert old_confirm
    with sent():
        _sign_up(client)
    [message] = mail.outbox
    confirm, unsubscribe = _links(message)
    assert unsubscribe == _path(unsubscribe_link(subscriber))  # the same link as before
    assert not Subscriber.objects.get().active  # still off until confirmed
    csrf_post(client, confirm, {})
    subscriber.refresh_from_db()
    assert subscriber.active and subscriber.unsubscribed_at is None
    assert subscriber.consent_text == CONSENT_TEXT


@pytest.mark.parametrize("kind", ["confirm", "unsubscribe"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_answers_unknown_links_with_a_friendly_404(kind, method) -> None:
    _subscribed()
    good = unsubscribe_token(Subscriber.objects.get())
    for token in ("nonsense", good[:-2] + "xx", "999:" + good.split(":")[1]):
        url = reverse(f"intake:newsletter-{kind}", args=[token])
        client = Client()  # the CSRF check is off: the link itself must be refused
        response = getattr(client, method)(url)
        assert response.status_code == 404
        page = response.content.decode()
        assert "This link does not work" in page
        assert reverse("intake:newsletter") in page or kind == "unsubscribe"
    assert Subscriber.objects.get().active


def test_it_does_not_accept_a_forged_unsubscribe_token() -> None:
    subscriber = _subscribed()
    other = _subscribed("other@example.org")
    forged = unsubscribe_token(subscriber).replace(str(subscriber.pk), str(other.pk), 1)
    assert newsletter_unsubscribe(forged) is None
    assert newsletter_unsubscribe("") is None
    other.refresh_from_db()
    assert other.active


# --- abuse ---------------------------------------------------------------------------------------


def test_it_thanks_a_bot_filling_the_hidden_field_and_keeps_nothing(client, sent) -> None:
    with sent():
        response = _sign_up(client, website="http://spam.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:newsletter-check")
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_it_limits_sign_ups_per_email_address(client, sent) -> None:
    with sent():
        for _ in range(3):
            assert _sign_up(client).status_code == 302
        response = _sign_up(client, email="READER@example.org")
    assert response.status_code == 429
    assert "Please wait a little" in response.content.decode()
    assert len(mail.outbox) == 3


def test_it_limits_sign_ups_per_internet_address(client) -> None:
    for n in range(10):
        assert _sign_up(client, email=f"person{n}@example.org").status_code == 302
    assert _sign_up(client, email="another@example.org").status_code == 429
    assert not Subscriber.objects.filter(email="another@example.org").exists()


# --- the application form ------------------------------------------------------------------------


def test_it_starts_the_double_opt_in_for_an_applicant_who_ticked_the_box(sent) -> None:
    application = Application(email="Applicant@Example.org", consent_newsletter=True)
    with sent():
        token = newsletter_from_application(application)
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "applicant@example.org"
    assert subscriber.consent_text == AboutForm.base_fields["consent_newsletter"].label
    assert not subscriber.active
    [message] = mail.outbox
    assert reverse("intake:newsletter-confirm", args=[token]) in message.body
    assert "List-Unsubscribe" in message.extra_headers


def test_it_does_nothing_for_an_applicant_who_did_not_tick_the_box(sent) -> None:
    with sent():
        result = newsletter_from_application(Application(email="a@example.org"))
    assert result is None
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


# --- export --------------------------------------------------------------------------------------


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("actor", ["administrator_a", "superuser"])
def test_it_exports_only_active_subscribers_for_administrators(actor, client_for) -> None:
    active = _subscribed("active@example.org")
    newsletter_subscribe(email="pending@example.org", consent_text="Send it to me.")
    gone = _subscribed("gone@example.org")
    newsletter_unsubscribe(unsubscribe_token(gone))
    response = client_for(actor).get(reverse("intake:newsletter-export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = _rows(response)
    assert rows[0] == ["email", "consented_at", "confirmed_at", "consent_text"]
    assert rows[1:] == [
        [
            "active@example.org",
            active.consented_at.isoformat(),
            active.confirmed_at.isoformat(),
            "Send it to me.",
        ]
    ]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.object_type == "intake.subscriber"
    assert event.detail["count"] == 1
    assert "active@example.org" not in str(event.detail)


def test_it_neutralises_spreadsheet_formulas_in_the_export(client_for) -> None:
    for email, text in (
        ("-one@example.org", '=HYPERLINK("http://evil.example")'),
        ("+two@example.org", "@SUM(A1)"),
        ("three@example.org", "-1+2"),
    ):
        newsletter_confirm(newsletter_subscribe(email=email, consent_text=text))
    rows = _rows(client_for("administrator_a").get(reverse("intake:newsletter-export")))
    cells = [cell for row in rows[1:] for cell in (row[0], row[3])]
    assert "'-one@example.org" in cells and "'+two@example.org" in cells
    assert '\'=HYPERLINK("http://evil.example")' in cells
    assert "'@SUM(A1)" in cells and "'-1+2" in cells
    assert "three@example.org" in cells


@pytest.mark.parametrize("actor", ["coordinator_a", "patient_a", "editor", "clinician_a"])
def test_it_refuses_the_export_to_other_roles(actor, client_for) -> None:
    _subscribed()
    response = client_for(actor).get(reverse("intake:newsletter-export"))
    assert response.status_code == 403
    assert "reader@example.org" not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_it_sends_anonymous_visitors_of_the_export_to_sign_in(world) -> None:
    response = Client().get(reverse("intake:newsletter-export"))
    assert response.status_code == 302
    assert reverse("accounts:sign-in") in response["Location"]
