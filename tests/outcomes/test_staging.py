"""King's (Roche 2012; Balendra 2014 algorithm) and MiToS (Chiò 2015) staging."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cellpath.outcomes.staging import (
    KINGS_LABELS,
    kings_stage,
    kings_stage_code,
    mitos_domains,
    mitos_stage,
)

WORKED = [
    ([4] * 12, False, "0", 0),
    ([3, 4, 4, 4, 4, 4, 4, 3, 3, 4, 4, 4], False, "2", 0),
    ([2, 3, 1, 3, 2, 2, 2, 2, 1, 3, 3, 4], True, "4A", 1),
    ([3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 3, 2], False, "4B", 1),
]


@pytest.mark.parametrize(("items", "gastrostomy", "kings", "mitos"), WORKED)
def test_it_stages_the_worked_examples(items, gastrostomy, kings, mitos):
    """W-A..W-D (als-measures.md §10): King's per Balendra 2014, MiToS per Chiò 2015 Table 1."""
    assert kings_stage(items, gastrostomy) == kings
    assert int(mitos_stage(items)) == mitos


def test_it_puts_4b_before_4a():
    """Balendra 2014 as implemented by Precision-ALS and hub-datatools: NIV (4B) wins over 4A."""
    items = [3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 3]  # R3 = 3: intermittent NIV
    assert kings_stage(items, gastrostomy=True) == "4B"
    assert kings_stage([4] * 9 + [0, 4, 4], gastrostomy=False) == "4B"  # dyspnea 0


def test_it_counts_regions_with_5a_only_and_walking_not_stairs():
    """Upper limb = handwriting or 5a < 4; lower limb = walking < 4, not item 9 (Balendra)."""
    assert kings_stage([4, 4, 4, 4, 3, 4, 4, 4, 4, 4, 4, 4], gastrostomy=False) == "1"
    assert kings_stage([4, 4, 4, 4, 4, 4, 4, 4, 2, 4, 4, 4], gastrostomy=False) == "0"
    assert kings_stage([3, 4, 4, 3, 4, 4, 4, 2, 4, 4, 4, 4], gastrostomy=False) == "3"


def test_stage_zero_can_be_clamped_to_one_and_death_is_five():
    """C-HONG recodes 0 → 1 (opt-in); stage 5 = death (Roche 2012)."""
    items = [4, 4, 4, 4, 4, 3, 3, 4, 3, 4, 3, 4]  # only non-staging items below 4
    assert kings_stage(items, False) == "0"
    assert kings_stage(items, False, clamp_zero_to_one=True) == "1"
    assert kings_stage(items, False, dead=True) == "5"
    assert kings_stage(items, False, peg_indicated=True) == "4A"


def test_mitos_communicating_needs_speech_and_handwriting():
    """Chiò 2015 Table 1 prints AND; Precision-ALS/hub-datatools use OR (opt-in here)."""
    items = [1, 4, 4, 3, 4, 4, 4, 4, 4, 4, 4, 4]  # speech ≤ 1, handwriting 3
    assert int(mitos_stage(items)) == 0
    assert int(mitos_stage(items, communicating="or")) == 1
    both = [1, 4, 4, 1, 4, 4, 4, 4, 4, 4, 4, 4]
    assert bool(mitos_domains(both)["communicating"])


def test_mitos_domain_thresholds():
    """Chiò 2015 Table 1: walking/self-care i8 ≤ 1 or i6 ≤ 1; swallowing i3 ≤ 1;
    breathing i10 ≤ 1 or i12 ≤ 2."""
    base = [4] * 12

    def with_(**changes):
        it = list(base)
        for k, v in changes.items():
            it[int(k[1:]) - 1] = v
        return int(mitos_stage(it))

    assert with_(i8=1) == 1 and with_(i8=2) == 0
    assert with_(i6=1) == 1
    assert with_(i3=1) == 1 and with_(i3=2) == 0
    assert with_(i10=1) == 1 and with_(i12=2) == 1 and with_(i12=3) == 0
    assert with_(i8=0, i3=0, i1=0, i4=0, i10=0) == 4
    assert int(mitos_stage(base, dead=True)) == 5


def test_vectorised_staging_matches_one_visit_at_a_time():
    rng = np.random.default_rng(7)
    items = rng.integers(0, 5, (300, 12))
    gastro = rng.random(300) < 0.3
    codes = kings_stage_code(items, gastro)
    assert [KINGS_LABELS[c] for c in codes] == [
        kings_stage(it, bool(g)) for it, g in zip(items, gastro, strict=True)
    ]
    assert mitos_stage(items).tolist() == [int(mitos_stage(it)) for it in items]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 4), min_size=12, max_size=12),
    st.integers(0, 11),
    st.booleans(),
)
def test_losing_a_point_never_lowers_a_stage(items, j, gastrostomy):
    """Staging is monotone in every item (King's: Balendra 2014; MiToS: Chiò 2015)."""
    if items[j] == 0:
        return
    worse = list(items)
    worse[j] -= 1
    assert kings_stage_code(worse, gastrostomy) >= kings_stage_code(items, gastrostomy)
    assert mitos_stage(worse) >= mitos_stage(items)
