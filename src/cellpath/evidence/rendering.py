"""Editors' Markdown to safe HTML, with figure tokens (`{{slug}}`) rendered from their records.

Markdown is converted, then sanitised with an allow-list (nh3, OWASP ASVS V5.2.1): editors write
text, never markup that runs. Figures are inserted after sanitising, built from the database
record and escaped, each linking to the study or reference it comes from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import markdown
import nh3
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from cellpath.evidence.models import Figure

TOKEN = re.compile(r"\{\{([a-z0-9-]+)\}\}")
ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "a", "strong", "em", "blockquote", "br",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}


def tokens_in(*texts: str) -> set[str]:
    """The figure slugs a text refers to."""
    return {slug for text in texts for slug in TOKEN.findall(text or "")}


def figures_for(*texts: str) -> dict[str, Figure]:
    """The published figures the texts refer to, fetched in one query."""
    slugs = tokens_in(*texts)
    if not slugs:
        return {}
    rows = Figure.objects.filter(slug__in=slugs, published=True).select_related("study")
    return {figure.slug: figure for figure in rows}


def figure_html(figure: Figure | None) -> str:
    if figure is None:
        return '<span class="figure figure-missing">[figure not available]</span>'
    note = mark_safe(' <span class="unverified">(not verified)</span>') if figure.unverified else ""
    return format_html(
        '<a class="figure" href="{}" title="{}">{}</a>{}',
        figure.get_absolute_url(),
        figure.label,
        figure.value,
        note,
    )


def render(text: str, figures: dict[str, Figure] | None = None) -> SafeString:
    """Markdown → sanitised HTML with figures inserted from `figures` (fetched when omitted)."""
    if figures is None:
        figures = figures_for(text)
    html = markdown.markdown(text or "", extensions=["sane_lists", "tables"])
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(TOKEN.sub(lambda match: figure_html(figures.get(match[1])), html))  # noqa: S308 - sanitised above, figures escaped


def plain_text(text: str, figures: dict[str, Figure]) -> str:
    """The text a reader sees, without markup (for search snippets and the reading level)."""
    html = render(text, figures)
    return re.sub(r"\s+", " ", nh3.clean(html, tags=set())).strip()


def digits_outside_tokens(text: str) -> list[str]:
    """Numbers typed into a text instead of being written as figures (link targets ignored)."""
    stripped = TOKEN.sub("", text or "")
    stripped = re.sub(r"\]\([^)]*\)", "]", stripped)
    return re.findall(r"[^\s]*\d[^\s]*", stripped)


def unknown_tokens(text: str, known: Iterable[str]) -> list[str]:
    return sorted(tokens_in(text) - set(known))
