"""``cellpath report``: the same engine and template as the staff page, on a registry's files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cellpath.registry.commands import outcomes_main, synth_main
from cellpath.reports.commands import report_main


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("registry")
    assert synth_main(["--patients", "600", "--out", str(folder), "--seed", "4"]) == 0
    return folder


def args(folder: Path, out: Path, *extra: str) -> list[str]:
    return [
        "--patients",
        str(folder / "PATIENTS.csv"),
        "--visits",
        str(folder / "VISITS.csv"),
        "--as-of",
        "2026-12-01",
        "--out",
        str(out),
        "--quiet",
        *extra,
    ]


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_its_per_course_figures_equal_cellpath_outcomes(registry, tmp_path):
    assert report_main(args(registry, Path(f"{tmp_path}/tables/"))) == 0
    assert (
        outcomes_main(
            [
                "--patients",
                str(registry / "PATIENTS.csv"),
                "--visits",
                str(registry / "VISITS.csv"),
                "--out",
                str(tmp_path / "outcomes"),
                "--quiet",
            ]
        )
        == 0
    )
    analysis = {r["course"]: r for r in rows(tmp_path / "tables" / "analysis.csv")}
    outcomes = {r["patient_id"]: r for r in rows(tmp_path / "outcomes" / "patients.csv")}
    assert len(analysis) > 100
    compared = (
        "n_visits",
        "delta_fs",
        "pre_slope",
        "post_slope",
        "slope_change",
        "responder_petrou",
        "responder_nurown",
        "encals_lp",
    )
    for course, row in analysis.items():
        for column in compared:
            mine, theirs = row[column], outcomes[course][column]
            if mine == "" or theirs == "":
                assert mine == theirs == "", (course, column, mine, theirs)
            else:
                assert float(mine) == pytest.approx(float(theirs), abs=5e-4), (course, column)


def test_it_writes_the_page_and_the_pdf(registry, tmp_path):
    assert report_main(args(registry, tmp_path / "report.html", "--title", "Registry X")) == 0
    page = (tmp_path / "report.html").read_text()
    for heading in ("Who is counted", "Survival against the ENCALS prediction", "Methods"):
        assert heading in page
    assert "<svg" in page and "Registry X" in page
    assert report_main(args(registry, tmp_path / "report.pdf")) == 0
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")


def test_bad_input_names_file_and_line_and_writes_nothing(registry, tmp_path, capsys):
    lines = (registry / "VISITS.csv").read_text().splitlines()
    fields = lines[5].split(",")
    fields[2] = "7"  # q1 is 0-4
    lines[5] = ",".join(fields)
    (tmp_path / "VISITS.csv").write_text("\n".join(lines) + "\n")
    (tmp_path / "PATIENTS.csv").write_text((registry / "PATIENTS.csv").read_text())
    out = tmp_path / "report.html"
    assert report_main(args(tmp_path, out)) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'VISITS.csv'}:6:" in err and "nothing written" in err
    assert not out.exists()


def test_usage_errors_exit_2(registry, tmp_path, capsys):
    assert report_main(args(registry, tmp_path / "x.txt")) == 2
    assert report_main(args(registry, tmp_path / "r.html", "--controls-patients", "p.csv")) == 2
    assert "go together" in capsys.readouterr().err


def test_controls_are_matched_from_a_second_registry(registry, tmp_path):
    controls = tmp_path / "controls"
    assert synth_main(["--patients", "1500", "--out", str(controls), "--seed", "5"]) == 0
    extra = [
        "--controls-patients",
        str(controls / "PATIENTS.csv"),
        "--controls-visits",
        str(controls / "VISITS.csv"),
        "--controls-name",
        "Registry Y",
    ]
    assert report_main(args(registry, tmp_path / "r.html", *extra)) == 0
    page = (tmp_path / "r.html").read_text()
    assert "Against matched external controls: Registry Y" in page
    assert "standardised mean difference" in page
