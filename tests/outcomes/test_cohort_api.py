"""Cohort API (whole tables, array operations) against the one-patient API.

Rules: Cedarbaum 1999, Balendra 2014, Chiò 2015, Labra 2016, Westeneng 2018, Petrou 2016,
Cudkowicz 2022, combined as issue 3 specifies.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cellpath.outcomes import cohort
from cellpath.outcomes.patient import InvalidPatientError, patient_outcomes
from cellpath.outcomes.staging import KINGS_LABELS
from cellpath.outcomes.synthetic import synthetic_cohort

NAT = np.datetime64("NaT", "D")
ITEMS = ("q1", "q2", "q3", "q4", "q5a", "q5b", "q6", "q7", "q8", "q9", "q10", "q11", "q12")


def one_patient(patients, visits, i):
    """Row i of the tables as the plain mappings the one-patient API takes."""
    pat = {}
    for k, col in patients.items():
        v = col[i]
        missing_float = isinstance(v, np.floating) and np.isnan(v)
        if missing_float or (isinstance(v, np.datetime64) and np.isnat(v)):
            v = None
        pat[k] = v
    rows = np.flatnonzero(visits["patient_id"] == patients["patient_id"][i])
    vis = []
    for j in rows:
        rec = {"visit_date": visits["visit_date"][j]}
        for k in ITEMS:
            rec[k] = int(visits[k][j]) if visits[k][j] >= 0 else None
        vis.append(rec)
    return pat, vis


def assert_same(result, patients, visits):
    for i in range(len(patients["patient_id"])):
        one = patient_outcomes(*one_patient(patients, visits, i))
        for col in (*cohort.PATIENT_OUTPUT_COLUMNS[1:], "baseline_visit_date", "post_visit_date"):
            a, b = result.patients[col][i], getattr(one, col)
            if isinstance(a, np.datetime64):
                assert (np.isnat(a) and b is None) or a == np.datetime64(b), (i, col, a, b)
            elif col == "n_visits":
                assert a == b
            elif b is None:
                assert math.isnan(a), (i, col, a, one.reasons)
            else:
                assert a == pytest.approx(float(b), rel=1e-9, abs=1e-12), (i, col)
        code = result.patients["current_kings"][i]
        assert (KINGS_LABELS[code] if code >= 0 else None) == one.current_kings
        mitos = result.patients["current_mitos"][i]
        assert (int(mitos) if mitos >= 0 else None) == one.current_mitos
        mine = result.visits["patient_id"] == patients["patient_id"][i]
        assert [KINGS_LABELS[k] for k in result.visits["kings"][mine]] == [
            v.kings for v in one.visits
        ]
        assert result.visits["mitos"][mine].tolist() == [v.mitos for v in one.visits]
        assert result.visits["total"][mine].tolist() == [v.total for v in one.visits]


def perturb(patients, visits, rng):
    """Shuffle rows, move treatment dates anywhere, blank optional fields at random."""
    n = len(patients["patient_id"])
    p = {k: v.copy() for k, v in patients.items()}
    onset = p["onset_date"].astype(np.int64)
    some = rng.random(n) < 0.5
    treat = onset + rng.integers(0, 1500, n)
    death = p["death_date"]
    ok = np.isnat(death) | (treat <= death.astype(np.int64))
    p["treatment_date"] = np.where(some & ok, treat.astype("datetime64[D]"), p["treatment_date"])
    for key in ("fvc_percent", "ftd", "c9orf72"):
        p[key] = np.where(rng.random(n) < 0.1, np.nan, p[key])
    p["onset_site"] = np.where(rng.random(n) < 0.1, "", p["onset_site"])
    order = rng.permutation(len(visits["patient_id"]))
    v = {k: col[order] for k, col in visits.items()}
    porder = rng.permutation(n)
    p = {k: col[porder] for k, col in p.items()}
    return p, v


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.0, 1.0))
def test_cohort_and_one_patient_apis_agree_on_random_cohorts(seed, effect):
    patients, visits = synthetic_cohort(
        25, seed=seed, treated_fraction=0.6, treatment_effect=effect
    )
    patients, visits = perturb(patients, visits, np.random.default_rng(seed))
    result = cohort.compute(patients, visits)
    assert_same(result, patients, visits)


def test_visits_come_back_sorted_with_a_map_to_the_input_rows():
    patients, visits = synthetic_cohort(40, seed=5)
    order = np.random.default_rng(1).permutation(len(visits["patient_id"]))
    shuffled = {k: v[order] for k, v in visits.items()}
    out = cohort.compute(patients, shuffled).visits
    key = out["patient_id"] * 100000 + out["visit_date"].astype(np.int64)
    assert np.all(np.diff(key) > 0)
    assert np.array_equal(shuffled["visit_date"][out["row"]], out["visit_date"])


def small(visit_days, totals, treatment_day=None, onset="2020-01-01"):
    """One patient whose visits have the given day offsets and totals (limb items only)."""
    base = np.datetime64(onset, "D")
    patients = {
        "patient_id": np.array([7]),
        "onset_date": np.array([base]),
        "treatment_date": np.array([base + treatment_day if treatment_day is not None else NAT]),
    }
    n = len(visit_days)
    visits = {"patient_id": np.full(n, 7), "visit_date": base + np.array(visit_days)}
    for k in ITEMS:
        visits[k] = np.full(n, 4)
    visits["q5b"] = np.full(n, -1)
    # Spread the points lost over items 6-9 and 1-3 so totals match.
    lost = 48 - np.asarray(totals)
    for j, key in enumerate(("q6", "q7", "q8", "q9", "q1", "q2", "q3")):
        take = np.clip(lost - 4 * j, 0, 4)
        visits[key] = 4 - take
    return patients, visits


def test_nurown_worked_example_through_the_cohort():
    """W-NUR: 40 → 36 over 120 d (pre), 36 → 35 over 196 d (post) → change +0.8593, not a
    responder (Cudkowicz 2022: ≥ 1.25 needed); Petrou improvement 84.7 % → responder."""
    patients, visits = small([30, 150, 346], [40, 36, 35], treatment_day=151)
    p = cohort.compute(patients, visits).patients
    assert p["pre_slope"][0] == pytest.approx(-1.0146, abs=1e-4)
    assert p["post_slope"][0] == pytest.approx(-0.1553, abs=1e-4)
    assert p["slope_change"][0] == pytest.approx(0.8593, abs=1e-4)
    assert p["responder_nurown"][0] == 0.0
    assert p["petrou_improvement_pct"][0] == pytest.approx(84.69, abs=0.01)
    assert p["responder_petrou"][0] == 1.0


def test_post_visit_is_the_closest_to_six_months_within_45_days():
    """Target = baseline + 182.625 d (a quarter day, so whole-day visits never tie), ± 45 d."""
    p, v = small([10, 100, 273, 293], [46, 44, 40, 38], treatment_day=100)  # target 282.625
    out = cohort.compute(p, v).patients
    assert out["post_visit_date"][0] == np.datetime64("2020-01-01") + 273
    p, v = small([10, 100, 272, 292], [46, 44, 40, 38], treatment_day=100)
    assert cohort.compute(p, v).patients["post_visit_date"][0] == np.datetime64("2020-01-01") + 292
    p, v = small([10, 100, 327], [46, 44, 40], treatment_day=100)  # 44.375 d from target
    assert not np.isnat(cohort.compute(p, v).patients["post_visit_date"][0])
    p, v = small([10, 100, 328], [46, 44, 40], treatment_day=100)  # 45.375 d: outside
    out = cohort.compute(p, v).patients
    assert np.isnat(out["post_visit_date"][0]) and math.isnan(out["post_slope"][0])


def test_pre_slope_needs_a_month_between_first_visit_and_baseline():
    p, v = small([10, 40, 220], [46, 44, 40], treatment_day=40)  # 30 days < 1 month
    out = cohort.compute(p, v).patients
    assert math.isnan(out["pre_slope"][0]) and not math.isnan(out["post_slope"][0])
    assert math.isnan(out["responder_nurown"][0]) and math.isnan(out["responder_petrou"][0])


def test_delta_fs_is_undefined_for_a_visit_on_the_onset_date():
    p, v = small([0, 60], [48, 46])
    out = cohort.compute(p, v).patients
    assert math.isnan(out["delta_fs"][0])
    assert out["slope_ols"][0] == pytest.approx(-2 / (60 / 30.4375))


def test_patients_without_visits_have_blank_outcomes():
    patients = {"patient_id": np.array(["a", "b"]), "onset_date": np.array(["2020-01-01"] * 2)}
    visits = {"patient_id": np.array([], dtype="U1"), "visit_date": np.array([], "M8[D]")}
    for k in ITEMS:
        visits[k] = np.array([], dtype=np.int8)
    out = cohort.compute(patients, visits).patients
    assert out["n_visits"].tolist() == [0, 0]
    assert np.isnat(out["first_visit_date"]).all() and np.isnan(out["slope_ols"]).all()


def test_it_reports_every_invalid_row():
    patients = {
        "patient_id": np.array(["a", "b", "a", ""]),
        "onset_date": np.array(["2020-01-01", "NaT", "2020-01-01", "2020-01-01"], "M8[D]"),
        "death_date": np.array(["2021-01-01", "NaT", "NaT", "NaT"], "M8[D]"),
        "sex": np.array(["M", "X", "", ""]),
        "fvc_percent": np.array([80.0, -1.0, np.nan, np.nan]),
    }
    problems = cohort.patient_problems(patients)
    messages = [(p.row, p.message) for p in problems]
    assert (1, "onset_date: required") in messages
    assert (1, "sex: 'X' is not one of F|M") in messages
    assert (1, "fvc_percent: -1 is outside (0, 250]") in messages
    assert (2, "duplicate patient_id 'a'") in messages
    assert (3, "patient_id: required") in messages
    dup = next(p for p in problems if p.row == 2)
    assert dup.other_row == 0

    good = {k: v[:1] for k, v in patients.items()}
    visits = {
        "patient_id": np.array(["a", "a", "z", "a", "a"]),
        "visit_date": np.array(
            ["2020-02-01", "2020-02-01", "2020-03-01", "2019-12-01", "2021-02-01"], "M8[D]"
        ),
    }
    for k in ITEMS:
        visits[k] = np.array([4, 4, 4, 4, 4])
    visits["q5b"] = np.array([-1, -1, -1, 3, -1])
    visits["q7"] = np.array([4, 9, -1, 4, 4])
    found = [(p.row, p.message) for p in cohort.visit_problems(good, visits)]
    assert (1, "q7: 9 is out of range 0-4") in found
    assert (1, "duplicate visit: this patient already has a visit on 2020-02-01") in found
    assert (2, "unknown patient 'z'") in found
    assert (2, "q7: missing (every ALSFRS-R item is required)") in found
    assert (3, "visit_date 2019-12-01 is before onset_date 2020-01-01") in found
    assert (3, "both q5a and q5b are scored (exactly one is allowed)") in found
    assert (4, "visit_date 2021-02-01 is after death_date 2021-01-01") in found
    with pytest.raises(cohort.CohortInputError) as exc:
        cohort.compute(good, visits)
    assert len(exc.value.problems) == len(found)


def test_the_one_patient_api_refuses_invalid_input_with_every_reason():
    with pytest.raises(InvalidPatientError) as exc:
        patient_outcomes(
            {"onset_date": "2020-01-01", "death_date": "2020-06-01"},
            [
                {"visit_date": "2019-01-01", **{k: 4 for k in ITEMS if k != "q5b"}},
                {"visit_date": "2020-07-01", **{k: 4 for k in ITEMS if k != "q5a"}, "q3": 7},
            ],
        )
    text = str(exc.value)
    assert "before onset_date" in text and "after death_date" in text and "q3" in text


def test_current_stage_is_death_once_a_death_date_has_passed():
    """King's stage 5 (Roche 2012) and MiToS 5 (Chiò 2015) = death."""
    p, v = small([30, 90], [46, 46])  # dressing 2: no King's region, no MiToS domain
    p["death_date"] = np.array([np.datetime64("2020-06-01")])
    out = cohort.compute(p, v, as_of="2020-05-01").patients
    assert KINGS_LABELS[out["current_kings"][0]] == "0" and out["current_mitos"][0] == 0
    out = cohort.compute(p, v, as_of="2020-06-01").patients
    assert KINGS_LABELS[out["current_kings"][0]] == "5" and out["current_mitos"][0] == 5
    one = patient_outcomes(*one_patient(p, v, 0), as_of="2020-05-01")
    assert (one.current_kings, one.current_mitos) == ("0", 0)
