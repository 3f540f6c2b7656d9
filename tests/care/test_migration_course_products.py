"""Courses, harvests and doses recorded before the shared cell-product vocabulary carry over:
care's combined source splits into donor and tissue, "iv" becomes "intravenous", and a course
is linked to the programme its text names — only when exactly one programme its site may choose
has that name. Nothing typed is lost, and the migration goes back."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

mapping = importlib.import_module("cellpath.care.migrations.0006_course_product_and_programme_data")

BEFORE = [("care", "0004_dashboard_indexes"), ("programmes", "0001_initial")]
AFTER = [("care", "0007_remove_treatmentcourse_source")]


@pytest.mark.parametrize(
    ("source", "donor", "tissue"),
    [
        ("auto_bone_marrow", "autologous", "bone_marrow"),
        ("auto_adipose", "autologous", "adipose"),
        ("auto_blood", "autologous", "blood"),
        ("allo_cord", "allogeneic", "umbilical_cord"),
        ("allo_wharton", "allogeneic", "wharton_jelly"),
        ("allo_other", "allogeneic", "other"),
    ],
)
def test_each_combined_source_splits_and_comes_back(source, donor, tissue) -> None:
    assert mapping.donor_and_tissue(source) == (donor, tissue)
    assert mapping.combined_source(donor, tissue) == source
    assert mapping.harvest_tissue(source) == tissue


def test_an_unknown_source_is_refused_not_guessed() -> None:
    with pytest.raises(mapping.UnmappedValueError, match="auto_liver"):
        mapping.donor_and_tissue("auto_liver")
    assert mapping.harvest_tissue("auto_liver") == "auto_liver"  # kept as it was


def test_new_tissues_go_back_only_where_the_old_codes_can_hold_them() -> None:
    assert mapping.combined_source("allogeneic", "cord_blood") == "allo_other"
    assert mapping.combined_source("autologous", "cord_blood") is None


def test_only_iv_changes_among_routes() -> None:
    assert mapping.new_route("iv") == "intravenous"
    assert mapping.old_route("intravenous") == "iv"
    for code in ("intrathecal", "intraspinal", "intramuscular", "other"):
        assert mapping.new_route(code) == mapping.old_route(code) == code


def test_a_programme_matches_by_trimmed_name_in_any_case_once_and_visible_to_the_site() -> None:
    programmes = [
        (1, "RIVER-MSC trial", 10, True),
        (2, "Northfield study", 20, False),  # unpublished, site 20's own
        (3, "Twin", 10, True),
        (4, "twin", 20, True),
    ]
    assert mapping.matching_programme("  river-msc TRIAL ", 99, programmes) == 1
    assert mapping.matching_programme("Northfield study", 20, programmes) == 2
    assert mapping.matching_programme("Northfield study", 10, programmes) is None
    assert mapping.matching_programme("Twin", 10, programmes) is None  # two: a person decides
    assert mapping.matching_programme("RIVER-MSC", 10, programmes) is None  # no partial match
    assert mapping.matching_programme("", 10, programmes) is None


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _old_records(apps) -> dict[str, int]:
    Site = apps.get_model("accounts", "Site")
    Patient = apps.get_model("care", "Patient")
    FollowUpPlan = apps.get_model("care", "FollowUpPlan")
    Programme = apps.get_model("programmes", "Programme")
    TreatmentCourse = apps.get_model("care", "TreatmentCourse")
    Harvest = apps.get_model("care", "Harvest")
    Administration = apps.get_model("care", "Administration")
    site = Site.objects.create(name="Old site", code="old")
    other = Site.objects.create(name="Other site", code="oth")
    patient = Patient.objects.create(study_id="OLD-001", site=site, onset_date=date(2022, 1, 1))
    plan = FollowUpPlan.objects.create(name="Old plan")
    listing = {
        "kind": "clinical_trial",
        "organisation": "Somewhere",
        "summary": "A trial.",
        "cell_type": "msc",
        "donor": "autologous",
    }
    trial = Programme.objects.create(slug="river", name="RIVER-MSC trial", site=site, **listing)
    Programme.objects.create(
        slug="hidden", name="Hidden study", site=other, published=False, **listing
    )

    def course(number, programme, source, route):
        return TreatmentCourse.objects.create(
            patient=patient,
            number=number,
            programme=programme,
            cell_type="msc",
            source=source,
            route=route,
            started_on=date(2023, number, 1),
            follow_up_plan=plan,
        )

    linked = course(1, " river-msc TRIAL ", "auto_bone_marrow", "iv")
    unknown = course(2, "A clinic abroad", "allo_cord", "intrathecal")
    hidden = course(3, "Hidden study", "allo_wharton", "iv")
    harvest = Harvest.objects.create(
        course=linked, collected_on=date(2022, 12, 1), tissue="auto_bone_marrow", reference="H-1"
    )
    dose = Administration.objects.create(
        course=linked, given_on=date(2023, 1, 1), dose_cells=10**8, route="iv"
    )
    return {
        "trial": trial.pk,
        "linked": linked.pk,
        "unknown": unknown.pk,
        "hidden": hidden.pk,
        "harvest": harvest.pk,
        "dose": dose.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_recorded_courses_carry_over_and_go_back() -> None:
    try:
        ids = _old_records(_migrate(BEFORE))
        apps = _migrate(AFTER)
        TreatmentCourse = apps.get_model("care", "TreatmentCourse")
        linked = TreatmentCourse.objects.get(pk=ids["linked"])
        assert (linked.donor, linked.tissue, linked.route) == (
            "autologous",
            "bone_marrow",
            "intravenous",
        )
        assert linked.programme_id == ids["trial"]
        assert linked.programme_name == " river-msc TRIAL "  # as entered
        unknown = TreatmentCourse.objects.get(pk=ids["unknown"])
        assert (unknown.donor, unknown.tissue, unknown.route) == (
            "allogeneic",
            "umbilical_cord",
            "intrathecal",
        )
        assert unknown.programme_id is None and unknown.programme_name == "A clinic abroad"
        assert not unknown.programme_not_listed  # a question for the care team, not an answer
        hidden = TreatmentCourse.objects.get(pk=ids["hidden"])
        assert hidden.programme_id is None  # another site's unpublished listing is not offered
        assert apps.get_model("care", "Harvest").objects.get(pk=ids["harvest"]).tissue == (
            "bone_marrow"
        )
        dose = apps.get_model("care", "Administration").objects.get(pk=ids["dose"])
        assert dose.route == "intravenous"
        from cellpath.accounts.models import AuditEvent

        events = AuditEvent.objects.filter(detail__migration="care.0006 (cell-product vocabulary)")
        changed = {(e.object_type, e.object_id) for e in events}
        assert ("care.treatmentcourse", str(ids["linked"])) in changed
        assert ("care.administration", str(ids["dose"])) in changed
        route = events.get(object_type="care.administration").changes["route"]
        assert route == {"old": "iv", "new": "intravenous"}

        apps = _migrate(BEFORE)
        TreatmentCourse = apps.get_model("care", "TreatmentCourse")
        back = TreatmentCourse.objects.get(pk=ids["linked"])
        assert (back.source, back.route, back.programme) == (
            "auto_bone_marrow",
            "iv",
            " river-msc TRIAL ",
        )
        assert TreatmentCourse.objects.get(pk=ids["hidden"]).source == "allo_wharton"
        assert apps.get_model("care", "Harvest").objects.get(pk=ids["harvest"]).tissue == (
            "auto_bone_marrow"
        )
        assert apps.get_model("care", "Administration").objects.get(pk=ids["dose"]).route == "iv"
    finally:
        _migrate(_leaf_nodes())


def _leaf_nodes():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
