"""Issue 19: the patient and their caregivers see no predicted survival until a clinician of the
patient's site has discussed it with them and released it (with a note saying so); the release
can be withdrawn. The care team always sees it. Every release and withdrawal is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from cellpath.accounts.models import AuditEvent
from cellpath.care import services
from cellpath.care.models import PredictionRelease
from cellpath.care.services.portal import prediction_release, prediction_withdraw
from tests.care.test_portal_caregivers import caregiver, post
from tests.care.test_progression_figures import WORKED_FACTS, worked_history
from tests.conftest import sign_in

NOTE = "Discussed at the clinic on 3 March with the patient and her husband."

PREDICTION = ('id="chart-encals"', "Predicted survival", "Show the estimate", "in 100 people")
"""What only a shown prediction puts on the page: the chart, the staff heading, the patient's
button to open it, and the plain table."""


def client_of(user) -> Client:
    return sign_in(Client(enforce_csrf_checks=True), user, mfa=True)


def url(patient) -> str:
    return reverse("care:patient-progression", args=[patient.pk])


def release_url(patient) -> str:
    return reverse("care:prediction-release", args=[patient.pk])


@pytest.fixture
def worked(world):
    """Patient A with every fact the prediction needs, and a caregiver who accepted."""
    services.patient_update(actor="test factory", patient=world.patient_a, **WORKED_FACTS)
    worked_history(world.patient_a)
    return world


def pages(world, carer) -> dict[str, tuple[int, str]]:
    """Each actor's answer on patient A's progression page: (status, HTML)."""
    clients = {
        "patient_a": client_of(world.users["patient_a"]),
        "caregiver": client_of(carer),
        "patient_b": client_of(world.users["patient_b"]),
        "clinician_a": client_of(world.users["clinician_a"]),
        "coordinator_a": client_of(world.users["coordinator_a"]),
        "anonymous": Client(),
    }
    result = {}
    for name, client in clients.items():
        response = client.get(url(world.patient_a))
        result[name] = (response.status_code, response.content.decode())
    return result


def shows_prediction(html: str) -> bool:
    return any(mark in html for mark in PREDICTION)


def test_patients_and_caregivers_see_no_prediction_until_a_clinician_releases_it(worked) -> None:
    world, carer = worked, caregiver(worked)

    def expect(patient_sees: bool) -> None:
        seen = pages(world, carer)
        for name in ("patient_a", "caregiver"):
            status, html = seen[name]
            assert status == 200, name
            assert shows_prediction(html) is patient_sees, name
            if not patient_sees:
                said = {"patient_a": "can talk with you", "caregiver": "the person you help"}
                assert "clinician can talk with" in html and said[name] in html
        assert seen["patient_b"][0] == 404  # another patient: not even that the record exists
        assert seen["anonymous"][0] == 302
        for staff in ("clinician_a", "coordinator_a"):
            status, html = seen[staff]
            assert status == 200 and 'id="chart-encals"' in html, staff
            assert "Shown to the patient and their caregivers?" in html

    expect(patient_sees=False)
    prediction_release(actor=world.users["clinician_a"], patient=world.patient_a, note=NOTE)
    expect(patient_sees=True)
    prediction_withdraw(actor=world.users["clinician_a"], patient=world.patient_a)
    expect(patient_sees=False)


def test_the_released_page_shows_the_clinicians_note_and_the_estimate_in_plain_words(
    worked,
) -> None:
    prediction_release(actor=worked.users["clinician_a"], patient=worked.patient_a, note=NOTE)
    html = client_of(worked.users["patient_a"]).get(url(worked.patient_a)).content.decode()
    assert NOTE in html and "Your clinician shared this on" in html
    assert "About " in html and " in 100 people" in html
    assert "Half of the people with the same facts lived more than" in html


STAFF_WORDING = (
    "ΔFS",
    "least squares",
    "Least squares",
    "King's",
    "MiToS",
    "5 is death",
    "Not worked out",
    "ENCALS",
    "Predicted median",
    "adverse event",
    "Adverse event",
    "Bulbar",
    "FVC % predicted",
)


@pytest.mark.parametrize("released", [False, True], ids=["before release", "after release"])
def test_the_patients_page_has_none_of_the_staff_wording(worked, released) -> None:
    if released:
        prediction_release(actor=worked.users["clinician_a"], patient=worked.patient_a, note=NOTE)
    for client in (client_of(worked.users["patient_a"]), client_of(caregiver(worked))):
        html = client.get(url(worked.patient_a)).content.decode()
        for words in STAFF_WORDING:
            assert words not in html, words
        assert "points lost per month" in html  # the rates, in plain words
        assert "Before the course" in html and "After the course" in html
    staff = client_of(worked.users["clinician_a"]).get(url(worked.patient_a)).content.decode()
    assert "ΔFS" in staff and "King's stage" in staff and "Least squares" in staff


def test_a_figure_that_cannot_be_worked_out_says_what_it_needs_in_plain_words(world) -> None:
    services.patient_update(actor="test factory", patient=world.patient_a, onset_date=None)
    html = client_of(world.users["patient_a"]).get(url(world.patient_a)).content.decode()
    assert "It needs the date the first symptoms started; the care team can add it." in html
    assert "Not worked out" not in html and "ΔFS" not in html


def test_a_clinician_releases_it_from_the_progression_page_with_a_note(worked) -> None:
    client = client_of(worked.users["clinician_a"])
    page = client.get(url(worked.patient_a)).content.decode()
    assert f'action="{release_url(worked.patient_a)}"' in page
    response = post(
        client, release_url(worked.patient_a), {"action": "release", "release-note": NOTE}
    )
    assert response.status_code == 302
    release = PredictionRelease.objects.get(patient=worked.patient_a)
    assert release.live and release.note == NOTE
    assert release.released_by == worked.users["clinician_a"]
    page = client.get(url(worked.patient_a)).content.decode()
    assert "Yes, released" in page and "Hide it from them again" in page

    response = post(client, release_url(worked.patient_a), {"action": "withdraw"})
    assert response.status_code == 302
    release.refresh_from_db()
    assert not release.live and release.withdrawn_by == worked.users["clinician_a"]


def test_the_note_is_required(worked) -> None:
    client = client_of(worked.users["clinician_a"])
    response = post(
        client, release_url(worked.patient_a), {"action": "release", "release-note": "  "}
    )
    assert response.status_code == 200
    assert "Write when and how the prediction was discussed." in response.content.decode()
    assert not PredictionRelease.objects.exists()
    with pytest.raises(ValidationError):
        prediction_release(actor=worked.users["clinician_a"], patient=worked.patient_a, note=" ")


def test_only_a_clinician_of_the_patients_site_may_release_or_withdraw(worked) -> None:
    for actor in ("coordinator_a", "clinician_b", "patient_a"):
        with pytest.raises(PermissionDenied):
            prediction_release(actor=worked.users[actor], patient=worked.patient_a, note=NOTE)
    prediction_release(actor=worked.users["clinician_a"], patient=worked.patient_a, note=NOTE)
    for actor in ("coordinator_a", "clinician_b", "patient_a"):
        with pytest.raises(PermissionDenied):
            prediction_withdraw(actor=worked.users[actor], patient=worked.patient_a)
    # and through the page: coordinators may not, another site's clinician does not find it
    assert (
        client_of(worked.users["coordinator_a"]).get(release_url(worked.patient_a)).status_code
        == 403
    )
    assert (
        client_of(worked.users["clinician_b"]).get(release_url(worked.patient_a)).status_code == 404
    )
    assert PredictionRelease.objects.get().live


def test_a_second_release_or_a_withdrawal_of_nothing_is_refused(worked) -> None:
    clinician = worked.users["clinician_a"]
    with pytest.raises(ValidationError):
        prediction_withdraw(actor=clinician, patient=worked.patient_a)
    prediction_release(actor=clinician, patient=worked.patient_a, note=NOTE)
    with pytest.raises(ValidationError):
        prediction_release(actor=clinician, patient=worked.patient_a, note=NOTE)
    prediction_withdraw(actor=clinician, patient=worked.patient_a)
    prediction_release(actor=clinician, patient=worked.patient_a, note="Discussed again.")
    assert PredictionRelease.objects.filter(patient=worked.patient_a).count() == 2


def test_each_release_and_withdrawal_is_audited(worked) -> None:
    clinician = worked.users["clinician_a"]
    release = prediction_release(actor=clinician, patient=worked.patient_a, note=NOTE)
    prediction_withdraw(actor=clinician, patient=worked.patient_a, note="Asked not to see it.")
    events = AuditEvent.objects.filter(
        object_type="care.predictionrelease", object_id=str(release.pk)
    ).order_by("pk")
    assert [(e.action, e.actor) for e in events] == [
        (AuditEvent.Action.CREATE, clinician),
        (AuditEvent.Action.UPDATE, clinician),
    ]
    assert events[0].changes["note"]["new"] == NOTE
    assert events[1].changes["withdrawal_note"]["new"] == "Asked not to see it."
    assert events[0].site == worked.site_a


def test_the_release_is_in_the_patients_own_data_and_the_prediction_is_not(
    worked,
) -> None:
    prediction_release(actor=worked.users["clinician_a"], patient=worked.patient_a, note=NOTE)
    data = client_of(worked.users["patient_a"]).get(reverse("care:portal-data-json")).json()
    [row] = data["prediction_releases"]
    assert row["note"] == NOTE and "released_by_id" not in row
    text = str(data).lower()
    assert "median" not in text and "survival" not in text and "encals" not in text
