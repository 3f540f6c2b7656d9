"""Every study and knowledge page says when it was last reviewed and when it is next due; a page
past its next review says so plainly; the shipped library carries the dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from cellpath.evidence.library import load_library
from cellpath.evidence.models import KnowledgePage, Study
from cellpath.evidence.services import content_save
from tests.evidence.conftest import make_study

pytestmark = pytest.mark.django_db

OVERDUE = "This page is overdue for review."


def _text(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def _page(**dates: object) -> KnowledgePage:
    return content_save(
        actor="test",
        instance=KnowledgePage(slug="reviewed-page", title="T", summary="S", body="B", **dates),
    )


def test_a_study_shows_its_review_dates(client) -> None:
    today = timezone.localdate()
    study = make_study(
        "reviewed-study",
        reviewed_on=today - timedelta(days=30),
        next_review_on=today + timedelta(days=150),
    )
    text = _text(client, study.get_absolute_url())
    last, due = today - timedelta(days=30), today + timedelta(days=150)
    assert f"Last reviewed {last.day} {last:%B %Y}" in text
    assert f"Next review {due.day} {due:%B %Y}" in text
    assert OVERDUE not in text


def test_a_page_past_its_next_review_says_so(client) -> None:
    page = _page(reviewed_on=date(2024, 1, 10), next_review_on=date(2024, 7, 10))
    text = _text(client, page.get_absolute_url())
    assert "Last reviewed 10 January 2024 · Next review 10 July 2024" in text
    assert OVERDUE in text
    assert "was due to be checked again on 10 July 2024" in text


def test_a_study_past_its_next_review_says_so(client) -> None:
    study = make_study(
        "stale-study", reviewed_on=date(2024, 1, 10), next_review_on=date(2024, 7, 10)
    )
    assert OVERDUE in _text(client, study.get_absolute_url())


def test_a_page_never_reviewed_says_so(client) -> None:
    text = _text(client, _page().get_absolute_url())
    assert "Not reviewed yet" in text and OVERDUE not in text


def test_the_next_review_must_follow_the_last() -> None:
    with pytest.raises(ValidationError) as error:
        _page(reviewed_on=date(2026, 6, 1), next_review_on=date(2026, 5, 1))
    assert "next_review_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        make_study("undated", next_review_on=date(2027, 1, 1))


def test_the_shipped_library_carries_review_dates_at_most_six_months_apart() -> None:
    load_library()
    records = [*Study.objects.all(), *KnowledgePage.objects.all()]
    assert records
    for record in records:
        assert record.reviewed_on and record.next_review_on, record.slug
        assert record.next_review_on - record.reviewed_on <= timedelta(days=184), record.slug
