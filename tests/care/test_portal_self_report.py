"""The self-reported ALSFRS-R in the patient portal: one question per screen, answers kept in the
session, a review with change links, the total computed (never typed), one per day."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from cellpath.accounts.models import AuditEvent
from cellpath.care import services
from cellpath.care.models import AlsfrsR
from cellpath.care.models.assessments import Respondent

ANSWERS = [4, 3, 3, 2, 3, 2, 2, 1, 1, 3, 4, 4]  # q1 … q12, item 5 as asked: total 32


def post(client, url: str, data: dict | None = None):
    client.get(reverse("home"))  # every page carries the CSRF cookie (the sign-out form)
    return client.post(
        url, {**(data or {}), "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )


def chosen(page: str) -> list[str]:
    """The values of the radio buttons shown as chosen."""
    return re.findall(r'<input type="radio" name="answer" value="(\d)"[^>]* checked', page)


def question_url(step: int) -> str:
    return reverse("care:portal-alsfrs-question", args=[step])


def answer_all(client, answers=ANSWERS) -> None:
    for step, value in enumerate(answers, start=1):
        response = post(client, question_url(step), {"answer": value, "go": "next"})
        assert response.status_code == 302


def test_it_asks_one_question_per_screen_with_the_question_as_legend(world, client_for) -> None:
    page = client_for("patient_a").get(question_url(3)).content.decode()
    assert "Question 3 of 12" in page
    assert "<legend><h1>How is your swallowing?</h1></legend>" in page
    assert page.count('type="radio"') == 5
    assert '<label for="id_answer_0">Normal eating habits</label>' in page
    assert "How is your speech?" not in page


def test_it_walks_through_twelve_questions_and_shows_the_computed_total(world, client_for) -> None:
    client = client_for("patient_a")
    response = post(client, question_url(1), {"answer": 4, "go": "next"})
    assert response["Location"] == question_url(2)
    answer_all(client)
    review = client.get(reverse("care:portal-alsfrs-review")).content.decode()
    assert "Detectable speech disturbance" not in review  # q1 was answered 4
    assert "Normal speech processes" in review and review.count(">Change<") == 12
    response = post(client, reverse("care:portal-alsfrs-review"))
    assert response["Location"] == reverse("care:portal-alsfrs-done")
    saved = AlsfrsR.objects.get(patient=world.patient_a)
    assert saved.respondent == Respondent.SELF and saved.assessed_on == timezone.localdate()
    assert (saved.q5a, saved.q5b, saved.entered_by) == (3, None, world.users["patient_a"])
    done = client.get(reverse("care:portal-alsfrs-done")).content.decode()
    assert "32 out of 48" in done
    assert "not a medical assessment" in done


def test_a_patient_with_a_feeding_tube_is_asked_item_5b(world, client_for) -> None:
    services.patient_update(
        actor="test", patient=world.patient_a, gastrostomy_date=date(2025, 1, 10)
    )
    client = client_for("patient_a")
    assert "With your feeding tube" in client.get(question_url(5)).content.decode()
    answer_all(client)
    post(client, reverse("care:portal-alsfrs-review"))
    saved = AlsfrsR.objects.get(patient=world.patient_a)
    assert (saved.q5a, saved.q5b) == (None, 3)


def test_next_without_an_answer_is_refused_with_a_message_the_screen_reader_announces(
    world, client_for
) -> None:
    response = post(client_for("patient_a"), question_url(2), {"go": "next"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in page and "Choose the answer that fits you best." in page
    assert 'aria-describedby="answer-error"' in page and "<title>Error:" in page


def test_back_keeps_the_answers_and_shows_them_chosen(world, client_for) -> None:
    client = client_for("patient_a")
    post(client, question_url(1), {"answer": 2, "go": "next"})
    response = post(client, question_url(2), {"answer": 1, "go": "back"})
    assert response["Location"] == question_url(1)
    assert chosen(client.get(question_url(1)).content.decode()) == ["2"]
    assert chosen(client.get(question_url(2)).content.decode()) == ["1"]
    assert chosen(client.get(question_url(3)).content.decode()) == []
    assert post(client, question_url(1), {"go": "back"})["Location"] == reverse(
        "care:portal-alsfrs"
    )


def test_leaving_and_coming_back_resumes_where_the_patient_stopped(world, client_for) -> None:
    client = client_for("patient_a")
    for step in (1, 2, 3):
        post(client, question_url(step), {"answer": 4, "go": "next"})
    client.get(reverse("home"))
    start = client.get(reverse("care:portal-alsfrs")).content.decode()
    assert "Continue where I stopped (3 of 12 answered)" in start
    assert f'href="{question_url(4)}"' in start
    post(client, reverse("care:portal-alsfrs"))  # start again
    assert (
        'href="' + question_url(1) + '">Start'
        in client.get(reverse("care:portal-alsfrs")).content.decode()
    )


def test_change_from_the_review_returns_to_the_review(world, client_for) -> None:
    client = client_for("patient_a")
    answer_all(client)
    review = client.get(reverse("care:portal-alsfrs-review")).content.decode()
    assert f'href="{question_url(8)}?return=review"' in review
    page = client.get(question_url(8) + "?return=review").content.decode()
    assert "Save and go back to my answers" in page
    response = post(client, question_url(8), {"answer": 4, "go": "next", "return": "review"})
    assert response["Location"] == reverse("care:portal-alsfrs-review")
    post(client, reverse("care:portal-alsfrs-review"))
    assert AlsfrsR.objects.get(patient=world.patient_a).q8 == 4


def test_an_incomplete_questionnaire_cannot_be_sent(world, client_for) -> None:
    client = client_for("patient_a")
    answer_all(client, ANSWERS[:11])
    review = client.get(reverse("care:portal-alsfrs-review")).content.decode()
    assert "Not answered yet" in review and "Send my answers" not in review
    assert post(client, reverse("care:portal-alsfrs-review")).status_code == 200
    assert not AlsfrsR.objects.filter(patient=world.patient_a).exists()


def test_a_second_questionnaire_the_same_day_is_refused_plainly(world, client_for) -> None:
    client = client_for("patient_a")
    answer_all(client)
    post(client, reverse("care:portal-alsfrs-review"))
    answer_all(client)
    response = post(client, reverse("care:portal-alsfrs-review"))
    assert response.status_code == 200
    assert "already been answered today" in response.content.decode()
    assert AlsfrsR.objects.filter(patient=world.patient_a).count() == 1
    assert "Already answered today" in client.get(reverse("care:portal-alsfrs")).content.decode()


def test_the_self_report_marks_the_due_visit_as_seen_and_is_audited(world, client_for) -> None:
    today = timezone.localdate()
    course = services.course_start(
        actor="test",
        patient=world.patient_a,
        programme_name="Trial",
        cell_type="msc",
        donor="allogeneic",
        tissue="umbilical_cord",
        route="intravenous",
        started_on=today - timedelta(days=30),
    )
    month = course.visits.get(label="1 month")
    client = client_for("patient_a")
    assert "A follow-up is due now" in client.get(reverse("care:portal-alsfrs")).content.decode()
    answer_all(client)
    post(client, reverse("care:portal-alsfrs-review"))
    month.refresh_from_db()
    assert month.visit_date == today
    assert AuditEvent.objects.filter(
        action="create", object_type="care.alsfrsr", actor=world.users["patient_a"]
    ).exists()


def test_the_done_page_shows_only_the_patients_own_questionnaire(world, client_for) -> None:
    other = services.alsfrs_r_record(
        actor="test",
        patient=world.patient_b,
        assessed_on=date(2025, 1, 2),
        respondent="clinic",
        items=dict(q1=4, q2=4, q3=4, q4=4, q5a=4, q6=4, q7=4, q8=4, q9=4, q10=4, q11=4, q12=4),
    )
    client = client_for("patient_a")
    session = client.session
    session["cellpath_portal_alsfrs_r_done"] = other.pk
    session.save()
    response = client.get(reverse("care:portal-alsfrs-done"))
    assert response.status_code == 302 and response["Location"] == reverse("care:portal-alsfrs")


def test_questions_beyond_the_last_are_not_found(world, client_for) -> None:
    client = client_for("patient_a")
    assert client.get(question_url(0)).status_code == 404
    assert client.get(question_url(13)).status_code == 404


def test_the_wizard_pages_run_a_bounded_number_of_queries(
    world, client_for, django_assert_max_num_queries
) -> None:
    client = client_for("patient_a")
    answer_all(client)
    for url in (question_url(5), reverse("care:portal-alsfrs-review")):
        with django_assert_max_num_queries(15):
            assert client.get(url).status_code == 200
