"""ENCALS survival model (Westeneng 2018, coefficients via Precision-ALS) and TRICALS."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cellpath.outcomes.survival import (
    encals_baseline_log_odds,
    encals_linear_predictor,
    encals_median_survival,
    encals_survival,
    encals_survival_quantile,
    encals_transforms,
    tricals_linear_predictor,
)

W_ENC = {
    "delta_fs": 0.5,
    "diagnostic_delay": 12,
    "age_at_onset": 60,
    "fvc_percent": 90,
    "bulbar_onset": 0,
    "definite": 0,
    "ftd": 0,
    "c9orf72": 0,
}


def test_it_reproduces_the_worked_example():
    """W-ENC (als-measures.md §10): transforms, LP −4.6793, S(t), median 38.11 months."""
    transforms = encals_transforms(0.5, 12, 60, 90)
    assert [float(x) for x in transforms] == pytest.approx(
        [1.290994, 1.095192, 2.777778, 2.165204], abs=1e-6
    )
    lp = float(encals_linear_predictor(**W_ENC))
    assert lp == pytest.approx(-4.6793, abs=1e-4)
    s = encals_survival([12, 24, 36, 60], lp)
    assert s.tolist() == pytest.approx([0.9828, 0.8414, 0.5497, 0.1846], abs=1e-4)
    assert float(encals_median_survival(lp)) == pytest.approx(38.11, abs=0.01)


def test_baseline_spline_reference_points():
    """Precision-ALS baseline with the k_max term cubed (§4.3 reference values)."""
    s = encals_baseline_log_odds([12, 24, 36, 60])
    assert s.tolist() == pytest.approx([0.635862, 3.010979, 4.479710, 6.164846], abs=1e-6)


def test_median_against_the_reference_table():
    """§4.3: LP −6 → 56.89 … 0 → 9.83 months."""
    medians = encals_median_survival([-6, -5, -4, -3, -2, -1, 0])
    expected = [56.89, 41.83, 31.49, 23.93, 18.04, 13.42, 9.83]
    assert medians.tolist() == pytest.approx(expected, abs=0.01)


def test_predictors_push_the_prognosis_the_right_way():
    """Westeneng 2018: faster ΔFS, older age, lower FVC, bulbar onset, FTD, C9 → worse."""
    base = float(encals_linear_predictor(**W_ENC))
    for key, value in [
        ("delta_fs", 1.5),
        ("age_at_onset", 75),
        ("fvc_percent", 60),
        ("bulbar_onset", 1),
        ("definite", 1),
        ("ftd", 1),
        ("c9orf72", 1),
        ("diagnostic_delay", 4),
    ]:
        assert float(encals_linear_predictor(**{**W_ENC, key: value})) > base, key


def test_missing_or_invalid_inputs_give_nan():
    assert math.isnan(float(encals_linear_predictor(**{**W_ENC, "c9orf72": np.nan})))
    assert math.isnan(float(encals_linear_predictor(**{**W_ENC, "diagnostic_delay": 0})))
    assert math.isnan(float(encals_linear_predictor(**{**W_ENC, "ftd": 2})))
    assert math.isnan(float(encals_median_survival(np.nan)))


def test_tricals_has_seven_predictors_without_c9orf72():
    """Precision-ALS "TRICALS Risk Profile" coefficients."""
    args = {k: v for k, v in W_ENC.items() if k != "c9orf72"}
    args["disease_duration"] = args.pop("diagnostic_delay")
    args["vc_percent"] = args.pop("fvc_percent")
    lp7 = float(tricals_linear_predictor(**args))
    t = [1.290994, 1.095192, 2.777778, 2.165204]
    expected = -1.839 * t[0] - 2.376 * t[1] - 0.264 * t[2] + 0.474 * t[3]
    assert lp7 == pytest.approx(expected, abs=1e-5)


def test_survival_at_time_zero_is_one():
    assert float(encals_survival(0, -4.0)) == 1.0


@settings(max_examples=150, deadline=None)
@given(
    st.floats(-12, 4, allow_nan=False),
    st.floats(0.01, 600, allow_nan=False),
    st.floats(0.01, 600, allow_nan=False),
)
def test_survival_never_increases_with_time(lp, t1, t2):
    """Proportional-odds baseline is increasing in ln t (Royston-Parmar, Westeneng 2018)."""
    lo, hi = sorted((t1, t2))
    assert float(encals_survival(hi, lp)) <= float(encals_survival(lo, lp))


@settings(max_examples=150, deadline=None)
@given(st.floats(-15, 8, allow_nan=False), st.floats(0.02, 0.98))
def test_the_median_and_quantiles_solve_s_of_t(lp, p):
    """The median is the exact root of S(t) = 0.5 (not Precision-ALS's random draw)."""
    median = float(encals_median_survival(lp))
    assert float(encals_survival(median, lp)) == pytest.approx(0.5, abs=1e-10)
    tq = float(encals_survival_quantile(lp, p))
    assert float(encals_survival(tq, lp)) == pytest.approx(p, abs=1e-10)


def test_quantile_refuses_probabilities_outside_zero_one():
    with pytest.raises(ValueError):
        encals_survival_quantile(-4.0, 1.0)


def test_log_survival_is_the_log_of_survival_and_stays_finite_far_out() -> None:
    from cellpath.outcomes.survival import encals_log_survival

    t = np.array([0.0, 1.0, 12.0, 38.11, 120.0])
    lp = -4.6793  # W-ENC: median 38.11 months
    assert np.allclose(np.exp(encals_log_survival(t, lp)), encals_survival(t, lp), rtol=1e-12)
    assert encals_log_survival(0.0, lp) == 0.0
    assert abs(np.exp(encals_log_survival(38.11, lp)) - 0.5) < 1e-3
    # With an extreme LP, S rounds to 0; ln S is still a finite, very negative number.
    assert encals_survival(1e4, 750.0) == 0.0
    far = encals_log_survival(1e4, 750.0)
    assert np.isfinite(far) and far < -700


def test_the_encals_endpoint_is_the_first_of_its_three_events() -> None:
    from cellpath.outcomes.survival import ENCALS_ENDPOINTS, encals_endpoint

    nan = float("nan")
    day, kind = encals_endpoint(
        [30.0, nan, 50.0, nan, 10.0], [20.0, nan, nan, 5.0, 10.0], [25.0, 7.0, 60.0, nan, nan]
    )
    np.testing.assert_array_equal(day, [20.0, 7.0, 50.0, 5.0, 10.0])
    assert [ENCALS_ENDPOINTS[k] for k in kind] == [
        "tracheostomy",
        "niv_full_time",
        "death",
        "tracheostomy",
        "death",  # a tie: death
    ]
    none_day, none_kind = encals_endpoint([nan], [nan], [nan])
    assert np.isnan(none_day[0]) and none_kind[0] == -1
