"""Clinical staging from ALSFRS-R items: King's and MiToS.

Sources
-------
* Roche JC et al. A proposed staging system for ALS. Brain 2012;135:847-852.
  doi:10.1093/brain/awr351 — King's clinical stages 1-3 (regions involved), 4A (gastrostomy),
  4B (NIV), 5 (death).
* Balendra R et al. Estimating clinical stage of ALS from the ALSFRS. ALS-FTD 2014;15:279-284.
  doi:10.3109/21678421.2014.897357 — the ALSFRS-R → King's algorithm. The paper text was not
  read; the rule is the one three public implementations agree on (Precision-ALS
  ``src/ext_kings.R``, hub-datatools ``_followup.py``, yoonhohong/proact; als-measures.md §3.1).
* Chiò A et al. Development and evaluation of a clinical staging system for ALS (MiToS).
  JNNP 2015;86:38-44. doi:10.1136/jnnp-2013-306589 — Table 1 (read directly).

Item arrays have the 12 ALSFRS-R items on the last axis (i5 merged, see ``alsfrs``), so the
functions work on one visit (shape (12,)) or a whole table (shape (n, 12), or a transposed
(12, n) column block).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "KINGS_4A",
    "KINGS_4B",
    "KINGS_DEATH",
    "KINGS_LABELS",
    "MITOS_DEATH",
    "kings_regions",
    "kings_stage",
    "kings_stage_code",
    "mitos_domains",
    "mitos_stage",
]

#: Label of each King's stage code; codes are ordered by severity so they compare correctly.
KINGS_LABELS: tuple[str, ...] = ("0", "1", "2", "3", "4A", "4B", "5")
KINGS_4A = 4
KINGS_4B = 5
KINGS_DEATH = 6
MITOS_DEATH = 5

Communicating = Literal["and", "or"]


def _items(items: npt.ArrayLike) -> np.ndarray:
    arr = np.asarray(items)
    if arr.ndim == 0 or arr.shape[-1] != 12:
        raise ValueError(f"staging needs the 12 ALSFRS-R items on the last axis, got {arr.shape}")
    return arr


def kings_regions(
    items: npt.ArrayLike, gastrostomy: npt.ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Regions involved per Balendra 2014 (as implemented in Precision-ALS, hub-datatools).

    * bulbar: any of items 1-3 below 4;
    * upper limb: handwriting (4) below 4, or cutting food 5a below 4 (5a only: with a
      gastrostomy the 5b score says nothing about the upper limb, and the stage is 4A/4B anyway);
    * lower limb: walking (8) below 4 (not item 9, stairs).
    """
    it = _items(items)
    g = np.asarray(gastrostomy, dtype=bool)
    bulbar = (it[..., 0] < 4) | (it[..., 1] < 4) | (it[..., 2] < 4)
    upper = (it[..., 3] < 4) | ((it[..., 4] < 4) & ~g)
    lower = it[..., 7] < 4
    return bulbar, upper, lower


def kings_stage_code(
    items: npt.ArrayLike,
    gastrostomy: npt.ArrayLike,
    *,
    dead: npt.ArrayLike = False,
    peg_indicated: npt.ArrayLike = False,
    clamp_zero_to_one: bool = False,
) -> np.ndarray:
    """King's stage as an ordered code 0-6 (labels ``KINGS_LABELS``: 0, 1, 2, 3, 4A, 4B, 5).

    Balendra 2014 algorithm (als-measures.md §3.1):

    * 4B (respiratory failure): dyspnea (R1) = 0, or respiratory insufficiency (R3) < 4 (any
      NIV or invasive ventilation);
    * else 4A (nutritional failure): gastrostomy in place (5b answered). ``peg_indicated`` is the
      opt-in hub-datatools variant where an indication for gastrostomy also counts;
    * else the number of regions involved (``kings_regions``), 0-3.

    4B takes precedence over 4A, as in all three implementations. Stage 0 (no staging item
    below 4) is returned as 0; ``clamp_zero_to_one`` recodes it to 1 as yoonhohong/proact does.
    ``dead`` gives stage 5 (Roche 2012).
    """
    it = _items(items)
    bulbar, upper, lower = kings_regions(it, gastrostomy)
    code = bulbar.astype(np.int8) + upper + lower
    if clamp_zero_to_one:
        code = np.maximum(code, 1).astype(np.int8)
    nutritional = np.asarray(gastrostomy, dtype=bool) | np.asarray(peg_indicated, dtype=bool)
    respiratory = (it[..., 9] == 0) | (it[..., 11] < 4)
    code = np.where(nutritional, np.int8(KINGS_4A), code)
    code = np.where(respiratory, np.int8(KINGS_4B), code)
    code = np.where(np.asarray(dead, dtype=bool), np.int8(KINGS_DEATH), code)
    return code.astype(np.int8)


def kings_stage(
    items: npt.ArrayLike,
    gastrostomy: bool,
    *,
    dead: bool = False,
    peg_indicated: bool = False,
    clamp_zero_to_one: bool = False,
) -> str:
    """King's stage of one visit as a label ("0", "1", "2", "3", "4A", "4B", "5").

    See ``kings_stage_code`` for the rule (Roche 2012; Balendra 2014).

    >>> kings_stage([2, 3, 1, 3, 2, 2, 2, 2, 1, 3, 3, 4], gastrostomy=True)
    '4A'
    """
    code = kings_stage_code(
        items,
        gastrostomy,
        dead=dead,
        peg_indicated=peg_indicated,
        clamp_zero_to_one=clamp_zero_to_one,
    )
    if code.ndim:
        raise ValueError("kings_stage scores one visit; use kings_stage_code for arrays")
    return KINGS_LABELS[int(code)]


def mitos_domains(
    items: npt.ArrayLike, *, communicating: Communicating = "and"
) -> dict[str, np.ndarray]:
    """The four MiToS functional domains, True when lost (Chiò 2015, Table 1).

    * walking/self-care: walking (8) ≤ 1 OR dressing and hygiene (6) ≤ 1;
    * swallowing: swallowing (3) ≤ 1;
    * communicating: speech (1) ≤ 1 AND handwriting (4) ≤ 1 — Table 1 prints AND. The
      Precision-ALS and hub-datatools implementations use OR; pass ``communicating="or"`` to
      reproduce them (the spec follows the paper);
    * breathing: dyspnea (R1) ≤ 1 OR respiratory insufficiency (R3) ≤ 2.
    """
    it = _items(items)
    if communicating == "and":
        comm = (it[..., 0] <= 1) & (it[..., 3] <= 1)
    elif communicating == "or":
        comm = (it[..., 0] <= 1) | (it[..., 3] <= 1)
    else:
        raise ValueError("communicating must be 'and' (Chiò 2015) or 'or'")
    return {
        "walking_selfcare": (it[..., 7] <= 1) | (it[..., 5] <= 1),
        "swallowing": it[..., 2] <= 1,
        "communicating": comm,
        "breathing": (it[..., 9] <= 1) | (it[..., 11] <= 2),
    }


def mitos_stage(
    items: npt.ArrayLike,
    *,
    dead: npt.ArrayLike = False,
    communicating: Communicating = "and",
) -> np.ndarray:
    """MiToS stage 0-4 = number of domains lost; 5 = death (Chiò 2015).

    Works on one visit (returns a 0-d array; ``int()`` it) or on a table. ``dead`` should be
    true when a death date is known and on or before the assessment (the caller decides).
    MiToS does not use item 5 or gastrostomy.
    """
    d = mitos_domains(items, communicating=communicating)
    stage = (
        d["walking_selfcare"].astype(np.int8)
        + d["swallowing"]
        + d["communicating"]
        + d["breathing"]
    )
    return np.where(np.asarray(dead, dtype=bool), np.int8(MITOS_DEATH), stage).astype(np.int8)
