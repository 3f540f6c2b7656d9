"""The staff report, its downloads, the outcomes card and reference cohorts, as users meet them."""

from __future__ import annotations

import csv
import html
import io

import pytest
from django.urls import reverse

from cellpath.accounts.models import AuditEvent
from cellpath.outcomes.synthetic import synthetic_cohort
from cellpath.programmes.models import OutcomesCard
from cellpath.registry.commands import synthetic_patients_csv, synthetic_visits_csv
from cellpath.reports.models import ReferenceCohort
from tests.factories import clinical_history
from tests.programmes.kit import make_programme

pytestmark = pytest.mark.django_db


def post(client, url: str, data: dict | None = None):
    client.get(reverse("home"))  # every page carries the CSRF cookie (the sign-out form)
    return client.post(
        url, {**(data or {}), "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )


@pytest.fixture
def histories(world):
    """A treated course at each site."""
    return clinical_history(world.patient_a), clinical_history(world.patient_b)


def test_a_coordinator_sees_only_the_courses_of_their_sites(world, client_for, histories):
    page = client_for("coordinator_a").get(reverse("reports:cohort"))
    assert page.status_code == 200
    report = page.context["p"].report
    assert report.n_courses == 1
    assert set(report.table["person"]) == {world.patient_a.study_id}
    text = page.content.decode()
    assert world.patient_b.study_id not in text
    table = client_for("clinician_a").get(reverse("reports:analysis-csv"))
    rows = list(csv.DictReader(io.StringIO(table.content.decode())))
    assert [r["person"] for r in rows] == [world.patient_a.study_id]
    assert rows[0]["treatment_date"] == "2024-09-02"


def test_reading_the_report_is_audited_and_the_table_names_its_study_ids(
    world, client_for, histories
):
    client_for("administrator_a").get(reverse("reports:cohort"))
    view = AuditEvent.objects.filter(object_type="reports.cohort").latest("pk")
    assert view.action == AuditEvent.Action.VIEW and view.detail["courses"] == 1
    client_for("coordinator_a").get(reverse("reports:analysis-csv"))
    export = AuditEvent.objects.filter(object_type="reports.cohort").latest("pk")
    assert export.action == AuditEvent.Action.EXPORT
    assert export.detail["study_ids"] == [world.patient_a.study_id]


def test_filters_narrow_the_cohort_and_bad_filters_are_refused_next_to_the_field(
    client_for, histories
):
    client = client_for("coordinator_a")
    none = client.get(reverse("reports:cohort"), {"onset_site": "bulbar", "route": "intravenous"})
    assert none.status_code == 200 and none.context["p"].report.n_courses == 0
    bad = client.get(
        reverse("reports:cohort"),
        {"course_number": "abc", "treated_from": "2025-01-01", "treated_to": "2024-01-01"},
    )
    assert bad.status_code == 400
    assert "Enter a whole number." in bad.content.decode()
    assert "The end date is before the start date." in bad.content.decode()
    assert bad.context["p"] is None


def test_the_pdf_is_the_same_report(client_for, histories):
    response = client_for("coordinator_a").get(reverse("reports:cohort-pdf"), {"route": ""})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 5000
    event = AuditEvent.objects.filter(object_type="reports.cohort").latest("pk")
    assert event.action == AuditEvent.Action.EXPORT and event.detail["format"] == "pdf"


def test_a_card_is_public_only_once_an_administrator_of_the_site_approves_it(
    world, client_for, client, django_capture_on_commit_callbacks
):
    programme = make_programme(world.site_a)
    prepared = post(
        client_for("coordinator_a"), reverse("reports:card-prepare", args=[programme.slug])
    )
    assert prepared.status_code == 302
    card = OutcomesCard.objects.get(programme=programme)
    assert card.status == OutcomesCard.Status.PENDING
    public = client.get(programme.get_absolute_url()).content.decode()
    assert "has not published outcomes" in public
    # Another site's staff cannot prepare or approve it.
    prepare_url = reverse("reports:card-prepare", args=[programme.slug])
    decide_url = reverse("reports:card-decide", args=[card.pk])
    assert post(client_for("coordinator_b"), prepare_url).status_code == 404
    assert (
        post(client_for("administrator_b"), decide_url, {"decision": "approve"}).status_code == 404
    )
    assert post(client_for("coordinator_a"), decide_url, {"decision": "approve"}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):  # the public pages' cache moves on
        approved = post(client_for("administrator_a"), decide_url, {"decision": "approve"})
    assert approved.status_code == 302
    card.refresh_from_db()
    assert card.status == OutcomesCard.Status.PUBLISHED
    public = client.get(programme.get_absolute_url()).content.decode()
    assert "Outcomes published in Cellpath" in public
    assert "Treated courses" in public and "Not shown: too few people" in public


def _registry(n: int, seed: int) -> tuple[bytes, bytes]:
    p, v = synthetic_cohort(n, seed=seed, treated_fraction=0.0)
    return synthetic_patients_csv(p, n), synthetic_visits_csv(v, n)


def test_a_reference_cohort_with_a_problem_is_refused_whole_by_file_and_line(world, client_for):
    patients, visits = _registry(50, 1)
    lines = patients.decode().splitlines()
    fields = lines[3].split(",")
    fields[3] = "2020-02-30"  # onset_date: not a date
    lines[3] = ",".join(fields)
    client = client_for("administrator_a")
    response = post(
        client,
        reverse("reports:reference-cohorts"),
        {
            "name": "Broken",
            "site": world.site_a.pk,
            "patients": io.BytesIO(("\n".join(lines) + "\n").encode()),
            "visits": io.BytesIO(visits),
        },
    )
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "patients:4: onset_date: '2020-02-30' is not a date (YYYY-MM-DD)" in text
    assert "cellpath-cohort-" not in text  # the files' names, never where the server kept them
    assert not ReferenceCohort.objects.exists()


def test_the_report_compares_with_a_reference_cohort_of_the_site(world, client_for, histories):
    patients, visits = _registry(300, 2)
    files = {"patients": io.BytesIO(patients), "visits": io.BytesIO(visits)}
    added = post(
        client_for("administrator_a"),
        reverse("reports:reference-cohorts"),
        {"name": "Registry", "site": world.site_a.pk, **files},
    )
    assert added.status_code == 302
    cohort = ReferenceCohort.objects.get()
    assert cohort.n_patients == 300
    page = client_for("coordinator_a").get(reverse("reports:cohort"), {"controls": cohort.pk})
    assert page.status_code == 200
    assert "Against matched external controls: Registry" in page.content.decode()
    # Site B cannot use site A's reference cohort.
    other = client_for("coordinator_b").get(reverse("reports:cohort"), {"controls": cohort.pk})
    assert other.status_code == 400


def test_the_first_dose_dates_narrow_the_cohort(client_for, histories):
    client = client_for("coordinator_a")
    url = reverse("reports:cohort")

    def courses(**dates: str) -> int:
        return client.get(url, dates).context["p"].report.n_courses

    # The course's only dose was given on 2 September 2024.
    assert courses(treated_from="2024-09-02", treated_to="2024-09-02") == 1
    assert courses(treated_from="2024-09-03") == 0
    assert courses(treated_to="2024-09-01") == 0


def test_the_report_reads_every_alsfrs_r_answer_as_stored(world, histories):
    """The answers travel packed into one number a row (reports.queries): unpacked, they are
    the stored ones, 5a and 5b included."""
    from datetime import date

    from cellpath.care import services
    from cellpath.care.models import AlsfrsR
    from cellpath.outcomes.vocabulary import ALSFRS_R_KEYS
    from cellpath.reports.queries import Filters, cohort_tables

    patient = world.patient_a
    highest = dict.fromkeys([k for k in ALSFRS_R_KEYS if k != "q5a"], 4) | {"q5b": 4, "q5a": None}
    lowest = dict.fromkeys(ALSFRS_R_KEYS, 0) | {"q5b": None}
    for day, items in ((date(2025, 1, 6), highest), (date(2025, 2, 3), lowest)):
        services.alsfrs_r_record(
            actor="test", patient=patient, assessed_on=day, respondent="clinic", items=items
        )
    tables = cohort_tables(user=world.users["coordinator_a"], filters=Filters())
    read = {
        (str(day), tuple(int(tables.visits[k][i]) for k in ALSFRS_R_KEYS))
        for i, day in enumerate(tables.visits["visit_date"])
    }
    stored = {
        (
            str(a.assessed_on),
            tuple(-1 if getattr(a, k) is None else getattr(a, k) for k in ALSFRS_R_KEYS),
        )
        for a in AlsfrsR.objects.filter(patient=patient)
    }
    assert read == stored and len(stored) == 4
