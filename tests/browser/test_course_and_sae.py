"""A coordinator records a course with its harvest, lot and two doses, then a serious adverse
event; the site's clinician is e-mailed at once and finds the event highlighted at the top of
their dashboard."""

from __future__ import annotations

from datetime import date

import pyotp
import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from cellpath.accounts import mfa
from cellpath.accounts.models import TOTPDevice
from cellpath.accounts.roles import Role
from cellpath.care import services
from cellpath.care.models import Administration
from tests.factories import PASSWORD, PatientFactory, SiteFactory, UserFactory
from tests.programmes.kit import make_programme, trial_data

pytestmark = pytest.mark.browser


@pytest.fixture
def clinic(transactional_db, live_server):
    site = SiteFactory(name="Riverside", code="riv")
    staff = {}
    for role in (Role.COORDINATOR, Role.CLINICIAN):
        user = UserFactory(email=f"{role}@example.org", memberships=[(site, role)])
        TOTPDevice.objects.create(user=user, secret=mfa.new_secret(), confirmed_at=timezone.now())
        staff[role] = user
    patient = PatientFactory(site=site, full_name="Ana Example")
    services.consent_record(  # consent before cells
        actor="test", patient=patient, purpose="treatment", version="1",
        given_on=date(2024, 12, 1), method="written",
    )  # fmt: skip
    make_programme(site, trial_data(name="Riverside MSC study"))
    return live_server.url, patient, staff


def sign_in(page, base: str, user) -> None:
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("6-digit code").fill(pyotp.TOTP(user.totp.secret).now())
    page.get_by_role("button", name="Continue").click()


def fill(page, values: dict[str, str]) -> None:
    for label, value in values.items():
        field = page.get_by_label(label)  # "(optional)" follows some labels
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)


def test_a_coordinator_records_a_course_and_a_serious_event_and_the_clinician_is_alerted(
    browser, clinic
) -> None:
    base, patient, staff = clinic
    coordinator = browser.new_context()
    page = coordinator.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base, staff[Role.COORDINATOR])
    page.get_by_role("link", name="Patients", exact=True).first.click()
    page.get_by_role("link", name=patient.study_id).click()
    page.get_by_role("link", name="Start a course").click()
    fill(
        page,
        {
            "Programme or trial": "Riverside MSC study",
            "Cell type": "Mesenchymal stromal cells (MSC)",
            "Whose cells": "Autologous (the patient's own cells)",
            "Source tissue": "Bone marrow",
            "Planned route": "Intrathecal (into the spinal fluid)",
            "Course start": "2025-01-06",
        },
    )
    page.get_by_role("button", name="Start the course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Course 1 — {patient.study_id}")

    page.get_by_role("link", name="Record a harvest").click()
    fill(page, {"Collected on": "2024-12-16", "Harvest reference": "BM-0042"})
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Record a lot").click()
    fill(
        page,
        {
            "Lot number": "LOT-2024-117",
            "Made from harvest": "BM-0042",
            "Processed on": "2025-01-03",
            "Cells in the lot": "300 million",
        },
    )
    page.get_by_role("button", name="Save").click()
    for given_on, dose in (("2025-01-06", "100,000,000"), ("2025-02-03", "1e8")):
        page.get_by_role("link", name="Record a dose").click()
        fill(
            page,
            {
                "Given on": given_on,
                "Dose (cells)": dose,
                "From lot": "LOT-2024-117 (from harvest BM-0042)",
                "Where on the body": "L3–L4",
            },
        )
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_contain_text("recorded")
    doses = page.get_by_role("table").filter(has_text="Given on")
    expect(doses.get_by_role("row")).to_have_count(3)
    expect(doses).to_contain_text("100,000,000 (1.0 × 10⁸)")
    expect(doses).to_contain_text("BM-0042")
    assert Administration.objects.filter(batch__lot_number="LOT-2024-117").count() == 2

    page.get_by_role("link", name="Record an adverse event").first.click()
    fill(
        page,
        {
            "What happened": "Fever and neck stiffness after the second dose",
            "Started on": "2025-02-05",
            "Related to the procedure": "Probably",
            "Related to the cells": "Possibly",
        },
    )
    page.get_by_label("3 — Severe or medically significant", exact=False).check()
    page.get_by_label("This is a serious adverse event").check()
    page.get_by_label("Requires inpatient hospitalisation", exact=False).check()
    page.get_by_role("button", name="Record the adverse event").click()
    expect(page.get_by_role("status")).to_contain_text("clinicians have been e-mailed")
    coordinator.close()

    alerts = [m for m in mail.outbox if m.to == [staff[Role.CLINICIAN].email]]
    assert len(alerts) == 1 and patient.study_id in alerts[0].subject

    clinician = browser.new_context()
    page = clinician.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base, staff[Role.CLINICIAN])
    page.get_by_role("link", name="Site dashboard").click()
    serious = page.locator("section.serious-events")
    expect(serious).to_contain_text("Fever and neck stiffness after the second dose")
    expect(serious.locator(".tag-serious")).to_have_text("Serious")
    background = serious.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")  # it stands out
    serious.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Serious adverse event — {patient.study_id}"
    )
    clinician.close()
