"""The eligibility-criteria reader: ClinicalTrials.gov free text → structured ALS criteria.

What it reads
=============

The ``eligibilityModule.eligibilityCriteria`` string of a ClinicalTrials.gov v2 study record.
The data element definitions ask for a bulleted list of criteria below the headers "Inclusion
Criteria" and "Exclusion Criteria" (at most 20,000 characters); in v2 the text is Markdown-ish.
``shared/design/trials-and-evidence.md`` §1.4 lists the shapes seen in real ALS records, all of
which are read here: headers in any case, with or without the colon, with a qualifier
("Inclusion Criteria (with exceptions for each group):", "Key Inclusion Criteria", "Inclusion
Criteria for Healthy Volunteers:"); bullets ``*`` ``-`` ``+`` ``•`` ``–`` and numbered lists
``1.`` ``1)`` ``(1)`` ``a.`` ``ii.``, nested by indentation or by a change of marker under an item
ending in ":"; Markdown escapes (``\\>`` ``\\<`` ``\\>=`` ``\\*``), undone first; a sentence
before the headers; text with no headers at all; populations grouped under sub-headers ("ALS
participants:", "Healthy volunteers:", "Family members:") or tagged ("(SOD1 ALS only)",
"(healthy volunteers only)").

It is rule-based, offline and deterministic (standard library only). §4.2 of the reference argues
for deterministic checks of ALS's structured criteria (onset window, ALSFRS-R, vital capacity, El
Escorial, background drugs), with a third outcome for the rest like TrialGPT's "not enough
information" (§4.1). So an item that cannot be structured is never dropped: it is kept as field
``other`` (op ``present``, no value) with its text, for a matcher to show as unknown.

Output
======

``criteria_json`` gives a JSON list, in text order, of ``{"section", "field", "op", "value",
"unit", "quote"}`` plus ``"item"`` (the ALSFRS-R item number for ``alsfrs_r_item``) or
``"measure"`` (``FVC`` / ``SVC`` / ``VC`` for ``vc_percent_predicted``). The op states the text's
own comparison in its own section: an exclusion "FVC < 50 %" stays ``<`` in ``exclusion``.
``between`` is inclusive; ``in`` is for El Escorial, its values in the order of ``EL_ESCORIAL``;
``present`` and ``absent`` carry no value and no unit.

Splitting
=========

``splitting.split_criteria`` splits the text into items (``CriterionText``); its docstring
says how.

Reading: conventions
====================

- One item can give several criteria ("ALSFRS-R ≥ 25 and FVC ≥ 65 % predicted"). A criterion's
  quote is its whole item, so every item is in the output.
- A number belongs to the nearest concept before it in the same clause that takes its unit, or
  to one right after it linked by "since", "from", "of", "on"… ("less than 36 months since first
  symptom", "score ≥ 2 on the swallowing item"). Some concepts only hold a number so that it is
  not misread: an investigational drug "within 30 days", a decline "within 3 months".
- A comparison may stand before the concept its number follows ("minimum ALSFRS-R total score
  of 28"); a number word counts after a comparison when it ends the phrase ("below thirty"), not
  as a count ("at least two of the following"); "a score of 3 or 4" (two consecutive values) is
  ``between``. An unattached bound joined by "and" to the other bound of a concept is that
  concept's ("at least six months and no more than 5 years since onset" → ``between [6, 60]``).
- A number with no comparison is not a threshold ("ALSFRS-R score of 4" stays ``other``), except
  a decline ("a decline of 3 points" → ``>= 3``), a stable treatment ("stable dose of riluzole
  for 3 months" → ``>= 90`` days) and "scored" ("items 10–12 each scored 4" → ``== 4``). "Or
  more" may stand before the unit ("6 or more points per year") and after a number word that
  follows "score of" ("a score of thirty-two or more"). A bare number "older" or "younger than"
  is an age. A value given as mean ± spread is not read.
- "Age ≥ 18 and ≤ 85" (an at-least and an at-most of one concept in one item) is ``between
  [18, 85]``; strict bounds stay two criteria, as ``between`` is inclusive. Years with no
  concept that look like an age ("adults 18 to 80 years") are an age.
- Time since onset or diagnosis is in months: years × 12; weeks × 12/52 and days ÷ 30.4375, both
  rounded to 0.1. "Within", "up to", "in the past" read as ``<=``. A "disease duration" with no
  point of reference counts from symptom onset. The time between onset and diagnosis
  ("onset within 24 months of diagnosis") is neither field and stays ``other``.
- ``riluzole_stable_days`` is in days: weeks × 7, months × 30, years × 365 ("riluzole-naive or
  stable for ≥ 4 weeks" → ``>= 28``). A number of days is "if taking riluzole", as ALS trials
  mean it; an inclusion that requires riluzole without a condition ("treated with riluzole for
  ≥ 1 year") adds ``riluzole_stable_days present``, which means taking riluzole, as do "currently
  taking riluzole" and "use of riluzole within 30 days" (a start or dose change "within 30 days"
  stays a number of days), and so does "must be taking riluzole at a stable dose for ≥ 60 days".
  "Dose not stable for at least 28 days" is ``< 28``. An allergy to a drug is not about taking
  it.
- ``alsfrs_r_slope_per_month`` is points lost per month, positive. A rate per week is × 30.4375/7,
  per year ÷ 12 (rounded to 0.01); a rate with no time unit (ΔFS, "progression rate ≥ 0.5", the
  "(48 − ALSFRS-R) / months since onset" formula, also in words: "48 minus … divided by …") is
  per month; "steeper" or "faster than" is ``>``; a unit after the scale's name ("1.5 ALSFRS-R
  points per month") is the number's; a negative slope ("≤ −0.5
  points/month") is read as a loss, its sign and comparison mirrored. A drop in points over a
  period ("≥ 3-point decline", "a decline in the ALSFRS-R of 1 to 4 points") is
  ``alsfrs_r_decline_points``.
- ALSFRS-R items are numbered as in Cedarbaum et al. 1999: 1 speech, 2 salivation,
  3 swallowing, 4 handwriting, 5 cutting food and handling utensils, 6 dressing and hygiene,
  7 turning in bed, 8 walking, 9 climbing stairs, 10 dyspnea, 11 orthopnea, 12 respiratory
  insufficiency. An item named without its number counts only in a text that says ALSFRS or
  "item"/"question". "The respiratory items (10 …)" are all items of the domain (bulbar 1–3, fine
  motor 4–6, gross motor 7–9, respiratory 10–12). A domain subscore ("bulbar subscore ≥ 9") is
  ``other``.
- Vital capacity: FVC / "forced" → ``FVC``; SVC / "slow" → ``SVC``; plain "vital capacity", or
  "SVC or FVC" (either allowed) → ``VC``. Only percentages (of predicted) are read; litres stay
  ``other``.
- El Escorial (revised, Brooks et al. 2000): the categories the item names, low to high suspected
  < possible < probable laboratory-supported < probable < definite; "possible or better" / "at
  least possible" → possible and every category above it. Categories named under the Awaji
  criteria have the same names and are read too. A category the item refuses ("laboratory-
  supported probable is not sufficient", "excluding …") is left out; "not meeting the criteria
  for probable or definite ALS" is every other category. The Gold Coast criteria have no
  categories: an item naming only them, or El Escorial without a category, stays ``other``.
- Non-invasive ventilation: hours a day as written ("> 22 hours per day"; hours after NIV with no
  "per day" are per day). NIV at all ("dependent on non-invasive ventilation") is
  ``niv_hours_per_day > 0``, and its negation ("no NIV") ``niv_hours_per_day == 0``.
- Presence fields are ``present``, or ``absent`` when negated before the concept ("no", "not",
  "without", "never", "absence of", "free of", "negative", "non-", within six words and not
  across "but"/"except") or after it ("SOD1-negative", "edaravone-naive", "tracheostomy-free",
  also after a list: "SOD1 and C9orf72 negative"); a negation before examples reaches them
  ("without ventilatory support (e.g., BiPAP, tracheostomy)"); "… are excluded" / "… not
  permitted" in an inclusion section is ``absent``. An inclusion list joined by "or" of
  different presence fields ("a SOD1 or C9orf72 mutation") asks for either one, which the
  contract cannot say: the item is ``other``. An ALS gene with no field (FUS, TARDBP, TBK1…)
  adds ``other``; "SOD1-targeted" names a drug, not a mutation. ``tracheostomy``
  includes invasive ventilation; ``gastrostomy`` PEG, RIG, feeding tube (but being fed only by the
  tube is more than having one: ``other``); ``pregnancy``
  breastfeeding and lactation (a pregnancy test only when negative or positive);
  ``anticoagulants`` antiplatelet agents and named drugs incl. aspirin. A stem-cell mention is
  ``prior_stem_cell_therapy`` when worded as past ("prior", "received", "history of"…) or as a
  cell therapy in an exclusion section.
- Not a presence criterion: a permission ("allowed", "may be included", "regardless"; "with or
  without" for the words right after it only); for drugs also a condition ("if", "stable",
  "those taking …" in inclusion, a drug to be stopped or withheld; but "whether A or B" lists
  kinds, and "must be on a stable regimen of edaravone" requires it); contraception or avoiding
  pregnancy; genetic testing or status.

Sources: ClinicalTrials.gov data element definitions (Eligibility Criteria) and real ALS records,
``shared/design/trials-and-evidence.md`` §1.4; TrialGPT's criterion labels and the case for
deterministic ALS checks, §4.1–4.2 (Jin et al., Nat Commun 2024); ALSFRS-R items: Cedarbaum et
al., J Neurol Sci 1999;169:13–21; El Escorial revised: Brooks et al., Amyotroph Lateral Scler
Other Motor Neuron Disord 2000;1:293–299.
"""

from __future__ import annotations

import bisect
import itertools
import json
import re
from dataclasses import dataclass

from cellpath.trials.criteria.splitting import EXCLUSION, INCLUSION, CriterionText, split_criteria

__all__ = [
    "EL_ESCORIAL",
    "FIELDS",
    "OPERATORS",
    "Criterion",
    "CriterionText",
    "criteria_json",
    "read_criteria",
    "split_criteria",
]

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
EL_ESCORIAL: tuple[str, ...] = (
    "definite",
    "probable",
    "probable_laboratory_supported",
    "possible",
    "suspected",
)

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


def _other(section: str, quote: str) -> Criterion:
    return Criterion(section, "other", "present", None, None, quote)


# --- Reading: normalisation, comparisons, numbers ----------------------------------------------

_TRANSLATE = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "−": "-",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\t": " ",
        "\n": " ",
        "ï": "i",
        "’": "'",
        "≧": "≥",
        "⩾": "≥",
        "≦": "≤",
        "⩽": "≤",
        "＜": "<",
        "＞": ">",
        "²": "2",
        "∆": "δ",
        "Δ": "δ",
    }
)


def _normalise(text: str) -> str:
    """Lower case with one kind of dash and comparison sign, as long as `text` so that
    positions carry over to it."""
    norm = text.translate(_TRANSLATE).lower()
    if len(norm) != len(text):  # a character whose lower case is longer ("İ")
        norm = "".join(c if len(c.lower()) != 1 else c.lower() for c in text.translate(_TRANSLATE))
    return norm


_OP_WORDS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ">=",
        (
            r"greater\s+than\s+or\s+equal(?:\s+to)?",
            r"more\s+than\s+or\s+equal\s+to",
            r"higher\s+than\s+or\s+equal\s+to",
            r"equal\s+to\s+or\s+(?:greater|more|higher|above)(?:\s+than)?",
            r"equal\s+or\s+(?:greater|more|higher)\s+(?:than|to)",
            r"greater\s+or\s+equal(?:\s+(?:to|than))?",
            r"at\s+least",
            r"not?\s+(?:less|fewer|lower|younger)\s+than",
            r"not\s+below",
            r"a\s+minimum\s+of",
            r"minimum(?:\s+of)?",
        ),
        ("≥", ">=", "=>"),
    ),
    (
        "<=",
        (
            r"less\s+than\s+or\s+equal(?:\s+to)?",
            r"lower\s+than\s+or\s+equal\s+to",
            r"equal\s+to\s+or\s+(?:less|lower|below|smaller|fewer)(?:\s+than)?",
            r"equal\s+or\s+(?:less|lower)\s+(?:than|to)",
            r"less\s+or\s+equal(?:\s+(?:to|than))?",
            r"at\s+most",
            r"not?\s+(?:more|greater|higher|longer|older|later)\s+than",
            r"not\s+exceeding",
            r"not\s+to\s+exceed",
            r"does\s+not\s+exceed",
            r"do\s+not\s+exceed",
            r"up\s+to(?:\s+and\s+including)?",
            r"within(?:\s+(?:the\s+)?(?:last|past|previous|preceding|prior|first))?",
            r"in\s+the\s+(?:last|past|previous|preceding)",
            r"during\s+the\s+(?:last|past|previous|preceding)",
            r"a\s+maximum\s+of",
            r"maximum(?:\s+of)?",
        ),
        ("≤", "<=", "=<"),
    ),
    (
        ">",
        (
            r"greater\s+than",
            r"more\s+than",
            r"higher\s+than",
            r"older\s+than",
            r"steeper\s+than",
            r"faster\s+than",
            r"longer\s+than",
            r"in\s+excess\s+of",
            r"exceed(?:ing|s)?",
            r"above",
            r"over",
        ),
        (">",),
    ),
    (
        "<",
        (
            r"less\s+than",
            r"fewer\s+than",
            r"lower\s+than",
            r"younger\s+than",
            r"shorter\s+than",
            r"smaller\s+than",
            r"below",
            r"under",
        ),
        ("<",),
    ),
    ("==", (r"equal\s+to", r"equals?"), ("=",)),
)


def _word_start(pattern: str) -> str:
    """`pattern` checked to start a word, written so that it still begins with its first
    letter: a pattern made of such alternatives lets the regex engine skip to those letters."""
    return f"{pattern[0]}(?<![a-z]{pattern[0]}){pattern[1:]}\\b"


_OP = re.compile(
    "|".join(
        "|".join([*(_word_start(w) for w in words), *(re.escape(s) for s in symbols)])
        for _, words, symbols in _OP_WORDS
    )
)
_OP_KIND = re.compile(
    "|".join(
        f"(?P<op{i}>{'|'.join([*words, *(re.escape(s) for s in symbols)])})"
        for i, (_, words, symbols) in enumerate(_OP_WORDS)
    )
)
_OP_SYMBOL = {f"op{i}": symbol for i, (symbol, _, _) in enumerate(_OP_WORDS)}
_LOOK_BACK = re.compile(r"within|in\s|during")
_MIRROR = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "==": "==", "between": "between"}
_OP_GAP = re.compile(
    r"[\s(:]*(?:(?:the\s+)?ages?\s+of\s+|ages?\s*:?\s*|an?\s+(?:total\s+)?(?:score|value|period|duration|"
    r"rate|decline|decrease|loss)\s+of\s+|an?\s+|the\s+)?"
)
_AGE_OF = re.compile(r"[\s(:]*(?:the\s+)?ages?\s+of")
_RANGE_START = re.compile(r"(?:between|from)\s+(?:the\s+ages?\s+of\s+)?[\s(]*$")

_SMALL_NUMBERS = (
    *("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
)
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy")
_WORD_VALUES: dict[str, int] = {w: i + 1 for i, w in enumerate(_SMALL_NUMBERS)}
for _t, _tens in enumerate(_TENS):
    _WORD_VALUES[_tens] = 20 + 10 * _t
    for _u, _unit_word in enumerate(_SMALL_NUMBERS[:9]):
        _WORD_VALUES[f"{_tens}-{_unit_word}"] = 20 + 10 * _t + _u + 1
        _WORD_VALUES[f"{_tens} {_unit_word}"] = 20 + 10 * _t + _u + 1
_WORD_NUMBER = "|".join(
    re.escape(w).replace(r"\ ", r"\s+") for w in sorted(_WORD_VALUES, key=len, reverse=True)
)
# Digits start the pattern so that the engine can skip to them; the look-behinds then check the
# character before: "SOD1", "COVID-19", "1,000" and "2.5" hold no number start of their own.
_DIGITS = re.compile(r"\d(?<![\w.^/,]\d)(?<![a-z]-\d)(?:(?<=0),\d{1,2}(?![\d,])|\d*(?:\.\d+)?)")
_WORD_AT = re.compile(r"(?:" + _WORD_NUMBER + r")\b")
# A number word after a comparison that ends the phrase or meets a score word: "below thirty",
# "at least twenty-five points" — not a count ("at least two of the following").
_WORD_AFTER_OP = re.compile(
    r"\s+(?P<word>" + _WORD_NUMBER + r")\b"
    r"(?=\s*(?:$|[.;,)%]|points?\b|percent\b|per\b|or\b|and\b|on\b|in\b))"
)
_SCORE_OF = re.compile(r"\b(?:score|total|value)\s+of")  # "a score of thirty-two or more"
_UNIT_WORD = re.compile(r"(?:years?|months?|weeks?|days?|hours?|points?|consecutive)\b")
_WORDS_BEFORE = re.compile(r"([a-z]+)(?:[\s-]+([a-z]+))?[\s-]+(?:\(\s*\d+\s*\)\s*)?$")
_SPACES = re.compile(r"\s+")
_AFTER_NUMBER = re.compile(r"\s*\((?:\d+(?:\.\d+)?|[a-z-]+)\)")
_PLUS_MINUS = re.compile(r"\s*(?:±|\+/-|\+-)")
_UNIT = re.compile(
    r"""[\s-]*(?:
        (?P<rate>(?:points?|pts?|units?)?\s*(?:/|per|a|each|every)\s*
            (?P<per>months?|mos?|mths?|weeks?|wks?|wk|years?|yrs?|yr)\b)
      | (?P<hd>(?:hours?|hrs?|h)\s*(?:/|per|a|each|every|in\s+a|in\s+each|of\s+the)\s*
            (?:day|24\s*h(?:ours?|rs?)?|d)\b|(?:hours?|hrs?|h)\s+daily\b)
      | (?P<pct>%|percent\b|per\s*cent\b|pct\b)
      | (?P<bmi>kg\s*/\s*m\s*(?:2|\^\s*2|sq)\b|kg\s+per\s+(?:square\s+met(?:er|re)|m2))
      | (?P<years>years?|yrs?|y)\b
      | (?P<months>months?|mos?|mths?|mo)\b
      | (?P<weeks>weeks?|wks?|wk)\b
      | (?P<days>days?|d)\b
      | (?P<hours>hours?|hrs?|h)\b
      | (?P<points>points?|pts?|pt)\b
    )""",
    re.VERBOSE,
)
_PCT_RATE = re.compile(r"\s*(?:/|per)\s*(?:months?|weeks?|years?|mo)\b")
_RANGE_LINK = re.compile(r"\s*(?:-|to|and|through)\s*")
_CONSECUTIVE_LINK = re.compile(r"\s*or\s+")
_SCALE_NAME = re.compile(r"\s+als-?frs(?:[\s-]?r\b)?")
_QUALIFIER = re.compile(
    r"\s*(?:(?P<age>of\s+age|[\s-]?olds?\b)|(?P<pred>\(?\s*(?:of\s+)?(?:the\s+)?"
    r"(?:predicted|pred\b)))"
)
_POSTFIX = re.compile(
    r"\s*,?\s*(?:or|and)\s+(?P<w>more|greater|older|above|over|higher|longer|later|up|less|"
    r"fewer|younger|below|lower|under|shorter|earlier|smaller)\b"
)
_POSTFIX_GE = frozenset(
    {"more", "greater", "older", "above", "over", "higher", "longer", "later", "up"}
)
_REVERSED = re.compile(r"\s*(≤|<=|<|≥|>=|>)\s*")
_IMPLIED_DECLINE_BEFORE = re.compile(
    r"\b(?:declines?|decreases?|loss|drops?|reductions?|worsening|progression|deterioration)"
    r"\s+(?:of\s+)?(?:an?\s+)?$"
)
_IMPLIED_DECLINE_AFTER = re.compile(
    r"[\s-]*(?:in\s+(?:the\s+)?)?(?:als-?frs\S*\s+)?(?:declines?|decreases?|loss|drops?|"
    r"reductions?|worsening)\b"
)
_IMPLIED_FOR = re.compile(
    r"\bfor\s+(?:(?:the\s+)?(?:last|past|previous|preceding)\s+)?(?:a\s+(?:period|minimum)\s+"
    r"of\s+)?$"
)
_DURATIONS = frozenset({"years", "months", "weeks", "days"})
_SCORED = re.compile(r"\bscored\s+(?:an?\s+)?$")


@dataclass
class _Qty:
    """A number as written: its comparison, value(s) and kind of unit."""

    start: int
    end: int
    op: str | None
    values: tuple[float, ...]
    unit: str | None  # a group name of _UNIT ("pct", "years", "hd"…), "pct_rate", or None
    per: str = ""  # the time unit of a rate: "m", "w" or "y"
    age: bool = False  # "years of age", "years old"
    predicted: bool = False  # "% of predicted"
    within: bool = False  # "within", "in the past": a look-back, never an age
    after_concept: int = -1  # start of a concept the number is compared to ("18 ≤ age")
    implied: str = ""  # ">=" read from "decline of 3 points" ("decline") or "stable for" ("for")


def _number_tokens(norm: str, op_ends: list[int]) -> list[tuple[int, int, float]]:
    """(start, end, value) of every number: digits, number words before a unit ("two years",
    "six (6) months") and number words right after a comparison ("below thirty")."""
    tokens = [
        (m.start(), m.end(), float(m.group().replace(",", "."))) for m in _DIGITS.finditer(norm)
    ]
    words = []
    after_score = [m.end() for m in _SCORE_OF.finditer(norm)] if "of" in norm else []
    for op_end in [*op_ends, *after_score]:
        m = _WORD_AFTER_OP.match(norm, op_end)
        if m is not None:
            value = _WORD_VALUES[_SPACES.sub(" ", m.group("word"))]
            words.append((m.start("word"), m.end(), float(value)))
    for unit in _UNIT_WORD.finditer(norm):
        before = norm[max(0, unit.start() - 12) : unit.start()].rstrip(" -")
        if (
            not before
            or not (before[-1].isalpha() or before[-1] == ")")
            or (unit.start() and norm[unit.start() - 1].isalpha())
        ):
            continue  # "24 months", or "bimonthly": no number word before the unit
        m = _WORDS_BEFORE.search(norm, max(0, unit.start() - 32), unit.start())
        if m is None:
            continue
        pair = f"{m.group(1)} {m.group(2)}" if m.group(2) else ""
        if pair in _WORD_VALUES:
            start, word = m.start(1), pair
        else:
            word = m.group(2) or m.group(1)
            start = m.start(2) if m.group(2) else m.start(1)
            if start and (norm[start - 1] == "-" or norm[start - 1].isalpha()):
                continue  # the end of "twenty-four", read whole by the pair
        if word in _WORD_VALUES:
            match = _WORD_AT.match(norm, start)
            end = match.end() if match else start + len(word)
            words.append((start, end, float(_WORD_VALUES[word])))
    return sorted(set(tokens + words)) if words else tokens


def _number_at(norm: str, pos: int) -> tuple[int, float] | None:
    """(end, value) of a number that starts exactly at `pos`."""
    m = _DIGITS.match(norm, pos)
    if m is not None:
        return m.end(), float(m.group().replace(",", "."))
    m = _WORD_AT.match(norm, pos)
    if m is not None:
        return m.end(), float(_WORD_VALUES[_SPACES.sub(" ", m.group())])
    return None


def _read_unit(norm: str, pos: int) -> tuple[str | None, str, int]:
    """(unit kind, per, end) of the unit written at `pos`, if any."""
    m = _UNIT.match(norm, pos)
    if m is None:
        return None, "", pos
    unit, end = m.lastgroup, m.end()
    per = m.group("per")[:1] if unit == "rate" else ""
    if unit == "pct":
        rate = _PCT_RATE.match(norm, end)
        if rate:
            unit, end = "pct_rate", rate.end()
    return unit, per, end


def _quantities(norm: str, skip: list[tuple[int, int]], concept_starts: set[int]) -> list[_Qty]:
    """Every number that states a comparison, with its range and unit, left to right."""
    ops = [(m.end(), m.group()) for m in _OP.finditer(norm)]
    op_ends = [end for end, _ in ops]
    out: list[_Qty] = []
    pos = 0
    for start, end, value in _number_tokens(norm, op_ends):
        if start < pos or _inside(start, skip):
            continue
        if end < len(norm) and norm[end].isalpha() and _UNIT.match(norm, end) is None:
            continue  # "2x", "3rd": not a quantity
        if _PLUS_MINUS.match(norm, end):
            pos = end + 12
            continue  # "1.03 ± 50 %": a distribution, not a threshold
        if start >= 2 and norm[start - 1] == "-" and norm[start - 2] in " (≤≥<>=:":
            value, start = -value, start - 1
        paren = _AFTER_NUMBER.match(norm, end)
        if paren and (norm[start].isalpha() or _UNIT.match(norm, paren.end())):
            end = paren.end()  # "six (6) months", "24 (twenty-four) months"
        unit, per, unit_end = _read_unit(norm, end)
        post = _POSTFIX.match(norm, end) if unit is None else None
        if post:  # "by 6 or more points per year": the unit after "or more"
            unit, per, unit_end = _read_unit(norm, post.end())
            if unit is None:
                post, unit_end = None, end
        if unit is None and (scale := _SCALE_NAME.match(norm, end)):
            unit, per, unit_end = _read_unit(norm, scale.end())  # "1.5 ALSFRS-R points a month"
            if unit not in ("points", "rate"):
                unit, per, unit_end = None, "", end
        qty = _Qty(start, unit_end, None, (value,), unit, per)
        if post:
            qty.op = ">=" if post.group("w") in _POSTFIX_GE else "<="
        _range(norm, qty)
        qualifier = _QUALIFIER.match(norm, qty.end)
        if qualifier and qualifier.group():
            qty.age = qualifier.group("age") is not None
            qty.predicted = qualifier.group("pred") is not None
            qty.end = qualifier.end()
        if qty.op is None:
            _prefix_op(norm, qty, ops, op_ends, skip)
        if qty.op is None:
            _postfix_op(norm, qty, concept_starts)
        pos = qty.end
        if qty.op is not None:
            out.append(qty)
    return out


def _range(norm: str, qty: _Qty) -> None:
    """A range: "18-80", "18 to 80 years", "between 18 and 80", "a score of 3 or 4"."""
    link = _RANGE_LINK.match(norm, qty.end) or _CONSECUTIVE_LINK.match(norm, qty.end)
    if link is None:
        return
    second = _number_at(norm, link.end())
    if second is None:
        return
    if "and" in link.group() and not _RANGE_START.search(norm, max(0, qty.start - 30), qty.start):
        return
    if link.re is _CONSECUTIVE_LINK and second[1] != qty.values[0] + 1:
        return  # "3 or 4" is a range of scores; "1 or 3" is not a range
    unit, per, end = _read_unit(norm, second[0])
    qty.op, qty.values = "between", tuple(sorted((qty.values[0], second[1])))
    if unit:
        qty.unit, qty.per, qty.end = unit, per, end
    else:
        qty.end = second[0]


def _prefix_op(
    norm: str, qty: _Qty, ops: list[tuple[int, str]], ends: list[int], skip: list[tuple[int, int]]
) -> None:
    """The comparison written just before the number ("at least 25", "≥ 18", "over the age
    of 18"), or before the concept the number follows ("minimum ALSFRS-R score of 28")."""
    i = bisect.bisect_right(ends, qty.start) - 1
    if i < 0 or qty.start - ends[i] > 40:
        return
    op_end, words = ops[i]
    gap = _OP_GAP.match(norm, op_end, qty.start)
    if (gap is None or gap.end() != qty.start) and not (
        _OP_BEFORE_CONCEPT.match(words) and _concept_then_number(norm, op_end, qty.start, skip)
    ):
        return
    kind = _OP_KIND.fullmatch(words)
    qty.op = _OP_SYMBOL[kind.lastgroup] if kind and kind.lastgroup else None
    qty.within = (
        qty.op == "<="
        and _LOOK_BACK.match(words) is not None
        and _AGE_OF.match(norm, op_end, qty.start) is None
    )
    if qty.unit is None and _AGE_WORD.search(words):
        qty.age = True  # "older than 65", "not younger than eighteen"


_AGE_WORD = re.compile(r"older|younger")
_OP_BEFORE_CONCEPT = re.compile(r"(?:a\s+)?(?:minimum|maximum)|at\s+(?:least|most)")
_CONCEPT_TO_NUMBER = re.compile(r"[\s(:-]*(?:(?:total|score|value|of|is|=|:)[\s(:-]*){0,3}")


def _concept_then_number(norm: str, start: int, end: int, skip: list[tuple[int, int]]) -> bool:
    """Whether norm[start:end] is a concept and a few small words: "… ALSFRS-R total score of"."""
    for concept_start, concept_end in skip:
        if concept_start >= start:
            if norm[start:concept_start].strip() or concept_end > end:
                return False
            gap = _CONCEPT_TO_NUMBER.match(norm, concept_end, end)
            return gap is not None and gap.end() == end
    return False


def _postfix_op(norm: str, qty: _Qty, concept_starts: set[int]) -> None:
    """A comparison after the number: "18 years or older"; "18 ≤ age" (with the concept after
    it); or the minimum that a decline or a stable treatment implies."""
    post = _POSTFIX.match(norm, qty.end)
    if post:
        qty.op = ">=" if post.group("w") in _POSTFIX_GE else "<="
        qty.end = post.end()
        return
    rev = _REVERSED.match(norm, qty.end)
    if rev and rev.end() in concept_starts:
        qty.op = _MIRROR[{"≤": "<=", "≥": ">="}.get(rev.group(1), rev.group(1))]
        qty.after_concept = rev.end()
        return
    before = max(0, qty.start - 40)
    if qty.unit in ("points", "rate", None) and (
        _IMPLIED_DECLINE_BEFORE.search(norm, before, qty.start)
        or _IMPLIED_DECLINE_AFTER.match(norm, qty.end)
    ):
        qty.op, qty.implied = ">=", "decline"
    elif qty.unit in _DURATIONS and _IMPLIED_FOR.search(norm, before, qty.start):
        qty.op, qty.implied = ">=", "for"
    elif qty.unit in ("points", None) and _SCORED.search(norm, before, qty.start):
        qty.op = "=="  # "items 10–12 each scored 4"


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    i = bisect.bisect_right(spans, (pos, 1 << 62)) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


# --- Reading: concepts --------------------------------------------------------------------------

# Every concept starts a word (the guard in _CONCEPT checks it), so no alternative begins with
# \b or an optional word: each begins with a literal, which the regex engine rejects at once.
_ALSFRS = (
    r"revised\s+(?:als|amyotrophic\s+lateral\s+sclerosis)\s+functional\s+rating\s+scale"
    r"(?:\s*\(\s*als-?frs(?:[\s-]?r)?\s*\))?"
    r"|(?:als|amyotrophic\s+lateral\s+sclerosis)\s+functional\s+rating\s+scale(?:[\s-]+revised)?"
    r"(?:\s*\(\s*als-?frs(?:[\s-]?r)?\s*\))?"
    r"|als-?frs(?:[\s-]?r\b)?"
)
_ITEM_NAME = (
    r"speech|saliva(?:tion)?|drooling|swallow(?:ing)?|hand-?\s?writing|"
    r"cutting(?:\s+food)?(?:\s+and\s+handling\s+utensils)?|handling\s+utensils|"
    r"dressing(?:\s+and\s+hygiene)?|hygiene|turning\s+in\s+bed(?:\s+and\s+adjusting\s+bed\s*"
    r"clothes)?|walking|climbing(?:\s+stairs)?|stair\s+climbing|dyspn(?:o)?ea|orthopn(?:o)?ea|"
    r"respiratory\s+insufficiency"
)
# Cedarbaum et al. 1999, the order of the twelve ALSFRS-R items.
_ITEM_NUMBER_BY_NAME = tuple(
    (number, re.compile(pattern))
    for number, pattern in (
        (1, r"speech"),
        (2, r"saliva|drool"),
        (3, r"swallow"),
        (4, r"hand-?\s?writing"),
        (5, r"cutting|utensils"),
        (6, r"dressing|hygiene"),
        (7, r"turning"),
        (8, r"walking"),
        (9, r"climbing|stair"),
        (10, r"dyspn"),
        (11, r"orthopn"),
        (12, r"respiratory\s+insufficiency"),
    )
)
_ONSET_TAIL = (
    r"(?:\s+of\s+(?:the\s+)?(?:first\s+)?(?:als\s+)?(?:(?:disease\s+)?symptoms?|(?:muscle\s+|"
    r"limb\s+|motor\s+)?weakness|disease|als)\b(?:\s+of\s+als\b)?)?"
)
_THERAPY = (
    r"therap(?:y|ies)|treatments?|transplant(?:s|ation)?|products?|injections?|infusions?|"
    r"implantation|administration|interventions?"
)
_PERCENT_PREDICTED = r"(?:\s*\(?\s*(?:%|percent)\s*(?:of\s+)?pred(?:icted)?\b\.?\s*\)?)"
_CONCEPTS: tuple[tuple[str, str], ...] = (
    (
        "hold",
        r"age\s+(?:at|of)\s+(?:the\s+)?(?:first\s+)?(?:symptom\s+|disease\s+|als\s+)?"
        r"(?:onset|diagnosis)",
    ),
    ("slope", r"\(?\s*48\s*-\s*[^/;\d]{1,60}?\)?\s*/\s*\(?[^<>=≥≤;\d]{0,80}"),
    ("slope", r"\(?\s*48\s+minus\s+[^;\d]{1,60}?divided\s+by\s+[^<>=≥≤;\d]{0,80}"),
    (
        "item",
        r"(?:(?:bulbar|respiratory|fine[- ]motor|gross[- ]motor|motor)\s+)?(?:items?|questions?|q)"
        r"\s*\(?\s*#?\s*\d{1,2}\b(?:\s*(?:,|and|or|&|-|to)\s*\d{1,2}\b){0,11}\)?"
        r"(?:\s*\(\s*(?:" + _ITEM_NAME + r")\s*\))?",
    ),
    (
        "item",
        r"(?:" + _ITEM_NAME + r")\b(?:\s*\(\s*(?:item|q(?:uestion)?)?\s*#?\s*\d{1,2}\s*\))?"
        r"(?:\s+(?:items?|questions?|sub-?scores?|scores?))?",
    ),
    ("item", r"(?:bulbar|respiratory|fine[- ]motor|gross[- ]motor)\s+items\b"),  # each item
    (
        "hold_score",
        r"(?:bulbar|respiratory|fine[- ]motor|gross[- ]motor|limb|motor)\s+(?:sub-?scores?|"
        r"sub-?domains?|domains?|items?|scores?)|sub-?scores?\b|(?:each|every|all|any|"
        r"individual)\s+(?:single\s+)?(?:als-?frs\S*\s+)?items?\b",
    ),
    (
        "slope",
        r"pre-?(?:baseline|study|randomi[sz]ation|treatment)\s+(?:(?:progression|decline|"
        r"deterioration)\s+rates?|slopes?)\b"
        r"|(?:progression|decline|deterioration)\s+rates?\b|rates?\s+of\s+(?:(?:disease|"
        r"functional|als-?frs\S*|clinical)\s+)?(?:progression|decline|deterioration|change)\b"
        r"|slopes?\b|δ\s*-?\s*fs\b|delta\s*-?\s*fs\b|dfs\b|δ\s*als-?frs\S*|delta\s+als-?frs\S*",
    ),
    (
        "decline",
        r"(?:declines?|declined|decreases?|decreased|loss|lost|drops?|reductions?|worsening|"
        r"deteriorations?|falls?|progression)\b",
    ),
    ("total", _ALSFRS),
    (
        "vc",
        r"(?:(?:slow|forced)\s+vital\s+capacity(?:\s*\(\s*[sf]?vc\s*\))?"
        r"|vital\s+capacity(?:\s*\(\s*[sf]?vc\s*\))?|[sf]?vc\b)" + _PERCENT_PREDICTED + r"?"
        r"|percent(?:age)?[\s-]+(?:of\s+)?predicted\s+(?:(?:slow|forced)\s+)?(?:vital\s+capacity"
        r"|[sf]?vc\b)",
    ),
    (
        "onset",
        r"onset\b" + _ONSET_TAIL + r"|(?:(?:first|initial|earliest|symptoms?|disease|weakness|"
        r"muscle|clinical|motor|als)\s+){1,3}onset\b" + _ONSET_TAIL + r"|(?:first|initial)\s+"
        r"(?:als\s+)?(?:symptoms?|signs?|(?:muscle\s+)?weakness|manifestations?)\b"
        r"|(?:disease|symptoms?|illness|als)\s+duration\b"
        r"|duration\s+of\s+(?:the\s+)?(?:disease|symptoms?|illness|als)\b"
        r"|symptomatic\s+(?:for|since)\b",
    ),
    ("diagnosis", r"diagnos(?:is|ed|es)\b|dx\b"),
    ("escorial", r"el[\s-]+escorial\b|escorial\b|airlie\s+house\b|awaji\b"),
    ("riluzole", r"(?:riluzole|rilutek|tiglutik|teglutik|exservan)\b"),
    ("edaravone", r"(?:edaravone|radicava|radicut)\b"),
    (
        "stemcell",
        r"stem[\s-]+cells?\b(?:[\s-]+(?:based|derived))?(?:\s+(?:" + _THERAPY + r"))?"
        r"|(?:cell[\s-]+based|cellular|cell|mscs?|msc-ntf|mesenchymal\s+(?:stem|stromal)\s+"
        r"cells?|progenitor\s+cells?)\s+(?:" + _THERAPY + r")\b",
    ),
    (
        "niv",
        r"non-?\s?invasive\s+(?:positive\s+pressure\s+)?(?:mechanical\s+)?(?:ventilat(?:ion|ory"
        r"\s+support|or)|respiratory\s+support)(?:\s+support)?"
        r"(?:\s*\(\s*(?:niv|nippv|nppv|bipap)\s*\))?"
        r"|niv\b|bi-?pap\b|nippv\b|nppv\b|bi-?level\s+(?:positive\s+airway\s+pressure|pap)",
    ),
    (
        "trach",
        r"tracheos?tom(?:y|ies|ized|ised)\b|tracheostoma\b"
        r"|(?<!non-)(?<!non\s)invasive(?=\s+(?:or\s+non-?\s?invasive\s+|/\s*non-?\s?"
        r"invasive\s+)?(?:mechanical\s+)?ventilat)",
    ),
    (
        "gastro",
        r"gastrostom(?:y|ies)\b(?:\s+tubes?)?|gastric\s+(?:feeding\s+)?tubes?\b|feeding\s+tubes?\b"
        r"|enteral\s+(?:tube\s+)?(?:feeding|nutrition)\b|g-?tubes?\b|nasogastric\s+tubes?\b"
        r"|pej\b|jejunostomy\b",
    ),
    (
        "preg",
        r"pregnan\w*|breast-?\s?feed\w*|lactat\w*|nursing\s+(?:mothers?|women|females?|"
        r"an?\s+(?:infant|baby|child))\b|currently\s+nursing\b",
    ),
    (
        "anticoag",
        r"anti-?\s?coagula\w*|anti-?\s?platelets?\w*|anti-?\s?thrombotic\w*|blood[\s-]+thinn\w*"
        r"|(?:warfarin|coumadin|heparins?|enoxaparin|dalteparin|apixaban|rivaroxaban|dabigatran|"
        r"edoxaban|clopidogrel|ticagrelor|prasugrel|doacs?|noacs?|aspirin)\b"
        r"|acetylsalicylic\s+acid\b|vitamin\s+k\s+antagonists?\b",
    ),
    ("sod1", r"sod-?\s?1\b|superoxide\s+dismutase(?:\s*-?\s*1\b|\s+type\s+1\b)?"),
    (
        "c9",
        r"c9\s*-?\s*orf\s*-?\s*72\b|c9-?als\b|c9\b(?=[\s-]*(?:als|ftd|repeat|expansion|"
        r"mutation|positive|carrier))",
    ),
    (  # ALS genes with no field of their own: an item that names them is partly ``other``
        "gene",
        r"(?:fus|tardbp|tdp-?43|tbk1|optn|vcp|ubqln2|sqstm1|nek1|kif5a|atxn2|ataxin-?2)\b",
    ),
    ("bmi", r"bmi\b|body\s+mass\s+index\b"),
    ("age", r"age[sd]?\b"),
    (
        "hold",
        r"(?:investigational|experimental|vaccin\w*|surger(?:y|ies)|surgical|operation|"
        r"infections?|hospitali[sz]\w*|transfusions?|chemotherap\w*|radiotherap\w*|radiation|"
        r"cancer|malignan\w*|tumou?rs?|neoplas\w*|steroids?|corticosteroids?|immunosuppress\w*|"
        r"immunomodulat\w*|blood\s+donation|donated|ivig|immunoglobulins?|plasma\s*(?:exchange|"
        r"pheresis)|plasmapheresis|myocardial\s+infarction|stroke|gene\s+therap\w*|antisense|"
        r"tofersen|nusinersen|botulinum|lumbar\s+punctures?|biops\w*|alcohol|substance|abuse|"
        r"life\s+expectancy|follow-?up|visits?|wash-?out|half-?li(?:fe|ves)|dose\s+changes?|"
        r"(?:clinical\s+)?(?:trials?|stud(?:y|ies))|participation|enrol\w*|consent|"
        r"contracept\w*|procedures?)\b",
    ),
)
# Concepts start a word (or "(48 −", "δFS"): the guard rejects every other position at once.
_CONCEPT = re.compile(
    r"(?<![a-z\d])(?=[a-z(\dδ])(?:"
    + "|".join(f"(?P<{kind}_{i}>{pattern})" for i, (kind, pattern) in enumerate(_CONCEPTS))
    + ")"
)
_PEG_RIG = re.compile(r"\b(?:PEG|RIG|PEJ)\b")  # in capitals only: "peg" is also a word
_ALSFRS_CONTEXT = re.compile(r"als-?frs|functional\s+rating\s+scale|items?\b|questions?\b")
_ITEM_WORD = re.compile(r"item|question")

# What a concept does with a number of each kind of unit: "emit" a criterion, or "hold" it so
# that no other concept reads it. The time units, and None for a number without a unit.
_TIME = ("years", "months", "weeks", "days")
_ACCEPTS: dict[str, dict[str | None, str]] = {
    "age": {"years": "emit", None: "emit"},
    "total": {"points": "emit", None: "emit"},
    "item": {"points": "emit", None: "emit"},
    "slope": {"rate": "emit", "points": "emit", None: "emit", "pct": "hold"}
    | dict.fromkeys(_TIME, "hold"),
    "decline": {"points": "emit", None: "emit", "pct": "hold", "pct_rate": "hold"}
    | dict.fromkeys(_TIME, "hold"),
    "vc": {"pct": "emit", None: "emit"},
    "onset": dict.fromkeys(_TIME, "emit"),
    "diagnosis": dict.fromkeys(_TIME, "emit"),
    "riluzole": dict.fromkeys(_TIME, "emit"),
    "niv": {"hours": "emit", "hd": "emit"},
    "bmi": {"bmi": "emit", None: "emit"},
    "hold_score": {"points": "hold", None: "hold"} | dict.fromkeys(_TIME, "hold"),
}
for _kind in ("edaravone", "anticoag", "stemcell", "hold", "preg", "trach", "gastro"):
    _ACCEPTS[_kind] = dict.fromkeys(_TIME, "hold")


@dataclass
class _Concept:
    kind: str
    start: int
    end: int
    text: str
    group: int = 0  # concepts listed together ("SVC or FVC", "riluzole or edaravone") share it


_GROUP_GAP = re.compile(r"[\s,/]*(?:and/or|or|and|&|nor)?[\s,]*(?:the\s+)?")
_FOLLOW_GAP = re.compile(
    r"[\s,(-]*(?:(?:since|from|after|following|of|on|in|at|for|the|an?|each|first|initial|"
    r"total|its|their|score|scores|als-?frs\S*|als|was|were|been)\b[\s,(-]*){0,4}"
)
_STRONG_FOLLOW = re.compile(r"[\s,(-]*(?:since|from|after|following|of|on)\b")
_SINCE = re.compile(r"[\s,(-]*since\b")
_CLAUSE_END = re.compile(
    r";|\.(?=\s|$)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)(?<!\betc\.)(?<!\bapprox\.)(?<!\bno\.)"
    r"(?<!\bdr\.)(?<!\bst\.)(?<!\bca\.)"
)
_ONLY_TAG = re.compile(r"\([^()]{0,60}\bonly\)")


_PART_OF_SCALE = frozenset({"item", "slope", "decline", "hold_score"})
_OF_THE_SCALE = re.compile(r"\s+(?:in|on|of)\s+(?:the\s+)?")


def _concepts(norm: str, original: str) -> list[_Concept]:
    found: list[_Concept] = []
    has_context = _ALSFRS_CONTEXT.search(norm) is not None
    for m in _CONCEPT.finditer(norm):
        kind = (m.lastgroup or "").rsplit("_", 1)[0]
        if kind == "item" and not has_context and not _ITEM_WORD.search(m.group()):
            continue  # "walking" without ALSFRS-R is not the item
        found.append(_Concept(kind, m.start(), m.end(), m.group()))
    if "P" in original or "R" in original:
        for m in _PEG_RIG.finditer(original):
            if not any(c.start <= m.start() < c.end for c in found):
                found.append(_Concept("gastro", m.start(), m.end(), m.group().lower()))
        found.sort(key=lambda c: c.start)
    for i in range(len(found) - 1, 0, -1):
        # "ALSFRS-R item 3", "ALSFRS-R progression rate": one concept, the specific one
        first, second = found[i - 1], found[i]
        if (
            first.kind == "total"
            and second.kind in _PART_OF_SCALE
            and second.start - first.end <= 3
        ):
            second.start, second.text = first.start, norm[first.start : second.end]
            del found[i - 1]
        elif (
            first.kind in ("decline", "slope")
            and second.kind == "total"
            and _OF_THE_SCALE.fullmatch(norm, first.end, second.start)
        ):  # "decline in the ALSFRS-R", "slope of ALSFRS-R": the decline, on that scale
            first.end, first.text = second.end, norm[first.start : second.end]
            del found[i]
    group = 0
    for i, concept in enumerate(found):
        if i and _GROUP_GAP.fullmatch(norm, found[i - 1].end, concept.start):
            concept.group = found[i - 1].group
        else:
            group += 1
            concept.group = group
    return found


def _assign(
    qty: _Qty, concepts: list[_Concept], starts: list[int], norm: str, bounds: list[int]
) -> tuple[_Concept | None, str]:
    """The concept a number belongs to, and what it does with it ("emit" or "hold")."""
    clause = bisect.bisect_right(bounds, qty.start)
    if qty.after_concept >= 0:
        for concept in concepts:
            if concept.start == qty.after_concept and _role(concept, qty):
                return concept, _role(concept, qty)
    following = _following(qty, concepts, starts, norm, bounds, clause)
    preceding = _preceding(qty, concepts, starts, bounds, clause)
    if following is None:
        return preceding if preceding is not None else (None, "")
    if preceding is not None and qty.start - preceding[0].end <= 40:
        before, after = preceding[0].kind, following[0].kind
        if after == "total" and before in ("decline", "slope"):
            return preceding  # "a loss of at least 2 points on the ALSFRS-R": a decline
        if {before, after} == {"onset", "diagnosis"} and not _SINCE.match(norm, qty.end):
            return following[0], "hold"  # "onset within 24 months of diagnosis": an interval
    if (
        _STRONG_FOLLOW.match(norm, qty.end)
        or not norm[qty.end : following[0].start].strip(" -,(")
        or following[0].kind in ("item", "hold_score")  # "≥ 9 in the respiratory domain"
        or preceding is None
    ):
        return following
    return preceding


def _preceding(
    qty: _Qty, concepts: list[_Concept], starts: list[int], bounds: list[int], clause: int
) -> tuple[_Concept, str] | None:
    """The nearest concept before the number, in its clause, that takes its unit."""
    for concept in reversed(concepts[: bisect.bisect_right(starts, qty.start)]):
        if concept.end > qty.start:
            continue
        if qty.start - concept.end > 120 or bisect.bisect_right(bounds, concept.end) != clause:
            return None
        role = _role(concept, qty)
        if role:
            return concept, role
    return None


def _following(
    qty: _Qty,
    concepts: list[_Concept],
    starts: list[int],
    norm: str,
    bounds: list[int],
    clause: int,
) -> tuple[_Concept, str] | None:
    """A concept right after the number, tied to it by a few small words."""
    i = bisect.bisect_left(starts, qty.end)
    for concept in concepts[i : i + 3]:
        if concept.start - qty.end > 40 or bisect.bisect_right(bounds, concept.start) != clause:
            return None
        gap = _FOLLOW_GAP.match(norm, qty.end, concept.start)
        if gap is None or gap.end() != concept.start:
            return None
        role = _role(concept, qty)
        if role:
            return concept, role
    return None


# The minimum read from "a decline of 3 points" belongs to a decline; "for 30 days" to riluzole.
_IMPLIED_KINDS = {"decline": ("slope", "decline"), "for": ("riluzole",)}


def _role(concept: _Concept, qty: _Qty) -> str:
    """What the concept does with the number: "emit", "hold", or "" (not its number)."""
    if qty.implied and concept.kind not in _IMPLIED_KINDS[qty.implied]:
        return ""
    return _ACCEPTS.get(concept.kind, {}).get(qty.unit, "")


# --- Reading: values --------------------------------------------------------------------------


def _num(value: float) -> Number:
    value = round(value, 4)
    return int(value) if float(value).is_integer() else value


def _months(value: float, unit: str) -> Number:
    if unit == "years":
        return _num(value * 12)
    if unit == "weeks":
        return _num(round(value * 12 / 52, 1))
    if unit == "days":
        return _num(round(value / 30.4375, 1))
    return _num(value)


def _days(value: float, unit: str) -> Number:
    return _num(value * {"years": 365, "months": 30, "weeks": 7, "days": 1}[unit])


def _per_month(value: float, per: str) -> Number:
    if per == "w":
        return _num(round(value * 30.4375 / 7, 2))
    if per == "y":
        return _num(round(value / 12, 2))
    return _num(value)


def _measure(concepts: list[_Concept]) -> str:
    measures = set()
    for concept in concepts:
        if "svc" in concept.text or "slow" in concept.text:
            measures.add("SVC")
        elif "fvc" in concept.text or "forced" in concept.text:
            measures.add("FVC")
        else:
            measures.add("VC")
    return measures.pop() if len(measures) == 1 else "VC"


_ITEM_LIST = re.compile(
    r"\b(?:items?|questions?|q)\s*\(?\s*#?\s*(\d{1,2}(?:\s*(?:,|and|or|&|-|to)\s*\d{1,2})*)"
)
_ITEM_LIST_PART = re.compile(r"\d{1,2}|-|to")
_ITEM_BRACKET = re.compile(r"\(\s*(?:item|q(?:uestion)?)?\s*#?\s*(\d{1,2})\s*\)")


_DOMAIN_ITEMS = re.compile(r"(bulbar|fine[- ]motor|gross[- ]motor|respiratory)\s+items\b")
# The four domains of the ALSFRS-R's twelve items (Cedarbaum et al. 1999; the subscores).
_ITEMS_OF_DOMAIN = {"bulbar": (1, 2, 3), "fine": (4, 5, 6), "gross": (7, 8, 9),
                    "respiratory": (10, 11, 12)}  # fmt: skip


def _item_numbers(concept: _Concept) -> list[int]:
    """The ALSFRS-R items a concept names: "item 3", "items 10-12", "Q3", "swallowing", "the
    respiratory items"."""
    domain = _DOMAIN_ITEMS.search(concept.text)
    if domain:
        return list(_ITEMS_OF_DOMAIN[domain.group(1).split()[0].split("-")[0]])
    numbered = _ITEM_LIST.search(concept.text)
    if numbered:
        parts = _ITEM_LIST_PART.findall(numbered.group(1))
        numbers: list[int] = []
        for i, part in enumerate(parts):
            if part in ("-", "to"):
                if numbers and i + 1 < len(parts) and parts[i + 1].isdigit():
                    numbers.extend(range(numbers[-1] + 1, int(parts[i + 1])))
            else:
                numbers.append(int(part))
        return [n for n in numbers if 1 <= n <= 12]
    bracket = _ITEM_BRACKET.search(concept.text)
    if bracket and 1 <= int(bracket.group(1)) <= 12:
        return [int(bracket.group(1))]
    return [number for number, name in _ITEM_NUMBER_BY_NAME if name.search(concept.text)][:1]


def _emit(
    qty: _Qty, concept: _Concept, members: list[_Concept], section: str, quote: str, norm: str
) -> list[Criterion]:
    """The criteria a number gives for the concept (and the concepts listed with it); `norm`
    is the normalised item."""
    op, kind, unit, values = qty.op or "", concept.kind, qty.unit, qty.values
    if any(v < 0 for v in values) and kind != "slope":
        return []

    def make(field: str, vals: tuple[Number, ...], unit_text: str, **extra: int | str) -> Criterion:
        value = (vals[0], vals[-1]) if op == "between" else vals[0]
        return Criterion(section, field, op, value, unit_text, quote, **extra)  # type: ignore[arg-type]

    plain = tuple(_num(v) for v in values)
    if kind == "age" and all(0 < v <= 120 for v in values):
        return [make("age_years", plain, "years")]
    whole = all(float(v).is_integer() for v in values)  # "> 0.5" is a rate, not a score
    if kind == "total" and whole and all(v <= 48 for v in values):
        return [make("alsfrs_r_total", plain, "points")]
    if kind == "item" and whole and all(v <= 4 for v in values):
        numbers = [n for m in members if m.kind == "item" for n in _item_numbers(m)]
        return [make("alsfrs_r_item", plain, "points", item=n) for n in dict.fromkeys(numbers)]
    if kind == "slope" and all(abs(v) <= 20 for v in values):
        rates = tuple(_per_month(v, qty.per or "m") for v in values)
        if all(v < 0 for v in rates):  # "slope ≤ −0.5": a loss of at least 0.5
            rates, op = tuple(sorted(_num(-v) for v in rates)), _MIRROR[op]
        if all(v >= 0 for v in rates):
            return [make("alsfrs_r_slope_per_month", rates, "points/month")]
    if kind == "decline" and all(v <= 48 for v in values):
        return [make("alsfrs_r_decline_points", plain, "points")]
    in_percent = unit == "pct" or qty.predicted or "pred" in concept.text
    if kind == "vc" and in_percent and all(0 < v <= 200 for v in values):
        measure = _measure([m for m in members if m.kind == "vc"])
        return [make("vc_percent_predicted", plain, "%", measure=measure)]
    if kind in ("onset", "diagnosis") and unit in _DURATIONS:
        field = "months_since_symptom_onset" if kind == "onset" else "months_since_diagnosis"
        return [make(field, tuple(_months(v, unit) for v in values), "months")]
    if kind == "riluzole" and unit in _DURATIONS:
        if qty.within and not _STARTED.search(norm):
            return []  # "use of riluzole within 30 days": taking it (a presence), not the days
        if _NOT_STABLE.search(norm, 0, qty.start) and op in _NEGATED:
            op = _NEGATED[op]  # "dose not stable for at least 28 days": fewer than 28
        return [make("riluzole_stable_days", tuple(_days(v, unit) for v in values), "days")]
    if kind == "niv" and all(v <= 24 for v in values):
        return [make("niv_hours_per_day", plain, "hours/day")]
    if kind == "bmi" and all(10 <= v <= 80 for v in values):
        return [make("bmi", plain, "kg/m2")]
    return []


_AGE_FALLBACK_NOT = re.compile(
    r"\b(?:for|since|ago|after|before|from|during|last|past|previous|history|prior|within|"
    r"duration|period|interval)\b"
)


def _intrinsic(qty: _Qty, concepts: list[_Concept]) -> str | None:
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


def _looks_like_age(qty: _Qty, norm: str) -> bool:
    """Years with no concept that read as an age: "18 to 80 years", "adults ≥ 18 years"."""
    if qty.unit != "years" or qty.within or qty.implied:
        return False
    if _AGE_FALLBACK_NOT.search(norm, max(0, qty.start - 25), qty.start):
        return False
    low, high = qty.values[0], qty.values[-1]
    if qty.op in (">=", ">", "between"):
        return 14 <= low <= 100 and high <= 120
    return qty.op in ("<=", "<") and 40 <= low <= 120


# --- Reading: presence and negation ---------------------------------------------------------

_NEG_BEFORE = re.compile(
    r"\b(?:no|not|non|without|never|none|nor|neither|absence\s+of|absent|free\s+of|lack\s+of|"
    r"lacking|negative|excluding|cannot|naive)\b|n't\b|\bnon-"
)
_NEG_STOP = re.compile(
    r".*\b(?:but|however|except|although|though|unless|whereas|other\s+than|apart\s+from|"
    r"aside\s+from)\b",
    re.DOTALL,
)
_EXAMPLES = re.compile(
    r"\(?\s*\b(?:e\.g\.|i\.e\.|eg\b|such\s+as|including|for\s+(?:example|instance))[^()]*$"
)
_LAST_WORDS = re.compile(r"(?:\S+\s+){0,6}\S*$")
_NEG_AFTER = re.compile(
    r"[\s-]*(?:(?:mutation|gene|variant|status|test)\s+)?(?:negative|naive|free)\b"
)
_EXCLUDED_AFTER = re.compile(
    r"(?:\s*\([^()]{0,80}\))?[^;.]{0,40}?\b(?:(?:is|are|will\s+be)\s+)?(?:excluded|not\s+(?:allowed|permitted|"
    r"eligible)|prohibited|ineligible|forbidden)\b"
)
_PERMISSION = re.compile(
    r"\b(?:regardless|optional|(?<!not\s)allowed|(?<!not\s)permitted|"
    r"permissible|acceptable|may\s+(?:be\s+)?(?:included|enrolled|eligible|allowed|permitted|"
    r"used|taken|continued?|remain|receive|use|take|participate)|can\s+(?:be\s+)?(?:included|"
    r"enrolled|continued?|used|taken))\b"
)
_NOT_USE = re.compile(r"\b(?:hypersensitiv\w*|allerg\w*|contraindicat\w*|intoleran\w*)")
_DRUG_USE = re.compile(
    r"\b(?:tak(?:e|es|ing|en)|receiv\w*|us(?:e|es|ed|ing)|treat\w*|therapy|on|current\w*|"
    r"naive|exposure|exposed)\b|-naive"
)
_RILUZOLE_EITHER = re.compile(r"\b(?:or|either|naive|if)\b|-naive")
_NOT_STABLE = re.compile(r"\b(?:not|never)\s+(?:been\s+)?(?:on\s+a\s+)?stable|\bunstable\b")
_NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">="}
_MUST_TAKE = re.compile(
    r"\b(?:must|should|required\s+to|need\s+to)\s+(?:be\s+|have\s+been\s+)?(?:currently\s+)?"
    r"(?:taking|on|receiving|using|treated)\b"
)
_STARTED = re.compile(r"\b(?:start\w*|initiat\w*|began|begun|commenc\w*|chang\w*|adjust\w*)")
_WITH_OR_WITHOUT = re.compile(r"\bwith\s+or\s+without\s+(?:\S+\s+){0,2}$")
_EXCLUSIVE_FEEDING = re.compile(
    r"\b(?:exclusive(?:ly)?|solely|sole\s+source|nothing\s+by\s+mouth|nil\s+by\s+mouth|"
    r"npo|only\s+(?:via|through|by))\b"
)
_DRUG_CONDITION = re.compile(
    r"\b(?:if|unless|whether(?!\s+(?:[\w-]+\s+){1,2}or\b)|stable|stably|stabili[sz]ed|(?:stop|discontinu|withh[oe]ld|"
    r"interrupt|cease|hold|suspend|wash(?:-|\s)?out|taper)\w*)\b"
)
_TAKING = re.compile(
    r"\b(?:those|participants?|patients?|subjects?|individuals?)\s+(?:who\s+are\s+)?"
    r"(?:currently\s+)?(?:on|taking|receiving|using|treated\s+with)\b"
)
_PREG_NOT = re.compile(r"\b(?:avoid\w*|prevent\w*|contracept\w*|become|becoming|father\w*)\b")
_PREG_TEST = re.compile(r"\s+tests?\b")
_TEST_RESULT = re.compile(r"\b(?:negative|positive)\b")
_POSITIVE = re.compile(r"\bpositive\b")
_GENE_NOT = re.compile(
    r"\b(?:test(?:ing|ed)?\s+for|screen(?:ing|ed)?\s+for|status|results?)\b"
    r"|^-?\s*(?:targeted|targeting|directed|lowering)\b"  # "SOD1-targeted antisense": a drug
)
_PAST = re.compile(
    r"\b(?:prior|previous(?:ly)?|history|received|receipt|treated|undergone|underwent|had|ever|"
    r"before|past|earlier)\b|\bany\s+(?:form|kind|type)"
)
_THERAPY_WORD = re.compile(r"therap|treatment|transplant|product|injection|infusion|implant|admin")

_PRESENCE_FIELD = {
    "trach": "tracheostomy",
    "gastro": "gastrostomy",
    "preg": "pregnancy",
    "anticoag": "anticoagulants",
    "sod1": "sod1_mutation",
    "c9": "c9orf72",
    "stemcell": "prior_stem_cell_therapy",
    "edaravone": "edaravone",
    "riluzole": "riluzole_stable_days",  # present: taking riluzole (matching reads it so)
    "niv": "niv_hours_per_day",
    "gene": "other",
}


def _window(norm: str, bounds: list[int], concept: _Concept, span: int) -> tuple[str, str]:
    """At most `span` characters before and after a concept, within its clause."""
    clause = bisect.bisect_right(bounds, concept.start)
    left = bounds[clause - 1] + 1 if clause > 0 else 0
    right = bounds[clause] if clause < len(bounds) else len(norm)
    return norm[max(left, concept.start - span) : concept.start], norm[
        concept.end : min(right, concept.end + span)
    ]


def _states_presence(concept: _Concept, before: str, after: str, section: str) -> bool:
    """False when the text does not make the concept a criterion: a permission, a condition, a
    test, or a stem-cell mention that is not about past treatment."""
    kind = concept.kind
    near = f"{before[-40:]} {concept.text} {after[:40]}"
    if _PERMISSION.search(near) or _WITH_OR_WITHOUT.search(before[-25:]):
        return False  # "riluzole is allowed"; "with or without NIV" (not "…, with or without X")
    if kind == "gastro" and _EXCLUSIVE_FEEDING.search(near):
        return False  # fed only by the tube: more than having one
    if kind in ("edaravone", "riluzole") and _NOT_USE.search(near):
        return False  # "hypersensitivity to riluzole" is not about taking it
    if kind == "riluzole" and not _DRUG_USE.search(near):
        return False
    if kind in ("edaravone", "anticoag", "stemcell", "riluzole") and _DRUG_CONDITION.search(near):
        return False
    if (
        section == INCLUSION
        and kind in ("edaravone", "anticoag", "riluzole")
        and _TAKING.search(before)
        and not _EXCLUDED_AFTER.match(after)
    ):
        return False  # "participants taking edaravone must …": a condition
    if kind == "preg" and (
        _PREG_NOT.search(before[-40:])
        or (_PREG_TEST.match(after) and not _TEST_RESULT.search(before[-30:]))
    ):
        return False
    if kind in ("sod1", "c9", "gene") and (
        _GENE_NOT.search(before[-30:]) or _GENE_NOT.match(after.strip())
    ):
        return False
    return kind != "stemcell" or bool(
        _PAST.search(f"{before} {after}")
        or (section == EXCLUSION and _THERAPY_WORD.search(concept.text))
    )


def _negation_scope(before: str) -> str:
    """The last words before a concept that a negation can reach from, not across "but"."""
    stop = _NEG_STOP.match(before)
    scope = before[stop.end() :] if stop else before
    return scope[_LAST_WORDS.search(scope).start() :]  # type: ignore[union-attr]


def _presence_op(
    concept: _Concept, norm: str, bounds: list[int], section: str, list_end: int
) -> str | None:
    """The presence op ("present" / "absent"), or None when the text does not state the concept
    as a criterion; `list_end` is the end of the list the concept is in ("SOD1 and C9orf72
    negative")."""
    before, after = _window(norm, bounds, concept, 70)
    if not _states_presence(concept, before, after, section):
        return None
    scope = _negation_scope(before)
    examples = _EXAMPLES.search(before)
    negated = bool(
        _NEG_BEFORE.search(scope)
        or (examples and _NEG_BEFORE.search(_negation_scope(before[: examples.start()])))
        or _NEG_AFTER.match(after)
        or _NEG_AFTER.match(norm, list_end)
    )  # "no support (e.g., NIV)" reaches NIV; so does "no NIV", "NIV-free", "A and B negative"
    if concept.kind == "preg" and _POSITIVE.search(scope):
        negated = False  # "positive pregnancy test"
    if not negated and _EXCLUDED_AFTER.match(after):
        return "present" if section == EXCLUSION else "absent"
    return "absent" if negated else "present"


# --- Reading: El Escorial ---------------------------------------------------------------------

_ESCORIAL_CATEGORY = re.compile(
    r"(?P<lab>(?:clinically\s+)?(?:laboratory|lab)[\s-]*supported\s+probable"
    r"|(?:clinically\s+)?probable\s*[-,(]?\s*(?:laboratory|lab)[\s-]*supported\)?)"
    r"|(?P<definite>(?:clinically\s+)?\bdefinite\b)"
    r"|(?P<probable>(?:clinically\s+)?\bprobable\b)"
    r"|(?P<possible>(?:clinically\s+)?\bpossible\b)"
    r"|(?P<suspected>\bsuspected\b)"
)
_NOT_A_CATEGORY = re.compile(
    r"(?:\bas\s+\w+\s+as|\bif|\bwhen(?:ever)?|\bwhere(?:ver)?|\bnot|\bis)\s+$"
)
_ESCORIAL_UP_AFTER = re.compile(
    r"\s*(?:als\s+)?\(?\s*(?:or|and)\s+(?:better|higher|above|greater|more\s+certain|a\s+higher\s+"
    r"(?:category|level)|higher\s+(?:category|level|certainty))\b"
)
_ESCORIAL_UP_BEFORE = re.compile(r"\bat\s+least\s+(?:an?\s+)?(?:clinically\s+)?$")
_ALS_CATEGORY_CONTEXT = re.compile(
    r"\b(?:definite|probable|possible)\b[^.;]{0,60}?\b(?:als|amyotrophic)\b"
    r"|\b(?:als|amyotrophic\s+lateral\s+sclerosis)\b[^.;]{0,30}?\b(?:definite|probable)\b"
)
_CATEGORY_REFUSED_AFTER = re.compile(
    r"\s*(?:als\s+)?(?:is|are)\s+(?:not\s+(?:sufficient|enough|eligible|accepted|acceptable|"
    r"allowed|permitted)|excluded|insufficient|ineligible)\b"
)
_CATEGORY_REFUSED_BEFORE = re.compile(r"\b(?:excluding|except|but\s+not|other\s+than)\s+$")
_NOT_MEETING = re.compile(
    r"\b(?:not|fail\w*\s+to|never)\s+(?:meet\w*|fulfil\w*|satisf\w*)|\bunmet\b"
)
_ESCORIAL_ORDER = ("suspected", "possible", "probable_laboratory_supported", "probable", "definite")


def _el_escorial(norm: str, concepts: list[_Concept]) -> tuple[int, tuple[str, ...]] | None:
    """(position, categories) named in an item about El Escorial (or Awaji) categories."""
    if not any(c.kind == "escorial" for c in concepts):
        if "definite" not in norm and "probable" not in norm and "possible" not in norm:
            return None
        if not _ALS_CATEGORY_CONTEXT.search(norm):
            return None
    chosen: set[str] = set()
    refused: set[str] = set()
    first = -1
    for m in _ESCORIAL_CATEGORY.finditer(norm):
        if m.lastgroup == "possible" and _NOT_A_CATEGORY.search(
            norm, max(0, m.start() - 25), m.start()
        ):
            continue  # "as soon as possible"
        name = "probable_laboratory_supported" if m.lastgroup == "lab" else str(m.lastgroup)
        first = m.start() if first < 0 else first
        if _CATEGORY_REFUSED_AFTER.match(norm, m.end()) or _CATEGORY_REFUSED_BEFORE.search(
            norm, max(0, m.start() - 15), m.start()
        ):
            refused.add(name)  # "laboratory-supported probable is not sufficient"
            continue
        chosen.add(name)
        if _ESCORIAL_UP_AFTER.match(norm, m.end()) or _ESCORIAL_UP_BEFORE.search(
            norm, max(0, m.start() - 20), m.start()
        ):
            chosen.update(_ESCORIAL_ORDER[_ESCORIAL_ORDER.index(name) :])
    chosen -= refused
    if not chosen:
        return None
    if _NOT_MEETING.search(norm, 0, first):  # "not meeting the criteria for probable ALS"
        chosen = set(EL_ESCORIAL) - chosen
    return first, tuple(c for c in EL_ESCORIAL if c in chosen)


# --- Reading: one item ------------------------------------------------------------------------


_LOWER = frozenset({">=", ">"})
_UPPER = frozenset({"<=", "<"})
_BOUND_LINK = re.compile(r"[\s,]*(?:and|but)\s+[^;.\d]{0,30}")


def _bounds_one_concept(norm: str, first: _Qty, second: _Qty) -> bool:
    """Whether `first` is the other bound of `second`'s concept: "at least six months and no
    more than 5 years since onset" (a lower and an upper bound, durations or not alike)."""
    directions = {first.op in _LOWER, second.op in _LOWER}
    if directions != {True, False} or not {first.op, second.op} <= _LOWER | _UPPER:
        return False
    if (first.unit in _DURATIONS) != (second.unit in _DURATIONS):
        return False
    link = _BOUND_LINK.match(norm, first.end, second.start)
    return link is not None and link.end() == second.start


def _read_item(text: CriterionText) -> list[Criterion]:
    """The criteria of one item, in text order; the item as ``other`` when none."""
    quote, section = text.text, text.section
    if text.population:
        return [_other(section, quote)]
    norm = _normalise(quote)
    concepts = _concepts(norm, quote)
    starts = [c.start for c in concepts]
    bounds = [m.start() for m in _CLAUSE_END.finditer(norm)]
    found: list[tuple[int, Criterion]] = []

    quantities = _quantities(norm, [(c.start, c.end) for c in concepts], set(starts))
    assigned: list[tuple[_Concept | None, str]] = []
    for qty in quantities:
        kind = _intrinsic(qty, concepts)
        if kind is not None:
            assigned.append((_Concept(kind, qty.start, qty.start, ""), "emit"))
            continue
        concept, role = _assign(qty, concepts, starts, norm, bounds)
        if concept is None and _looks_like_age(qty, norm):
            concept, role = _Concept("age", qty.start, qty.start, ""), "emit"
        assigned.append((concept, role))
    for i in range(len(quantities) - 2, -1, -1):
        if assigned[i][0] is None and _bounds_one_concept(norm, quantities[i], quantities[i + 1]):
            assigned[i] = assigned[i + 1]  # "at least 6 months and at most 5 years since onset"

    for qty, (concept, role) in zip(quantities, assigned, strict=True):
        if concept is None or role != "emit":
            continue
        if qty.implied and concept.kind not in _IMPLIED_KINDS[qty.implied]:
            continue
        members = [c for c in concepts if c.group == concept.group] if concept.text else []
        for criterion in _emit(qty, concept, members or [concept], section, quote, norm):
            found.append((min(qty.start, concept.start), criterion))

    escorial = _el_escorial(norm, concepts)
    if escorial is not None:
        found.append(
            (escorial[0], Criterion(section, "el_escorial", "in", escorial[1], None, quote))
        )

    found.extend(_presences(concepts, norm, bounds, section, quote, {c.field for _, c in found}))
    found.sort(key=lambda pair: pair[0])
    criteria = _merge_bounds([criterion for _, criterion in found])
    return criteria or [_other(section, quote)]


def _presences(
    concepts: list[_Concept],
    norm: str,
    bounds: list[int],
    section: str,
    quote: str,
    numeric_fields: set[str],
) -> list[tuple[int, Criterion]]:
    out: list[tuple[int, Criterion]] = []
    list_ends = {concept.group: concept.end for concept in concepts}  # the last one's end
    stated: list[tuple[_Concept, str]] = []  # the concepts stated as present, with their field
    seen: set[str] = set(numeric_fields & {"niv_hours_per_day"})
    tags = [(m.start(), m.end()) for m in _ONLY_TAG.finditer(norm)] if "only)" in norm else []
    for concept in concepts:
        field = _PRESENCE_FIELD.get(concept.kind)
        if field is None or field in seen or (tags and _inside(concept.start, tags)):
            continue  # "(SOD1 ALS only)" names whom an item is for, not a criterion
        op = _presence_op(concept, norm, bounds, section, list_ends[concept.group])
        if op is None and field in numeric_fields and _requires_drug(norm, section, norm):
            op = "present"  # "must be taking riluzole at a stable dose for ≥ 60 days"
        elif op is None and concept.kind == "edaravone":
            before = _window(norm, bounds, concept, 50)[0]
            if _requires_drug(norm, section, before):
                op = "present"  # "must be on a stable regimen of edaravone"
        if op is None:
            continue
        if field in numeric_fields and (
            section == EXCLUSION or op != "present" or _RILUZOLE_EITHER.search(norm)
        ):
            continue  # days on riluzole are "if taking it" unless the item requires it
        seen.add(field)
        if field == "other":
            criterion = _other(section, quote)
        elif field == "niv_hours_per_day":  # NIV at all: more than 0 hours a day, or none
            criterion = Criterion(
                section, field, ">" if op == "present" else "==", 0, "hours/day", quote
            )
        else:
            criterion = Criterion(section, field, op, None, None, quote)
        out.append((concept.start, criterion))
        if op == "present":
            stated.append((concept, field))
    if section == INCLUSION and len(stated) > 1:
        out = _either_one(out, stated, concepts, norm, quote)
    return out


def _either_one(
    out: list[tuple[int, Criterion]],
    stated: list[tuple[_Concept, str]],
    concepts: list[_Concept],
    norm: str,
    quote: str,
) -> list[tuple[int, Criterion]]:
    """An inclusion list of different presences joined by "or" ("a SOD1 or FUS mutation") asks
    for either one, not all: the contract cannot say so, so the list becomes ``other``."""
    fields: dict[int, set[str]] = {}
    for concept, field in stated:
        fields.setdefault(concept.group, set()).add(field)
    either = {
        group
        for group, names in fields.items()
        if len(names) > 1 and _listed_with_or(norm, concepts, group)
    }
    if not either:
        return out
    starts = {concept.start for concept, _ in stated if concept.group in either}
    kept = [pair for pair in out if pair[0] not in starts]
    return [*kept, (min(starts), _other(INCLUSION, quote))]


def _listed_with_or(norm: str, concepts: list[_Concept], group: int) -> bool:
    """Whether a group of concepts is a list joined by "or" ("SOD1, FUS or TARDBP")."""
    members = [c for c in concepts if c.group == group]
    gaps = [norm[a.end : b.start] for a, b in itertools.pairwise(members)]
    return any(_OR.search(gap) for gap in gaps)


_OR = re.compile(r"\bor\b")


def _requires_drug(norm: str, section: str, said_in: str) -> bool:
    """An inclusion that says (in `said_in`, part of `norm`) a drug must be taken, with no "if",
    "or" or "those on": "must be taking riluzole at a stable dose", "must be on a stable
    regimen of edaravone" (required, the word "stable" notwithstanding)."""
    return (
        section == INCLUSION
        and _MUST_TAKE.search(said_in) is not None
        and not _TAKING.search(norm)
        and not _RILUZOLE_EITHER.search(norm)
    )


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
        out[partner] = Criterion(
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
    """``read_criteria`` as the JSON contract (see the module docstring)."""
    return json.dumps([c.as_dict() for c in read_criteria(text)], ensure_ascii=False, indent=2)
