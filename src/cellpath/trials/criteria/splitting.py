"""Splitting the eligibility free text of a ClinicalTrials.gov record into items, each with its
section (inclusion or exclusion) and, for participants who are not people with ALS, its group.
``reader`` reads each item.

- Lines before the first header, and a text without headers, are inclusion. A combined header
  ("Key inclusion & exclusion criteria", "Eligibility criteria") opens the inclusion section
  when none is open; the next single header decides.
- A lead-in (a line ending in ":" that introduces a list) is not a criterion. One that only says
  "meet all of the following" is dropped; one with content ("Contraindication to lumbar
  puncture, such as:") stays in front of each of its items' quotes: "lead-in: item" (lead-in
  text as written, so "such as: bleeding disorder"). A bulleted item with indented sub-items is
  their lead-in in the same way; sub-items under a numbered lead-in may also be marked by a new
  kind of marker ("1. …:" then "a. …").
- A quote is the item as it reads: bullet marker removed, escapes undone, whitespace collapsed.
  A wrapped line (indented, or starting in lower case or with a bracket after an unfinished
  sentence) continues its item.
- Participants who are not people with ALS (healthy volunteers or controls, family members and
  relatives, caregivers, asymptomatic carriers) never give structured ALS criteria: their items
  are ``other``, the group named in front of the quote ("Healthy volunteers: age 18 to 80
  years"). A sub-header naming the ALS participants ("ALS participants:", "Cohort A:") returns
  to them and is left out of the quotes. A tag naming an ALS subgroup ("(SOD1 ALS only)")
  keeps its item with the ALS participants and is not itself a criterion.

Source: ClinicalTrials.gov data element definitions (Eligibility Criteria) and real ALS records,
``shared/design/trials-and-evidence.md`` §1.4.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

__all__ = ["EXCLUSION", "INCLUSION", "CriterionText", "split_criteria"]

INCLUSION, EXCLUSION = "inclusion", "exclusion"


@dataclass(frozen=True)
class CriterionText:
    """One item of the free text (see "Splitting" in the module docstring for the quote)."""

    section: str  # "inclusion" | "exclusion"
    text: str  # the quote
    population: str = ""  # "" for the ALS participants, else the group's header text


# --- Splitting: lines, headers, bullets -----------------------------------------------------

_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>=|~^&%$:;'\"/])")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
# A header written after a sentence on the same line ("… years. Exclusion Criteria: …").
_INLINE_HEADER = re.compile(
    r"([.;])[ \t]+(?=(?:key\s+|main\s+)?(?:inclusion|exclusion|non-inclusion)"
    r"(?:\s+criteria)?\s*:)"
    # a flattened copy without bullets: "… study visits Exclusion Criteria: Patient has …"
    r"|(?<=[^\W\d_])(?<!\bkey)(?<!\bmain)[ \t]+"
    r"(?=(?-i:Exclusion\s+Criteria|EXCLUSION\s+CRITERIA)\s*:)",
    re.IGNORECASE,
)
# Flattened text (a web page's copy: the whole list on one line, see `_unflatten`).
_FLAT_HEADER_WORDS = (
    r"(?:key\s+|main\s+)?(?:inclusion|exclusion|non-inclusion)\s+criteria\b"
    r"(?:[ \t]*\([^()\n]{0,80}\))?"
    # "… criteria for all groups:", "… criteria include:"
    r"(?:(?:[ \t]+(?:for|in|of)[ \t]+[^:.;*•()\n]{1,40}?)?(?:[ \t]+(?:include|includes|are))?"
    r"[ \t]*:)?"
)
_FLAT_LABEL = r"(?-i:[A-Z])[^:.;*•\n]{0,60}:[ \t]+"  # "Healthy volunteers: "
_FLAT_LIST = r"(?:[*•]|[–-](?=[ \t]+(?-i:[A-Z]))|\d{1,2}[.)]|(?-i:[a-h])[.)])[ \t]"
# right after a header's colon a dash is a bullet whatever follows ("Criteria: - diagnosis …")
_FLAT_HEADER_LIST = r"(?:[*•–-]|\d{1,2}[.)]|(?-i:[a-h])[.)])[ \t]"
_FLAT_BREAKS = (
    # a header inside the line, followed by a list (or a group's label and its list)
    re.compile(
        rf"(?<=\S)(?<!\bkey)(?<!\bmain)[ \t]+"
        rf"(?={_FLAT_HEADER_WORDS}[ \t]*(?:(?:{_FLAT_LABEL})?{_FLAT_LIST}|{_FLAT_HEADER_LIST}))",
        re.IGNORECASE,
    ),
    # the list (or label) after a header that starts a line
    re.compile(
        rf"(?m)^([ \t]*{_FLAT_HEADER_WORDS})[ \t]*"
        rf"(?=(?:{_FLAT_LABEL})?{_FLAT_LIST}|{_FLAT_HEADER_LIST})",
        re.I,
    ),
    # a group's label after a sentence, followed by its list
    re.compile(
        rf"(?:(?<=[^\W\d_%][.;])|(?<=\)[.;])|(?<=\)))[ \t]+(?={_FLAT_LABEL}{_FLAT_LIST})", re.I
    ),
    # the list after a label that starts a line
    re.compile(rf"(?m)^((?!{_FLAT_LIST}){_FLAT_LABEL})(?={_FLAT_LIST})", re.IGNORECASE),
)
_FLAT_SYMBOL = re.compile(r"^[ \t]*([*•–-])[ \t]")
_FLAT_SEQUENCE = re.compile(r"^[ \t]*(\d{1,2}|[a-h])([.)])[ \t]")
_FLAT_SUBLIST = re.compile(r":[ \t]+(?=[*•–-][ \t]|a[.)][ \t])")
_HEADER = re.compile(
    r"""^\s*(?:\#{1,6}\s*)?(?:[*_]{1,3}\s*)?
    (?:(?:[ivx]{1,4}|\d{1,2}|[a-h])[.)]\s+|[*\-•–]\s+)?(?:[*_]{1,3}\s*)?
    (?:(?:key|main|major|general|principal|primary|additional|other|specific|study)\s+)?
    (?:
        (?P<kind>inclusion|exclusion|non-?inclusion|eligibility|selection)
        (?:\s*(?:and|&|/|or|\+|,)\s*(?P<kind2>inclusion|exclusion|non-?inclusion))?
        \s+criteri(?:a|on)s?
      | criteria\s+(?:for|of)\s+(?P<kind3>inclusion|exclusion|eligibility|participation|enrol+ment)
      | (?P<kind4>inclusion|exclusion)s?(?=\s*[*_]{0,3}\s*(?::|$))
    )
    (?P<rest>.*)$""",
    re.IGNORECASE | re.VERBOSE,
)
_REST_MARKS = re.compile(r"^[*_]+")
_REST_QUALIFIER = re.compile(
    r"^(?:[-–—,]\s*|(?:for|in|of|applicable\s+to|specific\s+to)\s+)"
    r"(?P<q>[^:]{0,80}?)\s*[*_]*\s*(?::\s*(?P<c>.*))?$",
    re.IGNORECASE,
)
_REST_VERB = re.compile(
    r"^(?:include|includes|are|are\s+as\s+follows|as\s+follows|is)\s*[*_]*\s*:", re.IGNORECASE
)
_SENTENCE_WORDS = re.compile(
    r"\b(?:apply|applies|are|is|will|must|should|met|meet|listed|above|below|as|see|"
    r"described|defined|from|parent)\b",
    re.IGNORECASE,
)
_BULLET = re.compile(
    r"""^(?:
        (?P<sym>[*\-+–—‒o])\s+
      | (?P<dot>[•·▪◦‣●○■□►➢✓])\s*
      | (?P<num>\(\d{1,3}\)|\d{1,3}[.)])(?!\d)\s+
      | (?P<rom>\((?:ii|iii|iv|vi|vii|viii|ix|xi|xii)\)|(?:ii|iii|iv|vi|vii|viii|ix|xi|xii)[.)])\s+
      | (?P<alpha>\([a-z]\)|[a-z][.)])\s+
    )(?P<text>\S.*)$""",
    re.IGNORECASE | re.VERBOSE,
)
_HAS_WORD = re.compile(r"[^\W_]")


def _unescape(text: str) -> str:
    """Undo Markdown backslash escapes (and the rare HTML entity) of one line."""
    if "&" in text:
        text = html.unescape(text)
    return _MD_ESCAPE.sub(r"\1", text)


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _unflatten(line: str) -> list[str]:
    """A flattened line as the lines it was made of; other lines unchanged. Web pages copy a
    list onto one line: "Inclusion Criteria: * a * b Exclusion Criteria: 1. c 2. d". A header
    followed by a list starts a line, and so does its list; so does a group's label ("Healthy
    volunteers:") followed by a list. A line that starts with a bullet is split at each bullet
    of the same kind ("–" and "-" only before a capital or after ",", ";", "." or ")", so
    "18 – 60" stays whole; any dash right after a header's colon); one that
    starts with "1." (or "a.") at each next number (or letter) in turn, so "2.5 points" never
    splits an item. A numbered item whose lead-in lists bullets after ":" keeps them as its
    sub-items."""
    if len(line) < 60:
        return [line]
    for pattern in _FLAT_BREAKS:
        line = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "\n", line)
    return [piece for part in line.split("\n") for piece in _split_list(part)]


def _split_list(line: str, indent: str = "") -> list[str]:
    symbol = _FLAT_SYMBOL.match(line)
    if symbol is not None:
        mark = re.escape(symbol.group(1))
        if symbol.group(1) in "–-":  # before a capital, or after an item's last character
            at = rf"(?<![ \t])[ \t]+(?={mark}[ \t]+(?-i:[A-Z]))|(?<=[,;.)])[ \t]+(?={mark}[ \t]+\S)"
        else:
            at = rf"(?<![ \t])[ \t]+(?={mark}[ \t]+)"
        rest = re.split(at, line[symbol.end() :])
        return [indent + line[: symbol.end()] + rest[0], *(indent + r for r in rest[1:])]
    sequence = _FLAT_SEQUENCE.match(line)
    if sequence is None:
        return [indent + line]
    first, mark = sequence.groups()
    following = (
        (str(n) for n in range(int(first) + 1, 100))
        if first.isdigit()
        else (chr(c) for c in range(ord(first) + 1, ord("z") + 1))
    )
    pieces, start = [], 0
    for label in following:
        nxt = re.search(rf"[ \t]{label}{re.escape(mark)}[ \t]", line[start + 1 :])
        if nxt is None:
            break
        cut = start + 1 + nxt.start()
        pieces.append(line[start:cut].strip())
        start = cut + 1
    pieces.append(line[start:].strip())
    out: list[str] = []
    for piece in pieces:
        sub = _FLAT_SUBLIST.search(piece) if not indent else None
        if sub is None:
            out.append(indent + piece)
        else:
            out.append(indent + piece[: sub.start() + 1])
            out.extend(_split_list(piece[sub.end() :], indent + "    "))
    return out


def _lines(text: str) -> list[tuple[int, str]]:
    """(indent, stripped text) per line; a blank line is (0, ""). Flattened lines are split."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "<" in text:
        text = _BR.sub("\n", text)
    pieces = (piece for whole in text.split("\n") for piece in _unflatten(whole))  # "\\*" stays
    text = _INLINE_HEADER.sub("\\1\n", "\n".join(_unescape(piece) for piece in pieces))
    out = []
    for raw in text.split("\n"):
        line = raw.expandtabs(4).rstrip()
        stripped = line.strip()
        out.append((len(line) - len(line.lstrip()), stripped) if stripped else (0, ""))
    return out


def _match_header(line: str) -> tuple[str, str, str] | None:
    """(section, qualifier, content after the colon) of a header line, else None. The section
    is "inclusion", "exclusion" or "both" (a combined header)."""
    m = _HEADER.match(line)
    if m is None:
        return None
    kinds = [k.lower() for k in m.group("kind", "kind2", "kind3", "kind4") if k]
    if len(kinds) > 1 or not kinds[0].endswith("clusion"):
        section = "both"
    else:
        section = INCLUSION if kinds[0] == "inclusion" else EXCLUSION
    rest = _header_rest(m.group("rest"), line)
    return None if rest is None else (section, *rest)


def _header_rest(rest: str, line: str) -> tuple[str, str] | None:
    """What follows "criteria": a qualifier and/or content; None when the line reads as a
    sentence ("Exclusion criteria of the parent study apply")."""
    rest = _REST_MARKS.sub("", rest).strip()
    if not rest:
        return "", ""
    if rest.startswith(":"):
        return "", rest[1:].strip(" *_")
    if rest.startswith("("):
        close = rest.find(")")
        after = rest[close + 1 :].strip(" *_") if close > 0 else "?"
        if 0 < close <= 120 and (not after or after.startswith(":")):
            return rest[1:close].strip(), after[1:].strip(" *_")
        return None
    if _REST_VERB.match(rest):
        return "", rest.split(":", 1)[1].strip(" *_")
    m = _REST_QUALIFIER.match(rest)
    if m is None:
        return None
    qualifier, content = m.group("q").strip(" *_"), m.group("c")
    if _SENTENCE_WORDS.search(qualifier) or len(qualifier.split()) > 10:
        return None
    if content is None and len(line.split()) > 7:
        return None
    return qualifier, (content or "").strip(" *_")


def _bullet(stripped: str) -> tuple[str, str] | None:
    """(style, text) of a bulleted line, else None. The style tells list levels apart: the
    symbol itself, or the kind of numbering with its punctuation ("num.", "alpha)", "num(")."""
    m = _BULLET.match(stripped)
    if m is None:
        return None
    symbol = m.group("sym") or m.group("dot")
    if symbol:
        return ("•" if symbol in "•·" else symbol.lower()), m.group("text")
    for name in ("num", "rom", "alpha"):
        marker = m.group(name)
        if marker:
            return f"{name}{'(' if marker.startswith('(') else marker[-1]}", m.group("text")
    return None  # pragma: no cover - the pattern has no other branch


# --- Splitting: groups of participants and lead-ins -------------------------------------------

_NON_ALS = re.compile(
    r"""\b(?:
        healthy(?:\s+(?:adult|normal|control|age-matched))?\s+
            (?:volunteers?|controls?|participants?|subjects?|individuals?|persons?|people|donors?)
      | (?:normal|healthy|age-matched|disease|neurological|non-?als)\s+controls?
      | controls?\s+(?:participants?|subjects?|group|cohort|individuals?|arm)
      | controls\b
      | (?:unaffected\s+)?family\s+members?
      | (?:unaffected\s+)?(?:blood|biological|first[- ]degree|genetic)\s+relatives?
      | relatives?\s+of | relatives\b | siblings?\b
      | care-?\s?givers?|care\s+partners?|spouses?
      | (?:asymptomatic|pre-?symptomatic|unaffected)\s+(?:[\w-]+\s+){0,2}?
            (?:carriers?|individuals?|participants?|subjects?|people|persons?)
      | non-?als\b
    )""",
    re.VERBOSE,
)
_ALS_GROUP = re.compile(
    r"\b(?<!non-)(?<!non )(?:als|amyotrophic\s+lateral\s+sclerosis|mnd|patients?|pals|"
    r"participants?|subjects?|cohort|group|arm|part|stage|affected)\b"
)
_GROUP_NOUN = re.compile(r"\b(?:patients?|participants?|subjects?|pals|cohort|group|arm|part)\b")
_LEADIN_WORDS = re.compile(
    r"\b(?:following|must|should|will|shall|have|has|had|are|is|who|any|all|history|such|"
    r"including|include|e\.g|meet|criteria|conditions?|if|of|with|without)\b"
)
_GROUP_PREFIX = re.compile(r"(?:for\s+|the\s+|in\s+|criteria\s+for\s+)+")
_PAREN = re.compile(r"\(([^()]{1,60})\)")
_ONLY_FOR = re.compile(r"\b(?:only|for)\b")
_ONLY = re.compile(r"\s*\bonly\b\s*")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_GENERIC_WORDS = frozenset(
    """participants participant patients patient subjects subject individuals individual
    candidates candidate people persons person you must should will shall need needs to be have
    has meet meets met fulfil fulfill fulfils fulfills satisfy satisfies all any each one none of
    the following criteria criterion conditions condition requirements requirement below listed
    eligible eligibility enrolled enrollment enrolment enrol enroll included inclusion exclusion
    excluded in for this study trial order are is who with a an and or not if they potential
    prospective male female males females men women at time screening apply applies do does as
    follows als amyotrophic lateral sclerosis entry participate participation randomization
    randomisation enter may can also additionally be considered key main major general specific
    additional other these those such that""".split()  # noqa: SIM905 - a word list reads best so
)


def _non_als_label(text: str) -> str | None:
    """`text` when it names people who are not the ALS participants, else None. A text naming
    both ("ALS patients and caregivers") is about the ALS participants unless it starts with the
    other group."""
    low = text.lower()
    non = _NON_ALS.search(low)
    if non is None:
        return None
    head = low[: non.start()].strip()
    head = head[_GROUP_PREFIX.match(head).end() :] if _GROUP_PREFIX.match(head) else head
    if head and _ALS_GROUP.search(low):
        return None
    return text


def _group_header(text: str, has_colon: bool) -> tuple[bool, str] | None:
    """(is_not_als, label) for a short line that names a group of participants, else None."""
    label = text.strip(" *_:")
    words = label.split()
    if not label or len(label) > 80 or len(words) > (10 if has_colon else 5):
        return None
    if not has_colon and any(ch.isdigit() for ch in label):
        return None
    low = label.lower()
    if _LEADIN_WORDS.search(low) and not _NON_ALS.match(low):
        return None
    if _non_als_label(label) is not None:
        return True, label
    if (_ALS_GROUP if has_colon else _GROUP_NOUN).search(low):
        return False, label
    return None


def _item_population(text: str) -> str:
    """A group the item names itself: "Healthy volunteers: …", "Family members must …",
    "(healthy volunteers only)"; "" for none."""
    low = text.lower()
    prefix = _GROUP_PREFIX.match(low)
    start = prefix.end() if prefix else 0
    head = _NON_ALS.match(low, start)
    if head is not None:
        colon = text.find(":")
        return text[:colon].strip() if 0 < colon <= 60 else text[start : head.end()].strip()
    if "(" in text:
        for tag in _PAREN.finditer(text):
            inner = tag.group(1).strip()
            if _ONLY_FOR.search(inner.lower()) and _non_als_label(inner):
                return _ONLY.sub(" ", inner).strip()
    return ""


def _is_generic(text: str) -> bool:
    """True for a lead-in or sentence that says no more than "meet the following criteria"."""
    words = _WORD.findall(text.lower())
    return bool(words) and all(w in _GENERIC_WORDS for w in words)


def _ends_list(text: str) -> bool:
    return text.rstrip(" *_").endswith(":")


# --- Splitting: the walk ------------------------------------------------------------------------


@dataclass
class _Node:
    section: str
    text: str
    indent: int
    style: str | None  # the bullet's style; None for a line without a bullet
    population: str
    preamble: bool = False  # before the first header
    parent: _Node | None = None
    children: int = 0
    leadin: bool = False  # a line without a bullet ending in ":" (it introduces a list)


@dataclass
class _Walk:
    """The state of `split_criteria` while it reads the lines."""

    section: str = ""  # "" before the first header (the preamble, read as inclusion)
    population: str = ""
    last: _Node | None = None
    blank_before: bool = False
    plain_leadin: _Node | None = None
    plain_mode: str = ""  # its list is made of "bullets" or "plain" lines ("" while unknown)

    def reset(self) -> None:
        self.last, self.blank_before, self.plain_leadin, self.plain_mode = None, False, None, ""


def split_criteria(text: str) -> list[CriterionText]:
    """Split free eligibility text into inclusion and exclusion items, in text order."""
    if not text or not text.strip():
        return []
    lines = _lines(text)
    nodes: list[_Node] = []
    stack: list[_Node] = []  # the open bulleted items, outermost first
    walk = _Walk()
    for index, (indent, stripped) in enumerate(lines):
        if not stripped:
            walk.blank_before = True
            if walk.plain_mode == "plain":
                walk.plain_leadin = None
            continue
        header = _match_header(stripped)
        if header is not None:
            kind, qualifier, content = header
            if kind != "both":
                walk.section = kind
            walk.section = walk.section or INCLUSION
            walk.population = (_non_als_label(qualifier) or "") if qualifier else ""
            stack.clear()
            walk.reset()
            if content:
                bullet = _bullet(content)
                walk.last = _Node(
                    walk.section, bullet[1] if bullet else content, indent, None, walk.population
                )
                nodes.append(walk.last)
            continue
        bullet = _bullet(stripped)
        body = bullet[1] if bullet else stripped
        if _ends_list(body) or (bullet is None and _next_is_list(lines, index, indent)):
            group = _group_header(body, _ends_list(body))
            if group is not None:
                walk.population = group[1] if group[0] else ""
                stack.clear()
                walk.reset()
                continue
        if bullet is None:
            _plain_line(walk, nodes, stack, indent, body)
        else:
            _bullet_line(walk, nodes, stack, indent, bullet[0], body)
    if not walk.section:  # no header at all: nothing is a preamble
        for node in nodes:
            node.preamble = False
    return [item for node in nodes if (item := _as_item(node)) is not None]


def _new_node(walk: _Walk, indent: int, style: str | None, body: str) -> _Node:
    section = walk.section or INCLUSION
    return _Node(section, body, indent, style, walk.population, preamble=not walk.section)


def _plain_line(
    walk: _Walk, nodes: list[_Node], stack: list[_Node], indent: int, body: str
) -> None:
    last = walk.last
    if last is not None and not walk.blank_before:
        if _continues(indent, body, last):
            last.text = f"{last.text} {body}"
            return
        if indent > last.indent and last.style is not None and _ends_list(last.text):
            node = _new_node(walk, indent, None, body)  # an unbulleted sub-item
            node.parent = last
            last.children += 1
            nodes.append(node)
            return
    node = _new_node(walk, indent, None, body)
    stack.clear()
    if _ends_list(body):
        node.leadin = True
        walk.plain_leadin, walk.plain_mode = node, ""
    elif walk.plain_leadin is not None and walk.plain_mode in ("", "plain"):
        node.parent = walk.plain_leadin
        walk.plain_leadin.children += 1
        walk.plain_mode = "plain"
    else:
        walk.plain_leadin = None
    nodes.append(node)
    walk.last, walk.blank_before = node, False


def _bullet_line(
    walk: _Walk, nodes: list[_Node], stack: list[_Node], indent: int, style: str, body: str
) -> None:
    node = _new_node(walk, indent, style, body)
    while stack and not _is_child(node, stack):
        stack.pop()
    if stack:
        node.parent = stack[-1]
        stack[-1].children += 1
    elif walk.plain_leadin is not None and walk.plain_mode in ("", "bullets"):
        node.parent = walk.plain_leadin
        walk.plain_leadin.children += 1
        walk.plain_mode = "bullets"
    stack.append(node)
    nodes.append(node)
    walk.last, walk.blank_before = node, False


def _next_is_list(lines: list[tuple[int, str]], index: int, indent: int) -> bool:
    for later_indent, stripped in lines[index + 1 : index + 4]:
        if stripped:
            return _bullet(stripped) is not None or later_indent > indent
    return False


def _continues(indent: int, body: str, last: _Node) -> bool:
    """A wrapped line: indented under its item, or starting in lower case after an item whose
    sentence is not finished."""
    if _ends_list(last.text):
        return False
    if indent > last.indent and not last.leadin:
        return True
    return (body[:1].islower() or body[:1] in "([") and not last.text.endswith(
        (".", ";", ":", "!", "?")
    )


def _is_child(node: _Node, stack: list[_Node]) -> bool:
    top = stack[-1]
    if node.indent > top.indent:
        return True
    return (
        node.indent == top.indent
        and node.style != top.style
        and _ends_list(top.text)
        and not any(a.style == node.style and a.indent == node.indent for a in stack)
    )


def _as_item(node: _Node) -> CriterionText | None:
    if node.children or not _HAS_WORD.search(node.text):
        return None  # a lead-in (its text lives on in its items' quotes), or a rule "---"
    if (_ends_list(node.text) or (node.preamble and len(node.text.split()) > 3)) and _is_generic(
        node.text
    ):
        return None  # "Participants must meet all of the following criteria:"
    parts = [node.text]
    parent = node.parent
    while parent is not None:
        if not _is_generic(parent.text):
            parts.append(parent.text)
        parent = parent.parent
    quote = parts[-1]
    for part in reversed(parts[:-1]):
        quote = f"{quote} {part}" if _ends_list(quote) else f"{quote}: {part}"
    quote = _collapse(quote)
    if node.population:
        if not quote.lower().startswith(node.population.lower()):
            quote = f"{node.population}: {quote}"
        return CriterionText(node.section, quote, node.population)
    return CriterionText(node.section, quote, _item_population(quote))
