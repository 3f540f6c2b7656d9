"""The library Cellpath ships, as a visitor reads it: every number on a knowledge page is a
figure drawn from a record, and every figure link leads to that record."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from cellpath.evidence.library import load_library
from cellpath.evidence.models import Figure, KnowledgePage

FIGURE_LINK = re.compile(r'<a class="figure" href="([^"]+)" title="[^"]*">([^<]*)</a>')


@pytest.fixture
def shipped(db: None) -> None:
    load_library()


def _article(html: str) -> str:
    return html[html.index('<article class="prose">') : html.index("</article>")]


def test_every_number_on_a_knowledge_page_is_a_linked_figure(shipped, client: Client) -> None:
    pages = list(KnowledgePage.objects.all())
    assert len(pages) >= 8
    for page in pages:
        article = _article(client.get(page.get_absolute_url()).content.decode())
        text = FIGURE_LINK.sub("", article)
        text = re.sub(r"<[^>]+>", " ", text)  # tags and their attributes (link targets)
        text = re.sub(r"&#x?[0-9a-f]+;", " ", text)  # character references
        text = text.replace(f"version {page.version}", "")
        text = re.sub(r"Last changed .*$", "", text, flags=re.S)  # the page's own date
        assert not re.search(r"\d", text), f"{page.slug}: a number not drawn from a record: " + (
            re.search(r".{0,40}\d.{0,40}", text).group(0)
        )


def test_every_figure_link_leads_to_its_record(shipped, client: Client) -> None:
    targets = set()
    for page in KnowledgePage.objects.all():
        html = client.get(page.get_absolute_url()).content.decode()
        targets |= {href for href, _ in FIGURE_LINK.findall(html)}
    for href in sorted(targets):
        path, anchor = href.split("#")
        assert path.startswith("/evidence/"), href
        slug = anchor.removeprefix("figure-")
        figure = Figure.objects.get(slug=slug)
        record = client.get(path).content.decode()
        assert f'id="{anchor}"' in record, href
        assert figure.value in record.replace("&#x27;", "'"), href


def test_no_figure_on_a_public_page_is_missing(shipped, client: Client) -> None:
    for page in KnowledgePage.objects.all():
        assert "[figure not available]" not in client.get(page.get_absolute_url()).content.decode()


def test_the_phase_3_trials_say_their_primary_endpoint_was_not_met(shipped, client: Client) -> None:
    for slug in ("nurown-phase-3", "alsummit-phase-3"):
        html = client.get(f"/evidence/studies/{slug}/").content.decode()
        assert "Primary endpoint not met." in html
