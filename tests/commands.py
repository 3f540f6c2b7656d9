"""Run the `cellpath` command in a subprocess on a throw-away SQLite database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

UNSET = {"DATABASE_URL", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "CELLPATH_ENV"}


def cellpath_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env |= {
        "CELLPATH_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    return env | extra


def run_cellpath(
    args: list[str], tmp_path: Path, *, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cellpath.cli", *args],
        env=cellpath_env(tmp_path, **(env or {})),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@dataclass(frozen=True)
class Installation:
    """A folder (database, secret key, files) in which one `cellpath` command ran, and what it
    printed. Tests that go on from there work on a copy."""

    folder: Path
    result: subprocess.CompletedProcess[str]

    def copy(self, to: Path) -> Path:
        shutil.copytree(self.folder, to, dirs_exist_ok=True)
        return to
