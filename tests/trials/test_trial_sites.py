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
