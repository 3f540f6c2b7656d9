"""The study library's content (`evidence/library/*.toml`) holds together before it is loaded.

Read straight from the TOML files, no database: every study the site refers to is there with its
sources, its control and whether its primary endpoint was met; every `{{token}}` names a figure;
no number is typed into a page or a claim check instead of being a figure with a source; every
choice is one the models accept.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from cellpath.evidence.models import (
    Claim,
    Confidence,
    Control,
    Design,
    EndpointMet,
    Figure,
    KnowledgePage,
    Phase,
    Source,
    Study,
    doi_validator,
    nct_validator,
    pmcid_validator,
    pmid_validator,
)
from cellpath.evidence.rendering import digits_outside_tokens
from cellpath.outcomes import products

LIBRARY = Path(__file__).resolve().parents[2] / "src" / "cellpath" / "evidence" / "library"

REQUIRED_STUDIES = (
    "nurown-phase-1-2",
    "nurown-phase-2",
    "nurown-phase-3",
    "nurown-fda-advisory-committee-2023",
    "mazzini-2019-neural-stem-cells",
    "cns10-npc-gdnf",
    "whartons-jelly-msc-2020",
    "muse-cl2020",
    "ck0803-regals",
    "msc-long-term-survival-2023",
    "oh-2015-intrathecal-msc",
    "lenzumestrocel-phase-2",
    "alsummit-phase-3",
    "karussis-2010",
    "petrou-karussis-2021",
    "astrorx-phase-1-2a",
    "nsi-566",
    "nabavi-2018",
    "bmmc-intramuscular-spain",
    "goutman-2019-review",
    "goutman-2015-review",
    "morata-tarifa-2021-meta-analysis",
    "cochrane-2019",
    "aljabri-2021-review",
    "moura-2016-meta-analysis",
)
REVIEWS = frozenset(REQUIRED_STUDIES[-6:])
REQUIRED_PAGES = (
    "what-is-als",
    "symptoms-and-progression",
    "standard-care",
    "cell-therapies-studied",
    "what-the-evidence-shows",
    "trial-expanded-access-or-clinic",
    "warning-signs-and-questions",
    "alsfrs-r-explained",
)
REVIEW_DESIGNS = frozenset(
    {Design.SYSTEMATIC_REVIEW, Design.META_ANALYSIS, Design.NARRATIVE_REVIEW}
)
TOKEN = re.compile(r"\{\{([^{}]*)\}\}")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
INTERNAL_LINK = re.compile(r"\]\((/[^)\s]*)\)")
URL_PREFIXES = (
    "https://doi.org/10.",
    "https://pubmed.ncbi.nlm.nih.gov/",
    "https://pmc.ncbi.nlm.nih.gov/articles/PMC",
    "https://clinicaltrials.gov/study/NCT",
    "https://www.fda.gov/",
    "https://www.closerlookatstemcells.org/",
    "https://n.neurology.org/",
    "https://www.neurologyadvisor.com/",
    "https://addi.ehu.es/",
)
"""Built from an identifier (DOI, PMID, PMCID, NCT) or a page the design notes name."""


def _read(name: str) -> dict[str, Any]:
    return tomllib.loads((LIBRARY / name).read_text(encoding="utf-8"))


STUDIES: list[dict[str, Any]] = _read("studies.toml").get("study", [])
REFERENCES = _read("references.toml")
CLAIMS: list[dict[str, Any]] = _read("claims.toml").get("claim", [])
PAGES: list[dict[str, Any]] = _read("pages.toml").get("page", [])

STUDY_BY_SLUG = {study["slug"]: study for study in STUDIES}
STUDY_SOURCES = [(study, source) for study in STUDIES for source in study.get("source", [])]
STUDY_FIGURES = [(study, figure) for study in STUDIES for figure in study.get("figure", [])]
REFERENCE_SOURCES: list[dict[str, Any]] = REFERENCES.get("source", [])
REFERENCE_FIGURES: list[dict[str, Any]] = REFERENCES.get("figure", [])
FIGURE_SLUGS = {figure["slug"] for _, figure in STUDY_FIGURES} | {
    figure["slug"] for figure in REFERENCE_FIGURES
}
RECORDS = {
    "study": STUDIES,
    "source": [source for _, source in STUDY_SOURCES] + REFERENCE_SOURCES,
    "figure": [figure for _, figure in STUDY_FIGURES] + REFERENCE_FIGURES,
    "claim": CLAIMS,
    "page": PAGES,
}
MODELS: dict[str, type[models.Model]] = {
    "study": Study,
    "source": Source,
    "figure": Figure,
    "claim": Claim,
    "page": KnowledgePage,
}


def _choices(field: type[models.TextChoices]) -> set[str]:
    return set(field.values)


def test_every_required_study_is_there_with_a_source() -> None:
    missing = [slug for slug in REQUIRED_STUDIES if slug not in STUDY_BY_SLUG]
    assert not missing, f"missing studies: {missing}"
    without_source = [slug for slug in REQUIRED_STUDIES if not STUDY_BY_SLUG[slug].get("source")]
    assert not without_source, f"studies without a source: {without_source}"


def test_every_study_states_its_control_and_primary_endpoint() -> None:
    unstated = [
        study["slug"]
        for study in STUDIES
        if not study.get("control") or not study.get("primary_endpoint_met")
    ]
    assert not unstated, f"control or primary_endpoint_met left implicit: {unstated}"


@pytest.mark.parametrize("slug", ["nurown-phase-3", "alsummit-phase-3"])
def test_failed_phase_3_trials_say_so(slug: str) -> None:
    assert STUDY_BY_SLUG[slug]["primary_endpoint_met"] == EndpointMet.NO


def test_reviews_and_the_committee_have_no_efficacy_endpoint() -> None:
    for slug in [*REVIEWS, "nurown-fda-advisory-committee-2023"]:
        assert STUDY_BY_SLUG[slug]["primary_endpoint_met"] == EndpointMet.NOT_APPLICABLE, slug
    committee = STUDY_BY_SLUG["nurown-fda-advisory-committee-2023"]
    assert committee["kind"] == Study.Kind.REGULATORY
    assert committee["design"] == Design.REGULATORY_REVIEW


def test_reviews_are_kind_review() -> None:
    for study in STUDIES:
        is_review_design = study["design"] in REVIEW_DESIGNS
        assert is_review_design == (study["kind"] == Study.Kind.REVIEW), study["slug"]
    assert {s["slug"] for s in STUDIES if s["kind"] == Study.Kind.REVIEW} == REVIEWS


@pytest.mark.parametrize("kind", sorted(RECORDS))
def test_slugs_are_well_formed_and_unique(kind: str) -> None:
    slugs = [record["slug"] for record in RECORDS[kind]]
    bad = [slug for slug in slugs if not SLUG.match(slug) or len(slug) > 80]
    assert not bad, f"malformed {kind} slugs: {bad}"
    duplicates = [slug for slug, count in Counter(slugs).items() if count > 1]
    assert not duplicates, f"duplicate {kind} slugs: {duplicates}"


@pytest.mark.parametrize("kind", sorted(RECORDS))
def test_fields_exist_and_fit_the_model(kind: str) -> None:
    model = MODELS[kind]
    fields = {field.name: field for field in model._meta.concrete_fields}
    nested = {"source", "figure"} if kind == "study" else set()
    problems = []
    for record in RECORDS[kind]:
        for name, value in record.items():
            if name in nested or (kind == "claim" and name == "studies"):
                continue
            field = fields.get(name)
            if field is None:
                problems.append(f"{record['slug']}: unknown field {name}")
                continue
            if isinstance(value, list):
                value = " ".join(value)
            max_length = getattr(field, "max_length", None)
            if isinstance(value, str) and max_length and len(value) > max_length:
                problems.append(f"{record['slug']}.{name}: {len(value)} > {max_length} characters")
    assert not problems, "\n".join(problems)


def test_study_choices_are_valid() -> None:
    allowed = {
        "kind": _choices(Study.Kind),
        "cell_type": {value for value, _ in Study._meta.get_field("cell_type").choices},
        "donor": {value for value, _ in Study._meta.get_field("donor").choices},
        "phase": _choices(Phase),
        "design": _choices(Design),
        "control": _choices(Control),
        "primary_endpoint_met": _choices(EndpointMet),
        "confidence": _choices(Confidence),
    }
    problems = []
    for study in STUDIES:
        for name, values in allowed.items():
            if study.get(name) not in values:
                problems.append(f"{study['slug']}.{name} = {study.get(name)!r}")
        unknown_routes = products.unknown_routes(" ".join(study.get("routes", [])))
        if unknown_routes:
            problems.append(f"{study['slug']}.routes: {sorted(unknown_routes)}")
        if "genetically_modified" in study and not isinstance(study["genetically_modified"], bool):
            problems.append(f"{study['slug']}.genetically_modified is not true/false")
    assert not problems, "\n".join(problems)


def test_study_identifiers_are_valid() -> None:
    problems = []
    for study in STUDIES:
        if not 1950 <= study["year"] <= 2100:
            problems.append(f"{study['slug']}: year {study['year']}")
        checks = [
            (study.get("doi"), doi_validator),
            (study.get("pmid"), pmid_validator),
            (study.get("pmcid"), pmcid_validator),
        ]
        checks += [(nct, nct_validator) for nct in study.get("registry_ids", [])]
        for value, validator in checks:
            if not value:
                continue
            try:
                validator(value)
            except ValidationError:
                problems.append(f"{study['slug']}: {value!r} is not valid")
        for name in ("n_treated", "n_control"):
            if name in study and (not isinstance(study[name], int) or study[name] < 0):
                problems.append(f"{study['slug']}.{name} = {study[name]!r}")
    assert not problems, "\n".join(problems)


def test_source_and_figure_choices_are_valid() -> None:
    source_kinds = _choices(Source.Kind)
    confidences = _choices(Confidence)
    bad_sources = [s["slug"] for s in RECORDS["source"] if s.get("kind") not in source_kinds]
    bad_figures = [f["slug"] for f in RECORDS["figure"] if f.get("confidence") not in confidences]
    assert not bad_sources, f"unknown source kind: {bad_sources}"
    assert not bad_figures, f"unknown confidence: {bad_figures}"


def test_urls_are_built_from_identifiers_or_named_pages() -> None:
    bad = [
        f"{source['slug']}: {source['url']}"
        for source in RECORDS["source"]
        if source.get("url") and not source["url"].startswith(URL_PREFIXES)
    ]
    assert not bad, "\n".join(bad)


def test_every_figure_has_a_value_and_a_source_of_its_own() -> None:
    problems = []
    for study, figure in STUDY_FIGURES:
        own = {source["slug"] for source in study.get("source", [])}
        if "source" in figure and figure["source"] not in own:
            problems.append(f"{figure['slug']}: source {figure['source']} is not {study['slug']}'s")
    reference_sources = {source["slug"] for source in REFERENCE_SOURCES}
    for figure in REFERENCE_FIGURES:
        if figure.get("source") not in reference_sources:
            problems.append(f"{figure['slug']}: needs a source from references.toml")
    problems += [f"{f['slug']}: empty value" for f in RECORDS["figure"] if not f.get("value")]
    assert not problems, "\n".join(problems)


def _texts_with_tokens() -> list[tuple[str, str]]:
    texts = [(f"page {page['slug']}", page["body"]) for page in PAGES]
    texts += [(f"claim {claim['slug']}", claim["explanation"]) for claim in CLAIMS]
    texts += [(f"study {study['slug']}", study.get("key_results", "")) for study in STUDIES]
    return texts


def test_every_token_names_a_figure() -> None:
    problems = [
        f"{where}: {{{{{token}}}}}"
        for where, text in _texts_with_tokens()
        for token in TOKEN.findall(text)
        if token not in FIGURE_SLUGS
    ]
    assert not problems, "unknown figure tokens:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page["slug"])
def test_page_numbers_are_figures(page: dict[str, Any]) -> None:
    assert not digits_outside_tokens(page["body"]), "write numbers as {{figure-slug}}"
    assert not re.search(r"\d", page["title"] + page["summary"])


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda claim: claim["slug"])
def test_claim_explanation_numbers_are_figures(claim: dict[str, Any]) -> None:
    assert not digits_outside_tokens(claim["explanation"]), "write numbers as {{figure-slug}}"
    assert not digits_outside_tokens(claim["summary"]), "write numbers as {{figure-slug}}"


def test_claims_are_checked_against_studies() -> None:
    assert len(CLAIMS) >= 8
    problems = []
    for claim in CLAIMS:
        if claim.get("verdict") not in _choices(Claim.Verdict):
            problems.append(f"{claim['slug']}: verdict {claim.get('verdict')!r}")
        if not claim.get("studies"):
            problems.append(f"{claim['slug']}: cites no study")
        unknown = [slug for slug in claim.get("studies", []) if slug not in STUDY_BY_SLUG]
        if unknown:
            problems.append(f"{claim['slug']}: unknown studies {unknown}")
    assert not problems, "\n".join(problems)


def test_every_required_page_is_there() -> None:
    slugs = [page["slug"] for page in PAGES]
    assert [slug for slug in REQUIRED_PAGES if slug not in slugs] == []


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page["slug"])
def test_page_length(page: dict[str, Any]) -> None:
    words = len(re.sub(r"\]\([^)]*\)", "]", page["body"]).split())
    assert 350 <= words <= 700, f"{words} words"


def test_internal_links_lead_somewhere() -> None:
    targets = {f"/evidence/studies/{slug}/" for slug in STUDY_BY_SLUG}
    targets |= {f"/evidence/claims/{claim['slug']}/" for claim in CLAIMS}
    targets |= {f"/learn/{page['slug']}/" for page in PAGES}
    broken = [
        f"{where}: {link}"
        for where, text in _texts_with_tokens()
        for link in INTERNAL_LINK.findall(text)
        if link not in targets
    ]
    assert not broken, "\n".join(broken)
