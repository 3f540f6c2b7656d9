"""Programme staff edit screening criteria in the app; a criterion the screening cannot
evaluate is refused with the reason; every change is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cellpath.accounts.models import AuditEvent
from cellpath.intake.models import ScreeningCriterion
from cellpath.screening import Profile, evaluate


def post(client, url: str, data: dict):
    client.get(reverse("home"))
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def _formset(criteria: list[dict], existing: int = 0) -> dict:
    data = {"criteria-TOTAL_FORMS": str(len(criteria)), "criteria-INITIAL_FORMS": str(existing),
            "criteria-MIN_NUM_FORMS": "0", "criteria-MAX_NUM_FORMS": "1000"}  # fmt: skip
    for i, row in enumerate(criteria):
        for key, value in row.items():
            data[f"criteria-{i}-{key}"] = value
    return data


AGE = {"field": "age_years", "op": "between", "value_text": "18, 75", "kind": "inclusion",
       "explanation": "Adults only.", "order": "0"}  # fmt: skip


@pytest.fixture
def programme(world):
    from tests.programmes.kit import make_programme

    return make_programme(world.site_a)


def test_a_coordinator_adds_a_criterion_that_screens(programme, client_for) -> None:
    url = reverse("intake:criteria", args=[programme.slug])
    response = post(client_for("coordinator_a"), url, _formset([AGE]))
    assert response.status_code == 302
    criterion = ScreeningCriterion.objects.get()
    assert criterion.value == [18, 75]
    screening = evaluate([criterion.as_criterion()], Profile(age_years=80))
    assert screening.verdict == "likely_not_eligible"
    assert AuditEvent.objects.filter(object_type="intake.screeningcriterion").exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({**AGE, "value_text": "18"}, "between"),
        ({**AGE, "value_text": "eighteen, 75"}, "number"),
        ({**AGE, "field": "tracheostomy", "op": "present", "value_text": "yes"},
         "Leave the value empty"),
        ({**AGE, "field": "el_escorial", "op": "in", "value_text": "certain"}, "certain"),
    ],
)  # fmt: skip
def test_a_criterion_the_screening_cannot_read_is_refused(programme, client_for, row, message):
    url = reverse("intake:criteria", args=[programme.slug])
    response = post(client_for("administrator_a"), url, _formset([row]))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ScreeningCriterion.objects.exists()


def test_a_criterion_is_removed_with_an_audit_entry(programme, client_for) -> None:
    client = client_for("coordinator_a")
    url = reverse("intake:criteria", args=[programme.slug])
    post(client, url, _formset([AGE]))
    criterion = ScreeningCriterion.objects.get()
    data = _formset([{**AGE, "id": str(criterion.pk), "DELETE": "on"}], existing=1)
    assert post(client, url, data).status_code == 302
    assert not ScreeningCriterion.objects.exists()
    assert AuditEvent.objects.filter(
        object_type="intake.screeningcriterion", action="delete"
    ).exists()


def test_another_sites_staff_cannot_edit(programme, client_for) -> None:
    url = reverse("intake:criteria", args=[programme.slug])
    assert client_for("coordinator_b").get(url).status_code == 404
    assert client_for("clinician_a").get(url).status_code == 403
