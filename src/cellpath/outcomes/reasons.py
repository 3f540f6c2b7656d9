"""Why a figure could not be computed, or how a call was made: a code with parameters.

The engine returns no English. Where it refuses an input, leaves a figure undefined or qualifies
a responder call, it gives a ``Reason``: a ``code`` naming what happened (``"too_few_visits"``)
and the ``params`` that matter (``{"needed": 2, "found": 1}``). Words are chosen by the reader:
``cellpath.outcomes.wording`` gives the engine's own sentence (what the ``cellpath outcomes``
CLI prints and the engine's exceptions say), and a page words the same code for its readers
(``cellpath.care.progression.wording``). Every code and its parameters are listed, with the
engine's sentence, in ``wording.SENTENCES``.

Two parameters say where rather than what: ``visit`` (the 1-based position of a visit given to
the one-patient API) and ``measure`` (the measure a responder rule looked at, e.g. "FVC").
Dates are ``datetime.date`` (one-patient API) or ``numpy.datetime64`` (cohort API); lists of
names are tuples.

>>> r = Reason("too_few_visits", {"needed": 2, "found": 1})
>>> r.code, r.params["needed"]
('too_few_visits', 2)
>>> r
Reason('too_few_visits', {'needed': 2, 'found': 1})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = ["Reason"]


@dataclass(frozen=True)
class Reason:
    """A code and its parameters (read-only). Compare codes, never sentences."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def __repr__(self) -> str:
        return f"Reason({self.code!r}, {dict(self.params)!r})"

    def with_params(self, **params: Any) -> Reason:
        """The same reason with more parameters, e.g. ``visit=3`` for where it was found."""
        return Reason(self.code, {**self.params, **params})
