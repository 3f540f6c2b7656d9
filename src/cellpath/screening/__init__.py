"""Screening: one profile of a person with ALS, one tri-state engine, its reasons in words.

Below the Django apps (pure Python; it uses only the outcomes core): `intake` screens an
application against a programme's criteria with it, `trials` matches people with trials, `care`
turns a record into a `Profile`.

* `profile` — `Profile` (one set of field names) and the field catalogue `FIELDS`;
* `engine` — `Criterion`, `Outcome`, `Verdict`, `decide`, `evaluate`, the fast `screen`;
* `wording` — labels, criteria described and reasons explained, in a programme's or a trial's
  voice.
"""

from cellpath.screening.engine import (
    EXCLUSION,
    INCLUSION,
    OPERATORS,
    Criterion,
    Outcome,
    Reason,
    Result,
    Screen,
    Screening,
    Verdict,
    decide,
    evaluate,
    screen,
    verdict,
)
from cellpath.screening.profile import FIELDS, Field, Profile, parse_answer
from cellpath.screening.wording import PROGRAMME, TRIAL, describe

__all__ = [
    "EXCLUSION",
    "FIELDS",
    "INCLUSION",
    "OPERATORS",
    "PROGRAMME",
    "TRIAL",
    "Criterion",
    "Field",
    "Outcome",
    "Profile",
    "Reason",
    "Result",
    "Screen",
    "Screening",
    "Verdict",
    "decide",
    "describe",
    "evaluate",
    "parse_answer",
    "screen",
    "verdict",
]
