"""The programmes on Cellpath that are a trial: those whose registry ID is its NCT number.

Programmes are a sibling app that trials do not import (the layers in pyproject.toml); the site,
above both, tells this module how to find them at start-up (`site.crosslinks`), so a trial's
page asks only here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple


class ProgrammeLink(NamedTuple):
    name: str
    url: str


ProgrammePages = Callable[[str], list[ProgrammeLink]]
_programme_pages: ProgrammePages | None = None


def connect_programme_pages(find: ProgrammePages) -> None:
    global _programme_pages
    _programme_pages = find


def programme_pages(nct_id: str) -> list[ProgrammeLink]:
    """The published programmes whose registry ID is `nct_id`, each with its page's address."""
    return _programme_pages(nct_id) if _programme_pages is not None else []
