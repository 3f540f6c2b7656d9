"""A visitor on a phone enters when symptoms began, their ALSFRS-R and FVC, sees open ALS trials
ranked with a verdict per criterion, and opens one to read the sentences the criteria come from."""

from __future__ import annotations

from datetime import date

import pytest

from cellpath.trials.demo import load_demo_trials

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
RANK = {"Likely eligible": 0, "We need more information": 1, "Likely not eligible": 2}


@pytest.fixture
def site(transactional_db, live_server) -> str:
    load_demo_trials()
    return live_server.url


def test_a_visitor_matches_and_reads_the_quotes(site: str, browser) -> None:
    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{site}/trials/")
    page.get_by_role("link", name="Check trials against your answers").click()

    onset = date.today().replace(day=1)
    onset = onset.replace(year=onset.year - 1)  # a year ago: inside most 24-month windows
    page.get_by_label("When did your first ALS symptoms start?").fill(f"{onset:%Y-%m}")
    page.get_by_label("Your latest ALSFRS-R total (0–48)").fill("38")
    page.get_by_label("Your latest breathing test, in % of predicted").fill("82")
    page.get_by_role("button", name="Check the trials").click()

    page.get_by_role("heading", name="Results").wait_for()
    verdicts = page.locator(".match-list > li .verdict-box strong").all_inner_texts()
    assert verdicts, "no trial was listed"
    assert [RANK[v] for v in verdicts] == sorted(RANK[v] for v in verdicts)
    card = page.locator(".match-list > li", has_text="NCT99000001")
    assert "We need more information" in card.inner_text()
    card.get_by_text("Every criterion of NCT99000001").click()
    details = card.locator("details").inner_text()
    assert "✓ Meets: ALSFRS-R total at least 25" in details
    assert "ALSFRS-R total score ≥ 25 at screening" in details  # the sentence it comes from
    assert "? Not answered yet" in details

    card.get_by_role("link", name="Repeated Intrathecal Autologous Mesenchymal Stem Cells").click()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Repeated Intrathecal Autologous Mesenchymal Stem Cells in Early ALS (demo)"
    table = page.get_by_role("region", name="Criteria of NCT99000001").inner_text()
    assert "Forced vital capacity (FVC) ≥ 65% of predicted" in table
    assert "A listing is not an endorsement" in page.content()
    phone.close()
