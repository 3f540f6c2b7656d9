"""A course links to its programme: the course form offers published programmes and the site's
own, refuses anything else, and takes a typed name for a programme not listed in Cellpath. A
course that names a programme nobody has linked (from before the link existed) asks the care
team, who link it or confirm it is not listed; nothing typed is lost."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cellpath.accounts.audit import audited_bulk_import
from cellpath.accounts.models import AuditEvent
from cellpath.care import services
from cellpath.care.models import FollowUpPlan, TreatmentCourse
from tests.programmes.kit import make_programme, trial_data

COURSE = {
    "cell_type": "msc",
    "donor": "autologous",
    "tissue": "bone_marrow",
    "route": "intrathecal",
    "started_on": "2025-01-06",
}


def post(client, url: str, data: dict):
    client.get(reverse("home"))  # every page carries the CSRF cookie (the sign-out form)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


@pytest.fixture
def listings(world):
    def listing(site, slug: str, name: str, *, published: bool):
        return make_programme(site, trial_data(slug=slug, name=name, published=published))

    return {
        "own_draft": listing(world.site_a, "own-draft", "Our draft study", published=False),
        "other_published": listing(world.site_b, "other-trial", "Other trial", published=True),
        "other_draft": listing(world.site_b, "other-draft", "Their draft", published=False),
    }


def _course_form(client, patient):
    url = reverse("care:course-create", args=[patient.pk])
    return url, client.get(url).context["form"]


def start(client, patient, **fields):
    """Post the course form for `patient`, with the form's own follow-up plan."""
    url, form = _course_form(client, patient)
    plan = form.initial["follow_up_plan"].pk
    return post(client, url, {**COURSE, "follow_up_plan": plan, **fields})


def test_the_form_offers_published_programmes_and_the_sites_own(world, client_for, listings):
    _, form = _course_form(client_for("coordinator_a"), world.patient_a)
    offered = set(form.fields["programme"].queryset)
    assert offered == {listings["own_draft"], listings["other_published"]}
    labels = dict(form.fields["programme"].choices)
    assert "Our draft study (not published)" in labels.values()
    assert "Not listed in Cellpath: type its name below" in labels.values()


def test_it_links_a_new_course_to_the_chosen_programme(world, client_for, listings) -> None:
    client = client_for("coordinator_a")
    trial = listings["other_published"]
    response = start(client, world.patient_a, programme=trial.pk)
    assert response.status_code == 302, response.context["form"].errors
    course = TreatmentCourse.objects.get(patient=world.patient_a)
    assert course.programme == trial and course.programme_name == ""
    assert course.programme_label == "Other trial" and not course.programme_unlinked
    page = client.get(response.url).content.decode()
    assert f'href="{trial.get_absolute_url()}">Other trial</a>' in page
    assert "Please check" not in page


def test_another_sites_unpublished_programme_is_refused(world, client_for, listings) -> None:
    client = client_for("coordinator_a")
    response = start(client, world.patient_a, programme=listings["other_draft"].pk)
    assert response.status_code == 200
    assert "Select a valid choice" in response.context["form"].errors["programme"][0]
    assert not TreatmentCourse.objects.exists()
    with pytest.raises(ValidationError) as refused:
        services.course_start(
            actor=world.users["coordinator_a"],
            patient=world.patient_a,
            programme=listings["other_draft"],
            cell_type="msc",
            donor="autologous",
            tissue="bone_marrow",
            route="intrathecal",
            started_on=date(2025, 1, 6),
        )
    assert "cannot be chosen" in refused.value.message_dict["programme"][0]


def test_a_programme_not_listed_is_typed_and_kept_without_a_question(
    world, client_for, listings
) -> None:
    client = client_for("clinician_a")
    response = start(client, world.patient_a, programme="", programme_name="  A clinic abroad ")
    course = TreatmentCourse.objects.get(patient=world.patient_a)
    assert (course.programme, course.programme_name) == (None, "A clinic abroad")
    assert course.programme_not_listed and not course.programme_unlinked
    page = client.get(response.url).content.decode()
    assert "A clinic abroad (not listed in Cellpath)" in page and "Please check" not in page


@pytest.mark.parametrize(
    ("choice", "name", "field", "message"),
    [
        ("", "", "programme", "Choose the programme, or type its name if it is not listed"),
        ("trial", "Typed too", "programme_name", "from the list or type a name, not both"),
    ],
)
def test_it_wants_one_programme_either_chosen_or_typed(
    world, client_for, listings, choice, name, field, message
) -> None:
    picked = listings["other_published"].pk if choice else ""
    response = start(
        client_for("coordinator_a"), world.patient_a, programme=picked, programme_name=name
    )
    assert message in " ".join(response.context["form"].errors[field])
    assert not TreatmentCourse.objects.exists()


def _course_from_before_the_link(patient, name: str) -> TreatmentCourse:
    """A course as the migration leaves one whose text matched no programme."""
    audited_bulk_import(
        TreatmentCourse,
        [
            TreatmentCourse(
                patient=patient,
                number=1,
                programme_name=name,
                cell_type="msc",
                donor="allogeneic",
                tissue="umbilical_cord",
                route="intravenous",
                started_on=date(2024, 9, 2),
                follow_up_plan=FollowUpPlan.default(),
            )
        ],
        actor="test",
        source="before programmes were linked",
    )
    return TreatmentCourse.objects.get(patient=patient)


def test_an_unlinked_course_asks_the_care_team_who_link_it(world, client_for, listings) -> None:
    course = _course_from_before_the_link(world.patient_a, "Other Trial ")
    client = client_for("coordinator_a")
    detail = reverse("care:course-detail", args=[course.pk])
    page = client.get(detail).content.decode()
    assert "Please check" in page
    assert "This course names “Other Trial”, which is not linked to a programme" in page
    treatment = client.get(reverse("care:patient-treatment", args=[world.patient_a.pk]))
    assert "(not linked: please check)" in treatment.content.decode()

    link = reverse("care:course-programme", args=[course.pk])
    response = post(client, link, {"programme": listings["other_published"].pk})
    assert response.status_code == 302 and response.url == detail
    course.refresh_from_db()
    assert course.programme == listings["other_published"]
    assert course.programme_name == "Other Trial "  # as entered, kept
    assert "Please check" not in client.get(detail).content.decode()
    event = AuditEvent.objects.filter(
        object_type="care.treatmentcourse", action=AuditEvent.Action.UPDATE
    ).get()
    assert event.changes["programme_id"]["new"] == listings["other_published"].pk


def test_the_care_team_may_confirm_a_programme_is_not_listed(world, client_for) -> None:
    course = _course_from_before_the_link(world.patient_a, "A clinic abroad")
    client = client_for("clinician_a")
    response = post(client, reverse("care:course-programme", args=[course.pk]), {"programme": ""})
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.programme is None and course.programme_not_listed
    page = client.get(response.url).content.decode()
    assert "A clinic abroad (not listed in Cellpath)" in page and "Please check" not in page


def test_linking_is_refused_across_sites_and_to_hidden_listings(
    world, client_for, listings
) -> None:
    course = _course_from_before_the_link(world.patient_a, "Their draft")
    link = reverse("care:course-programme", args=[course.pk])
    assert client_for("coordinator_b").get(link).status_code == 404
    response = post(client_for("coordinator_a"), link, {"programme": listings["other_draft"].pk})
    assert "Select a valid choice" in response.context["form"].errors["programme"][0]
    with pytest.raises(ValidationError):
        services.course_programme_link(
            actor="test", course=course, programme=listings["other_draft"]
        )
    course.refresh_from_db()
    assert course.programme is None and not course.programme_not_listed


def test_displays_show_the_programme_by_its_name(world, listings) -> None:
    course = services.course_start(
        actor="test",
        patient=world.patient_a,
        programme=listings["own_draft"],
        cell_type="msc",
        donor="autologous",
        tissue="bone_marrow",
        route="intrathecal",
        started_on=date(2025, 1, 6),
    )
    assert str(course) == "Course 1: Our draft study"
    assert str(course.programme) == "Our draft study"  # what code reading `course.programme` sees


def test_care_never_imports_programmes() -> None:
    """Care sits below programmes: the link is a string in the foreign key, not an import."""
    care = Path(__file__).resolve().parents[2] / "src" / "cellpath" / "care"
    importing = []
    for path in care.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if any(name.startswith("cellpath.programmes") for name in names):
                importing.append(str(path.relative_to(care)))
    assert importing == []
