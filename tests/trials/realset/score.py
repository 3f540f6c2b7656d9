"""The eligibility reader scored as atoms on real registry texts (README.md beside this).

Each trial's text is read twice by `criteria.reader.read_criteria`: as the registry publishes it
(its lines) and flattened onto one line, as web mirrors show it. Every criterion the reader
emits other than `other` becomes an atom (section, field, op, value, item); the hand labels are
atoms too. Recall is the share of labelled atoms the reader emits; precision the share of
emitted atoms that are labelled (each label counts once: a multiset match).

    .venv/bin/python -m tests.trials.realset.score            (make eval-trials)
    .venv/bin/python -m tests.trials.realset.score --unseen   held-back sets: totals only

The development sets print recall and precision by field and list every miss and every wrong
atom. A held-back set prints its totals only, never its misses, so that it stays unseen by
whoever changes the reader until its first score is reported. Every set has now been reported
and opened (README.md beside this): a new held-back set needs new texts.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cellpath.trials.criteria.reader import read_criteria

HERE = Path(__file__).resolve().parent
DEVELOPMENT = ("set_a", "set_b", "set_c", "set_d")
HELD_BACK: tuple[str, ...] = ()
FORMS = ("registry", "flattened")

Atom = tuple[str, str, str, Any, int | None]
"""(section, field, op, value, item): value a number rounded to 0.01, a tuple, or None."""


def _value(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_value(v) for v in value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return round(float(value), 2)
    return value


def atom(criterion: dict[str, Any]) -> Atom:
    """A labelled or emitted criterion as an atom (the VC measure and the quote are not scored)."""
    item = criterion.get("item") if criterion["field"] == "alsfrs_r_item" else None
    return (
        criterion["section"],
        criterion["field"],
        criterion["op"],
        _value(criterion.get("value")),
        item,
    )


def flatten(text: str) -> str:
    """The text as web mirrors show it: every line on one, bullets and headers inline."""
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def emitted(text: str) -> dict[Atom, list[str]]:
    """The reader's atoms for one text (its `other` criteria are not atoms), each with the
    quotes it was read from (one per time it was emitted)."""
    found: dict[Atom, list[str]] = {}
    for c in read_criteria(text):
        if c.field != "other":
            row = c.as_dict()
            found.setdefault(atom(row), []).append(row["quote"])
    return found


@dataclass
class Tally:
    """Labelled, emitted and matched atoms, in total and by field, with what went wrong."""

    labelled: Counter[str] = field(default_factory=Counter)
    emitted: Counter[str] = field(default_factory=Counter)
    matched: Counter[str] = field(default_factory=Counter)
    missed: list[tuple[str, Atom, str]] = field(default_factory=list)
    wrong: list[tuple[str, Atom, str]] = field(default_factory=list)

    def add(self, nct_id: str, labels: Iterable[Atom], found: dict[Atom, list[str]]) -> None:
        want = Counter(labels)
        got = Counter({a: len(quotes) for a, quotes in found.items()})
        both = want & got
        for kind, counter in (("labelled", want), ("emitted", got), ("matched", both)):
            for a, n in counter.items():
                getattr(self, kind)[a[1]] += n
        self.missed += [(nct_id, a, "") for a in (want - both).elements()]
        self.wrong += [(nct_id, a, found[a][0]) for a in (got - both).elements()]

    def recall(self, name: str | None = None) -> float:
        return _share(self.matched, self.labelled, name)

    def precision(self, name: str | None = None) -> float:
        return _share(self.matched, self.emitted, name)


def _share(part: Counter[str], whole: Counter[str], name: str | None) -> float:
    n = whole[name] if name else sum(whole.values())
    k = part[name] if name else sum(part.values())
    return k / n if n else float("nan")


def load(name: str) -> list[dict[str, Any]]:
    path = HERE / f"{name}.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def score(trials: list[dict[str, Any]], form: str) -> Tally:
    """The reader against the labels of `trials`, each text read in `form`."""
    tally = Tally()
    for trial in trials:
        text = trial["text"] if form == "registry" else flatten(trial["text"])
        tally.add(trial["nct_id"], [atom(a) for a in trial["atoms"]], emitted(text))
    return tally


def _pct(x: float) -> str:
    return "  n/a" if x != x else f"{100 * x:5.1f}"


def report(names: tuple[str, ...], *, details: bool) -> None:
    trials = [t for name in names for t in load(name)]
    n_atoms = sum(len(t["atoms"]) for t in trials)
    print(f"== {', '.join(names)}: {len(trials)} trials, {n_atoms} labelled atoms ==")
    for form in FORMS:
        tally = score(trials, form)
        print(
            f"{form:10s} recall {_pct(tally.recall())} %  precision {_pct(tally.precision())} %"
            f"  ({sum(tally.matched.values())} of {sum(tally.labelled.values())} labelled found,"
            f" {sum(tally.emitted.values())} emitted)"
        )
        if not details:
            continue
        fields = sorted(set(tally.labelled) | set(tally.emitted))
        print(f"  {'field':28s} {'labelled':>8s} {'emitted':>8s} {'recall':>7s} {'precision':>9s}")
        for name in fields:
            print(
                f"  {name:28s} {tally.labelled[name]:8d} {tally.emitted[name]:8d}"
                f" {_pct(tally.recall(name)):>7s} {_pct(tally.precision(name)):>9s}"
            )
        for title, rows in (("missed", tally.missed), ("wrong", tally.wrong)):
            print(f"  {title} ({len(rows)}):")
            for nct_id, a, quote in rows:
                print(f"    {nct_id} {a}" + (f"  ← {quote[:100]!r}" if quote else ""))


def main(argv: list[str]) -> int:
    if "--unseen" in argv:
        for name in HELD_BACK:  # each held-back set scored on its own
            report((name,), details=False)
    else:
        report(DEVELOPMENT, details=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
