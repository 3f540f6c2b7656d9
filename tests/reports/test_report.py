"""The cohort report's engine (``reports.analysis.report``): its per-course figures are the
outcomes engine's, its exclusions say why, its denominators and its expected events are right."""

from __future__ import annotations

import numpy as np
import pytest

from cellpath.outcomes import cohort
from cellpath.outcomes.survival import encals_log_survival, encals_survival_quantile
from cellpath.outcomes.synthetic import synthetic_cohort
from cellpath.outcomes.vocabulary import ALSFRS_R_KEYS, DAYS_PER_MONTH
from cellpath.reports.analysis.report import ANALYSIS_COLUMNS, analyse

AS_OF = "2026-12-01"


def items(total: int) -> dict[str, int]:
    """Twelve items (5a answered) adding up to ``total``."""
    values = [4] * 12
    drop = 48 - total
    for i in range(12):
        take = min(4, drop)
        values[i] -= take
        drop -= take
    out = {}
    for key in ALSFRS_R_KEYS:
        out[key] = -1
    order = [k for k in ALSFRS_R_KEYS if k != "q5b"]
    for key, value in zip(order, values, strict=True):
        out[key] = value
    return out


def tables(courses: list[dict], visits: list[tuple[str, str, int]]) -> tuple[dict, dict]:
    """Course and visit tables from plain rows (dates as ISO strings)."""
    keys = sorted({k for c in courses for k in c})
    c_table: dict[str, np.ndarray] = {}
    for key in keys:
        values = [c.get(key) for c in courses]
        if key.endswith("_date"):
            c_table[key] = np.array([v or "NaT" for v in values], dtype="datetime64[D]")
        elif key in {"fvc_percent", "ftd", "c9orf72"}:
            c_table[key] = np.array([np.nan if v is None else v for v in values], dtype=float)
        else:
            c_table[key] = np.array(values, dtype=object)
    v_table = {
        "patient_id": np.array([v[0] for v in visits], dtype=object),
        "visit_date": np.array([v[1] for v in visits], dtype="datetime64[D]"),
    }
    for key in ALSFRS_R_KEYS:
        v_table[key] = np.array([items(v[2])[key] for v in visits], dtype=np.int16)
    return c_table, v_table


BASE = {
    "sex": "F",
    "birth_date": "1960-01-01",
    "onset_date": "2023-01-01",
    "diagnosis_date": "2023-07-01",
    "onset_site": "limb",
    "el_escorial": "probable",
    "fvc_percent": 90.0,
    "ftd": 0.0,
    "c9orf72": 0.0,
}


def test_per_course_figures_equal_the_outcomes_engine() -> None:
    patients, visits = synthetic_cohort(1500, seed=5)
    report = analyse(patients, visits, as_of=AS_OF)
    treated = ~np.isnat(patients["treatment_date"])
    engine = cohort.compute(
        {k: v[treated] for k, v in patients.items()},
        {
            k: v[np.isin(visits["patient_id"], patients["patient_id"][treated])]
            for k, v in visits.items()
        },
        as_of=np.datetime64(AS_OF),
    )
    assert report.n_courses == int(treated.sum()) > 300
    assert list(report.table) == list(ANALYSIS_COLUMNS)
    np.testing.assert_array_equal(report.table["course"], engine.patients["patient_id"])
    for column in cohort.PATIENT_OUTPUT_COLUMNS[1:]:
        np.testing.assert_array_equal(report.table[column], engine.patients[column], column)


def test_exclusions_name_their_reason() -> None:
    courses = [
        # A: two visits before treatment a month apart, one at 6 months → both slopes.
        {**BASE, "patient_id": "A", "treatment_date": "2024-03-01"},
        # B: a single visit before treatment → no pre-treatment slope.
        {**BASE, "patient_id": "B", "treatment_date": "2024-03-01"},
        # C: treated two months before the report date → the 6-month window is still open.
        {**BASE, "patient_id": "C", "treatment_date": "2026-10-01"},
        # D: died three months after treatment.
        {**BASE, "patient_id": "D", "treatment_date": "2024-03-01", "death_date": "2024-06-01"},
    ]
    visits = [
        ("A", "2024-01-01", 40),
        ("A", "2024-03-01", 38),
        ("A", "2024-09-01", 36),
        ("B", "2024-03-01", 38),
        ("B", "2024-09-01", 35),
        ("C", "2026-08-01", 40),
        ("C", "2026-10-01", 38),
        ("D", "2024-01-01", 40),
        ("D", "2024-03-01", 37),
    ]
    report = analyse(*tables(courses, visits), as_of=AS_OF)
    why = dict(zip(report.table["course"], report.table["excluded_slopes"], strict=True))
    assert why == {"A": "", "B": "no_lead_in", "C": "window_not_reached", "D": "died_before_window"}
    assert report.slopes.n == 1
    # Responders: A, B and D are due (the window closed, or death came first); C is not yet.
    nurown = next(r for r in report.responders if r.definition == "nurown")
    assert (nurown.all_treated, nurown.evaluable) == (3, 1)
    # A: pre −2/1.97 mo ≈ −1.01, post −2/6.05 ≈ −0.33 → change +0.68 < 1.25: not a responder.
    assert nurown.responders == 0
    petrou = next(r for r in report.responders if r.definition == "petrou")
    assert petrou.responders == 1  # A improved by (−0.33 + 1.01)/1.01 ≈ 67 % ≥ 25 %
    assert petrou.all_percent == pytest.approx(100 / 3)


def test_the_composite_endpoint_is_the_first_of_its_three_dates() -> None:
    courses = [
        {
            **BASE,
            "patient_id": "T",
            "treatment_date": "2024-03-01",
            "tracheostomy_date": "2024-08-01",
            "death_date": "2025-01-01",
        },
        {
            **BASE,
            "patient_id": "N",
            "treatment_date": "2024-03-01",
            "niv_full_time_date": "2024-05-01",
        },
        {
            **BASE,
            "patient_id": "E",
            "treatment_date": "2024-03-01",
            "tracheostomy_date": "2024-02-01",
        },
        {**BASE, "patient_id": "S", "treatment_date": "2024-03-01"},
    ]
    visits = [
        (c["patient_id"], d, t)
        for c in courses
        for d, t in (("2024-01-01", 40), ("2024-03-01", 38))
    ]
    visits.append(("S", "2025-03-01", 30))
    report = analyse(*tables(courses, visits), as_of=AS_OF)
    t = dict(zip(report.table["course"], report.table["endpoint_kind"], strict=True))
    assert t == {"T": "tracheostomy", "N": "niv_full_time", "E": "tracheostomy", "S": ""}
    survival_why = dict(zip(report.table["course"], report.table["excluded_survival"], strict=True))
    assert survival_why["E"] == "endpoint_before_treatment"
    assert report.survival.n == 3 and report.survival.events == 2
    exits = dict(zip(report.table["course"], report.table["exit_date"], strict=True))
    assert exits["S"] == np.datetime64("2025-03-01")  # censored at the last contact


def test_expected_events_are_the_log_survival_between_entry_and_exit() -> None:
    patients, visits = synthetic_cohort(800, seed=11)
    report = analyse(patients, visits, as_of=AS_OF)
    t = report.table
    lp = t["encals_lp"]
    ok = np.isfinite(t["expected_events"])
    assert ok.sum() > 100
    onset = patients["onset_date"][np.isin(patients["patient_id"], t["course"])]
    entry = (t["treatment_date"] - onset).astype(float) / DAYS_PER_MONTH
    exit_ = (t["exit_date"] - onset).astype(float) / DAYS_PER_MONTH
    by_hand = encals_log_survival(entry, lp) - encals_log_survival(exit_, lp)
    np.testing.assert_allclose(t["expected_events"][ok], by_hand[ok], rtol=1e-12)
    assert report.survival.oe.expected == pytest.approx(t["expected_events"][ok].sum())


def test_observed_equals_expected_when_events_follow_the_model() -> None:
    """Simulate each patient's endpoint from their own ENCALS curve, given event-free at
    treatment (delayed entry), with censoring: O/E must then be about 1 and its 95 % CI
    should cover 1; ignoring delayed entry would not."""
    patients, visits = synthetic_cohort(6000, seed=2, treated_fraction=1.0)
    patients = dict(patients)
    patients["death_date"] = np.full(patients["patient_id"].size, "NaT", dtype="datetime64[D]")
    first = analyse(patients, visits, as_of=AS_OF)
    t = first.table
    keep = np.isfinite(t["encals_lp"])
    rows = np.flatnonzero(np.isin(patients["patient_id"], t["course"][keep]))
    lp = t["encals_lp"][keep]
    onset = patients["onset_date"][rows]
    entry = (patients["treatment_date"][rows] - onset).astype(float) / DAYS_PER_MONTH
    rng = np.random.default_rng(4)
    s_entry = np.exp(encals_log_survival(entry, lp))
    event_month = encals_survival_quantile(lp, rng.random(lp.size) * s_entry)
    event_day = onset + np.round(event_month * DAYS_PER_MONTH).astype("timedelta64[D]")
    event_day = np.maximum(event_day, patients["treatment_date"][rows] + np.timedelta64(1, "D"))
    censor = patients["treatment_date"][rows] + rng.integers(30, 1500, lp.size).astype(
        "timedelta64[D]"
    )
    sim = {k: v[rows] for k, v in patients.items()}
    sim["death_date"] = np.where(event_day <= censor, event_day, np.datetime64("NaT"))
    sim["last_contact_date"] = np.minimum(censor, np.datetime64(AS_OF))
    sim_visits = {k: v[np.isin(visits["patient_id"], sim["patient_id"])] for k, v in visits.items()}
    # Follow-up ends at the event or the censoring: no visit after either.
    end = np.where(np.isnat(sim["death_date"]), sim["last_contact_date"], sim["death_date"])
    end_of = dict(zip(sim["patient_id"].tolist(), end, strict=True))
    alive = np.array(
        [
            d <= end_of[p]
            for p, d in zip(
                sim_visits["patient_id"].tolist(), sim_visits["visit_date"], strict=True
            )
        ]
    )
    sim_visits = {k: v[alive] for k, v in sim_visits.items()}
    report = analyse(sim, sim_visits, as_of="2040-01-01")
    oe = report.survival.oe
    assert oe.observed > 300
    assert oe.lower <= 1.0 <= oe.upper, oe
    assert 0.9 < oe.ratio < 1.1


def test_an_endpoint_on_the_day_of_the_first_dose_counts_at_half_a_day() -> None:
    courses = [
        {**BASE, "patient_id": "X", "treatment_date": "2024-03-01", "death_date": "2024-03-01"},
        {**BASE, "patient_id": "Y", "treatment_date": "2024-03-01"},
    ]
    visits = [
        ("X", "2024-01-01", 40),
        ("X", "2024-03-01", 38),
        ("Y", "2024-01-01", 40),
        ("Y", "2024-03-01", 38),
        ("Y", "2024-09-01", 34),
    ]
    report = analyse(*tables(courses, visits), as_of=AS_OF)
    assert report.survival.n == 2 and report.survival.events == 1
    followed = dict(zip(report.table["course"], report.table["followup_months"], strict=True))
    assert followed["X"] == pytest.approx(0.5 / DAYS_PER_MONTH)
    assert report.survival.km.survival[1] == pytest.approx(0.5)


def test_fvc_percent_values_are_care_measurements_figures() -> None:
    """The report's FVC % predicted for many patients at once equals ``fvc_percents`` per
    patient: computed, entered, NHANES III, unknown equation, missing inputs, out of range."""
    from collections import namedtuple
    from datetime import date
    from decimal import Decimal

    from cellpath.care.measurements import fvc_percents
    from cellpath.care.models import Patient
    from cellpath.reports.queries import fvc_percent_values

    row = namedtuple("row", "patient_id measured_on fvc_litres fvc_percent_entered equation")
    patients = {
        1: Patient(date_of_birth=date(1960, 3, 1), height_cm=Decimal("172.5"), sex="M"),
        2: Patient(date_of_birth=date(1955, 7, 9), height_cm=Decimal("160"), sex="F"),
        3: Patient(date_of_birth=date(1950, 1, 1), height_cm=None, sex="F"),
        4: Patient(date_of_birth=date(1930, 1, 1), height_cm=Decimal("180"), sex="M"),
    }
    rows = [
        row(1, date(2024, 1, 5), Decimal("3.50"), None, "gli2012"),
        row(1, date(2024, 6, 5), Decimal("3.10"), Decimal("80.5"), ""),
        row(1, date(2024, 9, 5), None, Decimal("70.0"), "gli2012"),
        row(2, date(2024, 2, 1), Decimal("2.40"), None, "nhanes3"),
        row(2, date(2024, 3, 1), Decimal("2.30"), Decimal("75.0"), "other"),
        row(2, date(2024, 4, 1), Decimal("2.20"), None, "other"),
        row(3, date(2024, 2, 1), Decimal("2.00"), Decimal("66.0"), "gli2012"),
        row(3, date(2024, 3, 1), Decimal("2.00"), None, "gli2012"),
        row(4, date(2024, 2, 1), Decimal("3.00"), None, "nhanes3"),  # 94 years: outside
        row(4, date(2024, 3, 1), Decimal("3.00"), None, "gli2012"),
    ]
    expected = [
        f.percent
        for pid in patients
        for f in fvc_percents(patients[pid], [r for r in rows if r.patient_id == pid])
    ]
    epoch = date(1970, 1, 1).toordinal()

    def column(values: list, blank: float = np.nan) -> np.ndarray:
        return np.array([blank if v is None else float(v) for v in values])

    got = fvc_percent_values(
        patients,
        np.array([r.patient_id for r in rows]),
        np.array([r.measured_on.toordinal() - epoch for r in rows]),
        column([r.fvc_litres for r in rows]),
        column([r.fvc_percent_entered for r in rows]),
        np.array([r.equation for r in rows], dtype=object),
    )
    assert [None if np.isnan(v) else v for v in got.tolist()] == expected
    assert expected[0] is not None and expected[2] == 70.0 and expected[7] is None
