"""Benchmark the trial finder: `make bench-trials`.

1. Builds a synthetic bulk ZIP of 100,000 studies shaped like ClinicalTrials.gov's download (one
   v2 JSON file per study, realistic sizes: `cellpath.trials.ctgov.synthetic`), and a second
   ZIP of 2,000 open ALS trials (the matching workload), in bench/out/ (kept between runs).
2. Imports the ZIP with `cellpath trials import` in its own process on a fresh database
   (PostgreSQL when one answers, else SQLite): studies per second, and that process's peak
   memory. Then imports it again (every study unchanged: the idempotent path) — the baseline of
   the same run — and the 2,000 ALS trials.
3. Times the finder's search of ALS trials in the 100,000 (a mix of words, statuses, phases,
   kinds, a place and radius; `queries.search`, the work of one page view), p95.
4. Times matching one patient against every open ALS trial (`queries.match_trials`), p95.

    .venv/bin/python bench/bench_trials.py [--studies 100000] [--als-trials 2000] [--sqlite]

Targets (issue 7): import ≥ 2,000 studies/s with peak memory ≤ 1 GB; search p95 ≤ 50 ms;
matching ≤ 200 ms for 2,000 trials. The last line is:
trials: db=D studies=N import_per_s=X reimport_per_s=X peak_mb=X search_p95_ms=X
        match_trials=N match_p95_ms=X
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_public import _postgres_url, _progress, _setup_django

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
BENCH_DB = "cellpath_bench_trials"


def build_zips(studies: int, als_trials: int) -> tuple[Path, Path]:
    from cellpath.trials.ctgov.synthetic import synthetic_study, write_bulk_zip

    OUT.mkdir(exist_ok=True)
    bulk = OUT / f"ctg-studies-{studies}.zip"
    if not bulk.exists():
        _progress(f"building a synthetic bulk ZIP of {studies:,} studies (once)…")
        started = time.perf_counter()
        partial = bulk.with_suffix(".partial")

        def shown(done: int) -> None:
            if done % 10_000 == 0:
                _progress(f"  {done:,} studies written")

        size = write_bulk_zip(partial, studies, seed=7, progress=shown)
        partial.rename(bulk)
        _progress(f"  a ZIP of {size / 1e9:.2f} GB in {time.perf_counter() - started:.0f} s")
    als = OUT / f"ctg-als-open-{als_trials}.zip"
    if not als.exists():
        rng = random.Random(11)
        with zipfile.ZipFile(als.with_suffix(".partial"), "w", zipfile.ZIP_DEFLATED) as archive:
            for n in range(als_trials):
                study = synthetic_study(rng, 5_000_000 + n, als=True, status="RECRUITING")
                nct_id = study["protocolSection"]["identificationModule"]["nctId"]
                archive.writestr(f"{nct_id}.json", json.dumps(study))
        als.with_suffix(".partial").rename(als)
    return bulk, als


def _tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants, now (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, ValueError, IndexError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        tree.update(children)
        frontier.extend(children)
    total_kb = 0
    for pid in tree:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total_kb += int(line.split()[1])
    return total_kb / 1024


def run_import(database: str, path: Path) -> tuple[float, float, str]:
    """Seconds, peak memory (MB: the importer and its worker processes together, sampled
    every 0.2 s) and the summary line of `cellpath trials import`."""
    env = {**os.environ, "DATABASE_URL": database, "CELLPATH_TASKS": "immediate"}
    command = [str(HERE.parent / ".venv/bin/cellpath"), "trials", "import", str(path), "--quiet"]
    started = time.perf_counter()
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as process:  # fmt: skip
        peak = 0.0
        while process.poll() is None:
            peak = max(peak, _tree_rss_mb(process.pid))
            time.sleep(0.2)
        out, err = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"import failed:\n{err}")
    summary = out.strip().splitlines()[0] if out.strip() else ""
    return seconds, peak, summary


def searches(rng: random.Random) -> list[dict]:
    from cellpath.trials.finder.queries import Place
    from cellpath.trials.models import OPEN_STATUSES

    words = ["stem cell", "mesenchymal", "riluzole", "antisense", "placebo", "sclerosis",
             "diabetes", "vaccine", "pain", "exercise", "neural progenitor"]  # fmt: skip
    places = [Place(42.36, -71.06, "Boston"), Place(52.37, 4.89, "Amsterdam"),
              Place(51.51, -0.13, "London"), Place(32.08, 34.78, "Tel Aviv")]  # fmt: skip
    out = []
    for n in range(200):
        query: dict = {}
        if n % 2 == 0:
            query["words"] = rng.choice(words)
        if n % 4 == 1:
            query["statuses"] = ("COMPLETED", "ACTIVE_NOT_RECRUITING")
        else:
            query["statuses"] = OPEN_STATUSES
        if n % 5 == 0:
            query["phases"] = (rng.choice(["PHASE1", "PHASE2", "PHASE3"]),)
        if n % 7 == 0:
            query["kinds"] = (rng.choice(["cell", "drug", "gene"]),)
        if n % 4 == 3:
            query["place"] = rng.choice(places)
            query["radius_km"] = rng.choice([100.0, 500.0, 1000.0])
        out.append(query)
    return out


def _as_served(database: str) -> None:
    """Django set up as `cellpath serve` runs it (the WSGI module: its heap frozen)."""
    _setup_django(database)
    import cellpath.site.wsgi  # noqa: F401


def time_searches(database: str) -> dict[str, float]:
    _as_served(database)
    from django.db import connection

    from cellpath.trials.finder.queries import Search, search

    connection.ensure_connection()
    rng = random.Random(3)
    timings, plain = [], []
    for query in searches(rng):
        started = time.perf_counter()
        search(Search(**query), page=1 + rng.randrange(3))
        timings.append((time.perf_counter() - started) * 1000)
    for _ in range(50):
        started = time.perf_counter()
        search(Search(), page=1)
        plain.append((time.perf_counter() - started) * 1000)
    return {
        "p95": statistics.quantiles(timings, n=20)[-1],
        "median": statistics.median(timings),
        "plain_p95": statistics.quantiles(plain, n=20)[-1],
    }


def time_matching(database: str) -> dict[str, float]:
    _as_served(database)
    from cellpath.screening import Profile
    from cellpath.trials.finder.queries import Search, match_trials
    from cellpath.trials.models import OPEN_STATUSES, Trial

    rng = random.Random(5)
    open_als = Trial.objects.filter(is_als=True, status__in=OPEN_STATUSES).count()
    timings = []
    for _ in range(30):
        profile = Profile(
            age_years=rng.randint(30, 80),
            months_since_symptom_onset=rng.uniform(3, 60),
            alsfrs_r_total=rng.randint(20, 46),
            vc_percent_predicted=rng.uniform(40, 110),
            vc_measure="FVC",
            el_escorial=rng.choice(["definite", "probable", "possible"]),
            tracheostomy=False,
            gastrostomy=rng.random() < 0.2,
        )
        started = time.perf_counter()
        matched = match_trials(profile, Search())
        timings.append((time.perf_counter() - started) * 1000)
        assert len(matched.ranked) == open_als
    return {"trials": open_als, "p95": statistics.quantiles(timings, n=20)[-1]}


def _child(command: list[str]) -> dict[str, float]:
    """Run a timing in a fresh process (its own Django, its own connection): its JSON result."""
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--search":
        print(json.dumps(time_searches(sys.argv[2])))
        return 0
    if len(sys.argv) > 2 and sys.argv[1] == "--match":
        print(json.dumps(time_matching(sys.argv[2])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--studies", type=int, default=100_000)
    parser.add_argument("--als-trials", type=int, default=2_000)
    parser.add_argument("--sqlite", action="store_true", help="SQLite even if PostgreSQL answers")
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    )
    args = parser.parse_args()
    os.environ.setdefault("CELLPATH_VAR_DIR", str(OUT))
    bulk, als = build_zips(args.studies, args.als_trials)
    database = None if args.sqlite else _postgres_url(args.postgres, BENCH_DB)
    if database is None:
        sqlite = OUT / "bench_trials.sqlite3"
        sqlite.unlink(missing_ok=True)
        database = f"sqlite:///{sqlite}"
    label = "postgresql" if database.startswith("postgres") else "sqlite"
    env = {**os.environ, "DATABASE_URL": database}
    subprocess.run([str(HERE.parent / ".venv/bin/cellpath"), "migrate", "-v", "0"], env=env,
                   check=True)  # fmt: skip

    _progress(f"[{label}] importing {args.studies:,} studies…")
    seconds, peak_mb, summary = run_import(database, bulk)
    rate = args.studies / seconds
    _progress(
        f"  {summary}: {seconds:.1f} s, {rate:,.0f} studies/s, peak {peak_mb:,.0f} MB "
        "(the importer and its workers together)"
    )
    _progress(f"[{label}] importing the same ZIP again (nothing changed)…")
    again, _, summary = run_import(database, bulk)
    _progress(f"  {summary}: {again:.1f} s, {args.studies / again:,.0f} studies/s")
    _progress(f"[{label}] importing {args.als_trials:,} open ALS trials…")
    run_import(database, als)

    here = [sys.executable, __file__]
    found = _child([*here, "--search", database])
    _progress(
        f"[{label}] search over {args.studies + args.als_trials:,}: p95 {found['p95']:.1f} ms, "
        f"median {found['median']:.1f} ms (open ALS trials, no words: p95 "
        f"{found['plain_p95']:.1f} ms)"
    )
    matched = _child([*here, "--match", database])
    _progress(f"[{label}] matching one patient against {matched['trials']:,} open ALS trials: "
              f"p95 {matched['p95']:.1f} ms")  # fmt: skip
    print(
        f"trials: db={label} studies={args.studies} import_per_s={rate:.0f}"
        f" reimport_per_s={args.studies / again:.0f} import_vs_reimport={again / seconds:.2f}"
        f" peak_mb={peak_mb:.0f} search_p95_ms={found['p95']:.1f}"
        f" search_vs_plain={found['p95'] / found['plain_p95']:.2f}"
        f" match_trials={matched['trials']} match_p95_ms={matched['p95']:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
