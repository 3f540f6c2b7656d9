"""Programmes and trials meet: a programme whose registry ID is a stored trial links to the
trial's page, and the trial's page links back to every published programme that names it."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from cellpath.programmes.demo import load_demo_programmes
from cellpath.trials.demo import load_demo_trials
from tests.programmes.kit import make_programme, trial_data


def test_a_programme_links_to_its_stored_trial_and_the_trial_links_back(world) -> None:
    load_demo_trials()
    make_programme(world.site_a, trial_data(registry_id="NCT99000001"))
    make_programme(world.site_b, trial_data(slug="second", name="Second site's programme",
                                            registry_id="NCT99000001"))  # fmt: skip
    programme_page = Client().get(reverse("programmes:detail", args=["good-trial"])).content
    assert (
        '<a href="/trials/NCT99000001/">The trial NCT99000001: where it runs and who can take '
        "part</a>" in programme_page.decode()
    )
    trial_page = Client().get("/trials/NCT99000001/").content.decode()
    assert "<dt>Programmes on Cellpath</dt>" in trial_page
    assert '<a href="/programmes/good-trial/">Good trial</a>' in trial_page
    assert '<a href="/programmes/second/">Second site&#x27;s programme</a>' in trial_page


def test_a_registry_id_that_is_not_a_stored_trial_is_shown_without_a_link(world) -> None:
    load_demo_trials()
    make_programme(world.site_a, trial_data(registry_id="NCT09990001"))
    page = Client().get(reverse("programmes:detail", args=["good-trial"])).content.decode()
    assert "NCT09990001" in page and "/trials/NCT09990001/" not in page
    trial_page = Client().get("/trials/NCT99000002/").content.decode()
    assert "on Cellpath</dt>" not in trial_page


def test_an_unpublished_programme_is_not_linked_from_the_trial(world) -> None:
    load_demo_trials()
    make_programme(world.site_a, trial_data(registry_id="NCT99000001", published=False))
    trial_page = Client().get("/trials/NCT99000001/").content.decode()
    assert "/programmes/good-trial/" not in trial_page


def test_the_demo_trial_programme_and_its_demo_trial_link_to_each_other(world) -> None:
    load_demo_trials()
    load_demo_programmes(sites={"riv": world.site_a, "nor": world.site_b})
    programme = Client().get(reverse("programmes:detail", args=["riverside-msc-trial"]))
    assert 'href="/trials/NCT99000001/"' in programme.content.decode()
    trial_page = Client().get("/trials/NCT99000001/").content.decode()
    assert '<a href="/programmes/riverside-msc-trial/">RIVER-MSC phase 2 trial' in trial_page
