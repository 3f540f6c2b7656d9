"""ENCALS survival prediction (Westeneng 2018) and the TRICALS 7-predictor variant.

Sources
-------
* Westeneng HJ et al. Prognosis for patients with ALS: development and validation of a
  personalised prediction model. Lancet Neurol 2018;17:423-433.
  doi:10.1016/S1474-4422(18)30089-9 — Royston-Parmar model of the time from symptom onset to
  NIV > 23 h/day, tracheostomy or death; 8 predictors.
* Coefficients, transformations and the baseline spline are those of the only public
  implementation, Precision-ALS (``rpavaneijk/Precision-ALS``, ``ENCALS risk modelling.R``),
  given there to 3 decimals; they were not checked against the paper's supplement
  (als-measures.md §4, §11.2). Two deliberate departures from that code, as the spec asks:

  - the k_max term of the spline is cubed (standard Royston-Parmar restricted cubic spline;
    the code omits the cube, which only matters beyond 371 months);
  - the predicted median is the exact root of S(t) = 0.5, not the time nearest a random
    truncated-normal draw.

* ENCALS risk-group cut-offs are not public in the material read (§4.5), so none are coded.

Time ``t`` is in months since symptom onset (1 month = 365.25/12 days). A higher linear
predictor (LP) means a worse prognosis.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = [
    "ENCALS_BASELINE",
    "ENCALS_COEFFICIENTS",
    "ENCALS_ENDPOINTS",
    "TRICALS_COEFFICIENTS",
    "encals_baseline_log_odds",
    "encals_endpoint",
    "encals_linear_predictor",
    "encals_log_survival",
    "encals_median_survival",
    "encals_survival",
    "encals_survival_quantile",
    "encals_transforms",
    "tricals_linear_predictor",
]

#: ENCALS 8-predictor coefficients (Westeneng 2018, via Precision-ALS ``encals_beta_function``).
ENCALS_COEFFICIENTS: dict[str, float] = {
    "delta_fs": -1.837,
    "diagnostic_delay": -2.373,
    "age_at_onset": -0.267,
    "fvc_percent": 0.477,
    "bulbar_onset": 0.269,
    "definite": 0.233,
    "ftd": 0.388,
    "c9orf72": 0.256,
}

#: TRICALS risk profile, 7 predictors without C9orf72 (Precision-ALS "TRICALS Risk Profile").
TRICALS_COEFFICIENTS: dict[str, float] = {
    "delta_fs": -1.839,
    "diagnostic_delay": -2.376,
    "age_at_onset": -0.264,
    "fvc_percent": 0.474,
    "bulbar_onset": 0.271,
    "definite": 0.238,
    "ftd": 0.415,
}

#: Baseline restricted cubic spline on ln(months), proportional-odds scale
#: (Precision-ALS ``encals_survival_function``).
ENCALS_BASELINE: dict[str, float] = {
    "gamma0": -6.409,
    "gamma1": 2.643,
    "gamma2": -0.546,
    "gamma3": 0.585,
    "k_min": 0.081,
    "k1": 3.108,
    "k2": 3.638,
    "k_max": 5.917,
}

_B = ENCALS_BASELINE
_LAMBDA1 = (_B["k_max"] - _B["k1"]) / (_B["k_max"] - _B["k_min"])
_LAMBDA2 = (_B["k_max"] - _B["k2"]) / (_B["k_max"] - _B["k_min"])


ENCALS_ENDPOINTS: tuple[str, ...] = ("death", "tracheostomy", "niv_full_time")
"""The events of the composite endpoint ENCALS predicts (Westeneng 2018), in the order
``encals_endpoint`` takes their dates."""


def encals_endpoint(
    death: npt.ArrayLike, tracheostomy: npt.ArrayLike, niv_full_time: npt.ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """The first of death, tracheostomy and NIV more than 23 hours a day (Westeneng 2018's
    composite endpoint): (its day, NaN where none; the index of its kind in
    ``ENCALS_ENDPOINTS``, −1 where none). Days are numbers (e.g. days since 1970, NaN unknown);
    on a tie the earlier kind in ``ENCALS_ENDPOINTS`` is named."""
    days = np.stack([np.asarray(d, dtype=np.float64) for d in (death, tracheostomy, niv_full_time)])
    known = ~np.isnan(days)
    filled = np.where(known, days, np.inf)
    kind = np.argmin(filled, axis=0)
    first = np.min(filled, axis=0)
    has = known.any(axis=0)
    return np.where(has, first, np.nan), np.where(has, kind, -1)


def encals_transforms(
    delta_fs: npt.ArrayLike,
    diagnostic_delay: npt.ArrayLike,
    age_at_onset: npt.ArrayLike,
    fvc_percent: npt.ArrayLike,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Transformed continuous ENCALS predictors (Westeneng 2018; Precision-ALS).

    * ΔFS (points/month, ≥ 0): (ΔFS + 0.1)^-0.5
    * diagnostic delay (months, > 0): (delay/10)^-0.5 + ln(delay/10)
    * age at onset (years): (age/100)^-2
    * FVC (% predicted): (FVC/100)^-1 + (FVC/100)^-0.5

    NaN where an input is missing or outside its domain (delay, age or FVC ≤ 0; ΔFS < 0).
    """
    dfs = np.asarray(delta_fs, dtype=np.float64)
    delay = np.asarray(diagnostic_delay, dtype=np.float64)
    age = np.asarray(age_at_onset, dtype=np.float64)
    fvc = np.asarray(fvc_percent, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        t_dfs = np.where(dfs >= 0, (dfs + 0.1) ** -0.5, np.nan)
        d = np.where(delay > 0, delay / 10.0, np.nan)
        t_delay = d**-0.5 + np.log(d)
        a = np.where(age > 0, age / 100.0, np.nan)
        t_age = a**-2.0
        f = np.where(fvc > 0, fvc / 100.0, np.nan)
        t_fvc = 1.0 / f + f**-0.5
    return t_dfs, t_delay, t_age, t_fvc


def _binary(x: npt.ArrayLike) -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    return np.where((arr == 0) | (arr == 1), arr, np.nan)


def encals_linear_predictor(
    delta_fs: npt.ArrayLike,
    diagnostic_delay: npt.ArrayLike,
    age_at_onset: npt.ArrayLike,
    fvc_percent: npt.ArrayLike,
    bulbar_onset: npt.ArrayLike,
    definite: npt.ArrayLike,
    ftd: npt.ArrayLike,
    c9orf72: npt.ArrayLike,
) -> np.ndarray:
    """ENCALS 8-predictor linear predictor (Westeneng 2018, coefficients via Precision-ALS).

    LP = −1.837·t_ΔFS − 2.373·t_delay − 0.267·t_age + 0.477·t_FVC + 0.269·bulbar
    + 0.233·definite + 0.388·FTD + 0.256·C9orf72. Binary predictors are 0/1 (bulbar onset,
    revised El Escorial definite, ALS-FTD, C9orf72 repeat expansion). NaN if any input is
    missing. Worked example W-ENC: ΔFS 0.5, delay 12, age 60, FVC 90, all binary 0 → −4.6793.
    """
    c = ENCALS_COEFFICIENTS
    t_dfs, t_delay, t_age, t_fvc = encals_transforms(
        delta_fs, diagnostic_delay, age_at_onset, fvc_percent
    )
    return (
        c["delta_fs"] * t_dfs
        + c["diagnostic_delay"] * t_delay
        + c["age_at_onset"] * t_age
        + c["fvc_percent"] * t_fvc
        + c["bulbar_onset"] * _binary(bulbar_onset)
        + c["definite"] * _binary(definite)
        + c["ftd"] * _binary(ftd)
        + c["c9orf72"] * _binary(c9orf72)
    )


def tricals_linear_predictor(
    delta_fs: npt.ArrayLike,
    disease_duration: npt.ArrayLike,
    age_at_onset: npt.ArrayLike,
    vc_percent: npt.ArrayLike,
    bulbar_onset: npt.ArrayLike,
    definite: npt.ArrayLike,
    ftd: npt.ArrayLike,
) -> np.ndarray:
    """TRICALS 7-predictor risk profile (no C9orf72), Precision-ALS "TRICALS Risk Profile".

    Inputs are taken at screening: ``disease_duration`` = months(onset → screening),
    ``delta_fs`` = (48 − ALSFRS-R at screening)/duration, ``vc_percent`` = slow or forced VC %
    predicted. Same transformations as ENCALS (Westeneng 2018). The code's eligibility example
    window is −6.00 ≤ LP ≤ −2.00.
    """
    c = TRICALS_COEFFICIENTS
    t_dfs, t_delay, t_age, t_fvc = encals_transforms(
        delta_fs, disease_duration, age_at_onset, vc_percent
    )
    return (
        c["delta_fs"] * t_dfs
        + c["diagnostic_delay"] * t_delay
        + c["age_at_onset"] * t_age
        + c["fvc_percent"] * t_fvc
        + c["bulbar_onset"] * _binary(bulbar_onset)
        + c["definite"] * _binary(definite)
        + c["ftd"] * _binary(ftd)
    )


def _cube_pos(z: np.ndarray) -> np.ndarray:
    p = np.maximum(z, 0.0)
    return p * p * p


def _spline(x: np.ndarray) -> np.ndarray:
    b = _B

    def v(k: float, lam: float) -> np.ndarray:
        return (
            _cube_pos(x - k)
            - lam * _cube_pos(x - b["k_min"])
            - (1 - lam) * _cube_pos(x - b["k_max"])
        )

    return (
        b["gamma0"]
        + b["gamma1"] * x
        + b["gamma2"] * v(b["k1"], _LAMBDA1)
        + b["gamma3"] * v(b["k2"], _LAMBDA2)
    )


def _spline_derivative(x: np.ndarray) -> np.ndarray:
    b = _B

    def sq(z: np.ndarray) -> np.ndarray:
        p = np.maximum(z, 0.0)
        return p * p

    def dv(k: float, lam: float) -> np.ndarray:
        return 3.0 * (sq(x - k) - lam * sq(x - b["k_min"]) - (1 - lam) * sq(x - b["k_max"]))

    return b["gamma1"] + b["gamma2"] * dv(b["k1"], _LAMBDA1) + b["gamma3"] * dv(b["k2"], _LAMBDA2)


def encals_baseline_log_odds(t_months: npt.ArrayLike) -> np.ndarray:
    """Baseline cumulative log-odds of the event by t: s(ln t), a restricted cubic spline.

    s(x) = γ0 + γ1·x + γ2·v1(x) + γ3·v2(x), v_j(x) = (x−k_j)³₊ − λ_j(x−k_min)³₊
    − (1−λ_j)(x−k_max)³₊, λ_j = (k_max − k_j)/(k_max − k_min) (Royston-Parmar; Westeneng 2018
    via Precision-ALS, with the k_max term cubed). −inf for t ≤ 0.
    """
    t = np.asarray(t_months, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.log(np.where(t > 0, t, np.nan))
        return np.where(t > 0, _spline(x), np.where(np.isnan(t), np.nan, -np.inf))


def encals_survival(t_months: npt.ArrayLike, lp: npt.ArrayLike) -> np.ndarray:
    """Predicted probability of being event-free t months after onset.

    S(t | LP) = 1 / (1 + exp(s(ln t) + LP)) (proportional odds; Westeneng 2018). Broadcasts
    ``t_months`` against ``lp``; S(t ≤ 0) = 1.
    """
    s = encals_baseline_log_odds(t_months)
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(s + np.asarray(lp, dtype=np.float64)))


def encals_log_survival(t_months: npt.ArrayLike, lp: npt.ArrayLike) -> np.ndarray:
    """ln S(t | LP) = −ln(1 + exp(s(ln t) + LP)), computed without underflow (Westeneng 2018).

    The expected number of events between entry e and exit x is ln S(e) − ln S(x), summed over
    patients (Finkelstein, Muzikansky & Schoenfeld 2003); S itself rounds to 0 far out, its
    logarithm does not. 0 for t ≤ 0; broadcasts like ``encals_survival``.
    """
    s = encals_baseline_log_odds(t_months)
    with np.errstate(invalid="ignore"):
        return -np.logaddexp(0.0, s + np.asarray(lp, dtype=np.float64))


# The spline is linear below k_min and above k_max and increasing in between (checked at
# import), so s(x) = target has exactly one root for every finite target. A dense grid brackets
# it; Newton steps clipped to the bracket then converge to machine precision.
_X_LO = -12.0
_X_HI = 16.0
_GRID = np.linspace(_X_LO, _X_HI, 16385)
_S_GRID = _spline(_GRID)
if not np.all(np.diff(_S_GRID) > 0):  # pragma: no cover - a guard on the constants
    raise RuntimeError("ENCALS baseline spline is not increasing")
_SLOPE_LO = _B["gamma1"]
_SLOPE_HI = float(_spline_derivative(np.array(_X_HI)))


def _solve_log_time(target: np.ndarray) -> np.ndarray:
    """x with s(x) = target, vectorised."""
    target = np.asarray(target, dtype=np.float64)
    j = np.clip(np.searchsorted(_S_GRID, target, side="right") - 1, 0, _GRID.size - 2)
    lo, hi = _GRID[j], _GRID[j + 1]
    s_lo, s_hi = _S_GRID[j], _S_GRID[j + 1]
    with np.errstate(invalid="ignore"):
        x = lo + (target - s_lo) * (hi - lo) / (s_hi - s_lo)
        x = np.clip(x, lo, hi)
        for _ in range(2):
            x = np.clip(x - (_spline(x) - target) / _spline_derivative(x), lo, hi)
    # Outside the grid the spline is exactly linear.
    x = np.where(target < _S_GRID[0], _X_LO + (target - _S_GRID[0]) / _SLOPE_LO, x)
    x = np.where(target > _S_GRID[-1], _X_HI + (target - _S_GRID[-1]) / _SLOPE_HI, x)
    return np.where(np.isnan(target), np.nan, x)


def encals_survival_quantile(lp: npt.ArrayLike, p: float | npt.ArrayLike = 0.5) -> np.ndarray:
    """Months from onset at which S(t | LP) = p, found by root-finding (not a random draw).

    Solves s(ln t) = ln((1 − p)/p) − LP (Westeneng 2018 model; als-measures.md §4.3).
    """
    prob = np.asarray(p, dtype=np.float64)
    if np.any((prob <= 0) | (prob >= 1)):
        raise ValueError("p must be strictly between 0 and 1")
    target = np.log((1.0 - prob) / prob) - np.asarray(lp, dtype=np.float64)
    return np.exp(_solve_log_time(target))


def encals_median_survival(lp: npt.ArrayLike) -> np.ndarray:
    """Predicted median event-free survival in months from onset: the t with S(t) = 0.5.

    Worked example W-ENC: LP −4.6793 → 38.11 months. NaN where LP is NaN.
    """
    return encals_survival_quantile(lp, 0.5)
