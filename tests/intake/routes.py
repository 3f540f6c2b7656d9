"""The apply pages in the permission matrix (collected by tests/access_matrix.py)."""

from __future__ import annotations

from typing import Any

from tests.conftest import World
from tests.matrix_kit import EVERYONE, Route, only

COORDINATORS_A = only({"coordinator_a": 200, "coordinator_b": 404})
"""The triage queue of site A's programme: its coordinators; site B's get 404."""


def _application(world: World) -> Any:
    if not hasattr(world, "application"):
        from tests.intake.conftest import criteria_for, submitted
        from tests.programmes.kit import make_programme

        programme = make_programme(world.site_a)
        criteria_for(programme)
        from django.core.files.uploadedfile import SimpleUploadedFile

        from cellpath.intake.services import application_document_add

        application, token = submitted(programme, {"tracheostomy": False})
        document = application_document_add(
            application=application,
            upload=SimpleUploadedFile("letter.pdf", b"%PDF-1.4 test"),
        )
        world.application = (application, token, document)  # type: ignore[attr-defined]
    return world.application  # type: ignore[attr-defined]


def _token(world: World) -> dict[str, Any]:
    return {"token": _application(world)[1]}


def _reference(world: World) -> dict[str, Any]:
    return {"reference": _application(world)[0].reference}


POST_ONLY = only({"coordinator_a": 405, "coordinator_b": 405})
"""Actions: coordinators only; their scoping (404 for site B) is tested in test_triage."""

INTAKE_ROUTES: list[Route] = [
    Route("intake:start", EVERYONE),
    Route("intake:step", EVERYONE, lambda w: {**_token(w), "slug": "diagnosis"},
          note="an application already sent redirects to its result"),
    Route("intake:review", EVERYONE, _token),
    Route("intake:result", EVERYONE, _token),
    Route("intake:trials", EVERYONE, _token),
    Route("intake:documents", EVERYONE, _token),
    Route("intake:document", COORDINATORS_A,
          lambda w: {**_reference(w), "pk": _application(w)[2].pk}),
    Route("intake:queue", only({"coordinator_a": 200, "coordinator_b": 200})),
    Route("intake:inbox", only({"coordinator_a": 200, "coordinator_b": 200})),
    Route("intake:criteria", only({"coordinator_a": 200, "administrator_a": 200,
          "coordinator_b": 404, "administrator_b": 404, "superuser": 200}),
          lambda w: {"slug": _application(w)[0].programme.slug}),
    Route("intake:detail", COORDINATORS_A, _reference),
    Route("intake:transition", POST_ONLY, _reference, note="POST only"),
    Route("intake:note", POST_ONLY, _reference, note="POST only"),
    Route("intake:email", POST_ONLY, _reference, note="POST only"),
    Route("intake:assign", POST_ONLY, _reference, note="POST only"),
    Route("intake:convert", POST_ONLY, _reference, note="POST only"),
]  # fmt: skip
