"""Demo trials: a dozen invented study records in the registry's own JSON shape (`data/`),
imported through the real importer, so the finder, the trial pages and matching have something
to show. Idempotent: a second import leaves them unchanged."""

from __future__ import annotations

from pathlib import Path

from cellpath.trials.ctgov.importer import ImportSummary, import_source
from cellpath.trials.ctgov.sources import open_source

DATA = Path(__file__).resolve().parent / "data"


def load_demo_trials() -> ImportSummary:
    return import_source(open_source(DATA))
