"""The cohort report's statistics, against hand-worked examples and independent implementations
(lifelines for Kaplan–Meier, SciPy for the exact binomial interval and the Wilcoxon test)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from cellpath.reports.analysis.stats import (
    clopper_pearson,
    expected_events,
    kaplan_meier,
    mean_ci,
    median_iqr,
    median_survival,
    numbers_at_risk,
    observed_expected,
    paired_difference,
    poisson_exact_ci,
    survival_at,
    wilcoxon_signed_rank,
)

# --- Kaplan–Meier ---------------------------------------------------------------------------------


def test_it_reproduces_a_small_curve_by_hand():
    # Six subjects followed from 0; exits 1 2 2 3 4 5, events 1 1 0 1 0 1.
    #   t=1: n=6 d=1  S = 5/6                 Greenwood sum 1/(6·5) = 1/30
    #   t=2: n=5 d=1 (the one censored at 2 is still at risk)
    #        S = 5/6 · 4/5 = 2/3               sum 1/30 + 1/(5·4) = 1/12
    #   t=3: n=3 d=1  S = 2/3 · 2/3 = 4/9      sum 1/12 + 1/(3·2) = 1/4
    #   t=5: n=1 d=1  S = 0                    (interval undefined: NaN)
    # log-log interval: θ = exp(1.959964·sqrt(sum)/ln S), lower = S^(1/θ), upper = S^θ;
    #   t=1: θ = exp(1.959964·0.182574/−0.182322) = 0.140481 → 0.273123, 0.974712
    #   t=2: θ = exp(1.959964·0.288675/−0.405465) = 0.247730 → 0.194617, 0.904434
    #   t=3: θ = exp(1.959964·0.5/−0.810930) = 0.298655 → 0.066187, 0.784908
    km = kaplan_meier([0] * 6, [1, 2, 2, 3, 4, 5], [1, 1, 0, 1, 0, 1])
    assert km.time.tolist() == [0, 1, 2, 3, 5]
    assert km.survival == pytest.approx([1, 5 / 6, 2 / 3, 4 / 9, 0], abs=1e-12)
    assert km.at_risk.tolist() == [6, 6, 5, 3, 1]
    assert km.events.tolist() == [0, 1, 1, 1, 1]
    assert km.lower[:4] == pytest.approx([1, 0.273123, 0.194617, 0.066187], abs=1e-6)
    assert km.upper[:4] == pytest.approx([1, 0.974712, 0.904434, 0.784908], abs=1e-6)
    assert math.isnan(km.lower[4]) and math.isnan(km.upper[4])
    assert (km.end, km.gap_at) == (5.0, None)
    # Right-continuous steps, NaN before 0 and after the last follow-up.
    read = survival_at(km, [-1, 0, 0.5, 1, 1.5, 2, 4.9, 5, 5.1])
    assert read[1:-1] == pytest.approx([1, 1, 5 / 6, 5 / 6, 2 / 3, 4 / 9, 0])
    assert math.isnan(read[0]) and math.isnan(read[-1])


def test_a_subject_entering_at_an_event_time_is_not_at_risk_then():
    # (entry, exit, event): (0,2,1) (0,3,0) (2,3,1) (1,4,1).
    #   t=2: at risk entry < 2 <= exit: subjects 1, 2, 4 (subject 3 enters at 2): n=3, S = 2/3
    #   t=3: subjects 2 (censored at 3), 3, 4: n=3, S = 2/3 · 2/3 = 4/9
    #   t=4: subject 4 alone: S = 0
    # (lifelines counts entry <= t and would have n=4 at t=2.)
    km = kaplan_meier([0, 0, 2, 1], [2, 3, 3, 4], [1, 0, 1, 1])
    assert km.time.tolist() == [0, 2, 3, 4]
    assert km.at_risk.tolist() == [2, 3, 3, 1]
    assert km.survival == pytest.approx([1, 2 / 3, 4 / 9, 0])


def test_the_curve_stops_where_the_risk_set_empties_before_later_entries():
    # Nobody is followed on (2, 3]: survival across it cannot be estimated, so the curve ends at
    # 2 and the events at 5 and 6 are not used.
    km = kaplan_meier([0, 0, 3, 3], [1, 2, 5, 6], [1, 0, 1, 1])
    assert (km.gap_at, km.end) == (2.0, 2.0)
    assert km.time.tolist() == [0, 1]
    assert km.survival == pytest.approx([1, 0.5])
    assert math.isnan(survival_at(km, 4.0))
    assert survival_at(km, 2.0) == pytest.approx(0.5)


def test_it_handles_no_subjects_and_no_events():
    empty = kaplan_meier([], [], [])
    assert empty.time.tolist() == [0] and empty.survival.tolist() == [1]
    assert empty.at_risk.tolist() == [0] and empty.end == 0
    censored = kaplan_meier([0, 0, 1], [3, 4, 5], [0, 0, 0])
    assert censored.time.tolist() == [0] and censored.survival.tolist() == [1]
    assert censored.lower.tolist() == [1] and censored.upper.tolist() == [1]
    assert censored.end == 5 and survival_at(censored, 5) == 1
    assert math.isnan(survival_at(censored, 5.5))


def test_it_refuses_incoherent_follow_up():
    with pytest.raises(ValueError, match="later than entry"):
        kaplan_meier([2], [2], [1])
    with pytest.raises(ValueError, match=">= 0"):
        kaplan_meier([-1], [2], [1])
    with pytest.raises(ValueError, match="0/1"):
        kaplan_meier([0], [2], [2])
    with pytest.raises(ValueError, match="same length"):
        kaplan_meier([0, 0], [2], [1])


def test_numbers_at_risk_count_those_observed_at_t_and_followed_after_it():
    # entry <= t < exit: (0,3) (0,5) (2,4).
    entry, exit = [0, 0, 2], [3, 5, 4]
    assert numbers_at_risk(entry, exit, [0, 1, 2, 3, 4, 5]).tolist() == [2, 2, 3, 2, 1, 0]


def _lifelines_fit(entry, exit, event):
    from lifelines import KaplanMeierFitter

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # lifelines puts a subject entering at t in the risk set at t (entry <= t); a nudge of
        # 1e-7 on integer times gives our entry < t.
        return KaplanMeierFitter().fit(
            durations=exit, event_observed=event, entry=np.asarray(entry, float) + 1e-7
        )


cohorts = st.integers(1, 60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
        st.lists(st.integers(1, 8), min_size=n, max_size=n),
        st.lists(st.booleans(), min_size=n, max_size=n),
    )
)


@settings(max_examples=40)
@given(cohorts)
def test_it_equals_lifelines_with_delayed_entry_and_ties(cohort):
    entry, length, event = cohort
    # One subject followed from 0 to past everyone else (censored) keeps the risk set from
    # emptying: lifelines refuses such data (StatError) where ours stops the curve (tested below).
    entry = np.array([0, *entry], float)
    exit = entry + np.array([15, *length])
    event = np.array([False, *event])
    km = kaplan_meier(entry, exit, event)
    fit = _lifelines_fit(entry, exit, event)
    assert km.gap_at is None
    times = km.time[1:]
    assert times.tolist() == np.unique(exit[event]).tolist()
    if times.size == 0:
        return
    assert km.at_risk[1:].tolist() == fit.event_table.loc[times, "at_risk"].astype(int).tolist()
    assert km.events[1:].tolist() == fit.event_table.loc[times, "observed"].astype(int).tolist()
    lifelines_s = fit.survival_function_.loc[times].to_numpy()[:, 0]
    np.testing.assert_allclose(km.survival[1:], lifelines_s, rtol=0, atol=1e-9)
    # lifelines writes bounds of 0 where S = 0; ours are NaN there.
    positive = km.survival[1:] > 0
    bounds = fit.confidence_interval_.loc[times].to_numpy()[positive]
    np.testing.assert_allclose(km.lower[1:][positive], bounds[:, 0], rtol=0, atol=1e-6)
    np.testing.assert_allclose(km.upper[1:][positive], bounds[:, 1], rtol=0, atol=1e-6)
    assert np.all(np.isnan(km.lower[1:][~positive]))
    # The median: the first time S <= 1/2, as lifelines reports it (inf there when never);
    # where S lands on 1/2 itself, rounding decides, in either implementation.
    median = fit.median_survival_time_
    if not np.any(np.abs(km.survival - 0.5) < 1e-9):
        mine = median_survival(km)
        assert mine == median if np.isfinite(median) else np.isnan(mine)
    # Between event times too (lifelines' timeline starts at its first time, 1e-7 here).
    grid = np.linspace(0.5, km.end, 23)
    np.testing.assert_allclose(
        survival_at(km, grid), fit.survival_function_at_times(grid).to_numpy(), atol=1e-9
    )


def _product_limit_by_definition(entry, exit, event):
    """The estimator written out loop by loop, with the curve stopped at a gap."""
    points = sorted(set(entry) | set(exit))
    gap = next(
        (
            p
            for p in points
            if not any(e <= p < x for e, x in zip(entry, exit, strict=True))
            and any(e > p for e in entry)
        ),
        None,
    )
    times, survival, s = [], [], 1.0
    for t in sorted({x for x, d in zip(exit, event, strict=True) if d}):
        if gap is not None and t > gap:
            break
        n = sum(e < t <= x for e, x in zip(entry, exit, strict=True))
        d = sum(x == t and ev for x, ev in zip(exit, event, strict=True))
        s *= 1 - d / n
        times.append(t)
        survival.append(s)
    return gap, times, survival


sparse_cohorts = st.integers(1, 15).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 20), min_size=n, max_size=n),
        st.lists(st.integers(1, 4), min_size=n, max_size=n),
        st.lists(st.booleans(), min_size=n, max_size=n),
    )
)


@given(st.one_of(cohorts, sparse_cohorts))
def test_it_follows_the_definition_when_the_risk_set_empties(cohort):
    entry, length, event = cohort
    exit = [e + length_ for e, length_ in zip(entry, length, strict=True)]
    km = kaplan_meier(entry, exit, event)
    gap, times, survival = _product_limit_by_definition(entry, exit, event)
    assert km.gap_at == gap
    assert km.time[1:].tolist() == times
    np.testing.assert_allclose(km.survival[1:], survival, rtol=0, atol=1e-12)


def test_it_takes_a_hundred_thousand_subjects_at_once():
    # Its speed is measured by `make bench-reports` (cellpath report on 100,000 patients).
    rng = np.random.default_rng(7)
    entry = rng.uniform(0, 24, 100_000).round(1)
    exit = entry + rng.exponential(30, 100_000).round(1) + 0.1
    event = rng.random(100_000) < 0.6
    km = kaplan_meier(entry, exit, event)
    assert km.time.size > 1000 and np.all(np.diff(km.survival) <= 0)
    assert km.at_risk[1] <= 100_000 and km.events[1:].sum() <= event.sum()


# --- Observed against expected --------------------------------------------------------------------


def test_it_works_out_observed_against_expected_by_hand():
    # O = 3, E = 5.2.
    #   O/E = 3/5.2 = 0.576923
    #   tabulated chi-square: chi2(0.025; 6 df) = 1.237, chi2(0.975; 8 df) = 17.535
    #   interval: 1.237/2/5.2 = 0.11894, 17.535/2/5.2 = 1.68606
    #   z = (3 − 5.2)/sqrt(5.2) = −2.2/2.280351 = −0.964764
    #   p = 2·(1 − Phi(0.964764)); Phi(0.96) = 0.83147, Phi(0.97) = 0.83398 → 0.83268, p = 0.3346
    oe = observed_expected(3, 5.2)
    assert (oe.observed, oe.expected) == (3, 5.2)
    assert oe.ratio == pytest.approx(0.576923, abs=1e-6)
    assert oe.lower == pytest.approx(0.11894, abs=1e-4)
    assert oe.upper == pytest.approx(1.68606, abs=1e-4)
    assert oe.z == pytest.approx(-0.964764, abs=1e-6)
    assert oe.p_value == pytest.approx(0.3346, abs=2e-4)


def test_the_poisson_interval_has_the_tail_probabilities_it_claims():
    # Garwood's bounds solve P(X >= O; lower) = 0.025 and P(X <= O; upper) = 0.025.
    def poisson_cdf(k: int, mu: float) -> float:
        return sum(math.exp(-mu) * mu**i / math.factorial(i) for i in range(k + 1))

    for observed in (1, 3, 12):
        lower, upper = poisson_exact_ci(observed)
        assert 1 - poisson_cdf(observed - 1, lower) == pytest.approx(0.025, abs=1e-9)
        assert poisson_cdf(observed, upper) == pytest.approx(0.025, abs=1e-9)
    # O = 0: lower 0, upper = −ln(0.025) = 3.688879.
    assert poisson_exact_ci(0) == pytest.approx((0.0, 3.688879), abs=1e-6)


def test_expected_events_are_the_models_hazard_over_each_follow_up():
    e = expected_events(np.log([1.0, 0.9, 0.5]), np.log([0.8, 0.45, 0.5]))
    assert e == pytest.approx([math.log(1.25), math.log(2.0), 0.0])
    with pytest.raises(ValueError, match="rise"):
        expected_events([math.log(0.5)], [math.log(0.6)])
    with pytest.raises(ValueError, match="finite"):
        expected_events([0.0], [-math.inf])
    assert math.isnan(observed_expected(2, 0.0).ratio)


# --- Clopper–Pearson ------------------------------------------------------------------------------


def test_clopper_pearson_at_the_ends():
    # k = 0: lower 0, upper solves (1 − p)^n = 0.025: 1 − 0.025^(1/10) = 0.308497.
    assert clopper_pearson(0, 10) == pytest.approx((0.0, 0.308497), abs=1e-6)
    # k = n: mirror image.
    assert clopper_pearson(10, 10) == pytest.approx((0.691503, 1.0), abs=1e-6)
    assert all(math.isnan(x) for x in clopper_pearson(0, 0))
    with pytest.raises(ValueError):
        clopper_pearson(4, 3)


@given(st.integers(1, 300).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_clopper_pearson_equals_scipy(kn):
    k, n = kn
    ci = sps.binomtest(k, n).proportion_ci(method="exact")
    assert clopper_pearson(k, n) == pytest.approx((ci.low, ci.high), abs=1e-12)


# --- Wilcoxon and the paired difference ---------------------------------------------------------


def test_wilcoxon_by_hand():
    # d = 1 2 3 −4 5: ranks of |d| are 1..5, W+ = 1+2+3+5 = 11, W− = 4.
    # Exact: subsets of {1..5} with sum <= 4: {}, {1}, {2}, {3}, {1,2}, {4}, {1,3} = 7 of 32,
    # p = 2·7/32 = 0.4375.
    w = wilcoxon_signed_rank([1, 2, 3, -4, 5])
    assert (w.w_plus, w.statistic, w.method, w.n) == (11, 4, "exact", 5)
    assert w.p_value == pytest.approx(0.4375, abs=1e-12)


def _check_against_scipy(d: np.ndarray) -> None:
    ours = wilcoxon_signed_rank(d)
    if ours.n == 0:
        assert math.isnan(ours.p_value)
        return
    method = "exact" if ours.method == "exact" else "asymptotic"
    theirs = sps.wilcoxon(d, zero_method="wilcox", method=method)
    assert ours.statistic == pytest.approx(float(theirs.statistic), abs=1e-9)
    assert ours.p_value == pytest.approx(float(theirs.pvalue), rel=1e-9, abs=1e-12)


@given(
    st.lists(st.integers(1, 10_000), min_size=1, max_size=45, unique=True),
    st.lists(st.booleans(), min_size=45, max_size=45),
)
def test_wilcoxon_equals_scipy_without_ties(magnitudes, signs):
    d = np.array([m if s else -m for m, s in zip(magnitudes, signs, strict=False)], float) / 7
    assert wilcoxon_signed_rank(d).method == "exact"
    _check_against_scipy(d)


@given(st.lists(st.integers(-6, 6), min_size=1, max_size=80))
def test_wilcoxon_equals_scipy_with_ties_and_zeros(values):
    d = np.array(values, float) / 4
    result = wilcoxon_signed_rank(d)
    has_ties = np.unique(np.abs(d[d != 0])).size < np.count_nonzero(d)
    if has_ties or np.any(d == 0):
        assert result.method in ("normal", "none")
    _check_against_scipy(d)


@given(st.lists(st.floats(-50, 50, allow_nan=False), min_size=51, max_size=120, unique=True))
def test_wilcoxon_uses_the_normal_approximation_above_fifty(values):
    d = np.array(values)
    d = d[d != 0]
    if d.size > 50:
        assert wilcoxon_signed_rank(d).method == "normal"
    _check_against_scipy(d)


def test_the_paired_difference_by_hand():
    # d = after − before = 1..10 shuffled, plus two pairs with a NaN (dropped).
    # Median 5.5. Bin(10, 1/2): P(B <= 1) = 11/1024 = 0.0107 <= 0.025 < P(B <= 2) = 56/1024,
    # so l = 2: interval [d(2), d(9)] = [2, 9], coverage 1 − 2·11/1024 = 0.978516.
    before = np.array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, np.nan, 1.0])
    after = np.array([3, 1, 4, 10, 5, 9, 2, 6, 8, 7, 2.0, np.nan])
    diff = paired_difference(before, after)
    assert (diff.n, diff.median, diff.lower, diff.upper) == (10, 5.5, 2.0, 9.0)
    assert diff.ci_coverage == pytest.approx(1 - 22 / 1024)
    # All ten positive: W+ = 55, W− = 0, exact p = 2/1024.
    assert (diff.wilcoxon.w_plus, diff.wilcoxon.statistic) == (55, 0)
    assert diff.wilcoxon.p_value == pytest.approx(2 / 1024)


def test_the_paired_difference_with_few_pairs():
    none = paired_difference([np.nan, 1.0], [2.0, np.nan])
    assert none.n == 0 and math.isnan(none.median) and math.isnan(none.wilcoxon.p_value)
    five = paired_difference([0.0] * 5, [1.0, 2, 3, 4, 5])
    # 2^-5 = 0.03125 > 0.025: no order-statistic interval reaches 95 % with five pairs.
    assert five.median == 3 and math.isnan(five.lower) and math.isnan(five.upper)


# --- One variable -----------------------------------------------------------------------------


def test_mean_ci_by_hand():
    # 1 2 3 4: mean 2.5, s = sqrt(5/3) = 1.290994, t(0.975; 3) = 3.182446,
    # half-width 3.182446 · 1.290994 / 2 = 2.054260.
    n, mean, lower, upper = mean_ci([1, 2, np.nan, 3, 4])
    assert (n, mean) == (4, 2.5)
    assert (lower, upper) == pytest.approx((2.5 - 2.054260, 2.5 + 2.054260), abs=1e-6)
    assert mean_ci([np.nan]).n == 0 and math.isnan(mean_ci([]).mean)
    one = mean_ci([3.0])
    assert one.mean == 3 and math.isnan(one.lower)


def test_median_iqr_by_hand():
    # Type 7: Q(p) at position 1 + (n − 1)p; n = 4 → Q1 at 1.75, median at 2.5, Q3 at 3.25.
    assert median_iqr([4, np.nan, 1, 3, 2]) == (4, 2.5, 1.75, 3.25)
    empty = median_iqr([np.nan])
    assert empty.n == 0 and math.isnan(empty.median)
