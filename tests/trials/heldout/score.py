"""Criterion-level accuracy of reader + matcher on the held-out pairs (README.md beside this).

Each pair is one criterion sentence, its section and a partial profile. The sentence is read by
`criteria.reader.read_criteria` as the one item of its section, every criterion it yields is
checked by the screening engine (`matching.match`), and the outcomes become TrialGPT's label for
the sentence (Jin et al., Nat Commun 2024;15:9074): a failed criterion → "not included" /
"excluded"; otherwise an unanswered or unstructured one → "not enough information"; otherwise
"included" / "not excluded". TrialGPT's criterion-level accuracy, 87.3 % on 1,015
patient–criterion pairs, is the figure issue 7 asks us to beat on ALS's structured criteria.

    .venv/bin/python -m tests.trials.heldout.score     (make eval-trials)

prints, for each set, accuracy per topic, the confusion of labels, every miss, and the baseline
of the same run that answers "not enough information" to everything.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cellpath.screening import Outcome, Profile
from cellpath.trials.criteria.reader import read_criteria
from cellpath.trials.finder.matching import match

HERE = Path(__file__).resolve().parent
PAIRS = HERE / "criterion_pairs.jsonl"  # the first set, written blind, then used to fix the reader
SETS = sorted(HERE.glob("criterion_pairs*.jsonl"))
TRIALGPT_ACCURACY = 0.873
NEI = "not enough information"
LABELS = {
    "inclusion": {Outcome.MEETS: "included", Outcome.DOES_NOT_MEET: "not included"},
    "exclusion": {Outcome.MEETS: "not excluded", Outcome.DOES_NOT_MEET: "excluded"},
}


@dataclass(frozen=True)
class Scored:
    pair: dict[str, Any]
    label: str
    structured: bool  # the reader gave at least one criterion other than `other`

    @property
    def right(self) -> bool:
        return self.label == self.pair["label"]

    @property
    def topic(self) -> str:
        return self.pair["id"].rsplit("-", 1)[0]


def load(path: Path = PAIRS) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def label(section: str, text: str, profile: Profile) -> tuple[str, bool]:
    """TrialGPT's label for one criterion sentence, and whether the reader structured it."""
    header = "Inclusion Criteria:" if section == "inclusion" else "Exclusion Criteria:"
    criteria = [c.as_dict() for c in read_criteria(f"{header}\n\n* {text}")]
    outcomes = {r.outcome for r in match(None, criteria, profile).results}
    structured = any(c["field"] != "other" for c in criteria)
    if Outcome.DOES_NOT_MEET in outcomes:
        return LABELS[section][Outcome.DOES_NOT_MEET], structured
    if not outcomes or outcomes & {Outcome.UNKNOWN, Outcome.TO_DISCUSS}:
        return NEI, structured
    return LABELS[section][Outcome.MEETS], structured


def score(pairs: list[dict[str, Any]]) -> list[Scored]:
    out = []
    for pair in pairs:
        profile = Profile.from_json(pair["profile"]).with_derived()
        got, structured = label(pair["section"], pair["text"], profile)
        out.append(Scored(pair, got, structured))
    return out


def accuracy(scored: list[Scored]) -> float:
    return sum(s.right for s in scored) / len(scored)


def report(path: Path) -> None:
    scored = score(load(path))
    print(f"== {path.name} ==")
    by_topic: dict[str, list[Scored]] = defaultdict(list)
    for s in scored:
        by_topic[s.topic].append(s)
    print(f"{'topic':<10} {'pairs':>5} {'right':>5} {'accuracy':>9}")
    for topic, group in by_topic.items():
        right = sum(s.right for s in group)
        print(f"{topic:<10} {len(group):>5} {right:>5} {right / len(group):>9.1%}")
    print("\nconfusion (expected → given):")
    for (want, got), n in sorted(Counter((s.pair["label"], s.label) for s in scored).items()):
        print(f"  {want:<24} → {got:<24} {n:>4}")
    misses = [s for s in scored if not s.right]
    if misses:
        print("\nmisses:")
        for s in misses:
            want, text = s.pair["label"], s.pair["text"]
            print(f"  {s.pair['id']:<10} want {want!r}, gave {s.label!r}: {text}")
    always_nei = sum(s.pair["label"] == NEI for s in scored) / len(scored)
    print(
        f"\nheldout: set={path.stem} pairs={len(scored)} accuracy={accuracy(scored):.3f} "
        f"always_nei_baseline={always_nei:.3f} trialgpt={TRIALGPT_ACCURACY:.3f} "
        f"vs_trialgpt={accuracy(scored) / TRIALGPT_ACCURACY:.2f}\n"
    )


def main() -> None:
    for path in SETS:
        report(path)


if __name__ == "__main__":
    main()
