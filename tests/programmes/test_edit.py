"""Editing: coordinators and administrators of the programme's site; another site's staff get
404; a refused form keeps what was typed and shows the error beside its field."""

from __future__ import annotations

from django.urls import reverse

from cellpath.accounts.models import AuditEvent
from cellpath.programmes.forms import FIELDSETS, ProgrammeForm
from cellpath.programmes.models import Programme
from tests.programmes.kit import make_programme, make_study, trial_data

EDIT = reverse("programmes:edit", args=["good-trial"])


def form_data(programme: Programme, **changes: object) -> dict[str, object]:
    """What the edit page posts back unchanged, with `changes` typed in."""
    form = ProgrammeForm(instance=programme)
    data: dict[str, object] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data.update(changes)
    return data


def csrf_post(client, url: str, data: dict) -> object:
    client.get(url)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_it_saves_an_edit_by_a_coordinator_of_the_site(world, client_for) -> None:
    study = make_study("nurown-phase-3")
    programme = make_programme(world.site_a)
    client = client_for("coordinator_a")
    response = csrf_post(
        client,
        EDIT,
        form_data(programme, name="Renamed trial", routes=["intrathecal", "intravenous"],
                  studies=[study.pk]),
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:detail", args=["good-trial"])
    programme.refresh_from_db()
    assert programme.name == "Renamed trial"
    assert programme.routes == "intrathecal intravenous"
    assert programme.version == 2
    assert list(programme.studies.all()) == [study]
    event = AuditEvent.objects.filter(action="update", object_label="programme good-trial").first()
    assert event.actor == world.users["coordinator_a"]
    page = client.get(response["Location"]).content.decode()
    assert "“Renamed trial” saved (version 2)." in page


def test_it_lets_an_administrator_of_the_site_and_the_superuser_edit(world, client_for) -> None:
    make_programme(world.site_a)
    for actor in ("administrator_a", "superuser"):
        response = client_for(actor).get(EDIT)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'value="Good trial"' in html
        assert 'name="routes" value="intrathecal"' in html


def test_it_answers_404_to_the_coordinator_of_another_site(world, client_for) -> None:
    make_programme(world.site_a)
    client = client_for("coordinator_b")
    assert client.get(EDIT).status_code == 404
    client.get(reverse("programmes:mine"))
    token = client.cookies["csrftoken"].value
    assert client.post(EDIT, {"csrfmiddlewaretoken": token}).status_code == 404
    assert Programme.objects.get().version == 1


def test_it_keeps_typed_values_and_shows_the_error_beside_the_field(world, client_for) -> None:
    programme = make_programme(world.site_a)
    response = csrf_post(
        client_for("coordinator_a"),
        EDIT,
        form_data(programme, name="Typed name", registry_id="", price_amount="-5"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing has been saved yet." in html
    assert 'value="Typed name"' in html
    assert 'value="-5"' in html
    assert "needs its registry ID" in html
    assert 'id="id_registry_id-error"' in html
    assert "A price cannot be below zero." in html
    assert "<h1>Edit “Good trial”</h1>" in html
    programme.refresh_from_db()
    assert programme.name == "Good trial" and programme.version == 1


def test_it_refuses_a_slug_another_programme_has(world, client_for) -> None:
    programme = make_programme(world.site_a)
    make_programme(world.site_a, trial_data(slug="other-trial", name="Other"))
    response = csrf_post(
        client_for("coordinator_a"), EDIT, form_data(programme, slug="other-trial")
    )
    assert response.status_code == 200
    assert "Programme with this Slug already exists." in response.content.decode()


def test_it_sends_the_staff_back_to_their_list_after_unpublishing(world, client_for) -> None:
    programme = make_programme(world.site_a)
    data = form_data(programme)
    data.pop("published")
    response = csrf_post(client_for("coordinator_a"), EDIT, data)
    assert response["Location"] == reverse("programmes:mine")


def test_it_lists_the_programmes_of_the_users_sites(world, client_for) -> None:
    make_programme(world.site_a)
    make_programme(world.site_b, trial_data(slug="b-trial", name="B trial", published=False))
    page_a = client_for("coordinator_a").get(reverse("programmes:mine")).content.decode()
    page_b = client_for("administrator_b").get(reverse("programmes:mine")).content.decode()
    assert "Good trial" in page_a and "B trial" not in page_a
    assert "B trial" in page_b and "Good trial" not in page_b
    assert reverse("programmes:edit", args=["b-trial"]) in page_b


def test_the_form_shows_every_field_in_one_section() -> None:
    in_sections = [name for _, names in FIELDSETS for name in names]
    assert sorted(in_sections) == sorted(ProgrammeForm.base_fields)
    assert len(in_sections) == len(set(in_sections))
