"""Asking to be forgotten: the patient asks, a coordinator of their site approves or declines;
approving erases the identity and the sign-in, keeps the clinical record under the study ID,
and is audited."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from cellpath.accounts.models import AuditEvent
from cellpath.accounts.roles import Role
from cellpath.care.models import AlsfrsR, ErasureRequest, PatientIdentity
from cellpath.care.services.portal import erasure_request_create, erasure_request_decide
from tests.factories import PASSWORD, PatientFactory, UserFactory, clinical_history


def post(client, url: str, data: dict | None = None):
    client.get(reverse("home"))
    return client.post(
        url, {**(data or {}), "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )


def ask(world, reason: str = "") -> ErasureRequest:
    return erasure_request_create(
        actor=world.users["patient_a"], patient=world.patient_a, reason=reason
    )


def test_a_patient_asks_and_sees_the_request_waiting(
    world, client_for, django_capture_on_commit_callbacks
) -> None:
    client = client_for("patient_a")
    page = client.get(reverse("care:portal-erasure")).content.decode()
    assert "What is kept" in page and world.patient_a.study_id in page
    response = post(client, reverse("care:portal-erasure"), {"reason": "Moving abroad"})
    assert "Tick this box to confirm" in response.content.decode()
    assert "Moving abroad" in response.content.decode()  # kept when refused
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client, reverse("care:portal-erasure"), {"reason": "Moving abroad", "understood": "on"}
        )
    assert response.status_code == 302
    request = ErasureRequest.objects.get(patient=world.patient_a)
    assert (request.status, request.reason) == ("open", "Moving abroad")
    page = client.get(reverse("care:portal-erasure")).content.decode()
    assert "Your request is waiting for review" in page and "Send my request" not in page
    assert [m.to for m in mail.outbox] == [["coordinator.a@example.org"]]


def test_only_one_request_waits_at_a_time_and_only_the_patient_asks(world) -> None:
    ask(world)
    with pytest.raises(ValidationError):
        ask(world)
    with pytest.raises(PermissionDenied):
        erasure_request_create(actor=world.users["coordinator_a"], patient=world.patient_a)


def test_coordinators_see_the_requests_of_their_own_sites_only(world, client_for) -> None:
    request = ask(world, reason="Please forget me")
    page = client_for("coordinator_a").get(reverse("care:erasure-queue")).content.decode()
    assert "Please forget me" in page and "Ada Example" in page
    assert f'href="{reverse("care:erasure-review", args=[request.pk])}"' in page
    other = client_for("coordinator_b").get(reverse("care:erasure-queue")).content.decode()
    assert "Please forget me" not in other and "No request is waiting." in other
    with pytest.raises(PermissionDenied):
        erasure_request_decide(actor=world.users["coordinator_b"], request=request, approve=True)


def test_declining_needs_a_note_that_the_patient_then_sees(world, client_for) -> None:
    request = ask(world)
    client = client_for("coordinator_a")
    url = reverse("care:erasure-review", args=[request.pk])
    response = post(client, url, {"decision": "decline", "note": ""})
    assert "Tell the patient why the request is declined." in response.content.decode()
    response = post(client, url, {"decision": "decline", "note": "An open trial needs it."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "declined" and request.decided_by == world.users["coordinator_a"]
    page = client_for("patient_a").get(reverse("care:portal-erasure")).content.decode()
    assert "An open trial needs it." in page and "Send my request" in page
    assert PatientIdentity.objects.get(patient=world.patient_a).full_name == "Ada Example"


def test_approving_erases_the_identity_keeps_the_clinical_record_and_is_audited(
    world, client_for
) -> None:
    clinical_history(world.patient_a)
    patient_client = client_for("patient_a")
    request = ask(world)
    response = post(
        client_for("coordinator_a"),
        reverse("care:erasure-review", args=[request.pk]),
        {"decision": "approve"},
    )
    assert response.status_code == 302
    identity = PatientIdentity.objects.get(patient=world.patient_a)
    assert (identity.full_name, identity.email, identity.phone) == ("erased", "", "")
    user = world.users["patient_a"]
    user.refresh_from_db()
    assert not user.is_active and user.full_name == "" and "patient.a" not in user.email
    assert AlsfrsR.objects.filter(patient=world.patient_a).count() == 2  # kept, pseudonymised
    # The patient's session ends and the old password no longer signs in.
    assert patient_client.get(reverse("care:portal-schedule")).status_code == 302
    assert not Client().login(username="patient.a@example.org", password=PASSWORD)
    events = AuditEvent.objects.filter(actor=world.users["coordinator_a"], action="update")
    assert {"care.erasurerequest", "care.patientidentity", "accounts.user"} <= set(
        events.values_list("object_type", flat=True)
    )
    user_event = events.get(object_type="accounts.user")
    assert "patient.a@example.org" not in str(user_event.changes)
    queue = client_for("coordinator_a").get(reverse("care:erasure-queue")).content.decode()
    assert "Approved: identity erased" in queue and "Ada Example" not in queue


def test_a_decided_request_cannot_be_decided_again(world) -> None:
    request = ask(world)
    erasure_request_decide(
        actor=world.users["coordinator_a"], request=request, approve=False, note="No"
    )
    with pytest.raises(ValidationError):
        erasure_request_decide(actor=world.users["coordinator_a"], request=request, approve=True)
    assert PatientIdentity.objects.get(patient=world.patient_a).full_name == "Ada Example"


def test_the_queue_runs_a_bounded_number_of_queries(
    world, client_for, django_assert_max_num_queries
) -> None:
    for n in range(6):
        user = UserFactory(email=f"p{n}@example.org", memberships=[(world.site_a, Role.PATIENT)])
        patient = PatientFactory(site=world.site_a, user=user, full_name=f"Person {n}")
        erasure_request_create(actor=user, patient=patient, reason=f"Reason {n}")
    client = client_for("coordinator_a")
    with django_assert_max_num_queries(15):
        page = client.get(reverse("care:erasure-queue")).content.decode()
    assert all(f"Person {n}" in page for n in range(6))
