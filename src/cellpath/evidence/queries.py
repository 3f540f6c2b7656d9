"""Reads of the study library. Public queries return published content only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from cellpath.evidence.models import Claim, Figure, KnowledgePage, Source, Study

STUDY_FILTERS = ("kind", "cell_type", "phase", "control", "primary_endpoint_met")
MAX_COMPARED = 4


@dataclass(frozen=True)
class StudyFilters:
    kind: str = ""
    cell_type: str = ""
    route: str = ""
    phase: str = ""
    control: str = ""
    primary_endpoint_met: str = ""
    q: str = ""


def study_list(filters: StudyFilters = StudyFilters()) -> QuerySet[Study]:
    studies = Study.objects.filter(published=True)
    for name in STUDY_FILTERS:
        value = getattr(filters, name)
        if value:
            studies = studies.filter(**{name: value})
    if filters.route:
        studies = studies.filter(routes__contains=filters.route)
    for word in filters.q.split()[:8]:
        studies = studies.filter(
            Q(short_name__icontains=word)
            | Q(title__icontains=word)
            | Q(product__icontains=word)
            | Q(authors__icontains=word)
            | Q(registry_ids__icontains=word)
        )
    return studies


def _published_figures() -> Prefetch:
    return Prefetch(
        "figures",
        queryset=Figure.objects.filter(published=True).select_related("source", "study"),
    )


def study_get(slug: str) -> Study:
    """A published study with its sources, figures and the claims that cite it."""
    return get_object_or_404(
        Study.objects.prefetch_related(
            Prefetch("sources", queryset=Source.objects.filter(published=True)),
            _published_figures(),
            Prefetch("claims", queryset=Claim.objects.filter(published=True)),
        ),
        slug=slug,
        published=True,
    )


def studies_compared(slugs: list[str]) -> list[Study]:
    """The chosen published studies in the order chosen (unknown slugs skipped)."""
    chosen = list(dict.fromkeys(slugs))[:MAX_COMPARED]
    found = {
        study.slug: study
        for study in Study.objects.filter(slug__in=chosen, published=True).prefetch_related(
            _published_figures()
        )
    }
    return [found[slug] for slug in chosen if slug in found]


def claim_list() -> QuerySet[Claim]:
    return Claim.objects.filter(published=True)


def claim_get(slug: str) -> Claim:
    return get_object_or_404(
        Claim.objects.prefetch_related(
            Prefetch("studies", queryset=Study.objects.filter(published=True))
        ),
        slug=slug,
        published=True,
    )


def page_list() -> QuerySet[KnowledgePage]:
    return KnowledgePage.objects.filter(published=True).only("slug", "title", "summary", "order")


def page_get(slug: str) -> KnowledgePage:
    return get_object_or_404(KnowledgePage, slug=slug, published=True)


def reference_figures() -> QuerySet[Figure]:
    """Figures that belong to no single study (natural history, scales), with their sources."""
    return Figure.objects.filter(published=True, study__isnull=True).select_related("source")


@dataclass(frozen=True)
class SearchResults:
    studies: list[Study]
    claims: list[Claim]
    pages: list[KnowledgePage]

    def __len__(self) -> int:
        return len(self.studies) + len(self.claims) + len(self.pages)


def _matching(words: list[str], *fields: str) -> Q:
    condition = Q()
    for word in words:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return condition


def search(query: str, *, limit: int = 20) -> SearchResults:
    """Published studies, claims and knowledge pages containing every word of `query`."""
    words = query.split()[:8]
    if not words:
        return SearchResults([], [], [])
    studies = Study.objects.filter(
        _matching(
            words, "short_name", "title", "product", "authors", "registry_ids", "key_results"
        ),
        published=True,
    )
    claims = Claim.objects.filter(
        _matching(words, "text", "summary", "explanation"), published=True
    )
    pages = KnowledgePage.objects.filter(
        _matching(words, "title", "summary", "body"), published=True
    )
    return SearchResults(list(studies[:limit]), list(claims[:limit]), list(pages[:limit]))
