"""The report pages in the permission matrix (collected by tests/access_matrix.py).

The report and its PDF are for a site's coordinators, clinicians and administrators; the
per-patient analysis table for coordinators and clinicians only (administrators read
aggregates). Outcomes cards: prepared by a programme's staff (coordinators and administrators of
its site; another site's get 404), approved by an administrator of the site. Reference cohorts
are an administrator's."""

from __future__ import annotations

from typing import Any

from tests.conftest import World
from tests.matrix_kit import Route, only
from tests.programmes.routes import _programme_a

READERS = dict.fromkeys(
    [
        "coordinator_a",
        "coordinator_b",
        "clinician_a",
        "clinician_b",
        "administrator_a",
        "administrator_b",
        "superuser",
    ],
    200,
)
CARD_STAFF = {
    "coordinator_a": 200,
    "coordinator_b": 200,
    "administrator_a": 200,
    "administrator_b": 200,
    "superuser": 200,
}


def _pending_card(world: World) -> dict[str, Any]:
    from cellpath.programmes.services import submit_card

    if not hasattr(world, "pending_card"):
        programme = _programme_a(world)
        world.pending_card = submit_card(  # type: ignore[attr-defined]
            actor=world.users["coordinator_a"],
            programme=programme,
            content={"rows": [], "threshold": 10},
            as_of="2026-12-01",
        )
    return {"pk": world.pending_card.pk}  # type: ignore[attr-defined]


REPORT_ROUTES: list[Route] = [
    Route("reports:cohort", only(READERS)),
    Route("reports:cohort-pdf", only(READERS)),
    Route(
        "reports:analysis-csv",
        only(
            {
                "coordinator_a": 200,
                "coordinator_b": 200,
                "clinician_a": 200,
                "clinician_b": 200,
            }
        ),
    ),
    Route("reports:cards", only(CARD_STAFF)),
    Route(
        "reports:card-prepare",
        only(dict.fromkeys(CARD_STAFF, 405)),
        kwargs=lambda w: {"slug": _programme_a(w).slug},
        note="POST only; who may post is tested in tests/reports/test_views.py",
    ),
    Route(
        "reports:card-decide",
        only(dict.fromkeys(["administrator_a", "administrator_b", "superuser"], 405)),
        kwargs=_pending_card,
        note="POST only; who may post is tested in tests/reports/test_views.py",
    ),
    Route(
        "reports:reference-cohorts",
        only({"administrator_a": 200, "administrator_b": 200, "superuser": 200}),
    ),
]
