"""Administrators manage the people of their own sites in the app (issue 19): invite staff with a
signed set-password link, add and remove roles, deactivate and reactivate accounts, reset an
authenticator; every write is audited without names or e-mails; caregivers read as caregivers."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cellpath.accounts import mfa, services
from cellpath.accounts.models import AuditEvent, Membership, TOTPDevice, User
from cellpath.accounts.queries import people_list, person_get
from cellpath.accounts.roles import Role
from cellpath.care.services.portal import caregiver_accept, caregiver_invite
from tests.conftest import sign_in
from tests.factories import PASSWORD, UserFactory

PEOPLE = reverse("accounts:people")
INVITE = reverse("accounts:people-invite")


def _post(client: Client, url: str, data: dict | None = None, *, page: str = PEOPLE):
    """POST as a browser does: with the CSRF token that a page with a form set."""
    client.get(page)
    token = client.cookies["csrftoken"].value
    return client.post(url, {"csrfmiddlewaretoken": token, **(data or {})})


def _identities_absent(event: AuditEvent, *identities: str) -> None:
    text = f"{event.object_label} {event.changes} {event.detail}"
    for identity in identities:
        assert identity not in text, f"{identity!r} written in clear into {event.action}"


def _caregiver(world) -> User:
    """Someone patient A invited as caregiver, who accepted (and so holds the patient role)."""
    tokens: list[str] = []
    caregiver_invite(
        actor=world.users["patient_a"],
        patient=world.patient_a,
        email="carer.a@example.org",
        accept_url=lambda token: tokens.append(token) or f"/c/{token}/",
    )
    user = UserFactory(email="carer.a@example.org", full_name="Cara Carer")
    caregiver_accept(actor=user, token=tokens[0])
    return user


# --- the people page ------------------------------------------------------------------------


def test_the_people_page_lists_only_the_administrators_sites(world, client_for) -> None:
    html = client_for("administrator_a").get(PEOPLE).content.decode()
    assert "clinician.a@example.org" in html
    assert "Clinician at Site A" in html
    assert "clinician.b@example.org" not in html
    assert "Site B" not in html
    assert "Not set up" in html and "Active" in html


def test_a_caregiver_is_labelled_caregiver_not_patient(world, client_for) -> None:
    carer = _caregiver(world)
    people = {p.user.pk: p for p in people_list(user=world.users["administrator_a"])}
    assert [m.role_label for m in people[carer.pk].memberships] == ["Caregiver"]
    assert [m.role_label for m in people[world.users["patient_a"].pk].memberships] == ["Patient"]
    html = client_for("administrator_a").get(PEOPLE).content.decode()
    row = re.search(r"<tr>(?:(?!</tr>).)*carer\.a@example\.org.*?</tr>", html, re.S).group(0)
    assert "Caregiver at Site A" in row and "Patient" not in row
    members = client_for("administrator_a").get(
        reverse("accounts:site-members", args=[world.site_a.pk])
    )
    assert "Caregiver" in members.content.decode()


def test_an_ended_caregiver_access_says_so(world) -> None:
    from cellpath.care.models import CaregiverLink
    from cellpath.care.services.portal import caregiver_revoke

    carer = _caregiver(world)
    caregiver_revoke(actor=world.users["patient_a"], link=CaregiverLink.objects.get(user=carer))
    person = person_get(user=world.users["administrator_a"], pk=carer.pk)
    assert [m.role_label for m in person.memberships] == ["Caregiver (access ended)"]


def test_another_sites_account_is_not_found(world, client_for) -> None:
    client = client_for("administrator_a")
    other = world.users["clinician_b"]
    assert client.get(reverse("accounts:person", args=[other.pk])).status_code == 404
    response = _post(client, reverse("accounts:person-active", args=[other.pk]), {"active": "0"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.is_active


# --- invitations ----------------------------------------------------------------------------


def test_an_invitation_sends_a_link_that_sets_a_password(
    world, client_for, django_capture_on_commit_callbacks
) -> None:
    admin = client_for("administrator_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            admin,
            INVITE,
            {
                "email": "New.Person@Example.org",
                "full_name": "Nina New",
                "site": world.site_a.pk,
                "role": Role.CLINICIAN,
            },
            page=INVITE,
        )
    invited = User.objects.get(email="new.person@example.org")
    assert response.status_code == 302
    assert response.url == reverse("accounts:person", args=[invited.pk])
    assert not invited.has_usable_password()
    assert Membership.objects.filter(user=invited, site=world.site_a, role="clinician").exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.person@example.org"]
    link = re.search(r"https?://[^/]+(/accounts/invitation/\S+)", mail.outbox[0].body).group(1)

    visitor = Client(enforce_csrf_checks=True)
    form_page = visitor.get(link, follow=True)
    assert "Choose your password" in form_page.content.decode()
    new = "a long enough passphrase here"
    done = visitor.post(
        form_page.redirect_chain[-1][0],
        {
            "csrfmiddlewaretoken": visitor.cookies["csrftoken"].value,
            "new_password1": new,
            "new_password2": new,
        },
    )
    assert done.status_code == 302 and done.url == reverse("accounts:sign-in")
    invited.refresh_from_db()
    assert invited.check_password(new)
    # the link works once: the password it was signed with has changed
    assert "expired or was already used" in Client().get(link, follow=True).content.decode()

    for action in ("create", "role_granted", "invitation_sent"):
        event = AuditEvent.objects.get(action=action, object_label__startswith=f"user {invited.pk}")
        assert event.actor == world.users["administrator_a"] and event.site == world.site_a
        _identities_absent(event, "new.person@example.org", "Nina New")
    assert AuditEvent.objects.filter(
        action="password_changed", actor=invited, detail__via="invitation"
    ).exists()


def test_an_existing_account_is_reused_and_told_of_its_role(
    world, django_capture_on_commit_callbacks
) -> None:
    clinician_b = world.users["clinician_b"]
    with django_capture_on_commit_callbacks(execute=True):
        user, created = services.staff_invite(
            actor=world.users["administrator_a"],
            email="CLINICIAN.B@example.org",
            site=world.site_a,
            role=Role.COORDINATOR,
        )
    assert user == clinician_b and not created
    assert "/accounts/invitation/" not in mail.outbox[0].body  # they have a password
    assert "coordinator role at Site A" in mail.outbox[0].body
    clinician_b.refresh_from_db()
    assert clinician_b.has_usable_password()


def test_the_invite_form_offers_staff_roles_and_own_sites_only(world, client_for) -> None:
    html = client_for("administrator_a").get(INVITE).content.decode()
    assert 'value="clinician"' in html and 'value="editor"' in html
    assert 'value="patient"' not in html
    assert "Site B" not in html
    admin = client_for("administrator_a")
    for data in (
        {"email": "x@example.org", "site": world.site_b.pk, "role": "clinician"},
        {"email": "x@example.org", "site": world.site_a.pk, "role": "patient"},
        {"email": "x@example.org", "site": world.site_a.pk, "role": "superuser"},
        {"email": "not an address", "site": world.site_a.pk, "role": "clinician"},
        {"email": "x@example.org" + "x" * 300, "site": world.site_a.pk, "role": "clinician"},
        {"email": "x@example.org", "site": "nope", "role": "clinician"},
    ):
        response = _post(admin, INVITE, data, page=INVITE)
        assert response.status_code == 200, data
        assert 'class="error"' in response.content.decode(), data
    assert not User.objects.filter(email__startswith="x@example.org").exists()


def test_the_service_refuses_patients_other_sites_and_superusers(world) -> None:
    admin = world.users["administrator_a"]
    with pytest.raises(ValidationError):
        services.staff_invite(actor=admin, email="p@example.org", site=world.site_a, role="patient")
    with pytest.raises(PermissionDenied):
        services.staff_invite(actor=admin, email="p@example.org", site=world.site_b, role="editor")
    assert not User.objects.filter(email="p@example.org").exists()
    assert not User.objects.filter(is_superuser=True).exclude(email="root.admin@example.org")


# --- roles ----------------------------------------------------------------------------------


def test_an_administrator_adds_and_removes_a_role(world, client_for) -> None:
    admin = client_for("administrator_a")
    clinician = world.users["clinician_a"]
    page = reverse("accounts:person", args=[clinician.pk])
    response = _post(
        admin,
        reverse("accounts:person-role-add", args=[clinician.pk]),
        {"site": world.site_a.pk, "role": "coordinator"},
        page=page,
    )
    assert response.status_code == 302
    added = Membership.objects.get(user=clinician, role="coordinator")
    granted = AuditEvent.objects.get(action="role_granted", object_id=str(added.pk))
    assert granted.changes == {"role": {"old": None, "new": "coordinator"}}
    assert granted.detail == {"user": clinician.pk}
    _identities_absent(granted, clinician.email, clinician.full_name)

    response = _post(
        admin,
        reverse("accounts:person-role-remove", args=[clinician.pk, added.pk]),
        page=page,
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=added.pk).exists()
    removed = AuditEvent.objects.get(action="role_removed", object_id=str(added.pk))
    assert removed.site == world.site_a and removed.actor == world.users["administrator_a"]
    # the new role takes effect at the next request: the coordinator pages close again
    assert client_for("clinician_a").get(reverse("intake:queue")).status_code == 403


def test_a_bad_role_or_site_shows_an_error_not_a_500(world, client_for) -> None:
    admin = client_for("administrator_a")
    clinician = world.users["clinician_a"]
    url = reverse("accounts:person-role-add", args=[clinician.pk])
    page = reverse("accounts:person", args=[clinician.pk])
    for data in ({"site": world.site_b.pk, "role": "editor"}, {"site": "x", "role": "patient"}):
        response = _post(admin, url, data, page=page)
        assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert list(clinician.memberships.values_list("role", flat=True)) == ["clinician"]


def test_an_administrator_keeps_their_own_administrator_role(world, client_for) -> None:
    me = world.users["administrator_a"]
    membership = me.memberships.get()
    page = reverse("accounts:person", args=[me.pk])
    assert "Remove this role" not in client_for("administrator_a").get(page).content.decode()
    response = _post(
        client_for("administrator_a"),
        reverse("accounts:person-role-remove", args=[me.pk, membership.pk]),
        page=page,
    )
    assert response.status_code == 302
    assert Membership.objects.filter(pk=membership.pk).exists()
    with pytest.raises(PermissionDenied):
        services.role_remove(actor=me, membership=membership)


def test_patient_roles_are_not_removed_here(world) -> None:
    membership = world.users["patient_a"].memberships.get()
    with pytest.raises(ValidationError):
        services.role_remove(actor=world.users["administrator_a"], membership=membership)


# --- deactivation ---------------------------------------------------------------------------


def test_deactivation_ends_the_session_and_sign_in(world, client_for) -> None:
    clinician = world.users["clinician_a"]
    session = client_for("clinician_a")
    assert session.get(reverse("care:patient-list")).status_code == 200
    response = _post(
        client_for("administrator_a"),
        reverse("accounts:person-active", args=[clinician.pk]),
        {"active": "0"},
        page=reverse("accounts:person", args=[clinician.pk]),
    )
    assert response.status_code == 302
    clinician.refresh_from_db()
    assert not clinician.is_active
    after = session.get(reverse("care:patient-list"))
    assert after.status_code == 302 and after.url.startswith(reverse("accounts:sign-in"))
    signin = Client().post(
        reverse("accounts:sign-in"), {"email": clinician.email, "password": PASSWORD}
    )
    assert signin.status_code == 200  # refused, with the generic message
    event = AuditEvent.objects.get(action="account_deactivated", object_id=str(clinician.pk))
    assert event.changes == {"is_active": {"old": True, "new": False}}
    assert event.detail["sessions_ended"] == 1 and event.site == world.site_a
    _identities_absent(event, clinician.email, clinician.full_name)

    services.account_set_active(actor=world.users["administrator_a"], user=clinician, active=True)
    clinician.refresh_from_db()
    assert clinician.is_active
    assert AuditEvent.objects.filter(action="account_reactivated").count() == 1


def test_an_administrator_cannot_deactivate_themselves(world, client_for) -> None:
    me = world.users["administrator_a"]
    page = client_for("administrator_a").get(reverse("accounts:person", args=[me.pk]))
    assert "Deactivate the account" not in page.content.decode()
    response = _post(
        client_for("administrator_a"),
        reverse("accounts:person-active", args=[me.pk]),
        {"active": "0"},
    )
    assert response.status_code == 302
    me.refresh_from_db()
    assert me.is_active
    assert not AuditEvent.objects.filter(action="account_deactivated").exists()


def test_an_account_with_roles_elsewhere_or_a_superuser_is_out_of_reach(world) -> None:
    admin = world.users["administrator_a"]
    both = UserFactory(
        email="both@example.org",
        memberships=[(world.site_a, Role.CLINICIAN), (world.site_b, Role.CLINICIAN)],
    )
    root = UserFactory(
        email="root2@example.org",
        is_superuser=True,
        memberships=[(world.site_a, Role.CLINICIAN)],
    )
    for target in (both, root):
        with pytest.raises(PermissionDenied):
            services.account_set_active(actor=admin, user=target, active=False)
        with pytest.raises(PermissionDenied):
            services.mfa_reset(actor=admin, user=target)
    page = sign_in(Client(), admin).get(reverse("accounts:person", args=[both.pk]))
    html = page.content.decode()
    assert "Deactivate the account" not in html and "sites you do not administer" in html
    assert "Site B" not in html
    # an installation administrator may
    assert services.account_set_active(actor=world.users["superuser"], user=both, active=False)


# --- authenticator reset --------------------------------------------------------------------


def test_an_authenticator_reset_makes_them_enrol_again(world, client_for) -> None:
    clinician = world.users["clinician_a"]
    TOTPDevice.objects.create(user=clinician, secret=mfa.new_secret(), confirmed_at=timezone.now())
    session = client_for("clinician_a")
    page = reverse("accounts:person", args=[clinician.pk])
    assert "Reset the authenticator" in client_for("administrator_a").get(page).content.decode()
    response = _post(
        client_for("administrator_a"),
        reverse("accounts:person-mfa-reset", args=[clinician.pk]),
        page=page,
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=clinician).exists()
    assert session.get(reverse("care:patient-list")).status_code == 302  # session ended
    event = AuditEvent.objects.get(action="mfa_reset", object_id=str(clinician.pk))
    assert event.detail["sessions_ended"] == 1
    _identities_absent(event, clinician.email, clinician.full_name)
    # signed in again with the password only, they are sent to set up a new authenticator
    fresh = sign_in(Client(), clinician, mfa=False)
    assert fresh.get(reverse("care:patient-list")).url == reverse("accounts:mfa-setup")


def test_an_administrator_cannot_reset_their_own_authenticator(world) -> None:
    me = world.users["administrator_a"]
    TOTPDevice.objects.create(user=me, secret=mfa.new_secret(), confirmed_at=timezone.now())
    with pytest.raises(PermissionDenied):
        services.mfa_reset(actor=me, user=me)
    assert TOTPDevice.objects.filter(user=me).exists()


# --- navigation -----------------------------------------------------------------------------


def test_administrators_reach_the_people_page_from_home_and_the_menu(world, client_for) -> None:
    html = client_for("administrator_a").get(reverse("home")).content.decode()
    assert html.count(f'href="{PEOPLE}"') >= 2
    assert PEOPLE not in client_for("coordinator_a").get(reverse("home")).content.decode()
