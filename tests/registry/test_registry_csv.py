"""Bulk CSV parsing and formatting used by the registry commands."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cellpath.registry.csvio import (
    bytes_column,
    date_column,
    fixed_column,
    int_column,
    join_rows,
    label_column,
    read_csv,
)
from cellpath.registry.tables import map_ids, parse_dates, parse_floats, parse_items


def test_dates_are_strict_iso_calendar_dates():
    col = np.array(
        [
            b"2024-02-29",
            b"2023-02-29",
            b"2021-13-01",
            b"2021-1-01",
            b"01/02/2021",
            b"",
            b"2021-12-31",
        ]
    )
    days, bad = parse_dates(col)
    assert bad.tolist() == [False, True, True, True, True, False, False]
    assert days[0] == np.datetime64("2024-02-29").astype(np.int64)
    assert days[6] == np.datetime64("2021-12-31").astype(np.int64)
    assert days[5] == np.iinfo(np.int64).min  # blank = missing, not an error


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_dates_round_trip(day):
    days, bad = parse_dates(np.array([day.isoformat().encode()]))
    assert not bad[0]
    assert join_rows(["d"], [date_column(days)]) == f"d\n{day.isoformat()}\n".encode()


def test_items_accept_only_single_digits_0_to_4():
    vals, bad = parse_items(np.array([b"0", b"4", b"", b"5", b"x", b"10", b"-1"]))
    assert vals[:3].tolist() == [0, 4, -1]
    assert bad.tolist() == [False, False, False, True, True, True, True]


def test_floats_reject_text_and_non_finite_values():
    vals, bad = parse_floats(np.array([b"81.5", b"", b"abc", b"nan", b"1e2"]))
    assert bad.tolist() == [False, False, True, True, False]
    assert vals[0] == 81.5 and vals[4] == 100.0 and np.isnan(vals[1])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=30))
def test_fixed_decimals_match_python_formatting(values):
    text = join_rows(["x"], [fixed_column(np.array(values), 4)]).decode().split("\n")[1:-1]
    for got, v in zip(text, values, strict=True):
        scaled = abs(v) * 1e4
        if abs(scaled - np.floor(scaled) - 0.5) < 1e-6:
            continue  # a half-way case: binary and decimal rounding may legitimately differ
        want = f"{v:.4f}"
        assert got == ("0.0000" if want == "-0.0000" else want)


def test_writer_formats_each_kind_of_column():
    out = join_rows(
        ["id", "n", "x", "d", "stage"],
        [
            bytes_column(np.array([b"P1", b"a,b", b'q"t'])),
            int_column(np.array([0, -12, 345]), missing=np.array([False, False, True])),
            fixed_column(np.array([1.5, np.nan, -0.00001]), 2),
            date_column(np.array(["2020-02-29", "NaT", "1999-01-05"], dtype="M8[D]")),
            label_column(np.array([4, 5, 0]), ("0", "1", "2", "3", "4A", "4B")),
        ],
    )
    assert out.decode() == (
        'id,n,x,d,stage\nP1,0,1.50,2020-02-29,4A\n"a,b",-12,,,4B\n"q""t",,0.00,1999-01-05,0\n'
    )


def test_quoted_and_plain_files_read_the_same(tmp_path):
    plain = tmp_path / "plain.csv"
    quoted = tmp_path / "quoted.csv"
    plain.write_bytes(b"\xef\xbb\xbfA, b ,c\r\n1, x ,3\r\n\r\n4,y,6\r\n  \r\n7,z\r\n")
    quoted.write_bytes(b'a,b,c\n1,"x",3\n\n"4","y",6\n7,z\n')
    for path in (plain, quoted):
        table = read_csv(path, ["a", "b", "missing"])
        assert table.header == ["a", "b", "c"]
        assert table.columns["a"].tolist() == [b"1", b"4"]
        assert table.columns["b"].tolist() == [b"x", b"y"]
        assert "missing" not in table.columns
        assert table.lines.tolist() == [2, 4]
        assert table.problems == [(6 if path is plain else 5, "expected 3 fields, found 2")]


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "e.csv"
    path.write_bytes(b"\n  \n")
    with pytest.raises(ValueError, match="empty"):
        read_csv(path, ["a"])


@pytest.mark.parametrize(
    "ids", [[b"P2", b"P10", b"A"], [b"patient-000000002", b"patient-10", b"a-very-long-id-x"]]
)
def test_ids_are_matched_exactly_whatever_their_length(ids):
    patients = np.array(ids)
    visits = np.array([ids[1], b"nope", ids[0], ids[2], ids[1] + b"x", b""])
    assert map_ids(patients, visits).tolist() == [1, -1, 0, 2, -1, -1]
