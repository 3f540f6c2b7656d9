"""Helpers for tests that use pages as a person does."""

from __future__ import annotations

from typing import Any


def post(client: Any, url: str, data: dict[str, Any] | None = None) -> Any:
    """POST `data` to `url` with the CSRF token the page's GET set, as a browser would."""
    token = client.get(url).cookies["csrftoken"].value
    return client.post(url, {"csrfmiddlewaretoken": token, **(data or {})})
