"""The public list: filters by kind, cell type and route; cards with price, oversight and the
number of warning signs; checkboxes to choose programmes to compare."""

from __future__ import annotations

from django.urls import reverse

from cellpath.programmes import queries
from tests.programmes.kit import PUBLIC, cache_control, clinic_data, make_programme, trial_data

URL = reverse("programmes:list")


def setup_three(world) -> None:
    make_programme(world.site_a, trial_data())
    make_programme(world.site_a, clinic_data())
    make_programme(
        world.site_b,
        trial_data(
            slug="neural-eap",
            name="Neural access",
            kind="expanded_access",
            cell_type="neural",
            routes="intraspinal intrathecal",
            regulatory_status="ind",
            ind_number="IND 1",
        ),
    )


def test_it_shows_each_programme_as_a_card_with_its_warning_count(world, client) -> None:
    setup_three(world)
    html = client.get(URL).content.decode()
    assert html.count('class="card programme-card"') == 3
    assert "Free — clinical trial" in html
    assert "18,500 USD" in html
    assert "⚠ 6 warning signs" in html
    assert "✔ None found" in html
    assert "Approved trial with registry ID (NCT09990001)" in html
    assert f'action="{reverse("programmes:compare")}"' in html
    assert 'name="p" value="paid-clinic"' in html


def test_it_filters_by_kind_cell_type_and_route(world, client) -> None:
    setup_three(world)

    def names(**query: str) -> list[str]:
        return [p.name for p in client.get(URL, query).context["programmes"]]

    assert names(kind="paid_clinic") == ["Paid clinic"]
    assert names(cell_type="neural") == ["Neural access"]
    assert names(route="intrathecal") == ["Good trial", "Neural access"]
    assert names(route="intraspinal", kind="clinical_trial") == []
    assert (
        "No programme matches your choices"
        in client.get(URL, {"kind": "paid_clinic", "route": "intraspinal"}).content.decode()
    )


def test_it_answers_head_requests(world, client) -> None:
    assert client.head(URL).status_code == 200


def test_it_ignores_an_unknown_filter_value(world, client) -> None:
    setup_three(world)
    response = client.get(URL, {"kind": "miracle"})
    assert response.status_code == 200
    assert len(response.context["programmes"]) == 3


def test_it_matches_whole_route_codes_only(world) -> None:
    make_programme(world.site_a, trial_data(routes="intravenous"))
    assert list(queries.programme_list(route="intra")) == []
    assert len(queries.programme_list(route="intravenous")) == 1


def test_it_leaves_unpublished_programmes_out(world, client) -> None:
    make_programme(world.site_a, trial_data(published=False))
    assert client.get(URL).context["programmes"] == []


def test_it_may_be_cached_publicly_for_anonymous_visitors_only(world, client, client_for) -> None:
    assert cache_control(client.get(URL)) == PUBLIC
    assert cache_control(client_for("patient_a").get(URL)) == {"private"}
