"""Where a programme's page leads in the trial finder: the page of its own trial when that trial
is stored, and the registered trials a visitor can weigh a risky offer against.

The trial finder is a sibling app that programmes do not import (the layers in pyproject.toml);
the site, above both, tells this module how to find a trial's page at start-up
(`site.crosslinks`), so a programme's page asks only here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple


class TrialLink(NamedTuple):
    """A stored registry trial as a programme page lists it."""

    nct_id: str
    title: str
    status: str
    phases: str
    url: str


TrialPage = Callable[[str], str | None]
OpenCellTrials = Callable[[int], list[TrialLink]]
_trial_page: TrialPage | None = None
_open_cell_trials: OpenCellTrials | None = None


def connect_trial_page(find: TrialPage) -> None:
    global _trial_page
    _trial_page = find


def connect_open_cell_trials(find: OpenCellTrials) -> None:
    global _open_cell_trials
    _open_cell_trials = find


def trial_page(registry_id: str) -> str | None:
    """The address of the stored trial `registry_id` names, or None (none stored, none given)."""
    if not registry_id.strip() or _trial_page is None:
        return None
    return _trial_page(registry_id.strip())


def open_cell_trials(limit: int = 6) -> list[TrialLink]:
    """Registered ALS trials of a cell therapy that are open to enrol (at most `limit`), or none
    when the finder is not connected."""
    return _open_cell_trials(limit) if _open_cell_trials is not None else []
