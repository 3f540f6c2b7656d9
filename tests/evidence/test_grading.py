"""Evidence levels follow the design of a study (a simplified GRADE: Guyatt et al., BMJ 2008)."""

from __future__ import annotations

import pytest

from cellpath.evidence.grading import SMALL_TRIAL, evidence_level


@pytest.mark.parametrize(
    ("design", "control", "n_treated", "n_control", "expected"),
    [
        ("randomised", "placebo", 95, 94, "higher"),  # NurOwn phase 3
        ("randomised", "sham", 77, 38, "higher"),
        ("randomised", "placebo", 36, 12, "moderate"),  # NurOwn phase 2: small
        ("randomised", "standard_care", 33, 31, "moderate"),  # lenzumestrocel phase 2
        ("open_label", "contralateral_limb", 18, None, "low"),  # CNS10-NPC-GDNF
        ("case_control", "historical", 67, 67, "low"),  # Wharton's jelly vs PRO-ACT
        ("post_hoc", "model_predicted", 19, None, "very_low"),  # ENCALS-predicted survival
        ("open_label", "none", 26, None, "very_low"),  # NurOwn phase 1/2
    ],
)
def test_the_level_follows_design_and_control(design, control, n_treated, n_control, expected):
    level = evidence_level(
        kind="study", design=design, control=control, n_treated=n_treated, n_control=n_control
    )
    assert level.code == expected


def test_the_size_threshold_is_inclusive() -> None:
    half = SMALL_TRIAL // 2
    assert (
        evidence_level(
            kind="study", design="randomised", control="placebo", n_treated=half, n_control=half
        ).code
        == "higher"
    )
    assert (
        evidence_level(
            kind="study", design="randomised", control="placebo", n_treated=half, n_control=half - 1
        ).code
        == "moderate"
    )


def test_reviews_and_regulators_summarise_other_studies() -> None:
    for kind in ("review", "regulatory"):
        level = evidence_level(
            kind=kind, design="meta_analysis", control="n/a", n_treated=None, n_control=None
        )
        assert level.code == "summary"
