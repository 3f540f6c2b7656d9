"""Numbers in a criterion and the comparisons they state: digits and number words, units,
ranges, and the comparison written before or after a number.

- A comparison may stand before the concept its number follows ("minimum ALSFRS-R total score
  of 28"); a number word counts after a comparison when it ends the phrase ("below thirty"), not
  as a count ("at least two of the following"); "a score of 3 or 4" (two consecutive values) is
  ``between``.
- A number with no comparison is not a threshold ("ALSFRS-R score of 4" stays ``other``), except
  a decline ("a decline of 3 points" → ``>= 3``), a stable treatment ("stable dose of riluzole
  for 3 months" → ``>= 90`` days) and "scored" ("items 10–12 each scored 4" → ``== 4``). "Or
  more" may stand before the unit ("6 or more points per year") and after a number word that
  follows "score of" ("a score of thirty-two or more"). A bare number "older" or "younger than"
  is an age. A value given as mean ± spread is not read.

The item is read in its `normalise`d form (lower case, one kind of dash and comparison sign, as
long as the text so that positions carry over). Durations and rates become the fields' units at
the end of this module; which unit each field takes is said in `reader`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from cellpath.outcomes.vocabulary import DAYS_PER_MONTH
from cellpath.trials.criteria.contract import Number

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


# "> or = 18" (registry texts: "\\> or = 18"): the sign with "or =" is "≥"; "< or =" is "≤".
_SIGN_OR_EQUAL = re.compile(r"([<>])[ ]{0,3}or[ ]{0,3}(?:=|equal(?:[ ]to)?\b)")


def normalise(text: str) -> str:
    """Lower case with one kind of dash and comparison sign, as long as `text` so that
    positions carry over to it ("> or =" and "< or equal to" become "≥" and "≤" and spaces)."""
    norm = text.translate(_TRANSLATE).lower()
    if len(norm) != len(text):  # a character whose lower case is longer ("İ")
        norm = "".join(c if len(c.lower()) != 1 else c.lower() for c in text.translate(_TRANSLATE))
    if "or" in norm and ("=" in norm or "equal" in norm):
        norm = _SIGN_OR_EQUAL.sub(
            lambda m: ("≥" if m.group(1) == ">" else "≤") + " " * (len(m.group(0)) - 1), norm
        )
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
MIRROR = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "==": "==", "between": "between"}
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
_RANGE_LINK = re.compile(r"\s*(?:-|~|to|and|through)\s*")  # "24~40" too
_CONSECUTIVE_LINK = re.compile(r"\s*or\s+")
_SCALE_NAME = re.compile(r"\s+als-?frs(?:[\s-]?r\b)?")
_QUALIFIER = re.compile(
    r"\s*(?:(?P<age>of\s+age|[\s-]?olds?\b)|(?P<pred>\(?\s*(?:of\s+)?(?:the\s+)?"
    r"(?:predicted|pred\b)))"
)
_POSTFIX = re.compile(
    r"\s*,?\s*(?:or|and)\s+(?P<w>more|greater|older|above|over|higher|longer|later|up|less|"
    r"fewer|younger|below|lower|under|shorter|earlier|smaller)\b(?!\s+than\b)"
)  # "18 and less than 75": "less than" belongs to the next number
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
DURATIONS = frozenset({"years", "months", "weeks", "days"})
_SCORED = re.compile(r"\bscored\s+(?:an?\s+)?$")


@dataclass
class Quantity:
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


def find_quantities(
    norm: str, skip: list[tuple[int, int]], concept_starts: set[int]
) -> list[Quantity]:
    """Every number that states a comparison, with its range and unit, left to right."""
    ops = [(m.end(), m.group()) for m in _OP.finditer(norm)]
    op_ends = [end for end, _ in ops]
    out: list[Quantity] = []
    pos = 0
    for start, end, value in _number_tokens(norm, op_ends):
        if start < pos or inside(start, skip):
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
        qty = Quantity(start, unit_end, None, (value,), unit, per)
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


def _range(norm: str, qty: Quantity) -> None:
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
    norm: str,
    qty: Quantity,
    ops: list[tuple[int, str]],
    ends: list[int],
    skip: list[tuple[int, int]],
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


def _postfix_op(norm: str, qty: Quantity, concept_starts: set[int]) -> None:
    """A comparison after the number: "18 years or older"; "18 ≤ age" (with the concept after
    it); or the minimum that a decline or a stable treatment implies."""
    post = _POSTFIX.match(norm, qty.end)
    if post:
        qty.op = ">=" if post.group("w") in _POSTFIX_GE else "<="
        qty.end = post.end()
        return
    rev = _REVERSED.match(norm, qty.end)
    if rev and rev.end() in concept_starts:
        qty.op = MIRROR[{"≤": "<=", "≥": ">="}.get(rev.group(1), rev.group(1))]
        qty.after_concept = rev.end()
        return
    before = max(0, qty.start - 40)
    if qty.unit in ("points", "rate", None) and (
        _IMPLIED_DECLINE_BEFORE.search(norm, before, qty.start)
        or _IMPLIED_DECLINE_AFTER.match(norm, qty.end)
    ):
        qty.op, qty.implied = ">=", "decline"
    elif qty.unit in DURATIONS and _IMPLIED_FOR.search(norm, before, qty.start):
        qty.op, qty.implied = ">=", "for"
    elif qty.unit in ("points", None) and _SCORED.search(norm, before, qty.start):
        qty.op = "=="  # "items 10–12 each scored 4"


def inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    """Whether `pos` lies in one of `spans` (sorted (start, end) pairs that do not overlap)."""
    i = bisect.bisect_right(spans, (pos, 1 << 62)) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


# --- Values in the fields' units -------------------------------------------------------------


def as_number(value: float) -> Number:
    """A value as the contract writes it: rounded to 4 decimals, a whole number as an int."""
    value = round(value, 4)
    return int(value) if float(value).is_integer() else value


def in_months(value: float, unit: str) -> Number:
    """A duration in months (time since onset or diagnosis)."""
    if unit == "years":
        return as_number(value * 12)
    if unit == "weeks":
        return as_number(round(value * 12 / 52, 1))
    if unit == "days":
        return as_number(round(value / DAYS_PER_MONTH, 1))
    return as_number(value)


def in_days(value: float, unit: str) -> Number:
    """A duration in days (days on riluzole: a month counts 30 days, a year 365)."""
    return as_number(value * {"years": 365, "months": 30, "weeks": 7, "days": 1}[unit])


def per_month(value: float, per: str) -> Number:
    """A rate per month, from one per week (`per` "w"), per year ("y") or per month ("m")."""
    if per == "w":
        return as_number(round(value * DAYS_PER_MONTH / 7, 2))
    if per == "y":
        return as_number(round(value / 12, 2))
    return as_number(value)
