"""The concepts an item names — the ALSFRS-R, its items, slope and decline, vital capacity,
onset, diagnosis, El Escorial, the drugs, ventilation, feeding tubes, pregnancy, genes, BMI, age —
and which number belongs to which.

- A number belongs to the nearest concept before it in the same clause that takes its unit, or
  to one right after it linked by "since", "from", "of", "on"… ("less than 36 months since first
  symptom", "score ≥ 2 on the swallowing item"). Some concepts only hold a number so that it is
  not misread: an investigational drug "within 30 days", a decline "within 3 months".
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

Source: ALSFRS-R items: Cedarbaum et al., J Neurol Sci 1999;169:13–21.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from cellpath.outcomes.vocabulary import DOMAINS
from cellpath.trials.criteria.quantities import Quantity

# Every concept starts a word (the guard in _CONCEPT checks it), so no alternative begins with
# \b or an optional word: each begins with a literal, which the regex engine rejects at once.
_ALSFRS = (
    r"revised\s+(?:als|amyotrophic\s+lateral\s+sclerosis)\s+functional\s+rating\s+scale"
    r"(?:\s*\(\s*als-?frs(?:[\s-]?r)?\s*\))?"
    r"|(?:als|amyotrophic\s+lateral\s+sclerosis)\s+functional\s+rating\s+scale(?:[\s-]+revised)?"
    r"(?:\s*\(\s*als-?frs(?:[\s-]?r)?\s*\))?"
    r"|(?:als|amyotrophic\s+lateral\s+sclerosis)\s+rating\s+scale[\s-]+revised"
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
    (  # every item of the scale: "each of the 12 ALSFRS-R items", "every item", "all items"
        "item",
        r"(?:each|every|all)\s+(?:of\s+)?(?:the\s+)?(?:12\s+|twelve\s+)?(?:als-?frs\S*\s+)?"
        r"(?:items?|questions?)\b(?:\s+of\s+(?:the\s+)?als-?frs\S*)?(?!\s*(?:for\b|:|\())",
    ),
    (
        "hold_score",
        r"(?:bulbar|respiratory|fine[- ]motor|gross[- ]motor|limb|motor)\s+(?:sub-?scores?|"
        r"sub-?scales?|sub-?domains?|domains?|items?|scores?)|sub-?scores?\b|sub-?scales?\b|"
        r"(?:each|every|all|any|individual)\s+(?:single\s+)?(?:als-?frs\S*\s+)?items?\b",
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
        r"|niv\b|bi-?pap\b|nippv\b|nppv\b|bi-?level\s+(?:positive\s+airway\s+pressure|pap)"
        # ventilation of any kind, only with its hours a day ("assisted ventilation of any type
        # which exceeds 23 hours"): more hours of NIV than that is a criterion either way
        r"|(?:assisted\s+ventilation|ventilat(?:ory|ion)\s+(?:support|assistance))"
        r"(?:\s+of\s+any\s+(?:type|kind))?(?=[^.;]{0,40}?\bh(?:ou)?rs?\b)",
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
class Concept:
    kind: str
    start: int
    end: int
    text: str
    group: int = 0  # concepts listed together ("SVC or FVC", "riluzole or edaravone") share it


_GROUP_GAP = re.compile(r"[\s,/]*(?:and/or|or|and|&|nor)?[\s,]*(?:the\s+)?")
_FOLLOW_GAP = re.compile(  # "≥ 2 at the item "walking"": quotes and "item" too
    r"[\s,(\"'“”‘-]*(?:(?:since|from|after|following|of|on|in|at|for|the|an?|each|first|"
    r"initial|total|its|their|score|scores|item|question|als-?frs\S*|als|was|were|been)\b"
    r"[\s,(\"'“”‘-]*){0,4}"
)
_STRONG_FOLLOW = re.compile(r"[\s,(-]*(?:since|from|after|following|of|on)\b")
_SINCE = re.compile(r"[\s,(-]*since\b")
CLAUSE_END = re.compile(
    r";|\.(?=\s|$)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)(?<!\betc\.)(?<!\bapprox\.)(?<!\bno\.)"
    r"(?<!\bdr\.)(?<!\bst\.)(?<!\bca\.)"
)


_PART_OF_SCALE = frozenset({"item", "slope", "decline", "hold_score"})
_ITEM_GAP = re.compile(r"\s+(?:items?|questions?)\s*[\"'“‘]?")
_OF_THE_SCALE = re.compile(r"\s+(?:in|on|of)\s+(?:the\s+)?")


def find_concepts(norm: str, original: str) -> list[Concept]:
    found: list[Concept] = []
    has_context = _ALSFRS_CONTEXT.search(norm) is not None
    for m in _CONCEPT.finditer(norm):
        kind = (m.lastgroup or "").rsplit("_", 1)[0]
        if kind == "item" and not has_context and not _ITEM_WORD.search(m.group()):
            continue  # "walking" without ALSFRS-R is not the item
        found.append(Concept(kind, m.start(), m.end(), m.group()))
    if "P" in original or "R" in original:
        for m in _PEG_RIG.finditer(original):
            if not any(c.start <= m.start() < c.end for c in found):
                found.append(Concept("gastro", m.start(), m.end(), m.group().lower()))
        found.sort(key=lambda c: c.start)
    for i in range(len(found) - 1, 0, -1):
        # "ALSFRS-R item 3", "ALSFRS-R progression rate": one concept, the specific one
        first, second = found[i - 1], found[i]
        if (
            first.kind == "total"
            and second.kind in _PART_OF_SCALE
            and (
                second.start - first.end <= 3 or _ITEM_GAP.fullmatch(norm, first.end, second.start)
            )
        ):  # also "ALSFRS-R item 'walking'"
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


def assign(
    qty: Quantity, concepts: list[Concept], starts: list[int], norm: str, bounds: list[int]
) -> tuple[Concept | None, str]:
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
    qty: Quantity, concepts: list[Concept], starts: list[int], bounds: list[int], clause: int
) -> tuple[Concept, str] | None:
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
    qty: Quantity,
    concepts: list[Concept],
    starts: list[int],
    norm: str,
    bounds: list[int],
    clause: int,
) -> tuple[Concept, str] | None:
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
IMPLIED_KINDS = {"decline": ("slope", "decline"), "for": ("riluzole",)}


def _role(concept: Concept, qty: Quantity) -> str:
    """What the concept does with the number: "emit", "hold", or "" (not its number)."""
    if qty.implied and concept.kind not in IMPLIED_KINDS[qty.implied]:
        return ""
    return _ACCEPTS.get(concept.kind, {}).get(qty.unit, "")


# --- The ALSFRS-R items and the vital capacity a concept names --------------------------------


def vc_measure(concepts: list[Concept]) -> str:
    """The vital capacity that vital-capacity `concepts` listed together name: ``FVC``, ``SVC``,
    or ``VC`` (plain "vital capacity", or both)."""
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


# The four domains of the ALSFRS-R's twelve items, named as in the clinical vocabulary's DOMAINS.
_DOMAIN_ITEMS = re.compile(r"(bulbar|fine[- ]motor|gross[- ]motor|respiratory)\s+items\b")
_DOMAIN_SPACE = re.compile(r"[- ]")
_ALL_ITEMS = re.compile(r"(?:each|every|all)\b")


def item_numbers(concept: Concept) -> list[int]:
    """The ALSFRS-R items a concept names: "item 3", "items 10-12", "Q3", "swallowing", "the
    respiratory items", "each of the 12 items" (all twelve)."""
    if _ALL_ITEMS.match(concept.text):
        return list(range(1, 13))
    domain = _DOMAIN_ITEMS.search(concept.text)
    if domain:
        return [position + 1 for position in DOMAINS[_DOMAIN_SPACE.sub("_", domain.group(1))]]
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
