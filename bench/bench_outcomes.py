"""Benchmark of the outcomes engine (issue 3 targets).

1. Generates a synthetic cohort (default 100,000 patients, about 1,000,000 visits).
2. Times the cohort API in memory (``cohort.compute`` with validation, visit rows shuffled).
3. Writes PATIENTS.csv / VISITS.csv (rows shuffled) to a temporary directory and times the CLI
   end to end in a child process (``python -m cellpath.registry outcomes``), reading the
   child's peak RSS from ``resource.getrusage(RUSAGE_CHILDREN)``.
4. On a 20,000-patient sub-cohort, times a straightforward pandas baseline (groupby, then a
   per-patient ``np.polyfit``) against the engine and checks that both give the same numbers.

The last line printed is exactly:
``outcomes: visits=N patients=N engine_s=X cli_s=X baseline_s=X speedup=X``.
Run: ``.venv/bin/python bench/bench_outcomes.py [--patients N]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from cellpath.outcomes import cohort
from cellpath.outcomes.synthetic import synthetic_cohort
from cellpath.registry.commands import synthetic_patients_csv, synthetic_visits_csv

ITEMS = ("q1", "q2", "q3", "q4", "q5a", "q5b", "q6", "q7", "q8", "q9", "q10", "q11", "q12")
TARGETS = {"engine_s": 0.5, "cli_s": 10.0, "peak_mb": 2048.0, "speedup": 100.0}


def say(message: str) -> None:
    print(f"  {message}", flush=True)


def best_of(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    say("runs: " + ", ".join(f"{t:.3f} s" for t in times))
    return min(times), result


def pandas_baseline(patients: dict[str, np.ndarray], visits: dict[str, np.ndarray]):
    """What an analyst would write: a DataFrame, a groupby, an OLS fit per patient."""
    import pandas as pd

    df = pd.DataFrame({k: visits[k] for k in ("patient_id", "visit_date", *ITEMS)})
    df["q5"] = df["q5a"].where(df["q5a"] >= 0, df["q5b"])
    items = ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "q11", "q12"]
    df["total"] = df[items].sum(axis=1)
    onset = pd.DataFrame({"patient_id": patients["patient_id"], "onset": patients["onset_date"]})
    df = df.merge(onset, on="patient_id")
    df["months"] = (df["visit_date"] - df["onset"]).dt.days / (365.25 / 12)
    records = []
    for pid, g in df.groupby("patient_id", sort=True):
        g = g.sort_values("visit_date")
        first = g.iloc[0]
        dfs = (48 - first["total"]) / first["months"] if first["months"] > 0 else np.nan
        slope = np.polyfit(g["months"], g["total"], 1)[0] if len(g) >= 2 else np.nan
        records.append(
            {
                "patient_id": pid,
                "n_visits": len(g),
                "first_visit_date": g["visit_date"].iloc[0],
                "last_visit_date": g["visit_date"].iloc[-1],
                "delta_fs": dfs,
                "slope_ols": slope,
            }
        )
    return pd.DataFrame.from_records(records).set_index("patient_id")


def check_same(baseline, result: cohort.CohortOutcomes) -> None:
    """The engine's numbers must equal the baseline's (floats to 1e-9)."""
    p = result.patients
    has = p["n_visits"] > 0
    ids = p["patient_id"][has]
    b = baseline.loc[ids]
    assert np.array_equal(b["n_visits"].to_numpy(), p["n_visits"][has])
    for col in ("first_visit_date", "last_visit_date"):
        assert np.array_equal(b[col].to_numpy().astype("M8[D]"), p[col][has]), col
    for col in ("delta_fs", "slope_ols"):
        x, y = b[col].to_numpy(dtype=float), p[col][has]
        assert np.array_equal(np.isnan(x), np.isnan(y)), col
        assert np.allclose(x[~np.isnan(x)], y[~np.isnan(y)], rtol=0, atol=1e-9), col


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=100_000, help="cohort size")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--sub-cohort", type=int, default=20_000, help="baseline cohort size")
    args = parser.parse_args(argv)
    n = args.patients

    print(f"bench-outcomes: generating {n} synthetic patients", flush=True)
    t0 = time.perf_counter()
    patients, visits = synthetic_cohort(n, seed=args.seed)
    n_visits = len(visits["patient_id"])
    say(f"{n_visits} visits in {time.perf_counter() - t0:.1f} s")
    shuffle = np.random.default_rng(args.seed).permutation(n_visits)
    shuffled = {k: v[shuffle] for k, v in visits.items()}

    print("bench-outcomes: cohort API in memory (validation on, visit rows shuffled)", flush=True)
    engine_s, _ = best_of(lambda: cohort.compute(patients, shuffled), 3)

    with tempfile.TemporaryDirectory(prefix="bench-outcomes-") as tmp:
        tmpdir = Path(tmp)
        print(f"bench-outcomes: CLI end to end on CSV files in {tmpdir}", flush=True)
        (tmpdir / "PATIENTS.csv").write_bytes(synthetic_patients_csv(patients, n))
        (tmpdir / "VISITS.csv").write_bytes(synthetic_visits_csv(shuffled, n))
        size = sum((tmpdir / f).stat().st_size for f in ("PATIENTS.csv", "VISITS.csv"))
        say(f"wrote {size / 1e6:.0f} MB of input")
        cmd = [sys.executable, "-m", "cellpath.registry", "outcomes", "--quiet"]
        cmd += ["--patients", str(tmpdir / "PATIENTS.csv"), "--visits", str(tmpdir / "VISITS.csv")]
        cmd += ["--out", str(tmpdir / "out")]
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        cli_s = time.perf_counter() - t0
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return 1
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        with open(tmpdir / "out" / "visits.csv", "rb") as fh:
            written = sum(1 for _ in fh) - 1
        assert written == n_visits, (written, n_visits)
        say(f"{cli_s:.2f} s, peak RSS {peak_mb:.0f} MB, {written} visit rows written")

    m = min(args.sub_cohort, n)
    print(f"bench-outcomes: pandas per-patient baseline vs engine on {m} patients", flush=True)
    keep_p = patients["patient_id"] <= m
    in_sub = shuffled["patient_id"] <= m
    sub_p = {k: v[keep_p] for k, v in patients.items()}
    sub_v = {k: v[in_sub] for k, v in shuffled.items()}
    say(f"{int(in_sub.sum())} visits")
    t0 = time.perf_counter()
    baseline = pandas_baseline(sub_p, sub_v)
    baseline_s = time.perf_counter() - t0
    say(f"baseline {baseline_s:.2f} s")
    sub_engine_s, result = best_of(lambda: cohort.compute(sub_p, sub_v), 3)
    check_same(baseline, result)
    speedup = baseline_s / sub_engine_s
    say(f"engine {sub_engine_s:.4f} s on the sub-cohort; same numbers as the baseline")

    measured = {"engine_s": engine_s, "cli_s": cli_s, "peak_mb": peak_mb, "speedup": speedup}
    for key, target in TARGETS.items():
        ok = measured[key] >= target if key == "speedup" else measured[key] <= target
        sign = ">=" if key == "speedup" else "<="
        say(f"target {key} {sign} {target:g}: {measured[key]:.3f} {'ok' if ok else 'MISSED'}")
    print(
        f"outcomes: visits={n_visits} patients={n} engine_s={engine_s:.3f} cli_s={cli_s:.2f} "
        f"baseline_s={baseline_s:.2f} speedup={speedup:.1f}",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
