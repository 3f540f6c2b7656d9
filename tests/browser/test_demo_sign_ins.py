"""A person at the keyboard: each demo role signs in and lands on its home page; another site's
record is refused; the skip link and focus work from the keyboard."""

from __future__ import annotations

import pyotp
import pytest

from cellpath.accounts.models import TOTPDevice
from cellpath.care.models import Patient
from cellpath.site import demo

pytestmark = pytest.mark.browser

HOME_HEADINGS = {
    "patient": "Hello, Ana Ferreira (demo)",
    "coordinator": "Coordinator home",
    "clinician": "Clinician home",
    "administrator": "Administrator home",
    "caregiver": "Hello, Demo caregiver",
    "editor": "Editor home",
}


@pytest.fixture
def demo_site(transactional_db, live_server):
    demo.load(clinical_histories=False)
    return live_server.url


def sign_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    device = TOTPDevice.objects.filter(user__email=email).first()
    if device is not None:
        page.get_by_label("6-digit code").fill(pyotp.TOTP(device.secret).now())
        page.get_by_role("button", name="Continue").click()


@pytest.mark.parametrize("role", list(HOME_HEADINGS))
def test_each_demo_role_lands_on_its_home_page(role: str, demo_site: str, page) -> None:
    account = next(s for s in demo.SIGN_INS if s.role == role and s.site_code == "riv")
    sign_in(page, demo_site, account.email, account.password)
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == HOME_HEADINGS[role]
    nav = page.get_by_role("navigation", name="Main").inner_text()
    assert ("Patients" in nav) == (role in {"coordinator", "clinician"})
    assert ("My visits" in nav) == (role in {"patient", "caregiver"})
    assert ("Audit log" in nav) == (role == "administrator")


def test_another_sites_record_is_refused(demo_site: str, page) -> None:
    riverside_record = Patient.objects.get(study_id="RIV-0001")
    sign_in(
        page, demo_site, "coordinator.northfield@demo.cellpath.test", "demo-coordinator-northfield"
    )
    response = page.goto(f"{demo_site}/patients/{riverside_record.pk}/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert "RIV-0001" not in page.content()


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(
    demo_site: str, page
) -> None:
    page.goto(f"{demo_site}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_a_wrong_password_shows_a_message_the_screen_reader_announces(demo_site: str, page) -> None:
    page.goto(f"{demo_site}/accounts/sign-in/")
    page.get_by_label("E-mail address").fill("coordinator@demo.cellpath.test")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    assert "do not match" in page.get_by_role("alert").inner_text()
