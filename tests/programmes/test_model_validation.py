"""A programme's facts must agree with each other; each refusal says what to fix."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cellpath.programmes.models import Programme
from tests.programmes.kit import clinic_data, trial_data


def errors(**data: object) -> dict[str, list[str]]:
    """The messages of field validation and of `clean()` (the site is not part of the data)."""
    found: dict[str, list[str]] = {}
    programme = Programme(**data)
    for check in (lambda: programme.clean_fields(exclude={"site"}), programme.clean):
        try:
            check()
        except ValidationError as error:
            found.update(error.message_dict)
    return found


def test_it_accepts_a_consistent_trial_and_clinic() -> None:
    assert errors(**trial_data()) == {}
    assert errors(**clinic_data()) == {}


def test_it_needs_a_registry_id_for_an_approved_trial() -> None:
    found = errors(**trial_data(registry_id=""))
    assert "needs its registry ID" in found["registry_id"][0]


def test_it_needs_a_currency_with_a_price() -> None:
    found = errors(**clinic_data(price_currency=""))
    assert found["price_currency"] == ["Give the currency of the price, such as USD or EUR."]


def test_it_refuses_a_free_programme_with_a_price() -> None:
    found = errors(**trial_data(price_amount=Decimal("100"), price_currency="USD"))
    assert "cannot be free and have a price" in found["is_free"][0]


def test_it_refuses_a_negative_price() -> None:
    found = errors(**clinic_data(price_amount=Decimal("-1")))
    assert found["price_amount"] == ["A price cannot be below zero."]


def test_it_refuses_unknown_routes() -> None:
    assert errors(**trial_data(routes="intrathecal nasal"))["routes"] == ["Unknown route: nasal."]


def test_it_needs_the_ind_number_and_the_ethics_committee() -> None:
    assert "IND number" in errors(**trial_data(regulatory_status="ind"))["ind_number"][0]
    found = errors(**trial_data(regulatory_status="ethics_approval"))
    assert found["ethics_approval"] == ["Say which ethics committee approved it."]


def test_it_keeps_page_addresses_out_of_slugs() -> None:
    assert "slug" in errors(**trial_data(slug="compare"))


@pytest.mark.django_db
def test_it_checks_the_registry_id_format_and_the_currency_code(world) -> None:
    programme = Programme(
        site=world.site_a, **clinic_data(registry_id="NCT123", price_currency="usd")
    )
    with pytest.raises(ValidationError) as raised:
        programme.full_clean()
    assert "NCT followed by 8 digits" in raised.value.message_dict["registry_id"][0]
    assert "3-letter currency code" in raised.value.message_dict["price_currency"][0]


def test_it_shows_a_free_trial_and_a_price_in_plain_words() -> None:
    assert Programme(**trial_data()).price_display == "Free — clinical trial"
    assert Programme(**clinic_data()).price_display == "18,500 USD"
    assert Programme(**clinic_data(price_amount=Decimal("99.50"))).price_display == "99.50 USD"
    assert Programme(**clinic_data(price_amount=None)).price_display == "Price not stated"
