"""Matched external controls: who is matched to whom, balance, and the outcome comparison.

Sources: Wicks 2011 (curve matching), Austin 2009 (standardised mean difference), Mantel 1966
(log-rank, checked against lifelines).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test

from cellpath.outcomes import cohort
from cellpath.outcomes.synthetic import synthetic_cohort
from cellpath.outcomes.vocabulary import DAYS_PER_MONTH, DAYS_PER_YEAR
from cellpath.reports.analysis import matching
from cellpath.reports.analysis.matching import Histories, MatchSpec

DAY0 = 18_000  # 2019-04-14


def registry(rng, n, *, treated=False, n_visits=12, bulbar_share=0.3):
    """Patients declining linearly (rate 0.3-1.5 points/month, noise SD 0.7), visits ~2 months
    apart from 3-18 months after onset; treated courses start at visit 2-4 (+0-5 days)."""
    onset = DAY0 + rng.integers(0, 2000, n)
    birth = onset - np.round(rng.uniform(40, 80, n) * DAYS_PER_YEAR)
    bulbar = (rng.random(n) < bulbar_share).astype(float)
    rate = rng.uniform(0.3, 1.5, n)
    first = rng.uniform(3, 18, n)
    gaps = rng.uniform(1.5, 2.5, (n, n_visits - 1))
    months = np.concatenate([first[:, None], first[:, None] + np.cumsum(gaps, 1)], 1)
    day = onset[:, None] + np.round(months * DAYS_PER_MONTH)
    total = np.clip(np.round(48 - rate[:, None] * months + rng.normal(0, 0.7, months.shape)), 0, 48)
    exit_day = day[:, -1] + rng.integers(0, 200, n)
    event = rng.random(n) < 0.4
    index_day = None
    if treated:
        k = rng.integers(1, 4, n)
        index_day = day[np.arange(n), k] + rng.integers(0, 6, n)
    return Histories.from_arrays(
        onset_day=onset,
        birth_day=birth,
        bulbar_onset=bulbar,
        visit_patient=np.repeat(np.arange(n), n_visits),
        visit_day=day.ravel(),
        visit_total=total.ravel(),
        exit_day=exit_day,
        event=event,
        male=(rng.random(n) < 0.6).astype(float),
        index_day=index_day,
    )


def near_copies(rng, treated: Histories, copies: int, distractors: Histories) -> Histories:
    """Controls: ``copies`` shifted-in-time copies of every treated course (same age and months
    since onset at the pseudo-index, totals ± 0.02), then the distractors."""
    n = treated.n_patients
    shift = rng.integers(-3000, 3000, (n, copies)).astype(float)
    counts = np.diff(treated.visit_start)
    rows = []
    for i in range(n):
        vis = slice(treated.visit_start[i], treated.visit_start[i + 1])
        for c in range(copies):
            s = shift[i, c]
            noisy = treated.visit_total[vis] + rng.uniform(-0.02, 0.02, counts[i])
            rows.append((i, s, treated.visit_day[vis] + s, np.clip(noisy, 0, 48)))
    m = len(rows)
    src = np.array([r[0] for r in rows])
    s = np.array([r[1] for r in rows])
    onset = np.r_[treated.onset_day[src] + s, distractors.onset_day]
    birth = np.r_[treated.birth_day[src] + s, distractors.birth_day]
    vp = np.r_[np.repeat(np.arange(m), counts[src]), distractors.visit_patient + m]
    return Histories.from_arrays(
        onset_day=onset,
        birth_day=birth,
        bulbar_onset=np.r_[treated.bulbar_onset[src], distractors.bulbar_onset],
        visit_patient=vp,
        visit_day=np.r_[np.concatenate([r[2] for r in rows]), distractors.visit_day],
        visit_total=np.r_[np.concatenate([r[3] for r in rows]), distractors.visit_total],
        exit_day=np.r_[treated.exit_day[src] + s, distractors.exit_day],
        event=np.r_[treated.event[src], distractors.event],
    ), shift


def pair_overlap(result, treated, controls):
    """Months of overlap between each pair's lead-in curves, and both sides' covariates."""
    spec = result.spec
    tc = matching.index_covariates(treated, result.treated, treated.index_day[result.treated], spec)
    cc = matching.index_covariates(controls, result.control, result.control_index_day, spec)
    return tc, cc


# ----------------------------------------------------------------------------- matching


def test_it_finds_the_near_copies_of_each_treated_trajectory():
    rng = np.random.default_rng(1)
    treated = registry(rng, 25, treated=True)
    controls, shift = near_copies(rng, treated, 3, registry(rng, 400))
    result = matching.match_controls(treated, controls, MatchSpec(k=3, seed=5))
    assert result.match_counts == (0, 0, 0, 25)
    for i in range(25):
        mine = result.treated == i
        assert sorted(result.control[mine].tolist()) == [3 * i, 3 * i + 1, 3 * i + 2]
        expected_day = treated.index_day[i] + shift[i, result.control[mine] - 3 * i]
        # the pseudo-index is the copy of the treated course's index visit (dose 0-5 days later)
        assert np.all(np.abs(result.control_index_day[mine] - expected_day) <= 5)
    assert np.all(result.reason == "")


def brute_force_distances(treated, i, controls, spec):
    """Every eligible (control, pseudo-index) pair's distance, one pair at a time with np.interp
    (the module docstring's definition, written independently)."""
    grid = np.arange(0, spec.lead_in_months + 1e-9, spec.grid_step_months)
    lead = spec.lead_in_months * DAYS_PER_MONTH
    t0 = treated.index_day[i]
    tdays = treated.visit_day[treated.visit_start[i] : treated.visit_start[i + 1]]
    ttot = treated.visit_total[treated.visit_start[i] : treated.visit_start[i + 1]]
    tin = (tdays >= t0 - lead) & (tdays <= t0)
    t_lo, t_hi = (t0 - tdays[tin].max()) / DAYS_PER_MONTH, (t0 - tdays[tin].min()) / DAYS_PER_MONTH
    t_age = (t0 - treated.birth_day[i]) / DAYS_PER_YEAR
    t_m = (t0 - treated.onset_day[i]) / DAYS_PER_MONTH
    out = {}
    for p in range(controls.n_patients):
        if controls.bulbar_onset[p] != treated.bulbar_onset[i]:
            continue
        days = controls.visit_day[controls.visit_start[p] : controls.visit_start[p + 1]]
        tot = controls.visit_total[controls.visit_start[p] : controls.visit_start[p + 1]]
        for d, total in zip(days.tolist(), tot.tolist(), strict=True):
            cin = (days >= d - lead) & (days <= d)
            c_hi = (d - days[cin].min()) / DAYS_PER_MONTH
            age = (d - controls.birth_day[p]) / DAYS_PER_YEAR
            m = (d - controls.onset_day[p]) / DAYS_PER_MONTH
            if cin.sum() < 2 or c_hi < 1 or controls.exit_day[p] <= d:
                continue
            if abs(age - t_age) > spec.age_caliper_years or abs(m - t_m) > 6:
                continue
            hi = min(t_hi, c_hi)
            if hi - t_lo < 1:
                continue
            s = grid[(grid >= t_lo - 1e-9) & (grid <= hi + 1e-9)]
            tc = np.interp(t0 - s * DAYS_PER_MONTH, tdays, ttot)
            cc = np.interp(d - s * DAYS_PER_MONTH, days, tot)
            dist = (
                np.abs(tc - cc).mean()
                + 0.25 * abs(ttot[tin][-1] - total)
                + 0.25 * abs(age - t_age) / 5
                + 0.25 * abs(m - t_m) / 6
            )
            out[(p, d)] = dist
    return out


@pytest.mark.parametrize("cache_size", [1, 16])  # 1: prunes hardest and refills the cache
def test_the_distance_is_the_documented_one_and_the_nearest_control_wins(cache_size):
    rng = np.random.default_rng(9)
    treated = registry(rng, 4, treated=True)
    controls = registry(rng, 300)
    spec = MatchSpec(k=1, order="hardest_first", cache_size=cache_size)
    result = matching.match_controls(treated, controls, spec)
    for i in range(4):
        pairs = brute_force_distances(treated, i, controls, MatchSpec())
        mine = np.flatnonzero(result.treated == i)
        if not pairs:
            assert mine.size == 0
            continue
        (p, d), best = min(pairs.items(), key=lambda kv: kv[1])
        others = set(result.control[result.treated != i].tolist())
        if p in others:  # taken by another course first: the nearest still free
            (p, d), best = min(
                ((k, v) for k, v in pairs.items() if k[0] not in others), key=lambda kv: kv[1]
            )
        assert (result.control[mine[0]], result.control_index_day[mine[0]]) == (p, d)
        assert result.distance[mine[0]] == pytest.approx(best, abs=1e-4)


def test_it_uses_each_control_patient_once_and_keeps_rounds_fair():
    rng = np.random.default_rng(2)
    treated = registry(rng, 60, treated=True)
    controls = registry(rng, 150)
    result = matching.match_controls(treated, controls, MatchSpec(k=3, seed=0))
    assert np.unique(result.control).size == result.control.size
    assert result.treated.size == int(result.n_matched.sum())
    # rounds: nobody gets a second control while a course that could still take one has none
    assert set(np.unique(result.round).tolist()) <= {0, 1, 2}
    assert sum(result.match_counts) == 60


@settings(max_examples=20)
@given(
    seed=st.integers(0, 2**32 - 1),
    age_cal=st.floats(1.0, 10.0),
    onset_cal=st.floats(1.0, 12.0),
    fraction=st.sampled_from([0.0, 0.2]),
    k=st.integers(1, 4),
    order=st.sampled_from(["random", "hardest_first"]),
)
def test_no_pair_violates_the_calipers(seed, age_cal, onset_cal, fraction, k, order):
    rng = np.random.default_rng(seed)
    treated = registry(rng, 12, treated=True)
    controls = registry(rng, 120)
    spec = MatchSpec(
        k=k,
        age_caliper_years=age_cal,
        onset_caliper_months=onset_cal,
        onset_caliper_fraction=fraction,
        order=order,
        seed=seed,
    )
    result = matching.match_controls(treated, controls, spec)
    t, c = result.treated, result.control
    assert np.unique(c).size == c.size
    assert np.all(result.n_matched <= k)
    assert np.array_equal(np.bincount(t, minlength=12), result.n_matched)
    assert np.all((result.reason == "") == (result.n_matched > 0))
    assert set(result.reason.tolist()) <= {"", *matching.NO_MATCH_REASONS}
    tc, cc = pair_overlap(result, treated, controls)
    assert np.array_equal(tc["bulbar_onset"], cc["bulbar_onset"])
    assert np.all(np.abs(tc["age"] - cc["age"]) <= age_cal + 1e-6)
    cal = spec.onset_caliper(tc["months_since_onset"])
    assert np.all(np.abs(tc["months_since_onset"] - cc["months_since_onset"]) <= cal + 1e-6)
    # the pseudo-index is a visit of that control, with follow-up after it
    assert np.array_equal(controls.visit_patient[result.control_visit], c)
    assert np.array_equal(controls.visit_day[result.control_visit], result.control_index_day)
    assert np.all(controls.exit_day[c] > result.control_index_day)
    # both curves overlap by at least a month
    t_day, c_day = treated.index_day[t], result.control_index_day
    t_hi = (t_day - _first_lead_in_day(treated, t, t_day)) / DAYS_PER_MONTH
    c_hi = (c_day - _first_lead_in_day(controls, c, c_day)) / DAYS_PER_MONTH
    t_lo = (t_day - _index_visit_day(treated, t, t_day)) / DAYS_PER_MONTH
    assert np.all(np.minimum(t_hi, c_hi) - t_lo >= 1.0 - 1e-6)


def _first_lead_in_day(h, patients, index_days, months=12.0):
    out = []
    for p, d in zip(patients.tolist(), index_days.tolist(), strict=True):
        days = h.visit_day[h.visit_start[p] : h.visit_start[p + 1]]
        out.append(days[(days >= d - months * DAYS_PER_MONTH) & (days <= d)].min())
    return np.array(out)


def _index_visit_day(h, patients, index_days):
    out = []
    for p, d in zip(patients.tolist(), index_days.tolist(), strict=True):
        days = h.visit_day[h.visit_start[p] : h.visit_start[p + 1]]
        out.append(days[days <= d].max())
    return np.array(out)


def test_it_is_deterministic_for_a_seed():
    rng = np.random.default_rng(3)
    treated = registry(rng, 40, treated=True)
    controls = registry(rng, 200)
    for order in ("random", "hardest_first"):
        spec = MatchSpec(k=2, seed=42, order=order)
        a = matching.match_controls(treated, controls, spec)
        b = matching.match_controls(treated, controls, spec)
        for field in ("treated", "control", "control_index_day", "distance", "round", "reason"):
            assert np.array_equal(getattr(a, field), getattr(b, field))


def test_it_says_why_a_course_has_no_control():
    rng = np.random.default_rng(4)
    base = registry(rng, 6, treated=True, bulbar_share=0.0)
    t0 = base.index_day.copy()
    birth = base.birth_day.copy()
    bulbar = base.bulbar_onset.copy()
    birth[0] = np.nan  # missing_covariate
    t0[1] = base.visit_day[base.visit_start[1]] + 1  # one lead-in visit: no_lead_in
    bulbar[2] = 1.0  # bulbar onset and no bulbar control
    treated = Histories.from_arrays(
        onset_day=base.onset_day,
        birth_day=birth,
        bulbar_onset=bulbar,
        visit_patient=base.visit_patient,
        visit_day=base.visit_day,
        visit_total=base.visit_total,
        index_day=t0,
    )
    # one spinal control: a copy of course 3, which courses 3, 4 and 5 may all want
    controls, _ = near_copies(rng, treated.take([3]), 1, registry(rng, 0))
    spec = MatchSpec(k=1, age_caliper_years=50, onset_caliper_months=100)
    result = matching.match_controls(treated, controls, spec)
    assert result.reason[:3].tolist() == [
        "missing_covariate",
        "no_lead_in",
        "no_candidate_within_calipers",
    ]
    assert sorted(result.reason[3:].tolist()) == ["", "controls_used_up", "controls_used_up"]
    assert result.match_counts == (5, 1)


def test_a_lead_in_shorter_than_a_month_is_refused():
    h = Histories.from_arrays(
        onset_day=[DAY0],
        birth_day=[DAY0 - 60 * 365],
        bulbar_onset=[0.0],
        visit_patient=[0, 0],
        visit_day=[DAY0 + 300, DAY0 + 320],
        visit_total=[40, 39],
        index_day=[DAY0 + 321],
    )
    result = matching.match_controls(h, registry(np.random.default_rng(5), 50))
    assert result.reason.tolist() == ["lead_in_too_short"]


# ----------------------------------------------------------------------------- balance


def test_the_standardised_mean_difference_is_austin_2009():
    # ages: treated 60, 70 (mean 65, var 50); controls 50, 60, 70 (mean 60, var 100)
    assert matching.standardised_mean_difference([60, 70], [50, 60, 70]) == pytest.approx(
        5 / math.sqrt(75)
    )
    # bulbar: 3/4 against 1/4 → 0.5 / √((0.1875 + 0.1875)/2)
    smd = matching.standardised_mean_difference([1, 0, 1, 1], [1, 0, 0, 0], binary=True)
    assert smd == pytest.approx(0.5 / math.sqrt(0.1875))
    assert math.isnan(matching.standardised_mean_difference([np.nan], [1.0, 2.0]))


def test_the_balance_table_reports_each_group_before_and_after():
    treated = {"age": [60.0, 70.0], "bulbar_onset": [1, 0], "male": [np.nan, np.nan]}
    before = {"age": [50.0, 60.0, 70.0], "bulbar_onset": [0, 0, 1], "male": [1, 0, 1]}
    after = {"age": [60.0, 70.0], "bulbar_onset": [1, 0], "male": [1, 0]}
    rows = matching.balance_table(treated, before, treated, after)
    assert [r.variable for r in rows] == ["age", "bulbar_onset"]  # sex not given: left out
    age, bulbar = rows
    assert (age.treated_n, age.treated_mean, age.treated_sd) == (2, 65.0, pytest.approx(50**0.5))
    assert (age.before_n, age.before_mean, age.before_sd) == (3, 60.0, 10.0)
    assert age.smd_before == pytest.approx(5 / math.sqrt(75))
    assert age.smd_after == 0.0
    assert bulbar.binary and bulbar.before_mean == pytest.approx(1 / 3)
    p_t, p_c = 0.5, 1 / 3
    assert bulbar.smd_before == pytest.approx(
        (p_t - p_c) / math.sqrt((p_t * (1 - p_t) + p_c * (1 - p_c)) / 2)
    )


def test_matching_near_copies_balances_the_covariates():
    rng = np.random.default_rng(6)
    treated = registry(rng, 40, treated=True)
    controls, _ = near_copies(rng, treated, 2, registry(rng, 600))
    result = matching.match_controls(treated, controls, MatchSpec(k=2))
    rows = {r.variable: r for r in matching.matched_balance(result, treated, controls)}
    assert {"age", "months_since_onset", "index_total", "pre_slope", "bulbar_onset"} <= set(rows)
    for name in ("age", "months_since_onset", "index_total", "bulbar_onset"):
        assert abs(rows[name].smd_after) < 0.1
    assert rows["age"].matched_treated_n == 40 and rows["age"].after_n == 80
    assert rows["age"].before_n == 80 + 600 - _ineligible(controls)


def _ineligible(controls):
    """Control patients with no eligible pseudo-index (every visit fails): counted by hand."""
    bad = 0
    for p in range(controls.n_patients):
        days = controls.visit_day[controls.visit_start[p] : controls.visit_start[p + 1]]
        ok = False
        for d in days[days < controls.exit_day[p]]:
            lead = days[(days >= d - 12 * DAYS_PER_MONTH) & (days <= d)]
            ok |= lead.size >= 2 and (d - lead.min()) / DAYS_PER_MONTH >= 1
        bad += not ok
    return bad


# ----------------------------------------------------------------------------- outcomes


def test_the_change_at_6_months_uses_the_visit_closest_to_the_target():
    h = Histories.from_arrays(
        onset_day=[0, 0, 0],
        birth_day=[0, 0, 0],
        bulbar_onset=[0, 0, 0],
        visit_patient=[0, 0, 0, 0, 1, 1, 2],
        visit_day=[1000, 1150, 1190, 1230, 1000, 1240, 1000],
        visit_total=[40, 39, 37, 30, 40, 30, 40],
    )
    change = matching.change_at_6_months(h, [0, 1, 2], [1000, 1000, 1000], [40, 40, 40])
    # 1190 is 7.4 days from 1182.6; patient 1's 1240 is 57 days out; patient 2 has none after
    assert change[0] == -3
    assert np.isnan(change[1]) and np.isnan(change[2])


def test_a_slower_decline_after_treatment_shows_as_a_positive_difference():
    patients, visits = synthetic_cohort(6000, seed=7, treated_fraction=0.25, treatment_effect=0.5)
    totals = cohort.compute(patients, visits, validate=False).visits
    everyone = matching.histories_from_tables(patients, totals, index_column="treatment_date")
    is_treated = ~np.isnan(everyone.index_day)
    treated, controls = everyone.take(is_treated), everyone.take(~is_treated)
    result = matching.match_controls(treated, controls, MatchSpec(k=3, seed=1))
    out = matching.compare_outcomes(result, treated, controls)
    ch = out.alsfrs_change
    assert ch.treated_n > 300 and ch.controls_n > 600
    assert ch.difference > 0 and ch.ci_low > 0 and ch.p < 0.001
    assert ch.paired_difference > 0 and ch.paired_ci_low > 0
    assert ch.difference == pytest.approx(ch.treated_mean - ch.controls_mean)


def test_the_composite_endpoint_is_counted_from_each_index():
    rng = np.random.default_rng(8)
    treated = registry(rng, 50, treated=True)
    controls = registry(rng, 300)
    result = matching.match_controls(treated, controls, MatchSpec(k=2))
    comp = matching.compare_outcomes(result, treated, controls).composite
    mt = np.flatnonzero(result.n_matched > 0)
    t_time = (treated.exit_day[mt] - treated.index_day[mt]) / DAYS_PER_MONTH
    c_time = (controls.exit_day[result.control] - result.control_index_day) / DAYS_PER_MONTH
    np.testing.assert_allclose(comp.treated.time, t_time)
    np.testing.assert_allclose(comp.controls.time, c_time)
    assert comp.controls.events == int(controls.event[result.control].sum())
    assert comp.treated.person_years == pytest.approx(t_time.sum() / 12)
    km = KaplanMeierFitter().fit(c_time, controls.event[result.control])
    assert comp.controls.km_6_months == pytest.approx(float(km.predict(6.0)))
    lr = logrank_test(t_time, c_time, treated.event[mt], controls.event[result.control])
    assert comp.logrank.chi2 == pytest.approx(lr.test_statistic)


@settings(max_examples=30)
@given(seed=st.integers(0, 2**32 - 1), n_a=st.integers(2, 60), n_b=st.integers(2, 60))
def test_the_logrank_test_agrees_with_lifelines(seed, n_a, n_b):
    rng = np.random.default_rng(seed)
    ta = np.round(rng.exponential(10, n_a))  # rounded: tied times
    tb = np.round(rng.exponential(14, n_b))
    ea, eb = rng.random(n_a) < 0.7, rng.random(n_b) < 0.7
    ours = matching.logrank(ta, ea, tb, eb)
    if not (ea.any() or eb.any()):
        assert math.isnan(ours.p)
        return
    theirs = logrank_test(ta, tb, ea, eb)
    if math.isnan(ours.chi2):  # no event while both groups were at risk: no information
        assert theirs.test_statistic == pytest.approx(0.0, abs=1e-12)
        return
    assert ours.chi2 == pytest.approx(theirs.test_statistic, rel=1e-9, abs=1e-12)
    assert ours.p == pytest.approx(theirs.p_value, rel=1e-9, abs=1e-12)


def test_the_composite_endpoint_is_the_first_of_death_tracheostomy_and_niv():
    exit_day, event = matching.composite_endpoint(
        [500.0, np.nan, np.nan],
        [400.0, np.nan, np.nan],
        [np.nan, 300.0, np.nan],
        last_contact_day=[450.0, 350.0, 200.0],
    )
    assert exit_day.tolist() == [400.0, 300.0, 200.0]
    assert event.tolist() == [True, True, False]


def test_take_keeps_each_patients_visits():
    h = registry(np.random.default_rng(10), 5, treated=True)
    sub = h.take([3, 1])
    assert sub.n_patients == 2 and sub.index_day.tolist() == [h.index_day[3], h.index_day[1]]
    for new, old in ((0, 3), (1, 1)):
        mine = slice(sub.visit_start[new], sub.visit_start[new + 1])
        theirs = slice(h.visit_start[old], h.visit_start[old + 1])
        assert np.array_equal(sub.visit_day[mine], h.visit_day[theirs])
        assert np.array_equal(sub.visit_total[mine], h.visit_total[theirs])
