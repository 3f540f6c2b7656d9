"""A programme with warning signs gets a "Before you go further" step instead of the buttons
that send something to it: its signs with their sources, what to ask it, and the registered
ALS cell-therapy trials open to enrol; only then quieter buttons to go on (issue 19)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from cellpath.programmes.warning_signs import ALL_SIGNS
from cellpath.trials.demo import load_demo_trials
from tests.programmes.kit import clinic_data, make_programme, trial_data

SENDING = ("/info-packet/", "/contact/", "/apply/")


def _sending_links(html: str) -> list[str]:
    return [path for path in SENDING if f'href="{path}?programme=' in html]


def test_a_programme_with_warning_signs_gets_the_step_instead_of_the_buttons(world) -> None:
    make_programme(world.site_a, clinic_data())
    html = Client().get(reverse("programmes:detail", args=["paid-clinic"])).content.decode()
    step = reverse("programmes:before", args=["paid-clinic"])
    assert f'<a class="button" href="{step}">Before you go further</a>' in html
    assert "This offer shows 6 warning signs." in html
    assert _sending_links(html) == []


def test_a_programme_without_warning_signs_keeps_its_buttons(world) -> None:
    make_programme(world.site_a, trial_data())
    html = Client().get(reverse("programmes:detail", args=["good-trial"])).content.decode()
    assert _sending_links(html) == list(SENDING)
    assert "Before you go further" not in html


def test_the_step_lists_the_signs_with_their_sources_and_what_to_ask(world) -> None:
    make_programme(world.site_a, clinic_data())
    response = Client().get(reverse("programmes:before", args=["paid-clinic"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Before you go further</h1>" in html
    assert "Paid clinic is a paid clinic offer (18,500 USD)." in html
    assert "Its 6 warning signs" in html
    assert "you are likely being deceived" in html
    assert "Source: U.S. Food and Drug Administration (FDA)" in html
    assert "What to ask Miracle Cells Ltd" in html
    for sign in ALL_SIGNS:
        assert sign.title in html
        assert sign.ask.replace("'", "&#x27;") in html
    assert " style=" not in html and "<script" not in html


def test_the_step_lists_open_als_cell_therapy_trials_only(world) -> None:
    load_demo_trials()
    make_programme(world.site_a, clinic_data())
    html = Client().get(reverse("programmes:before", args=["paid-clinic"])).content.decode()
    assert 'href="/trials/NCT99000001/"' in html  # recruiting, cell therapy
    for closed_or_not_cells in ("NCT99000003", "NCT99000004", "NCT99000005", "NCT99000009"):
        assert f"/trials/{closed_or_not_cells}/" not in html
    assert f'href="{reverse("trials:finder")}?kind=cell"' in html


def test_the_step_says_so_when_no_trial_is_stored(world) -> None:
    make_programme(world.site_a, clinic_data())
    html = Client().get(reverse("programmes:before", args=["paid-clinic"])).content.decode()
    assert "No open ALS cell-therapy trial is stored here at the moment." in html


def test_only_after_the_step_come_the_buttons_and_none_is_filled(world) -> None:
    make_programme(world.site_a, clinic_data())
    html = Client().get(reverse("programmes:before", args=["paid-clinic"])).content.decode()
    assert _sending_links(html) == list(SENDING)
    for path in SENDING:
        assert f'<a class="button button-secondary" href="{path}?programme=paid-clinic">' in html
    assert '<a class="button" ' not in html
    assert "Nothing has been sent to Paid clinic." in html


def test_a_programme_without_warning_signs_is_sent_to_its_page(world) -> None:
    make_programme(world.site_a, trial_data())
    response = Client().get(reverse("programmes:before", args=["good-trial"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:detail", args=["good-trial"])


def test_it_answers_404_for_unknown_and_unpublished_programmes(world) -> None:
    make_programme(world.site_a, clinic_data(published=False))
    for slug in ("paid-clinic", "nothing-here"):
        assert Client().get(reverse("programmes:before", args=[slug])).status_code == 404
