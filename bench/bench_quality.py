"""Benchmark the data-quality rules: `make bench-quality`.

Loads synthetic patients (20 visits with ALSFRS-R each, as `bench_care` does) into a PostgreSQL
database of its own, then times:

- `cellpath check_data` over the site: patients per second and queries per patient, at the full
  size and, as the baseline in the same run, over the first 100 patients only (the ratio shows
  whether the run scales linearly); then again over the same patients, when every finding
  already has its query (a routine nightly run);
- one save with the rules run on it (a weight through `weight_record`, which refreshes the
  patient's queries) against the same save without them (the baseline): the cost of "run on
  save".

    .venv/bin/python bench/bench_quality.py [--patients 2000] [--saves 200]

The last line is:
quality: patients=N check_patients_per_s=X check_queries_per_patient=N
         check_per_patient_vs_baseline=X recheck_patients_per_s=X save_ms=X
         save_without_rules_ms=X save_vs_baseline=X
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import timedelta
from decimal import Decimal

from bench_care import _bench_site, _load, _progress


def _check(sites: list, patients: list) -> tuple[float, float]:
    """Seconds per patient and queries per patient of the rules over `patients`."""
    from django.db import connection

    from cellpath.care.services.data_queries import queries_refresh

    count = [0]

    def counting(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        started = time.perf_counter()
        for patient in patients:
            queries_refresh(actor="benchmark", patient=patient)
        elapsed = time.perf_counter() - started
    return elapsed / len(patients), count[0] / len(patients)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=2_000)
    parser.add_argument("--baseline-patients", type=int, default=100)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    )
    args = parser.parse_args()

    sites, plan, _, _, today = _bench_site(args.postgres)
    from django.db import transaction

    from cellpath.accounts.audit import Origin, origin
    from cellpath.care import services
    from cellpath.care.models import Patient

    with origin(Origin(channel="cli")):
        _progress(f"Loading {args.patients:,} patients…")
        _load(args.patients, start_index=0, sites=sites, plan=plan, today=today)
        patients = list(Patient.objects.filter(site=sites[0]).order_by("pk"))
        _progress(f"Rules over the first {args.baseline_patients} patients (baseline)…")
        base_s, _ = _check(sites, patients[: args.baseline_patients])
        _progress(f"Rules over all {len(patients):,} patients of the site…")
        full_s, queries = _check(sites, patients[args.baseline_patients :])
        _progress("Rules again over the same patients (nothing new to open)…")
        again_s, _ = _check(sites, patients[args.baseline_patients :])

        _progress(f"{args.saves} saves with and without the rules…")
        bare = services.weight_record.__wrapped__.__wrapped__  # below atomic and rechecks
        with_rules, without = [], []
        for i in range(args.saves):
            patient = patients[i % len(patients)]
            day = today - timedelta(days=400 + i // len(patients))
            for timings, save in ((without, bare), (with_rules, services.weight_record)):
                with transaction.atomic():
                    started = time.perf_counter()
                    save(actor="benchmark", patient=patient, measured_on=day, kg=Decimal("70.0"))
                    timings.append((time.perf_counter() - started) * 1000)
                    transaction.set_rollback(True)
    save_ms, bare_ms = statistics.median(with_rules), statistics.median(without)
    _progress(
        f"  check_data: {1 / full_s:,.0f} patients/s, {queries:.0f} queries a patient "
        f"(baseline {1 / base_s:,.0f} patients/s; again, nothing new: {1 / again_s:,.0f} "
        f"patients/s); a save {save_ms:.1f} ms with the rules, "
        f"{bare_ms:.1f} ms without"
    )
    print(
        f"quality: patients={len(patients)} check_patients_per_s={1 / full_s:.0f} "
        f"check_queries_per_patient={queries:.0f} "
        f"check_per_patient_vs_baseline={full_s / base_s:.2f} "
        f"recheck_patients_per_s={1 / again_s:.0f} "
        f"save_ms={save_ms:.1f} save_without_rules_ms={bare_ms:.1f} "
        f"save_vs_baseline={save_ms / bare_ms:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
