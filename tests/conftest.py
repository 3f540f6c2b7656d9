"""Shared fixtures: two sites, one user per role at each, patient records, signed-in clients;
and how the test run is set up: which tests each pass runs, the Hypothesis profiles."""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client, override_settings
from hypothesis import settings as hypothesis_settings

from cellpath.accounts.access import MFA_SESSION_KEY
from cellpath.accounts.models import Site, User
from cellpath.accounts.roles import Role
from cellpath.accounts.services import AUTH_AT_KEY, LAST_SEEN_KEY
from cellpath.care.models import Patient
from tests.factories import PatientFactory, SiteFactory, UserFactory

# --- Hypothesis: "ci" when the environment variable CI is set, "dev" otherwise; HYPOTHESIS_PROFILE
# chooses. No deadline in either: how long an example takes says nothing about whether it is right,
# and on a loaded machine a deadline only makes tests flaky. Tests that set their own
# @settings(max_examples=...) keep them in both profiles.
hypothesis_settings.register_profile("ci", max_examples=100, deadline=None, print_blob=True)
hypothesis_settings.register_profile("dev", max_examples=25, deadline=None)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)

# --- Which tests a pass runs. `make test` runs everything on SQLite, then, with
# CELLPATH_TEST_PASS=database, only what touches the database again on PostgreSQL: a test that
# never opens the database, or drives the browser, would only repeat what the first pass showed.
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
    }
)
TEST_PASSES = ("", "all", "database")


def touches_database(item: pytest.Item) -> bool:
    """Whether a test uses the database: through the django_db marker or a database fixture,
    asked for directly or by a fixture it uses (`fixturenames` holds the whole closure)."""
    if item.get_closest_marker("django_db") is not None:
        return True
    return not DATABASE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    test_pass = os.environ.get("CELLPATH_TEST_PASS", "")
    if test_pass not in TEST_PASSES:
        raise pytest.UsageError(f"CELLPATH_TEST_PASS={test_pass!r}: use one of {TEST_PASSES[1:]}")
    if test_pass != "database":
        return
    browser: list[pytest.Item] = []
    no_database: list[pytest.Item] = []
    kept: list[pytest.Item] = []
    for item in items:
        if item.get_closest_marker("browser"):
            browser.append(item)
        elif touches_database(item):
            kept.append(item)
        else:
            no_database.append(item)
    if not browser and not no_database:
        return
    config.hook.pytest_deselected(items=browser + no_database)
    items[:] = kept
    config.stash[_PASS_NOTE] = (
        f"CELLPATH_TEST_PASS=database: deselected {len(browser) + len(no_database)} tests "
        f"({len(no_database)} that never touch the database, {len(browser)} browser tests); "
        "the full pass (make test-sqlite) runs them"
    )


_PASS_NOTE = pytest.StashKey[str]()


def pytest_report_collectionfinish(config: pytest.Config) -> str | None:
    return config.stash.get(_PASS_NOTE, None)


ACTORS = (
    "anonymous",
    "patient_a",
    "patient_b",
    "coordinator_a",
    "coordinator_b",
    "clinician_a",
    "clinician_b",
    "administrator_a",
    "administrator_b",
    "editor",
    "superuser",
)
"""Who the permission matrix asks about. `_a` actors belong to site A, which owns the records
under test; `_b` actors hold the same role at site B. The editor maintains the public study library
(a membership at site A, which gives no access to its patients)."""


@dataclass
class World:
    site_a: Site
    site_b: Site
    users: dict[str, User]
    patient_a: Patient  # at site A, owned by users["patient_a"]
    patient_b: Patient  # at site B, owned by users["patient_b"]


@pytest.fixture(scope="session", autouse=True)
def _fast_passwords() -> Iterator[None]:
    """For the whole session, so that the world a module shares is built with it too."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _private_uploads(settings: object, tmp_path) -> None:
    """Uploaded files of each test go to its own temporary folder, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "uploads"  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache (public pages are cached whole, per address)."""
    from django.core.cache import cache

    cache.clear()


def build_world() -> World:
    site_a = SiteFactory(name="Site A", code="aaa")
    site_b = SiteFactory(name="Site B", code="bbb")
    users: dict[str, User] = {}
    for suffix, site in (("a", site_a), ("b", site_b)):
        for role in (Role.PATIENT, Role.COORDINATOR, Role.CLINICIAN, Role.ADMINISTRATOR):
            users[f"{role}_{suffix}"] = UserFactory(
                email=f"{role}.{suffix}@example.org", memberships=[(site, role)]
            )
    users["editor"] = UserFactory(email="editor@example.org", memberships=[(site_a, Role.EDITOR)])
    users["superuser"] = UserFactory(
        email="root.admin@example.org", is_superuser=True, is_staff=True
    )
    patient_a = PatientFactory(site=site_a, user=users["patient_a"], full_name="Ada Example")
    patient_b = PatientFactory(site=site_b, user=users["patient_b"], full_name="Bo Example")
    return World(site_a, site_b, users, patient_a, patient_b)


class SharedWorld:
    """The world of one test module, built once, as Django's TestCase.setUpTestData does: inside
    a transaction opened before the first of the module's tests that uses it and rolled back
    after the last (so the audit log, which refuses UPDATE and DELETE, only sees a rollback).
    Each test runs in a savepoint inside it (pytest-django's `db`) and gets its own deep copy of
    the objects, so neither its writes nor its changes to them reach the next test.

    The transaction is rolled back early, before a test of the module that does not use the
    world (it must find the tables as the migrations left them), and before one that commits
    (transactional_db, live_server: they flush the tables and need a world of their own); a later
    test of the module that uses the world has it built again."""

    def __init__(self) -> None:
        self.module: object = None
        self.world: World | None = None
        self._atomic: transaction.Atomic | None = None

    def open(self, module: object) -> None:
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.module = module
        try:
            self.world = build_world()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._atomic is not None:
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)
        self.module = self.world = self._atomic = None


_shared_world = SharedWorld()


def _commits(request: pytest.FixtureRequest) -> bool:
    """Whether the test runs outside a rolled-back transaction (the rule of pytest-django's
    `_django_db_helper`)."""
    marker = request.node.get_closest_marker("django_db")

    def flags(
        transaction: bool = False,
        reset_sequences: bool = False,
        databases: object = None,
        serialized_rollback: bool = False,
        available_apps: object = None,
    ) -> bool:
        return transaction or reset_sequences or serialized_rollback

    return (marker is not None and flags(*marker.args, **marker.kwargs)) or not {
        "transactional_db",
        "live_server",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
    }.isdisjoint(request.fixturenames)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef, request: pytest.FixtureRequest):
    """Before pytest-django opens a test's database (`_django_db_helper`, which `db`,
    `transactional_db`, `live_server` and the django_db marker all go through), the module's
    shared world is opened if the test uses it, or rolled back if it does not."""
    if fixturedef.argname == "_django_db_helper":
        module = request.node.module
        shares = "world" in request.fixturenames and not _commits(request)
        if not (shares and _shared_world.module is module):
            blocker = request.getfixturevalue("django_db_blocker")
            request.getfixturevalue("django_db_setup")
            with blocker.unblock():
                _shared_world.close()
                if shares:
                    _shared_world.open(module)
            if shares:
                request.node.getparent(pytest.Module).addfinalizer(
                    lambda: _close_shared_world(module, blocker)
                )
    return (yield)


def _close_shared_world(module: object, blocker: object) -> None:
    if _shared_world.module is module:
        with blocker.unblock():  # type: ignore[attr-defined]
            _shared_world.close()


@pytest.fixture
def world(request: pytest.FixtureRequest, db: None) -> World:
    """Two sites, a user per role, a patient at each site: a copy of the module's shared world,
    or, for a test that commits, a world of its own."""
    if _shared_world.module is request.node.module and _shared_world.world is not None:
        return copy.deepcopy(_shared_world.world)
    return build_world()


def sign_in(client: Client, user: User, *, mfa: bool = True) -> Client:
    """A session as after a real sign-in: second factor passed (or not), timers started."""
    client.force_login(user)
    session = client.session
    now = time.time()
    session[MFA_SESSION_KEY] = mfa
    session[AUTH_AT_KEY] = now
    session[LAST_SEEN_KEY] = now
    session.save()
    return client


@pytest.fixture
def client_for(world: World):
    """client_for("coordinator_a") → a CSRF-enforcing client signed in as that actor."""

    def make(actor: str, *, mfa: bool = True) -> Client:
        client = Client(enforce_csrf_checks=True)
        if actor == "anonymous":
            return client
        return sign_in(client, world.users[actor], mfa=mfa)

    return make
