"""The reader's output contract: the fields it reads, their operators, and one `Criterion`.

``reader.criteria_json`` gives a JSON list, in text order, of ``{"section", "field", "op",
"value", "unit", "quote"}`` plus ``"item"`` (the ALSFRS-R item number for ``alsfrs_r_item``) or
``"measure"`` (``FVC`` / ``SVC`` / ``VC`` for ``vc_percent_predicted``). The op states the text's
own comparison in its own section: an exclusion "FVC < 50 %" stays ``<`` in ``exclusion``.
``between`` is inclusive; ``in`` is for El Escorial, its values in the order of ``EL_ESCORIAL``;
``present`` and ``absent`` carry no value and no unit.

The names are fixed: the matcher, the stored criteria of every trial and ``cellpath trials
criteria`` rely on them.
"""

from __future__ import annotations

from dataclasses import dataclass

from cellpath.outcomes.vocabulary import EL_ESCORIAL_VALUES

__all__ = ["EL_ESCORIAL", "FIELDS", "OPERATORS", "Criterion", "Number", "Value", "as_other"]

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


@dataclass(frozen=True)
class Criterion:
    """One structured criterion. ``value`` is a number, a ``(low, high)`` tuple for
    ``between``, a tuple of El Escorial categories for ``in``, or None; ``as_dict`` gives the
    JSON contract (lists for tuples; ``item`` / ``measure`` keys only when set)."""

    section: str
    field: str
    op: str
    value: Value
    unit: str | None
    quote: str
    item: int | None = None
    measure: str | None = None

    def as_dict(self) -> dict[str, object]:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        out: dict[str, object] = {
            "section": self.section,
            "field": self.field,
            "op": self.op,
            "value": value,
            "unit": self.unit,
            "quote": self.quote,
        }
        if self.item is not None:
            out["item"] = self.item
        if self.measure is not None:
            out["measure"] = self.measure
        return out


def as_other(section: str, quote: str) -> Criterion:
    """The item kept as ``other``: what is not structured is never dropped."""
    return Criterion(section, "other", "present", None, None, quote)
