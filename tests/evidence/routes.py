"""The learn pages in the permission matrix (collected by tests/access_matrix.py).

Public pages answer everyone; the library's editing pages are for editors only — not even
administrators, who run the installation but do not write public health information."""

from __future__ import annotations

from typing import Any

from tests.conftest import World
from tests.matrix_kit import EVERYONE, Route, only

EDITORS = only({"editor": 200})


def _library(world: World) -> Any:
    if not hasattr(world, "library"):
        from cellpath.evidence.models import Claim, KnowledgePage
        from cellpath.evidence.services import claim_save, content_save
        from tests.evidence.conftest import make_study

        study = make_study("matrix-study")
        claim = claim_save(
            actor="test",
            claim=Claim(slug="matrix-claim", text="A claim", verdict="partly", summary="S",
                        explanation="E"),
            studies=[study],
        )  # fmt: skip
        page = content_save(
            actor="test",
            instance=KnowledgePage(slug="matrix-page", title="T", summary="S", body="B"),
        )
        world.library = {"study": study, "claim": claim, "page": page}  # type: ignore[attr-defined]
    return world.library  # type: ignore[attr-defined]


def _slug_of(what: str):
    return lambda world: {"slug": _library(world)[what].slug}


EVIDENCE_ROUTES: list[Route] = [
    Route("search", EVERYONE),
    Route("evidence:learn", EVERYONE),
    Route("evidence:page", EVERYONE, _slug_of("page")),
    Route("evidence:study-list", EVERYONE),
    Route("evidence:study", EVERYONE, _slug_of("study")),
    Route("evidence:study-compare", EVERYONE),
    Route("evidence:claim-list", EVERYONE),
    Route("evidence:claim", EVERYONE, _slug_of("claim")),
    Route("evidence:references", EVERYONE),
    Route("evidence:grading", EVERYONE),
    Route("evidence:edit-home", EDITORS),
    Route("evidence:edit-new", EDITORS, lambda world: {"kind": "claims"}),
    Route(
        "evidence:edit",
        EDITORS,
        lambda world: {"kind": "studies", "slug": _library(world)["study"].slug},
    ),
    Route(
        "evidence:review",
        EDITORS,
        lambda world: {"kind": "pages", "slug": _library(world)["page"].slug},
    ),
    Route(
        "evidence:history",
        EDITORS,
        lambda world: {"kind": "pages", "slug": _library(world)["page"].slug},
    ),
]
