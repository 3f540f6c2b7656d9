"""Wherever a programme can be chosen (the application form, the packet and contact forms), it
is listed with its kind, its price and its warning count; a form reached from a programme with
warning signs points back to its "Before you go further" step; and the pre-screen of such a
programme says plainly that meeting its criteria says nothing about the offer (issue 19)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from cellpath.intake.demo import CLINIC_CRITERIA
from tests.intake.conftest import criteria_for, submitted
from tests.programmes.kit import clinic_data, make_programme

CLINIC_LABEL = "Paid clinic — Paid clinic offer · 18,500 USD · ⚠ 6 warning signs"
TRIAL_LABEL = "Good trial — Clinical trial · free · no warning signs found"
STEP = reverse("programmes:before", args=["paid-clinic"])


def _clinic(world):
    clinic = make_programme(world.site_a, clinic_data())
    criteria_for(clinic, CLINIC_CRITERIA)
    return clinic


def test_the_application_form_lists_each_programme_with_kind_price_and_warnings(
    world, trial
) -> None:
    _clinic(world)
    html = Client().get(reverse("intake:start")).content.decode()
    assert TRIAL_LABEL in html
    assert CLINIC_LABEL in html


def test_the_packet_and_contact_forms_list_them_the_same_way(world) -> None:
    make_programme(world.site_a, clinic_data())
    for name in ("intake:packet-request", "intake:contact"):
        html = Client().get(reverse(name)).content.decode()
        assert f">{CLINIC_LABEL}</option>" in html


def test_a_form_reached_from_a_programme_with_signs_points_to_the_step(world) -> None:
    _clinic(world)
    for name in ("intake:start", "intake:packet-request", "intake:contact"):
        html = Client().get(reverse(name), {"programme": "paid-clinic"}).content.decode()
        assert "Paid clinic shows 6 warning signs" in html, name
        assert f'<a href="{STEP}">Before you go further' in html, name


def test_a_form_reached_from_a_programme_without_signs_has_no_such_notice(world, trial) -> None:
    for name in ("intake:start", "intake:packet-request", "intake:contact"):
        html = Client().get(reverse(name), {"programme": "good-trial"}).content.decode()
        assert "Before you go further" not in html, name


def test_the_pre_screen_of_a_programme_with_signs_says_so_and_links_to_the_step(world) -> None:
    clinic = _clinic(world)
    _application, token = submitted(clinic, {"date_of_birth": "1960-01-01"})
    html = Client().get(reverse("intake:result", args=[token])).content.decode()
    assert "(paid clinic offer, 18,500 USD)" in html
    assert "<strong>Paid clinic shows 6 warning signs</strong>" in html
    assert "It does not mean that the treatment is safe, that it works" in html
    assert f'<a href="{STEP}">Before you go further' in html


def test_the_pre_screen_of_a_trial_without_signs_has_no_warning(world, trial) -> None:
    _application, token = submitted(trial, {"date_of_birth": "1960-01-01"})
    html = Client().get(reverse("intake:result", args=[token])).content.decode()
    assert "(clinical trial)" in html
    assert "warning sign" not in html
