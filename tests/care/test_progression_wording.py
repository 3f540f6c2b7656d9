"""The progression page words the engine's codes itself: no sentence of the engine is parsed,
and a patient whose records contradict each other still sees every ALSFRS-R the engine scored."""

from __future__ import annotations

from datetime import date

from cellpath.care.progression import build_progression, wording
from cellpath.care.progression.figures import RecordProblem
from cellpath.care.queries.progression import progression_records
from cellpath.outcomes.reasons import Reason
from tests.care.test_progression_figures import V1, V2, V3, worked_patient
from tests.factories import legacy_update

DEATH = date(2023, 6, 1)


def test_contradicting_records_are_listed_beside_the_scores_the_engine_kept(world) -> None:
    patient = worked_patient(world.site_a)
    legacy_update(patient, death_date=DEATH)  # entered before death closed the record
    records = progression_records(user=world.users["clinician_a"], pk=patient.pk)
    p = build_progression(records, today=date(2024, 1, 10))
    (problem,) = p.problems
    assert problem.reason.code == "date_after" and problem.assessed_on == V3
    assert problem.reason.params["other"] == "death_date"
    assert (
        problem.text == "The ALSFRS-R of 27 September 2023 is after the date of death 1 June 2023."
    )
    assert [(v.assessed_on, v.total) for v in p.visits] == [(V1, 40), (V2, 36), (V3, 35)]
    assert p.delta_fs is None and p.survival is None and p.courses == ()
    assert p.delta_fs_needs == "Cannot be computed until the records listed above are corrected."


def test_an_alsfrs_r_that_contradicts_the_onset_is_named_by_its_date() -> None:
    reason = Reason(
        "date_before",
        {
            "visit": 1,
            "column": "visit_date",
            "date": V1,
            "other": "onset_date",
            "other_date": date(2022, 12, 1),
        },
    )
    assert RecordProblem(reason, V1).text == (
        "The ALSFRS-R of 15 November 2022 is before the date of symptom onset 1 December 2022."
    )
    item = Reason("item_invalid", {"visit": 2, "item": "q3", "value": 7})
    assert RecordProblem(item, V2).text == (
        "The ALSFRS-R of 15 March 2023 has a score for item 3 (swallowing) that is not 0 to 4."
    )


def test_what_a_slope_needs_is_worked_out_from_the_engine_s_parameters() -> None:
    after = Reason(
        "no_post_visit",
        {
            "baseline": V2,
            "earliest": date(2023, 7, 31),
            "latest": date(2023, 10, 29),
            "target_months": 6.0,
            "window_days": 45.0,
        },
    )
    assert wording.slope_after_needs(after) == (
        "Needs an ALSFRS-R about 6 months after the baseline: between 31 July 2023 and "
        "29 October 2023."
    )
    short = Reason("run_in_too_short", {"min_months": 1.0})
    assert wording.slope_before_needs(short).startswith(
        "Needs an earlier ALSFRS-R, at least 1 month"
    )
    # a code the page has no words for: the engine's sentence, as a sentence
    assert wording.slope_before_needs(Reason("no_treatment_date")) == "No treatment date."


def test_fvc_percent_is_missing_for_reasons_said_in_one_way() -> None:
    facts = Reason("missing_inputs", {"model": "FVC % predicted", "inputs": ("height_cm", "sex")})
    assert wording.fvc_percent_missing(facts) == (
        "Needs the patient's height and sex to compute % predicted."
    )
    old = Reason("outside_reference_ages", {"equation": "nhanes3", "age": 81.2})
    assert wording.fvc_percent_missing(old) == (
        "The age on this day is outside the range of the NHANES III equation."
    )
    assert wording.fvc_percent_missing(Reason("no_fvc_litres")) == "No FVC was measured (SVC only)."
    assert wording.fvc_percent_missing(None) == ""


def test_the_patients_words_for_rates_and_stages() -> None:
    plain_kings, plain_mitos, plain_rate = (
        wording.plain_kings,
        wording.plain_mitos,
        wording.plain_rate,
    )
    assert plain_rate(-0.53) == "0.5 points lost per month"
    assert plain_rate(0.04) == "no change per month"
    assert plain_rate(1.0) == "1.0 point gained per month"
    assert plain_kings("2") == "2 of 3 body regions"
    assert plain_kings("4A") == "Uses a feeding tube (or needs one)"
    assert plain_kings("4B") == "Needs support with breathing"
    assert plain_mitos(1) == "1 of 4 functions"
    for words in (plain_kings("5"), plain_mitos(5)):
        assert "death" not in words and "5" not in words


def test_the_patient_reads_why_the_speed_before_a_course_is_not_known() -> None:
    import dataclasses

    from cellpath.care.progression.figures import CourseSlopes

    course = CourseSlopes(
        number=1, programme="Cord MSC", started_on=V2, months=None, baseline_on=V2, post_on=None,
        pre_slope=None, pre_reason=None, post_slope=None, post_reason=None, change=None,
        ols_before=None, ols_before_count=1, ols_after=None, ols_after_count=0,
        period_ends_on=None,
    )  # fmt: skip
    rule = (
        "Working this out takes at least two questionnaires before the course started, a month "
        "or more apart."
    )

    def before(code: str, **params) -> str:
        reason = Reason(code, {"min_months": 1.0, **params})
        return wording.plain_course_before(dataclasses.replace(course, pre_reason=reason))

    assert before("run_in_too_short", first_visit=V2, baseline=V2) == (
        "Not known yet. Only one questionnaire was answered before the course started (on "
        f"15 March 2023). {rule}"
    )
    assert before("run_in_too_short", first_visit=date(2023, 3, 1), baseline=V2) == (
        "Not known yet. The questionnaires before the course started (1 March 2023 and "
        f"15 March 2023) are less than a month apart. {rule}"
    )
    assert before("no_baseline_visit", treatment_date=V2) == (
        f"Not known yet. No questionnaire was answered before the course started. {rule}"
    )
