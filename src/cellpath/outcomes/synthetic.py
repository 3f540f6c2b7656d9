"""Seeded synthetic ALS cohorts: patients and ALSFRS-R visit histories, as arrays.

For demos, tests and benchmarks only — never for clinical or scientific conclusions.

What is sourced (als-measures.md §8) and what is a modelling choice
-------------------------------------------------------------------
* Progression rate r (points/month): log-normal, median 0.75, σ_log 0.65 → mean ≈ 0.93,
  SD ≈ 0.7, matching ΔFS −0.97 ± 0.82 (AAN 2025 abstract), PRO-ACT decline 1.02 points/month
  (Atassi 2014) and mean post-slope −0.99 (Muscle Nerve 2018;57:937). ALSFRS-R loss is linear in
  time at rate r (the PRO-ACT curvature is mild and not modelled).
* Respiratory items decline last (Muscle Nerve 2018: the respiratory subscore declines least):
  each patient's 48 item-points are lost in an order set by onset-site-dependent domain
  offsets, respiratory last except in respiratory onset.
* Gastrostomy: placed (75 % of patients) once swallowing reaches "needs supplemental tube
  feeding" (item 3 ≤ 1, Cedarbaum 1999), after which item 5b replaces 5a. NIV follows from the
  respiratory-insufficiency item (R3 < 4).
* Event (death) times are drawn from the ENCALS model itself (Westeneng 2018), conditioned on
  survival to the first visit, or earlier when the modelled total reaches 2. Synthetic data
  therefore cannot be used to validate ENCALS.
* Modelling choices, NOT sourced: ages at onset N(62, 11) clipped to 25-90; 60 % male; onset
  bulbar 30 %, limb 65 %, respiratory 3 %, other 2 %; diagnostic delay log-normal, median 11
  months; El Escorial mix; FTD 8 %; C9orf72 7 %; FVC % at diagnosis N(88, 14) lowered with r;
  visits every ~2 months; 1 %/month drop-out; measurement noise SD 0.7 points on the total.
"""

from __future__ import annotations

import numpy as np

from cellpath.outcomes.survival import (
    encals_linear_predictor,
    encals_survival,
    encals_survival_quantile,
)
from cellpath.outcomes.vocabulary import (
    ALSFRS_R_NUMBERS,
    DAYS_PER_MONTH,
    DAYS_PER_YEAR,
    DOMAINS,
    EL_ESCORIAL_VALUES,
    ITEM5_KEYS,
    ONSET_SITES,
    POSITION_KEYS,
    values,
)

__all__ = ["synthetic_cohort"]

_DOMAIN_OF_ITEM = np.array(  # bulbar, fine, gross, resp
    [list(DOMAINS).index(ALSFRS_R_NUMBERS[n].domain) for n in range(1, 13)]
)
_WITHIN_RESP = np.array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0.0, 2.0, 4.0])  # R1 before R2 before R3
_MAX_VISITS = 80


def _domain_offsets(rng: np.random.Generator, site: np.ndarray) -> np.ndarray:
    """(n, 4) points of total loss before each domain starts to decline."""
    n = site.size
    u = rng.uniform
    off = np.empty((n, 4))
    # limb onset (default): upper or lower limb first, then the other limb, bulbar, respiratory
    upper_first = rng.random(n) < 0.5
    other_limb = u(2, 10, n)
    off[:, 1] = np.where(upper_first, 0.0, other_limb)
    off[:, 2] = np.where(upper_first, other_limb, 0.0)
    off[:, 0] = u(8, 22, n)
    off[:, 3] = u(16, 30, n)
    bulbar = site == 0
    off[bulbar, 0] = 0.0
    off[bulbar, 1] = u(4, 14, int(bulbar.sum()))
    off[bulbar, 2] = u(6, 16, int(bulbar.sum()))
    off[bulbar, 3] = u(14, 28, int(bulbar.sum()))
    resp = site == 2
    off[resp, 3] = 0.0
    off[resp, :3] = u(2, 15, (int(resp.sum()), 3))
    other = site == 3
    off[other, :3] = u(0, 10, (int(other.sum()), 3))
    off[other, 3] = u(10, 25, int(other.sum()))
    return off


def _loss_tables(rng: np.random.Generator, site: np.ndarray) -> np.ndarray:
    """(n, 49, 12) int8: points lost on each item after k points of total loss, k = 0..48."""
    n = site.size
    dom_off = _domain_offsets(rng, site)
    item_off = dom_off[:, _DOMAIN_OF_ITEM] + _WITHIN_RESP + rng.uniform(0, 3, (n, 12))
    spacing = rng.uniform(1.5, 5.0, (n, 12))
    level = np.arange(1, 5)
    keys = (
        item_off[:, :, None]
        + (level - 1)[None, None, :] * spacing[:, :, None]
        + rng.normal(0, 0.5, (n, 12, 4))
    ).reshape(n, 48)
    unit_item = np.repeat(np.arange(12), 4)
    order = np.argsort(keys, axis=1, kind="stable")
    lost_item = unit_item[order]  # (n, 48): item losing its next point at each step
    table = np.zeros((n, 49, 12), dtype=np.int8)
    onehot = (lost_item[:, :, None] == np.arange(12)[None, None, :]).astype(np.int8)
    np.cumsum(onehot, axis=1, out=table[:, 1:, :])
    return table


def synthetic_cohort(
    n_patients: int,
    *,
    seed: int = 0,
    treated_fraction: float = 0.3,
    treatment_effect: float = 0.0,
    missing_fraction: float = 0.02,
    onset_start: str = "2012-01-01",
    onset_end: str = "2022-12-31",
    censor_date: str = "2025-12-31",
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Generate ``(patients, visits)`` tables in the ``cohort.compute`` format.

    Deterministic for a given ``seed``. ``treatment_effect`` (0-1) slows decline by that
    fraction for 6 months after the treatment date (0 = no effect). ``missing_fraction`` of
    optional patient fields are blank (C9orf72 five times as often: testing is not universal).
    Patient ids are the integers 1..n; visit rows come sorted by patient and date.
    """
    rng = np.random.default_rng(seed)
    n = int(n_patients)

    # ----- patients
    sex = np.where(rng.random(n) < 0.6, "M", "F")
    site = rng.choice(4, size=n, p=[0.30, 0.65, 0.03, 0.02])
    age = np.clip(rng.normal(62, 11, n), 25, 90)
    d0 = np.datetime64(onset_start, "D").astype(np.int64)
    d1 = np.datetime64(onset_end, "D").astype(np.int64)
    onset = rng.integers(d0, d1 + 1, n)
    birth = onset - np.round(age * DAYS_PER_YEAR).astype(np.int64)
    delay = np.clip(rng.lognormal(np.log(11.0), 0.55, n), 1.5, 72.0)
    diag = onset + np.round(delay * DAYS_PER_MONTH).astype(np.int64)
    rate = rng.lognormal(np.log(0.75), 0.65, n) * np.where(site == 0, 1.15, 1.0)
    eec = rng.choice(5, size=n, p=[0.25, 0.35, 0.15, 0.20, 0.05])
    ftd = (rng.random(n) < 0.08).astype(np.float64)
    c9 = (rng.random(n) < np.where(ftd == 1, 0.35, 0.05)).astype(np.float64)
    fvc = np.clip(rng.normal(88, 14, n) - 6 * rate, 25, 140).round(1)

    # ----- event time: ENCALS (Westeneng 2018) conditioned on reaching the first visit
    true_delay = (diag - onset) / DAYS_PER_MONTH
    true_age = (onset - birth) / DAYS_PER_YEAR
    first_t = true_delay + rng.uniform(0, 1.5, n)
    lp = encals_linear_predictor(rate, true_delay, true_age, fvc, site == 0, eec == 0, ftd, c9)
    s_first = encals_survival(first_t, lp)
    u = np.clip(s_first * rng.random(n), 1e-9, None)
    u = np.minimum(u, s_first * (1 - 1e-9))
    event_t = encals_survival_quantile(lp, u)
    event_t = np.maximum(np.minimum(event_t, 46.0 / rate), first_t + 0.5)
    death = onset + np.floor(event_t * DAYS_PER_MONTH).astype(np.int64)
    censor = np.datetime64(censor_date, "D").astype(np.int64)
    dropout_t = first_t + rng.exponential(100.0, n)

    # ----- visit schedule (months since onset), one row of candidates per patient
    gaps = np.clip(rng.normal(1.9, 0.3, (n, _MAX_VISITS - 1)), 1.4, 3.0)
    times = np.concatenate([first_t[:, None], first_t[:, None] + np.cumsum(gaps, axis=1)], axis=1)
    vday = onset[:, None] + np.round(times * DAYS_PER_MONTH).astype(np.int64)
    limit_day = np.minimum(np.minimum(death, censor), onset + (dropout_t * DAYS_PER_MONTH))
    keep = vday <= limit_day[:, None]
    keep[:, 0] |= vday[:, 0] <= censor  # everyone alive at their first visit is seen once
    keep &= np.cumprod(keep, axis=1).astype(bool)
    n_vis = keep.sum(axis=1)

    # ----- treatment: a few days after visit 2 or 3, for patients with ≥ 4 visits
    eligible = n_vis >= 4
    treated = eligible & (rng.random(n) < treated_fraction)
    k_base = rng.integers(1, 3, n)
    base_day = np.take_along_axis(vday, k_base[:, None], axis=1)[:, 0]
    next_day = np.take_along_axis(vday, (k_base + 1)[:, None], axis=1)[:, 0]
    treat_day = np.minimum(base_day + rng.integers(1, 15, n), next_day - 1)
    treat_t = np.where(treated, (treat_day - onset) / DAYS_PER_MONTH, np.inf)

    # ----- item scores at each visit
    t_vis = (vday - onset[:, None]) / DAYS_PER_MONTH
    slowed = np.clip(t_vis - treat_t[:, None], 0, 6.0) * treatment_effect
    clock = rate[:, None] * (t_vis - slowed)
    loss = np.clip(np.round(clock + rng.normal(0, 0.7, clock.shape)), 0, 46).astype(np.intp)
    table = _loss_tables(rng, site)
    pat = np.broadcast_to(np.arange(n)[:, None], keep.shape)[keep]
    items = 4 - table[pat, loss[keep], :]  # (n_visits, 12)

    # Gastrostomy from the time the noise-free clock reaches item 3 ≤ 1 (two points lost).
    lost3 = table[:, :, 2]
    k_peg = np.argmax(lost3 >= 3, axis=1).astype(np.float64)
    k_peg[lost3[:, -1] < 3] = np.inf
    accepts = rng.random(n) < 0.75
    peg_clock = np.where(accepts, k_peg + 0.5, np.inf)
    gastro = (clock >= peg_clock[:, None])[keep]
    i5 = items[:, 4].astype(np.int8)

    visits: dict[str, np.ndarray] = {
        "patient_id": (pat + 1).astype(np.int64),
        "visit_date": vday[keep].astype("datetime64[D]"),
    }
    q5a, q5b = ITEM5_KEYS
    for j, key in enumerate(POSITION_KEYS):  # in the record's column order, 5a then 5b
        if key is None:
            visits[q5a] = np.where(gastro, -1, i5).astype(np.int8)
            visits[q5b] = np.where(gastro, i5, -1).astype(np.int8)
        else:
            visits[key] = items[:, j].astype(np.int8)

    def blank(mask_rate: float) -> np.ndarray:
        return rng.random(n) < mask_rate

    nat = np.datetime64("NaT", "D")

    def dates(days: np.ndarray, missing: np.ndarray) -> np.ndarray:
        return np.where(missing, nat, days.astype("datetime64[D]"))

    last_seen = np.take_along_axis(vday, np.maximum(n_vis - 1, 0)[:, None], axis=1)[:, 0]
    died = (death <= censor) & (death >= last_seen)
    m = missing_fraction
    patients: dict[str, np.ndarray] = {
        "patient_id": np.arange(1, n + 1, dtype=np.int64),
        "sex": np.where(blank(m), "", sex),
        "birth_date": dates(birth, blank(m)),
        "onset_date": onset.astype("datetime64[D]"),
        "diagnosis_date": dates(diag, blank(m)),
        "onset_site": np.where(blank(m), "", np.asarray(values(ONSET_SITES))[site]),
        "el_escorial": np.where(blank(m), "", np.asarray(EL_ESCORIAL_VALUES)[eec]),
        "ftd": np.where(blank(m), np.nan, ftd),
        "c9orf72": np.where(blank(min(1.0, 5 * m)), np.nan, c9),
        "fvc_percent": np.where(blank(m), np.nan, fvc),
        "treatment_date": dates(treat_day, ~treated),
        "death_date": dates(death, ~died),
    }
    return patients, visits
