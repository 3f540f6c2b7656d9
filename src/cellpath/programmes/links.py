"""Where a programme's registry ID leads: the page of its trial in the trial finder, when that
trial is stored.

The trial finder is a sibling app that programmes do not import (the layers in pyproject.toml);
the site, above both, tells this module how to find a trial's page at start-up
(`site.crosslinks`), so a programme's page asks only here.
"""

from __future__ import annotations

from collections.abc import Callable

TrialPage = Callable[[str], str | None]
_trial_page: TrialPage | None = None


def connect_trial_page(find: TrialPage) -> None:
    global _trial_page
    _trial_page = find


def trial_page(registry_id: str) -> str | None:
    """The address of the stored trial `registry_id` names, or None (none stored, none given)."""
    if not registry_id.strip() or _trial_page is None:
        return None
    return _trial_page(registry_id.strip())
