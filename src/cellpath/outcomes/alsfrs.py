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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from numbers import Integral

import numpy as np
import numpy.typing as npt

from cellpath.outcomes.vocabulary import ALSFRS_R_KEYS, DOMAINS

__all__ = [
    "AlsfrsRScore",
    "Instrument",
    "InvalidAlsfrsError",
    "alsfrs_r_problems",
    "alsfrs_r_total",
    "alsfrs_total",
    "domain_subscores",
    "merge_item5",
    "recognise_instrument",
    "score_alsfrs_r",
]

_ORIGINAL_ONLY_KEYS = ("q10_respiratory", "Q10_Respiratory")
_REVISED_ONLY_KEYS = (
    "q11",
    "q12",
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
    """Raised when an ALSFRS-R record cannot be scored; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


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


def alsfrs_r_problems(record: Mapping[str, object]) -> list[str]:
    """List everything that stops ``record`` being a valid ALSFRS-R assessment.

    ``record`` maps ``q1``…``q4``, ``q5a``, ``q5b``, ``q6``…``q12`` to integers 0-4 (blank or
    None for the unused one of 5a/5b). Rules: Cedarbaum 1999 (items 0-4, 5a xor 5b). A record
    with ``q10`` but without ``q11``/``q12`` is reported as the original ALSFRS, which is not
    rescaled (als-measures.md §1.3-1.4).
    """
    problems: list[str] = []
    if recognise_instrument(record) is Instrument.ALSFRS:
        return [
            "this is an original ALSFRS record (10 items, total 0-40); it is not rescaled to "
            "ALSFRS-R (0-48)"
        ]
    for key in ALSFRS_R_KEYS:
        value = record.get(key)
        if key in ("q5a", "q5b"):
            if not _is_blank(value) and _item_value(value) is None:
                problems.append(f"{key}: {value!r} is not an integer 0-4")
            continue
        if _is_blank(value):
            problems.append(f"{key}: missing (every ALSFRS-R item is required)")
        elif _item_value(value) is None:
            problems.append(f"{key}: {value!r} is not an integer 0-4")
    has_a = not _is_blank(record.get("q5a"))
    has_b = not _is_blank(record.get("q5b"))
    if has_a and has_b:
        problems.append("both q5a and q5b are scored (exactly one is allowed)")
    elif not has_a and not has_b:
        problems.append("neither q5a nor q5b is scored (exactly one is required)")
    return problems


def merge_item5(q5a: object, q5b: object) -> tuple[int, bool]:
    """Merge items 5a/5b into (item 5, gastrostomy).

    Cedarbaum 1999: 5a applies without gastrostomy, 5b with one; answering 5b is the
    gastrostomy proxy (PRO-ACT, als-measures.md §1.1). Raises ``InvalidAlsfrsError`` unless
    exactly one is scored.
    """
    has_a, has_b = not _is_blank(q5a), not _is_blank(q5b)
    if has_a == has_b:
        which = "both" if has_a else "neither"
        raise InvalidAlsfrsError([f"{which} of q5a and q5b scored (exactly one is required)"])
    value = _item_value(q5a if has_a else q5b)
    if value is None:
        raise InvalidAlsfrsError([f"item 5: {(q5a if has_a else q5b)!r} is not an integer 0-4"])
    return value, has_b


def score_alsfrs_r(record: Mapping[str, object]) -> AlsfrsRScore:
    """Validate and score one ALSFRS-R record (Cedarbaum 1999; domains Bakker 2017).

    >>> s = score_alsfrs_r({"q1": 3, "q2": 4, "q3": 4, "q4": 4, "q5a": 4, "q6": 4, "q7": 4,
    ...                     "q8": 3, "q9": 3, "q10": 4, "q11": 4, "q12": 4})
    >>> (s.total, s.bulbar, s.fine_motor, s.gross_motor, s.respiratory)
    (45, 11, 12, 10, 12)
    """
    problems = alsfrs_r_problems(record)
    if problems:
        raise InvalidAlsfrsError(problems)
    i5, gastrostomy = merge_item5(record.get("q5a"), record.get("q5b"))
    values = [_item_value(record[k]) for k in ("q1", "q2", "q3", "q4")]
    values.append(i5)
    values += [_item_value(record[k]) for k in ("q6", "q7", "q8", "q9", "q10", "q11", "q12")]
    items = tuple(int(v) for v in values if v is not None)
    sub = {name: sum(items[j] for j in idx) for name, idx in DOMAINS.items()}
    return AlsfrsRScore(items=items, gastrostomy=gastrostomy, total=sum(items), **sub)


def _check_items(items: npt.ArrayLike, n_items: int, scale: str) -> np.ndarray:
    arr = np.asarray(items)
    if arr.ndim == 0 or arr.shape[-1] != n_items:
        hint = ""
        if n_items == 12 and arr.ndim and arr.shape[-1] == 10:
            hint = " (10 items is the original ALSFRS: use alsfrs_total, it is never rescaled)"
        raise ValueError(f"{scale} needs {n_items} items on the last axis, got {arr.shape}{hint}")
    if not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{scale} items must be integers, got dtype {arr.dtype}")
    if arr.size and (arr.min() < 0 or arr.max() > 4):
        raise ValueError(f"{scale} items must be 0-4")
    return arr


def alsfrs_r_total(items: npt.ArrayLike) -> np.ndarray:
    """ALSFRS-R total, 0-48: the sum of the 12 items (Cedarbaum 1999).

    ``items`` has shape (..., 12) with merged item 5; returns shape (...).
    """
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
