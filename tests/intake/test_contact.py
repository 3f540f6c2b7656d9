"""The contact form: messages are kept in Cellpath (audited) and coordinators are told, without
the message, that one arrived."""

from __future__ import annotations

from django.core import mail
from django.test import Client

from cellpath.accounts.models import AuditEvent
from cellpath.intake.models import ContactMessage
from tests.intake.conftest import csrf_post
from tests.programmes.kit import make_programme, trial_data

URL = "/contact/"
HEALTH = "My FVC is 62 % since March. Could I still join the trial?"


def _send(client: Client, programme=None, **data):
    return csrf_post(
        client,
        URL,
        {
            "name": "Pat Sender",
            "email": "pat@example.org",
            "programme": programme.pk if programme else "",
            "message": HEALTH,
            "consent_contact": "on",
            **data,
        },
    )


def test_it_keeps_the_message_and_tells_the_coordinators_without_the_text(
    world, django_capture_on_commit_callbacks
) -> None:
    programme = make_programme(world.site_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(Client(enforce_csrf_checks=True), programme)
    assert response.status_code == 302 and response.url == "/contact/sent/"
    message = ContactMessage.objects.get()
    assert (message.programme, message.site) == (programme, world.site_a)
    assert (message.name, message.email, message.message) == (
        "Pat Sender",
        "pat@example.org",
        HEALTH,
    )
    assert message.consent_contact is True
    event = AuditEvent.objects.get(object_type="intake.contactmessage")
    assert event.site_id == world.site_a.pk and event.actor_label == "public contact form"
    assert event.changes["email"]["new"] == "***"
    [notice] = mail.outbox
    assert notice.to == [world.users["coordinator_a"].email]
    assert "Good trial" in notice.body
    assert "Please sign in to Cellpath to read it" in notice.body
    for private in ("FVC", "62 %", "Pat Sender", "pat@example.org"):
        assert private not in notice.body and private not in notice.subject
    page = Client().get(response.url).content.decode()
    assert "We have received your message" in page


def test_a_message_about_no_programme_is_kept_without_a_site_and_every_coordinator_told(
    world, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert _send(Client(enforce_csrf_checks=True)).status_code == 302
    message = ContactMessage.objects.get()
    assert message.programme is None and message.site is None
    told = sorted(address for notice in mail.outbox for address in notice.to)
    assert told == sorted([world.users["coordinator_a"].email, world.users["coordinator_b"].email])
    assert all(HEALTH not in notice.body for notice in mail.outbox)


def test_the_same_message_twice_is_kept_once_and_thanked_the_same(
    world, django_capture_on_commit_callbacks
) -> None:
    programme = make_programme(world.site_a)
    client = Client(enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        first = _send(client, programme)
        second = _send(client, programme, email="PAT@example.org", message=f"  {HEALTH}\n")
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert ContactMessage.objects.count() == 1
    assert len(mail.outbox) == 1
    assert _send(client, programme, message="Another question").status_code == 302
    assert ContactMessage.objects.count() == 2


def test_it_chooses_the_programme_from_the_link(world) -> None:
    programme = make_programme(world.site_a)
    make_programme(world.site_a, trial_data(slug="hidden", name="Hidden trial", published=False))
    response = Client().get(URL, {"programme": "good-trial"})
    page = response.content.decode()
    assert response.status_code == 200
    label = "Good trial — Clinical trial · free · no warning signs found"
    assert f'<option value="{programme.pk}" selected>{label}</option>' in page
    assert "Hidden trial" not in page
    assert "You may reply to me by e-mail." in page
    assert 'name="website"' in page
    assert Client().get(URL, {"programme": "no-such"}).status_code == 200


def test_a_bot_filling_the_hidden_field_is_thanked_and_nothing_is_kept(
    world, django_capture_on_commit_callbacks
) -> None:
    programme = make_programme(world.site_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(Client(enforce_csrf_checks=True), programme, website="spam")
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert not ContactMessage.objects.exists()
    assert not mail.outbox


def test_it_explains_mistakes_beside_the_fields_and_keeps_what_was_typed(world) -> None:
    client = Client(enforce_csrf_checks=True)
    response = csrf_post(client, URL, {"name": "", "email": "pat@", "message": "  "})
    page = response.content.decode()
    assert response.status_code == 200
    for error in (
        "Enter your name.",
        "Enter an e-mail address like name@example.org.",
        "Write your message.",
        "We can only answer if we may reply to you by e-mail.",
    ):
        assert error in page
    assert 'value="pat@"' in page
    response = _send(client, message="x" * 4001, programme=None, consent_contact="")
    page = response.content.decode()
    assert "Please shorten your message to 4,000 characters (it has 4001)." in page
    assert "x" * 4001 in page
    assert 'value="Pat Sender"' in page
    response = csrf_post(client, URL, {"name": "Pat", "email": "pat@example.org",
                                       "message": "Hello", "consent_contact": "on",
                                       "programme": "abc"})  # fmt: skip
    assert "Choose a programme from the list, or none." in response.content.decode()
    assert not ContactMessage.objects.exists()


def test_too_many_messages_from_one_email_get_a_429(world) -> None:
    client = Client(enforce_csrf_checks=True)
    for n in range(5):
        assert _send(client, message=f"Question {n}").status_code == 302
    response = _send(client, message="Question 6")
    assert response.status_code == 429
    assert "Please wait a little" in response.content.decode()
    assert ContactMessage.objects.count() == 5


def test_too_many_messages_from_one_address_get_a_429(world) -> None:
    client = Client(enforce_csrf_checks=True)
    for n in range(10):
        assert _send(client, email=f"p{n}@example.org").status_code == 302
    assert _send(client, email="other@example.org").status_code == 429
    assert ContactMessage.objects.count() == 10
