"""Installations the command-line tests start from, each made once per session: the migrations
and the demo take most of these tests' time, and several tests start from the same state."""

from __future__ import annotations

import pytest

from tests.commands import Installation, run_cellpath


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    """A new installation: `cellpath migrate` on an empty folder."""
    folder = tmp_path_factory.mktemp("migrated")
    return Installation(folder, run_cellpath(["migrate"], folder))


@pytest.fixture(scope="session")
def demo_loaded(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    """`cellpath demo --no-serve` on an empty folder, as a newcomer runs it first."""
    folder = tmp_path_factory.mktemp("demo")
    return Installation(folder, run_cellpath(["demo", "--no-serve"], folder))
