"""The trial finder's pages in the permission matrix (collected by tests/access_matrix.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.conftest import World
from tests.matrix_kit import EVERYONE, Route, only


def _trial(world: World) -> dict[str, Any]:
    from cellpath.trials.models import Trial

    if not hasattr(world, "trial"):
        world.trial = Trial.objects.create(  # type: ignore[attr-defined]
            nct_id="NCT99000999", title="A matrix trial", status="RECRUITING",
            open_to_enrol=True, is_als=True, last_updated=date(2026, 1, 5),
        )  # fmt: skip
    return {"nct_id": world.trial.nct_id}  # type: ignore[attr-defined]


def _confirm_token(world: World) -> dict[str, Any]:
    from cellpath.screening import Profile
    from cellpath.trials.alerts import saved_search_create
    from cellpath.trials.finder.queries import Search

    if not hasattr(world, "alert_token"):
        saved = saved_search_create(
            email="alert@example.org", profile=Profile(age_years=60), query=Search(),
            consent_text="yes",
        )  # fmt: skip
        from cellpath.accounts.tokens import token_hash

        token = "matrix-confirm-token"
        saved.confirm_token_hash = token_hash(token)
        saved.save(update_fields=["confirm_token_hash"])
        world.alert_token = token  # type: ignore[attr-defined]
    return {"token": world.alert_token}  # type: ignore[attr-defined]


TRIAL_ROUTES: list[Route] = [
    Route("trials:finder", EVERYONE),
    Route("trials:detail", EVERYONE, _trial),
    Route("trials:match", EVERYONE),
    Route("trials:match-mine", only({"patient_a": 200, "patient_b": 200})),
    Route(
        "trials:match-patient",
        only({"coordinator_a": 200, "coordinator_b": 404, "clinician_a": 200, "clinician_b": 404}),
        lambda w: {"pk": w.patient_a.pk},
    ),
    Route("trials:alert-create", dict.fromkeys(EVERYONE, 405), note="POST only"),
    Route("trials:alert-sent", EVERYONE),
    Route("trials:alert-confirm", EVERYONE, _confirm_token),
    Route(
        "trials:alert-stop",
        EVERYONE,
        lambda w: {"token": "not-a-signed-token"},
        note="an unknown link says it is done: nothing to stop",
    ),
]
