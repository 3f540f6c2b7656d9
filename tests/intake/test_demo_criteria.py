"""The demo's pre-screen criteria say how a programme's cells are collected only from the
programme's own product fields (issue 19: the pre-screen of a clinic selling umbilical-cord
cells said it harvested bone marrow)."""

from __future__ import annotations

from cellpath.intake.demo import CRITERIA_BY_PROGRAMME, criteria_rows, load_demo_applications
from cellpath.intake.models import ScreeningCriterion
from cellpath.programmes.demo import load_demo_programmes
from cellpath.programmes.models import Programme

CELL_SOURCES = ("bone marrow", "bone-marrow", "umbilical", "cord", "adipose", "fat")


def _demo(world) -> dict[str, Programme]:
    load_demo_programmes(sites={"riv": world.site_a, "nor": world.site_b})
    load_demo_applications(coordinators={})
    return {p.slug: p for p in Programme.objects.filter(slug__in=CRITERIA_BY_PROGRAMME)}


def test_no_criterion_names_a_cell_source_its_programme_does_not_use(world) -> None:
    programmes = _demo(world)
    assert len(programmes) == len(CRITERIA_BY_PROGRAMME)
    for criterion in ScreeningCriterion.objects.select_related("programme"):
        source = criterion.programme.tissue_source.lower()
        for word in CELL_SOURCES:
            if word in criterion.explanation.lower():
                assert word.replace("-", " ") in source, (criterion.programme.slug, criterion)


def test_the_cord_cell_clinic_asks_nothing_about_bone_marrow(world) -> None:
    vitacell = _demo(world)["vitacell-regeneration-package"]
    assert "Umbilical cord" in vitacell.tissue_source
    fields = list(vitacell.screening_criteria.values_list("field", flat=True))
    assert fields == ["age_years", "active_severe_infection"]


def test_the_bone_marrow_clinic_words_its_criterion_from_its_tissue_source(world) -> None:
    neurorenew = _demo(world)["neurorenew-bone-marrow-programme"]
    criterion = neurorenew.screening_criteria.get(field="bone_marrow_disorder")
    assert criterion.explanation == "The clinic collects your own cells from bone marrow."


def test_criteria_follow_a_change_of_product(world) -> None:
    neurorenew = _demo(world)["neurorenew-bone-marrow-programme"]
    neurorenew.tissue_source, neurorenew.donor = "Umbilical cord", "allogeneic"
    assert "bone_marrow_disorder" not in [row["field"] for row in criteria_rows(neurorenew)]
