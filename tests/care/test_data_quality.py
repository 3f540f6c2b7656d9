"""Data-quality rules that warn (never refuse): unusual but possible values, visits seen outside
their window, stages the ALSFRS-R implies that the record's dates do not show, and records from
before a refusing rule existed that break it (issue 18)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from cellpath.care.data_quality import (
    RULES,
    after_death_findings,
    alsfrs_r_change_findings,
    consent_findings,
    consent_state,
    date_order_findings,
    fvc_percent_findings,
    item5_findings,
    open_event_at_death_findings,
    serious_without_criterion_findings,
    unlinked_programme_findings,
    ventilation_findings,
    visit_window_findings,
    weight_change_findings,
)


@pytest.mark.parametrize(
    ("percent", "warned"),
    [(None, False), (20, False), (19.9, True), (80, False), (150, False), (150.5, True)],
)
def test_it_warns_about_fvc_percent_outside_20_to_150(percent, warned) -> None:
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


@pytest.mark.parametrize(
    ("measured_on", "warned"),
    [
        (date(2025, 1, 20), True),  # 15 % in under three weeks
        (date(2025, 2, 1), True),  # 15 % in a month
        (date(2025, 2, 16), False),  # 15 % in a month and a half: 10 % a month
        (date(2025, 7, 1), False),  # 15 % in six months: real loss in ALS, not a typing error
    ],
)
def test_a_weight_change_is_judged_per_month_between_the_weights(measured_on, warned) -> None:
    findings = weight_change_findings(
        Decimal("59.5"), Decimal("70.0"), date(2025, 1, 1), measured_on
    )
    assert bool(findings) is warned
    assert all(f.rule == "weight_change" for f in findings)


def test_the_weight_message_says_which_way_and_since_when() -> None:
    (finding,) = weight_change_findings(Decimal("154.0"), Decimal("70.0"), date(2025, 1, 6))
    assert "up 120 %" in finding.message and "70.0 kg on 06 January 2025" in finding.message


@pytest.mark.parametrize(
    ("total", "previous", "warned"),
    [(40, None, False), (40, 35, False), (41, 35, True), (20, 40, False)],
)
def test_it_warns_when_the_alsfrs_r_total_rises_six_points_or_more(total, previous, warned) -> None:
    assert bool(alsfrs_r_change_findings(total, previous)) is warned


@pytest.mark.parametrize(
    ("total", "days", "warned"),
    [
        (34, 30, True),  # 6 points in a month
        (35, 14, False),  # 5 points in two weeks: under the 6-point floor
        (34, 14, True),  # 6 points in two weeks count as a month: 6 a month
        (30, 91, False),  # 10 points in three months: 3.3 a month, a fast progressor
        (20, 61, True),  # 20 points in two months: 10 a month
    ],
)
def test_a_fall_faster_than_five_points_a_month_is_asked_about(total, days, warned) -> None:
    first = date(2025, 1, 1)
    findings = alsfrs_r_change_findings(total, 40, first, first + timedelta(days=days))
    assert bool(findings) is warned
    if warned:
        assert findings[0].rule == "alsfrs_r_change"
        assert f"fell {40 - total} points" in findings[0].message


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


@pytest.mark.parametrize(
    ("item12", "niv", "trach", "expected"),
    [
        (None, None, None, None),
        (4, None, None, None),
        (3, None, None, "no date when non-invasive ventilation started"),
        (2, date(2025, 7, 1), None, "non-invasive ventilation only from 1 July 2025"),
        (1, date(2025, 5, 1), None, None),
        (2, None, date(2025, 5, 1), None),  # ventilated through the tracheostomy
        (0, date(2025, 5, 1), None, "has no tracheostomy date"),
        (0, None, date(2025, 5, 1), None),
        (4, None, date(2025, 5, 1), "tracheostomy since 1 May 2025"),
        (4, date(2025, 5, 1), None, None),  # NIV stopped: not asked about
    ],
)
def test_item_12_and_the_ventilation_dates_must_agree(item12, niv, trach, expected) -> None:
    findings = ventilation_findings(
        item12=item12, niv_date=niv, tracheostomy_date=trach, assessed_on=date(2025, 6, 1)
    )
    assert [f.rule for f in findings] == (["ventilation"] if expected else [])
    if expected:
        assert expected in findings[0].message


def test_dates_in_an_impossible_order_are_found_with_both_dates() -> None:
    findings = date_order_findings(
        "patient",
        [
            ("symptom onset", date(2024, 3, 1), "diagnosis", date(2024, 1, 10)),
            ("symptom onset", date(2024, 3, 1), "gastrostomy", None),
            ("date of birth", date(1960, 1, 1), "symptom onset", date(2024, 3, 1)),
        ],
    )
    assert [f.message for f in findings] == [
        "Diagnosis (10 January 2024) is before symptom onset (1 March 2024). Check both dates."
    ]


def test_what_is_dated_after_death_is_found() -> None:
    death = date(2026, 9, 8)
    assert not after_death_findings(what="an ALSFRS-R", day=death, death_date=death)
    assert not after_death_findings(what="an ALSFRS-R", day=date(2026, 9, 28), death_date=None)
    (finding,) = after_death_findings(what="an ALSFRS-R", day=date(2026, 9, 28), death_date=death)
    assert finding.message.startswith("An ALSFRS-R is dated 28 September 2026, after the")


@pytest.mark.parametrize(
    ("day", "state"),
    [
        (date(2025, 1, 31), "none"),
        (date(2025, 2, 1), "active"),  # given that day
        (date(2025, 5, 31), "active"),
        (date(2025, 6, 1), "withdrawn"),  # withdrawn that day
        (date(2025, 9, 1), "active"),  # a new consent after the withdrawal
    ],
)
def test_a_consent_covers_the_days_from_it_was_given_to_its_withdrawal(day, state) -> None:
    consents = [(date(2025, 2, 1), date(2025, 6, 1)), (date(2025, 9, 1), None)]
    assert consent_state(day, consents) == state
    assert bool(consent_findings(what="a dose", day=day, consents=consents)) is (state != "active")


def test_a_dose_after_withdrawal_says_so() -> None:
    (finding,) = consent_findings(
        what="a dose", day=date(2025, 7, 1), consents=[(date(2025, 2, 1), date(2025, 6, 1))]
    )
    assert "after the patient withdrew consent to treatment" in finding.message


def test_an_open_adverse_event_at_death_is_asked_about() -> None:
    death = date(2026, 9, 8)
    assert not open_event_at_death_findings(description="Fever", is_open=False, death_date=death)
    assert not open_event_at_death_findings(description="Fever", is_open=True, death_date=None)
    (finding,) = open_event_at_death_findings(description="Fever", is_open=True, death_date=death)
    assert "“Fever” is still open" in finding.message


def test_every_finding_names_a_known_rule() -> None:
    day = date(2025, 6, 1)
    findings = [
        *fvc_percent_findings(5),
        *weight_change_findings(Decimal("90"), Decimal("70")),
        *alsfrs_r_change_findings(46, 30),
        *item5_findings(answered_5b=True, gastrostomy_date=None, assessed_on=day),
        *ventilation_findings(item12=0, niv_date=None, tracheostomy_date=None, assessed_on=day),
        *visit_window_findings(seen_on=day, due=date(2025, 1, 1), window_days=7),
        *date_order_findings("x", [("a", day, "b", date(2025, 1, 1))]),
        *after_death_findings(what="a visit", day=day, death_date=date(2025, 1, 1)),
        *consent_findings(what="a dose", day=day, consents=[]),
        *open_event_at_death_findings(description="x", is_open=True, death_date=day),
        *unlinked_programme_findings(programme_name="x", linked=False, confirmed_not_listed=False),
        *serious_without_criterion_findings(description="x", serious=True, criteria=[False]),
    ]
    assert len(findings) == 12
    assert all(f.rule in RULES for f in findings)


def test_a_serious_event_without_a_criterion_is_asked_about() -> None:
    assert not serious_without_criterion_findings(description="x", serious=False, criteria=[])
    assert not serious_without_criterion_findings(
        description="x", serious=True, criteria=[False, True]
    )
    (finding,) = serious_without_criterion_findings(
        description="Fever", serious=True, criteria=[False] * 6
    )
    assert "“Fever” has no seriousness criterion" in finding.message
