"""Every URL × every actor → the declared status (see tests/access_matrix.py)."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_matrix import DECLARED_NAMESPACES, ROUTES, Route
from tests.conftest import ACTORS


def _url_names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _url_names(pattern, namespace)
        elif isinstance(pattern, URLPattern):
            names.add(
                f"{prefix}{pattern.name}"
                if pattern.name
                else f"{prefix}<unnamed {pattern.pattern}>"
            )
    return names


def test_every_url_is_declared() -> None:
    declared = {route.name for route in ROUTES}
    missing = {
        name
        for name in _url_names(get_resolver())
        if name not in declared and name.split(":")[0] not in DECLARED_NAMESPACES
    }
    assert not missing, f"Declare these URLs in tests/access_matrix.py: {sorted(missing)}"


def test_every_route_declares_every_actor() -> None:
    for route in ROUTES:
        assert set(route.expect) == set(ACTORS), route.name


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_permission_matrix(route: Route, world, client_for) -> None:
    url = reverse(route.name, kwargs=route.kwargs(world))
    wrong = {}
    for actor in ACTORS:
        response = getattr(client_for(actor), route.method)(url, **route.extra)
        if response.status_code != route.expect[actor]:
            wrong[actor] = f"got {response.status_code}, expected {route.expect[actor]}"
    assert not wrong, f"{route.name} ({url}): {wrong}"
