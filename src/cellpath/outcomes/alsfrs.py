"""ALSFRS-R and ALSFRS scoring: validation, totals and domain subscores.

Sources
-------
* Cedarbaum JM et al. The ALSFRS-R: a revised ALS functional rating scale that incorporates
  assessments of respiratory function. J Neurol Sci 1999;169:13-21.
  doi:10.1016/S0022-510X(99)00210-5 — 12 items scored 0-4 (4 = normal), total 0-48; item 5 is
  5a (cutting food, no gastrostomy) or 5b (with gastrostomy).
* ALS CNTF Treatment Study Group. Arch Neurol 1996;53:141-147 — the original ALSFRS, 10 items,
  total 0-40 (item 10 is a single "respiratory" item).
* Bakker LA et al. J Neurol 2017, doi:10.1007/s00415-017-8538-4 — four domains: bulbar (1-3),
  fine motor (4-6), gross motor (7-9), respiratory (10-12).

Conventions (Cellpath spec, als-measures.md §1)
---------------------------------------------
* Items are integers 0-4. Missing items are not imputed: an incomplete record is rejected, so a
  total is never computed from part of the scale.
* Exactly one of 5a and 5b is scored per visit; answering 5b is the proxy for "has a
  gastrostomy" (PRO-ACT convention). Both or neither is a data error (C-HONG excludes such
  records; the spec makes it an error).
* The original ALSFRS (0-40) is recognised and never rescaled to 0-48.

Item arrays used throughout ``cellpath.outcomes`` have the 12 ALSFRS-R items on the last axis, in
order ``[i1 … i12]``, with i5 the merged item 5 (5a or 5b) and a separate ``gastrostomy`` flag.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from numbers import Integral
from typing import overload

import numpy as np
import numpy.typing as npt

from cellpath.outcomes.reasons import Reason
from cellpath.outcomes.vocabulary import (
    ALSFRS_R_KEYS,
    ALSFRS_R_NUMBERS,
    DOMAINS,
    ITEM5_KEYS,
    POSITION_KEYS,
)
from cellpath.outcomes.wording import describe

__all__ = [
    "AlsfrsRScore",
    "Instrument",
    "InvalidAlsfrsError",
    "alsfrs_r_problems",
    "alsfrs_r_reasons",
    "alsfrs_r_total",
    "alsfrs_total",
    "domain_subscores",
    "merge_item5",
    "recognise_instrument",
    "score_alsfrs_r",
]

_ORIGINAL_ONLY_KEYS = ("q10_respiratory", "Q10_Respiratory")
_REVISED_ONLY_KEYS = (  # R2 and R3 (items 11, 12) exist only in the ALSFRS-R
    ALSFRS_R_NUMBERS[11].key,
    ALSFRS_R_NUMBERS[12].key,
    "r1",
    "r2",
    "r3",
    "R_1_Dyspnea",
    "R_2_Orthopnea",
    "R_3_Respiratory_Insufficiency",
)


class Instrument(StrEnum):
    """Which functional rating scale a record was scored on."""

    ALSFRS_R = "ALSFRS-R"  # Cedarbaum 1999, 12 items, 0-48
    ALSFRS = "ALSFRS"  # ALS CNTF Treatment Study Group 1996, 10 items, 0-40


class InvalidAlsfrsError(ValueError):
    """Raised when ALSFRS-R items cannot be scored: ``reasons`` lists every one, ``problems``
    the same in the engine's words (``wording.describe``; ``entry`` names the raising function
    when it words a reason its own way)."""

    def __init__(self, reasons: Sequence[Reason], *, entry: str | None = None) -> None:
        self.reasons = list(reasons)
        self.problems = [describe(r, entry=entry) for r in self.reasons]
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class AlsfrsRScore:
    """One scored ALSFRS-R assessment (Cedarbaum 1999; domains per Bakker 2017)."""

    items: tuple[int, ...]
    gastrostomy: bool
    total: int
    bulbar: int
    fine_motor: int
    gross_motor: int
    respiratory: int


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, float):
        return bool(np.isnan(value))
    return False


def _item_value(value: object) -> int | None:
    """Return the item as an int if it is an integer 0-4, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Integral) or (isinstance(value, float) and value.is_integer()):
        v = int(value)
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        v = int(value.strip())
    else:
        return None
    return v if 0 <= v <= 4 else None


def alsfrs_r_reasons(record: Mapping[str, object]) -> list[Reason]:
    """Every reason that stops ``record`` being a valid ALSFRS-R assessment (empty if none).

    ``record`` maps ``q1``…``q4``, ``q5a``, ``q5b``, ``q6``…``q12`` to integers 0-4 (blank or
    None for the unused one of 5a/5b). Rules: Cedarbaum 1999 (items 0-4, 5a xor 5b). A record
    with ``q10`` but without ``q11``/``q12`` is the original ALSFRS, which is not rescaled
    (als-measures.md §1.3-1.4). Codes: ``original_alsfrs``, ``item_missing``, ``item_invalid``
    (``item``, ``value``), ``item5_both``, ``item5_neither``.

    >>> alsfrs_r_reasons({"q1": 5})[0]
    Reason('item_invalid', {'item': 'q1', 'value': 5})
    """
    if recognise_instrument(record) is Instrument.ALSFRS:
        return [Reason("original_alsfrs")]
    reasons: list[Reason] = []
    for key in ALSFRS_R_KEYS:
        value = record.get(key)
        if key in ITEM5_KEYS:
            if not _is_blank(value) and _item_value(value) is None:
                reasons.append(Reason("item_invalid", {"item": key, "value": value}))
            continue
        if _is_blank(value):
            reasons.append(Reason("item_missing", {"item": key}))
        elif _item_value(value) is None:
            reasons.append(Reason("item_invalid", {"item": key, "value": value}))
    has_a = not _is_blank(record.get("q5a"))
    has_b = not _is_blank(record.get("q5b"))
    if has_a and has_b:
        reasons.append(Reason("item5_both"))
    elif not has_a and not has_b:
        reasons.append(Reason("item5_neither"))
    return reasons


def alsfrs_r_problems(record: Mapping[str, object]) -> list[str]:
    """``alsfrs_r_reasons(record)`` in the engine's words (``wording.describe``)."""
    return [describe(r) for r in alsfrs_r_reasons(record)]


def merge_item5(q5a: object, q5b: object) -> tuple[int, bool]:
    """Merge items 5a/5b into (item 5, gastrostomy).

    Cedarbaum 1999: 5a applies without gastrostomy, 5b with one; answering 5b is the
    gastrostomy proxy (PRO-ACT, als-measures.md §1.1). Raises ``InvalidAlsfrsError`` unless
    exactly one is scored.
    """
    has_a, has_b = not _is_blank(q5a), not _is_blank(q5b)
    if has_a == has_b:
        reason = Reason("item5_both" if has_a else "item5_neither")
        raise InvalidAlsfrsError([reason], entry="merge_item5")
    given = q5a if has_a else q5b
    value = _item_value(given)
    if value is None:
        raise InvalidAlsfrsError([Reason("item_invalid", {"item": "item 5", "value": given})])
    return value, has_b


def score_alsfrs_r(record: Mapping[str, object]) -> AlsfrsRScore:
    """Validate and score one ALSFRS-R record (Cedarbaum 1999; domains Bakker 2017).

    >>> s = score_alsfrs_r({"q1": 3, "q2": 4, "q3": 4, "q4": 4, "q5a": 4, "q6": 4, "q7": 4,
    ...                     "q8": 3, "q9": 3, "q10": 4, "q11": 4, "q12": 4})
    >>> (s.total, s.bulbar, s.fine_motor, s.gross_motor, s.respiratory)
    (45, 11, 12, 10, 12)
    """
    reasons = alsfrs_r_reasons(record)
    if reasons:
        raise InvalidAlsfrsError(reasons)
    i5, gastrostomy = merge_item5(*(record.get(key) for key in ITEM5_KEYS))
    values = [i5 if key is None else _item_value(record[key]) for key in POSITION_KEYS]
    items = tuple(int(v) for v in values if v is not None)
    sub = {name: sum(items[j] for j in idx) for name, idx in DOMAINS.items()}
    return AlsfrsRScore(items=items, gastrostomy=gastrostomy, total=sum(items), **sub)


def _by_position(items: Mapping[int, object]) -> tuple[int, ...]:
    """Items keyed by position 1-12 (``vocabulary.merged_items``), checked like a record."""
    scores: list[int] = []
    reasons: list[Reason] = []
    for position in range(1, 13):
        value = items.get(position)
        score = _item_value(value)
        if score is not None:
            scores.append(score)
        elif _is_blank(value):
            reasons.append(Reason("item_missing", {"item": f"item {position}"}))
        else:
            reasons.append(Reason("item_invalid", {"item": f"item {position}", "value": value}))
    if reasons:
        raise InvalidAlsfrsError(reasons)
    return tuple(scores)


def _check_items(items: npt.ArrayLike, n_items: int, scale: str) -> np.ndarray:
    arr = np.asarray(items)
    if arr.ndim == 0 or arr.shape[-1] != n_items:
        if n_items == 12 and arr.ndim and arr.shape[-1] == 10:
            reason = Reason("array_original_alsfrs", {"shape": arr.shape})
        else:
            reason = Reason("array_shape", {"scale": scale, "n_items": n_items, "shape": arr.shape})
        raise InvalidAlsfrsError([reason])
    if not np.issubdtype(arr.dtype, np.integer):
        raise InvalidAlsfrsError([Reason("array_dtype", {"scale": scale, "dtype": arr.dtype})])
    if arr.size and (arr.min() < 0 or arr.max() > 4):
        raise InvalidAlsfrsError([Reason("array_out_of_range", {"scale": scale})])
    return arr


@overload
def alsfrs_r_total(items: Mapping[str, object] | Mapping[int, object]) -> int: ...
@overload
def alsfrs_r_total(items: npt.ArrayLike) -> np.ndarray: ...


def alsfrs_r_total(
    items: Mapping[str, object] | Mapping[int, object] | npt.ArrayLike,
) -> int | np.ndarray:
    """ALSFRS-R total, 0-48: the sum of the 12 items (Cedarbaum 1999). The only total.

    ``items`` is one assessment — a record (``q1``…``q12`` with ``q5a``/``q5b``, as stored and
    in VISITS.csv) or items by position 1-12 (``vocabulary.merged_items``) — and the total is an
    ``int``; or an integer array of shape (..., 12) with merged item 5, and the totals have
    shape (...). Anything that is not a complete, valid ALSFRS-R raises ``InvalidAlsfrsError``
    (a ``ValueError``) with every reason: a total is never None and never a partial sum.

    >>> alsfrs_r_total({"q1": 3, "q2": 4, "q3": 4, "q4": 4, "q5a": 4, "q6": 4, "q7": 4,
    ...                 "q8": 3, "q9": 3, "q10": 4, "q11": 4, "q12": 4})
    45
    >>> alsfrs_r_total({1: 4, 2: 4, 3: 4, 4: 4, 5: 4, 6: 4, 7: 4, 8: 4, 9: 4, 10: 4, 11: 4})
    Traceback (most recent call last):
    ...
    cellpath.outcomes.alsfrs.InvalidAlsfrsError: item 12: missing (every ALSFRS-R item is required)
    """
    if isinstance(items, Mapping):
        if all(isinstance(k, int) for k in items):
            return sum(_by_position(items))  # type: ignore[arg-type]
        return score_alsfrs_r(items).total  # type: ignore[arg-type]
    arr = _check_items(items, 12, "ALSFRS-R")
    return arr.sum(axis=-1, dtype=np.int16)


def alsfrs_total(items: npt.ArrayLike) -> np.ndarray:
    """Original ALSFRS total, 0-40: items 1-9 plus the single respiratory item 10.

    ALS CNTF Treatment Study Group, Arch Neurol 1996;53:141-147. Never rescaled to 0-48 (PRO-ACT
    publishes no conversion; als-measures.md §1.4).
    """
    arr = _check_items(items, 10, "ALSFRS")
    return arr.sum(axis=-1, dtype=np.int16)


def domain_subscores(items: npt.ArrayLike) -> dict[str, np.ndarray]:
    """Bulbar, fine-motor, gross-motor and respiratory subscores, each 0-12 (Bakker 2017).

    Their sum is the ALSFRS-R total.
    """
    arr = _check_items(items, 12, "ALSFRS-R")
    return {
        name: (arr[..., a].astype(np.int16) + arr[..., b] + arr[..., c])
        for name, (a, b, c) in DOMAINS.items()
    }


def recognise_instrument(record: Mapping[str, object] | Iterable[str]) -> Instrument:
    """Tell an original ALSFRS record (10 items) from an ALSFRS-R one (12 items).

    Accepts a record (mapping; blank values count as absent) or a list of column names.
    ALSFRS-R is recognised by R2/R3 (``q11``, ``q12``; PRO-ACT ``R_2_Orthopnea``,
    ``R_3_Respiratory_Insufficiency``) or by R1-R3 aliases; the original ALSFRS by a single
    respiratory item 10 (``q10`` with no ``q11``/``q12``, or PRO-ACT ``Q10_Respiratory``).
    Sources: Cedarbaum 1999; ALS CNTF Study Group 1996; PRO-ACT layout (als-measures.md §1.4).
    """
    if isinstance(record, Mapping):
        present = {k for k, v in record.items() if not _is_blank(v)}
    else:
        present = set(record)
    if present & set(_REVISED_ONLY_KEYS):
        return Instrument.ALSFRS_R
    if present & set(_ORIGINAL_ONLY_KEYS) or "q10" in present:
        return Instrument.ALSFRS
    return Instrument.ALSFRS_R
