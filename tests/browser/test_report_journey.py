"""A coordinator opens the cohort report, filters it and downloads the PDF, then prepares the
programme's public card; the site's administrator approves it; a visitor finds it on the
programme's page with its small numbers suppressed. Every page is checked with axe-core."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cellpath.accounts import mfa
from cellpath.accounts.models import TOTPDevice
from cellpath.accounts.roles import Role
from cellpath.care import services
from cellpath.care.models import Patient
from tests.browser.test_accessibility import AXE, violations
from tests.browser.test_course_and_sae import sign_in
from tests.factories import PatientFactory, SiteFactory, UserFactory, clinical_history
from tests.programmes.kit import make_programme, trial_data

pytestmark = pytest.mark.browser

TREATED = 12
SERIOUS = 3


@pytest.fixture
def clinic(transactional_db, live_server):
    site = SiteFactory(name="Riverside", code="riv")
    staff = {}
    for role in (Role.COORDINATOR, Role.ADMINISTRATOR):
        user = UserFactory(email=f"{role}@example.org", memberships=[(site, role)])
        TOTPDevice.objects.create(user=user, secret=mfa.new_secret(), confirmed_at=timezone.now())
        staff[role] = user
    programme = make_programme(site, trial_data(name="Riverside MSC study"))
    for i in range(TREATED):
        patient = PatientFactory(
            site=site,
            onset_site="bulbar" if i < 4 else "limb",
            onset_date=date(2023, 6, 1),
            date_of_birth=date(1960, 1, 1),
        )
        history = clinical_history(patient)
        services.course_programme_link(actor="test", course=history["course"], programme=programme)
        if i < SERIOUS:
            services.adverse_event_record(
                actor="test",
                patient=patient,
                course=history["course"],
                description="Meningitis after the injection",
                onset_date=date(2024, 9, 10),
                grade=3,
                serious=True,
                hospitalisation=True,
                related_to_procedure="probable",
                related_to_cells="possible",
                outcome="recovered",
                resolved_date=date(2024, 9, 30),
            )
    return live_server.url, programme, staff


def test_a_report_is_read_filtered_downloaded_and_published_with_small_numbers_hidden(
    browser, clinic
) -> None:
    base, programme, staff = clinic
    context = browser.new_context(bypass_csp=True, accept_downloads=True)
    context.add_init_script(path=AXE)
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, base, staff[Role.COORDINATOR])
    page.get_by_role("link", name="Report", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cohort report")
    summary = page.locator("#summary-heading").locator("xpath=..")
    expect(summary).to_contain_text(f"{TREATED} treated courses of {TREATED} patients")
    found = violations(page)

    page.get_by_label("Site of onset").select_option(label="Bulbar")
    page.get_by_role("button", name="Show the report").click()
    expect(summary).to_contain_text("4 treated courses of 4 patients")
    expect(page.get_by_text("Filters: Site of onset: Bulbar.", exact=True)).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    path = download.value.path()
    assert Path(path).read_bytes()[:4] == b"%PDF"
    assert download.value.suggested_filename.startswith("cellpath-report-")

    page.get_by_role("link", name="Public outcomes cards").click()
    found += violations(page)
    page.get_by_role("button", name="Prepare a new snapshot from today's records").click()
    expect(page.get_by_text("is waiting for an administrator of the site")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, base, staff[Role.ADMINISTRATOR])
    page.goto(f"{base}/reports/cards/")
    found += violations(page)
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_text("Published.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    visitor = browser.new_context(bypass_csp=True)
    visitor.add_init_script(path=AXE)
    public = visitor.new_page()
    public.goto(f"{base}{programme.get_absolute_url()}")
    card = public.locator(".outcomes-card")
    expect(card).to_contain_text("Treated courses")
    expect(card.locator("dd").first).to_have_text(str(TREATED))
    serious = card.locator("div", has_text="People with a serious adverse event")
    expect(serious).to_contain_text("Not shown: too few people")
    assert str(SERIOUS) not in serious.inner_text()
    found += violations(public)
    assert Patient.objects.count() == TREATED
    assert not found, "\n".join(found)
