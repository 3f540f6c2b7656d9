"""The progression page of one patient: its figures, its words and its charts.

* ``figures``: the dataclasses of the page and ``build_progression``, which asks
  ``cellpath.outcomes`` for every figure and keeps the engine's reasons (codes) for the rest;
* ``wording``: everything the page says in plain words, for patients and staff;
* ``charts``: server-side SVG charts drawn from plain data.
"""

from cellpath.care.progression.figures import (
    AlsfrsPoint,
    CourseSlopes,
    EncalsInput,
    FvcPoint,
    ObservedStatus,
    Progression,
    RecordProblem,
    SurvivalPrediction,
    TimelineEvent,
    build_progression,
)

__all__ = [
    "AlsfrsPoint",
    "CourseSlopes",
    "EncalsInput",
    "FvcPoint",
    "ObservedStatus",
    "Progression",
    "RecordProblem",
    "SurvivalPrediction",
    "TimelineEvent",
    "build_progression",
]
