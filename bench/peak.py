"""A child process's own peak memory, for the benchmarks that print one.

`wait4`'s `ru_maxrss` is not it: Linux keeps the largest resident size across `execve`, and a
child started by `subprocess` (vfork or fork, then exec) begins with its parent's — so a
benchmark whose parent has loaded 10,000 patients reports the parent's size for every child.
`VmHWM` in `/proc/self/status` belongs to the address space exec created, so the child writes
it on exit; this script is that wrapper:

    python bench/peak.py OUT.txt -m cellpath.cli export …   # a module
    python bench/peak.py OUT.txt bench/bench_exchange.py …  # a script
"""

from __future__ import annotations

import atexit
import os
import runpy
import subprocess
import sys
import time
from pathlib import Path


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def run_child(cmd: list[str], log: Path, env: dict[str, str]) -> tuple[float, float]:
    """Run `python ARGS…` (`cmd[0]` is the interpreter) with its output in `log`: (wall
    seconds, the child's own peak resident MB). Exits with the log if the child fails."""
    hwm = log.with_suffix(".peak")
    with log.open("wb") as out:
        started = time.perf_counter()
        status = subprocess.call(
            [cmd[0], __file__, str(hwm), *cmd[1:]], stdout=out, stderr=subprocess.STDOUT, env=env
        )
        seconds = time.perf_counter() - started
    if status != 0:
        sys.stderr.write(log.read_text())
        raise SystemExit(f"{' '.join(cmd[1:5])}… failed with status {status}")
    return seconds, float(hwm.read_text())


def _main() -> None:
    out, target, *rest = sys.argv[1:]
    atexit.register(lambda: Path(out).write_text(f"{_peak_mb():.1f}"))
    if target == "-m":
        module, *rest = rest
        sys.argv = [module, *rest]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    else:
        sys.argv = [target, *rest]
        sys.path.insert(0, os.path.dirname(os.path.abspath(target)))
        runpy.run_path(target, run_name="__main__")


if __name__ == "__main__":
    _main()
