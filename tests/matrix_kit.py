"""The pieces of the permission matrix: a route, the status each actor expects, helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.conftest import ACTORS, World

SIGN_IN = 302
EVERYONE = dict.fromkeys(ACTORS, 200)


def only(allowed: dict[str, int], *, anonymous: int = SIGN_IN, others: int = 403) -> dict[str, int]:
    """`allowed` actors get their status, anonymous `anonymous`, everyone else `others`."""
    result = dict.fromkeys(ACTORS, others)
    result["anonymous"] = anonymous
    result.update(allowed)
    return result


def _none(world: World) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Route:
    name: str
    expect: dict[str, int]
    kwargs: Callable[[World], dict[str, Any]] = _none
    method: str = "get"
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
