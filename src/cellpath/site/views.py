"""Landing page, role home pages, the trust pages (about, editorial policy, privacy notice),
health check and friendly error pages."""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache

from cellpath.accounts.access import role_required
from cellpath.accounts.queries import site_list
from cellpath.accounts.roles import Role
from cellpath.care.queries import patient_own, patients_visible_to
from cellpath.evidence.caching import public_page
from cellpath.evidence.models import Confidence
from cellpath.evidence.queries import search as evidence_search
from cellpath.intake.services import RESUME_DAYS
from cellpath.programmes.queries import search as programme_search
from cellpath.site.work import work_queue


@public_page
def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "site/landing.html")


def _operator() -> dict[str, object]:
    """Who runs this copy, as the trust pages name them (empty settings are said to be unset)."""
    return {
        "operator": settings.CELLPATH_OPERATOR,
        "operator_contact": settings.CELLPATH_OPERATOR_CONTACT,
        "funding": settings.CELLPATH_FUNDING,
        "medical_reviewer": settings.CELLPATH_MEDICAL_REVIEWER,
    }


@public_page
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "site/trust/about.html", _operator())


@public_page
def editorial_policy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "site/trust/editorial_policy.html",
        {**_operator(), "confidences": Confidence.choices},
    )


@public_page
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "site/trust/privacy.html",
        {
            **_operator(),
            "resume_days": RESUME_DAYS,
            "idle_minutes": settings.CELLPATH_IDLE_TIMEOUT_SECONDS // 60,
        },
    )


@role_required()
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own page."""
    user = request.user
    role = user.primary_role
    context: dict[str, object] = {"role": role}
    if role in (Role.COORDINATOR, Role.CLINICIAN):
        sites = site_list(user=user, roles=[Role.COORDINATOR, Role.CLINICIAN])
        context["sites"] = sites
        context["patient_count"] = patients_visible_to(user).count()
        context["work"] = work_queue(user=user, role=role, today=timezone.localdate())
    elif role == Role.ADMINISTRATOR:
        context["sites"] = site_list(user=user, roles=[Role.ADMINISTRATOR])
    elif role == Role.PATIENT:
        context["patient"] = patient_own(user=user)
    return render(request, f"site/home_{role or 'none'}.html", context)


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not (for load balancers and monitors)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


def _error(template: str, status: int) -> HttpResponse:
    # Rendered without a request context: error pages must work when the database is down.
    return HttpResponse(loader.get_template(template).render(), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error("400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error("403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error("404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _error("500.html", 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error("403_csrf.html", 403)


@public_page
def search(request: HttpRequest) -> HttpResponse:
    """One box for studies, claims, knowledge pages and programmes."""
    query = request.GET.get("q", "").strip()[:100]
    results = evidence_search(query) if query else None
    programmes = programme_search(query) if query else []
    total = (len(results) if results else 0) + len(programmes)
    return render(
        request,
        "site/search.html",
        {"query": query, "results": results, "programmes": programmes, "total": total},
    )
