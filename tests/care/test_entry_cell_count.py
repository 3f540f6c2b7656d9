"""A dose is typed the way it is written on the lot sheet: digits with separators, scientific
notation or words; anything ambiguous is refused with a message saying how to write it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cellpath.care.forms_entry import CELLS_HELP, format_cells, parse_cell_count


@pytest.mark.parametrize(
    "text",
    [
        "100000000",
        "100,000,000",
        "100 000 000",
        "100\u202f000\u202f000",
        "100_000_000",
        "1e8",
        "1E+08",
        "1.0e8",
        "1 x 10^8",
        "1×10⁸",
        "100 million",
        "100 Million cells",
        "0.1 billion",
    ],
)
def test_it_reads_one_hundred_million_cells_written_many_ways(text: str) -> None:
    assert parse_cell_count(text) == 100_000_000


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,5 million", "Use a point for decimals"),
        ("lots", "not a number of cells we can read"),
        ("100,00,000", "not a number of cells we can read"),
        ("1.23456e2", "whole number"),
        ("0", "at least 1 cell"),
        ("1e30", "too large"),
    ],
)
def test_it_refuses_what_it_cannot_read_exactly(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_cell_count(text)


def test_the_help_text_says_how_to_write_a_dose() -> None:
    assert "100,000,000" in CELLS_HELP and "1e8" in CELLS_HELP and "100 million" in CELLS_HELP


def test_a_dose_is_shown_with_its_power_of_ten() -> None:
    assert format_cells(150_000_000) == "150,000,000 (1.5 × 10⁸)"
    assert format_cells(None) == "—"
