"""On a phone: apply, see "need more information" with the missing questions, come back from
the link in another browser, answer them, see "likely eligible"; then a coordinator accepts
the application and turns it into a patient record."""

from __future__ import annotations

import pytest

from cellpath.site import demo
from tests.browser.test_demo_sign_ins import sign_in

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def site(transactional_db, live_server) -> str:
    demo.load(clinical_histories=False)
    return live_server.url


def test_an_applicant_resumes_and_a_coordinator_converts(site: str, browser) -> None:
    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{site}/apply/?programme=riverside-msc-trial")
    page.get_by_label("I am applying for myself").check()
    page.get_by_label("Your name").fill("Robin Phone")
    page.get_by_label("E-mail address").fill("robin@example.org")
    page.get_by_label("I agree that Cellpath uses my answers").check()
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Diagnosis"
    page.get_by_label("What is your date of birth?").fill("1968-04-02")
    page.get_by_label("When did your first ALS symptoms start?").fill("2026-02-01")
    page.get_by_label("Probable", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Breathing and feeding"
    page.locator("input[name=vc_percent_predicted]").fill("84")
    page.locator("input[name=tracheostomy][value=no]").check()
    page.get_by_role("button", name="Save and continue").click()

    assert "ALSFRS-R" in page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("button", name="Save and continue").click()  # skipped for now

    for name in ("prior_stem_cell_therapy", "pregnancy", "active_cancer",
                 "clotting_disorder"):  # fmt: skip
        page.locator(f"input[name={name}][value=no]").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Send and see my pre-screen").click()

    assert "We need more information" in page.get_by_role("heading", level=1).inner_text()
    missing = page.locator(".missing-questions").inner_text()
    assert "ALSFRS-R" in missing
    link = page.url
    phone.close()

    later = browser.new_context(**PHONE)  # another day, another browser: only the link
    page = later.new_page()
    page.set_default_timeout(15_000)
    page.goto(link)
    page.get_by_role("link", name="Answer these questions").click()
    for item in ("q1", "q2", "q3", "q4", "q5a", "q6", "q7", "q8", "q9", "q10", "q11", "q12"):
        page.locator(f"input[name={item}][value='3']").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Save and continue").click()  # health: answers kept
    page.get_by_role("button", name="Send and see my pre-screen").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your pre-screen: Likely eligible"
    reference = page.locator(".progress").inner_text().split()[1]
    later.close()

    staff = browser.new_context()
    page = staff.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, site, "coordinator@demo.cellpath.test", "demo-coordinator-riverside")
    page.goto(f"{site}/applications/")
    page.get_by_role("link", name=reference).click()
    for step in ("In review", "Consultation booked", "Accepted"):
        page.get_by_role("button", name=step, exact=True).click()
    page.get_by_role("button", name="Create the patient record").click()
    assert "Patient record" in page.locator(".messages").inner_text()
    assert "Robin Phone" in page.content()
    staff.close()
