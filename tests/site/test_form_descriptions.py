"""Every `aria-describedby` on a form page points at text that is on the page, so a screen
reader reads each field's hint and error with it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import clinical_history


@pytest.mark.parametrize(
    ("actor", "name", "kwargs"),
    [
        ("coordinator_a", "care:patient-edit", lambda w, h: {"pk": w.patient_a.pk}),
        ("coordinator_a", "care:course-create", lambda w, h: {"pk": w.patient_a.pk}),
        ("coordinator_a", "care:administration-create", lambda w, h: {"pk": h["course"].pk}),
        ("clinician_a", "care:visit-sign", lambda w, h: {"pk": h["baseline"].visit_id}),
        ("coordinator_a", "care:patient-list", lambda w, h: {}),
    ],
)
def test_descriptions_point_at_text_on_the_page(actor, name, kwargs, world, client_for) -> None:
    history = clinical_history(world.patient_a)
    html = client_for(actor).get(reverse(name, kwargs=kwargs(world, history))).content.decode()
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    described = [
        ref for refs in re.findall(r'aria-describedby="([^"]+)"', html) for ref in refs.split()
    ]
    assert described, f"{name}: no field is described (the test would prove nothing)"
    missing = [ref for ref in described if ref not in ids]
    assert not missing, f"{name}: aria-describedby points at missing ids {missing}"
