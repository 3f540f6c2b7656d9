"""Synthetic cohorts: deterministic, valid, and close to the natural history in §8 of the
spec (Atassi 2014: ~1 point/month; Muscle Nerve 2018: respiratory declines least)."""

import numpy as np

from cellpath.outcomes import cohort
from cellpath.outcomes.synthetic import synthetic_cohort


def test_it_is_deterministic_for_a_seed():
    a = synthetic_cohort(50, seed=11)
    b = synthetic_cohort(50, seed=11)
    c = synthetic_cohort(50, seed=12)
    for x, y in zip(a, b, strict=True):
        for k in x:
            assert np.array_equal(x[k], y[k], equal_nan=x[k].dtype.kind in "fM"), k
    assert not np.array_equal(a[1]["visit_date"], c[1]["visit_date"])


def test_it_produces_valid_tables():
    patients, visits = synthetic_cohort(500, seed=2)
    assert cohort.patient_problems(patients) == []
    assert cohort.visit_problems(patients, visits) == []


def test_it_follows_the_natural_history():
    patients, visits = synthetic_cohort(3000, seed=4, missing_fraction=0.0)
    out = cohort.compute(patients, visits)
    p, v = out.patients, out.visits
    assert -1.1 < np.nanmean(p["slope_ols"]) < -0.8  # ~0.9-1.0 points/month
    assert 0.7 < np.nanmean(p["delta_fs"]) < 1.2
    assert 7 < len(visits["patient_id"]) / 3000 < 13  # about 10 visits per patient

    # Months from onset to the first point lost, per domain: respiratory last (limb onset).
    limb = np.isin(v["patient_id"], patients["patient_id"][patients["onset_site"] == "limb"])
    first_loss = {}
    for dom in ("bulbar", "fine_motor", "gross_motor", "respiratory"):
        hit = limb & (v[dom] < 12)
        first_loss[dom] = np.median(v["months_since_onset"][hit])
    assert first_loss["respiratory"] > max(first_loss[d] for d in ("bulbar", "fine_motor"))

    # Gastrostomy and NIV (R3 < 4, King's 4B) become more common with time; deaths happen.
    late = v["months_since_onset"] > 36
    early = v["months_since_onset"] < 18
    assert v["gastrostomy"][late].mean() > v["gastrostomy"][early].mean() > 0
    assert (v["kings"][late] == 5).mean() > (v["kings"][early] == 5).mean()
    assert (~np.isnat(patients["death_date"])).mean() > 0.3
    treated = ~np.isnat(patients["treatment_date"])
    assert treated.any() and np.isfinite(p["post_slope"][treated]).mean() > 0.5
