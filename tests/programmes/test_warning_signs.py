"""Warning signs (FDA 2021, ISSCR): each fires for the programme that shows it, none for a
properly registered free trial. The function is pure: unsaved programmes, no queries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cellpath.programmes.models import Programme
from cellpath.programmes.warning_signs import ALL_SIGNS, warning_signs
from tests.programmes.kit import clinic_data, trial_data

CODES = [sign.code for sign in ALL_SIGNS]


def codes(**data: object) -> list[str]:
    return [sign.code for sign in warning_signs(Programme(**data))]


def test_it_finds_none_for_a_registered_free_trial() -> None:
    """(No test here may touch the database: any query would fail.)"""
    assert codes(**trial_data()) == []


def test_it_finds_all_six_for_a_paid_clinic_that_shows_them_all() -> None:
    assert codes(**clinic_data()) == CODES


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"is_free": False, "price_amount": Decimal("5000"), "price_currency": "USD",
          "kind": "paid_clinic", "regulatory_status": "none_stated"}, "payment_outside_trial"),
        ({"registry_id": "", "regulatory_status": "ethics_approval"}, "no_registry_id"),
        ({"uses_testimonials": True}, "testimonials"),
        ({"conditions_offered": "Autism\nKnee arthritis"}, "many_diseases"),
        ({"has_written_protocol": False}, "no_protocol"),
        ({"claims_no_risk": True}, "no_risk_claim"),
    ],
)  # fmt: skip
def test_it_fires_each_sign_alone(change: dict, expected: str) -> None:
    assert codes(**trial_data(**change)) == [expected]


def test_it_counts_payment_in_a_registered_trial_as_no_payment_sign() -> None:
    """The FDA sign is about payment outside a registered trial."""
    assert "payment_outside_trial" not in codes(
        **trial_data(is_free=False, price_amount=Decimal("100"), price_currency="USD")
    )


def test_it_flags_a_trial_that_is_not_free_and_not_registered() -> None:
    found = codes(**trial_data(is_free=False, registry_id="", regulatory_status="ind"))
    assert found == ["payment_outside_trial", "no_registry_id"]


def test_it_does_not_flag_payment_for_an_approved_product() -> None:
    found = codes(**clinic_data(product_approved_for_als=True))
    assert "payment_outside_trial" not in found


def test_it_ignores_blank_lines_as_other_conditions() -> None:
    assert "many_diseases" not in codes(**trial_data(conditions_offered="  \n "))


def test_it_explains_each_sign_in_plain_words_with_its_source() -> None:
    for sign in ALL_SIGNS:
        assert sign.title and sign.explanation and sign.source
        assert "FDA" in sign.source or "ISSCR" in sign.source
    assert "likely being deceived" in ALL_SIGNS[0].explanation


def test_every_sign_says_what_to_ask_the_programme() -> None:
    from cellpath.programmes.warning_signs import ALL_SIGNS

    for sign in ALL_SIGNS:
        assert sign.ask.strip().endswith(("?", "."))
        assert "?" in sign.ask
