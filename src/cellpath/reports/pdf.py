"""The report as PDF: WeasyPrint renders the page's own HTML and SVG (one template, no second
layout). Styles are the site's stylesheets, read from the static files and inlined, so that no
request leaves the process."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders

STYLESHEETS = ("cellpath/css/cellpath.css", "cellpath/css/charts.css", "cellpath/css/reports.css")


@cache
def stylesheet() -> str:
    """The report's CSS, inlined into the document WeasyPrint renders."""
    parts = []
    for name in STYLESHEETS:
        found = finders.find(name)
        if found:
            parts.append(Path(found).read_text(encoding="utf-8"))
    return "\n".join(parts)


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(f"the report PDF fetches nothing: {url}")


def render(html: str) -> bytes:
    """PDF bytes of ``html``; WeasyPrint is imported here, only when a PDF is asked for."""
    from weasyprint import HTML

    # WeasyPrint reports every screen-only CSS rule it skips; those are not the reader's concern.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()
