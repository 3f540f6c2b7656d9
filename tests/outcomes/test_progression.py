"""ΔFS and slopes (Kimura 2006; Labra 2016; month = 365.25/12 days)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cellpath.outcomes.progression import (
    carried_forward,
    delta_fs,
    months_between,
    ols_slope,
    segment_ols_slope,
    two_point_slope,
)
from cellpath.outcomes.vocabulary import DAYS_PER_MONTH


def test_a_month_is_365_25_over_12_days():
    """als-measures.md §2.4 (Precision-ALS; lubridate dmonths)."""
    assert DAYS_PER_MONTH == 30.4375


def test_delta_fs_worked_example():
    """W-DFS: onset 2022-01-15, visit 2022-11-15 (304 days), total 40 → 0.8010/month."""
    months = float(months_between("2022-01-15", "2022-11-15"))
    assert months == pytest.approx(9.9877, abs=1e-4)
    assert float(delta_fs(40, months)) == pytest.approx(0.8010, abs=1e-4)


def test_delta_fs_is_undefined_without_elapsed_time():
    assert math.isnan(float(delta_fs(40, 0.0)))


def test_slope_worked_example():
    """W-SLOPE: totals [44, 42, 39, 37, 35] at 0-12 months → OLS −0.766667, two-point −0.75."""
    t, y = [0, 3, 6, 9, 12], [44, 42, 39, 37, 35]
    assert ols_slope(t, y) == pytest.approx(-0.766667, abs=1e-6)
    assert float(two_point_slope(t[0], y[0], t[-1], y[-1])) == pytest.approx(-0.75)


def test_ols_slope_in_a_window():
    t, y = [0, 3, 6, 9, 12], [44, 42, 39, 37, 35]
    assert ols_slope(t, y, window=(6, 12)) == pytest.approx(-2 / 3)
    assert math.isnan(ols_slope(t, y, window=(13, 20)))


def test_slopes_are_undefined_without_spread_in_time():
    assert math.isnan(ols_slope([0.1, 0.1, 0.1], [40, 41, 42]))
    assert math.isnan(float(two_point_slope(2, 40, 2, 38)))
    out = segment_ols_slope([0, 0, 1], [0.1, 0.1, 5.0], [40, 41, 30], 2)
    assert np.isnan(out).all()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_grouped_ols_equals_one_group_at_a_time(seed):
    rng = np.random.default_rng(seed)
    n_groups = int(rng.integers(1, 20))
    group = rng.integers(0, n_groups, 200)
    t = rng.uniform(0, 60, 200)
    y = rng.integers(0, 49, 200).astype(float)
    window = (10.0, 40.0)
    grouped = segment_ols_slope(group, t, y, n_groups, where=(t >= 10) & (t <= 40))
    for g in range(n_groups):
        one = ols_slope(t[group == g], y[group == g], window=window)
        assert (math.isnan(one) and math.isnan(grouped[g])) or grouped[g] == pytest.approx(one)


def test_carried_forward_worked_example():
    """First ALSFRS-R 42, baseline 36 four months later: pre-slope (36 − 42)/4 = −1.5
    points/month. Expected 36 − 1.5 × 6 = 27 at 6 months after baseline, 18 at 12, 0 at 24;
    at 30 months 36 − 45 = −9 stops at the floor, 0."""
    pre = float(two_point_slope(0.0, 42.0, 4.0, 36.0))
    assert pre == -1.5
    got = carried_forward(36, pre, [0.0, 6.0, 12.0, 24.0, 30.0])
    assert got.tolist() == [36.0, 27.0, 18.0, 0.0, 0.0]


def test_carried_forward_stays_on_the_scale_and_is_undefined_without_a_slope():
    assert carried_forward(46, 0.5, 10.0).item() == 48.0  # an improving run-in stops at 48
    assert math.isnan(carried_forward(40, float("nan"), 3.0).item())
    # an FVC % predicted line has no upper bound of 48
    assert carried_forward(90, 2.0, 10.0, bounds=(0.0, np.inf)).item() == 110.0
    # arrays: one patient per row, as the cohort report uses it
    np.testing.assert_allclose(carried_forward([40, 20], [-1.0, -3.0], [2.0, 10.0]), [38, 0])
