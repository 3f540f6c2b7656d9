"""The links in an editor's Markdown, checked before it is saved.

An internal link (a path starting with `/`) must resolve to one of Cellpath's pages, and where
the page is of a record (`/learn/<slug>/`, `/evidence/studies/<slug>/`, `/evidence/claims/<slug>/`,
`/programmes/<slug>/`, `/trials/<NCT number>/`) that record must exist. External links are not
fetched (the server may have no internet): they are only checked to be web (or e-mail) addresses.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown
from django.apps import apps
from django.urls import Resolver404, resolve

EXTERNAL_SCHEMES = {"http", "https", "mailto"}

RECORDS: dict[str, tuple[str, str, str]] = {
    "evidence:page": ("evidence.KnowledgePage", "slug", "slug"),
    "evidence:study": ("evidence.Study", "slug", "slug"),
    "evidence:claim": ("evidence.Claim", "slug", "slug"),
    "programmes:detail": ("programmes.Programme", "slug", "slug"),
    "programmes:before": ("programmes.Programme", "slug", "slug"),
    "trials:detail": ("trials.Trial", "nct_id", "nct_id"),
}
"""URL name → (model, URL argument, field): the record a link to that page names. Models are
looked up by name, so that the library does not import the apps above it."""


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


def links_in(text: str) -> list[str]:
    """The link targets of a Markdown text, in order, each once."""
    parser = _Hrefs()
    parser.feed(markdown.markdown(text or "", extensions=["sane_lists", "tables"]))
    return list(dict.fromkeys(href.strip() for href in parser.hrefs))


def link_problem(href: str) -> str | None:
    """Why a link is broken, or None when it is fine."""
    if href.startswith("#"):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        if parts.scheme.lower() not in EXTERNAL_SCHEMES:
            return f"“{href}” is not a web address (it should start with https://)."
        if parts.scheme.lower() != "mailto" and not parts.netloc:
            return f"“{href}” has no site name after {parts.scheme}://."
        return None
    if not parts.path.startswith("/"):
        return f"“{href}”: write a link to a Cellpath page from the site root, e.g. /learn/…/."
    try:
        match = resolve(parts.path)
    except Resolver404:
        hint = "" if parts.path.endswith("/") else " (does it need a / at the end?)"
        return f"“{href}” is not a page of Cellpath{hint}."
    record = RECORDS.get(match.view_name)
    if record is not None:
        label, argument, field = record
        model = apps.get_model(label)
        value = match.kwargs.get(argument)
        if not model._default_manager.filter(**{field: value}).exists():
            return f"“{href}” links to {model._meta.verbose_name} “{value}”, which does not exist."
    return None


def broken_links(text: str) -> list[str]:
    """What is wrong with each broken link of a Markdown text (empty when all are fine)."""
    return [problem for href in links_in(text) if (problem := link_problem(href))]
