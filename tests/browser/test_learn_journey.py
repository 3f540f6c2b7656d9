"""A visitor checks NurOwn: search, the phase 3 study, its result, and a claim that cites it."""

from __future__ import annotations

import pytest

from cellpath.evidence.library import load_library

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, live_server) -> str:
    load_library()
    return live_server.url


def test_a_visitor_finds_the_phase_3_result_and_a_claim_check(site: str, page) -> None:
    page.goto(site + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    page.get_by_label("Search studies, claim checks, pages and programmes").fill("NurOwn")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="NurOwn phase 3").click()

    assert page.get_by_role("heading", level=1).inner_text().startswith("NurOwn phase 3")
    assert "Primary endpoint not met" in page.get_by_role("note").first.inner_text()

    claims = page.locator("h2:has-text('Claims that cite this study') + ul")
    first_claim = claims.get_by_role("link").first
    claim_text = first_claim.inner_text()
    first_claim.click()

    assert page.get_by_role("heading", level=1).inner_text() == claim_text
    assert page.get_by_role("heading", name="Why").is_visible()
    assert "Our verdict:" in page.locator(".verdict-line").inner_text()
    # the explanation's figures link back to their records
    figure = page.locator(".prose a.figure").first
    href = figure.get_attribute("href")
    assert "#figure-" in href
    figure.click()
    assert page.locator(href[href.index("#") :]).is_visible()
