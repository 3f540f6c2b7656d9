"""``cellpath proact convert``: a PRO-ACT download (Atassi 2014 layout) → the outcomes contract.

Every PRO-ACT file here is synthetic, written by the fixture in the PRO-ACT layout; no PRO-ACT
data is shipped.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest

from cellpath import cli
from cellpath.outcomes.vocabulary import ALSFRS_R_ITEMS
from cellpath.registry import proact
from cellpath.registry.commands import outcomes_main
from cellpath.registry.proact_cli import proact_main
from cellpath.registry.tables import PATIENT_COLUMNS, VISIT_COLUMNS

ANCHOR = date(2000, 1, 1)

ALSFRS_HEADER = (
    "subject_id,Q1_Speech,Q2_Salivation,Q3_Swallowing,Q4_Handwriting,"
    "Q5a_Cutting_without_Gastrostomy,Q5b_Cutting_with_Gastrostomy,Q6_Dressing_and_Hygiene,"
    "Q7_Turning_in_Bed,Q8_Walking,Q9_Climbing_Stairs,Q10_Respiratory,ALSFRS_Delta,ALSFRS_Total,"
    "R_1_Dyspnea,R_2_Orthopnea,R_3_Respiratory_Insufficiency,ALSFRS_R_Total,"
    "Mode_of_Administration,ALSFRS_Responded_By"
)


def alsfrs(
    sid: str,
    delta: object,
    nine: tuple[int, ...],  # q1-q4, q5, q6-q9
    *,
    r: tuple[object, object, object] | None = None,
    q10: object = "",
    gastrostomy: bool = False,
) -> str:
    """One PRO-ACT ALSFRS row; totals as PRO-ACT gives them (ALSFRS /40, ALSFRS-R /48)."""
    q = [str(x) for x in nine]
    q5a, q5b = ("", q[4]) if gastrostomy else (q[4], "")
    items = [*q[:4], q5a, q5b, *q[5:]]
    base = sum(nine)
    alsfrs_total = str(base + int(q10)) if q10 != "" else ""
    rs = ["", "", ""] if r is None else [str(x) for x in r]
    r_total = str(base + sum(int(x) for x in rs)) if r and all(x != "" for x in rs) else ""
    return ",".join(
        [sid, *items, str(q10), str(delta), alsfrs_total, *rs, r_total, "Self", "Patient"]
    )


ALSFRS_ROWS = [
    # line 2-5: subject 101, ALSFRS-R; line 5 is after death (day 200)
    alsfrs("101", -3, (4, 4, 4, 4, 4, 4, 4, 4, 4), r=(3, 2, 1)),
    alsfrs("101", 60, (4, 3, 4, 4, 3, 4, 3, 3, 3), r=(3, 3, 2)),
    alsfrs("101", 120, (3, 3, 3, 3, 3, 3, 3, 2, 2), r=(2, 2, 2)),
    alsfrs("101", 250, (3, 3, 3, 3, 3, 3, 3, 2, 2), r=(2, 2, 2)),
    # line 6-7: subject 102, original ALSFRS only (Q10, /40)
    alsfrs("102", 0, (3, 3, 3, 4, 4, 4, 4, 4, 4), q10=4),
    alsfrs("102", 90, (3, 2, 3, 4, 4, 4, 3, 3, 3), q10=3),
    # line 8-13: subject 103, mixed; 5b (gastrostomy) and a Q10 copied onto an R row
    alsfrs("103", -10, (4, 4, 4, 4, 4, 4, 4, 4, 4), q10=4),
    alsfrs("103", 30, (4, 4, 3, 4, 4, 4, 4, 4, 4), r=(4, 4, 4), q10=4),
    alsfrs("103", 100, (3, 3, 2, 4, 2, 4, 4, 4, 4), r=(4, 4, 3), gastrostomy=True),
    alsfrs("103", 130, (3, 5, 2, 4, 2, 4, 4, 4, 4), r=(4, 4, 3)),  # item 5 out of range
    alsfrs("103", "12.5", (3, 3, 2, 4, 2, 4, 4, 4, 4), r=(4, 4, 3)),  # delta not whole
    alsfrs("103", 160, (3, 3, 2, 4, 2, 4, 4, 4, 4), r=(4, "", 3)),  # incomplete R1-R3
    # line 14: subject 104 has no usable onset (unknown onset spelling)
    alsfrs("104", 0, (4, 4, 4, 4, 4, 4, 4, 4, 4), r=(4, 4, 4)),
    # line 15: subject 105, ALSFRS-R
    alsfrs("105", 0, (4, 4, 3, 3, 3, 3, 3, 3, 3), r=(4, 4, 4)),
]
ALSHISTORY = [
    "subject_id,Onset_Delta,Diagnosis_Delta,Site_of_Onset",
    "101,-400,-200,Onset: Limb",
    "102,-700,-300,Onset: Bulbar",
    "103,-300,,Limb",
    "104,-200,-100,Onset: Spine",
    "105,-500,-250,Onset: Limb and Bulbar",
]
DEMOGRAPHICS = [
    "subject_id,Demographics_Delta,Age,Date_of_Birth,Sex,Race_Caucasian,Race_Other",
    "101,0,60,,Male,1,",
    "102,0,,-20000,Female,1,",
    "103,0,,,M,,=HYPERLINK(1)",
    "105,0,62.5,,Female,1,",
]
FVC = [
    "subject_id,Subject_Liters_Trial_1,pct_of_Normal_Trial_1,Subject_Liters_Trial_2,"
    "pct_of_Normal_Trial_2,Subject_Liters_Trial_3,pct_of_Normal_Trial_3,Subject_Normal,"
    "Forced_Vital_Capacity_Delta,Forced_Vital_Capacity_Units",
    "101,3.1,85,3.3,90,3.2,88,3.67,-5,Liters",
    "101,2.9,80,,,,,3.67,90,Liters",
    "101,3.0,,,,,,3.75,-30,Liters",  # no %: litres / Subject_Normal = 80 %
    "102,75,,78,,,,,0,Percent Predicted",  # in % rows the "liters" column holds the %
    "105,2.5,,,,,,,10,",  # blank units and no %: cannot tell litres from %
    "105,,70,,,,,,20,",
]
DEATHDATA = ["subject_id,Subject_Died,Death_Days", "101,Yes,200", "105,No,"]
TREATMENT = [
    "subject_id,Study_Arm,Treatment_Group_Delta",
    "101,Placebo,0",
    "102,Active,0",
    "103,Active,0",
    "104,Placebo,0",
    "105,Placebo,0",
]
RILUZOLE = ["subject_id,Subject_used_Riluzole,Riluzole_use_Delta", "101,Yes,-30", "102,No,"]

TABLES = {
    "ALSFRS": [ALSFRS_HEADER, *ALSFRS_ROWS],
    "ALSHISTORY": ALSHISTORY,
    "DEMOGRAPHICS": DEMOGRAPHICS,
    "FVC": FVC,
    "DEATHDATA": DEATHDATA,
    "TREATMENT": TREATMENT,
    "RILUZOLE": RILUZOLE,
}


def write_folder(folder: Path, tables: dict[str, list[str]] = TABLES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, lines in tables.items():
        (folder / f"PROACT_{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "proact")


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def day(n: int) -> str:
    return (ANCHOR + timedelta(days=n)).isoformat()


def convert(folder: Path, out: Path, *extra: str) -> int:
    return proact_main(["convert", str(folder), "--out", str(out), *extra])


# ----------------------------------------------------------------------------- the outputs


def test_it_writes_patients_in_the_outcomes_contract(folder, tmp_path):
    assert convert(folder, tmp_path / "out") == 0
    patients = rows(tmp_path / "out" / "PATIENTS.csv")
    assert list(patients[0]) == list(PATIENT_COLUMNS)
    by_id = {p["patient_id"]: p for p in patients}
    assert list(by_id) == ["101", "102", "103", "105"]  # 104: its only onset row was dropped
    p101 = by_id["101"]
    assert p101["sex"] == "M"
    assert p101["birth_date"] == (ANCHOR - timedelta(days=round(60.5 * 365.25))).isoformat()
    assert p101["onset_date"] == day(-400) == "1998-11-27"
    assert p101["diagnosis_date"] == day(-200)
    assert p101["onset_site"] == "limb"
    assert p101["treatment_date"] == "2000-01-01"
    assert p101["death_date"] == day(200) == "2000-07-19"
    assert p101["fvc_percent"] == "90"  # nearest day 0 at or before it (-5), best trial
    assert by_id["102"]["birth_date"] == day(-20000)  # Date_of_Birth as a delta wins over Age
    assert by_id["102"]["sex"] == "F" and by_id["102"]["onset_site"] == "bulbar"
    assert by_id["102"]["fvc_percent"] == "78"  # % row: the "liters" columns hold the %
    assert by_id["102"]["death_date"] == ""
    assert by_id["103"]["birth_date"] == "" and by_id["103"]["diagnosis_date"] == ""
    assert by_id["103"]["fvc_percent"] == ""
    assert by_id["105"]["onset_site"] == "other"  # limb and bulbar: neither alone
    assert by_id["105"]["birth_date"] == (ANCHOR - timedelta(days=round(62.5 * 365.25))).isoformat()
    assert by_id["105"]["fvc_percent"] == "70"  # no row at or before day 0: the first after


def test_alsfrs_r_rows_become_visits_with_r1_r3_as_q10_q12(folder, tmp_path):
    assert convert(folder, tmp_path / "out") == 0
    visits = rows(tmp_path / "out" / "VISITS.csv")
    assert list(visits[0]) == list(VISIT_COLUMNS)
    assert [(v["patient_id"], v["visit_date"]) for v in visits] == [
        ("101", day(-3)),
        ("101", day(60)),
        ("101", day(120)),
        ("103", day(30)),
        ("103", day(100)),
        ("105", day(0)),
    ]
    first = visits[0]
    assert (first["q10"], first["q11"], first["q12"]) == ("3", "2", "1")  # R1, R2, R3
    assert first["q5a"] == "4" and first["q5b"] == ""
    assert visits[4]["q5a"] == "" and visits[4]["q5b"] == "2"  # 5b: with gastrostomy
    assert visits[3]["q10"] == "4"  # the R1 score, not the Q10 also on that row


def test_the_respiratory_items_follow_the_vocabulary_order():
    """R1 dyspnoea, R2 orthopnoea, R3 respiratory insufficiency (Cedarbaum 1999)."""
    titles = {item.key: item.title for item in ALSFRS_R_ITEMS}
    for column, key in proact.R_ITEMS.items():
        assert f"(R{column[2]})" in titles[key]


def test_the_original_alsfrs_is_kept_apart_and_never_rescaled(folder, tmp_path):
    assert convert(folder, tmp_path / "out") == 0
    original = rows(tmp_path / "out" / "ALSFRS_ORIGINAL.csv")
    assert [(r["patient_id"], r["date"], r["alsfrs_total"]) for r in original] == [
        ("102", day(0), "37"),
        ("102", day(90), "32"),
        ("103", day(-10), "40"),  # total of the 40-point scale, as is
    ]
    assert original[0]["q10_respiratory"] == "4"
    visit_days = {(v["patient_id"], v["visit_date"]) for v in rows(tmp_path / "out" / "VISITS.csv")}
    assert ("102", day(0)) not in visit_days and ("103", day(-10)) not in visit_days


def test_fvc_arms_and_riluzole_files(folder, tmp_path):
    assert convert(folder, tmp_path / "out") == 0
    fvc = rows(tmp_path / "out" / "FVC.csv")
    assert [tuple(r.values()) for r in fvc] == [
        ("101", day(-30), "80", "3"),  # 3.0 L / 3.75 L predicted
        ("101", day(-5), "90", "3.3"),  # best of three trials
        ("101", day(90), "80", "2.9"),
        ("102", day(0), "78", ""),  # a % row: litres unknown
        ("105", day(20), "70", ""),
    ]
    arms = {r["patient_id"]: r["arm"] for r in rows(tmp_path / "out" / "ARMS.csv")}
    assert arms == {"101": "placebo", "102": "active", "103": "active", "105": "placebo"}
    riluzole = rows(tmp_path / "out" / "RILUZOLE.csv")
    assert [tuple(r.values()) for r in riluzole] == [("101", "yes", day(-30)), ("102", "no", "")]


def test_bad_rows_are_dropped_and_listed_with_file_and_line(folder, tmp_path, capsys):
    assert convert(folder, tmp_path / "out") == 0
    dropped = rows(tmp_path / "out" / "DROPPED.csv")
    got = {(d["file"], d["line"], d["subject_id"]): d["reason"] for d in dropped}
    expected = {
        ("PROACT_ALSFRS.csv", "5", "101"): "ALSFRS_Delta 250 is after Death_Days 200",
        ("PROACT_ALSFRS.csv", "11", "103"): "Q2_Salivation '5' is not a whole number 0-4",
        ("PROACT_ALSFRS.csv", "12", "103"): "ALSFRS_Delta '12.5' is not a whole number of days",
        ("PROACT_ALSFRS.csv", "13", "103"): "R_2_Orthopnea is blank (incomplete ALSFRS-R)",
        ("PROACT_ALSFRS.csv", "14", "104"): "no Onset_Delta for this subject",
        ("PROACT_ALSHISTORY.csv", "5", "104"): "Site_of_Onset 'Onset: Spine' is not known",
        ("PROACT_FVC.csv", "6", "105"): "no FVC % predicted on this row",
    }
    assert set(got) == set(expected)
    for key, reason in expected.items():
        assert reason in got[key]
    err = capsys.readouterr().err
    assert "7 rows dropped (listed in DROPPED.csv)" in err
    assert "      1  item not 0-4" in err


def test_the_output_is_read_by_cellpath_outcomes_and_the_totals_match(folder, tmp_path):
    out = tmp_path / "out"
    assert convert(folder, out) == 0
    args = ["--patients", str(out / "PATIENTS.csv"), "--visits", str(out / "VISITS.csv")]
    assert outcomes_main([*args, "--out", str(tmp_path / "outcomes"), "--quiet"]) == 0
    computed = [
        (r["patient_id"], r["visit_date"], r["total"])
        for r in rows(tmp_path / "outcomes" / "visits.csv")
    ]
    given = {}
    for line in ALSFRS_ROWS:
        row = dict(zip(ALSFRS_HEADER.split(","), line.split(","), strict=True))
        if row["ALSFRS_R_Total"]:
            given[(row["subject_id"], day(int(float(row["ALSFRS_Delta"]))))] = row["ALSFRS_R_Total"]
    assert computed and all(given[(sid, d)] == total for sid, d, total in computed)
    patients = {r["patient_id"]: r for r in rows(tmp_path / "outcomes" / "patients.csv")}
    assert patients["101"]["n_visits"] == "3" and patients["102"]["n_visits"] == "0"
    assert patients["101"]["pre_slope"] == ""  # a lead-in of 3 days: not a slope


def test_the_output_is_a_valid_reference_cohort_for_cellpath_report(folder, tmp_path):
    from cellpath.reports.files import read_registry

    out = tmp_path / "out"
    assert convert(folder, out) == 0
    read = read_registry(out / "PATIENTS.csv", out / "VISITS.csv")
    assert not isinstance(read, str)
    patients, visits, problems = read
    assert problems == []
    assert list(patients["patient_id"]) == ["101", "102", "103", "105"]
    assert len(visits["visit_date"]) == 6


# ----------------------------------------------------------------------------- options


@pytest.mark.parametrize(
    ("arm", "expected"), [("placebo", ["101", "105"]), ("active", ["102", "103"])]
)
def test_the_arm_filter_restricts_every_file(folder, tmp_path, arm, expected):
    out = tmp_path / "out"
    assert convert(folder, out, "--arm", arm) == 0
    assert [p["patient_id"] for p in rows(out / "PATIENTS.csv")] == expected
    assert {r["arm"] for r in rows(out / "ARMS.csv")} == {arm}
    for name in ("VISITS.csv", "ALSFRS_ORIGINAL.csv", "FVC.csv", "RILUZOLE.csv"):
        assert {r["patient_id"] for r in rows(out / name)} <= set(expected)
    # Data rows of the other arm are left out, not listed as dropped.
    dropped = {
        d["subject_id"] for d in rows(out / "DROPPED.csv") if d["file"] != "PROACT_ALSHISTORY.csv"
    }
    assert dropped == ({"101", "104", "105"} if arm == "placebo" else {"103"})


def test_the_arm_filter_needs_the_treatment_table(tmp_path):
    tables = {k: v for k, v in TABLES.items() if k != "TREATMENT"}
    folder = write_folder(tmp_path / "proact", tables)
    assert convert(folder, tmp_path / "out", "--arm", "placebo") == 2
    assert not (tmp_path / "out").exists()
    assert convert(folder, tmp_path / "out") == 0
    assert {r["arm"] for r in rows(tmp_path / "out" / "ARMS.csv")} == {""}


def test_another_anchor_moves_every_date_but_no_difference(folder, tmp_path):
    assert convert(folder, tmp_path / "a") == 0
    assert convert(folder, tmp_path / "b", "--anchor", "2010-06-15") == 0
    shift = date(2010, 6, 15) - ANCHOR
    a = rows(tmp_path / "a" / "VISITS.csv")
    b = rows(tmp_path / "b" / "VISITS.csv")
    assert [date.fromisoformat(r["visit_date"]) + shift for r in a] == [
        date.fromisoformat(r["visit_date"]) for r in b
    ]
    assert rows(tmp_path / "b" / "PATIENTS.csv")[0]["treatment_date"] == "2010-06-15"
    assert convert(folder, tmp_path / "c", "--anchor", "15/06/2010") == 2


# ----------------------------------------------------------------------------- column variants


def renamed(tables: dict[str, list[str]]) -> dict[str, list[str]]:
    """A derived copy: SubjectID, R1_Dyspnea, lower case, short item names, spaces."""
    out = dict(tables)
    header = (
        ALSFRS_HEADER.replace("subject_id", "SubjectID")
        .replace("R_1_Dyspnea", "R1_Dyspnea")
        .replace("R_2_Orthopnea", "R2")
        .replace("Q1_Speech", "Q1")
        .replace("ALSFRS_Delta", "alsfrs_delta")
    )
    out["ALSFRS"] = [header, *tables["ALSFRS"][1:]]
    out["ALSHISTORY"] = ["Subject ID,onset_delta,DIAGNOSIS_DELTA,Onset Site", *ALSHISTORY[1:]]
    out["FVC"] = [FVC[0].replace("Subject_Normal", "subject_normal"), *FVC[1:]]
    out["DEATHDATA"] = ["Subject_ID,Subject_Died,Death_Days", *DEATHDATA[1:]]
    return out


def test_renamed_columns_give_the_same_output(tmp_path):
    canonical = write_folder(tmp_path / "canonical")
    variant = write_folder(tmp_path / "variant", renamed(TABLES))
    assert convert(canonical, tmp_path / "a") == 0
    assert convert(variant, tmp_path / "b") == 0
    for name in proact.OUTPUT_FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_an_unknown_spelling_of_a_required_column_is_refused(tmp_path, capsys):
    tables = dict(TABLES)
    tables["ALSFRS"] = [ALSFRS_HEADER.replace("R_1_Dyspnea", "Dyspnoea_R1"), *ALSFRS_ROWS]
    folder = write_folder(tmp_path / "proact", tables)
    (tmp_path / "out").mkdir()
    assert convert(folder, tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert (
        "PROACT_ALSFRS.csv:1: missing column R_1_Dyspnea "
        "(accepted spellings: R_1_Dyspnea, R1_Dyspnea, R1" in err
    )
    assert list((tmp_path / "out").iterdir()) == []


def test_two_columns_meaning_the_same_are_refused(tmp_path, capsys):
    tables = dict(TABLES)
    tables["DEATHDATA"] = ["subject_id,SubjectID,Subject_Died,Death_Days", "101,101,Yes,200"]
    folder = write_folder(tmp_path / "proact", tables)
    assert convert(folder, tmp_path / "out") == 2
    assert "PROACT_DEATHDATA.csv:1: columns 'subject_id' and 'SubjectID'" in capsys.readouterr().err


# ----------------------------------------------------------------------------- failures


@pytest.mark.parametrize("table", ["ALSFRS", "ALSHISTORY"])
def test_a_missing_required_table_is_an_error_naming_it(tmp_path, capsys, table):
    folder = write_folder(tmp_path / "proact", {k: v for k, v in TABLES.items() if k != table})
    assert convert(folder, tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert f"PROACT_{table}.csv: missing required table {table}" in err
    assert "nothing written" in err
    assert not (tmp_path / "out").exists()


def test_a_missing_required_column_fails_before_anything_is_written(tmp_path, capsys):
    tables = dict(TABLES)
    tables["ALSHISTORY"] = [
        ",".join(f for i, f in enumerate(line.split(",")) if i != 1) for line in ALSHISTORY
    ]
    assert tables["ALSHISTORY"][0] == "subject_id,Diagnosis_Delta,Site_of_Onset"
    folder = write_folder(tmp_path / "proact", tables)
    out = tmp_path / "out"
    out.mkdir()
    assert convert(folder, out) == 2
    err = capsys.readouterr().err
    assert "PROACT_ALSHISTORY.csv:1: missing column Onset_Delta (accepted spellings:" in err
    assert list(out.iterdir()) == []


def test_optional_tables_may_be_missing_with_a_note(tmp_path, capsys):
    tables = {k: TABLES[k] for k in ("ALSFRS", "ALSHISTORY")}
    folder = write_folder(tmp_path / "proact", tables)
    assert convert(folder, tmp_path / "out") == 0
    err = capsys.readouterr().err
    assert "note: PROACT_DEATHDATA.csv not found" in err
    patients = rows(tmp_path / "out" / "PATIENTS.csv")
    assert all(p["death_date"] == "" and p["sex"] == "" for p in patients)
    # without a death date the visit at day 250 is kept
    assert day(250) in {v["visit_date"] for v in rows(tmp_path / "out" / "VISITS.csv")}


def test_an_unwritable_output_exits_1(folder, tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("a file, not a directory")
    assert convert(folder, blocker) == 1


def test_contradicting_subject_facts_leave_the_subject_out(tmp_path):
    tables = dict(TABLES)
    tables["ALSHISTORY"] = [*ALSHISTORY, "101,-380,,", "101,,,Onset: Limb"]  # lines 7, 8
    tables["DEATHDATA"] = [*DEATHDATA, "103,Yes,-5"]
    folder = write_folder(tmp_path / "proact", tables)
    assert convert(folder, tmp_path / "out") == 0
    ids = [p["patient_id"] for p in rows(tmp_path / "out" / "PATIENTS.csv")]
    assert ids == ["102", "105"]
    dropped = {(d["file"], d["line"]): d for d in rows(tmp_path / "out" / "DROPPED.csv")}
    assert (
        "conflicting Onset_Delta: -380 here, -400 at PROACT_ALSHISTORY.csv:2"
        in (dropped[("PROACT_ALSHISTORY.csv", "7")]["reason"])
    )
    assert ("PROACT_ALSHISTORY.csv", "8") not in dropped  # agrees with line 2
    assert "Death_Days -5 is before day 0" in dropped[("PROACT_DEATHDATA.csv", "4")]["reason"]
    assert (
        "subject not written (see PROACT_ALSHISTORY.csv:7)"
        in (dropped[("PROACT_ALSFRS.csv", "2")]["reason"])
    )


def test_duplicate_and_conflicting_same_day_rows(tmp_path):
    tables = dict(TABLES)
    extra = [
        alsfrs("105", 0, (4, 4, 3, 3, 3, 3, 3, 3, 3), r=(4, 4, 4)),  # line 16: exact copy
        alsfrs("102", 30, (4, 4, 4, 4, 4, 4, 4, 4, 4), q10=4),  # line 17
        alsfrs("102", 30, (4, 4, 4, 4, 4, 4, 4, 4, 3), q10=4),  # line 18: differs
        alsfrs("105", -600, (4, 4, 4, 4, 4, 4, 4, 4, 4), r=(4, 4, 4)),  # line 19: before onset
    ]
    tables["ALSFRS"] = [ALSFRS_HEADER, *ALSFRS_ROWS, *extra]
    folder = write_folder(tmp_path / "proact", tables)
    assert convert(folder, tmp_path / "out") == 0
    dropped = {d["line"]: d["reason"] for d in rows(tmp_path / "out" / "DROPPED.csv")}
    assert dropped["16"] == "same scores as line 15"
    assert dropped["17"] == dropped["18"] == "different scores on the same day (lines 17, 18)"
    assert dropped["19"] == "ALSFRS_Delta -600 is before Onset_Delta -500"
    assert len([v for v in rows(tmp_path / "out" / "VISITS.csv") if v["patient_id"] == "105"]) == 1


def test_bom_and_latin_1_files_are_read(tmp_path, capsys):
    folder = write_folder(tmp_path / "proact")
    history = "\n".join(ALSHISTORY) + "\n"
    (folder / "PROACT_ALSHISTORY.csv").write_bytes(b"\xef\xbb\xbf" + history.encode())
    demographics = "\n".join([*DEMOGRAPHICS[:-1], "105,0,62.5,,Female,1,Caf\xe9"]) + "\n"
    (folder / "PROACT_DEMOGRAPHICS.csv").write_bytes(demographics.encode("latin-1"))
    assert convert(folder, tmp_path / "out") == 0
    err = capsys.readouterr().err
    assert "note: PROACT_DEMOGRAPHICS.csv: not UTF-8; read as Latin-1" in err
    assert "ALSHISTORY" not in err  # the BOM is not an encoding problem
    by_id = {p["patient_id"]: p for p in rows(tmp_path / "out" / "PATIENTS.csv")}
    assert by_id["101"]["onset_date"] == day(-400)  # subject_id matched despite the BOM
    assert by_id["105"]["sex"] == "F"


def test_progress_is_shown_every_n_rows(folder, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(proact, "PROGRESS_EVERY", 5)
    assert convert(folder, tmp_path / "out") == 0
    err = capsys.readouterr().err
    assert "PROACT_ALSFRS.csv: 5 rows read" in err and "PROACT_ALSFRS.csv: 10 rows read" in err
    assert convert(folder, tmp_path / "out2", "--quiet") == 0
    assert capsys.readouterr().err == ""


def test_the_cellpath_command_runs_it(folder, tmp_path, capsys):
    assert cli.main(["proact", "convert", str(folder), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "VISITS.csv").is_file()
    assert cli.main(["--help"]) == 0
    assert "proact" in capsys.readouterr().out
    assert cli.main(["proact"]) == 2  # usage: the subcommand is required


# ----------------------------------------------------------------------------- small functions


def test_deltas_must_be_whole_days():
    assert proact.parse_delta(" -12 ", "d") == -12
    assert proact.parse_delta("12.0", "d") == 12
    assert proact.parse_delta("", "d") is None
    for bad in ("12.5", "abc", "1_000", "nan", "99999999"):
        with pytest.raises(proact.RowError):
            proact.parse_delta(bad, "d")


def test_items_are_0_to_4():
    assert proact.parse_item("3", "Q1") == 3 and proact.parse_item("4.0", "Q1") == 4
    assert proact.parse_item(" ", "Q1") is None
    for bad in ("5", "-1", "2.5", "x"):
        with pytest.raises(proact.RowError):
            proact.parse_item(bad, "Q1")


@pytest.mark.parametrize(
    ("text", "site"),
    [
        ("Onset: Bulbar", "bulbar"),
        ("onset:  limb", "limb"),
        ("Bulbar", "bulbar"),
        ("Onset: Limb and Bulbar", "other"),
        ("Onset: Other", "other"),
        ("", ""),
    ],
)
def test_onset_spellings(text, site):
    assert proact.parse_onset_site(text) == site


def test_an_unknown_onset_spelling_is_not_guessed():
    for text in ("Onset: Spine", "Spinal", "Bulb"):
        with pytest.raises(proact.RowError):
            proact.parse_onset_site(text)


def test_birth_from_age_is_mid_year_for_a_whole_age():
    assert proact.birth_from_age("60", ANCHOR) == ANCHOR - timedelta(days=22098)  # 60.5 y
    assert proact.birth_from_age("60.25", ANCHOR) == ANCHOR - timedelta(days=22006)
    assert proact.birth_from_age("", ANCHOR) is None
    with pytest.raises(proact.RowError):
        proact.birth_from_age("150", ANCHOR)


def test_fvc_rows_by_units():
    base = {"Forced_Vital_Capacity_Delta": "7"}
    litres = proact.parse_fvc(
        {
            **base,
            "Forced_Vital_Capacity_Units": "Liters",
            "Subject_Liters_Trial_1": "2.0",
            "Subject_Normal": "4.0",
        }
    )
    assert (litres.delta, litres.percent, litres.litres) == (7, 50.0, 2.0)
    pct = proact.parse_fvc(
        {
            **base,
            "Forced_Vital_Capacity_Units": "Percent Predicted",
            "Subject_Liters_Trial_1": "64",
            "Subject_Liters_Trial_2": "66",
        }
    )
    assert (pct.percent, pct.litres) == (66.0, None)
    for bad in (
        {**base, "Forced_Vital_Capacity_Units": "", "Subject_Liters_Trial_1": "2.5"},
        {**base, "Forced_Vital_Capacity_Units": "mL", "Subject_Liters_Trial_1": "2500"},
        {
            **base,
            "Forced_Vital_Capacity_Units": "Percent Predicted",
            "Subject_Liters_Trial_1": "300",
        },
        {"Forced_Vital_Capacity_Delta": "", "pct_of_Normal_Trial_1": "80"},
    ):
        with pytest.raises(proact.RowError):
            proact.parse_fvc(bad)
