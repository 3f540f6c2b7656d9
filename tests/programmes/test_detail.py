"""The public detail page: facts, warning signs with explanations, cited studies with their
endpoint status, the questions to ask, contact details and the disclaimer."""

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


def test_it_shows_the_warning_signs_with_their_explanations(world, client) -> None:
    make_programme(world.site_a, clinic_data(contact_email="info@clinic.example"))
    response = client.get(reverse("programmes:detail", args=["paid-clinic"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "We found 6 of the warning signs" in html
    assert "you are likely being deceived" in html
    assert "Stories from happy patients are not evidence" in html
    assert "<li>Parkinson&#x27;s disease</li>" in html
    assert "18,500 USD" in html
    assert 'href="mailto:info@clinic.example"' in html


def test_it_lists_cited_studies_with_whether_they_met_their_main_goal(world, client) -> None:
    met = make_study("good-study", short_name="Good study", primary_endpoint_met="yes")
    failed = make_study("nurown-phase-3", short_name="NurOwn phase 3")
    hidden = make_study("draft-study", short_name="Draft study", published=False)
    make_programme(world.site_a, studies=[met, failed, hidden])
    html = client.get(reverse("programmes:detail", args=["good-trial"])).content.decode()
    assert "Good study</a> (2020): <strong>Primary endpoint met</strong>" in html
    assert "NurOwn phase 3</a> (2020): <strong>Primary endpoint not met</strong>" in html
    assert f'href="{failed.get_absolute_url()}"' in html
    assert "Draft study" not in html


def test_it_has_the_questions_the_disclaimer_and_no_signs_for_a_good_trial(world, client) -> None:
    make_programme(world.site_a, trial_data())
    html = client.get(reverse("programmes:detail", args=["good-trial"])).content.decode()
    assert "Listing a programme here is not an endorsement. Cell therapies for ALS are " in html
    assert "Talk to your neurologist." in html
    assert "Questions to ask before you decide" in html
    assert "✔ None found." in html
    assert "Free — clinical trial" in html
    assert " style=" not in html and "<script" not in html


def test_it_answers_404_for_unknown_and_unpublished_programmes(world, client) -> None:
    make_programme(world.site_a, trial_data(published=False))
    assert client.get(reverse("programmes:detail", args=["good-trial"])).status_code == 404
    assert client.get(reverse("programmes:detail", args=["nothing-here"])).status_code == 404


def test_it_sends_public_cache_headers_to_anonymous_visitors(world, client, client_for) -> None:
    make_programme(world.site_a)
    url = reverse("programmes:detail", args=["good-trial"])
    assert cache_control(client.get(url)) == PUBLIC
    assert cache_control(client_for("coordinator_a").get(url)) == {"private"}


def test_an_edit_shows_at_once_on_the_cached_public_page(
    world, client, django_capture_on_commit_callbacks
) -> None:
    from cellpath.programmes.services import programme_update

    programme = make_programme(world.site_a, clinic_data())
    url = reverse("programmes:detail", args=[programme.slug])
    assert "No written protocol" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        programme_update(actor="test", programme=programme, data={"has_written_protocol": True})
    assert "No written protocol" not in client.get(url).content.decode()
