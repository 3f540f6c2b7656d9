"""Study records for the importer and finder tests: the demo folder (invented records shaped like
the registry's v2 JSON) and small edits of them written to a temporary folder or ZIP."""

from __future__ import annotations

import copy
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[2] / "src" / "cellpath" / "trials" / "data"


def demo_record(nct_id: str = "NCT99000001") -> dict[str, Any]:
    return json.loads((DATA / f"{nct_id}.json").read_text(encoding="utf-8"))


def edited(record: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of `record` with protocolSection paths changed: edited(r, **{"statusModule.
    overallStatus": "COMPLETED"})."""
    copied = copy.deepcopy(record)
    for path, value in changes.items():
        node = copied["protocolSection"]
        *parents, last = path.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    return copied


def write_zip(path: Path, members: dict[str, Any]) -> Path:
    """A ZIP like the bulk download: one JSON file per member (bytes are written as they are)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content if isinstance(content, bytes) else json.dumps(content))
    return path


@pytest.fixture
def demo_trials(db) -> Any:
    from cellpath.trials.demo import load_demo_trials

    return load_demo_trials()


@pytest.fixture
def record_zip(tmp_path: Path) -> Callable[..., Path]:
    def make(*records: dict[str, Any], name: str = "studies.zip", **raw: Any) -> Path:
        members = {
            f"{r['protocolSection']['identificationModule']['nctId']}.json": r for r in records
        }
        return write_zip(tmp_path / name, {**members, **raw})

    return make
