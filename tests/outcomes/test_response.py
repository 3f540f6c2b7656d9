"""Responder analyses: Petrou 2016, NurOwn phase 3 (Cudkowicz 2022), Oh 2018."""

import math

import pytest

from cellpath.outcomes.response import (
    NUROWN_PHASE2_THRESHOLD,
    nurown_responder,
    oh_tier,
    percent_improvement,
    petrou_responder,
)
from cellpath.outcomes.vocabulary import DAYS_PER_MONTH


def test_nurown_worked_example():
    """W-NUR: 40 → 36 over 120 d, then 36 → 35 over 196 d → +0.8593, not a responder."""
    pre = (36 - 40) / (120 / DAYS_PER_MONTH)
    post = (35 - 36) / (196 / DAYS_PER_MONTH)
    assert pre == pytest.approx(-1.0146, abs=1e-4)
    assert post == pytest.approx(-0.1553, abs=1e-4)
    result = nurown_responder(pre, post)
    assert result.value == pytest.approx(0.8593, abs=1e-4)
    assert result.responder is False


def test_nurown_threshold_is_inclusive_and_phase2_is_stricter():
    """Cudkowicz 2022: ≥ 1.25 points/month; Berry 2019 (phase 2): ≥ 1.5."""
    assert nurown_responder(-1.5, -0.25).responder is True
    assert nurown_responder(-1.5, -0.25, threshold=NUROWN_PHASE2_THRESHOLD).responder is False


def test_petrou_worked_example():
    """W-PET: ALSFRS-R −1.2 → −0.8 (33.3 %), FVC −3.5 → −3.0 (14.3 %) → responder."""
    assert float(percent_improvement(-1.2, -0.8)) == pytest.approx(33.33, abs=0.01)
    assert float(percent_improvement(-3.5, -3.0)) == pytest.approx(14.29, abs=0.01)
    result = petrou_responder(-1.2, -0.8, -3.5, -3.0)
    assert result.responder is True
    assert result.value == pytest.approx(33.33, abs=0.01)


def test_petrou_accepts_either_measure():
    """Petrou 2016: ≥ 25 % in ALSFRS-R *or* FVC."""
    assert petrou_responder(-1.0, -0.9, -4.0, -2.0).responder is True
    assert petrou_responder(-1.0, -0.9, -4.0, -3.9).responder is False


def test_percentage_rules_are_undefined_without_a_run_in_decline():
    """No decline before treatment: % improvement undefined → no value plus a reason."""
    assert math.isnan(float(percent_improvement(0.0, -0.5)))
    result = petrou_responder(0.2, -0.5)
    assert result.responder is None and result.value is None
    assert "not negative" in (result.reason or "")
    tier, reason = oh_tier(0.0, 1.0)
    assert tier is None and "not negative" in (reason or "")
    missing = nurown_responder(None, -0.5)
    assert missing.responder is None and "missing" in (missing.reason or "")


def test_petrou_on_partial_data_says_so():
    result = petrou_responder(-1.0, -0.5, 1.0, 0.5)
    assert result.responder is True
    assert "FVC" in (result.reason or "")


@pytest.mark.parametrize(
    ("post", "tier"), [(-0.9, 0), (-0.5, 50), (-0.25, 75), (0.0, 100), (0.5, 100)]
)
def test_oh_tiers(post, tier):
    """Oh 2018: ≥ 50 % good, ≥ 75 %, ≥ 100 %; below 50 % poor (0)."""
    assert oh_tier(-1.0, post) == (tier, None)
