"""Benchmark the cohort report: `make bench-reports`.

1. Loads bench-care's site (``bench_care._load``: 10,000 synthetic patients, 200,000 scheduled
   visits with their ALSFRS-R) into a PostgreSQL database of its own, and adds what the report
   reads: a first dose two visits into each course (Batch, Administration), treatment consent,
   riluzole, spirometry (FVC litres), deaths, tracheostomies, full-time NIV and adverse events.
2. Times ``/reports/`` (server time, Django test client, the site's signed-in coordinator) and
   counts its SQL queries, first on a 100-patient site, then on the whole site: the count must
   not grow with the cohort. Times ``/reports/report.pdf`` a few times.
3. Times ``cellpath report`` end to end on ``cellpath synth --patients 100000`` (``--out DIR/``
   and ``--out FILE.html``), wall time and the child's peak RSS.

Baselines, measured in the same run: a per-patient loop computing the same per-course figures
with ``cellpath.outcomes.patient.patient_outcomes``; for the page with one ALSFRS-R query per
patient (as a naive view would), for the CLI on the same 100,000-patient cohort in memory.

    .venv/bin/python bench/bench_reports.py [--patients 10000] [--requests 20]

The last line is:
reports: patients=N report_p50_ms=X report_p95_ms=X report_queries=N report_queries_small=N
         pdf_p95_ms=X cli_100k_s=X cli_100k_html_s=X cli_100k_rss_mb=X loop_page_ms=X
         loop_cli_s=X vs_loop=X cli_vs_loop=X
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_care import _bench_site, _load, _progress, _time_pages
from cellpath.registry.tables import PATIENT_COLUMNS
from peak import run_child

SRC = Path(__file__).resolve().parents[1] / "src"
DOSE_AFTER_DAYS = 122  # the first dose at the course's third visit: two ALSFRS-R of lead-in
TARGETS = {"report_p95_ms": 1000.0, "pdf_p95_ms": 5000.0, "cli_100k_s": 15.0, "rss_mb": 2048.0}


def _extras(after_pk: int, *, today: date, actor: str = "benchmark") -> int:
    """What the report reads beyond bench-care's site, for the patients with pk > ``after_pk``:
    doses, consent, riluzole, spirometry, endpoints and adverse events (bulk inserts; the rows
    obey the models' ``clean`` rules). Returns the number of treated courses added."""
    from django.db import models, transaction

    from cellpath.accounts.audit import audited_bulk_import, record
    from cellpath.accounts.models import AuditEvent
    from cellpath.care.models import (
        AdverseEvent,
        AlsfrsR,
        Consent,
        Medication,
        Patient,
        Spirometry,
        TreatmentCourse,
    )
    from cellpath.care.models.assessments import Relatedness
    from cellpath.care.models.treatment import Administration, Batch

    source = "bench_reports"
    courses = list(
        TreatmentCourse.objects.filter(patient_id__gt=after_pk)
        .select_related("patient")
        .order_by("pk")
    )
    seen: dict[int, list[date]] = defaultdict(list)
    for pid, day in (
        AlsfrsR.objects.filter(patient_id__gt=after_pk)
        .order_by("patient_id", "assessed_on")
        .values_list("patient_id", "assessed_on")
    ):
        seen[pid].append(day)
    batches, doses, consents, meds, spiro, events, patients = [], [], [], [], [], [], []
    relatedness = [r.value for r in Relatedness]
    for course in courses:
        patient = course.patient
        rng = random.Random(patient.pk)
        days = seen.get(patient.pk, [])
        consents.append(
            Consent(
                patient=patient,
                purpose=Consent.Purpose.TREATMENT,
                version="1",
                given_on=course.started_on,
                method=Consent.Method.WRITTEN,
            )
        )
        if rng.random() < 0.6:
            start = patient.onset_date + timedelta(days=200)
            meds.append(Medication(patient=patient, drug="riluzole", started_on=start))
        for k, day in enumerate(days[::2]):
            litres = max(0.5, 4.2 - 0.05 * 4 * k + rng.uniform(-0.2, 0.2))
            spiro.append(
                Spirometry(patient=patient, measured_on=day, fvc_litres=Decimal(f"{litres:.2f}"))
            )
        first = course.started_on + timedelta(days=DOSE_AFTER_DAYS)
        if first <= today:
            batch = Batch(course=course, lot_number=f"LOT-{patient.study_id}-{course.number}")
            batch.processed_on = first - timedelta(days=7)
            batches.append(batch)
            for j in range(3):
                given = first + timedelta(days=28 * j)
                if given <= today:
                    doses.append(
                        Administration(
                            course=course,
                            batch=batch,
                            given_on=given,
                            dose_cells=100_000_000,
                            route="intrathecal",
                        )
                    )
            for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
                onset = first + timedelta(days=rng.randint(1, 400))
                if onset > today:
                    continue
                grade = rng.choice((1, 1, 1, 2, 2, 3))
                events.append(
                    AdverseEvent(
                        patient=patient,
                        course=course if rng.random() < 0.8 else None,
                        description="Headache after lumbar puncture",
                        onset_date=onset,
                        grade=grade,
                        serious=grade == 3,
                        related_to_procedure=rng.choice(relatedness),
                        related_to_cells=rng.choice(relatedness),
                        outcome=AdverseEvent.Outcome.RECOVERED,
                    )
                )
        # Endpoints after the last assessment (visits after death would contradict the record).
        end = (days[-1] if days else course.started_on) + timedelta(days=20)
        u = rng.random()
        if end <= today and u < 0.12:
            patient.death_date = end
        elif end <= today and u < 0.16:
            patient.tracheostomy_date = end
        elif end <= today and u < 0.21:
            patient.niv_full_time_date = end
        if rng.random() < 0.25:  # before any full-time NIV, as the record requires
            patient.niv_date = min(first - timedelta(days=30), patient.niv_full_time_date or first)
        if rng.random() < 0.15:
            patient.gastrostomy_date = first - timedelta(days=60)
        patients.append(patient)
    # Patient is audited and refuses bulk_update; as audited_bulk_import does for inserts, the
    # benchmark writes through a plain QuerySet and records one import event for the lot.
    with transaction.atomic():
        fields = ["death_date", "tracheostomy_date", "niv_full_time_date", "niv_date"]
        fields.append("gastrostomy_date")
        models.QuerySet(Patient).bulk_update(patients, fields, batch_size=1000)
        record(
            actor,
            AuditEvent.Action.IMPORT,
            object_type="care.patient",
            detail={"source": source, "count": len(patients), "fields": fields},
        )
    for model, rows in (
        (Consent, consents),
        (Medication, meds),
        (Spirometry, spiro),
        (Batch, batches),
        (Administration, doses),
        (AdverseEvent, events),
    ):
        audited_bulk_import(model, rows, actor=actor, source=source)
    return len(batches)


def _loop_page(user: Any) -> tuple[float, int, int]:
    """The per-patient loop a naive report view would run: the courses, then one ALSFRS-R query
    per patient and ``patient_outcomes`` for each course. Returns (ms, queries, courses)."""
    from django.db import connection
    from django.db.models import Min
    from django.test.utils import CaptureQueriesContext

    from cellpath.care.models import AlsfrsR, TreatmentCourse
    from cellpath.outcomes.patient import InvalidPatientError, patient_outcomes
    from cellpath.outcomes.vocabulary import ALSFRS_R_KEYS
    from cellpath.reports.queries import report_sites

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        courses = (
            TreatmentCourse.objects.filter(patient__site_id__in=report_sites(user))
            .select_related("patient")
            .annotate(first_dose=Min("administrations__given_on"))
            .filter(first_dose__isnull=False)
        )
        figures = []
        for course in courses:
            p = course.patient
            visits = [
                {"visit_date": row[0], **dict(zip(ALSFRS_R_KEYS, row[1:], strict=True))}
                for row in AlsfrsR.objects.filter(patient_id=p.pk)
                .order_by("assessed_on")
                .values_list("assessed_on", *ALSFRS_R_KEYS)
            ]
            for v in visits:
                for k in ALSFRS_R_KEYS:
                    if v[k] is None:
                        del v[k]
            patient = {
                "patient_id": p.study_id,
                "sex": p.sex,
                "birth_date": p.date_of_birth,
                "onset_date": p.onset_date,
                "diagnosis_date": p.diagnosis_date,
                "onset_site": p.onset_site,
                "el_escorial": p.el_escorial,
                "ftd": p.ftd,
                "c9orf72": p.c9orf72,
                "treatment_date": course.first_dose,
                "death_date": p.death_date,
            }
            with contextlib.suppress(InvalidPatientError):
                figures.append(patient_outcomes(patient, visits))
        ms = (time.perf_counter() - started) * 1000
    return ms, len(captured), len(figures)


def _loop_cli(n_patients: int, seed: int) -> tuple[float, int]:
    """The per-patient loop on the CLI's cohort (``cellpath synth``'s, regenerated in memory):
    ``patient_outcomes`` for each treated patient. Returns (seconds, courses)."""
    import numpy as np

    from cellpath.outcomes.patient import InvalidPatientError, patient_outcomes
    from cellpath.outcomes.synthetic import synthetic_cohort
    from cellpath.outcomes.vocabulary import ALSFRS_R_KEYS

    patients, visits = synthetic_cohort(n_patients, seed=seed)
    started = time.perf_counter()
    pid = visits["patient_id"]
    bounds = np.searchsorted(pid, np.arange(1, n_patients + 2))
    items = {k: visits[k].tolist() for k in ALSFRS_R_KEYS}
    vdates = visits["visit_date"].tolist()
    # The contract's patient columns that the synthetic cohort has (patient_id aside).
    columns = [c for c in PATIENT_COLUMNS[1:] if c in patients]
    done = 0
    for i in np.flatnonzero(~np.isnat(patients["treatment_date"])).tolist():
        patient = {c: patients[c][i] for c in columns}
        patient = {c: (v.item() if hasattr(v, "item") else v) for c, v in patient.items()}
        rows = range(bounds[i], bounds[i + 1])
        visit_rows = [
            {"visit_date": vdates[r], **{k: items[k][r] for k in ALSFRS_R_KEYS if items[k][r] >= 0}}
            for r in rows
        ]
        with contextlib.suppress(InvalidPatientError):
            patient_outcomes(patient, visit_rows)
            done += 1
    return time.perf_counter() - started, done


def _run_child(cmd: list[str], log: Path) -> tuple[float, float]:
    """Run ``cmd``; its wall time (s) and its own peak RSS (MB, `peak.run_child`)."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("DATABASE_URL", None)
    return run_child(cmd, log, env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--baseline-patients", type=int, default=100)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--pdf-requests", type=int, default=5)
    parser.add_argument("--cli-patients", type=int, default=100_000)
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    )
    args = parser.parse_args()

    sites, plan, coordinator, client, today = _bench_site(args.postgres)
    from django.db import connection
    from django.urls import reverse

    from cellpath.accounts.audit import Origin, origin
    from cellpath.care.models import Patient

    page, pdf_url = reverse("reports:cohort"), reverse("reports:cohort-pdf")

    def measure(label: str) -> dict[str, float]:
        n_site = Patient.objects.filter(site=sites[0]).count()
        r50, r95, queries = _time_pages(client, [page], args.requests)
        _progress(
            f"  {label} ({n_site:,} at the coordinator's site): /reports/ median {r50:.1f} ms,"
            f" p95 {r95:.1f} ms, {queries} queries"
        )
        loop_ms, loop_queries, loop_courses = _loop_page(coordinator)
        _progress(
            f"  {label}: per-patient loop {loop_ms:.1f} ms, {loop_queries} queries,"
            f" {loop_courses} courses"
        )
        return {"p50": r50, "p95": r95, "queries": queries, "loop_ms": loop_ms}

    with origin(Origin(channel="cli")):
        _progress(f"Loading the small site ({args.baseline_patients} patients)…")
        _load(args.baseline_patients, start_index=0, sites=sites, plan=plan, today=today)
        treated = _extras(0, today=today)
        small = measure(f"{args.baseline_patients} patients, {treated} treated courses")
        last_pk = Patient.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        _progress(f"Loading up to {args.patients:,} patients…")
        visits = 0
        for chunk_end in range(args.baseline_patients, args.patients, 2000):
            visits += _load(
                min(chunk_end + 2000, args.patients),
                start_index=chunk_end,
                sites=sites,
                plan=plan,
                today=today,
            )
        _progress("  doses, consent, riluzole, spirometry, endpoints, adverse events…")
        treated += _extras(last_pk, today=today)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        full = measure(f"{args.patients:,} patients, {treated:,} treated courses")
        _progress(f"  /reports/report.pdf × {args.pdf_requests}…")
        client.get(pdf_url)  # warm up (WeasyPrint's fonts)
        timings = []
        for _ in range(args.pdf_requests):
            started = time.perf_counter()
            response = client.get(pdf_url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200 and response.content.startswith(b"%PDF")
        pdf_p95 = max(timings)  # a handful of samples: the slowest stands for the p95
        _progress(
            f"  PDF: {', '.join(f'{t:.0f}' for t in timings)} ms ({len(response.content):,} B)"
        )

    n = args.cli_patients
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        tmpdir = Path(tmp)
        _progress(f"cellpath synth --patients {n:,}…")
        _run_child(
            [python, "-m", "cellpath.cli", "synth", "--patients", str(n), "--out", f"{tmp}/in"],
            tmpdir / "synth.log",
        )
        inputs = ["--patients", f"{tmp}/in/PATIENTS.csv", "--visits", f"{tmp}/in/VISITS.csv"]
        report = [python, "-m", "cellpath.cli", "report", "--quiet", *inputs]
        cli_s, cli_rss = _run_child([*report, "--out", f"{tmp}/out/"], tmpdir / "dir.log")
        with (tmpdir / "out" / "analysis.csv").open("rb") as fh:
            rows = sum(1 for _ in fh) - 1
        _progress(f"  --out DIR/: {cli_s:.2f} s, peak RSS {cli_rss:.0f} MB, {rows:,} courses")
        html_s, html_rss = _run_child([*report, "--out", f"{tmp}/r.html"], tmpdir / "html.log")
        size = (tmpdir / "r.html").stat().st_size
        _progress(f"  --out FILE.html: {html_s:.2f} s, peak RSS {html_rss:.0f} MB, {size:,} B")
    _progress(f"Per-patient loop (patient_outcomes) on the same {n:,}-patient cohort…")
    loop_cli_s, loop_courses = _loop_cli(n, seed=0)
    _progress(f"  {loop_cli_s:.2f} s for {loop_courses:,} treated courses")

    rss = max(cli_rss, html_rss)
    measured = {
        "report_p95_ms": full["p95"],
        "pdf_p95_ms": pdf_p95,
        "cli_100k_s": max(cli_s, html_s),
        "rss_mb": rss,
    }
    for key, target in TARGETS.items():
        ok = measured[key] <= target
        _progress(f"  target {key} <= {target:g}: {measured[key]:.1f} {'ok' if ok else 'MISSED'}")
    same = full["queries"] == small["queries"]
    _progress(
        f"  queries: {small['queries']} at {args.baseline_patients} patients,"
        f" {full['queries']} at {args.patients:,} ({'same' if same else 'GREW'})"
    )
    print(
        f"reports: patients={args.patients} visits={visits} report_p50_ms={full['p50']:.1f} "
        f"report_p95_ms={full['p95']:.1f} report_queries={full['queries']} "
        f"report_queries_small={small['queries']} pdf_p95_ms={pdf_p95:.1f} "
        f"cli_100k_s={cli_s:.2f} cli_100k_html_s={html_s:.2f} cli_100k_rss_mb={rss:.0f} "
        f"loop_page_ms={full['loop_ms']:.1f} loop_cli_s={loop_cli_s:.2f} "
        f"vs_loop={full['loop_ms'] / full['p95']:.1f} cli_vs_loop={loop_cli_s / cli_s:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
