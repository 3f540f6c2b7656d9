"""What a visitor sees in the study library, the claim checks and the knowledge pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from cellpath.evidence.services import content_save


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_study_list_shows_size_control_and_endpoint(library, client: Client) -> None:
    page = _text(client.get(reverse("evidence:study-list")))
    assert "NurOwn phase 3" in page
    assert "95 treated, 94 control" in page
    assert "Placebo" in page
    assert "Primary endpoint not met" in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"cell_type": "neural"}, ["Neural graft"], ["NurOwn phase 3"]),
        ({"route": "intramuscular"}, ["NurOwn phase 1/2"], ["NurOwn phase 3", "Neural graft"]),
        ({"phase": "3"}, ["NurOwn phase 3"], ["NurOwn phase 1/2"]),
        ({"control": "placebo"}, ["NurOwn phase 3"], ["Neural graft"]),
        ({"primary_endpoint_met": "no"}, ["NurOwn phase 3"], ["Neural graft", "NurOwn phase 1/2"]),
        ({"q": "nurown"}, ["NurOwn phase 3", "NurOwn phase 1/2"], ["Neural graft"]),
    ],
)
def test_the_filters_narrow_the_list(library, client: Client, query, shown, hidden) -> None:
    page = _text(client.get(reverse("evidence:study-list"), query))
    for name in shown:
        assert f">{name}</a>" in page
    for name in hidden:
        assert f">{name}</a>" not in page


def test_an_unknown_filter_value_is_ignored_not_an_error(library, client: Client) -> None:
    response = client.get(reverse("evidence:study-list"), {"phase": "9", "route": "<script>"})
    assert response.status_code == 200
    assert "NurOwn phase 3" in _text(response)


def test_a_study_page_says_the_primary_endpoint_was_not_met(library, client: Client) -> None:
    page = _text(client.get(library.phase3.get_absolute_url()))
    assert "Primary endpoint not met." in page
    assert "33 % vs 28 %" in page
    assert 'href="https://doi.org/10.1002/mus.27472"' in page
    assert "https://clinicaltrials.gov/study/NCT03280056" in page
    # the claims that cite it
    assert "87 % of patients respond" in page
    assert library.claim.get_absolute_url() in page


def test_an_unverified_figure_is_labelled(library, client: Client) -> None:
    page = _text(client.get(library.claim.get_absolute_url()))
    assert re.search(r">87 %</a> <span class=\"unverified\">\(not verified\)</span>", page)


def test_figures_link_to_the_record_they_come_from(library, client: Client) -> None:
    page = _text(client.get(library.page.get_absolute_url()))
    assert f'href="{library.survival.get_absolute_url()}"' in page
    assert ">2 to 3 years</a>" in page
    references = _text(client.get(reverse("evidence:references")))
    assert 'id="figure-median-survival"' in references
    assert "Natural history paper" in references


def test_a_claim_page_shows_verdict_explanation_and_studies(library, client: Client) -> None:
    page = _text(client.get(library.claim.get_absolute_url()))
    assert "Partly supported" in page
    assert "A small uncontrolled study" in page
    assert library.phase3.get_absolute_url() in page
    assert library.open_label.get_absolute_url() in page


def test_comparing_two_studies_puts_them_side_by_side(library, client: Client) -> None:
    url = reverse("evidence:study-compare")
    page = _text(client.get(url, {"s": ["nurown-phase-3", "neural-graft"]}))
    assert "2 studies side by side" in page
    assert "The untreated limb" in page and "Placebo" in page


def test_comparing_one_study_asks_for_another(library, client: Client) -> None:
    page = _text(client.get(reverse("evidence:study-compare"), {"s": "nurown-phase-3"}))
    assert "Choose two to 4 studies" in page
    assert 'value="nurown-phase-3" id="s-nurown-phase-3" checked' in page


def test_comparing_too_many_keeps_the_first_four(library, client: Client) -> None:
    from tests.evidence.conftest import make_study

    for n in range(3):
        make_study(f"extra-{n}")
    slugs = ["nurown-phase-3", "nurown-phase-1-2", "neural-graft", "extra-0", "extra-1", "nope"]
    page = _text(client.get(reverse("evidence:study-compare"), {"s": slugs}))
    assert "We kept the first 4" in page
    assert "4 studies side by side" in page
    assert "Extra 1" not in page


def test_unpublished_content_is_not_public(library, client: Client) -> None:
    library.phase3.published = False
    content_save(actor="test", instance=library.phase3)
    assert client.get(library.phase3.get_absolute_url()).status_code == 404
    assert "NurOwn phase 3<" not in _text(client.get(reverse("evidence:study-list")))


def test_search_finds_studies_claims_and_pages(library, client: Client) -> None:
    page = _text(client.get(reverse("search"), {"q": "nurown"}))
    assert "NurOwn phase 3" in page
    page = _text(client.get(reverse("search"), {"q": "respond"}))
    assert "87 % of patients respond" in page
    page = _text(client.get(reverse("search"), {"q": "symptoms start"}))
    assert "What ALS is" in page
    page = _text(client.get(reverse("search"), {"q": "zzzz"}))
    assert "0 results" in page and "Nothing matched" in page


def test_a_visitor_gets_a_cached_public_page(
    library, client: Client, django_assert_num_queries
) -> None:
    url = library.phase3.get_absolute_url()
    first = client.get(url)
    assert "public" in first["Cache-Control"]
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first.content


def test_an_edit_shows_at_once(library, client: Client, django_capture_on_commit_callbacks) -> None:
    url = library.phase3.get_absolute_url()
    client.get(url)
    library.phase3.short_name = "NurOwn phase three"
    with django_capture_on_commit_callbacks(execute=True):  # the cache moves on at commit
        content_save(actor="test", instance=library.phase3)
    assert "NurOwn phase three" in _text(client.get(url))


def test_signed_in_users_get_a_private_page(library, client_for) -> None:
    response = client_for("patient_a").get(library.phase3.get_absolute_url())
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_public_pages_carry_the_disclaimer(library, client: Client) -> None:
    for url in (
        reverse("evidence:learn"),
        library.page.get_absolute_url(),
        library.phase3.get_absolute_url(),
        library.claim.get_absolute_url(),
    ):
        page = _text(client.get(url))
        assert "This is not medical advice." in page
        assert "talk to your neurologist" in page


def test_a_learn_page_ends_with_a_next_step_along_the_pathway(library, client: Client) -> None:
    html = client.get(library.page.get_absolute_url()).content.decode()
    step = html[html.index('id="next-step-heading"') :]
    for name in ("trials:match", "programmes:list", "evidence:study-list"):
        assert f'href="{reverse(name)}"' in step
    assert "neurologist" in step


def test_the_landing_page_shows_every_step_including_trials_and_apply(client: Client) -> None:
    html = client.get(reverse("landing")).content.decode()
    for name in ("evidence:learn", "evidence:study-list", "programmes:list", "trials:finder",
                 "intake:start"):  # fmt: skip
        assert f'href="{reverse(name)}"' in html
