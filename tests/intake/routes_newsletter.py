"""The newsletter pages in the permission matrix (added to tests/access_matrix.py)."""

from __future__ import annotations

from typing import Any

from tests.conftest import World
from tests.matrix_kit import EVERYONE, Route, only


def _subscription(world: World) -> tuple[Any, str]:
    """A pending subscriber and its confirm token, created once per world."""
    if not hasattr(world, "newsletter_subscription"):
        from cellpath.intake.models import Subscriber
        from cellpath.intake.newsletter.services import newsletter_subscribe

        token = newsletter_subscribe(email="reader@example.org", consent_text="Send it to me.")
        world.newsletter_subscription = (Subscriber.objects.get(), token)  # type: ignore[attr-defined]
    return world.newsletter_subscription  # type: ignore[attr-defined]


def _confirm_token(world: World) -> dict[str, Any]:
    return {"token": _subscription(world)[1]}


def _unsubscribe_token(world: World) -> dict[str, Any]:
    from cellpath.intake.newsletter.services import unsubscribe_token

    return {"token": unsubscribe_token(_subscription(world)[0])}


NEWSLETTER_ROUTES: list[Route] = [
    Route("intake:newsletter", EVERYONE),
    Route("intake:newsletter-check", EVERYONE),
    Route("intake:newsletter-confirm", EVERYONE, _confirm_token,
          note="GET only shows the button; confirming is a POST"),
    Route("intake:newsletter-unsubscribe", EVERYONE, _unsubscribe_token,
          note="GET only shows the button; unsubscribing is a POST"),
    Route("intake:newsletter-export",
          only({"administrator_a": 200, "administrator_b": 200, "superuser": 200})),
]  # fmt: skip
