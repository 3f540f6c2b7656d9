"""The progression page in plain words, for patients and their care team.

The outcomes engine says why with codes (``cellpath.outcomes.reasons``); this module chooses
the words people read. Nothing here computes a figure.
"""

from __future__ import annotations

from cellpath.outcomes.reasons import Reason
from cellpath.outcomes.vocabulary import FVC_EQUATIONS, label_of

# The facts the FVC reference equations take from the record (Cellpath's names for them).
_RECORD_FACTS = {"height_cm": "height", "sex": "sex", "birth_date": "date of birth"}


def equation_name(equation: str) -> str:
    """A reference equation's short name ("GLI-2012"), or what was recorded if unknown."""
    return label_of(FVC_EQUATIONS, equation)


def fvc_percent_missing(reason: Reason | None) -> str:
    """Why FVC % predicted could not be worked out, as the progression and visit pages say it."""
    if reason is None:
        return ""
    if reason.code == "no_fvc_litres":
        return "No FVC was measured (SVC only)."
    if reason.code == "missing_inputs":
        facts = " and ".join(_RECORD_FACTS[name] for name in reason.params["inputs"])
        return f"Needs the patient's {facts} to compute % predicted."
    if reason.code == "outside_reference_ages":
        name = equation_name(reason.params["equation"])
        return f"The age on this day is outside the range of the {name} equation."
    return "Cellpath does not know the reference equation recorded with this measurement."
