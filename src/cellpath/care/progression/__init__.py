"""The progression page of one patient: its figures and its charts.

* ``figures``: the dataclasses of the page and ``build_progression``, which asks
  ``cellpath.outcomes`` for every figure;
* ``charts``: server-side SVG charts drawn from plain data.
"""

from cellpath.care.progression.figures import (
    AlsfrsPoint,
    CourseSlopes,
    EncalsInput,
    FvcPoint,
    ObservedStatus,
    Progression,
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
    "SurvivalPrediction",
    "TimelineEvent",
    "build_progression",
]
