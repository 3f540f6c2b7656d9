"""Every care page shows the ALSFRS-R total and FVC % predicted the outcomes engine computes, one
way: the same figure, and the same words when it is missing, on the visit and progression pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cellpath.care import services
from cellpath.care.measurements import alsfrs_r_total_shown, fvc_percents
from cellpath.care.models import AlsfrsR, Spirometry
from cellpath.care.queries.profile import record_profile
from cellpath.outcomes import alsfrs_r_total
from tests.care.test_entry_visits import visit, visit_page
from tests.factories import clinical_history

ACTOR = "test factory"


def test_the_total_shown_is_the_engine_s(world) -> None:
    clinical_history(world.patient_a)
    for assessment in AlsfrsR.objects.filter(patient=world.patient_a):
        assert alsfrs_r_total_shown(assessment) == alsfrs_r_total(assessment.items())
    profile = record_profile(
        user=world.users["coordinator_a"], patient=world.patient_a, today=date(2025, 6, 1)
    )
    latest = AlsfrsR.objects.filter(patient=world.patient_a).latest("assessed_on")
    assert profile.alsfrs_r_total == alsfrs_r_total(latest.items())


def test_fvc_percent_is_worked_out_from_the_litres_before_a_reported_percent(world) -> None:
    """The spirometry form asks for a report's % only when it gives no litres; when a record
    has both, every page uses the litres (GLI-2012, Quanjer 2012), as the progression page did."""
    services.patient_update(
        actor=ACTOR,
        patient=world.patient_a,
        sex="M",
        date_of_birth=date(1962, 1, 15),
        height_cm=Decimal("175"),
        onset_date=date(2021, 6, 1),
    )
    both = services.spirometry_record(
        actor=ACTOR,
        patient=world.patient_a,
        measured_on=date(2022, 1, 15),
        fvc_litres=Decimal("3.50"),
        fvc_percent_entered=Decimal("70.0"),
    )
    (fvc,) = fvc_percents(world.patient_a, [both])
    assert fvc.source == "computed"
    assert fvc.percent == pytest.approx(78.32, abs=0.01)  # W-GLI
    profile = record_profile(
        user=world.users["coordinator_a"], patient=world.patient_a, today=date(2022, 2, 1)
    )
    assert (profile.vc_percent_predicted, profile.vc_measure) == (78.3, "FVC")


def test_the_visit_page_says_why_fvc_percent_is_missing_as_the_progression_page_does(
    world, client_for
) -> None:
    clinical_history(world.patient_a)  # the factory patient has no height
    six_months = visit(world.patient_a, "6 months")
    services.spirometry_record(
        actor=ACTOR,
        patient=world.patient_a,
        visit=six_months,
        measured_on=six_months.due_date,
        fvc_litres=Decimal("3.10"),
    )
    page = visit_page(client_for("clinician_a"), six_months)
    assert "Missing: Needs the patient&#x27;s height to compute % predicted." in page
    assert Spirometry.objects.filter(visit=six_months).count() == 1
