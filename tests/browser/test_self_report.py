"""A patient on a phone answers the ALSFRS-R from home: one question per screen, then a review,
then the total the engine computed — never typed — and the new point on their progression."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cellpath.accounts.roles import Role
from cellpath.care import services
from cellpath.care.models import AlsfrsR, FollowUpPlan, PlanTimepoint
from cellpath.outcomes.alsfrs_questions import questions_for
from tests.factories import PASSWORD, PatientFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
ANSWERS = [3, 3, 3, 2, 3, 2, 2, 1, 1, 3, 4, 4]  # total 31


@pytest.fixture
def patient_site(transactional_db, live_server):
    site = SiteFactory(name="Riverside", code="riv")
    user = UserFactory(email="ana@example.org", memberships=[(site, Role.PATIENT)])
    patient = PatientFactory(site=site, user=user, full_name="Ana Example")
    # Its own plan: the migration's default plan is gone once a transactional test has flushed.
    plan = FollowUpPlan.objects.create(name="Portal test plan")
    for label, offset, window in (("Baseline", 0, 7), ("1 month", 30, 7), ("2 months", 61, 7)):
        PlanTimepoint.objects.create(plan=plan, label=label, day_offset=offset, window_days=window)
    services.course_start(
        follow_up_plan=plan,
        actor="test",
        patient=patient,
        programme_name="Cord MSC programme",
        cell_type="msc",
        donor="allogeneic",
        tissue="umbilical_cord",
        route="intravenous",
        started_on=timezone.localdate() - timedelta(days=30),  # the 1-month visit is due
    )
    return live_server.url, patient


def test_a_patient_answers_on_a_phone_and_sees_the_new_total(browser, patient_site) -> None:
    base, patient = patient_site
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{base}/accounts/sign-in/")
        page.get_by_label("E-mail address").fill("ana@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Hello, Ana Example"
        page.get_by_role("link", name="Answer the questionnaire").click()
        page.get_by_role("link", name="Start").click()

        questions = questions_for(gastrostomy=False)
        for step, (question, value) in enumerate(zip(questions, ANSWERS, strict=True), start=1):
            expect(page.get_by_text(f"Question {step} of 12")).to_be_visible()
            group = page.get_by_role("group", name=question.question)
            assert group.get_by_role("radio").count() == 5
            fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            assert fits, f"question {step} scrolls sideways on a phone"
            wording = dict(question.plain_choices())[value]
            if step == 1:  # from the keyboard: arrows move the choice, Enter goes on
                group.get_by_role("radio").first.focus()
                page.keyboard.press("ArrowDown")
                assert group.get_by_role("radio", name=wording, exact=True).is_checked()
                page.keyboard.press("Enter")
            else:
                group.get_by_role("radio", name=wording, exact=True).check()
                page.get_by_role("button", name="Next", exact=False).first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
        assert page.get_by_role("link", name="Change").count() == 12
        page.get_by_role("button", name="Send my answers").click()

        expect(page.get_by_text("31 out of 48")).to_be_visible()
        assert "not a medical assessment" in page.content()
        saved = AlsfrsR.objects.get(patient=patient)
        assert saved.respondent == "self" and saved.q1 == 3 and saved.q12 == 4

        # The new point is on the progression chart, and in its table alternative.
        page.get_by_role("link", name="See my progression").click()
        table = page.get_by_role("table", name="The score at each questionnaire")
        row = table.get_by_role("row", name=f"{saved.assessed_on:%-d %b %Y}")
        expect(row.get_by_role("cell").nth(1)).to_have_text("31")
    finally:
        context.close()
