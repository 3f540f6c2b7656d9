"""Who may open and post each page of the people of a site and the audit export (issue 19):
anonymous visitors are sent to sign in; patients, caregivers, coordinators, clinicians and
editors are refused; an administrator reaches the accounts of their own sites only (another
site's account is not found); an installation administrator reaches every account. Every POST
needs the CSRF token."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cellpath.accounts.models import User
from cellpath.accounts.roles import Role
from cellpath.care.services.portal import caregiver_accept, caregiver_invite
from tests.conftest import sign_in
from tests.factories import UserFactory

REFUSED = ("patient_a", "caregiver", "coordinator_a", "clinician_a", "editor")
ACTORS = ("anonymous", *REFUSED, "administrator_a", "administrator_b", "superuser")
CSRF = "x" * 32


@dataclass(frozen=True)
class Page:
    name: str
    post: bool
    admin_a: int
    admin_b: int
    superuser: int
    kwargs: Callable[[User], dict] = lambda target: {}
    data: Callable[[object], dict] = lambda world: {}


def _target(world) -> User:
    """A site-A clinician and coordinator, made anew for each actor (posts change them)."""
    return UserFactory(
        memberships=[(world.site_a, Role.CLINICIAN), (world.site_a, Role.COORDINATOR)]
    )


def _coordinator_role(target: User) -> int:
    return target.memberships.get(role=Role.COORDINATOR).pk


PAGES = [
    Page("accounts:people", False, 200, 200, 200),
    Page("accounts:people-invite", False, 200, 200, 200),
    Page("accounts:audit-export", False, 200, 200, 200),
    Page("accounts:person", False, 200, 404, 200, kwargs=lambda t: {"pk": t.pk}),
    Page(
        "accounts:people-invite",
        True,
        302,
        200,  # site A is not among their choices: the form says so
        302,
        data=lambda w: {"email": "new@example.org", "site": w.site_a.pk, "role": "editor"},
    ),
    Page(
        "accounts:person-role-add",
        True,
        302,
        404,
        302,
        kwargs=lambda t: {"pk": t.pk},
        data=lambda w: {"site": w.site_a.pk, "role": "editor"},
    ),
    Page(
        "accounts:person-role-remove",
        True,
        302,
        404,
        302,
        kwargs=lambda t: {"pk": t.pk, "membership_id": _coordinator_role(t)},
    ),
    Page(
        "accounts:person-active",
        True,
        302,
        404,
        302,
        kwargs=lambda t: {"pk": t.pk},
        data=lambda w: {"active": "0"},
    ),
    Page("accounts:person-mfa-reset", True, 302, 404, 302, kwargs=lambda t: {"pk": t.pk}),
]


def _users(world) -> dict[str, User]:
    tokens: list[str] = []
    caregiver_invite(
        actor=world.users["patient_a"],
        patient=world.patient_a,
        email="carer@example.org",
        accept_url=lambda token: tokens.append(token) or "/",
    )
    carer = UserFactory(email="carer@example.org")
    caregiver_accept(actor=carer, token=tokens[0])
    return {**world.users, "caregiver": carer}


def _client(users: dict[str, User], actor: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF
    return client if actor == "anonymous" else sign_in(client, users[actor])


def _expected(page: Page, actor: str) -> int:
    if actor == "anonymous":
        return 302
    if actor in REFUSED:
        return 403
    return {"administrator_a": page.admin_a, "administrator_b": page.admin_b}.get(
        actor, page.superuser
    )


@pytest.mark.parametrize("page", PAGES, ids=[f"{p.name}{' POST' if p.post else ''}" for p in PAGES])
def test_each_actor_gets_the_declared_status(page: Page, world) -> None:
    users = _users(world)
    wrong = {}
    for actor in ACTORS:
        url = reverse(page.name, kwargs=page.kwargs(_target(world)))
        client = _client(users, actor)
        if page.post:
            response = client.post(url, {"csrfmiddlewaretoken": CSRF, **page.data(world)})
        else:
            response = client.get(url)
        expected = _expected(page, actor)
        if response.status_code != expected:
            wrong[actor] = f"got {response.status_code}, expected {expected}"
        if actor == "anonymous":
            assert response.url.startswith(reverse("accounts:sign-in"))
    assert not wrong, f"{page.name}: {wrong}"


@pytest.mark.parametrize("page", [p for p in PAGES if p.post], ids=lambda p: p.name)
def test_every_post_needs_the_csrf_token(page: Page, world) -> None:
    target = _target(world)
    client = _client(world.users, "administrator_a")
    url = reverse(page.name, kwargs=page.kwargs(target))
    assert client.post(url, page.data(world)).status_code == 403
    target.refresh_from_db()
    assert target.is_active and target.memberships.count() == 2
