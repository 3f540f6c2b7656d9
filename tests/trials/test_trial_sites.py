"""Where is this trial? A trial's page names each of its sites — facility, city, country — as the
registry record does, nearest first when a place is given."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.trials.conftest import DATA, demo_record

pytestmark = pytest.mark.django_db


def _sites(page: str) -> list[str]:
    listed = re.search(r'<ol class="sites">(.*?)</ol>', page, re.S).group(1)
    return [" ".join(re.sub(r"<[^>]+>", "", item.replace("<br>", " ")).split())
            for item in re.findall(r"<li>(.*?)</li>", listed, re.S)]  # fmt: skip


def test_it_names_each_site_with_its_city_and_country(demo_trials) -> None:
    page = Client().get("/trials/NCT99000005/").content.decode()
    sites = _sites(page)
    assert sites[0].startswith("Thames Motor Neurone Disease Centre (demo), London, United Kingdom")
    assert "A site" not in page


@pytest.mark.parametrize("path", sorted(DATA.glob("NCT99*.json")), ids=lambda p: p.stem)
def test_every_demo_trial_shows_its_site_names(demo_trials, path) -> None:
    record = demo_record(path.stem)
    locations = record["protocolSection"].get("contactsLocationsModule", {}).get("locations", [])
    page = Client().get(f"/trials/{path.stem}/").content.decode()
    shown = _sites(page) if locations else []
    assert len(shown) == len(locations)
    for location, site in zip(locations, shown, strict=True):
        assert site.startswith(f"{location['facility']}, {location['city']}")
        assert location["country"] in site


def test_near_a_place_the_sites_come_nearest_first_and_the_page_says_from_where(
    demo_trials,
) -> None:
    page = Client().get("/trials/NCT99000005/", {"near": "Leeds"}).content.decode()
    assert "Nearest first from <strong>Leeds, GB</strong>" in page
    sites = _sites(page)
    assert sites[0].startswith("Northern Hills MND Research Clinic (demo), Sheffield")
    km = [int(n) for n in re.findall(r"· (\d+) km", " ".join(sites))]
    assert km == sorted(km) and km[0] < 60


def test_an_unknown_or_overlong_place_is_explained_not_an_error(demo_trials) -> None:
    page = Client().get("/trials/NCT99000005/", {"near": "Nowhere Town"}).content.decode()
    assert "We do not know where that is" in page
    response = Client().get("/trials/NCT99000005/", {"near": "Leeds " * 20})
    assert response.status_code == 200
    assert "at most 80 characters" in response.content.decode()
