"""Benchmark the apply step: `make bench-apply`.

Starts Cellpath under waitress on its own database (PostgreSQL when one answers, else SQLite;
the demo programmes and their screening criteria loaded), then 20 concurrent applicants each
go through the whole form: the first page, four steps of answers, and "send", which screens
the application and keeps the result — first with no pause at all (the worst case: every
applicant's next request arrives as the last one returns), then spending `--think` seconds on
each page as people do. Server time is measured inside the server around the
Django application (`Server-Timing`). The baseline, in the same run, is one applicant at a
time. The information packet (a PDF built from a programme and its studies) is timed too.

    .venv/bin/python bench/bench_apply.py [--applicants 20] [--rounds 10]

The last line is:
apply: db=D applicants=20 submissions=N submit_p95_ms=X step_p95_ms=X submit_vs_one=X
       client_p95_ms=X rps=X paced_submit_p95_ms=X packet_ms=X
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_public import _free_port, _postgres_url, _progress, _setup_django, _wait_for, timed
from bench_public import prepare as prepare_public

BENCH_DB = "cellpath_bench_apply"
PROGRAMME = "riverside-msc-trial"
ANSWERS = {
    "diagnosis": {"date_of_birth": "1968-04-02", "onset_date": "2026-02-01",
                  "el_escorial": "probable"},
    "breathing": {"vc_percent_predicted": "84", "tracheostomy": "no"},
    "daily-life": {f"q{n}": "3" for n in (1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12)} | {"q5a": "3"},
    "health": {"prior_stem_cell_therapy": "no", "pregnancy": "no",
               "active_cancer": "no", "clotting_disorder": "no", "platelets": "180"},
}  # fmt: skip


def prepare(database_url: str) -> None:
    """The public benchmark's database (library, programmes), plus the screening criteria."""
    prepare_public(database_url)
    from cellpath.intake.demo import load_demo_applications

    load_demo_applications(coordinators={}, actor="benchmark")


def serve(database_url: str, port: int) -> None:
    """Serve Cellpath with the application's own time in a header; the per-address limit on
    new applications is lifted (every simulated applicant comes from 127.0.0.1), and e-mail
    goes nowhere (the result e-mail is still built and handed to the backend)."""
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    _setup_django(database_url)
    import logging

    from waitress import serve as waitress_serve

    from cellpath.accounts import limits
    from cellpath.site.wsgi import application

    limits.APPLY = limits.FormLimit("apply", per_address=10**9, per_email=10**9)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)

    # 8 threads, as `cellpath serve` runs by default
    waitress_serve(timed(application), host="127.0.0.1", port=port, threads=8, ident="bench")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _applicant(
    base: str, programme_pk: str, n: int, out: dict[str, list[float]], think: float = 0.0
) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)

    def call(path: str, data: dict[str, str] | None = None) -> tuple[int, str, float]:
        body = None
        if data is not None:
            token = next(c.value for c in jar if c.name == "csrftoken")
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True)
        request = urllib.request.Request(base + path, data=body and body.encode())  # noqa: S310 - our own http://127.0.0.1 server
        request.add_header("Referer", base + path)
        sent = time.perf_counter()
        try:
            response = opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:  # 302 lands here with _NoRedirect
            response = error
        response.read()
        out["client"].append((time.perf_counter() - sent) * 1000)
        timing = response.headers.get("Server-Timing", "app;dur=nan")
        return response.status, response.headers.get("Location", ""), float(timing.split("=")[1])

    call(f"/apply/?programme={PROGRAMME}")
    status, location, ms = call(
        "/apply/",
        {"applicant": "patient", "applicant_name": f"Bench Applicant {n}", "phone": "",
         "email": f"bench{n}@example.org", "programmes": programme_pk, "consent_screening": "on"},
    )  # fmt: skip
    if status != 302:
        raise SystemExit(f"starting an application answered {status}")
    out["step"].append(ms)
    token = location.split("/")[2]
    for slug, answers in ANSWERS.items():
        path = f"/apply/{token}/{slug}/"
        call(path)
        time.sleep(think)  # reading and answering the questions
        status, _, ms = call(path, answers)
        if status != 302:
            raise SystemExit(f"{slug} answered {status}")
        out["step"].append(ms)
    call(f"/apply/{token}/review/")
    time.sleep(think)
    status, _, ms = call(f"/apply/{token}/review/", {})
    if status != 302:
        raise SystemExit(f"sending answered {status}")
    out["submit"].append(ms)


def load_test(
    base: str, programme_pk: str, *, applicants: int, rounds: int, think: float = 0.0
) -> dict[str, float]:
    out: dict[str, list[float]] = {"step": [], "submit": [], "client": []}
    counter = iter(range(10**9))
    began = time.perf_counter()
    for _ in range(rounds):
        threads = [
            threading.Thread(
                target=_applicant, args=(base, programme_pk, next(counter), out, think)
            )
            for _ in range(applicants)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return {
        "submit_p95": statistics.quantiles(out["submit"], n=20)[-1],
        "submit_median": statistics.median(out["submit"]),
        "step_p95": statistics.quantiles(out["step"], n=20)[-1],
        "submissions": len(out["submit"]),
        "client_p95": statistics.quantiles(out["client"], n=20)[-1],
        "rps": len(out["client"]) / (time.perf_counter() - began),
    }


def packet_ms(database_url: str) -> float:
    _setup_django(database_url)
    from django.utils import timezone

    from cellpath.intake.packets.pdf import build_packet
    from cellpath.programmes.models import Programme

    programme = Programme.objects.get(slug=PROGRAMME)
    build_packet(programme, today=timezone.localdate())  # warm up fonts and imports
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        build_packet(programme, today=timezone.localdate())
        timings.append((time.perf_counter() - started) * 1000)
    return max(timings)


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--prepare":
        prepare(sys.argv[2])
        return 0
    if len(sys.argv) > 3 and sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]))
        return 0
    if len(sys.argv) > 2 and sys.argv[1] == "--pk":
        _setup_django(sys.argv[2])
        from cellpath.programmes.models import Programme

        print(Programme.objects.get(slug=PROGRAMME).pk)
        return 0
    if len(sys.argv) > 2 and sys.argv[1] == "--packet":
        print(f"{packet_ms(sys.argv[2]):.1f}")
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applicants", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--think", type=float, default=1.0, help="seconds an applicant spends on each page"
    )
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    )
    args = parser.parse_args()
    os.environ.setdefault("CELLPATH_VAR_DIR", str(Path(__file__).resolve().parent / "out"))
    with tempfile.TemporaryDirectory() as tmp:
        database = _postgres_url(args.postgres, BENCH_DB) or f"sqlite:///{tmp}/apply.sqlite3"
        label = "postgresql" if database.startswith("postgres") else "sqlite"
        _progress(f"[{label}] preparing the database (migrate, library, programmes, criteria)…")
        here = [sys.executable, __file__]
        subprocess.run([*here, "--prepare", database], check=True)
        pk = subprocess.run(
            [*here, "--pk", database], check=True, capture_output=True, text=True
        ).stdout.strip()
        port = _free_port()
        server = subprocess.Popen([*here, "--serve", database, str(port)])
        try:
            _wait_for(port, server)
            base = f"http://127.0.0.1:{port}"
            load_test(base, pk, applicants=2, rounds=1)  # warm up
            one = load_test(base, pk, applicants=1, rounds=max(10, args.rounds * 2))
            _progress(f"[{label}] 1 applicant: send p95 {one['submit_p95']:.1f} ms")
            many = load_test(base, pk, applicants=args.applicants, rounds=args.rounds)
            _progress(
                f"[{label}] {args.applicants} applicants at once, no pause: send p95"
                f" {many['submit_p95']:.1f} ms (median {many['submit_median']:.1f}),"
                f" other steps p95 {many['step_p95']:.1f} ms; as the browser waits p95"
                f" {many['client_p95']:.1f} ms, {many['rps']:.0f} requests/s"
            )
            paced = load_test(
                base, pk, applicants=args.applicants, rounds=args.rounds, think=args.think
            )
            _progress(
                f"[{label}] {args.applicants} applicants at once, {args.think:g} s per page:"
                f" send p95 {paced['submit_p95']:.1f} ms, other steps p95"
                f" {paced['step_p95']:.1f} ms"
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
        packet = float(
            subprocess.run(
                [*here, "--packet", database], check=True, capture_output=True, text=True
            ).stdout.strip()
        )
    print(
        f"apply: db={label} applicants={args.applicants} submissions={many['submissions']}"
        f" submit_p95_ms={many['submit_p95']:.1f} step_p95_ms={many['step_p95']:.1f}"
        f" submit_vs_one={many['submit_p95'] / one['submit_p95']:.2f}"
        f" client_p95_ms={many['client_p95']:.1f} rps={many['rps']:.0f}"
        f" paced_submit_p95_ms={paced['submit_p95']:.1f} packet_ms={packet:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
