"""Benchmark the care pages on a large database: `make bench-care`.

Loads 10,000 synthetic patients with 200,000 scheduled visits (and their ALSFRS-R) into a
PostgreSQL database of its own, then times the patient progression page and the site dashboard
in process (server time, Django test client), and counts their queries. The baseline, measured
in the same run, is the same pages with the first 100 patients only: the ratio shows how the
pages scale with the size of the registry.

    .venv/bin/python bench/bench_care.py [--patients 10000] [--requests 200]

The last line is:
care: patients=N visits=N progression_p95_ms=X dashboard_p95_ms=X progression_queries=N
      dashboard_queries=N progression_vs_baseline=X dashboard_vs_baseline=X
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

BENCH_DB = "cellpath_bench"
VISITS_PER_PATIENT = 20


def _database(url_base: str) -> str:
    import psycopg

    with psycopg.connect(f"{url_base}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    return f"{url_base}/{BENCH_DB}"


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _load(n_patients: int, *, start_index: int, sites: list, plan, today: date) -> int:
    """Bulk-load patients [start_index, n_patients) with courses, visits and ALSFRS-R."""
    from cellpath.accounts.audit import audited_bulk_import
    from cellpath.care.models import AlsfrsR, Patient, PatientIdentity, TreatmentCourse, Visit
    from cellpath.outcomes.synthetic import synthetic_cohort
    from cellpath.outcomes.vocabulary import ALSFRS_R_KEYS

    count = n_patients - start_index
    if count <= 0:
        return 0
    patients, visits = synthetic_cohort(
        count,
        seed=start_index + 1,
        onset_start=str(today - timedelta(days=6 * 365)),
        onset_end=str(today - timedelta(days=500)),
        censor_date=str(today),
        missing_fraction=0.0,
    )
    rows = [
        Patient(
            site=sites[(start_index + i) % len(sites)],
            study_id=f"B{start_index + i:06d}",
            sex=str(patients["sex"][i]),
            date_of_birth=patients["birth_date"][i].item(),
            onset_date=patients["onset_date"][i].item(),
            # the synthetic cohort may diagnose after `today`: the models refuse a future date
            diagnosis_date=min(patients["diagnosis_date"][i].item(), today),
            onset_site=str(patients["onset_site"][i]),
            el_escorial=str(patients["el_escorial"][i]),
            ftd=bool(patients["ftd"][i]),
            c9orf72=bool(patients["c9orf72"][i]),
            height_cm=170,
        )
        for i in range(count)
    ]
    audited_bulk_import(Patient, rows, actor="benchmark", source="bench_care")
    audited_bulk_import(
        PatientIdentity,
        [PatientIdentity(patient=p, full_name=f"Bench {p.study_id}") for p in rows],
        actor="benchmark",
        source="bench_care",
    )
    courses = [
        TreatmentCourse(
            patient=p,
            number=1,
            programme_name="Bench programme",
            programme_not_listed=True,
            cell_type="msc",
            donor="allogeneic",
            tissue="wharton_jelly",
            route="intrathecal",
            started_on=p.onset_date + timedelta(days=365),
            follow_up_plan=plan,
        )
        for p in rows
    ]
    audited_bulk_import(TreatmentCourse, courses, actor="benchmark", source="bench_care")
    _progress(f"  {start_index + count:,} patients: visits and ALSFRS-R…")
    first_row = {}
    for r, pid in enumerate(visits["patient_id"]):
        first_row.setdefault(int(pid), r)
    visit_rows, assessment_rows = [], []
    for i, (patient, course) in enumerate(zip(rows, courses, strict=True)):
        r0 = first_row.get(i + 1)
        for k in range(VISITS_PER_PATIENT):
            due = course.started_on + timedelta(days=61 * k)
            seen = due if due <= today else None
            visit = Visit(
                patient=patient,
                course=course,
                label=f"{2 * k} months",
                due_date=due,
                window_days=14,
                visit_date=seen,
            )
            visit_rows.append(visit)
            if seen is not None and r0 is not None:
                r = min(r0 + k, len(visits["patient_id"]) - 1)
                if int(visits["patient_id"][r]) != i + 1:
                    r = r0
                items = {n: int(visits[n][r]) for n in ALSFRS_R_KEYS}
                assessment_rows.append(
                    AlsfrsR(
                        patient=patient,
                        visit=visit,
                        assessed_on=seen,
                        respondent="clinic",
                        **{n: (None if v < 0 else v) for n, v in items.items()},
                    )
                )
    audited_bulk_import(Visit, visit_rows, actor="benchmark", source="bench_care")
    audited_bulk_import(AlsfrsR, assessment_rows, actor="benchmark", source="bench_care")
    return len(visit_rows)


def _time_pages(client, urls: list[str], n: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in urls[:5]:  # warm up
        client.get(url)
    timings = []
    queries = 0
    for i in range(n):
        url = urls[i % len(urls)]
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = max(queries, len(captured))
    p95 = statistics.quantiles(timings, n=20)[-1]
    return statistics.median(timings), p95, queries


def _bench_site(postgres: str) -> tuple[list, object, object, object, date]:
    """A fresh database of its own, migrated, with two sites and a coordinator of the first,
    signed in (second factor passed) in a test client: (sites, plan, coordinator, client,
    today). Shared by the benchmarks that load this site."""
    os.environ["DATABASE_URL"] = _database(postgres)
    os.environ.setdefault("CELLPATH_VAR_DIR", str(Path(__file__).resolve().parent / "out"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cellpath.site.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from cellpath.accounts.access import MFA_SESSION_KEY
    from cellpath.accounts.models import Membership, Site, User
    from cellpath.accounts.services import AUTH_AT_KEY, LAST_SEEN_KEY
    from cellpath.care.models import FollowUpPlan

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _progress(f"Database {BENCH_DB}: migrating…")
    call_command("migrate", interactive=False, verbosity=0)
    sites = [Site.objects.create(name=f"Bench site {c}", code=f"bs{c}") for c in "ab"]
    plan = FollowUpPlan.objects.get(is_default=True)
    coordinator = User.objects.create_user("bench.coordinator@example.org", "x" * 16)
    Membership.objects.create(user=coordinator, site=sites[0], role="coordinator")
    client = Client()
    client.force_login(coordinator)
    session = client.session
    now = time.time()
    session.update({MFA_SESSION_KEY: True, AUTH_AT_KEY: now, LAST_SEEN_KEY: now + 24 * 3600})
    session.save()
    return sites, plan, coordinator, client, date.today()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--baseline-patients", type=int, default=100)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    )
    args = parser.parse_args()

    sites, plan, _, client, today = _bench_site(args.postgres)
    from django.urls import reverse

    from cellpath.accounts.audit import Origin, origin
    from cellpath.care.models import Patient

    rng = random.Random(1)

    def measure(label: str) -> tuple[tuple[float, float, int], tuple[float, float, int]]:
        ids = list(Patient.objects.filter(site=sites[0]).values_list("pk", flat=True))
        sample = [rng.choice(ids) for _ in range(args.requests)]
        progression = _time_pages(
            client, [reverse("care:patient-progression", args=[pk]) for pk in sample], args.requests
        )
        dashboard = _time_pages(client, [reverse("care:dashboard")], max(20, args.requests // 4))
        _progress(
            f"  {label}: progression median {progression[0]:.1f} ms, p95 {progression[1]:.1f} ms,"
            f" {progression[2]} queries; dashboard median {dashboard[0]:.1f} ms, p95"
            f" {dashboard[1]:.1f} ms, {dashboard[2]} queries"
        )
        return progression, dashboard

    with origin(Origin(channel="cli")):
        _progress(f"Loading the baseline ({args.baseline_patients} patients)…")
        visits = _load(args.baseline_patients, start_index=0, sites=sites, plan=plan, today=today)
        base = measure(f"{args.baseline_patients} patients")
        _progress(f"Loading up to {args.patients:,} patients…")
        for chunk_end in range(args.baseline_patients, args.patients, 2000):
            visits += _load(
                min(chunk_end + 2000, args.patients),
                start_index=chunk_end,
                sites=sites,
                plan=plan,
                today=today,
            )
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        full = measure(f"{args.patients:,} patients")
    (prog, dash), (prog0, dash0) = full, base
    print(
        f"care: patients={args.patients} visits={visits} progression_p95_ms={prog[1]:.1f} "
        f"dashboard_p95_ms={dash[1]:.1f} progression_queries={prog[2]} "
        f"dashboard_queries={dash[2]} progression_vs_baseline={prog[1] / prog0[1]:.2f} "
        f"dashboard_vs_baseline={dash[1] / dash0[1]:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
