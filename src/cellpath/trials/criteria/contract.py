"""The reader's output contract: the fields it reads, their operators, and one `Criterion`.

``reader.criteria_json`` gives a JSON list, in text order, of ``{"section", "field", "op",
"value", "unit", "quote"}`` plus ``"item"`` (the ALSFRS-R item number for ``alsfrs_r_item``) or
``"measure"`` (``FVC`` / ``SVC`` / ``VC`` for ``vc_percent_predicted``). The op states the text's
own comparison in its own section: an exclusion "FVC < 50 %" stays ``<`` in ``exclusion``.
``between`` is inclusive; ``in`` is for El Escorial, its values in the order of ``EL_ESCORIAL``;
``present`` and ``absent`` carry no value and no unit.

The names are fixed: the matcher, the stored criteria of every trial and ``cellpath trials
criteria`` rely on them. Each criterion is the screening engine's `Criterion`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cellpath.outcomes.vocabulary import EL_ESCORIAL_VALUES
from cellpath.screening import Criterion

__all__ = [
    "EL_ESCORIAL", "FIELDS", "OPERATORS", "Criterion", "Number", "Value", "as_other",
    "new_criterion", "rule_of",
]  # fmt: skip

FIELDS: tuple[str, ...] = (
    "age_years",
    "alsfrs_r_total",
    "alsfrs_r_item",
    "alsfrs_r_slope_per_month",
    "alsfrs_r_decline_points",
    "vc_percent_predicted",
    "months_since_symptom_onset",
    "months_since_diagnosis",
    "el_escorial",
    "riluzole_stable_days",
    "edaravone",
    "prior_stem_cell_therapy",
    "tracheostomy",
    "niv_hours_per_day",
    "gastrostomy",
    "pregnancy",
    "anticoagulants",
    "sod1_mutation",
    "c9orf72",
    "bmi",
    "other",
)
OPERATORS: tuple[str, ...] = (">=", "<=", ">", "<", "==", "between", "in", "present", "absent")
EL_ESCORIAL: tuple[str, ...] = EL_ESCORIAL_VALUES
"""The categories of the clinical vocabulary, most certain first: an ``in`` lists its values in
this order."""

Number = int | float
Value = Number | tuple[Number, Number] | tuple[str, ...] | None
"""A criterion's value: a number, ``(low, high)`` for ``between``, El Escorial categories for
``in``, or None; the reader writes each as a `screening.Criterion` (`Criterion.as_dict` is the
JSON contract)."""


def new_criterion(
    section: str,
    field: str,
    op: str,
    value: Value,
    unit: str | None,
    quote: str,
    item: int | None = None,
    measure: str | None = None,
) -> Criterion:
    """One criterion as the reader writes it, in the contract's order of keys."""
    return Criterion(field, op, value, section=section, item=item, measure=measure, unit=unit,
                     quote=quote)  # fmt: skip


def as_other(section: str, quote: str) -> Criterion:
    """The item kept as ``other``: what is not structured is never dropped."""
    return new_criterion(section, "other", "present", None, None, quote)


def rule_of(stored: Mapping[str, Any]) -> list[Any]:
    """A stored criterion as the compact rule the matcher ranks by (`screening.screen`);
    importing stores one per criterion with each trial."""
    return [stored["section"], stored["field"], stored["op"], stored.get("value"),
            stored.get("item")]  # fmt: skip
