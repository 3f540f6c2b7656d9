"""A visitor choosing the paid demo clinic (six warning signs) gets "Before you go further"
instead of the buttons that send something: its signs, what to ask it and the registered
trials open to enrol come first, and nothing is sent on the way (issue 19). On a phone and on
a wide screen, with no page wider than the window.

Set CELLPATH_SCREENSHOTS to a folder to keep a picture of each page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cellpath.intake.models import Application, ContactMessage, PacketRequest
from cellpath.site import demo

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
WIDE = {"viewport": {"width": 1280, "height": 900}}
CLINIC = "vitacell-regeneration-package"
SENDING = ("/info-packet/", "/contact/", "/apply/")


@pytest.fixture
def site(transactional_db, live_server) -> str:
    demo.load(clinical_histories=False)
    return live_server.url


def _sent() -> tuple[int, int, int]:
    return (Application.objects.count(), ContactMessage.objects.count(),
            PacketRequest.objects.count())  # fmt: skip


def _fits(page, name: str, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    folder = os.environ.get("CELLPATH_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)


def _sending_links(page) -> int:
    return sum(page.locator(f"a[href^='{path}?programme=']").count() for path in SENDING)


@pytest.mark.parametrize("screen", [PHONE, WIDE], ids=["390", "1280"])
def test_a_visitor_choosing_the_paid_clinic_sees_the_signs_and_trials_first(
    site: str, browser, screen
) -> None:
    width = screen["viewport"]["width"]
    before = _sent()
    context = browser.new_context(**screen)
    page = context.new_page()
    page.set_default_timeout(15_000)

    page.goto(f"{site}/programmes/")
    page.get_by_role("link", name="VitaCell ALS regeneration package (fictional)").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("VitaCell")
    assert _sending_links(page) == 0  # no packet, message or apply button
    step = page.get_by_role("link", name="Before you go further", exact=True)
    assert step.count() == 1
    _fits(page, "programme-clinic", width)
    step.click()

    assert page.get_by_role("heading", level=1).inner_text() == "Before you go further"
    signs = page.locator("section.warning-signs li")
    assert signs.count() == 6
    assert "you are likely being deceived" in signs.first.inner_text()
    assert "Source: U.S. Food and Drug Administration" in signs.first.inner_text()
    assert page.get_by_role("heading", name="What to ask VitaCell Regeneration Centre").count()
    trials = page.locator(".matching-trials a")
    assert trials.count() >= 1
    assert "/trials/NCT99000001/" in [trials.nth(i).get_attribute("href")
                                       for i in range(trials.count())]  # fmt: skip
    buttons = page.locator(".actions a.button")
    assert buttons.count() == 3
    for i in range(3):
        assert "button-secondary" in buttons.nth(i).get_attribute("class")
    _fits(page, "before-you-go-further", width)
    assert _sent() == before  # nothing sent on the way

    page.locator("#main .actions").get_by_role("link", name="Apply", exact=True).click()
    assert "shows 6 warning signs" in page.locator(".before-step").inner_text()
    label = page.locator("label", has_text="VitaCell ALS regeneration package").first.inner_text()
    assert "Paid clinic offer · 18,500 USD · ⚠ 6 warning signs" in label
    assert page.get_by_label(label.strip()).is_checked()
    _fits(page, "apply-start", width)

    page.goto(f"{site}/programmes/riverside-msc-trial/")  # the trial keeps its buttons
    assert _sending_links(page) == 4  # packet, message, apply, and "Check if I may qualify"
    assert page.get_by_role("link", name="Before you go further").count() == 0
    _fits(page, "programme-trial", width)

    page.goto(f"{site}/programmes/compare/")  # choosing to compare: kind, price and signs too
    choice = page.locator("label[for='choose-vitacell-regeneration-package']").inner_text()
    assert "Paid clinic offer · 18,500 USD" in choice and "6 warning signs" in choice
    _fits(page, "compare-choose", width)
    assert _sent() == before
    context.close()
