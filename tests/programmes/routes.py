"""The programmes pages in the permission matrix (collected by tests/access_matrix.py).

The public pages are open to everyone. The staff pages are for coordinators and administrators:
of the programme's site for the edit page (another site's staff get 404), of any site for their
own list. A programme of site A is created once per world through the services."""

from __future__ import annotations

from typing import Any

from tests.conftest import World
from tests.matrix_kit import EVERYONE, Route, only


def _programme_a(world: World) -> Any:
    if not hasattr(world, "programme_a"):
        from tests.programmes.kit import make_programme

        world.programme_a = make_programme(world.site_a)  # type: ignore[attr-defined]
    return world.programme_a  # type: ignore[attr-defined]


def _two_programmes(world: World) -> dict[str, Any]:
    from tests.programmes.kit import clinic_data, make_programme

    _programme_a(world)
    if not hasattr(world, "programme_b"):
        world.programme_b = make_programme(world.site_b, clinic_data())  # type: ignore[attr-defined]
    return {}


PROGRAMME_STAFF = {"coordinator_a": 200, "administrator_a": 200, "superuser": 200}

PROGRAMME_ROUTES: list[Route] = [
    Route("programmes:list", EVERYONE, kwargs=lambda w: _two_programmes(w)),
    Route(
        "programmes:detail",
        EVERYONE,
        kwargs=lambda w: {"slug": _programme_a(w).slug},
    ),
    Route(
        "programmes:before",
        EVERYONE,
        kwargs=lambda w: _two_programmes(w) or {"slug": "paid-clinic"},
    ),
    Route(
        "programmes:compare",
        EVERYONE,
        kwargs=lambda w: _two_programmes(w),
        extra={"data": {"p": ["good-trial", "paid-clinic"]}},
    ),
    Route(
        "programmes:edit",
        only({**PROGRAMME_STAFF, "coordinator_b": 404, "administrator_b": 404}),
        kwargs=lambda w: {"slug": _programme_a(w).slug},
    ),
    Route(
        "programmes:mine",
        only({**PROGRAMME_STAFF, "coordinator_b": 200, "administrator_b": 200}),
        kwargs=lambda w: _two_programmes(w),
    ),
]
