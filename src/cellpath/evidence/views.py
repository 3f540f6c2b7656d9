"""Public pages of the learn step: knowledge pages, the study library, claim checks."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cellpath.evidence import queries
from cellpath.evidence.caching import public_page
from cellpath.evidence.forms import StudyFilterForm
from cellpath.evidence.grading import LEVELS
from cellpath.evidence.models import Claim


@public_page
def learn(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "evidence/learn.html",
        {"pages": queries.page_list(), "claims": queries.claim_list()[:4]},
    )


@public_page
def page(request: HttpRequest, slug: str) -> HttpResponse:
    return render(
        request,
        "evidence/page.html",
        {"page": queries.page_get(slug), "pages": queries.page_list()},
    )


@public_page
def study_list(request: HttpRequest) -> HttpResponse:
    form = StudyFilterForm(request.GET or None)
    studies = queries.study_list(form.filters())
    return render(request, "evidence/study_list.html", {"form": form, "studies": studies})


@public_page
def study(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "evidence/study.html", {"study": queries.study_get(slug)})


@public_page
def study_compare(request: HttpRequest) -> HttpResponse:
    asked = request.GET.getlist("s")
    studies = queries.studies_compared(asked)
    return render(
        request,
        "evidence/study_compare.html",
        {
            "studies": studies,
            "too_many": len(set(asked)) > queries.MAX_COMPARED,
            "max_compared": queries.MAX_COMPARED,
            "all_studies": queries.study_list() if len(studies) < 2 else None,
        },
    )


@public_page
def claim_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "evidence/claim_list.html",
        {"claims": queries.claim_list(), "verdicts": Claim.Verdict},
    )


@public_page
def claim(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "evidence/claim.html", {"claim": queries.claim_get(slug)})


@public_page
def references(request: HttpRequest) -> HttpResponse:
    return render(request, "evidence/references.html", {"figures": queries.reference_figures()})


@public_page
def grading(request: HttpRequest) -> HttpResponse:
    return render(request, "evidence/grading.html", {"levels": LEVELS})
