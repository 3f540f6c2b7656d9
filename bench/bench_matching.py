"""Benchmark of matched external controls (``reports.analysis.matching``).

Synthetic registries (``outcomes.synthetic``): controls = every patient of one cohort (default
100,000 patients, about 1,000,000 visits); treated = the first 2,000 treated courses of another.
Times building the histories, matching, the balance table and the outcome comparison, on one
process. Prints one line per step and a summary line
``matching: treated=N controls=N visits=N pseudo_indices=N match_s=X``.
Run: ``PYTHONPATH=src .venv/bin/python bench/bench_matching.py [--controls N] [--treated N]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from cellpath.outcomes import cohort
from cellpath.outcomes.synthetic import synthetic_cohort
from cellpath.reports.analysis import matching


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--controls", type=int, default=100_000)
    parser.add_argument("--treated", type=int, default=2_000)
    parser.add_argument("--k", type=int, default=3)
    args = parser.parse_args()

    t = time.perf_counter()
    cp, cv = synthetic_cohort(args.controls, seed=11, treated_fraction=0.0)
    tp, tv = synthetic_cohort(4 * args.treated, seed=12, treated_fraction=0.5, treatment_effect=0.3)
    c_out = cohort.compute(cp, cv, validate=False).visits
    t_out = cohort.compute(tp, tv, validate=False).visits
    print(f"  synthetic registries + totals: {time.perf_counter() - t:.1f} s", flush=True)

    t = time.perf_counter()
    controls = matching.histories_from_tables(cp, c_out)
    treated_all = matching.histories_from_tables(tp, t_out, index_column="treatment_date")
    assert treated_all.index_day is not None
    rows = np.flatnonzero(~np.isnan(treated_all.index_day))[: args.treated]
    treated = treated_all.take(rows)
    print(f"  histories: {time.perf_counter() - t:.1f} s", flush=True)

    spec = matching.MatchSpec(k=args.k)
    t = time.perf_counter()
    result = matching.match_controls(treated, controls, spec)
    match_s = time.perf_counter() - t
    print(f"  match_controls: {match_s:.1f} s; courses with 0..k controls {result.match_counts}")
    codes, counts = np.unique(result.reason[result.reason != ""], return_counts=True)
    reasons = dict(zip(codes.tolist(), counts.tolist(), strict=True))
    print(f"  no-match reasons: {reasons}")

    t = time.perf_counter()
    rows_b = matching.matched_balance(result, treated, controls)
    out = matching.compare_outcomes(result, treated, controls)
    print(f"  balance + outcomes: {time.perf_counter() - t:.1f} s")
    for r in rows_b:
        print(f"    {r.variable:20s} SMD before {r.smd_before:+.3f}  after {r.smd_after:+.3f}")
    ch = out.alsfrs_change
    print(
        f"    ALSFRS-R change at 6 months: treated {ch.treated_mean:.2f} (n={ch.treated_n}), "
        f"controls {ch.controls_mean:.2f} (n={ch.controls_n}), difference {ch.difference:.2f} "
        f"[{ch.ci_low:.2f}, {ch.ci_high:.2f}]"
    )
    print(
        f"matching: treated={treated.n_patients} controls={controls.n_patients} "
        f"visits={controls.visit_day.size} pseudo_indices={result.n_candidate_pseudo_indices} "
        f"match_s={match_s:.1f}"
    )


if __name__ == "__main__":
    main()
