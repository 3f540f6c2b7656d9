"""Automated WCAG 2.2 A/AA checks (axe-core, installed from the npm registry by `make install`)
on every page type of the foundation, for each role that sees it, at 1280 px and at 390 px,
where no page may scroll sideways (its document no wider than the window)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cellpath.care.models import Patient
from cellpath.care.services import patient_update
from cellpath.site import demo
from tests.browser.test_demo_sign_ins import sign_in
from tests.factories import clinical_history

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def violations(page) -> list[str]:
    # Only violations are asked for: axe then skips gathering the nodes that pass, about a
    # third of its time; what it reports as violations is the same.
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


@pytest.fixture
def site(transactional_db, live_server):
    demo.load(clinical_histories=False)
    return live_server.url


@pytest.fixture
def axe_page(browser):
    # The checker is injected by the test, so the test context lets it past the page's CSP;
    # every page the context opens has it, before the page's own scripts run.
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make install` with npm available")
    context = browser.new_context(bypass_csp=True)
    context.add_init_script(path=AXE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def demo_patient_with_history() -> tuple[Patient, dict]:
    """The demo portal patient, given the one-of-everything history of the test factories."""
    record = Patient.objects.get(study_id="RIV-0001")
    patient_update(
        actor="test",
        patient=record,
        onset_date=date(2024, 3, 1),
        diagnosis_date=None,
        gastrostomy_date=None,
        death_date=None,
    )
    return record, clinical_history(record)


WIDTHS = (1280, 390)  # a laptop and a phone (issue 19: no page may scroll sideways on a phone)


def sideways(page, width: int) -> list[str]:
    """The page laid out `width` px wide: [] when nothing makes the document wider than that."""
    page.set_viewport_size({"width": width, "height": 844})
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width <= width:
        return []
    widest = page.evaluate(
        """(width) => [...document.querySelectorAll('body *')]
             .filter(e => e.getBoundingClientRect().right > width + 1)
             .slice(0, 3)
             .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""",
        width,
    )
    return [f"scrolls sideways at {width} px (document {scroll_width} px wide): {widest}"]


def check(page, url: str) -> list[str]:
    """Axe at each width, and no sideways scroll at any."""
    page.goto(url)
    found = []
    for width in WIDTHS:
        found += sideways(page, width)
        found += violations(page)
    page.set_viewport_size({"width": WIDTHS[0], "height": 720})
    return [f"{url}: {v}" for v in found]


def test_public_pages_have_no_violations(site: str, axe_page) -> None:
    found = []
    for path in ("/", "/accounts/sign-in/", "/accounts/password-reset/", "/nowhere/"):
        found += check(axe_page, site + path)
    assert not found, "\n".join(found)


def test_learn_and_compare_pages_have_no_violations(site: str, axe_page) -> None:
    from cellpath.evidence.models import Claim, KnowledgePage, Study
    from cellpath.programmes.models import Programme

    studies = list(Study.objects.values_list("slug", flat=True)[:3])
    programmes = list(Programme.objects.values_list("slug", flat=True)[:3])
    paths = [
        "/learn/",
        "/evidence/",
        "/evidence/?cell_type=msc&primary_endpoint_met=no",
        "/evidence/compare/",
        "/evidence/compare/?" + "&".join(f"s={slug}" for slug in studies),
        "/evidence/claims/",
        "/evidence/references/",
        "/evidence/how-we-grade/",
        "/programmes/",
        "/programmes/compare/?" + "&".join(f"p={slug}" for slug in programmes),
        "/search/?q=stem+cells",
        f"/programmes/{programmes[0]}/",
        "/programmes/vitacell-regeneration-package/before-you-go-further/",
        "/programmes/compare/",
        f"/evidence/claims/{Claim.objects.first().slug}/",
    ]
    paths += [f"/learn/{slug}/" for slug in KnowledgePage.objects.values_list("slug", flat=True)]
    paths += ["/evidence/studies/nurown-phase-3/", "/evidence/studies/cns10-npc-gdnf/"]
    found = []
    for path in paths:
        found += check(axe_page, site + path)
    sign_in(axe_page, site, "editor@demo.cellpath.test", "demo-editor-riverside")
    for path in (
        "/home/",
        "/evidence/edit/",
        "/evidence/edit/studies/nurown-phase-3/",
        "/evidence/edit/studies/nurown-phase-3/history/",
        "/evidence/edit/pages/new/",
        "/evidence/edit/?status=submitted",
        *_awaiting_review(),
    ):
        found += check(axe_page, site + path)
    assert not found, "\n".join(found)


def _awaiting_review() -> list[str]:
    """The review page of each record the demo left awaiting a second editor."""
    from cellpath.evidence.views_edit import KINDS

    return [
        f"/evidence/edit/{kind}/{slug}/review/"
        for kind, (model, _) in KINDS.items()
        for slug in model.objects.filter(review_state="submitted").values_list("slug", flat=True)
    ]


def test_staff_pages_have_no_violations(site: str, axe_page) -> None:
    record, history = demo_patient_with_history()
    course, visit = history["course"], history["baseline"].visit
    sign_in(axe_page, site, "coordinator@demo.cellpath.test", "demo-coordinator-riverside")
    found = []
    for path in (
        "/home/",
        "/patients/",
        "/patients/dashboard/",
        f"/patients/{record.pk}/",
        f"/patients/{record.pk}/edit/",
        f"/patients/{record.pk}/treatment/",
        f"/patients/{record.pk}/progression/",
        f"/patients/{record.pk}/courses/new/",
        f"/patients/courses/{course.pk}/",
        f"/patients/courses/{course.pk}/programme/",
        f"/patients/courses/{course.pk}/doses/new/",
        f"/patients/visits/{visit.pk}/",
        f"/patients/visits/{visit.pk}/alsfrs-r/",
        f"/patients/adverse-events/{history['event'].pk}/",
        "/patients/new/",
        "/patients/erasure-requests/",
    ):
        found += check(axe_page, site + path)
    assert not found, "\n".join(found)


def test_patient_and_administrator_pages_have_no_violations(site: str, axe_page) -> None:
    record, _ = demo_patient_with_history()
    sign_in(axe_page, site, "patient@demo.cellpath.test", "demo-patient-riverside")
    found = []
    for path in (
        "/home/",
        "/patients/me/schedule/",
        "/patients/me/alsfrs-r/1/",
        "/patients/me/updates/",
        "/patients/me/data/",
        "/patients/me/caregivers/",
        "/patients/me/erasure/",
        f"/patients/{record.pk}/progression/",
    ):
        found += check(axe_page, site + path)
    axe_page.context.clear_cookies()
    sign_in(axe_page, site, "administrator@demo.cellpath.test", "demo-administrator-riverside")
    from cellpath.accounts.models import User

    clinician = User.objects.get(email="clinician@demo.cellpath.test")
    for path in ("/home/", "/accounts/audit/", "/accounts/people/", "/accounts/people/invite/",
                 f"/accounts/people/{clinician.pk}/"):  # fmt: skip
        found += check(axe_page, site + path)
    assert not found, "\n".join(found)


def test_apply_and_triage_pages_have_no_violations(site: str, axe_page) -> None:
    from cellpath.intake.models import Application
    from cellpath.intake.services import (
        application_start,
        application_submit,
        applications_start,
        applications_submit,
    )
    from cellpath.programmes.models import Programme

    programme = Programme.objects.get(slug="riverside-msc-trial")
    application, token = application_start(
        programme=programme, applicant="patient", applicant_name="Axe Check",
        email="axe@example.org", consent_screening=True,
    )  # fmt: skip
    found = []
    for path in ("/apply/", "/apply/?programme=riverside-msc-trial", "/contact/", "/info-packet/",
                 "/newsletter/", "/newsletter/check-your-inbox/", "/contact/sent/"):  # fmt: skip
        found += check(axe_page, site + path)
    from cellpath.intake.packets.services import packet_request

    _, packet_token = packet_request(programme=programme, email="axe@example.org")
    found += check(axe_page, f"{site}/info-packet/sent/{packet_token}/")
    found += check(axe_page, f"{site}/apply/{token}/documents/")
    for slug in ("diagnosis", "breathing", "daily-life", "health"):
        found += check(axe_page, f"{site}/apply/{token}/{slug}/")
    found += check(axe_page, f"{site}/apply/{token}/review/")
    application_submit(application=application, token=token, notify=False)
    found += check(axe_page, f"{site}/apply/{token}/result/")
    found += check(axe_page, f"{site}/apply/not-a-token/result/")
    both, token = applications_start(
        programmes=[programme, Programme.objects.get(slug="vitacell-regeneration-package")],
        applicant="patient", applicant_name="Axe Twice", email="axe2@example.org",
        consent_screening=True,
    )  # fmt: skip
    found += check(axe_page, f"{site}/apply/{token}/health/")
    applications_submit(applications=both, token=token, notify=False)
    found += check(axe_page, f"{site}/apply/{token}/result/")
    sign_in(axe_page, site, "coordinator@demo.cellpath.test", "demo-coordinator-riverside")
    for path in ("/applications/", "/applications/messages/",
                 "/applications/criteria/riverside-msc-trial/"):  # fmt: skip
        found += check(axe_page, site + path)
    for reference in (
        Application.objects.filter(site=programme.site)
        .exclude(status="draft")
        .values_list("reference", flat=True)[:2]
    ):
        found += check(axe_page, f"{site}/applications/{reference}/")
    assert not found, "\n".join(found)


def test_trial_finder_pages_have_no_violations(site: str, axe_page) -> None:
    from cellpath.care.models import Patient

    found = []
    for path in ("/trials/", "/trials/?near=Boston&radius=500&status=RECRUITING&phase=PHASE2",
                 "/trials/?near=Atlantis", "/trials/NCT99000001/", "/trials/NCT99000001/?near=Ulm",
                 "/trials/NCT99000011/", "/trials/match/", "/trials/alerts/sent/",
                 "/trials/alerts/stop/not-a-token/"):  # fmt: skip
        found += check(axe_page, site + path)
    axe_page.goto(f"{site}/trials/match/")
    axe_page.get_by_label("Your latest ALSFRS-R total (0–48)").fill("38")
    axe_page.get_by_label("Your age (years)").fill("200")  # refused beside the field
    axe_page.get_by_role("button", name="Check the trials").click()
    found += [f"match results: {v}" for v in violations(axe_page)]
    sign_in(axe_page, site, "coordinator@demo.cellpath.test", "demo-coordinator-riverside")
    record = Patient.objects.filter(site__code="riv").first()
    found += check(axe_page, f"{site}/trials/match/patient/{record.pk}/")
    assert not found, "\n".join(found)
