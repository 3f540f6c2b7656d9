"""The patient's schedule: visits of each course with due dates and where each stands, in plain
words; the home page offers the questionnaire when a visit is due."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from cellpath.accounts.models import AuditEvent
from cellpath.care import services
from cellpath.care.services.followup import visit_attend


def start_course(patient, days_ago: int, programme: str = "Cord MSC trial"):
    return services.course_start(
        actor="test",
        patient=patient,
        programme_name=programme,
        cell_type="msc",
        donor="allogeneic",
        tissue="umbilical_cord",
        route="intravenous",
        started_on=timezone.localdate() - timedelta(days=days_ago),
    )


def row_of(page: str, label: str) -> str:
    start = page.index(f"<h3>{label}</h3>")
    return page[start : page.index("</li>", start)]


def test_it_shows_each_visit_with_its_date_and_status_in_plain_words(world, client_for) -> None:
    course = start_course(world.patient_a, days_ago=30)
    baseline = course.visits.get(label="Baseline")
    visit_attend(actor="test", patient=world.patient_a, day=baseline.due_date, visit=baseline)
    page = client_for("patient_a").get(reverse("care:portal-schedule")).content.decode()
    assert "Treatment course 1: Cord MSC trial" in page
    assert "Done" in row_of(page, "Baseline")
    assert "Overdue" in row_of(page, "2 weeks") and "Your clinic will get in touch" in page
    month = row_of(page, "1 month")
    assert "Due now" in month
    due = course.visits.get(label="1 month").due_date
    assert f"{due:%-d %B %Y}" in month and "any day from" in month
    assert "Coming up" in row_of(page, "2 months")
    later = page[page.index("<details>") :]
    assert "Show 10 later visits" in later and "<h3>9 months</h3>" in later
    assert "<h3>6 months</h3>" not in later
    assert "A follow-up is due now" in page


def test_it_says_so_when_nothing_is_planned(world, client_for) -> None:
    page = client_for("patient_a").get(reverse("care:portal-schedule")).content.decode()
    assert "No follow-up visits are planned for you yet" in page


def test_it_shows_only_the_patients_own_visits_and_is_audited(world, client_for) -> None:
    start_course(world.patient_b, days_ago=10, programme="Other site programme")
    start_course(world.patient_a, days_ago=10)
    page = client_for("patient_a").get(reverse("care:portal-schedule")).content.decode()
    assert "Other site programme" not in page and "Cord MSC trial" in page
    event = AuditEvent.objects.filter(action="list", object_type="care.visit").latest("id")
    assert event.actor == world.users["patient_a"]
    assert event.detail["records"]
    assert all(label.startswith(world.patient_a.study_id) for label in event.detail["records"])


def test_the_schedule_runs_a_bounded_number_of_queries(
    world, client_for, django_assert_max_num_queries
) -> None:
    for _ in range(3):
        start_course(world.patient_a, days_ago=400)
    client = client_for("patient_a")
    with django_assert_max_num_queries(20):
        assert client.get(reverse("care:portal-schedule")).status_code == 200


def test_the_home_page_links_the_portal_and_offers_the_questionnaire_when_due(
    world, client_for
) -> None:
    client = client_for("patient_a")
    home = client.get(reverse("home")).content.decode()
    for name in ("portal-schedule", "portal-updates", "portal-data", "portal-erasure"):
        assert f'href="{reverse("care:" + name)}"' in home
    assert "Ada Example" in home and world.patient_a.study_id in home  # what it showed before
    assert "A follow-up is due now" not in home
    start_course(world.patient_a, days_ago=34)  # the 1-month visit was due 4 days ago, ± 7
    home = client.get(reverse("home")).content.decode()
    assert "A follow-up is due now" in home
    assert f'href="{reverse("care:portal-alsfrs")}">Answer the questionnaire' in home
    nav = home[home.index('<nav aria-label="Main">') : home.index("</nav>")]
    assert "My visits" in nav and "My data" in nav
