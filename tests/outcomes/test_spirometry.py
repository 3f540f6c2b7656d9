"""FVC % predicted: GLI-2012 (Quanjer 2012) and NHANES III (Hankinson 1999)."""

import math
from datetime import date

import numpy as np
import pytest

from cellpath.outcomes.reasons import Reason
from cellpath.outcomes.spirometry import (
    GLI_AFRICAN_AMERICAN,
    fvc_percent_predicted,
    gli2012_fvc_lln,
    gli2012_fvc_lms,
    gli2012_fvc_percent_predicted,
    gli2012_fvc_zscore,
    nhanes3_fvc,
    nhanes3_fvc_percent_predicted,
)


def test_gli2012_worked_example():
    """W-GLI: male Caucasian 60 y 175 cm, 3.50 L → M 4.4686, S 0.14513, L 0.9481,
    LLN 3.4089, 78.32 %, z −1.503 (Quanjer 2012)."""
    big_l, big_m, big_s = gli2012_fvc_lms(60.0, 175, "M")
    assert float(big_m) == pytest.approx(4.4686, abs=1e-4)
    assert float(big_s) == pytest.approx(0.14513, abs=1e-5)
    assert float(big_l) == pytest.approx(0.9481)
    assert float(gli2012_fvc_lln(60.0, 175, "M")) == pytest.approx(3.4089, abs=1e-4)
    assert float(gli2012_fvc_percent_predicted(3.5, 60.0, 175, "M")) == pytest.approx(
        78.32, abs=0.01
    )
    assert float(gli2012_fvc_zscore(3.5, 60.0, 175, "M")) == pytest.approx(-1.503, abs=1e-3)


def test_gli2012_interpolates_between_quarter_year_rows():
    """Age splines interpolate linearly between 0.25-year rows (rspiro; spec §6.2)."""
    m60 = float(gli2012_fvc_lms(60.0, 175, "F")[1])
    m6025 = float(gli2012_fvc_lms(60.25, 175, "F")[1])
    mid = float(gli2012_fvc_lms(60.125, 175, "F")[1])
    assert min(m60, m6025) < mid < max(m60, m6025)


def test_gli2012_ethnicity_and_range():
    cauc = float(gli2012_fvc_lms(60, 175, "M")[1])
    afr = float(gli2012_fvc_lms(60, 175, "M", GLI_AFRICAN_AMERICAN)[1])
    assert afr == pytest.approx(cauc * math.exp(-0.1684), rel=1e-9)
    _, m, _ = gli2012_fvc_lms(np.array([2.0, 96.0, 60.0]), 170, np.array(["M", "M", "X"]))
    assert np.isnan(m).all()


def test_nhanes3_worked_example():
    """W-HANK: male Caucasian 60 y 175 cm, 3.50 L → 4.5858 L, LLN 3.6833 L, 76.32 %."""
    pred, lln = nhanes3_fvc(60, 175, "M")
    assert float(pred) == pytest.approx(4.5858, abs=1e-4)
    assert float(lln) == pytest.approx(3.6833, abs=1e-4)
    assert float(nhanes3_fvc_percent_predicted(3.5, 60, 175, "M")) == pytest.approx(76.32, abs=0.01)


def test_nhanes3_does_not_guess_the_unverified_female_age_split():
    """rspiro splits females at 20 y, pyspiro at 18 (unverified): ages 18-19 → NaN."""
    pred, _ = nhanes3_fvc(np.array([17.0, 18.5, 19.9, 20.0]), 165, "F")
    assert not math.isnan(pred[0]) and not math.isnan(pred[3])
    assert np.isnan(pred[1:3]).all()
    assert math.isnan(float(nhanes3_fvc(85, 170, "M")[0]))  # outside the 8-80 y sample


def test_a_record_s_percent_is_computed_else_entered_else_explained():
    """The one FVC % predicted of recorded measurements: the recorded equation at the age on
    the day, a % from a report when none can be computed, or a reason."""
    person = {"birth_date": date(1962, 1, 15), "height_cm": 175, "sex": "M"}
    rows = [
        {"measured_on": date(2022, 1, 15), "fvc_litres": 3.5, "fvc_percent_entered": 70.0},
        {"measured_on": date(2022, 2, 1), "fvc_percent_entered": 70.0},
        {"measured_on": date(2022, 3, 1), "fvc_litres": None},
        {"measured_on": date(2022, 1, 15), "fvc_litres": 3.5, "equation": "nhanes3"},
        {"measured_on": date(2043, 1, 1), "fvc_litres": 3.5, "equation": "nhanes3"},  # 80.96 y
        {"measured_on": date(2022, 5, 1), "fvc_litres": 3.5, "equation": "crapo"},
    ]
    computed, entered, svc_only, nhanes, too_old, unknown = fvc_percent_predicted(person, rows)
    assert (computed.source, computed.equation) == ("computed", "gli2012")
    assert computed.percent == pytest.approx(78.32, abs=0.01)  # W-GLI, not the 70 % entered
    assert (entered.source, entered.percent, entered.reason) == ("entered", 70.0, None)
    assert svc_only.percent is None and svc_only.reason == Reason("no_fvc_litres")
    assert nhanes.equation == "nhanes3" and nhanes.percent == pytest.approx(76.32, abs=0.01)
    assert too_old.reason.code == "outside_reference_ages"
    assert too_old.reason.params["equation"] == "nhanes3"
    assert unknown.reason.code == "not_one_of"
    (no_height,) = fvc_percent_predicted({**person, "height_cm": None, "sex": ""}, rows[:1])
    assert (no_height.source, no_height.percent) == ("entered", 70.0)
    (no_height,) = fvc_percent_predicted({**person, "height_cm": None, "sex": ""}, rows[3:4])
    assert no_height.reason == Reason(
        "missing_inputs", {"model": "FVC % predicted", "inputs": ("height_cm", "sex")}
    )
