"""The clinical vocabulary: one definition of each ALS concept every part of Cellpath uses.

Models build their choices from it, forms their options, the engine its validation, the trial
reader and the screening engine their values. Pure Python, no Django.

Sources
-------
* El Escorial: Brooks BR et al., El Escorial revisited: revised criteria for the diagnosis of
  amyotrophic lateral sclerosis. ALS Motor Neuron Disord 2000;1:293–299 (the categories, most
  certain first; "probable, laboratory-supported" lies between probable and possible).
* ALSFRS-R: Cedarbaum JM et al., J Neurol Sci 1999;169:13–21 — 12 items scored 0–4; item 5 is
  5a (cutting food) without a gastrostomy and 5b (with a gastrostomy); 10–12 are R1–R3.
  Domains: Bakker LA et al., J Neurol 2017, doi:10.1007/s00415-017-8538-4 (bulbar 1–3, fine
  motor 4–6, gross motor 7–9, respiratory 10–12).
* Spirometry reference equations: Quanjer PH et al., ERJ 2012;40:1324–1343 (GLI-2012);
  Hankinson JL et al., AJRCCM 1999;159:179–187 (NHANES III).
* Month = 365.25/12 = 30.4375 days (Precision-ALS; lubridate ``dmonths(1)``; als-measures.md
  §2.4); year = 365.25 days.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

__all__ = [
    "ALSFRS_R_ITEMS",
    "ALSFRS_R_KEYS",
    "ALSFRS_R_NUMBERS",
    "DAYS_PER_MONTH",
    "DAYS_PER_YEAR",
    "DOMAINS",
    "EL_ESCORIAL",
    "EL_ESCORIAL_VALUES",
    "FVC_EQUATIONS",
    "FVC_EQUATION_SOURCES",
    "ITEM5_KEYS",
    "ONSET_SITES",
    "POSITION_KEYS",
    "SEXES",
    "AlsfrsItem",
    "Term",
    "choices",
    "completed_years",
    "item5_key",
    "label_of",
    "merged_items",
    "sex_word",
    "values",
]

DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12


def completed_years(born: date, on: date) -> int:
    """Age as eligibility criteria and forms mean it: whole years, one more on each birthday
    (someone born on 1 December 1946 is 79 until 30 November 2026 and 80 from the day after)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass(frozen=True)
class Term:
    """One value of a vocabulary: what is stored, and how people read it."""

    value: str
    label: str


def choices(terms: tuple[Term, ...]) -> list[tuple[str, str]]:
    """(value, label) pairs, in order, for a model field or a form."""
    return [(t.value, t.label) for t in terms]


def values(terms: tuple[Term, ...]) -> tuple[str, ...]:
    """The stored values, in order."""
    return tuple(t.value for t in terms)


def label_of(terms: tuple[Term, ...], value: object, default: str = "") -> str:
    """The label of ``value`` in ``terms``; ``default`` (or the value) when it is not one."""
    for term in terms:
        if term.value == value:
            return term.label
    return default or str(value)


#: Revised El Escorial categories, most certain first (Brooks 2000).
EL_ESCORIAL: tuple[Term, ...] = (
    Term("definite", "Definite"),
    Term("probable", "Probable"),
    Term("probable_laboratory_supported", "Probable, laboratory-supported"),
    Term("possible", "Possible"),
    Term("suspected", "Suspected"),
)
EL_ESCORIAL_VALUES: tuple[str, ...] = values(EL_ESCORIAL)

#: Site of first symptoms (PRO-ACT's site of onset; ENCALS uses bulbar vs other).
ONSET_SITES: tuple[Term, ...] = (
    Term("bulbar", "Bulbar"),
    Term("limb", "Limb"),
    Term("respiratory", "Respiratory"),
    Term("other", "Other"),
)

#: Sex as recorded ("F"/"M", as in PRO-ACT and the reference equations).
SEXES: tuple[Term, ...] = (Term("F", "Female"), Term("M", "Male"))


#: Reference equations for FVC % predicted (``spirometry``), as recorded with a measurement.
FVC_EQUATIONS: tuple[Term, ...] = (Term("gli2012", "GLI-2012"), Term("nhanes3", "NHANES III"))
#: Where each equation was published (Quanjer et al., Eur Respir J 2012;40:1324–1343; Hankinson
#: et al., Am J Respir Crit Care Med 1999;159:179–187).
FVC_EQUATION_SOURCES: dict[str, str] = {"gli2012": "Quanjer 2012", "nhanes3": "Hankinson 1999"}


def sex_word(code: str | None) -> str | None:
    """ "female"/"male" for a recorded sex (the registry's and the screening profile's word)."""
    label = label_of(SEXES, code, default="-")
    return None if label == "-" else label.lower()


@dataclass(frozen=True)
class AlsfrsItem:
    """One ALSFRS-R item as stored: ``key`` the record's field, ``number`` as printed on the
    scale, ``position`` 1–12 in the merged order (5a and 5b are both item 5), ``title`` the
    scale's name, ``plain`` the same in everyday words, ``domain`` after Bakker 2017."""

    key: str
    number: str
    position: int
    title: str
    plain: str
    domain: str


#: The 13 stored items of the ALSFRS-R (12 scored per visit: 5a or 5b), Cedarbaum 1999.
ALSFRS_R_ITEMS: tuple[AlsfrsItem, ...] = (
    AlsfrsItem("q1", "1", 1, "Speech", "speech", "bulbar"),
    AlsfrsItem("q2", "2", 2, "Salivation", "salivation", "bulbar"),
    AlsfrsItem("q3", "3", 3, "Swallowing", "swallowing", "bulbar"),
    AlsfrsItem("q4", "4", 4, "Handwriting", "handwriting", "fine_motor"),
    AlsfrsItem("q5a", "5a", 5, "Cutting food and handling utensils", "cutting food", "fine_motor"),
    AlsfrsItem(
        "q5b",
        "5b",
        5,
        "Cutting food and handling utensils (with gastrostomy)",
        "cutting food",
        "fine_motor",
    ),
    AlsfrsItem("q6", "6", 6, "Dressing and hygiene", "dressing and hygiene", "fine_motor"),
    AlsfrsItem("q7", "7", 7, "Turning in bed", "turning in bed", "gross_motor"),
    AlsfrsItem("q8", "8", 8, "Walking", "walking", "gross_motor"),
    AlsfrsItem("q9", "9", 9, "Climbing stairs", "climbing stairs", "gross_motor"),
    AlsfrsItem("q10", "10", 10, "Dyspnoea (R1)", "shortness of breath", "respiratory"),
    AlsfrsItem("q11", "11", 11, "Orthopnoea (R2)", "breathing lying down", "respiratory"),
    AlsfrsItem(
        "q12", "12", 12, "Respiratory insufficiency (R3)", "breathing support", "respiratory"
    ),
)
#: The record's fields, q1 … q12 with q5a and q5b.
ALSFRS_R_KEYS: tuple[str, ...] = tuple(item.key for item in ALSFRS_R_ITEMS)
#: Item positions 1–12 → the item as scored without a gastrostomy (5a for item 5).
ALSFRS_R_NUMBERS: dict[int, AlsfrsItem] = {
    item.position: item for item in ALSFRS_R_ITEMS if item.key != "q5b"
}
#: Domain → 0-based positions in the merged order i1…i12 (Bakker 2017).
DOMAINS: dict[str, tuple[int, ...]] = {
    domain: tuple(item.position - 1 for item in ALSFRS_R_NUMBERS.values() if item.domain == domain)
    for domain in ("bulbar", "fine_motor", "gross_motor", "respiratory")
}


def item5_key(*, gastrostomy: bool) -> str:
    """The version of item 5 a person answers: 5b with a gastrostomy, 5a without (Cedarbaum
    1999)."""
    return "q5b" if gastrostomy else "q5a"


#: Item 5 as answered without a gastrostomy (5a) and with one (5b).
ITEM5_KEYS: tuple[str, str] = (item5_key(gastrostomy=False), item5_key(gastrostomy=True))
#: The record's key of each position 1–12, None for item 5 (5a or 5b: see `ITEM5_KEYS`).
POSITION_KEYS: tuple[str | None, ...] = tuple(
    None if n == 5 else ALSFRS_R_NUMBERS[n].key for n in range(1, 13)
)


def merged_items(record: Mapping[str, object]) -> dict[int, int]:
    """A record's answered items by position 1–12, item 5 from 5b when given, else 5a.

    Blank (None or "") items are left out, so a complete record gives twelve."""
    merged: dict[int, int] = {}
    for item in ALSFRS_R_ITEMS:
        value = record.get(item.key)
        if value is not None and value != "":
            merged[item.position] = int(value)  # type: ignore[call-overload]  # q5b after q5a
    return merged
