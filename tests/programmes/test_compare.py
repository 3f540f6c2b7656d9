"""Compare 2 to 4 programmes side by side; fewer, more or unknown ones get a friendly page."""

from __future__ import annotations

from django.urls import reverse

from tests.programmes.kit import (
    PUBLIC,
    cache_control,
    clinic_data,
    make_programme,
    make_study,
    trial_data,
)

URL = reverse("programmes:compare")


def five(world) -> list[str]:
    slugs = []
    for number in range(5):
        data = trial_data(slug=f"trial-{number}", name=f"Trial {number}",
                          registry_id=f"NCT0999000{number}")  # fmt: skip
        slugs.append(make_programme(world.site_a, data).slug)
    return slugs


def test_it_compares_two_in_an_accessible_table(world, client) -> None:
    study = make_study("nurown-phase-3", short_name="NurOwn phase 3")
    make_programme(world.site_a, trial_data(), studies=[study])
    make_programme(world.site_a, clinic_data())
    response = client.get(URL, {"p": ["good-trial", "paid-clinic"]})
    html = response.content.decode()
    assert response.status_code == 200
    assert [p.slug for p in response.context["programmes"]] == ["good-trial", "paid-clinic"]
    assert "<caption>2 programmes side by side</caption>" in html
    assert '<th scope="col"><a href="/programmes/good-trial/">Good trial</a></th>' in html
    assert '<th scope="row">Regulatory status</th>' in html
    assert '<th scope="row">Claims there is no risk</th>' in html
    assert "NurOwn phase 3</a>: Primary endpoint not met" in html
    assert html.count("⚠ Warning sign<") == 6
    assert html.count("✔ Not seen") == 6
    assert cache_control(response) == PUBLIC


def test_it_explains_how_to_choose_when_given_one(world, client) -> None:
    make_programme(world.site_a, trial_data())
    make_programme(world.site_a, clinic_data())
    response = client.get(URL, {"p": "good-trial"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose 2 to 4 programmes" in html
    assert 'value="good-trial" id="choose-good-trial" checked' in html
    assert "<table" not in html


def test_it_explains_how_to_choose_when_given_none(world, client) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    assert "Choose 2 to 4 programmes" in response.content.decode()
    assert "not enough programmes listed yet" in response.content.decode()


def test_it_keeps_the_first_four_of_five_and_says_so(world, client) -> None:
    slugs = five(world)
    response = client.get(URL, {"p": slugs})
    assert [p.slug for p in response.context["programmes"]] == slugs[:4]
    assert "We show the first 4; the other 1 is left out." in response.content.decode()


def test_it_names_unknown_programmes_and_never_fails(world, client) -> None:
    make_programme(world.site_a, trial_data())
    make_programme(world.site_a, clinic_data())
    response = client.get(URL, {"p": ["good-trial", "no-such-thing", "<b>x</b>"]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "We could not find these programmes: no-such-thing, &lt;b&gt;x&lt;/b&gt;" in html
    assert "Choose 2 to 4 programmes" in html


def test_it_compares_the_found_ones_when_one_of_three_is_unknown(world, client) -> None:
    make_programme(world.site_a, trial_data())
    make_programme(world.site_a, clinic_data())
    response = client.get(URL, {"p": ["good-trial", "gone", "paid-clinic", "good-trial"]})
    assert [p.slug for p in response.context["programmes"]] == ["good-trial", "paid-clinic"]
    assert "We could not find this programme: gone" in response.content.decode()


def test_its_choices_show_each_kind_price_and_warning_count(world, client) -> None:
    make_programme(world.site_a, trial_data())
    make_programme(world.site_a, clinic_data())
    html = client.get(URL).content.decode()
    assert 'Good trial <span class="muted">(Clinical trial · free)</span>' in html
    assert '<span class="sign-ok">✔ No warning signs found</span>' in html
    assert 'Paid clinic <span class="muted">(Paid clinic offer · 18,500 USD)</span>' in html
    assert '<span class="sign-flag">⚠ 6 warning signs</span>' in html
