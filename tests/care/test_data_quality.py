"""Data-quality rules that warn (never refuse): unusual but possible values, and visits seen
outside their window."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cellpath.care.data_quality import (
    alsfrs_r_rise_findings,
    fvc_percent_findings,
    item5_findings,
    unlinked_programme_findings,
    visit_window_findings,
    weight_change_findings,
)


@pytest.mark.parametrize(
    ("percent", "warned"),
    [(None, False), (10, False), (9.9, True), (80, False), (150, False), (150.5, True)],
)
def test_it_warns_about_fvc_percent_outside_10_to_150(percent, warned) -> None:
    findings = fvc_percent_findings(percent)
    assert bool(findings) is warned
    if warned:
        assert "% of predicted" in findings[0].message


def test_it_suggests_litres_typed_as_percent_when_fvc_percent_is_tiny() -> None:
    assert "litres were not entered as a percentage" in fvc_percent_findings(3.2)[0].message


@pytest.mark.parametrize(
    ("kg", "previous", "warned"),
    [
        (Decimal("70.0"), None, False),
        (Decimal("77.0"), Decimal("70.0"), False),  # exactly 10 %
        (Decimal("77.1"), Decimal("70.0"), True),
        (Decimal("62.9"), Decimal("70.0"), True),
        (Decimal("63.0"), Decimal("70.0"), False),
    ],
)
def test_it_warns_about_a_weight_change_over_ten_percent(kg, previous, warned) -> None:
    assert bool(weight_change_findings(kg, previous, date(2025, 1, 1))) is warned


def test_the_weight_message_says_which_way_and_since_when() -> None:
    (finding,) = weight_change_findings(Decimal("154.0"), Decimal("70.0"), date(2025, 1, 6))
    assert "up 120 %" in finding.message and "70.0 kg on 06 January 2025" in finding.message


@pytest.mark.parametrize(
    ("total", "previous", "warned"),
    [(40, None, False), (40, 35, False), (41, 35, True), (20, 40, False)],
)
def test_it_warns_when_the_alsfrs_r_total_rises_six_points_or_more(total, previous, warned) -> None:
    assert bool(alsfrs_r_rise_findings(total, previous)) is warned


def test_it_warns_when_5b_is_answered_without_a_gastrostomy_on_the_record() -> None:
    (finding,) = item5_findings(
        answered_5b=True, gastrostomy_date=None, assessed_on=date(2025, 1, 1)
    )
    assert "no gastrostomy date" in finding.message


def test_item5_agreeing_with_the_record_is_not_warned() -> None:
    day = date(2025, 6, 1)
    assert not item5_findings(answered_5b=False, gastrostomy_date=None, assessed_on=day)
    assert not item5_findings(answered_5b=True, gastrostomy_date=date(2025, 5, 1), assessed_on=day)


def test_5a_after_a_recorded_gastrostomy_and_5b_before_it_are_warned() -> None:
    day = date(2025, 6, 1)
    assert item5_findings(answered_5b=False, gastrostomy_date=date(2025, 5, 1), assessed_on=day)
    assert item5_findings(answered_5b=True, gastrostomy_date=date(2025, 7, 1), assessed_on=day)


@pytest.mark.parametrize(
    ("seen_on", "message"),
    [
        (None, None),
        (date(2025, 3, 8), None),  # last day of the window
        (date(2025, 2, 22), None),  # first day of the window
        (date(2025, 3, 9), "Seen 1 day after its window closed"),
        (date(2025, 2, 12), "Seen 10 days before its window opened"),
    ],
)
def test_a_visit_outside_its_window_is_flagged(seen_on, message) -> None:
    findings = visit_window_findings(seen_on=seen_on, due=date(2025, 3, 1), window_days=7)
    assert [f.message.split(" (")[0] for f in findings] == ([message] if message else [])


@pytest.mark.parametrize(
    ("linked", "confirmed", "warned"),
    [(False, False, True), (True, False, False), (False, True, False)],
)
def test_it_asks_about_a_course_that_names_an_unlinked_programme(linked, confirmed, warned) -> None:
    findings = unlinked_programme_findings(
        programme_name=" A clinic abroad ", linked=linked, confirmed_not_listed=confirmed
    )
    assert bool(findings) is warned
    if warned:
        assert findings[0].field == "programme"
        assert "“A clinic abroad”, which is not linked to a programme" in findings[0].message
