"""Benchmark the exports and the REDCap import: `make bench-exchange`.

1. Loads bench-reports' site (bench-care's 10,000 patients with 200,000 scheduled visits and
   their ALSFRS-R, plus doses, spirometry, adverse events…) into a PostgreSQL database of its own,
   in two steps: first `--small` patients, then all of them.
2. At each size, runs `cellpath export --format csv` and `--format fhir` as a child process for
   the site's coordinator: wall time and the child's own peak RSS (`wait4`). Memory must not
   grow with the cohort; the targets are ≤ 30 s (CSV), ≤ 60 s (FHIR) and ≤ 500 MB.
3. Baselines in the same run, also as child processes: the naive export that reads each table
   whole into memory (`list(QuerySet.values())`) and builds the CSV files as strings; and one
   FHIR Bundle per patient (`patient_bundle`, the per-patient queries a naive exporter would run).
4. The REDCap import of `--redcap-rows` rows (a REDCap export of the site, imported into an
   empty site through its own mapping): plan (dry run) and apply, timed; target ≤ 30 s.

    .venv/bin/python bench/bench_exchange.py [--patients 10000] [--small 2000]

The last line is:
exchange: patients=N csv_s=X csv_mb=X fhir_s=X fhir_mb=X csv_small_mb=X fhir_small_mb=X
          naive_csv_s=X naive_csv_mb=X naive_fhir_s=X redcap_rows=N redcap_plan_s=X
          redcap_apply_s=X …
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_care import _bench_site, _load, _progress
from bench_reports import _extras
from peak import run_child

TARGETS = {"csv_s": 30.0, "fhir_s": 60.0, "rss_mb": 500.0, "redcap_s": 30.0}


def _child(args: list[str], log: Path) -> tuple[float, float]:
    """Run this script (or `cellpath`) as a child with the bench database; (seconds, peak MB)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    return run_child(args, log, env)


# --- the naive baselines (run in a child: `bench_exchange.py --naive KIND EMAIL OUT`) ---------


def _naive(kind: str, email: str, out: str) -> None:
    """What a first exporter would write: each table read whole, files built as strings; or one
    FHIR Bundle per patient, each with its own queries."""
    import csv
    import io
    import json
    import zipfile

    import django

    django.setup()
    from cellpath.accounts.models import User
    from cellpath.care.models import Patient
    from cellpath.exchange.fhir_export import patient_bundle
    from cellpath.exchange.queries import export_scope
    from cellpath.exchange.tables import TABLES
    from cellpath.reports.queries import Filters

    user = User.objects.get(email=email)
    scope = export_scope(user=user, filters=Filters())
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if kind == "csv":
            for table in TABLES:
                rows = list(
                    table.model.objects.filter(
                        **{f"{table.patient_path}__in": scope.patients}
                    ).values()
                )
                text = io.StringIO()
                writer = csv.writer(text)
                if rows:
                    writer.writerow(rows[0].keys())
                writer.writerows(r.values() for r in rows)
                archive.writestr(f"{table.name}.csv", text.getvalue())
        else:
            bundles = [
                json.dumps(patient_bundle(user=user, patient=p))
                for p in Patient.objects.filter(pk__in=scope.patients).select_related("site")
            ]
            archive.writestr("bundles.ndjson", "\n".join(bundles))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=2_000)
    parser.add_argument("--redcap-rows", type=int, default=50_000)
    parser.add_argument(
        "--naive", nargs=3, metavar=("KIND", "EMAIL", "OUT"), help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    )
    args = parser.parse_args()
    if args.naive:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cellpath.site.settings")
        _naive(*args.naive)
        return 0

    sites, plan, coordinator, _, today = _bench_site(args.postgres)
    from django.db import connection

    from cellpath.accounts.audit import Origin, origin
    from cellpath.care.models import Patient

    python = sys.executable
    figures: dict[str, float] = {}

    def measure(label: str, tmp: Path) -> dict[str, float]:
        n_site = Patient.objects.filter(site=sites[0]).count()
        found: dict[str, float] = {}
        for fmt in ("csv", "fhir"):
            seconds, mb = _child(
                [
                    python,
                    "-m",
                    "cellpath.cli",
                    "export",
                    "--as",
                    coordinator.email,
                    "--format",
                    fmt,
                    "--out",
                    str(tmp / f"{fmt}.zip"),
                    "--quiet",
                ],
                tmp / f"{fmt}.log",
            )
            size = (tmp / f"{fmt}.zip").stat().st_size
            found[f"{fmt}_s"], found[f"{fmt}_mb"] = seconds, mb
            _progress(
                f"  {label} ({n_site:,} at the site): {fmt} {seconds:.1f} s,"
                f" peak {mb:.0f} MB, {size:,} B"
            )
        for kind in ("csv", "fhir"):
            seconds, mb = _child(
                [
                    python,
                    __file__,
                    "--naive",
                    kind,
                    coordinator.email,
                    str(tmp / f"naive-{kind}.zip"),
                ],
                tmp / f"naive-{kind}.log",
            )
            found[f"naive_{kind}_s"], found[f"naive_{kind}_mb"] = seconds, mb
            _progress(f"  {label}: naive {kind} {seconds:.1f} s, peak {mb:.0f} MB")
        return found

    with (
        tempfile.TemporaryDirectory(prefix="bench-exchange-") as tmpdir,
        origin(Origin(channel="cli")),
    ):
        tmp = Path(tmpdir)
        _progress(f"Loading {args.small:,} patients…")
        visits = 0
        for start in range(0, args.small, 2000):
            visits += _load(
                min(start + 2000, args.small),
                start_index=start,
                sites=sites,
                plan=plan,
                today=today,
            )
        _extras(0, today=today)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        small = measure(f"{args.small:,} patients", tmp)
        last_pk = Patient.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        _progress(f"Loading up to {args.patients:,} patients…")
        for start in range(args.small, args.patients, 2000):
            visits += _load(
                min(start + 2000, args.patients),
                start_index=start,
                sites=sites,
                plan=plan,
                today=today,
            )
        _extras(last_pk, today=today)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        full = measure(f"{args.patients:,} patients", tmp)
        figures.update(full)
        figures["csv_small_mb"], figures["fhir_small_mb"] = small["csv_mb"], small["fhir_mb"]
        figures.update(_redcap(args.redcap_rows, sites, coordinator, tmp))

    checks = {
        "csv_s": figures["csv_s"] <= TARGETS["csv_s"],
        "fhir_s": figures["fhir_s"] <= TARGETS["fhir_s"],
        "rss_mb": max(figures["csv_mb"], figures["fhir_mb"]) <= TARGETS["rss_mb"],
    }
    if "redcap_apply_s" in figures:
        checks["redcap_s"] = (
            figures["redcap_plan_s"] + figures["redcap_apply_s"] <= TARGETS["redcap_s"]
        )
    for key, ok in checks.items():
        _progress(f"  target {key} <= {TARGETS[key]:g}: {'ok' if ok else 'MISSED'}")
    growth = {f: figures[f"{f}_mb"] / figures[f"{f}_small_mb"] for f in ("csv", "fhir")}
    _progress(
        f"  memory {args.small:,} → {args.patients:,} patients: csv ×{growth['csv']:.2f}, "
        f"fhir ×{growth['fhir']:.2f}"
    )
    print(
        f"exchange: patients={args.patients} visits={visits} "
        + " ".join(
            f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()
        )
        + f" csv_vs_naive={figures['naive_csv_s'] / figures['csv_s']:.2f}"
        + f" fhir_vs_naive={figures['naive_fhir_s'] / figures['fhir_s']:.2f}"
    )
    return 0


def _redcap(rows: int, sites: list, coordinator: Any, tmp: Path) -> dict[str, float]:
    """The REDCap import of `rows` rows: the first site's REDCap export (records.csv cut to
    `rows` rows and whole records), planned and applied into a new, empty site through the
    export's own mapping; beside it, the naive import — each row's records written one by one
    through the care services — timed on the first `NAIVE_ROWS` rows (then rolled back)."""
    import csv
    import io
    import zipfile

    from cellpath.accounts.models import Membership, Site
    from cellpath.exchange.queries import export_scope
    from cellpath.exchange.redcap.export import write_redcap_zip
    from cellpath.exchange.redcap.importer import apply_import, plan_import
    from cellpath.exchange.redcap.mapping import read_mapping
    from cellpath.reports.queries import Filters

    _progress(f"REDCap: exporting {sites[0].name} and cutting records.csv to {rows:,} rows…")
    out = io.BytesIO()
    write_redcap_zip(export_scope(user=coordinator, filters=Filters(site=sites[0].pk)), out)
    with zipfile.ZipFile(out) as archive:
        mapping = read_mapping(archive.read("mapping.csv"), "mapping.csv")
        lines = archive.read("records.csv").decode("utf-8").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    cut = min(rows, len(body))
    while 0 < cut < len(body) and body[cut].split(",", 1)[0] == body[cut - 1].split(",", 1)[0]:
        cut -= 1  # whole records only
    data = (header + "".join(body[:cut])).encode("utf-8")
    (tmp / "records.csv").write_bytes(data)
    target = Site.objects.create(name="Bench import site", code="bsi")
    Membership.objects.create(user=coordinator, site=target, role="coordinator")

    started = time.perf_counter()
    plan = plan_import(data, mapping, site=target, actor=coordinator, file_name="records.csv")
    plan_s = time.perf_counter() - started
    assert plan.applicable, (plan.problems, [r.reasons for r in plan.refused[:3]])
    started = time.perf_counter()
    apply_import(plan, actor=coordinator)
    apply_s = time.perf_counter() - started
    _progress(
        f"  {cut:,} rows ({len(plan.new_records):,} new patients): plan {plan_s:.1f} s,"
        f" apply {apply_s:.1f} s ({1000 * apply_s / cut:.2f} ms a row)"
    )
    naive_ms = _naive_import(csv.DictReader(io.StringIO(data.decode())), coordinator)
    _progress(f"  naive (one by one through the services): {naive_ms:.2f} ms a row")
    return {
        "redcap_rows": float(cut),
        "redcap_plan_s": plan_s,
        "redcap_apply_s": apply_s,
        "redcap_ms_per_row": 1000 * apply_s / cut,
        "naive_redcap_ms_per_row": naive_ms,
    }


NAIVE_ROWS = 2000


def _naive_import(reader: Any, coordinator: Any) -> float:
    """ms per row of the first `NAIVE_ROWS` rows written one by one through the services
    (patient_create, alsfrs_r_record, spirometry_record), as a first importer would; rolled
    back."""
    from django.db import transaction

    from cellpath.accounts.models import Membership, Site
    from cellpath.care import services
    from cellpath.outcomes.vocabulary import ALSFRS_R_KEYS

    site = Site.objects.create(name="Bench naive site", code="bsn")
    Membership.objects.create(user=coordinator, site=site, role="coordinator")
    patients: dict[str, Any] = {}
    started = time.perf_counter()
    count = 0
    with transaction.atomic():
        for row in reader:
            count += 1
            if count > NAIVE_ROWS:
                break
            record = row["record_id"]
            if record not in patients:
                patients[record] = services.patient_create(
                    actor=coordinator, site=site, full_name=f"REDCap record {record}"
                )
            day = row.get("alsfrs_date") or row.get("visit_date")
            if day and row.get("alsfrs_q1"):
                items = {
                    k: int(row[f"alsfrs_{k}"]) if row.get(f"alsfrs_{k}") else None
                    for k in ALSFRS_R_KEYS
                }
                services.alsfrs_r_record(
                    actor=coordinator,
                    patient=patients[record],
                    assessed_on=date.fromisoformat(day),
                    respondent="clinic",
                    items=items,
                )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return 1000 * elapsed / max(1, min(count, NAIVE_ROWS))


if __name__ == "__main__":
    sys.exit(main())
