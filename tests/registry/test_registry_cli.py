"""``cellpath outcomes`` / ``cellpath synth`` (issue 3 CLI contract), called directly and via
``python -m cellpath.registry``.

Clinical rules under test: Labra 2016 ΔFS, Cedarbaum 1999 item rules, Balendra 2014 King's,
Chiò 2015 MiToS, Westeneng 2018 ENCALS.
"""

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cellpath.outcomes import cohort
from cellpath.outcomes.synthetic import synthetic_cohort
from cellpath.registry.commands import outcomes_main, synth_main

PATIENTS = [
    "patient_id,sex,birth_date,onset_date,diagnosis_date,onset_site,el_escorial,ftd,c9orf72,"
    "fvc_percent,treatment_date,death_date",
    "P1,M,1962-01-15,2022-01-15,2023-01-15,limb,probable,0,0,90,,",
    "P2,F,,2021-03-01,,bulbar,,,,,2021-09-01,2023-01-01",
]
VISITS = [
    "patient_id,visit_date,q1,q2,q3,q4,q5a,q5b,q6,q7,q8,q9,q10,q11,q12",
    "P1,2022-11-15,4,4,4,3,3,,3,3,2,2,4,4,4",  # total 40: W-DFS
    "P2,2021-08-01,3,3,3,4,4,,4,4,4,4,4,4,4",
    "P2,2021-05-01,4,3,4,4,4,,4,4,4,4,4,4,4",
    "P2,2022-02-01,2,2,1,4,,3,4,4,4,4,4,4,4",
]


def write(tmp_path: Path, patients=PATIENTS, visits=VISITS) -> tuple[Path, Path]:
    p, v = tmp_path / "PATIENTS.csv", tmp_path / "VISITS.csv"
    p.write_text("\n".join(patients) + "\n")
    v.write_text("\n".join(visits) + "\n")
    return p, v


def run(tmp_path: Path, *extra: str, patients=PATIENTS, visits=VISITS) -> tuple[int, Path]:
    p, v = write(tmp_path, patients, visits)
    out = tmp_path / "out"
    code = outcomes_main(["--patients", str(p), "--visits", str(v), "--out", str(out), *extra])
    return code, out


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_it_writes_visits_and_patients(tmp_path):
    """W-DFS through the CLI: 304 days, total 40 → 9.9877 months, ΔFS 0.8010 (Labra 2016)."""
    code, out = run(tmp_path)
    assert code == 0
    visits = rows(out / "visits.csv")
    assert list(visits[0]) == list(cohort.VISIT_OUTPUT_COLUMNS)
    assert [(r["patient_id"], r["visit_date"]) for r in visits] == [
        ("P1", "2022-11-15"),
        ("P2", "2021-05-01"),
        ("P2", "2021-08-01"),
        ("P2", "2022-02-01"),
    ]
    assert visits[0]["months_since_onset"] == "9.9877"
    assert visits[0]["total"] == "40" and visits[0]["kings"] == "2" and visits[0]["mitos"] == "0"
    assert visits[3]["gastrostomy"] == "1" and visits[3]["kings"] == "4A"
    patients = {r["patient_id"]: r for r in rows(out / "patients.csv")}
    assert list(patients["P1"]) == list(cohort.PATIENT_OUTPUT_COLUMNS)
    assert float(patients["P1"]["delta_fs"]) == pytest.approx(0.8010, abs=1e-4)
    assert patients["P1"]["slope_ols"] == ""  # one visit
    assert patients["P1"]["encals_lp"] != "" and patients["P2"]["encals_lp"] == ""
    assert patients["P2"]["n_visits"] == "3"
    assert float(patients["P2"]["slope_ols"]) < 0
    assert patients["P2"]["responder_nurown"] in ("0", "1")
    assert not (out / "rejects.csv").exists()


def test_it_runs_as_python_m_cellpath_registry(tmp_path):
    p, v = write(tmp_path)
    out = tmp_path / "out"
    args = ["--patients", str(p), "--visits", str(v), "--out", str(out)]
    proc = subprocess.run(
        [sys.executable, "-m", "cellpath.registry", "outcomes", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(rows(out / "visits.csv")) == 4


def test_synth_then_outcomes_matches_the_cohort_api(tmp_path):
    assert synth_main(["--patients", "300", "--out", str(tmp_path / "in"), "--seed", "9"]) == 0
    inputs = tmp_path / "in"
    args = ["--patients", str(inputs / "PATIENTS.csv"), "--visits", str(inputs / "VISITS.csv")]
    code = outcomes_main([*args, "--out", str(tmp_path / "out")])
    assert code == 0
    expected = cohort.compute(*synthetic_cohort(300, seed=9)).patients
    got = rows(tmp_path / "out" / "patients.csv")
    assert [r["patient_id"] for r in got] == [f"P{i:07d}" for i in range(1, 301)]
    for name, decimals in (("slope_ols", 6), ("encals_median_months", 4), ("post_slope", 6)):
        values = np.array([float(r[name]) if r[name] else np.nan for r in got])
        assert np.array_equal(np.isnan(values), np.isnan(expected[name]))
        finite = ~np.isnan(values)
        assert np.allclose(values[finite], expected[name][finite], atol=10**-decimals)
    visit_rows = rows(tmp_path / "out" / "visits.csv")
    assert len(visit_rows) == len(synthetic_cohort(300, seed=9)[1]["patient_id"])


def replace(lines: list[str], index: int, new: str) -> list[str]:
    return [*lines[:index], new, *lines[index + 1 :]]


BAD_INPUTS = {
    "unknown patient": (
        {"visits": [*VISITS, "P9,2022-01-01,4,4,4,4,4,,4,4,4,4,4,4,4"]},
        "VISITS.csv:6: unknown patient 'P9'",
    ),
    "bad date": (
        {"visits": replace(VISITS, 1, "P1,2022-02-30,4,4,4,3,3,,3,3,2,2,4,4,4")},
        "VISITS.csv:2: visit_date: '2022-02-30' is not a date (YYYY-MM-DD)",
    ),
    "bad date format": (
        {"patients": replace(PATIENTS, 1, PATIENTS[1].replace("2023-01-15", "15/01/2023"))},
        "PATIENTS.csv:2: diagnosis_date: '15/01/2023' is not a date (YYYY-MM-DD)",
    ),
    "item out of range": (
        {"visits": replace(VISITS, 2, "P2,2021-08-01,3,3,3,4,4,,4,4,4,7,4,4,4")},
        "VISITS.csv:3: q9: 7 is out of range 0-4",
    ),
    "item not an integer": (
        {"visits": replace(VISITS, 2, "P2,2021-08-01,3,3,3,4,4,,4,4,4,x,4,4,4")},
        "VISITS.csv:3: q9: 'x' is not an integer 0-4",
    ),
    "item missing": (
        {"visits": replace(VISITS, 2, "P2,2021-08-01,3,3,3,,4,,4,4,4,4,4,4,4")},
        "VISITS.csv:3: q4: missing (every ALSFRS-R item is required)",
    ),
    "both 5a and 5b": (
        {"visits": replace(VISITS, 2, "P2,2021-08-01,3,3,3,4,4,4,4,4,4,4,4,4,4")},
        "VISITS.csv:3: both q5a and q5b are scored (exactly one is allowed)",
    ),
    "neither 5a nor 5b": (
        {"visits": replace(VISITS, 2, "P2,2021-08-01,3,3,3,4,,,4,4,4,4,4,4,4")},
        "VISITS.csv:3: neither q5a nor q5b is scored (exactly one is required)",
    ),
    "visit before onset": (
        {"visits": replace(VISITS, 1, "P1,2021-11-15,4,4,4,3,3,,3,3,2,2,4,4,4")},
        "VISITS.csv:2: visit_date 2021-11-15 is before onset_date 2022-01-15",
    ),
    "visit after death": (
        {"visits": replace(VISITS, 4, "P2,2023-02-01,2,2,1,4,,3,4,4,4,4,4,4,4")},
        "VISITS.csv:5: visit_date 2023-02-01 is after death_date 2023-01-01",
    ),
    "duplicate visit": (
        {"visits": [*VISITS, "P2,2021-05-01,4,4,4,4,4,,4,4,4,4,4,4,4"]},
        "VISITS.csv:6: duplicate visit: this patient already has a visit on 2021-05-01 "
        "(first at line 4)",
    ),
    "missing visits column": (
        {"visits": [",".join(c for c in VISITS[0].split(",") if c != "q7")]},
        "VISITS.csv:1: missing required column 'q7'",
    ),
    "missing patients column": (
        {"patients": [PATIENTS[0].replace("onset_date", "onset")]},
        "PATIENTS.csv:1: missing required column 'onset_date'",
    ),
    "original ALSFRS": (
        {"visits": ["patient_id,visit_date,q1,q2,q3,q4,q5a,q5b,q6,q7,q8,q9,q10"]},
        "VISITS.csv:1: this looks like the original ALSFRS (10 items, total 0-40)",
    ),
    "wrong number of fields": (
        {"visits": [*VISITS, "P2,2022-03-01,4,4"]},
        "VISITS.csv:6: expected 15 fields, found 4",
    ),
    "duplicate patient": (
        {"patients": [*PATIENTS, "P1,F,,2020-01-01,,,,,,,,"]},
        "PATIENTS.csv:4: duplicate patient_id 'P1' (first at line 2)",
    ),
    "unknown category": (
        {"patients": replace(PATIENTS, 1, PATIENTS[1].replace(",limb,", ",arm,"))},
        "PATIENTS.csv:2: onset_site: 'arm' is not one of bulbar|limb|respiratory|other",
    ),
    "diagnosis before onset": (
        {"patients": replace(PATIENTS, 1, PATIENTS[1].replace("2023-01-15", "2021-01-15"))},
        "PATIENTS.csv:2: onset_date 2022-01-15 is after diagnosis_date 2021-01-15",
    ),
    "missing onset": (
        {"patients": replace(PATIENTS, 1, PATIENTS[1].replace("2022-01-15,2023", ",2023"))},
        "PATIENTS.csv:2: onset_date: required",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_it_refuses_bad_input_with_file_and_line(tmp_path, capsys, case):
    """Every bad-input class: FILE:LINE: message on stderr, exit 2, no output file."""
    files, expected = BAD_INPUTS[case]
    code, out = run(tmp_path, **files)
    err = capsys.readouterr().err
    assert code == 2
    assert str(tmp_path / expected.split(":")[0]) + ":" + expected.split(":", 1)[1] in err, err
    assert not out.exists()


def test_a_failed_run_leaves_an_existing_output_directory_untouched(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "visits.csv").write_text("old\n")
    code, _ = run(tmp_path, visits=[*VISITS, "P9,2022-01-01,4,4,4,4,4,,4,4,4,4,4,4,4"])
    assert code == 2
    assert sorted(p.name for p in out.iterdir()) == ["visits.csv"]
    assert (out / "visits.csv").read_text() == "old\n"


def test_skip_invalid_writes_the_valid_rows_and_the_rejects(tmp_path, capsys):
    visits = [
        *VISITS,
        "P9,2022-01-01,4,4,4,4,4,,4,4,4,4,4,4,4",
        "P2,2022-03-01,4,4,4,4,4,4,4,4,4,4,4,4,4",
    ]
    patients = [*PATIENTS, "P3,M,,2021-02-30,,,,,,,,"]
    code, out = run(tmp_path, "--skip-invalid", patients=patients, visits=visits)
    assert code == 0
    rejects = rows(out / "rejects.csv")
    assert [(Path(r["file"]).name, r["line"], r["patient_id"]) for r in rejects] == [
        ("PATIENTS.csv", "4", "P3"),
        ("VISITS.csv", "6", "P9"),
        ("VISITS.csv", "7", "P2"),
    ]
    assert "both q5a and q5b" in rejects[2]["reason"]
    assert len(rows(out / "visits.csv")) == 4
    assert [r["patient_id"] for r in rows(out / "patients.csv")] == ["P1", "P2"]

    # A later strict run that succeeds removes the stale rejects.csv.
    code, out = run(tmp_path)
    assert code == 0 and not (out / "rejects.csv").exists()


def test_skip_invalid_cannot_skip_a_missing_column(tmp_path, capsys):
    code, out = run(tmp_path, "--skip-invalid", visits=[VISITS[0].replace(",q12", "")])
    assert code == 2 and not out.exists()


def test_help_explains_every_column(capsys):
    assert outcomes_main(["--help"]) == 0
    text = capsys.readouterr().out
    for name in (
        *PATIENTS[0].split(","),
        *VISITS[0].split(",")[:3],
        "q5a",
        "q5b",
        *cohort.VISIT_OUTPUT_COLUMNS,
        *cohort.PATIENT_OUTPUT_COLUMNS,
    ):
        assert name in text, name


def test_usage_errors_and_missing_files_exit_2(tmp_path, capsys):
    assert outcomes_main(["--patients", "x.csv"]) == 2
    assert "--visits" in capsys.readouterr().err
    p, _ = write(tmp_path)
    assert outcomes_main(["--patients", str(p), "--visits", "nope.csv", "--out", "o"]) == 2
    assert "nope.csv: cannot read" in capsys.readouterr().err
    assert synth_main(["--patients", "0", "--out", str(tmp_path / "s")]) == 2


def test_it_will_not_overwrite_an_input_file(tmp_path, capsys):
    p, v = write(tmp_path)
    (tmp_path / "patients.csv").unlink(missing_ok=True)
    p2 = tmp_path / "patients.csv"
    p.rename(p2)
    code = outcomes_main(["--patients", str(p2), "--visits", str(v), "--out", str(tmp_path)])
    assert code == 2 and "is an input file" in capsys.readouterr().err
    assert p2.read_text().startswith("patient_id,sex")


def test_max_errors_limits_the_report_but_counts_everything(tmp_path, capsys):
    visits = [*VISITS] + [f"P9,2022-01-{d:02d},4,4,4,4,4,,4,4,4,4,4,4,4" for d in range(1, 21)]
    code, _ = run(tmp_path, "--max-errors", "5", visits=visits)
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("unknown patient") == 5
    assert "15 more problems not shown (20 in all" in err


def test_quoted_crlf_input_gives_the_same_output(tmp_path):
    code, out = run(tmp_path)
    plain = (out / "patients.csv").read_bytes()
    quoted = tmp_path / "q"
    quoted.mkdir()
    patients = [",".join(f'"{f}"' for f in line.split(",")) for line in PATIENTS]
    code, out2 = run(quoted, patients=patients, visits=[line + "\r" for line in VISITS])
    assert code == 0
    assert (out2 / "patients.csv").read_bytes() == plain


def test_progress_is_reported_on_request(tmp_path, capsys):
    code, _ = run(tmp_path, "--progress")
    err = capsys.readouterr().err
    assert code == 0 and "cellpath outcomes: read 4 visit rows" in err
