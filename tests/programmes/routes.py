"""The programmes pages in the permission matrix (collected by tests/access_matrix.py)."""

from __future__ import annotations

from tests.matrix_kit import EVERYONE, Route, only  # noqa: F401

PROGRAMME_ROUTES: list[Route] = []
