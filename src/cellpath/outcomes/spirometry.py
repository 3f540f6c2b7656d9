"""FVC % predicted: GLI-2012 (Quanjer) and NHANES III (Hankinson) reference equations.

Sources
-------
* Quanjer PH et al. Multi-ethnic reference values for spirometry for the 3-95-yr age range:
  the global lung function 2012 equations. ERJ 2012;40:1324-1343.
  doi:10.1183/09031936.00080312 — LMS model; coefficients and age-spline lookup as distributed
  with rspiro and pyspiro (identical; als-measures.md §6.2).
* Hankinson JL et al. Spirometric reference values from a sample of the general U.S.
  population. AJRCCM 1999;159:179-187. doi:10.1164/ajrccm.159.1.9712108 — polynomial in age
  and height², coefficients from rspiro ``data-raw/NHtb45.csv`` (als-measures.md §6.3).

Why not the ``pyspiro`` package: it needs pandas at run time (Cellpath keeps pandas a
development dependency), is ~40 MB installed, and scores one person at a time. Two differences
from it are deliberate: GLI age splines are linearly interpolated between the 0.25-year rows
(rspiro, and the spec) where pyspiro rounds the age to the nearest row; and NHANES III is not
extrapolated outside the 8-80 year sample.

Units: age in decimal years, height in cm, FVC in litres. ``sex`` is "M" or "F".

``fvc_percent_predicted`` is the one FVC % predicted of a person's recorded measurements: it
applies the recorded equation, falls back on a % entered from a report, and says why when there
is none.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cellpath.outcomes import _gli2012_fvc_lookup as _lookup
from cellpath.outcomes.reasons import Reason
from cellpath.outcomes.vocabulary import DAYS_PER_YEAR, FVC_EQUATIONS, values

__all__ = [
    "GLI_AFRICAN_AMERICAN",
    "GLI_CAUCASIAN",
    "GLI_NE_ASIAN",
    "GLI_OTHER",
    "GLI_SE_ASIAN",
    "NHANES_AFRICAN_AMERICAN",
    "NHANES_CAUCASIAN",
    "NHANES_MEXICAN_AMERICAN",
    "FvcPercentPredicted",
    "fvc_percent_predicted",
    "gli2012_fvc_lln",
    "gli2012_fvc_lms",
    "gli2012_fvc_percent_predicted",
    "gli2012_fvc_zscore",
    "nhanes3_fvc",
    "nhanes3_fvc_percent_predicted",
]

# GLI-2012 ethnic groups (Quanjer 2012).
GLI_CAUCASIAN, GLI_AFRICAN_AMERICAN, GLI_NE_ASIAN, GLI_SE_ASIAN, GLI_OTHER = 1, 2, 3, 4, 5
# NHANES III groups (Hankinson 1999).
NHANES_CAUCASIAN, NHANES_AFRICAN_AMERICAN, NHANES_MEXICAN_AMERICAN = 1, 2, 3

# FVC: a0 a1(ln height) a2(ln age) a3..a6 (AfrAm, NE Asia, SE Asia, Other); p0 p1(ln age)
# p2..p5 (same groups); q0 q1(ln age). Quanjer 2012, via rspiro/pyspiro.
_GLI_FVC = {
    "M": {
        "a": (-11.2281, 2.4135, 0.0865, -0.1684, -0.0405, -0.1177, -0.0825),
        "p": (-2.2963, 0.0718, 0.0794, -0.46, 0.0325, -0.0503),
        "q": (0.9481, 0.0),
    },
    "F": {
        "a": (-10.403, 2.2633, 0.0234, -0.1555, -0.0262, -0.1516, -0.0833),
        "p": (-2.3549, 0.1017, 0.081, -0.1809, 0.0459, -0.0503),
        "q": (0.8236, 0.0),
    },
}
_SPLINES = {
    "M": (np.asarray(_lookup.M_SPLINE_MALE), np.asarray(_lookup.S_SPLINE_MALE)),
    "F": (np.asarray(_lookup.M_SPLINE_FEMALE), np.asarray(_lookup.S_SPLINE_FEMALE)),
}
_GLI_AGE_MIN = _lookup.AGE_START
_GLI_AGE_MAX = _lookup.AGE_START + _lookup.AGE_STEP * (len(_lookup.M_SPLINE_MALE) - 1)

# FVC, Hankinson 1999 table 4/5 via rspiro: (b0, b1 age, b2 age², b_PRD height², b_LLN height²)
# keyed by (sex, ethnicity, adult).
_NHANES_FVC: dict[tuple[str, int, bool], tuple[float, float, float, float, float]] = {
    ("M", 1, False): (-0.2584, -0.20415, 0.010133, 1.8642e-4, 1.5695e-4),
    ("M", 1, True): (-0.1933, 0.00064, -0.000269, 1.8642e-4, 1.5695e-4),
    ("M", 2, False): (-0.4971, -0.15497, 0.007701, 1.6643e-4, 1.3670e-4),
    ("M", 2, True): (-0.1517, -0.01821, 0.0, 1.6643e-4, 1.3670e-4),
    ("M", 3, False): (-0.7571, -0.09520, 0.006619, 1.7823e-4, 1.4947e-4),
    ("M", 3, True): (0.2376, -0.00891, -0.000182, 1.7823e-4, 1.4947e-4),
    ("F", 1, False): (-1.2082, 0.05916, 0.0, 1.4815e-4, 1.2198e-4),
    ("F", 1, True): (-0.3560, 0.01870, -0.000382, 1.4815e-4, 1.2198e-4),
    ("F", 2, False): (-0.6166, -0.04687, 0.003602, 1.3606e-4, 1.0916e-4),
    ("F", 2, True): (-0.3039, 0.00536, -0.000265, 1.3606e-4, 1.0916e-4),
    ("F", 3, False): (-1.2507, 0.07501, 0.0, 1.4246e-4, 1.1570e-4),
    ("F", 3, True): (0.1210, 0.00307, -0.000237, 1.4246e-4, 1.1570e-4),
}
_NHANES_AGE_MIN, _NHANES_AGE_MAX = 8.0, 80.0


def _sex_masks(sex: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    s = np.asarray(sex)
    return s == "M", s == "F"


def _interp_spline(table: np.ndarray, age: np.ndarray) -> np.ndarray:
    pos = (age - _GLI_AGE_MIN) / _lookup.AGE_STEP
    i = np.clip(np.floor(pos).astype(np.intp), 0, table.size - 2)
    frac = pos - i
    return table[i] + (table[i + 1] - table[i]) * frac


def gli2012_fvc_lms(
    age: npt.ArrayLike,
    height_cm: npt.ArrayLike,
    sex: npt.ArrayLike,
    ethnicity: npt.ArrayLike = GLI_CAUCASIAN,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """GLI-2012 FVC (L, M, S) for the LMS model (Quanjer 2012).

    M = exp(a0 + a1·ln(height) + a2·ln(age) + a_eth + Mspline(age)) litres;
    S = exp(p0 + p1·ln(age) + p_eth + Sspline(age)); L = q0 + q1·ln(age) (FVC L-spline is 0).
    Splines are interpolated linearly between 0.25-year rows. NaN outside ages 3-95, for an
    unknown sex or ethnicity. Worked example W-GLI: male Caucasian, 60 y, 175 cm →
    M 4.4686 L, S 0.14513, L 0.9481.
    """
    age_a = np.asarray(age, dtype=np.float64)
    h = np.asarray(height_cm, dtype=np.float64)
    eth = np.asarray(ethnicity)
    male, female = _sex_masks(sex)
    shape = np.broadcast_shapes(age_a.shape, h.shape, eth.shape, male.shape)
    big_l, big_m, big_s = (np.full(shape, np.nan) for _ in range(3))
    in_range = (age_a >= _GLI_AGE_MIN) & (age_a <= _GLI_AGE_MAX)
    safe_age = np.where(in_range, age_a, _GLI_AGE_MIN)
    with np.errstate(invalid="ignore", divide="ignore"):
        for key, mask in (("M", male), ("F", female)):
            c = _GLI_FVC[key]
            m_spl, s_spl = _SPLINES[key]
            a, p, q = c["a"], c["p"], c["q"]
            eth_m = np.select(
                [eth == 1, eth == 2, eth == 3, eth == 4, eth == 5],
                [0.0, a[3], a[4], a[5], a[6]],
                np.nan,
            )
            eth_s = np.select(
                [eth == 1, eth == 2, eth == 3, eth == 4, eth == 5],
                [0.0, p[2], p[3], p[4], p[5]],
                np.nan,
            )
            ln_age = np.log(safe_age)
            m = np.exp(
                a[0] + a[1] * np.log(h) + a[2] * ln_age + eth_m + _interp_spline(m_spl, safe_age)
            )
            s = np.exp(p[0] + p[1] * ln_age + eth_s + _interp_spline(s_spl, safe_age))
            lam = q[0] + q[1] * ln_age
            sel = np.broadcast_to(mask & in_range, shape)
            big_m = np.where(sel, m, big_m)
            big_s = np.where(sel, s, big_s)
            big_l = np.where(sel, lam, big_l)
    return big_l, big_m, big_s


def gli2012_fvc_lln(
    age: npt.ArrayLike,
    height_cm: npt.ArrayLike,
    sex: npt.ArrayLike,
    ethnicity: npt.ArrayLike = GLI_CAUCASIAN,
) -> np.ndarray:
    """GLI-2012 lower limit of normal (5th centile): M·(1 − 1.645·L·S)^(1/L) (Quanjer 2012)."""
    big_l, big_m, big_s = gli2012_fvc_lms(age, height_cm, sex, ethnicity)
    return big_m * (1.0 - 1.645 * big_l * big_s) ** (1.0 / big_l)


def gli2012_fvc_zscore(
    fvc_litres: npt.ArrayLike,
    age: npt.ArrayLike,
    height_cm: npt.ArrayLike,
    sex: npt.ArrayLike,
    ethnicity: npt.ArrayLike = GLI_CAUCASIAN,
) -> np.ndarray:
    """GLI-2012 z-score: ((measured/M)^L − 1)/(L·S) (Quanjer 2012)."""
    big_l, big_m, big_s = gli2012_fvc_lms(age, height_cm, sex, ethnicity)
    measured = np.asarray(fvc_litres, dtype=np.float64)
    return ((measured / big_m) ** big_l - 1.0) / (big_l * big_s)


def gli2012_fvc_percent_predicted(
    fvc_litres: npt.ArrayLike,
    age: npt.ArrayLike,
    height_cm: npt.ArrayLike,
    sex: npt.ArrayLike,
    ethnicity: npt.ArrayLike = GLI_CAUCASIAN,
) -> np.ndarray:
    """FVC % predicted = 100 × measured / M (GLI-2012, Quanjer 2012).

    W-GLI: 3.50 L, male Caucasian, 60 y, 175 cm → 78.32 %.
    """
    _, big_m, _ = gli2012_fvc_lms(age, height_cm, sex, ethnicity)
    return 100.0 * np.asarray(fvc_litres, dtype=np.float64) / big_m


def nhanes3_fvc(
    age: npt.ArrayLike,
    height_cm: npt.ArrayLike,
    sex: npt.ArrayLike,
    ethnicity: npt.ArrayLike = NHANES_CAUCASIAN,
) -> tuple[np.ndarray, np.ndarray]:
    """NHANES III predicted FVC and LLN in litres (Hankinson 1999).

    pred = b0 + b1·age + b2·age² + b_PRD·height²; LLN uses b_LLN. Child equations below 20
    years for males. For females the split is 20 years in rspiro but 18 in pyspiro (and, from
    recall, in Hankinson's table; als-measures.md §6.3, UNVERIFIED): females aged 18-19 are
    therefore returned as NaN rather than guessed. NaN outside the 8-80-year sample.
    W-HANK: male Caucasian, 60 y, 175 cm → 4.5858 L, LLN 3.6833 L.
    """
    age_a = np.asarray(age, dtype=np.float64)
    h = np.asarray(height_cm, dtype=np.float64)
    eth = np.asarray(ethnicity)
    male, female = _sex_masks(sex)
    shape = np.broadcast_shapes(age_a.shape, h.shape, eth.shape, male.shape)
    pred = np.full(shape, np.nan)
    lln = np.full(shape, np.nan)
    in_range = (age_a >= _NHANES_AGE_MIN) & (age_a <= _NHANES_AGE_MAX)
    ambiguous = female & (age_a >= 18) & (age_a < 20)
    for (sx, e, adult), (b0, b1, b2, b_prd, b_lln) in _NHANES_FVC.items():
        sex_mask = male if sx == "M" else female
        band = age_a >= 20 if adult else age_a < 20
        sel = np.broadcast_to(sex_mask & (eth == e) & band & in_range & ~ambiguous, shape)
        base = b0 + b1 * age_a + b2 * age_a * age_a
        pred = np.where(sel, base + b_prd * h * h, pred)
        lln = np.where(sel, base + b_lln * h * h, lln)
    return pred, lln


def nhanes3_fvc_percent_predicted(
    fvc_litres: npt.ArrayLike,
    age: npt.ArrayLike,
    height_cm: npt.ArrayLike,
    sex: npt.ArrayLike,
    ethnicity: npt.ArrayLike = NHANES_CAUCASIAN,
) -> np.ndarray:
    """FVC % predicted = 100 × measured / NHANES III predicted (Hankinson 1999).

    W-HANK: 3.50 L, male Caucasian, 60 y, 175 cm → 76.32 %.
    """
    pred, _ = nhanes3_fvc(age, height_cm, sex, ethnicity)
    return 100.0 * np.asarray(fvc_litres, dtype=np.float64) / pred


@dataclass(frozen=True)
class FvcPercentPredicted:
    """FVC % predicted of one measurement: ``source`` is "computed" (with ``equation``) or
    "entered" (from a report); without a value, ``source`` is "" and ``reason`` says why."""

    percent: float | None
    source: str
    equation: str = ""
    reason: Reason | None = None


_EQUATIONS = {"gli2012": gli2012_fvc_percent_predicted, "nhanes3": nhanes3_fvc_percent_predicted}


def fvc_percent_predicted(
    person: Mapping[str, object], measurements: Iterable[Mapping[str, object]]
) -> list[FvcPercentPredicted]:
    """FVC % predicted of each of one person's spirometry measurements, in order.

    ``person`` has ``birth_date`` (a date), ``height_cm`` and ``sex`` ("M"/"F"); a measurement
    has ``measured_on`` (a date), ``fvc_litres``, ``equation`` (``vocabulary.FVC_EQUATIONS``;
    "gli2012" if absent) and may have ``fvc_percent_entered``, a % read from a report.

    The % is computed from the litres with the recorded equation at the age on the day measured
    (GLI-2012, Quanjer 2012; NHANES III, Hankinson 1999; both with their reference group for
    white European ancestry, as no ethnic group is recorded). A % entered from a report is used
    when none can be computed. Otherwise ``reason`` is ``no_fvc_litres``, ``missing_inputs``
    (of ``height_cm``, ``sex``, ``birth_date``), ``not_one_of`` (an unknown equation) or
    ``outside_reference_ages`` (``equation``, ``age``).

    >>> [round(p.percent, 1) for p in fvc_percent_predicted(
    ...     {"birth_date": _dt.date(1962, 1, 15), "height_cm": 175, "sex": "M"},
    ...     [{"measured_on": _dt.date(2022, 1, 15), "fvc_litres": 3.5}])]
    [78.3]
    """
    rows = list(measurements)
    birth = person.get("birth_date")
    facts = {"height_cm": person.get("height_cm"), "sex": person.get("sex"), "birth_date": birth}
    missing = tuple(name for name, value in facts.items() if not value)
    equations = [str(row.get("equation") or "gli2012") for row in rows]

    # One call per equation for all the measurements it applies to.
    computed: dict[int, float] = {}
    ages: dict[int, float] = {}
    if not missing and isinstance(birth, _dt.date):
        for equation, function in _EQUATIONS.items():
            chosen = [
                i
                for i, row in enumerate(rows)
                if row.get("fvc_litres") is not None and equations[i] == equation
            ]
            for i in chosen:
                measured_on = rows[i]["measured_on"]
                assert isinstance(measured_on, _dt.date)
                ages[i] = (measured_on - birth).days / DAYS_PER_YEAR
            if not chosen:
                continue
            percent = function(
                np.array([float(rows[i]["fvc_litres"]) for i in chosen]),  # type: ignore[arg-type]
                np.array([ages[i] for i in chosen]),
                float(person["height_cm"]),  # type: ignore[arg-type]
                person["sex"],
            )
            computed.update(zip(chosen, np.atleast_1d(percent).tolist(), strict=True))

    out = []
    for i, row in enumerate(rows):
        value = computed.get(i)
        entered = row.get("fvc_percent_entered")
        reason = None
        if value is not None and math.isfinite(value):
            out.append(FvcPercentPredicted(value, "computed", equations[i]))
            continue
        if entered is not None:
            out.append(FvcPercentPredicted(float(entered), "entered"))  # type: ignore[arg-type]
            continue
        if row.get("fvc_litres") is None:
            reason = Reason("no_fvc_litres")
        elif missing:
            reason = Reason("missing_inputs", {"model": "FVC % predicted", "inputs": missing})
        elif equations[i] not in _EQUATIONS:
            allowed = values(FVC_EQUATIONS)
            params = {"column": "equation", "value": equations[i], "allowed": allowed}
            reason = Reason("not_one_of", params)
        else:
            reason = Reason("outside_reference_ages", {"equation": equations[i], "age": ages[i]})
        out.append(FvcPercentPredicted(None, "", reason=reason))
    return out
