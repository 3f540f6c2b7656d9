"""What the importer's worker processes run. Workers are spawned (a fresh interpreter, not a
fork: a fork would copy whatever other threads of the importing process held locked), so this
module imports nothing of Django at the top: `setup` loads it first, then the rest."""

from __future__ import annotations

from datetime import datetime
from typing import Any

_SOURCES: dict[str, Any] = {}
"""This worker's own opening of each source (its own file handle)."""


def setup() -> None:
    import django

    django.setup()


def prepare_range(task: tuple[str, int, int, str | None, str, datetime]) -> list[Any]:
    """Read, parse and prepare the study files `start`–`stop` of the source at `path`: each a
    `rows.Prepared`, a rejection (name, reason), or None (left out by the condition filter)."""
    from cellpath.trials.ctgov.rows import Preparer
    from cellpath.trials.ctgov.sources import Entry, open_source, read_entry

    path, start, stop, condition_filter, vendor, imported_at = task
    if path not in _SOURCES:
        _SOURCES[path] = open_source(path)
    preparer = Preparer(condition_filter, vendor, imported_at)
    return [
        preparer(blob if isinstance(blob, Entry) else read_entry(*blob))
        for blob in _SOURCES[path].blobs(start, stop)
    ]
