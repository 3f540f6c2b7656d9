"""The site-wide search finds published programmes by every word typed."""

from __future__ import annotations

from cellpath.programmes.queries import programmes_editable_by, search
from tests.programmes.kit import clinic_data, make_programme, trial_data


def test_it_finds_programmes_by_every_word_in_any_field(world) -> None:
    make_programme(world.site_a, trial_data())
    make_programme(world.site_a, clinic_data())
    make_programme(world.site_a, trial_data(slug="hidden", name="Hidden trial", published=False))
    assert [p.slug for p in search("mexico")] == ["paid-clinic"]
    assert [p.slug for p in search("MIRACLE cells")] == ["paid-clinic"]
    assert [p.slug for p in search("bone-marrow randomised")] == ["good-trial"]
    assert [p.slug for p in search("trial")] == ["good-trial"]
    assert search("   ") == []
    assert search("miracle nothing") == []


def test_it_limits_the_results(world) -> None:
    for number in range(3):
        make_programme(world.site_a, trial_data(slug=f"t-{number}", name=f"Trial {number}"))
    assert len(search("trial", limit=2)) == 2


def test_it_scopes_editable_programmes_to_the_users_sites(world) -> None:
    make_programme(world.site_a)
    make_programme(world.site_b, trial_data(slug="b-trial"))

    def slugs(actor: str) -> list[str]:
        return sorted(p.slug for p in programmes_editable_by(world.users[actor]))

    assert slugs("coordinator_a") == ["good-trial"]
    assert slugs("administrator_b") == ["b-trial"]
    assert slugs("clinician_a") == [] and slugs("editor") == []
    assert slugs("superuser") == ["b-trial", "good-trial"]
