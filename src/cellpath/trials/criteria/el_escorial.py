"""El Escorial (and Awaji) categories named in an item.

El Escorial (revised, Brooks et al. 2000): the categories the item names, low to high suspected
< possible < probable laboratory-supported < probable < definite; "possible or better" / "at
least possible" → possible and every category above it. Categories named under the Awaji
criteria have the same names and are read too; "probably" is a misspelt "probable". A category
the item refuses ("laboratory-supported probable is not sufficient", "excluding …") is left
out; "probable (clinically or laboratory supported)" is both kinds of probable; "not meeting the
criteria for probable or definite ALS" is every other category. The Gold Coast criteria have no
categories: an item naming only them, El Escorial without a category, "ALS or probable ALS"
(which categories plain "ALS" means is the trial's to say) or "probable or definite
lab-supported" (there is no laboratory-supported definite) stays ``other``. "Clinically
defined", and "defined" closing a list of categories ("possible, probable or defined"), is
definite.

Source: El Escorial revised: Brooks et al., Amyotroph Lateral Scler Other Motor Neuron Disord
2000;1:293–299.
"""

from __future__ import annotations

import re

from cellpath.outcomes.vocabulary import EL_ESCORIAL_VALUES
from cellpath.trials.criteria.concepts import Concept

_LAB = r"(?:laboratory|lab)[\s-]*supported"
# How an item names each category, in the vocabulary's order (most certain first). Plain
# "probable" is not the first word of "probable, laboratory-supported".
_WORDINGS = (
    r"(?:clinically\s+)?\bdefinite\b|\bclinically\s+defined\b"
    r"|(?<=\bor\s)defined\b(?=\s*(?:\)|,|;|als\b|$))",
    rf"(?:clinically\s+)?\bprobabl[ey]\b(?!\s*(?:als\s*)?[-,(]?\s*{_LAB})",
    rf"(?:clinically\s+)?{_LAB}\s+probable"
    rf"|(?:clinically\s+)?probable\s*(?:als\s*)?[-,(]?\s*{_LAB}\)?",
    r"(?:clinically\s+)?\bpossible\b",
    r"\bsuspected\b",
)
# "probable ALS (clinically or laboratory supported)", "clinically or laboratory-supported
# probable": both kinds of probable.
_PROBABLE_EITHER = re.compile(
    rf"\bprobable\b(?:\s+als)?\s*\(\s*clinical(?:ly)?\s+(?:or|and|/)\s+{_LAB}\s*\)"
    rf"|\bclinical(?:ly)?\s+(?:or|and|/)\s+{_LAB}\s+probable\b"
)
_ESCORIAL_CATEGORY = re.compile(  # each group is named by the category's value
    "|".join(
        f"(?P<{value}>{wording})"
        for value, wording in zip(EL_ESCORIAL_VALUES, _WORDINGS, strict=True)
    )
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
_LOW_TO_HIGH = EL_ESCORIAL_VALUES[::-1]
_PROBABLES = frozenset(EL_ESCORIAL_VALUES[1:3])  # clinically and laboratory-supported probable


# "probable or definite lab-supported ALS": no such category as a laboratory-supported definite,
# so which categories "lab-supported" belongs to is the trial's to say.
_DEFINITE_SUPPORTED = re.compile(rf"\bdefinite\s*(?:als\s*)?[-,(]?\s*{_LAB}(?!\s*probable)")
# "diagnosed with ALS or probable ALS": which categories plain "ALS" means is the trial's to say.
_ALS_OR_CATEGORY = re.compile(
    r"\b(?:als|amyotrophic\s+lateral\s+sclerosis)\s+or\s+(?:clinically\s+)?(?:probable|possible|suspected)\b"
)


def read_el_escorial(norm: str, concepts: list[Concept]) -> tuple[int, tuple[str, ...]] | None:
    """(position, categories) named in an item about El Escorial (or Awaji) categories."""
    if _ALS_OR_CATEGORY.search(norm) or _DEFINITE_SUPPORTED.search(norm):
        return None
    if not any(c.kind == "escorial" for c in concepts):
        if "definite" not in norm and "probable" not in norm and "possible" not in norm:
            return None
        if not _ALS_CATEGORY_CONTEXT.search(norm):
            return None
    chosen: set[str] = set()
    refused: set[str] = set()
    first = -1
    for m in _ESCORIAL_CATEGORY.finditer(norm):
        if m.group().endswith("possible") and _NOT_A_CATEGORY.search(
            norm, max(0, m.start() - 25), m.start()
        ):
            continue  # "as soon as possible"
        name = str(m.lastgroup)  # the category's value
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
            chosen.update(_LOW_TO_HIGH[_LOW_TO_HIGH.index(name) :])
    if chosen & _PROBABLES and _PROBABLE_EITHER.search(norm):
        chosen |= _PROBABLES
    chosen -= refused
    if not chosen:
        return None
    if _NOT_MEETING.search(norm, 0, first):  # "not meeting the criteria for probable ALS"
        chosen = set(EL_ESCORIAL_VALUES) - chosen
    return first, tuple(c for c in EL_ESCORIAL_VALUES if c in chosen)
