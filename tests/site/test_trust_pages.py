"""The trust pages — about, editorial and medical-review policy, privacy notice — say what
Cellpath is and does with people's data, and every page and every health-data form links them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.intake.conftest import criteria_for, start
from tests.programmes.kit import make_programme

pytestmark = pytest.mark.django_db

FOOTER_LINKS = ("/about/", "/editorial-policy/", "/privacy/")


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return " ".join(response.content.decode().split())  # line breaks in the templates do not matter


def test_the_about_page_says_who_runs_it_and_that_it_gives_no_medical_advice(client) -> None:
    page = _page(client, reverse("about"))
    assert "open-source software" in page
    assert "It does not give medical advice" in page
    assert "none is approved" in page
    assert "talk to your neurologist" in page
    # nothing configured: it says so rather than inventing an owner
    assert "has not yet added its name here" in page
    assert "Funding and ownership are set by the organisation running this copy" in page


def test_the_about_page_names_the_operator_and_funding_when_set(client, settings) -> None:
    settings.CELLPATH_OPERATOR = "Example ALS Clinic"
    settings.CELLPATH_OPERATOR_CONTACT = "privacy@example.org"
    settings.CELLPATH_FUNDING = "Paid for by Example ALS Clinic; no programme pays to be listed."
    page = _page(client, reverse("about"))
    assert "run by <strong>Example ALS Clinic</strong>" in page
    assert 'href="mailto:privacy@example.org"' in page
    assert "no programme pays to be listed" in page


def test_the_editorial_policy_says_how_figures_are_tagged_reviewed_and_corrected(client) -> None:
    page = _page(client, reverse("editorial-policy"))
    for tag in ("Checked in the primary source", "From a secondary source", "Not verified"):
        assert tag in page
    assert "at most six months" in page
    assert "past its review date" in page
    assert "Every change is kept: who made it, when, and the old and new" in page
    assert reverse("evidence:grading") in page
    assert "has not yet named its medical reviewer" in page


def test_the_editorial_policy_names_the_medical_reviewer_when_set(client, settings) -> None:
    settings.CELLPATH_MEDICAL_REVIEWER = "Dr Example, consultant neurologist, reviews each page."
    page = _page(client, reverse("editorial-policy"))
    assert "Medical review: Dr Example, consultant neurologist" in page
    assert "named its medical reviewer" not in page


def test_the_privacy_notice_states_the_facts_the_code_enforces(client) -> None:
    page = _page(client, reverse("privacy"))
    assert "Article 9(2)(a), with Article 6(1)(a)" in page
    assert "explicit consent" in page
    assert "only the coordinators of the programme you applied to" in page
    assert "under a study ID, not your name" in page  # pseudonymisation
    assert "cannot download your record or ask for it to be erased" in page  # caregivers
    assert "do not open clinical records" in page  # administrators
    assert "works for 30 days" in page  # RESUME_DAYS
    assert "erased at once" in page and "stays under its study ID" in page  # erasure
    assert "given in applications and in the contact form show only as *** in the log" in page
    assert "Articles 15 and 20" in page
    assert reverse("intake:contact") in page  # the contact, when no address is configured


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/learn/",
        "/evidence/",
        "/evidence/how-we-grade/",
        "/programmes/",
        "/apply/",
        "/contact/",
        "/accounts/sign-in/",
        "/about/",
    ],
)
def test_every_page_footer_links_the_trust_pages(client, url) -> None:
    page = _page(client, url)
    footer = page[page.index('<footer class="site-footer">') :]
    for link in FOOTER_LINKS:
        assert f'href="{link}"' in footer, (url, link)


def test_a_signed_in_page_footer_links_them_too(client_for) -> None:
    page = _page(client_for("coordinator_a"), reverse("home"))
    footer = page[page.index('<footer class="site-footer">') :]
    assert 'href="/privacy/"' in footer and 'href="/about/"' in footer


PRIVACY_LINE = "What you send here is health data."


def test_the_application_form_links_the_privacy_notice_at_every_step(world) -> None:
    trial = make_programme(world.site_a)
    criteria_for(trial)
    client = Client(enforce_csrf_checks=True)
    assert PRIVACY_LINE in _page(client, reverse("intake:start"))
    token = start(client, trial)["Location"].split("/")[2]
    for url in (
        reverse("intake:step", args=[token, "diagnosis"]),
        reverse("intake:documents", args=[token]),
        reverse("intake:review", args=[token]),
    ):
        page = _page(client, url)
        assert PRIVACY_LINE in page and 'href="/privacy/"' in page, url


def test_the_contact_form_links_the_privacy_notice(client) -> None:
    assert PRIVACY_LINE in _page(client, reverse("intake:contact"))


@pytest.mark.parametrize("name", ["care:portal-updates", "care:portal-alsfrs"])
def test_the_portal_forms_link_the_privacy_notice(client_for, name) -> None:
    page = _page(client_for("patient_a"), reverse(name))
    assert PRIVACY_LINE in page


def test_pages_without_a_health_data_form_do_not_show_the_line(client_for) -> None:
    assert PRIVACY_LINE not in _page(client_for("patient_a"), reverse("care:portal-schedule"))
    assert PRIVACY_LINE not in _page(Client(), reverse("evidence:learn"))
