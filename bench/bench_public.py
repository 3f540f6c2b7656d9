"""Benchmark the public pages under 50 concurrent visitors: `make bench-public`.

For each database (SQLite, then PostgreSQL when one answers) the script builds a database of
its own with the shipped study library and the demo programmes, starts Cellpath in a separate
process under waitress, and sends a mix of public pages (knowledge pages, study library with
filters, study pages, comparisons, claim checks, programmes, search) from 50 concurrent
visitors. Server time is measured inside the server, around the Django application, and sent
back in a `Server-Timing` header; the client also records what it waited.

Each database is run with the page cache on (what visitors get) and off (every request renders:
the worst case, right after an edit), each time with one visitor (the baseline, same run) and
then with 50. Server time under load includes waiting for the interpreter: one process of 8
threads on 2 cores, as `cellpath serve` runs by default.

    .venv/bin/python bench/bench_public.py [--users 50] [--requests 2000]

The last lines are, per database:
public: db=D users=50 requests=N server_p95_ms=X uncached_server_p95_ms=X client_p95_ms=X
        rps=X uncached_one_user_p95_ms=X server_p95_vs_one_user=X
"""

from __future__ import annotations

import argparse
import http.client
import logging
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH_DB = "cellpath_bench_public"


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cellpath.site.settings")
    import django

    django.setup()


def prepare(database_url: str) -> None:
    """Migrate a fresh database and load the library and the demo programmes into it."""
    _setup_django(database_url)
    from django.core.management import call_command

    from cellpath.accounts.models import Site
    from cellpath.accounts.services import site_create
    from cellpath.evidence.library import load_library
    from cellpath.programmes.demo import load_demo_programmes

    call_command("migrate", interactive=False, verbosity=0)
    sites = {
        code: Site.objects.filter(code=code).first()
        or site_create(name=f"Bench {code}", code=code, kind=Site.Kind.CLINIC, actor="benchmark")
        for code in ("riv", "nor")
    }
    load_library(actor="benchmark")
    load_demo_programmes(sites=sites, actor="benchmark")


def timed(application):
    """`application` with its own time in a `Server-Timing` header (server time, in ms)."""

    def wrapped(environ, start_response):
        started = time.perf_counter()

        def start(status, headers, exc_info=None):
            elapsed = (time.perf_counter() - started) * 1000
            headers.append(("Server-Timing", f"app;dur={elapsed:.3f}"))
            return start_response(status, headers, exc_info)

        return application(environ, start)

    return wrapped


def serve(database_url: str, port: int, *, page_cache: bool) -> None:
    """Serve Cellpath, adding the application's own time to each response."""
    _setup_django(database_url)
    from waitress import serve as waitress_serve

    from cellpath.evidence import caching
    from cellpath.site.wsgi import application

    if not page_cache:
        caching.PUBLIC_CACHE_SECONDS = 0
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # 50 visitors queue by design

    # 8 threads, as `cellpath serve` runs by default
    waitress_serve(timed(application), host="127.0.0.1", port=port, threads=8, ident="bench")


def public_urls() -> list[str]:
    """The public pages a visitor opens, with the filters and comparisons people choose."""
    from cellpath.evidence.models import Claim, KnowledgePage, Study
    from cellpath.programmes.models import Programme

    studies = list(Study.objects.filter(published=True).values_list("slug", flat=True))
    programmes = list(Programme.objects.filter(published=True).values_list("slug", flat=True))
    rng = random.Random(7)
    urls = [
        "/",
        "/learn/",
        "/evidence/",
        "/evidence/claims/",
        "/programmes/",
        "/evidence/references/",
    ]
    urls += [f"/learn/{slug}/" for slug in KnowledgePage.objects.values_list("slug", flat=True)]
    urls += [f"/evidence/studies/{slug}/" for slug in studies]
    urls += [f"/evidence/claims/{slug}/" for slug in Claim.objects.values_list("slug", flat=True)]
    urls += [f"/programmes/{slug}/" for slug in programmes]
    urls += [
        "/evidence/?cell_type=msc", "/evidence/?primary_endpoint_met=no", "/evidence/?phase=3",
        "/evidence/?route=intrathecal&control=placebo", "/search/?q=nurown",
        "/search/?q=stem+cells", "/search/?q=survival",
    ]  # fmt: skip
    for _ in range(5):
        chosen = "&".join(f"s={slug}" for slug in rng.sample(studies, 3))
        urls.append(f"/evidence/compare/?{chosen}")
        chosen = "&".join(f"p={slug}" for slug in rng.sample(programmes, 2))
        urls.append(f"/programmes/compare/?{chosen}")
    return urls


def _visitor(port: int, urls: list[str], out: list[tuple[float, float]], errors: list[str]):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for url in urls:
        started = time.perf_counter()
        conn.request("GET", url, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        waited = (time.perf_counter() - started) * 1000
        if response.status != 200:
            errors.append(f"{url}: {response.status}")
            continue
        timing = response.getheader("Server-Timing", "app;dur=nan")
        out.append((float(timing.split("dur=")[1]), waited))
    conn.close()


def load_test(port: int, urls: list[str], *, users: int, requests: int) -> dict[str, float]:
    rng = random.Random(users)
    per_user = max(1, requests // users)
    plans = [[rng.choice(urls) for _ in range(per_user)] for _ in range(users)]
    results: list[tuple[float, float]] = []
    errors: list[str] = []
    threads = [
        threading.Thread(target=_visitor, args=(port, plan, results, errors)) for plan in plans
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{len(errors)} requests failed, e.g. {errors[:3]}")
    server = [r[0] for r in results]
    client = [r[1] for r in results]
    return {
        "server_p95": statistics.quantiles(server, n=20)[-1],
        "server_median": statistics.median(server),
        "client_p95": statistics.quantiles(client, n=20)[-1],
        "rps": len(results) / elapsed,
        "requests": len(results),
    }


def _wait_for(port: int, process: subprocess.Popen) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit("The server stopped while starting")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("The server did not start")


def run(label: str, database_url: str, args: argparse.Namespace) -> str:
    _progress(f"[{label}] preparing the database (migrate, library, programmes)…")
    subprocess.run(
        [sys.executable, __file__, "--prepare", database_url], check=True, env=os.environ.copy()
    )
    urls = subprocess.run(
        [sys.executable, __file__, "--urls", database_url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    figures = {}
    for mode, cache_on in (("cached", True), ("uncached", False)):
        port = _free_port()
        command = [sys.executable, __file__, "--serve", database_url, str(port)]
        if not cache_on:
            command.append("--no-page-cache")
        server = subprocess.Popen(command, env=os.environ.copy())
        try:
            _wait_for(port, server)
            load_test(port, urls, users=4, requests=len(urls) * 4)  # warm up: every page once
            single = load_test(port, urls, users=1, requests=min(400, args.requests))
            _progress(
                f"[{label}] 1 visitor, page cache {'on' if cache_on else 'off'}: server p95"
                f" {single['server_p95']:.1f} ms, median {single['server_median']:.1f} ms"
            )
            figures[f"single-{mode}"] = single
            many = load_test(port, urls, users=args.users, requests=args.requests)
            _progress(
                f"[{label}] {args.users} visitors, page cache {'on' if cache_on else 'off'}:"
                f" server p95 {many['server_p95']:.1f} ms (median {many['server_median']:.1f}),"
                f" client p95 {many['client_p95']:.1f} ms, {many['rps']:.0f} requests/s"
            )
            figures[mode] = many
        finally:
            server.terminate()
            server.wait(timeout=30)
    cached = figures["cached"]
    ratio = cached["server_p95"] / figures["single-cached"]["server_p95"]
    return (
        f"public: db={label} users={args.users} requests={cached['requests']}"
        f" server_p95_ms={cached['server_p95']:.1f}"
        f" uncached_server_p95_ms={figures['uncached']['server_p95']:.1f}"
        f" client_p95_ms={cached['client_p95']:.1f} rps={cached['rps']:.0f}"
        f" uncached_one_user_p95_ms={figures['single-uncached']['server_p95']:.1f}"
        f" server_p95_vs_one_user={ratio:.2f}"
    )


def _postgres_url(base: str, name: str = BENCH_DB) -> str | None:
    try:
        import psycopg

        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
    except Exception as error:  # any failure means: no PostgreSQL here
        _progress(f"PostgreSQL not available ({error.__class__.__name__}): skipped")
        return None
    return f"{base}/{name}"


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--prepare":
        prepare(sys.argv[2])
        return 0
    if len(sys.argv) > 2 and sys.argv[1] == "--urls":
        _setup_django(sys.argv[2])
        print("\n".join(public_urls()))
        return 0
    if len(sys.argv) > 3 and sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]), page_cache="--no-page-cache" not in sys.argv)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    )
    args = parser.parse_args()
    os.environ.setdefault("CELLPATH_VAR_DIR", str(HERE / "out"))
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        lines.append(run("sqlite", f"sqlite:///{tmp}/bench_public.sqlite3", args))
    postgres = _postgres_url(args.postgres)
    if postgres:
        lines.append(run("postgresql", postgres, args))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
