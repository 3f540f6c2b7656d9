"""A large source is read by worker processes: the same studies, sites and criteria as reading
it in one process, and re-reading it changes nothing."""

from __future__ import annotations

import pytest

from cellpath.trials.ctgov.importer import PARALLEL_FROM, import_source
from cellpath.trials.ctgov.sources import open_source
from cellpath.trials.ctgov.synthetic import write_bulk_zip
from cellpath.trials.models import Trial, TrialSite


@pytest.fixture(scope="module")
def bulk(tmp_path_factory):
    path = tmp_path_factory.mktemp("bulk") / "ctg-studies.json.zip"
    write_bulk_zip(path, PARALLEL_FROM + 100, seed=3, als_share=0.05)
    return path


def _snapshot() -> tuple[dict, int]:
    rows = Trial.objects.values_list("nct_id", "title", "status", "is_als", "criteria", "detail")
    return {row[0]: row[1:] for row in rows}, TrialSite.objects.count()


def test_workers_import_what_one_process_imports(transactional_db, bulk) -> None:
    summary = import_source(open_source(bulk), workers=2)
    assert (summary.added, summary.rejected) == (PARALLEL_FROM + 100, [])
    in_workers = _snapshot()
    assert any(criteria for _, _, _, criteria, _ in in_workers[0].values())
    Trial.objects.all().delete()
    import_source(open_source(bulk), workers=1)
    assert _snapshot() == in_workers
    again = import_source(open_source(bulk), workers=2)
    assert (again.added, again.updated, again.unchanged) == (0, 0, PARALLEL_FROM + 100)
