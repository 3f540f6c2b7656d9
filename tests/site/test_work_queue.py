"""The coordinator's and the clinician's home is their work list: every kind of item waiting at
their sites with its count, the first few linked to their pages with their owners, study IDs
linked to the patient, "See all" to the full list, nothing from another site, and the read
audited. Other roles' homes are as they were."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cellpath.accounts.audit import audited_save
from cellpath.accounts.models import AuditEvent
from cellpath.care import services
from cellpath.care.models import DataQuery, Patient
from cellpath.care.services import portal
from cellpath.care.services.data_queries import query_answer
from cellpath.care.services.entry import visit_unscheduled_add
from cellpath.intake.contact.services import contact_message_send
from cellpath.intake.services import (
    application_assign,
    application_transition,
    contact_message_handled,
)
from tests.intake.conftest import criteria_for, submitted
from tests.programmes.kit import make_programme, trial_data

pytestmark = pytest.mark.django_db


def _course(patient: Patient, started_on: date) -> None:
    services.course_start(
        actor="test",
        patient=patient,
        programme_name="MSC study",
        cell_type="msc",
        donor="allogeneic",
        tissue="umbilical_cord",
        route="intravenous",
        started_on=started_on,
    )


def _serious_event(patient: Patient, description: str, **fields):
    return services.adverse_event_record(
        actor="test",
        patient=patient,
        description=description,
        onset_date=timezone.localdate() - timedelta(days=25),
        grade=3,
        serious=True,
        hospitalisation=True,
        related_to_procedure="unlikely",
        related_to_cells=fields.pop("related_to_cells", "unlikely"),
        **fields,
    )


def _query(patient: Patient, n: int) -> DataQuery:
    return audited_save(
        DataQuery(
            patient=patient,
            rule="test",
            subject=f"test:{patient.pk}:{n}",
            message=f"Check item {n}",
        ),
        actor="test",
    )


def _site(world, suffix: str) -> dict:
    """One of everything waiting at a site: applications (one nobody has, one the site's
    coordinator has, one decided), a message (and one answered), a course two weeks old (its
    baseline overdue), two visits to sign (the earlier by someone else, the later by the
    site's clinician), an open and an answered query, an erasure request, an overdue SUSAR
    report and a serious event nobody has assessed."""
    site = getattr(world, f"site_{suffix}")
    patient: Patient = getattr(world, f"patient_{suffix}")
    coordinator = world.users[f"coordinator_{suffix}"]
    clinician = world.users[f"clinician_{suffix}"]
    today = timezone.localdate()
    trial = make_programme(site, trial_data(slug=f"trial-{suffix}", name=f"Trial {suffix}"))
    criteria_for(trial)
    new, mine, decided = (submitted(trial, {})[0] for _ in range(3))
    application_assign(actor=coordinator, application=mine, user=coordinator)
    application_assign(actor=coordinator, application=decided, user=coordinator)
    application_transition(actor=coordinator, application=decided, status="declined")
    message = contact_message_send(
        programme=trial,
        name="Quinn",
        email="q@example.org",
        message=f"Hi {suffix}",
        consent_contact=True,
    )[0]
    answered = contact_message_send(
        programme=trial,
        name="Rae",
        email="r@example.org",
        message=f"Yo {suffix}",
        consent_contact=True,
    )[0]
    contact_message_handled(actor=coordinator, message=answered)
    _course(patient, today - timedelta(days=14))
    someone_elses = visit_unscheduled_add(
        actor="test", patient=patient, visit_date=today - timedelta(days=9), label="Extra one"
    )
    theirs = visit_unscheduled_add(
        actor=clinician, patient=patient, visit_date=today - timedelta(days=3), label="Extra two"
    )
    erasure = portal.erasure_request_create(actor=patient.user, patient=patient)
    susar = _serious_event(
        patient,
        f"Unexpected reaction {suffix}",
        expectedness="unexpected",
        related_to_cells="possible",
        aware_date=today - timedelta(days=20),
    )
    unassessed = _serious_event(patient, f"Admission to assess {suffix}")
    # Last: saving a record closes queries its rules do not find (these are made up).
    open_query = _query(patient, 1)
    answered_query = query_answer(actor=clinician, query=_query(patient, 2), answer="OK")
    return locals()


@pytest.fixture
def sites(world) -> dict:
    return {"a": _site(world, "a"), "b": _site(world, "b")}


def section(page: str, key: str) -> str:
    start = page.index(f'id="work-{key}"')
    return page[start : page.index("</section>", start)]


def home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_coordinators_home_lists_every_kind_of_work_at_their_sites(
    world, client_for, sites
) -> None:
    a = sites["a"]
    page = home(client_for("coordinator_a"))
    expected = {
        "applications-new": ("New applications nobody has taken: 1", a["new"].reference),
        "applications-mine": ("Applications assigned to you: 1", a["mine"].reference),
        "messages": ("Messages not answered yet: 1", f"#message-{a['message'].pk}"),
        "erasure": ("Erasure requests waiting for a decision: 1", f"{a['erasure'].pk}/"),
        "reports": ("due or overdue: 1", f"adverse-events/{a['susar'].pk}/"),
        "overdue": ("Overdue visits: 1", "Visit Baseline"),
        "to-sign": ("signature: 2", f"visits/{a['theirs'].pk}/"),
        "queries-open": ("Data queries to answer: 1", f"queries/{a['open_query'].pk}/"),
        "queries-answered": ("data queries to close: 1", f"queries/{a['answered_query'].pk}/"),
    }
    for key, (heading, link) in expected.items():
        kind = section(page, key)
        assert heading in kind, key
        assert link in kind, key
    assert reverse("intake:detail", args=[a["new"].reference]) in page
    assert reverse("care:erasure-review", args=[a["erasure"].pk]) in page
    assert "report overdue by 5 days" in section(page, "reports")
    assert reverse("care:visit-detail", args=[a["someone_elses"].pk]) in section(page, "to-sign")
    # Nothing from site B, whose coordinator sees theirs and none of site A's.
    b = sites["b"]
    for hidden in (world.patient_b.study_id, b["new"].reference, b["mine"].reference):
        assert hidden not in page
    page_b = home(client_for("coordinator_b"))
    assert b["new"].reference in page_b and world.patient_b.study_id in page_b
    assert a["new"].reference not in page_b and world.patient_a.study_id not in page_b


def test_each_kind_links_to_its_full_list_and_owners_are_named(world, client_for, sites) -> None:
    page = home(client_for("coordinator_a"))
    new, mine = section(page, "applications-new"), section(page, "applications-mine")
    assert "Owner: Not assigned" in new and "Owner: You" in mine
    assert "See all 1" in new and "unassigned=on" in new and "status=new" in new
    assert "status=undecided" in mine and "mine=on" in mine
    assert "Owner: Not assigned" in section(page, "to-sign")
    assert "answered by" in section(page, "queries-answered")
    assert reverse("care:data-query-list") + "?status=open" in section(page, "queries-open")
    assert reverse("care:erasure-queue") in section(page, "erasure")
    # The "See all" of the applications leads to exactly those applications.
    client = client_for("coordinator_a")
    queue = client.get(
        reverse("intake:queue"), {"status": "undecided", "mine": "on", "order": "oldest"}
    ).content.decode()
    assert sites["a"]["mine"].reference in queue and sites["a"]["decided"].reference not in queue


def test_study_ids_on_the_home_are_links_to_the_patient(world, client_for, sites) -> None:
    page = home(client_for("coordinator_a"))
    study_id = re.escape(world.patient_a.study_id)
    url = re.escape(reverse("care:patient-detail", args=[world.patient_a.pk]))
    linked = len(re.findall(rf'<a href="{url}">{study_id}</a>', page))
    assert linked == 7  # erasure, report, overdue visit, 2 visits to sign, 2 queries
    assert page.count(world.patient_a.study_id) == linked  # never shown unlinked


def test_the_clinician_sees_visits_to_sign_theirs_first_and_serious_events_to_assess(
    world, client_for, sites
) -> None:
    a = sites["a"]
    page = home(client_for("clinician_a"))
    to_sign = section(page, "to-sign")
    assert "signature: 2" in to_sign
    theirs = reverse("care:visit-detail", args=[a["theirs"].pk])
    other = reverse("care:visit-detail", args=[a["someone_elses"].pk])
    assert to_sign.index(theirs) < to_sign.index(other)
    assert "recorded by you" in to_sign
    serious = section(page, "serious")
    assert "Serious adverse events to assess: 1" in serious
    assert reverse("care:adverse-event-detail", args=[a["unassessed"].pk]) in serious
    assert "expectedness=not_assessed" in serious
    assert "Data queries to answer: 1" in section(page, "queries-open")
    assert 'id="work-applications' not in page and 'id="work-erasure"' not in page
    assert world.patient_b.study_id not in page


def test_reading_the_home_is_audited(world, client_for, sites) -> None:
    coordinator = world.users["coordinator_a"]
    before = set(AuditEvent.objects.filter(actor=coordinator).values_list("pk", flat=True))
    home(client_for("coordinator_a"))
    events = AuditEvent.objects.filter(actor=coordinator, action="list").exclude(pk__in=before)
    pages = [e for e in events if e.detail.get("page") == "home"]
    labels = {label for e in pages for label in e.detail["records"]}
    assert world.patient_a.study_id in labels
    assert f"application {sites['a']['new'].reference}" in labels
    assert len(pages) == 3  # the patients, the applications, the messages
    assert all(world.patient_b.study_id not in e.detail["records"] for e in pages)


def test_an_empty_day_says_nothing_is_waiting(world, client_for) -> None:
    page = home(client_for("coordinator_a"))
    assert "Nothing is waiting for you" in page
    assert "Nothing waiting" in page and 'class="card work-kind"' not in page


@pytest.mark.parametrize("actor", ["patient_a", "editor", "administrator_a"])
def test_other_homes_have_no_work_list(world, client_for, sites, actor) -> None:
    page = home(client_for(actor))
    assert "work-list" not in page and "Nothing waiting" not in page
    assert sites["a"]["new"].reference not in page


def test_the_responsible_clinician_owns_their_patients_visits_to_sign(
    world, client_for, sites
) -> None:
    from cellpath.care.services import patient_clinician_set

    clinician = world.users["clinician_a"]
    patient_clinician_set(
        actor=world.users["coordinator_a"], patient=world.patient_a, clinician=clinician
    )
    assert "Owner: You" in section(home(client_for("clinician_a")), "to-sign")
    owner = clinician.full_name or clinician.email
    assert f"Owner: {owner}" in section(home(client_for("coordinator_a")), "to-sign")
