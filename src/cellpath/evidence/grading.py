"""How strongly a study's design can show that a treatment works — Cellpath's evidence levels.

A simplified reading of GRADE (Guyatt GH et al., "GRADE: an emerging consensus on rating quality
of evidence and strength of recommendations", BMJ 2008;336:924-6): randomised trials with a
placebo or sham control start high; trials compared with an external group, a model's
prediction or the patient's other limb are low; studies without a control group, and analyses
decided after the results were known, are very low. Size lowers the level of a small trial. The
public page "How we choose and grade evidence" renders `LEVELS` from here.
"""

from __future__ import annotations

from dataclasses import dataclass

SMALL_TRIAL = 100
"""Below this many patients in all, a randomised trial is graded one step lower: it cannot
rule out chance differences of the size cell-therapy trials look for."""


@dataclass(frozen=True)
class Level:
    code: str
    label: str
    meaning: str


LEVELS = (
    Level(
        "higher",
        "Higher",
        "A randomised trial with a placebo or sham group and at least "
        f"{SMALL_TRIAL} patients. Its result is the most trustworthy kind we have.",
    ),
    Level(
        "moderate",
        "Moderate",
        "A randomised trial that is smaller, or whose control group got standard care only "
        "(so patients knew who was treated).",
    ),
    Level(
        "low",
        "Low",
        "Treated patients were compared with an outside group, a model's prediction, or their "
        "own untreated limb. Differences may come from who was chosen, not from the cells.",
    ),
    Level(
        "very_low",
        "Very low",
        "No control group, or an analysis chosen after the results were known. These studies "
        "can show safety problems, but not whether a treatment works.",
    ),
    Level(
        "summary",
        "Summary of studies",
        "A review or a regulator's assessment. It is as strong as the studies it weighs.",
    ),
)
_BY_CODE = {level.code: level for level in LEVELS}

STRONG_CONTROLS = frozenset({"placebo", "sham"})
EXTERNAL_CONTROLS = frozenset({"historical", "model_predicted", "contralateral_limb"})


def evidence_level(
    *, kind: str, design: str, control: str, n_treated: int | None, n_control: int | None
) -> Level:
    """The evidence level of one study record (see the module docstring for the rules)."""
    if kind != "study":
        return _BY_CODE["summary"]
    if design == "post_hoc" or control in ("none", "n/a"):
        return _BY_CODE["very_low"]
    if design == "randomised":
        total = (n_treated or 0) + (n_control or 0)
        if control in STRONG_CONTROLS and total >= SMALL_TRIAL:
            return _BY_CODE["higher"]
        return _BY_CODE["moderate"]
    return _BY_CODE["low"]
