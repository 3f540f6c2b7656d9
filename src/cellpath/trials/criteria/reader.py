"""Reading eligibility criteria: the entry points `read_criteria` and `criteria_json`, and the
criteria of one item assembled from its concepts (`concepts`), numbers (`quantities`), El
Escorial categories (`el_escorial`) and presences (`presence`).

- One item can give several criteria ("ALSFRS-R ≥ 25 and FVC ≥ 65 % predicted"). A criterion's
  quote is its whole item, so every item is in the output.
- An unattached bound joined by "and" to the other bound of a concept is that concept's ("at
  least six months and no more than 5 years since onset" → ``between [6, 60]``).
- "Age ≥ 18 and ≤ 85" (an at-least and an at-most of one concept in one item) is ``between
  [18, 85]``; strict bounds stay two criteria, as ``between`` is inclusive. Years with no
  concept that look like an age ("adults 18 to 80 years") are an age.
- Time since onset or diagnosis is in months (not when the item names another disease: "cancer
  diagnosed within 2 years"): years × 12; weeks × 12/52 and days ÷ the month of
  the clinical vocabulary (``DAYS_PER_MONTH``), both rounded to 0.1. "Within", "up to", "in the
  past" read as ``<=``. A "disease duration" with no point of reference counts from symptom
  onset. The time between onset and diagnosis ("onset within 24 months of diagnosis") is neither
  field and stays ``other``.
- ``riluzole_stable_days`` is in days: weeks × 7, months × 30, years × 365 ("riluzole-naive or
  stable for ≥ 4 weeks" → ``>= 28``). A number of days is "if taking riluzole", as ALS trials
  mean it; an inclusion that requires riluzole without a condition ("treated with riluzole for
  ≥ 1 year") adds ``riluzole_stable_days present``, which means taking riluzole, as do "currently
  taking riluzole" and "use of riluzole within 30 days" (a start or dose change "within 30 days"
  stays a number of days), and so does "must be taking riluzole at a stable dose for ≥ 60 days".
  "Dose not stable for at least 28 days" is ``< 28``. An allergy to a drug is not about taking
  it.
- What a clause states before "unless" ("FVC < 40 % unless the tidal volume is > 600 cc") is
  not read: the exception is beyond the contract. "More than 6 and less than 36 months,
  inclusive" is ``between [6, 36]``.
- A bound on a sum of some items ("the sum of the 3 respiratory items", a "bulbar subscale") is
  neither ``alsfrs_r_total`` nor an item's: ``other``.
- ``alsfrs_r_slope_per_month`` is points lost per month, positive. A rate per week is
  × ``DAYS_PER_MONTH``/7, per year ÷ 12 (rounded to 0.01); a rate with no time unit (ΔFS,
  "progression rate ≥ 0.5", the "(48 − ALSFRS-R) / months since onset" formula, also in words:
  "48 minus … divided by …") is per month; "steeper" or "faster than" is ``>``; a unit after the
  scale's name ("1.5 ALSFRS-R points per month") is the number's; a negative slope ("≤ −0.5
  points/month") is read as a loss, its sign and comparison mirrored. A drop in points over a
  period ("≥ 3-point decline", "a decline in the ALSFRS-R of 1 to 4 points") is
  ``alsfrs_r_decline_points``.
- A riluzole requirement written among the exclusions ("if taking riluzole, participants must be
  on a stable dose for 30 days") is not read: the section would turn it round.
- An item under "at least one of the following" (or "either", "one or more of") is one of
  several alternatives when it is an inclusion, and one of several that must hold together
  under "at least two of the following" when it is an exclusion: ``other``. "Any of the
  following" among exclusions excludes on each item, which is read.
- An item tagged for one subgroup ("ALSFRS-R < 30 (SOD1 ALS only)") is that subgroup's rule,
  not every participant's: ``other``.
- A total on the original ALSFRS ("ALS-FRS < 25", no "R" or "revised"), a 0–40 scale, is not
  the ALSFRS-R total: ``other``; nor is a bound under 10 ("ALSFRS-R ≥ 2 points for each
  patient", "including at least 2 on each item"), which is an item's.
- Non-invasive ventilation: hours a day as written ("> 22 hours per day"; hours after NIV with no
  "per day" are per day). NIV at all ("dependent on non-invasive ventilation") is
  ``niv_hours_per_day > 0``, and its negation ("no NIV") ``niv_hours_per_day == 0``. Ventilation
  "while awake" or "during waking hours" is neither hours a day nor NIV at all: ``other``.
"""

from __future__ import annotations

import bisect
import json
import re

from cellpath.trials.criteria.concepts import (
    CLAUSE_END,
    IMPLIED_KINDS,
    Concept,
    assign,
    find_concepts,
    item_numbers,
    vc_measure,
)
from cellpath.trials.criteria.contract import Criterion, Number, as_other, new_criterion
from cellpath.trials.criteria.el_escorial import read_el_escorial
from cellpath.trials.criteria.presence import presences
from cellpath.trials.criteria.quantities import (
    DURATIONS,
    MIRROR,
    Quantity,
    as_number,
    find_quantities,
    in_days,
    in_months,
    normalise,
    per_month,
)
from cellpath.trials.criteria.splitting import EXCLUSION, CriterionText, split_criteria

__all__ = ["criteria_json", "read_criteria"]


# --- What a number gives ------------------------------------------------------------------------

# Days on riluzole: a start or a change "within 30 days" stays a number of days; "not stable for
# at least 28 days" turns the comparison round.
_LEAD_IN = re.compile(r"\b(?:lead|run)[\s-]in\b")
_STARTED = re.compile(r"\b(?:start\w*|initiat\w*|began|begun|commenc\w*|chang\w*|adjust\w*)")
_NOT_STABLE = re.compile(r"\b(?:not|never)\s+(?:been\s+)?(?:on\s+a\s+)?stable|\bunstable\b")
_NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">="}
# "if taking riluzole, must be on a stable dose for 30 days" among the exclusions: a requirement
# the exclusion section would turn round; hours of NIV "while awake" are not hours a day.
_REQUIRED = re.compile(r"\b(?:must|should|required?|need\s+to|has\s+to|have\s+to)\b")
_AWAKE = re.compile(r"\b(?:awake|waking)\b")
# A time since the diagnosis (or onset) of another disease ("cancer diagnosed within 2 years").
_ORIGINAL_ALSFRS = re.compile(r"als-?frs")
_REVISED = re.compile(r"\brevised\b|als-?frs[\s-]?r\b")
# "documented by at least one of the following: FVC < 50 %, or …": each item is one of several
# alternatives (in inclusion), or one of a number that must be met together (in exclusion).
_ALTERNATIVES = re.compile(
    r"\b(?:(?:at\s+least|any)\s+(?P<n>one|two|three|four|[1-9])|one\s+or\s+more|either|any)"
    r"\s+of\s+the\s+following\b"
)
_SUBGROUP_TAG = re.compile(r"\([^()]{0,60}\bonly\)")  # "(SOD1 ALS only)": whom an item is for
_ANOTHER_DISEASE = re.compile(
    r"\b(?:cancer|malignan\w*|carcinoma|tumou?rs?|neoplas\w*|lymphoma|leuka?emia|stroke|"
    r"myocardial|infarction|hiv|hepatitis|tuberculosis)\b"
)


def _emit(
    qty: Quantity, concept: Concept, members: list[Concept], section: str, quote: str, norm: str
) -> list[Criterion]:
    """The criteria a number gives for the concept (and the concepts listed with it); `norm`
    is the normalised item."""
    op, kind, unit, values = qty.op or "", concept.kind, qty.unit, qty.values
    if any(v < 0 for v in values) and kind != "slope":
        return []

    def make(field: str, vals: tuple[Number, ...], unit_text: str, **extra: int | str) -> Criterion:
        value = (vals[0], vals[-1]) if op == "between" else vals[0]
        return new_criterion(section, field, op, value, unit_text, quote, **extra)  # type: ignore[arg-type]

    plain = tuple(as_number(v) for v in values)
    if kind == "age" and all(0 < v <= 120 for v in values):
        return [make("age_years", plain, "years")]
    whole = all(float(v).is_integer() for v in values)  # "> 0.5" is a rate, not a score
    if kind == "total" and _ORIGINAL_ALSFRS.fullmatch(concept.text) and not _REVISED.search(norm):
        return []  # the original ALSFRS (0–40) is another scale than the ALSFRS-R (0–48)
    if kind == "total" and all(v < 10 for v in values):
        return []  # "ALSFRS-R ≥ 2 for each patient": a bound under 10 is an item's, not a total's
    if kind == "total" and whole and all(v <= 48 for v in values):
        return [make("alsfrs_r_total", plain, "points")]
    if kind == "item" and whole and all(v <= 4 for v in values):
        numbers = [n for m in members if m.kind == "item" for n in item_numbers(m)]
        return [make("alsfrs_r_item", plain, "points", item=n) for n in dict.fromkeys(numbers)]
    if kind == "slope" and all(abs(v) <= 20 for v in values):
        rates = tuple(per_month(v, qty.per or "m") for v in values)
        if all(v < 0 for v in rates):  # "slope ≤ −0.5": a loss of at least 0.5
            rates, op = tuple(sorted(as_number(-v) for v in rates)), MIRROR[op]
        if all(v >= 0 for v in rates):
            return [make("alsfrs_r_slope_per_month", rates, "points/month")]
    if kind == "decline" and all(v <= 48 for v in values):
        return [make("alsfrs_r_decline_points", plain, "points")]
    in_percent = unit == "pct" or qty.predicted or "pred" in concept.text
    if kind == "vc" and in_percent and all(0 < v <= 200 for v in values):
        measure = vc_measure([m for m in members if m.kind == "vc"])
        return [make("vc_percent_predicted", plain, "%", measure=measure)]
    if kind in ("onset", "diagnosis") and unit in DURATIONS and not _ANOTHER_DISEASE.search(norm):
        field = "months_since_symptom_onset" if kind == "onset" else "months_since_diagnosis"
        return [make(field, tuple(in_months(v, unit) for v in values), "months")]
    if kind == "riluzole" and unit in DURATIONS:
        if section == EXCLUSION and _REQUIRED.search(norm):
            return []  # a requirement written among exclusions: the section would turn it round
        if _LEAD_IN.search(norm):
            return []  # "stable on riluzole for 3 months in the lead-in period": the trial's
        if qty.within and not _STARTED.search(norm):
            return []  # "use of riluzole within 30 days": taking it (a presence), not the days
        if _NOT_STABLE.search(norm, 0, qty.start) and op in _NEGATED:
            op = _NEGATED[op]  # "dose not stable for at least 28 days": fewer than 28
        return [make("riluzole_stable_days", tuple(in_days(v, unit) for v in values), "days")]
    if kind == "niv" and all(v <= 24 for v in values) and not _AWAKE.search(norm):
        return [make("niv_hours_per_day", plain, "hours/day")]
    if kind == "bmi" and all(10 <= v <= 80 for v in values):
        return [make("bmi", plain, "kg/m2")]
    return []


_AGE_FALLBACK_NOT = re.compile(
    r"\b(?:for|since|ago|after|before|from|during|last|past|previous|history|prior|within|"
    r"duration|period|interval)\b"
)


def _intrinsic(qty: Quantity, concepts: list[Concept]) -> str | None:
    """A concept the number's unit names by itself: a rate per time, hours a day (after NIV),
    kg/m², "years of age"."""
    if qty.unit == "rate":
        return "slope"
    if qty.unit == "hd" and any(c.kind == "niv" for c in concepts):
        return "niv"
    if qty.unit == "bmi":
        return "bmi"
    if qty.age and qty.unit in (None, "years"):
        return "age"
    return None


def _looks_like_age(qty: Quantity, norm: str) -> bool:
    """Years with no concept that read as an age: "18 to 80 years", "adults ≥ 18 years"."""
    if qty.unit != "years" or qty.within or qty.implied:
        return False
    if _AGE_FALLBACK_NOT.search(norm, max(0, qty.start - 25), qty.start):
        return False
    low, high = qty.values[0], qty.values[-1]
    if qty.op in (">=", ">", "between"):
        return 14 <= low <= 100 and high <= 120
    return qty.op in ("<=", "<") and 40 <= low <= 120


# --- One item ----------------------------------------------------------------------------------


_LOWER = frozenset({">=", ">"})
_UPPER = frozenset({"<=", "<"})
_BOUND_LINK = re.compile(r"[\s,]*(?:and|but)\s+[^;.\d]{0,30}")


def _bounds_one_concept(norm: str, first: Quantity, second: Quantity) -> bool:
    """Whether `first` is the other bound of `second`'s concept: "at least six months and no
    more than 5 years since onset" (a lower and an upper bound, durations or not alike)."""
    directions = {first.op in _LOWER, second.op in _LOWER}
    if directions != {True, False} or not {first.op, second.op} <= _LOWER | _UPPER:
        return False
    if (first.unit in DURATIONS) != (second.unit in DURATIONS):
        return False
    link = _BOUND_LINK.match(norm, first.end, second.start)
    return link is not None and link.end() == second.start


# A bound on a sum of some items (a sub-score) is neither the total nor an item's.
_SUM_OF_ITEMS = re.compile(
    r"\b(?:sum|total)\s+of\s+(?:the\s+)?(?:\w+\s+){0,2}items\b|\bitems\b[^.;]{0,40}?\bsum"
)
_SCALE_FIELDS = frozenset({"alsfrs_r_total", "alsfrs_r_item"})


def _read_item(text: CriterionText) -> list[Criterion]:
    """The criteria of one item, in text order; the item as ``other`` when none."""
    quote, section = text.text, text.section
    if text.population:
        return [as_other(section, quote)]
    norm = normalise(quote)
    alternatives = _ALTERNATIVES.search(norm)
    if _SUBGROUP_TAG.search(norm) or (
        alternatives is not None
        and (section != EXCLUSION or (alternatives.group("n") or "one") not in ("one", "1"))
    ):
        return [as_other(section, quote)]
    concepts = find_concepts(norm, quote)
    starts = [c.start for c in concepts]
    bounds = [m.start() for m in CLAUSE_END.finditer(norm)]
    found: list[tuple[int, Criterion]] = []

    quantities = find_quantities(norm, [(c.start, c.end) for c in concepts], set(starts))
    assigned: list[tuple[Concept | None, str]] = []
    for qty in quantities:
        kind = _intrinsic(qty, concepts)
        if kind is not None:
            assigned.append((Concept(kind, qty.start, qty.start, ""), "emit"))
            continue
        concept, role = assign(qty, concepts, starts, norm, bounds)
        if concept is None and _looks_like_age(qty, norm):
            concept, role = Concept("age", qty.start, qty.start, ""), "emit"
        assigned.append((concept, role))
    for i in range(len(quantities) - 2, -1, -1):
        if assigned[i][0] is None and _bounds_one_concept(norm, quantities[i], quantities[i + 1]):
            assigned[i] = assigned[i + 1]  # "at least 6 months and at most 5 years since onset"

    for qty, (concept, role) in zip(quantities, assigned, strict=True):
        if concept is None or role != "emit":
            continue
        if qty.implied and concept.kind not in IMPLIED_KINDS[qty.implied]:
            continue
        members = [c for c in concepts if c.group == concept.group] if concept.text else []
        for criterion in _emit(qty, concept, members or [concept], section, quote, norm):
            found.append((min(qty.start, concept.start), criterion))

    escorial = read_el_escorial(norm, concepts)
    if escorial is not None:
        found.append(
            (escorial[0], new_criterion(section, "el_escorial", "in", escorial[1], None, quote))
        )

    if _SUM_OF_ITEMS.search(norm):  # "the sum of the 3 respiratory items … at least 10"
        found = [(at, c) for at, c in found if c.field not in _SCALE_FIELDS]
    read_fields = {c.field for _, c in found}
    if _AWAKE.search(norm):  # ventilation "while awake": not hours a day, not any NIV, and
        # invasive ventilation "when awake" is not a tracheostomy unless the item names one
        read_fields.add("niv_hours_per_day")
        if "tracheostom" not in norm:
            read_fields.add("tracheostomy")
    if section == EXCLUSION and _REQUIRED.search(norm):
        read_fields.add("riluzole_stable_days")  # nor is a requirement among exclusions a presence
    found.extend(presences(concepts, norm, bounds, section, quote, read_fields))
    found.sort(key=lambda pair: pair[0])
    if "unless" in norm:
        found = _without_conditional(found, norm, bounds)
    criteria = [criterion for _, criterion in found]
    if _INCLUSIVE.search(norm):
        criteria = _inclusive(criteria)
    criteria = _merge_bounds(criteria)
    return criteria or [as_other(section, quote)]


_UNLESS = re.compile(r"\bunless\b")
_UNLESS_REACH = 60  # characters: what "unless" qualifies stands just before it


def _without_conditional(
    found: list[tuple[int, Criterion]], norm: str, bounds: list[int]
) -> list[tuple[int, Criterion]]:
    """Leaves out what a clause states before "unless" ("FVC < 40 % unless the tidal volume is
    > 600 cc"): the exception is beyond the contract, so the clause is ``other``."""
    unless = [m.start() for m in _UNLESS.finditer(norm)]
    return [
        (at, c)
        for at, c in found
        if not any(
            0 <= u - at <= _UNLESS_REACH
            and bisect.bisect_right(bounds, at) == bisect.bisect_right(bounds, u)
            for u in unless
        )
    ]


_INCLUSIVE = re.compile(r"\binclusive\b")


def _inclusive(criteria: list[Criterion]) -> list[Criterion]:
    """ "more than 6 and less than 36 months [inclusive]": a strict lower and upper bound of one
    field that the item calls inclusive are ``>=`` and ``<=`` (then joined as ``between``)."""
    ops: dict[str, set[str]] = {}
    for c in criteria:
        ops.setdefault(c.field, set()).add(c.op)
    out = []
    for c in criteria:
        if c.op in (">", "<") and {">", "<"} <= ops[c.field]:
            c = new_criterion(c.section, c.field, c.op + "=", c.value, c.unit, c.quote, c.item,
                              c.measure)  # fmt: skip
        out.append(c)
    return out


def _merge_bounds(criteria: list[Criterion]) -> list[Criterion]:
    """Joins "≥ 18 and ≤ 85" of one concept into between [18, 85]; drops exact duplicates."""
    out: list[Criterion] = []
    seen: set[tuple[object, ...]] = set()
    for criterion in criteria:
        key = (criterion.field, criterion.op, criterion.value, criterion.item, criterion.measure)
        if key in seen:
            continue
        seen.add(key)
        partner = _bound_partner(out, criterion)
        if partner is None:
            out.append(criterion)
            continue
        earlier = out[partner]
        low, high = (
            (earlier.value, criterion.value)
            if earlier.op == ">="
            else (criterion.value, earlier.value)
        )
        out[partner] = new_criterion(
            earlier.section,
            earlier.field,
            "between",
            (low, high),  # type: ignore[arg-type]
            earlier.unit,
            earlier.quote,
            earlier.item,
            earlier.measure,
        )
    return out


def _bound_partner(out: list[Criterion], criterion: Criterion) -> int | None:
    """The earlier at-least (at-most) of the same concept that an at-most (at-least) closes."""
    if criterion.op not in (">=", "<="):
        return None
    want = "<=" if criterion.op == ">=" else ">="
    same = (criterion.field, criterion.item, criterion.measure, criterion.unit)
    for i in range(len(out) - 1, -1, -1):
        earlier = out[i]
        if (
            earlier.op == want
            and (earlier.field, earlier.item, earlier.measure, earlier.unit) == same
        ):
            low, high = (
                (earlier.value, criterion.value)
                if want == ">="
                else (criterion.value, earlier.value)
            )
            if isinstance(low, int | float) and isinstance(high, int | float) and low <= high:
                return i
            return None
    return None


# --- Public API --------------------------------------------------------------------------------


def read_criteria(text: str) -> list[Criterion]:
    """Split the eligibility text and read every item: its structured criteria in text order,
    or the item as ``other``. Empty text gives []."""
    return [criterion for item in split_criteria(text) for criterion in _read_item(item)]


def criteria_json(text: str) -> str:
    """``read_criteria`` as the JSON contract (`contract`)."""
    return json.dumps([c.as_dict() for c in read_criteria(text)], ensure_ascii=False, indent=2)
