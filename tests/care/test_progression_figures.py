"""The progression page's figures match values worked out by hand for a small history.

The history reuses the worked examples of als-measures.md §10: W-DFS (onset 15 Jan 2022, first
ALSFRS-R 40 on 15 Nov 2022, 304 days → ΔFS 0.8010), W-NUR (40 → 36 over 120 days, then 36 → 35
over 196 days → pre −1.0146, post −0.1553) and W-GLI (male, 60.00 years, 175 cm, 3.50 L with
GLI-2012 → 78.32 % predicted).
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.text import slugify

from cellpath.care import services
from cellpath.care.progression import build_progression
from cellpath.care.queries.progression import progression_records
from cellpath.outcomes import encals_median_survival
from cellpath.programmes.models import Programme
from tests.factories import PatientFactory
from tests.programmes.kit import make_programme, trial_data

ACTOR = "test factory"
ONSET = date(2022, 1, 15)
V1, V2, V3 = date(2022, 11, 15), date(2023, 3, 15), date(2023, 9, 27)
V1_ITEMS = dict(q1=3, q2=4, q3=3, q4=3, q5a=3, q6=4, q7=4, q8=3, q9=2, q10=3, q11=4, q12=4)  # 40
V2_ITEMS = {**V1_ITEMS, "q2": 3, "q6": 3, "q9": 1, "q11": 3}  # 36
V3_ITEMS = {**V2_ITEMS, "q8": 2, "q5a": None, "q5b": 3}  # 35, now with a gastrostomy (5b)


def _programme(site, name: str):
    """The listing a course belongs to (its name is what the page shows)."""
    slug = slugify(name)
    return Programme.objects.filter(slug=slug).first() or make_programme(
        site, trial_data(slug=slug, name=name)
    )


def worked_history(patient, *, courses: int = 1) -> None:
    """Three ALSFRS-R, three spirometry, a course with two doses, an adverse event and a
    serious one — everything through the services."""
    for day, items in ((V1, V1_ITEMS), (V2, V2_ITEMS), (V3, V3_ITEMS)):
        services.alsfrs_r_record(
            actor=ACTOR, patient=patient, assessed_on=day, respondent="clinic", items=items
        )
    services.spirometry_record(
        actor=ACTOR, patient=patient, measured_on=ONSET, fvc_litres=Decimal("3.50")
    )
    services.spirometry_record(
        actor=ACTOR, patient=patient, measured_on=V2, fvc_percent_entered=Decimal("70.0")
    )
    services.spirometry_record(
        actor=ACTOR, patient=patient, measured_on=V3, svc_litres=Decimal("2.90")
    )
    services.consent_record(  # consent before cells
        actor=ACTOR, patient=patient, purpose="treatment", version="1", given_on=V2,
        method="written",
    )  # fmt: skip
    for n in range(courses):
        started = V2 if n == 0 else date(2024, 3, 1)
        course = services.course_start(
            actor=ACTOR,
            patient=patient,
            programme=_programme(patient.site, f"Cord MSC programme {n + 1}"),
            cell_type="msc",
            donor="allogeneic",
            tissue="umbilical_cord",
            route="intravenous",
            started_on=started,
        )
        for day in (started, date(2023, 4, 12) if n == 0 else date(2024, 3, 29)):
            services.administration_record(
                actor=ACTOR,
                course=course,
                given_on=day,
                dose_cells=100_000_000,
                route="intravenous",
            )
    services.adverse_event_record(
        actor=ACTOR,
        patient=patient,
        description="Headache",
        onset_date=date(2023, 3, 16),
        grade=1,
        serious=False,
        related_to_procedure="possible",
        related_to_cells="unlikely",
        outcome="recovered",
        resolved_date=date(2023, 3, 18),
    )
    services.adverse_event_record(
        actor=ACTOR,
        patient=patient,
        description="Fever needing admission",
        onset_date=date(2023, 4, 20),
        grade=3,
        serious=True,
        hospitalisation=True,
        related_to_procedure="possible",
        related_to_cells="possible",
        outcome="recovered",
        resolved_date=date(2023, 4, 25),
    )


WORKED_FACTS = dict(
    sex="M",
    date_of_birth=date(1962, 1, 15),  # 60.00 years at onset: 21,915 days / 365.25
    onset_date=ONSET,
    diagnosis_date=date(2023, 1, 15),  # 365 days after onset
    height_cm=Decimal("175.0"),
    onset_site="limb",
    el_escorial="probable",
    ftd=False,
    c9orf72=False,
)


def worked_patient(site, **overrides):
    fields = {**WORKED_FACTS, **overrides}
    patient = PatientFactory(site=site, full_name="Worked Example", **fields)
    worked_history(patient)
    return patient


@pytest.fixture
def progression(world):
    patient = worked_patient(world.site_a)
    records = progression_records(user=world.users["clinician_a"], pk=patient.pk)
    return build_progression(records, today=date(2024, 1, 10))


def test_it_scores_each_alsfrs_r_with_domains_and_stages(progression) -> None:
    rows = [
        (v.total, v.bulbar, v.fine_motor, v.gross_motor, v.respiratory, v.kings, v.mitos)
        for v in progression.visits
    ]
    assert rows == [
        (40, 10, 10, 9, 11, "3", 0),
        (36, 9, 9, 8, 10, "3", 0),
        (35, 9, 9, 7, 10, "4A", 0),  # 5b answered: gastrostomy → King's 4A
    ]
    assert [round(v.months, 4) for v in progression.visits] == [9.9877, 13.9302, 20.3696]


def test_it_computes_delta_fs_and_the_slope_as_worked_out_by_hand(progression) -> None:
    assert progression.delta_fs == pytest.approx(8 / (304 / 30.4375))  # W-DFS: 0.8010
    assert progression.delta_fs == pytest.approx(0.8010, abs=5e-5)
    # OLS of [40, 36, 35] on [9.9877, 13.9302, 20.3696] months
    assert progression.slope_ols == pytest.approx(-0.449768, abs=1e-6)


def test_it_computes_the_slope_before_and_after_the_course(progression) -> None:
    (course,) = progression.courses
    assert course.baseline_on == V2 and course.post_on == V3
    assert course.pre_slope == pytest.approx(-4 / (120 / 30.4375))  # W-NUR −1.0146
    assert course.post_slope == pytest.approx(-1 / (196 / 30.4375))  # W-NUR −0.1553
    assert course.change == pytest.approx(0.8593, abs=5e-5)
    assert course.ols_before == pytest.approx(course.pre_slope)  # two points: the same line
    assert course.ols_before_count == 2 and course.ols_after_count == 1
    assert course.ols_after is None


def test_it_computes_fvc_percent_predicted_with_the_recorded_equation(progression) -> None:
    computed, entered, svc_only = progression.fvc
    assert computed.source == "computed" and computed.equation == "GLI-2012"
    assert computed.percent == pytest.approx(78.32, abs=0.01)  # W-GLI, given to 2 decimals
    assert (entered.source, entered.percent) == ("entered", 70.0)
    assert svc_only.percent is None and "SVC only" in svc_only.needs


def test_it_feeds_encals_the_inputs_it_shows(progression) -> None:
    survival = progression.survival
    shown = {i.name: i.value for i in survival.inputs}
    assert shown == {
        "ΔFS (points lost per month)": "0.80",
        "Time from onset to diagnosis": "12.0 months",  # 365 / 30.4375 = 11.99
        "Age at onset": "60.0 years",
        "FVC % predicted": "78.3 %",  # the first on record
        "Bulbar onset": "No (limb)",
        "El Escorial: definite ALS": "No (probable)",
        "Frontotemporal dementia": "No",
        "C9orf72 repeat expansion": "No",
    }
    dfs, delay, age, fvc = 8 / (304 / 30.4375), 365 / 30.4375, 60.0, progression.fvc[0].percent
    # Westeneng 2018 linear predictor, coefficients as in Precision-ALS; binary inputs all 0.
    lp = (
        -1.837 * (dfs + 0.1) ** -0.5
        - 2.373 * ((delay / 10) ** -0.5 + math.log(delay / 10))
        - 0.267 * (age / 100) ** -2
        + 0.477 * ((fvc / 100) ** -1 + (fvc / 100) ** -0.5)
    )
    assert survival.linear_predictor == pytest.approx(lp, abs=1e-9)
    assert survival.median_months == pytest.approx(float(encals_median_survival(lp)))


def test_it_marks_doses_and_adverse_events_with_serious_ones_apart(progression) -> None:
    kinds = [(e.day, e.kind) for e in progression.events]
    assert kinds == [
        (V2, "course"),
        (V2, "dose"),
        (date(2023, 3, 16), "ae"),
        (date(2023, 4, 12), "dose"),
        (date(2023, 4, 20), "sae"),
    ]


def test_the_page_shows_the_figures(world, client_for) -> None:
    patient = worked_patient(world.site_a)
    page = client_for("coordinator_a").get(reverse("care:patient-progression", args=[patient.pk]))
    text = page.content.decode()
    for figure in ("0.80 points lost per month", "-0.45 points per month", "-1.01", "-0.16"):
        assert figure in text
    assert "+0.86" in text  # the change in slope after the course
    assert "78.3" in text and "As entered from a report" in text
    assert "Serious adverse event, grade 3: Fever needing admission" in text


def test_the_decline_before_the_course_is_carried_forward_from_its_baseline(progression) -> None:
    """W-NUR: 40 → 36 over the 120 days before the course (baseline V2, the course start), so at
    V3, 196 days later, 36 − 4 × 196/120 = 29.4667 had that decline continued."""
    cf = progression.carried_forward
    assert cf is not None
    assert (cf.course, cf.baseline_on, cf.baseline_total) == (1, V2, 36)
    assert cf.slope == pytest.approx(-4 / (120 / 30.4375))
    assert cf.expected == {V3: pytest.approx(36 - 4 * 196 / 120)}
    assert cf.line == ((V2, 36.0), (V3, pytest.approx(29.4667, abs=5e-5)))


def test_the_carried_forward_line_stops_at_zero(world) -> None:
    """A steep decline before the course reaches 0 before the last ALSFRS-R: the line bends
    there, on the first day the decline would reach 0, and stays at 0."""
    patient = worked_patient(world.site_a)
    items = dict(q1=1, q2=1, q3=1, q4=1, q5a=1, q6=1, q7=1, q8=1, q9=1, q10=1, q11=1, q12=1)
    later = date(2026, 9, 1)
    services.alsfrs_r_record(
        actor=ACTOR, patient=patient, assessed_on=later, respondent="clinic", items=items
    )
    records = progression_records(user=world.users["clinician_a"], pk=patient.pk)
    cf = build_progression(records, today=date(2026, 9, 2)).carried_forward
    # 36 / (4 / 120 days) = 1080 days after the baseline
    zero = date.fromordinal(V2.toordinal() + 1080)
    assert [d for d, _ in cf.line] == [V2, zero, later]
    assert cf.line[1][1] == 0.0 and cf.line[2][1] == 0.0
    assert cf.expected[later] == 0.0 and min(cf.expected.values()) >= 0.0


def test_without_a_slope_before_the_course_nothing_is_carried_forward(world) -> None:
    patient = PatientFactory(site=world.site_a, onset_date=ONSET)
    # the only ALSFRS-R before the course is on its first day: no slope before it
    for day, items in ((V2, V2_ITEMS), (V3, V3_ITEMS)):
        services.alsfrs_r_record(
            actor=ACTOR, patient=patient, assessed_on=day, respondent="clinic", items=items
        )
    services.consent_record(
        actor=ACTOR, patient=patient, purpose="treatment", version="1", given_on=V2,
        method="written",
    )  # fmt: skip
    services.course_start(
        actor=ACTOR,
        patient=patient,
        programme=_programme(patient.site, "Cord MSC programme 1"),
        cell_type="msc",
        donor="allogeneic",
        tissue="umbilical_cord",
        route="intravenous",
        started_on=V2,
    )
    records = progression_records(user=world.users["clinician_a"], pk=patient.pk)
    p = build_progression(records, today=date(2024, 1, 10))
    assert p.courses[0].pre_slope is None and p.carried_forward is None
