"""Where a patient's page leads in the apps above care: the applications the record was made
from. Applications (intake) import care, not the reverse (the layers in pyproject.toml); the
site, above both, tells this module how to find them at start-up (`site.crosslinks`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from cellpath.accounts.models import User
    from cellpath.care.models import Patient


class ApplicationLink(NamedTuple):
    """An application the record was converted from, as the patient's page lists it."""

    reference: str
    programme: str
    url: str


ApplicationPages = Callable[["User", "Patient"], list[ApplicationLink]]
_application_pages: ApplicationPages | None = None


def connect_application_pages(find: ApplicationPages) -> None:
    global _application_pages
    _application_pages = find


def application_pages(user: User, patient: Patient) -> list[ApplicationLink]:
    """The applications of `patient` that `user` may open (none when not connected)."""
    return _application_pages(user, patient) if _application_pages is not None else []
