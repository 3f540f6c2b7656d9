"""Editors' Markdown becomes safe HTML; figure tokens become linked values from their records."""

from __future__ import annotations

from cellpath.evidence.rendering import digits_outside_tokens, render, tokens_in


def test_it_removes_scripts_event_handlers_and_javascript_links() -> None:
    html = render(
        "Hello <script>alert(1)</script> <img src=x onerror=alert(1)> "
        "[click](javascript:alert(1)) <a href='https://example.org' onclick='x()'>ok</a>",
        {},
    )
    assert "<script" not in html and "onerror" not in html and "onclick" not in html
    assert "javascript:" not in html and "<img" not in html
    assert 'href="https://example.org"' in html


def test_it_keeps_headings_lists_and_links() -> None:
    html = render("## Care\n\n- one\n- two\n\n[Learn](/learn/)", {})
    assert "<h2>Care</h2>" in html and "<li>one</li>" in html
    assert 'href="/learn/"' in html


def test_a_figure_token_renders_the_figures_value_with_its_link(library) -> None:
    html = render("Responders: {{nurown-responders}}.")
    assert ">33 % vs 28 %</a>" in html
    assert f'href="{library.responders.get_absolute_url()}"' in html
    assert library.responders.get_absolute_url().endswith("#figure-nurown-responders")


def test_a_figure_value_is_escaped(library) -> None:
    library.responders.value = "<b>33</b>"
    html = render("{{x}}", {"x": library.responders})
    assert "&lt;b&gt;33&lt;/b&gt;" in html


def test_an_unknown_token_is_shown_as_missing_not_as_raw_text(db) -> None:
    html = render("Value: {{no-such-figure}}")
    assert "[figure not available]" in html and "{{" not in html


def test_tokens_and_typed_numbers_are_found() -> None:
    text = "Most live {{median-survival}}; [see](/evidence/studies/nurown-phase-3/) 87 % say"
    assert tokens_in(text) == {"median-survival"}
    assert digits_outside_tokens(text) == ["87"]
