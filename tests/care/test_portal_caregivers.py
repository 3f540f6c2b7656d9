"""Caregivers: a patient invites someone by e-mail; once they accept with their own sign-in
they can see the schedule, answer the ALSFRS-R and post updates for that patient — nothing more,
and only until the patient ends their access."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cellpath.accounts.models import AuditEvent, User
from cellpath.accounts.roles import Role
from cellpath.care import services
from cellpath.care.models import AlsfrsR, CaregiverLink, PatientUpdate
from cellpath.care.queries import patients_visible_to
from cellpath.care.services.permissions import require_staff_or_self
from cellpath.care.services.portal import (
    caregiver_accept,
    caregiver_invite,
    caregiver_revoke,
    erasure_request_create,
    erasure_request_decide,
)
from tests.conftest import sign_in
from tests.factories import UserFactory

STRONG = "lantern orchard gravel 42"


def post(client, url: str, data: dict | None = None):
    """POST as a browser would, with the CSRF token of a page it was shown."""
    for page in (url, reverse("home")):
        if "csrftoken" not in client.cookies:
            client.get(page)
    token = client.cookies["csrftoken"].value
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": token})


def invite(world, email: str = "carer@example.org") -> str:
    """The patient invites; returns the token of the link in the e-mail."""
    tokens: list[str] = []
    caregiver_invite(
        actor=world.users["patient_a"],
        patient=world.patient_a,
        email=email,
        accept_url=lambda token: tokens.append(token) or f"https://x/{token}",
    )
    return tokens[0]


def caregiver(world) -> User:
    """Someone with a sign-in who accepted patient A's invitation."""
    token = invite(world)
    user = UserFactory(email="carer@example.org")
    caregiver_accept(actor=user, token=token)
    return user


def client_of(user: User) -> Client:
    return sign_in(Client(enforce_csrf_checks=True), user, mfa=False)


def test_a_patient_invites_by_e_mail_and_sees_the_invitation(
    world, client_for, django_capture_on_commit_callbacks
) -> None:
    client = client_for("patient_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, reverse("care:portal-caregivers"), {"email": "Carer@Example.org"})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["carer@example.org"] and "Ada Example invited you" in message.body
    link = re.search(r"http://testserver(/patients/caregiver/[^/\s]+/)", message.body).group(1)
    stored = CaregiverLink.objects.get(patient=world.patient_a)
    assert link.split("/")[-2] not in stored.token_hash  # only a hash of the token is kept
    page = client.get(reverse("care:portal-caregivers")).content.decode()
    assert "carer@example.org" in page and "not accepted yet" in page
    event = AuditEvent.objects.get(action="create", object_type="care.caregiverlink")
    assert event.changes["token_hash"]["new"] == "***"


def test_an_invited_person_creates_a_sign_in_and_helps_with_the_questionnaire(
    world, client_for
) -> None:
    token = invite(world)
    client = Client(enforce_csrf_checks=True)
    url = reverse("care:caregiver-accept", args=[token])
    page = client.get(url).content.decode()
    assert "Create your sign-in" in page and "carer@example.org" in page
    assert "Ada Example" not in page  # the patient's name is not shown to a bare link
    response = post(
        client, url, {"full_name": "Cara", "password": "short", "password_again": "short"}
    )
    assert "at least 12 characters" in response.content.decode()
    data = {"full_name": "Cara Example", "password": STRONG, "password_again": STRONG}
    assert post(client, url, data)["Location"] == reverse("home")
    home = client.get(reverse("home")).content.decode()
    assert "You help <strong>Ada Example</strong>" in home
    assert client.get(reverse("care:portal-schedule")).status_code == 200
    for step in range(1, 13):
        post(
            client, reverse("care:portal-alsfrs-question", args=[step]), {"answer": 4, "go": "next"}
        )
    post(client, reverse("care:portal-alsfrs-review"))
    carer = User.objects.get(email="carer@example.org")
    saved = AlsfrsR.objects.get(patient=world.patient_a)
    assert (saved.respondent, saved.entered_by) == ("self", carer)
    post(client, reverse("care:portal-updates"), {"text": "Ada slept better this week."})
    assert PatientUpdate.objects.get(patient=world.patient_a).entered_by == carer
    page = client_for("patient_a").get(reverse("care:portal-updates")).content.decode()
    assert "written by a caregiver" in page
    # The invitation cannot be used twice.
    assert Client().get(url).status_code == 404


def test_someone_with_a_sign_in_signs_in_then_accepts(world) -> None:
    token = invite(world)
    url = reverse("care:caregiver-accept", args=[token])
    UserFactory(email="carer@example.org")
    page = Client().get(url).content.decode()
    assert "Sign in to accept" in page and f"?next={url}" in page.replace("%2F", "/")
    client = client_of(User.objects.get(email="carer@example.org"))
    assert post(client, url)["Location"] == reverse("home")
    assert set(patients_visible_to(User.objects.get(email="carer@example.org"))) == {
        world.patient_a
    }


def test_another_sign_in_cannot_take_the_invitation(world) -> None:
    token = invite(world)
    intruder = UserFactory(email="someone.else@example.org")
    client = client_of(intruder)
    url = reverse("care:caregiver-accept", args=[token])
    assert "this invitation was sent to carer@example.org" in client.get(url).content.decode()
    post(client, url)
    assert CaregiverLink.objects.get().accepted_at is None
    with pytest.raises(PermissionDenied):
        caregiver_accept(actor=intruder, token=token)


def test_a_caregiver_sees_only_that_patient_and_not_their_own_rights(world) -> None:
    carer = caregiver(world)
    assert set(patients_visible_to(carer)) == {world.patient_a}
    client = client_of(carer)
    for name in ("portal-data", "portal-data-json", "portal-erasure", "portal-caregivers"):
        response = client.get(reverse(f"care:{name}"))
        assert response.status_code == 403, name
    assert (
        "Only Ada Example can do this" in client.get(reverse("care:portal-data")).content.decode()
    )
    other = client.get(reverse("care:patient-detail", args=[world.patient_b.pk]))
    assert other.status_code == 404
    with pytest.raises(PermissionDenied):
        services.update_post(
            actor=carer, patient=world.patient_b, written_on=timezone.localdate(), text="x"
        )


def test_ending_access_takes_effect_at_once(world, client_for) -> None:
    carer = caregiver(world)
    client = client_of(carer)
    assert client.get(reverse("care:portal-schedule")).status_code == 200
    link = CaregiverLink.objects.get()
    patient_client = client_for("patient_a")
    post(patient_client, reverse("care:portal-caregivers"), {"revoke": link.pk})
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert (
        "Your record is not linked yet"
        in client.get(reverse("care:portal-schedule")).content.decode()
    )
    assert set(patients_visible_to(carer)) == set()
    with pytest.raises(PermissionDenied):
        require_staff_or_self(carer, world.patient_a)


def test_a_pending_or_lapsed_invitation_opens_nothing(world) -> None:
    token = invite(world)
    link = CaregiverLink.objects.get()
    carer = UserFactory(email="carer@example.org", memberships=[(world.site_a, Role.PATIENT)])
    with pytest.raises(PermissionDenied):
        require_staff_or_self(carer, world.patient_a)  # invited, not accepted
    assert set(patients_visible_to(carer)) == set()
    later = timezone.now() + timedelta(days=CaregiverLink.INVITATION_DAYS + 1)
    assert link.expired(later)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert Client().get(reverse("care:caregiver-accept", args=[token])).status_code == 404
        invite(world)  # a lapsed invitation can be sent again
    assert CaregiverLink.objects.filter(revoked_at__isnull=True).count() == 1


def test_only_the_patient_invites_and_erasure_ends_every_caregivers_access(world) -> None:
    carer = caregiver(world)
    with pytest.raises(PermissionDenied):
        caregiver_invite(
            actor=carer, patient=world.patient_a, email="x@example.org", accept_url=str
        )
    with pytest.raises(PermissionDenied):
        caregiver_revoke(actor=world.users["coordinator_b"], link=CaregiverLink.objects.get())
    request = erasure_request_create(actor=world.users["patient_a"], patient=world.patient_a)
    erasure_request_decide(actor=world.users["coordinator_a"], request=request, approve=True)
    assert set(patients_visible_to(carer)) == set()


def test_a_caregiver_of_two_patients_switches_between_them(world) -> None:
    carer = caregiver(world)
    tokens: list[str] = []
    caregiver_invite(
        actor=world.users["patient_b"],
        patient=world.patient_b,
        email=carer.email,
        accept_url=lambda token: tokens.append(token) or token,
    )
    caregiver_accept(actor=carer, token=tokens[0])
    client = client_of(carer)
    home = client.get(reverse("home")).content.decode()
    assert "You help <strong>Ada Example</strong>" in home and "Help Bo Example" in home
    post(client, reverse("care:portal-switch"), {"patient": world.patient_b.pk})
    assert "You help <strong>Bo Example</strong>" in client.get(reverse("home")).content.decode()
    response = post(client, reverse("care:portal-switch"), {"patient": 999999})
    assert response.status_code == 404


def test_a_patient_who_also_cares_for_someone_keeps_their_own_rights(world, client_for) -> None:
    tokens: list[str] = []
    caregiver_invite(
        actor=world.users["patient_b"],
        patient=world.patient_b,
        email="patient.a@example.org",
        accept_url=lambda token: tokens.append(token) or token,
    )
    caregiver_accept(actor=world.users["patient_a"], token=tokens[0])
    client = client_for("patient_a")
    post(client, reverse("care:portal-switch"), {"patient": world.patient_b.pk})
    assert "Bo Example" in client.get(reverse("care:portal-schedule")).content.decode()
    data = client.get(reverse("care:portal-data-json")).json()
    assert data["study_id"] == world.patient_a.study_id
