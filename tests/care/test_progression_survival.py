"""The ENCALS prediction on the progression page: curve, median, inputs and observed status."""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest
from django.urls import reverse

from cellpath.care import services
from cellpath.care.progression import build_progression
from cellpath.care.queries.progression import progression_records
from cellpath.care.services.portal import prediction_release
from cellpath.outcomes import encals_survival
from tests.care.test_progression_figures import WORKED_FACTS, worked_history, worked_patient


def progression_of(world, patient, today=date(2024, 1, 10)):
    records = progression_records(user=world.users["coordinator_a"], pk=patient.pk)
    return build_progression(records, today=today)


def test_the_curve_falls_from_one_and_crosses_a_half_at_the_median(world) -> None:
    survival = progression_of(world, worked_patient(world.site_a)).survival
    months = [t for t, _ in survival.curve]
    probabilities = [s for _, s in survival.curve]
    assert probabilities[0] == 1.0 and months[0] == 0.0
    assert all(b < a for a, b in itertools.pairwise(probabilities[1:]))
    assert months[-1] > survival.median_months
    at_median = encals_survival(survival.median_months, survival.linear_predictor)
    assert float(at_median) == pytest.approx(0.5)
    yearly = [s for _, s in survival.table]
    assert yearly == sorted(yearly, reverse=True) and len(yearly) == int(months[-1] // 12)


def test_the_chart_marks_the_median_and_the_observed_status(world, client_for) -> None:
    patient = worked_patient(world.site_a)
    html = client_for("clinician_a").get(reverse("care:patient-progression", args=[patient.pk]))
    html = html.content.decode()
    svg = re.search(r'<svg[^>]*id="chart-encals".*?</svg>', html, re.S).group(0)
    median = progression_of(world, patient).survival.median_months
    assert f"Predicted median: {median:.1f} months" in svg
    # the last record is the ALSFRS-R of 27 Sep 2023, 620 days after onset
    assert "Alive at 20.4 months since onset (last record 27 September 2023)." in svg
    assert "Alive at 20.4 months since onset" in html.split('id="chart-encals"')[0]  # summary


def test_a_death_is_shown_against_the_prediction(world) -> None:
    patient = worked_patient(world.site_a)
    services.patient_update(actor="test factory", patient=patient, death_date=date(2024, 1, 5))
    p = progression_of(world, patient)
    observed = p.survival.observed
    assert observed.kind == "died" and observed.day == date(2024, 1, 5)
    assert observed.text == "Died at 23.7 months since onset (5 January 2024)."  # 720 days
    assert observed.predicted_event_free == float(
        encals_survival(observed.months, p.survival.linear_predictor)
    )
    assert p.current_kings == "5" and p.current_mitos == 5
    assert p.events[-1].kind == "death"


def test_a_patient_opens_a_released_prediction_themself(world, client_for) -> None:
    services.patient_update(actor="test factory", patient=world.patient_a, **WORKED_FACTS)
    worked_history(world.patient_a)
    prediction_release(
        actor=world.users["clinician_a"], patient=world.patient_a, note="Discussed at the clinic."
    )
    html = (
        client_for("patient_a")
        .get(reverse("care:patient-progression", args=[world.patient_a.pk]))
        .content.decode()
    )
    details = html[html.index('<details class="survival-details">') :]
    assert details.index("<summary>") < details.index('id="chart-encals"')
    assert "talk to your neurologist" in html
