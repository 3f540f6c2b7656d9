"""Reading programmes: the public pages see published ones; staff see their sites' programmes."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from cellpath.accounts.access import site_ids_for
from cellpath.accounts.models import User
from cellpath.accounts.roles import Role
from cellpath.evidence.models import Study
from cellpath.programmes.models import Programme

SEARCH_FIELDS = ("name", "organisation", "product", "summary", "locations")


def _published() -> QuerySet[Programme]:
    return Programme.objects.filter(published=True)


def _with_studies(queryset: QuerySet[Programme]) -> QuerySet[Programme]:
    """The published studies each programme cites, fetched in one query for all of them."""
    return queryset.prefetch_related(
        Prefetch("studies", queryset=Study.objects.filter(published=True))
    )


def _route_q(route: str) -> Q:
    """`routes` holds codes separated by spaces: match a whole code, not a part of one."""
    return (
        Q(routes=route)
        | Q(routes__startswith=f"{route} ")
        | Q(routes__endswith=f" {route}")
        | Q(routes__contains=f" {route} ")
    )


def programme_list(
    *, kind: str | None = None, cell_type: str | None = None, route: str | None = None
) -> QuerySet[Programme]:
    """Published programmes, optionally of one kind, cell type or route."""
    queryset = _published()
    if kind:
        queryset = queryset.filter(kind=kind)
    if cell_type:
        queryset = queryset.filter(cell_type=cell_type)
    if route:
        queryset = queryset.filter(_route_q(route))
    return queryset


def programme_get(slug: str) -> Programme:
    """One published programme with its cited studies; 404 for unknown or unpublished ones."""
    programme = _with_studies(_published().filter(slug=slug)).first()
    if programme is None:
        raise Http404("No such programme.")
    return programme


def programme_with_warning_signs(slug: str | None) -> Programme | None:
    """The published programme `slug` names if it shows any warning sign, else None: a form
    reached from its page (`?programme=`) points back to its "Before you go further" step."""
    if not slug:
        return None
    programme = _published().filter(slug=slug).first()
    return programme if programme is not None and programme.warning_signs else None


def programmes_with_registry_id(registry_id: str) -> list[Programme]:
    """Published programmes whose registry ID is `registry_id` (a trial's NCT number)."""
    return list(_published().filter(registry_id__iexact=registry_id.strip()).order_by("name"))


def programmes_by_slugs(slugs: list[str]) -> list[Programme]:
    """Published programmes among `slugs`, in the order asked, with their cited studies.
    Unknown slugs are left out."""
    found = {p.slug: p for p in _with_studies(_published().filter(slug__in=slugs))}
    return [found[slug] for slug in slugs if slug in found]


def programmes_editable_by(user: User) -> QuerySet[Programme]:
    """Programmes (published or not) of the sites where `user` is a coordinator or an
    administrator; every programme for superusers; none for anyone else."""
    queryset = Programme.objects.select_related("site")
    if user.is_authenticated and user.is_superuser:
        return queryset.all()
    return queryset.filter(site_id__in=site_ids_for(user, [Role.COORDINATOR, Role.ADMINISTRATOR]))


def search(query: str, limit: int = 20) -> list[Programme]:
    """Published programmes whose name, organisation, product, summary or locations contain
    every word of `query` (case-insensitive). An empty query finds nothing."""
    words = query.split()
    if not words:
        return []
    queryset = _published()
    for word in words[:10]:
        match = Q()
        for field in SEARCH_FIELDS:
            match |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(match)
    return list(queryset[:limit])
