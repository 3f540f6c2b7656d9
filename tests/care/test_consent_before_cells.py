"""Consent before cells (issue 18): no harvest or dose without the patient's consent to
treatment on that day; a withdrawn consent stops further doses. Refused next to the date."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cellpath.care import services
from cellpath.care.models import Administration, Consent, Harvest
from tests.factories import clinical_history, legacy_update

ACTOR = "test factory"


@pytest.fixture
def course(world):
    return services.course_start(
        actor=ACTOR,
        patient=world.patient_a,
        programme_name="Demo MSC programme",
        cell_type="msc",
        donor="allogeneic",
        tissue="umbilical_cord",
        route="intravenous",
        started_on=date(2024, 9, 2),
    )


def _dose(course, day: date) -> Administration:
    return services.administration_record(
        actor=ACTOR, course=course, given_on=day, dose_cells=50_000_000, route="intravenous"
    )


def _consent(patient, given_on: date, purpose: str = "treatment"):
    return services.consent_record(
        actor=ACTOR, patient=patient, purpose=purpose, version="1", given_on=given_on,
        method="written",
    )  # fmt: skip


def test_no_harvest_or_dose_without_consent_to_treatment(world, course) -> None:
    _consent(world.patient_a, date(2024, 8, 1), purpose="research")  # not consent to treatment
    with pytest.raises(ValidationError) as caught:
        services.harvest_record(
            actor=ACTOR, course=course, collected_on=date(2024, 8, 20), tissue="umbilical_cord",
            reference="H-1",
        )  # fmt: skip
    assert caught.value.message_dict["collected_on"] == [
        "No consent to treatment is recorded for this day: record the patient's consent first "
        "(dated on or before this day)."
    ]
    with pytest.raises(ValidationError) as caught:
        _dose(course, date(2024, 9, 2))
    assert "No consent to treatment" in caught.value.message_dict["given_on"][0]
    assert not Harvest.objects.exists() and not Administration.objects.exists()


def test_consent_given_later_than_the_dose_does_not_cover_it(world, course) -> None:
    _consent(world.patient_a, date(2024, 9, 3))
    with pytest.raises(ValidationError):
        _dose(course, date(2024, 9, 2))
    assert _dose(course, date(2024, 9, 3)).pk  # the day it was given is covered


def test_a_withdrawn_consent_stops_further_doses(world, course) -> None:
    consent = _consent(world.patient_a, date(2024, 8, 1))
    _dose(course, date(2024, 9, 2))
    services.consent_withdraw(actor=ACTOR, consent=consent, withdrawn_on=date(2024, 10, 1))
    with pytest.raises(ValidationError) as caught:
        _dose(course, date(2024, 10, 2))
    assert caught.value.message_dict["given_on"] == [
        "The patient withdrew consent to treatment before this day: no dose after that."
    ]
    assert _dose(course, date(2024, 9, 30)).pk  # before the withdrawal: still covered
    assert Administration.objects.count() == 2


def test_the_record_page_says_which_consent_covers_what(world, client_for) -> None:
    """Issue 18 part 2: the record page names the harvest and doses each consent covers, and
    lists those no consent covered (entered before consent was required)."""
    history = clinical_history(world.patient_a)  # consent 1 Aug 2024, harvest 20 Aug, dose 2 Sep
    url = reverse("care:patient-detail", args=[world.patient_a.pk])
    page = client_for("coordinator_a").get(url).content.decode()
    assert "Covers the harvest on 20 Aug 2024, the dose on 2 Sep 2024, and those to come." in page
    assert "without consent to treatment" not in page
    consent = Consent.objects.get(pk=history["consent"].pk)
    legacy_update(consent, given_on=date(2024, 8, 25))
    page = client_for("coordinator_a").get(url).content.decode()
    assert "Covers the dose on 2 Sep 2024, and those to come." in page
    assert "1 harvest or dose without consent to treatment" in page
    assert "harvest on 20 Aug 2024." in page
