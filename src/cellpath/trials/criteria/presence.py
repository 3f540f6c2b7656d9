"""Presence criteria — a tracheostomy, a gastrostomy, pregnancy, blood thinners, riluzole,
edaravone, earlier stem-cell treatment, NIV, SOD1, C9orf72 — and their negation.

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
- A blood thinner, edaravone or earlier stem-cell treatment with a window or a count in its
  clause ("within the 14 days prior", "in the past 6 months", "at least 2 cycles") is ``other``:
  the contract has no field for the window, and a criterion without it would be wrong.
- Not a presence criterion: a permission ("allowed", "may be included", "regardless"; "with or
  without" for the words right after it only); for drugs also a condition ("if", "stable",
  "those taking …" in inclusion, a drug to be stopped or withheld; but "whether A or B" lists
  kinds, and "must be on a stable regimen of edaravone" requires it); contraception or avoiding
  pregnancy; genetic testing or status.

What ``present`` means for riluzole and for NIV, fields that also hold a number, is said with
their fields in `reader`.
"""

from __future__ import annotations

import bisect
import itertools
import re

from cellpath.trials.criteria.concepts import Concept
from cellpath.trials.criteria.contract import Criterion, as_other, new_criterion
from cellpath.trials.criteria.splitting import EXCLUSION, INCLUSION

_NEG_BEFORE = re.compile(
    r"\b(?:no|not|non|without|never|none|nor|neither|absence\s+of|absent|free\s+of|lack\s+of|"
    r"lacking|negative|excluding|cannot|naive)\b|n't\b|\bnon-"
)
_NON_INVASIVE = re.compile(r"\bnon-?\s?invasive\b")
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
_NOT_USE = re.compile(
    r"\b(?:hypersensitiv\w*|allerg\w*|contraindicat\w*|intoleran\w*|(?:un)?abl\w*\s+to\s+"
    r"(?:use|tolerate)|abilit\w*\s+to\s+(?:use|tolerate)|tolerat\w*|refer\w*|candidates?\s+for)"
)
_NOT_YET = re.compile(r"\b(?:initiat\w*|plann\w*|scheduled)\b[^.;]{0,25}$")  # "planned PEG"
_NOT_YET_AFTER = re.compile(r"\s*(?:is\s+|being\s+)?(?:planned|scheduled|anticipated|expected)\b")
_PAST_ONLY = re.compile(r"\b(?:previous(?:ly)?|prior|earlier|history\s+of|ever|past)\b")
_DRUG_USE = re.compile(
    r"\b(?:tak(?:e|es|ing|en)|intake|receiv\w*|us(?:e|es|ed|ing)|treat\w*|therapy|on|current\w*|"
    r"naive|exposure|exposed)\b|-naive"
)
_ROUTE = re.compile(r"\b(?:intravenous|i\.?v\.?|oral|orally)\s+$")
_ROUTE_AFTER = re.compile(r"\s*\((?:oral|iv|i\.v\.|intravenous)\)|\s+(?:iv|i\.v\.|infusions?)\b")
_NEWLY = re.compile(r"\bnewly\b")
_EITHER_STABLE = re.compile(r"\bstabl[ey]\b[^;]*\bor\b")
_RILUZOLE_EITHER = re.compile(r"\b(?:or|either|naive|if)\b|-naive|stopped|discontinued")
_MUST_TAKE = re.compile(
    r"\b(?:must|should|required\s+to|need\s+to)\s+(?:be\s+|have\s+been\s+)?(?:currently\s+)?"
    r"(?:taking|on|receiving|using|treated)\b"
)
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
    r"\b(?:test(?:ing|ed)?\s+for|screen(?:ing|ed)?\s+for|status|results?|family\s+history|"
    r"such\s+as(?:\s+the)?)\b"
    r"|^-?\s*(?:targeted|targeting|directed|lowering)\b"  # "SOD1-targeted antisense": a drug
)
_BEFORE_THE = re.compile(
    r"\bbefore\s+(?:the\s+)?$"
)  # "before the cell transplantation": the trial's
_PAST = re.compile(
    r"\b(?:prior|previous(?:ly)?|history|received|receipt|treated|undergone|underwent|had|ever|"
    r"before|past|earlier)\b|\bany\s+(?:form|kind|type)"
)
_THERAPY_WORD = re.compile(r"therap|treatment|transplant|product|injection|infusion|implant|admin")

# A drug or treatment with a window or a count ("within the 14 days prior", "in the past 3
# months", "at least 2 cycles"): the contract has no field for it, so the item is `other`.
_WINDOWED = frozenset({"anticoagulants", "edaravone", "prior_stem_cell_therapy"})
_WINDOW = re.compile(
    r"\b(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|"
    r"thirty|sixty|ninety)(?:\s+or\s+more)?[\s-]{0,3}"
    r"(?:(?:calendar|consecutive|full|complete|treatment|infusion)\s+)?"
    r"(?:days?|weeks?|wks?|months?|mos?|years?|yrs?|cycles?|courses?|doses?)\b"
)
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


def _window(norm: str, bounds: list[int], concept: Concept, span: int) -> tuple[str, str]:
    """At most `span` characters before and after a concept, within its clause."""
    clause = bisect.bisect_right(bounds, concept.start)
    left = bounds[clause - 1] + 1 if clause > 0 else 0
    right = bounds[clause] if clause < len(bounds) else len(norm)
    return norm[max(left, concept.start - span) : concept.start], norm[
        concept.end : min(right, concept.end + span)
    ]


def _states_presence(concept: Concept, before: str, after: str, section: str) -> bool:
    """False when the text does not make the concept a criterion: a permission, a condition, a
    test, or a stem-cell mention that is not about past treatment."""
    kind = concept.kind
    near = f"{before[-40:]} {concept.text} {after[:40]}"
    if _PERMISSION.search(near) or _WITH_OR_WITHOUT.search(before[-25:]):
        return False  # "riluzole is allowed"; "with or without NIV" (not "…, with or without X")
    if kind == "gastro" and _EXCLUSIVE_FEEDING.search(near):
        return False  # fed only by the tube: more than having one
    if kind in ("edaravone", "riluzole", "niv", "gastro", "trach") and _NOT_USE.search(near):
        return False  # "hypersensitivity to riluzole", "contraindication to NIV": not having it
    if kind in ("niv", "gastro", "trach") and (
        _NOT_YET.search(before[-40:]) or _NOT_YET_AFTER.match(after)
    ):
        return False  # "early initiation of NIV", "a planned gastrostomy": not having it yet
    if kind in ("edaravone", "riluzole") and (
        _ROUTE.search(before[-20:]) or _ROUTE_AFTER.match(after) or _NEWLY.search(before[-40:])
    ):
        return False  # "intravenous edaravone" (one form), "newly treated with riluzole" (a start)
    if kind == "riluzole" and not _DRUG_USE.search(near):
        return False
    if kind == "riluzole" and section == EXCLUSION and _PAST_ONLY.search(before[-30:]):
        return False  # "previous treatment with riluzole" is not taking it now
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
        _PAST.search(f"{_BEFORE_THE.sub('', before)} {after}")
        or (section == EXCLUSION and _THERAPY_WORD.search(concept.text))
    )


def _negation_scope(before: str) -> str:
    """The last words before a concept that a negation can reach from, not across "but"."""
    stop = _NEG_STOP.match(before)
    scope = before[stop.end() :] if stop else before
    if "invasive" in scope:  # "non-invasive or invasive ventilation": "non-" is not a negation
        scope = _NON_INVASIVE.sub("", scope)
    return scope[_LAST_WORDS.search(scope).start() :]  # type: ignore[union-attr]


def _presence_op(
    concept: Concept, norm: str, bounds: list[int], section: str, list_end: int
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


def presences(
    concepts: list[Concept],
    norm: str,
    bounds: list[int],
    section: str,
    quote: str,
    numeric_fields: set[str],
) -> list[tuple[int, Criterion]]:
    out: list[tuple[int, Criterion]] = []
    list_ends = {concept.group: concept.end for concept in concepts}  # the last one's end
    stated: list[tuple[Concept, str]] = []  # the concepts stated as present, with their field
    seen: set[str] = set(numeric_fields & {"niv_hours_per_day"})
    for concept in concepts:
        field = _PRESENCE_FIELD.get(concept.kind)
        if field is None or field in seen:
            continue
        op = _presence_op(concept, norm, bounds, section, list_ends[concept.group])
        if op is None and field in numeric_fields and _requires_drug(norm, section, norm):
            op = "present"  # "must be taking riluzole at a stable dose for ≥ 60 days"
        elif op is None and concept.kind == "edaravone":
            before = _window(norm, bounds, concept, 50)[0]
            if _requires_drug(norm, section, before):
                op = "present"  # "must be on a stable regimen of edaravone"
        if op is None:
            continue
        if op == "absent" and concept.kind == "riluzole" and _EITHER_STABLE.search(norm):
            continue  # "on a stable dose for a month, or not taking riluzole": either will do
        if field in numeric_fields and (
            section == EXCLUSION or op != "present" or _RILUZOLE_EITHER.search(norm)
        ):
            continue  # days on riluzole are "if taking it" unless the item requires it
        seen.add(field)
        if field == "other" or (field in _WINDOWED and _windowed(concept, norm, bounds)):
            criterion = as_other(section, quote)
        elif field == "niv_hours_per_day":  # NIV at all: more than 0 hours a day, or none
            criterion = new_criterion(
                section, field, ">" if op == "present" else "==", 0, "hours/day", quote
            )
        else:
            criterion = new_criterion(section, field, op, None, None, quote)
        out.append((concept.start, criterion))
        if op == "present":
            stated.append((concept, field))
    if section == INCLUSION and len(stated) > 1:
        out = _either_one(out, stated, concepts, norm, quote)
    return out


def _windowed(concept: Concept, norm: str, bounds: list[int]) -> bool:
    before, after = _window(norm, bounds, concept, 70)
    return bool(_WINDOW.search(before) or _WINDOW.search(after))


def _either_one(
    out: list[tuple[int, Criterion]],
    stated: list[tuple[Concept, str]],
    concepts: list[Concept],
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
    return [*kept, (min(starts), as_other(INCLUSION, quote))]


def _listed_with_or(norm: str, concepts: list[Concept], group: int) -> bool:
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
