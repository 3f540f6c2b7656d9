"""The public pages stay cheap however many programmes and cited studies there are."""

from __future__ import annotations

from django.urls import reverse

from tests.programmes.kit import make_programme, make_study, trial_data


def many(world, count: int = 6) -> list[str]:
    studies = [make_study(f"study-{n}") for n in range(3)]
    slugs = []
    for number in range(count):
        data = trial_data(slug=f"trial-{number}", name=f"Trial {number}")
        slugs.append(make_programme(world.site_a, data, studies=studies).slug)
    return slugs


def test_it_lists_with_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    many(world)
    with django_assert_max_num_queries(2):
        assert client.get(reverse("programmes:list")).status_code == 200


def test_it_shows_a_programme_with_a_fixed_number_of_queries(
    world, client, django_assert_max_num_queries
):
    slugs = many(world)
    # one more each: whether its registry ID is a stored trial; its criteria (who can take part)
    with django_assert_max_num_queries(5):
        assert client.get(reverse("programmes:detail", args=[slugs[0]])).status_code == 200


def test_it_compares_with_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    slugs = many(world)
    with django_assert_max_num_queries(4):  # one more than before: the published outcomes cards
        response = client.get(reverse("programmes:compare"), {"p": slugs[:4]})
    assert len(response.context["programmes"]) == 4
