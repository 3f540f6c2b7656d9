"""The `cellpath` command: demo (idempotent), createadmin, serve, no default accounts."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from cellpath.site import demo_cohort
from tests.commands import Installation, cellpath_env, run_cellpath


def _counts(tmp_path: Path) -> str:
    code = (
        "from cellpath.accounts.models import User, Site, Membership;"
        "from cellpath.care.models import Patient;"
        "print(User.objects.count(), Site.objects.count(), Membership.objects.count(),"
        " Patient.objects.count())"
    )
    return run_cellpath(["shell", "-c", code], tmp_path).stdout.strip().splitlines()[-1]


def test_the_demo_loads_once_and_prints_a_sign_in_per_role(
    demo_loaded: Installation, tmp_path: Path
) -> None:
    first = demo_loaded.result
    assert first.returncode == 0, first.stderr
    for role in ("patient", "coordinator", "clinician", "administrator", "caregiver", "editor"):
        assert f"  {role} " in first.stdout
    demo_loaded.copy(tmp_path)
    counts = _counts(tmp_path)
    historic = demo_cohort.HISTORIC_PATIENTS + demo_cohort.RECENT_PATIENTS
    assert counts == f"8 2 8 {40 + historic}"
    assert run_cellpath(["demo", "--no-serve"], tmp_path).returncode == 0
    assert _counts(tmp_path) == counts


def test_a_new_installation_has_no_accounts(migrated: Installation, tmp_path: Path) -> None:
    assert migrated.result.returncode == 0, migrated.result.stderr
    assert _counts(migrated.copy(tmp_path)).startswith("0 ")


def test_createadmin_validates_the_password(migrated: Installation, tmp_path: Path) -> None:
    migrated.copy(tmp_path)
    args = ["createadmin", "--email", "it@example.org", "--password-stdin"]
    weak = run_cellpath(args, tmp_path, stdin="short\n")
    assert weak.returncode == 2 and "too short" in weak.stderr
    good = run_cellpath(args, tmp_path, stdin="a long enough admin passphrase\n")
    assert good.returncode == 0, good.stderr
    assert _counts(tmp_path).startswith("1 ")
    again = run_cellpath(args, tmp_path, stdin="a long enough admin passphrase\n")
    assert again.returncode == 2 and "already exists" in again.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_http(migrated: Installation, tmp_path: Path) -> None:
    migrated.copy(tmp_path)
    port = _free_port()
    env = cellpath_env(tmp_path)
    server = subprocess.Popen(
        [sys.executable, "-m", "cellpath.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_help_lists_the_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cellpath.cli", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    for command in ("demo", "serve", "createadmin", "worker", "outcomes"):
        assert command in result.stdout
