"""The information-packet and contact pages in the permission matrix (public pages)."""

from __future__ import annotations

from typing import Any

from tests.conftest import World
from tests.matrix_kit import EVERYONE, Route


def _token(world: World) -> dict[str, Any]:
    if not hasattr(world, "packet_token"):
        from cellpath.intake.packets.services import packet_request
        from tests.programmes.kit import make_programme, trial_data

        programme = make_programme(world.site_a, trial_data(slug="packet-trial", name="Packet"))
        world.packet_token = packet_request(programme=programme, email="pat@example.org")[1]  # type: ignore[attr-defined]
    return {"token": world.packet_token}  # type: ignore[attr-defined]


PACKET_ROUTES: list[Route] = [
    Route("intake:packet-request", EVERYONE),
    Route("intake:packet-sent", EVERYONE, _token),
    Route("intake:packet-download", EVERYONE, _token, note="the PDF, for whoever has the link"),
    Route("intake:contact", EVERYONE),
    Route("intake:contact-sent", EVERYONE),
]
