"""Every form's every error renders (issue 18): each page of the permission matrix that shows a
form to fill in is opened as someone allowed to use it, and each of its fields is sent missing,
of the wrong type, out of range, too long and with a "%" in it, the other fields keeping what
the page offered. The page must answer with the form and an error next to the field, or accept
the value (a redirect) — never with a server error. A new form page is walked as soon as it is
declared in tests/access_matrix.py. Search and filter forms (GET) are sent the same values and
must not fail. Then every Form class of the package is given each bad value without its page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.access_matrix import ROUTES
from tests.conftest import ACTORS, World, sign_in
from tests.form_walker import (
    Form,
    Variant,
    bad_values,
    fields_with_errors,
    forms_of,
    plausible,
    post_data,
    post_forms,
    shows_an_error,
    variants,
)
from tests.test_form_messages import _form_classes

NOT_WALKED = {
    # POST-only endpoints: nothing to open, their forms are on other pages and walked there.
    "accounts:sign-out": "a button, no field",
    "accounts:person-role-add": "posted by the role form of accounts:person (walked there)",
    "accounts:person-role-remove": "a button per role on accounts:person, no field",
    "accounts:person-active": "a button on accounts:person, no field",
    "accounts:person-mfa-reset": "a button on accounts:person, no field",
    "accounts:audit-export": "a CSV file",
    "care:portal-switch": "a button per record, on the portal menu",
    "intake:transition": "posted by the forms of intake:detail (walked there)",
    "intake:note": "posted by the forms of intake:detail (walked there)",
    "intake:email": "posted by the forms of intake:detail (walked there)",
    "intake:assign": "posted by the forms of intake:detail (walked there)",
    "intake:convert": "posted by the forms of intake:detail (walked there)",
    "reports:card-prepare": "a button per programme on reports:cards, no field",
    "reports:card-decide": "approve / refuse buttons on reports:cards, no field",
    "exchange:token-revoke": "a button per token on exchange:tokens, no field",
    "exchange:redcap-import-confirm": "the second step of an upload: a button, no field",
    "trials:alert-create": "posted by the alert form of trials:match-mine (walked there)",
    # Pages that need a state the matrix does not build; walked below as WIZARD_STEPS.
    "accounts:mfa-verify": "needs a password sign-in in progress (WIZARD_STEPS)",
    "care:caregiver-accept": "needs an invitation's token (WIZARD_STEPS)",
    "care:portal-alsfrs-done": "the end of the self-report: no form",
    # Files, not pages: nothing to fill in, and some take seconds to make.
    "healthz": "a health check",
    "care:patient-export": "a CSV file",
    "care:portal-data-json": "a JSON file",
    "care:portal-data-csv": "a CSV file",
    "intake:document": "an uploaded file",
    "intake:packet-download": "a PDF file",
    "intake:newsletter-export": "a CSV file",
    "reports:cohort-pdf": "a PDF file",
    "reports:analysis-csv": "a CSV file",
    "exchange:export-download": "a ZIP file",
    "exchange:patient-fhir": "a FHIR Bundle",
    "exchange:my-fhir": "a FHIR Bundle",
    "fhir:metadata": "FHIR API, JSON",
    "fhir:questionnaire": "FHIR API, JSON",
    # The API answers tokens, not sessions, and takes no form.
    "fhir:patient-search": "FHIR API, token only",
    "fhir:patient-read": "FHIR API, token only",
    "fhir:observation-search": "FHIR API, token only",
    "fhir:questionnaireresponse-search": "FHIR API, token only",
    "fhir:adverseevent-search": "FHIR API, token only",
}
"""POST endpoints and pages deliberately not opened by the walker, and why."""

NOT_WALKED_NAMESPACES = {"admin": "Django's own admin: its forms are Django's, tested there"}


@dataclass(frozen=True)
class Page:
    """A page to walk: whom to ask it as, and how to build its address in a world."""

    name: str
    actors: tuple[str, ...]
    kwargs: Callable[[World], dict[str, Any]]
    id: str
    mfa: bool = True
    prepare: Callable[[Client, World], None] | None = None


def _matrix_pages() -> list[Page]:
    pages = []
    for route in ROUTES:
        if route.name in NOT_WALKED or route.name.split(":")[0] in NOT_WALKED_NAMESPACES:
            continue
        allowed = tuple(actor for actor in ACTORS if route.expect[actor] == 200)
        if allowed and route.method == "get":
            pages.append(Page(route.name, allowed, route.kwargs, route.name))
    return pages


# --- pages reached through earlier steps ---------------------------------------------------------


def _application_in_progress(world: World) -> str:
    """A link to an application started, not sent, to a programme with the usual criteria."""
    if not hasattr(world, "walker_token"):
        from cellpath.intake.services import application_start
        from tests.intake.conftest import criteria_for
        from tests.programmes.kit import make_programme, trial_data

        programme = make_programme(world.site_a, trial_data(slug="walked-trial", name="Walked"))
        criteria_for(programme)
        _, token = application_start(
            programme=programme,
            applicant="patient",
            applicant_name="Wally Walker",
            email="wally@example.org",
            consent_screening=True,
        )
        world.walker_token = token  # type: ignore[attr-defined]
    return world.walker_token  # type: ignore[attr-defined]


def _apply_steps() -> list[str]:
    from cellpath.intake.demo import TRIAL_CRITERIA
    from cellpath.intake.questions import steps_for

    return [step.slug for step in steps_for([row["field"] for row in TRIAL_CRITERIA])]


def _self_report_steps() -> int:
    from cellpath.outcomes.alsfrs_questions import questions_for

    return len(questions_for(gastrostomy=False))


def _password_signed_in(client: Client, world: World) -> None:
    """The first factor passed for a clinician with an authenticator: the code is asked next."""
    from cellpath.accounts import mfa
    from cellpath.accounts.models import TOTPDevice
    from tests.factories import PASSWORD

    user = world.users["clinician_a"]
    TOTPDevice.objects.create(user=user, secret=mfa.new_secret(), confirmed_at="2026-01-01T00:00Z")
    client.get(reverse("accounts:sign-in"))
    response = client.post(
        reverse("accounts:sign-in"),
        {
            "email": user.email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.url.startswith(reverse("accounts:mfa-verify"))


def _invitation(world: World) -> dict[str, Any]:
    from cellpath.care.services.portal import caregiver_invite

    link: list[str] = []
    caregiver_invite(
        actor=world.users["patient_a"],
        patient=world.patient_a,
        email=world.users["patient_b"].email,
        accept_url=lambda token: link.append(token) or token,
    )
    return {"token": link[0]}


WIZARD_STEPS: list[Page] = [
    *(
        Page(
            "intake:step",
            ("anonymous",),
            lambda w, slug=slug: {"token": _application_in_progress(w), "slug": slug},
            f"intake:step[{slug}]",
        )
        for slug in _apply_steps()
    ),
    *(
        Page(
            "care:portal-alsfrs-question",
            ("patient_a",),
            lambda w, step=step: {"step": step},
            f"care:portal-alsfrs-question[{step}]",
        )
        for step in range(2, _self_report_steps() + 1)
    ),
    Page(
        "accounts:mfa-setup",
        ("patient_a",),
        lambda w: {},
        "accounts:mfa-setup[second factor not set up]",
        mfa=False,
    ),
    Page("care:caregiver-accept", ("patient_b",), _invitation, "care:caregiver-accept"),
    Page(
        "accounts:mfa-verify",
        ("anonymous",),
        lambda w: {},
        "accounts:mfa-verify",
        prepare=_password_signed_in,
    ),
]
"""Pages of multi-step forms that need the steps before them."""

PAGES = _matrix_pages() + WIZARD_STEPS


# --- walking -------------------------------------------------------------------------------------


def _client(world: World, actor: str, *, mfa: bool) -> Client:
    client = Client(enforce_csrf_checks=True)
    if actor != "anonymous":
        sign_in(client, world.users[actor], mfa=mfa)
    return client


def _post(client: Client, url: str, data: dict[str, Any], *, follow: bool) -> Any:
    """The response to one POST, undone afterwards so that every value meets the same record;
    a string when the view raised (the test client re-raises what the view raised)."""
    cache.clear()  # rate limits count in the cache
    try:
        with transaction.atomic():
            response = client.post(url, data, follow=follow)
            transaction.set_rollback(True)
    except Exception as error:
        return f"server error {type(error).__name__}: {error}"[:300]
    return response


def _html(response: Any) -> str:
    if not response.get("Content-Type", "").startswith("text/html"):
        return ""
    return response.content.decode(errors="replace")


REFUSED = (200, 400)
"""How a form comes back with its errors: some views answer 400 (Bad Request) on purpose."""


@dataclass
class Walk:
    posts: int = 0  # requests sent, POST or GET
    problems: list[str] = field(default_factory=list)


def _walk_form(client: Client, url: str, form: Form, walk: Walk, where: str) -> None:
    target = urljoin(url, form.action) if form.action else url
    # A form posting to another address (an action on a record) sends the person back with a
    # message: the page the redirect leads to is the answer.
    elsewhere = target.split("?")[0] != url.split("?")[0]
    values = {control.name: plausible(control) for control in form.fillable}
    baseline = _post(client, target, post_data(form, values), follow=elsewhere)
    walk.posts += 1
    if isinstance(baseline, str):
        walk.problems.append(f"{where} plausible values: {baseline}")
        return
    redirects_when_valid = baseline.status_code == 302
    for control in form.walked:
        for variant in variants(control):
            sent = [] if variant.value is None else [variant.value]
            data = post_data(form, {**values, control.name: sent})
            response = _post(client, target, data, follow=elsewhere)
            walk.posts += 1
            problem = (
                response
                if isinstance(response, str)
                else _judge(response, form, control.name, variant, redirects_when_valid, elsewhere)
            )
            if problem:
                walk.problems.append(f"{where} {control.name}={variant.label}: {problem}")


def _walk_filters(client: Client, url: str, form: Form, walk: Walk, where: str) -> None:
    """A search or filter form (GET): its bad values must be an error or be ignored, never a
    server error; nothing is saved, so only what the page answers is checked."""
    target = urljoin(url, form.action) if form.action else url
    values = {control.name: plausible(control) for control in form.fillable}
    for control in form.walked:
        for variant in variants(control):
            if variant.value is None or control.kind == "file":
                continue
            data = post_data(form, {**values, control.name: [variant.value]})
            data.pop("csrfmiddlewaretoken", None)
            cache.clear()
            try:
                response = client.get(target, data)
            except Exception as error:
                walk.problems.append(
                    f"{where} {control.name}={variant.label}: server error "
                    f"{type(error).__name__}: {error}"[:300]
                )
                continue
            finally:
                walk.posts += 1
            if response.status_code not in (200, 302, 400):
                walk.problems.append(
                    f"{where} {control.name}={variant.label}: status {response.status_code}"
                )


def _judge(
    response: Any,
    form: Form,
    name: str,
    variant: Variant,
    redirects_when_valid: bool,
    elsewhere: bool,
) -> str | None:
    status = response.status_code
    if status not in (*REFUSED, 302):
        return f"status {status}"
    html = _html(response)
    if status == 400 and not shows_an_error(html):
        return "status 400 without an error message"
    if variant.refused:
        if status not in REFUSED:
            return f"accepted (status {status}) a value the page says is not allowed"
        if not shows_an_error(html):
            return "refused without an error message" if not elsewhere else "accepted silently"
        if not elsewhere and name not in fields_with_errors(html, form):
            return "the error is not next to the field"
    elif status == 200 and redirects_when_valid and html and not shows_an_error(html):
        return "the form came back without saying what was wrong"
    return None


@pytest.mark.parametrize("page", PAGES, ids=[page.id for page in PAGES])
def test_every_error_of_the_form_renders(page: Page, world: World) -> None:
    walk = Walk()
    seen: set[frozenset[str]] = set()
    walked_any = False
    url = reverse(page.name, kwargs=page.kwargs(world))
    roles_done: set[str] = set()
    for actor in page.actors:
        role = actor.removesuffix("_a").removesuffix("_b")
        if role in roles_done:
            continue
        roles_done.add(role)
        client = _client(world, actor, mfa=page.mfa)
        if page.prepare:
            page.prepare(client, world)
        response = client.get(url)
        assert response.status_code == 200, f"{page.id} as {actor}: {response.status_code}"
        for number, form in enumerate(post_forms(_html(response))):
            shape = frozenset(form.fields) | {form.action or ""}
            if shape in seen:  # another role sees the same form: walked once
                continue
            seen.add(shape)
            walked_any = True
            _walk_form(client, url, form, walk, f"{actor} form {number + 1}")
        for number, form in enumerate(forms_of(_html(response), "get")):
            shape = frozenset(form.fields) | {f"get {form.action}"}
            if shape not in seen:
                seen.add(shape)
                walked_any = True
                _walk_filters(client, url, form, walk, f"{actor} search form {number + 1}")
    if not walked_any:
        pytest.skip("the page has no form to fill in")
    print(f"{page.id}: {walk.posts} requests")  # shown with -rP: how much was walked
    assert not walk.problems, f"{page.id} ({walk.posts} requests):\n" + "\n".join(walk.problems)


def test_every_post_only_address_is_declared() -> None:
    """A new address nobody can open (POST only, a token, an API) is walked through the page
    that posts to it, or declared here with a reason."""
    undeclared = [
        route.name
        for route in ROUTES
        if not any(status == 200 for status in route.expect.values())
        and route.name not in NOT_WALKED
        and route.name.split(":")[0] not in NOT_WALKED_NAMESPACES
    ]
    assert undeclared == []
    names = {route.name for route in ROUTES}
    assert [name for name in NOT_WALKED if name not in names] == [], "no longer an address"


# --- every Form class of the package, without its page -------------------------------------------


def _course(world: World) -> Any:
    from tests.access_matrix import _history_a

    return _history_a(world)["course"]


def _all_answer_keys() -> list[str]:
    from cellpath.intake.questions import STEPS

    return [key for step in STEPS for key in (*step.keys, *step.optional)]


def _sites(world: World) -> Any:
    from cellpath.accounts.models import Site

    return Site.objects.filter(pk=world.site_a.pk)


CONSTRUCTOR_ARGUMENTS: dict[str, Callable[[World], dict[str, Any]]] = {
    "DateForm": lambda w: {"label": "Date of death"},
    "InviteForm": lambda w: {"sites": _sites(w)},
    "RoleAddForm": lambda w: {"sites": _sites(w)},
    "NewPatientForm": lambda w: {"sites": _sites(w)},
    "PatientFilterForm": lambda w: {"sites": _sites(w), "searches_names": True},
    "AdministrationForm": lambda w: {"course": _course(w)},
    "BatchForm": lambda w: {"course": _course(w)},
    "CourseProgrammeForm": lambda w: {"course": _course(w)},
    "AdverseEventForm": lambda w: {"courses": type(_course(w)).objects.all()},
    "AlsfrsRForm": lambda w: {"gastrostomy": False},
    "CourseForm": lambda w: {"instance": type(_course(w))(patient=w.patient_a)},
    "AlsfrsAnswerForm": lambda w: {"question": _first_question()},
    "ExportForm": lambda w: {"site_ids": [w.site_a.pk]},
    "RedcapImportForm": lambda w: {"site_ids": [w.site_a.pk]},
    "FilterForm": lambda w: {"site_ids": [w.site_a.pk]},
    "ReferenceCohortForm": lambda w: {"site_ids": [w.site_a.pk]},
    "AnswersForm": lambda w: {"keys": _all_answer_keys(), "needed": set(_all_answer_keys())},
    "RecordAnswersForm": lambda w: {"keys": _all_answer_keys()},
    "QueueFilterForm": lambda w: {"programmes": [], "counts": {}},
    "EditorSearchForm": lambda w: {"kinds": [("pages", "Pages"), ("studies", "Studies")]},
}
"""What a form's view gives its constructor, built in the test world."""


def _first_question() -> Any:
    from cellpath.outcomes.alsfrs_questions import questions_for

    return questions_for(gastrostomy=False)[0]


BASE_CLASSES = {
    "cellpath.accounts.forms._SiteRoleForm",
    "cellpath.care.forms_entry.EntryForm",
    "cellpath.evidence.forms.ContentForm",
    "cellpath.intake.forms.public.ProgrammeForm",
}
"""Bases other forms are made from (a ModelForm without a model, a form without its field):
walked through the forms built on them."""

FORM_CLASSES = [
    cls for cls in _form_classes() if f"{cls.__module__}.{cls.__qualname__}" not in BASE_CLASSES
]


def _model_field(form: Any, name: str) -> Any:
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:
        return None


@pytest.mark.parametrize(
    "form_class", FORM_CLASSES, ids=[f"{c.__module__}.{c.__qualname__}" for c in FORM_CLASSES]
)
def test_every_bad_value_of_every_form_class_is_an_error(form_class: Any, world: World) -> None:
    """Each field of each Form of the package, alone, given each bad value of its type: the form
    validates without raising and its errors can be written out."""
    arguments = CONSTRUCTOR_ARGUMENTS.get(form_class.__name__, lambda w: {})(world)
    fields = form_class(**arguments).fields
    if not fields:
        pytest.skip("a form without fields (a base class or a confirmation button)")
    problems = []
    checked = 0
    for name, field_ in fields.items():
        for value in bad_values(field_, _model_field(form_class, name)):
            files = {name: value} if hasattr(value, "read") else {}
            data = {} if files else {name: value}
            try:
                with transaction.atomic():
                    form = form_class(data=data, files=files, **arguments)
                    form.is_valid()
                    str(form.errors)
                    form.errors.as_json()
                    transaction.set_rollback(True)
            except Exception as error:
                problems.append(f"{name}={str(value)[:40]!r}: {type(error).__name__}: {error}")
            checked += 1
    assert not problems, f"{form_class.__name__} ({checked} values):\n" + "\n".join(problems)
