"""Where a programme's page leads in the trial finder: the page of its own trial when that trial
is stored, and the registered trials a visitor can weigh a risky offer against; and who can
take part, from the application step's screening criteria.

The trial finder is a sibling app that programmes do not import, and the application step
imports programmes (the layers in pyproject.toml); the site, above them, tells this module how
to find their pages and criteria at start-up (`site.crosslinks`), so a programme's page asks
only here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from cellpath.programmes.models import Programme


class TrialLink(NamedTuple):
    """A stored registry trial as a programme page lists it."""

    nct_id: str
    title: str
    status: str
    phases: str
    url: str


class Requirement(NamedTuple):
    """One of a programme's published criteria, as its page lists it: what must be true, and
    why the programme asks it."""

    text: str
    why: str


TrialPage = Callable[[str], str | None]
OpenCellTrials = Callable[[int], list[TrialLink]]
_trial_page: TrialPage | None = None
_open_cell_trials: OpenCellTrials | None = None
Requirements = Callable[["Programme"], list[Requirement]]
_requirements: Requirements | None = None


def connect_trial_page(find: TrialPage) -> None:
    global _trial_page
    _trial_page = find


def connect_open_cell_trials(find: OpenCellTrials) -> None:
    global _open_cell_trials
    _open_cell_trials = find


def connect_requirements(find: Requirements) -> None:
    global _requirements
    _requirements = find


def requirements(programme: Programme) -> list[Requirement]:
    """Who can take part: the programme's screening criteria in plain words (the application's
    pre-screen checks the same ones), or none when the application step is not connected."""
    return _requirements(programme) if _requirements is not None else []


def trial_page(registry_id: str) -> str | None:
    """The address of the stored trial `registry_id` names, or None (none stored, none given)."""
    if not registry_id.strip() or _trial_page is None:
        return None
    return _trial_page(registry_id.strip())


def open_cell_trials(limit: int = 6) -> list[TrialLink]:
    """Registered ALS trials of a cell therapy that are open to enrol (at most `limit`), or none
    when the finder is not connected."""
    return _open_cell_trials(limit) if _open_cell_trials is not None else []
