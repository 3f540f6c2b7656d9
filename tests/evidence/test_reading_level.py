"""The knowledge pages read at about a 9th-grade level.

Reading level is the Flesch-Kincaid grade level (Kincaid JP, Fishburne RP, Rogers RL,
Chissom BS. "Derivation of new readability formulas (Automated Readability Index, Fog Count and
Flesch Reading Ease Formula) for Navy enlisted personnel." Research Branch Report 8-75, Naval
Technical Training Command, 1975): 0.39 × words per sentence + 11.8 × syllables per word − 15.59,
as computed by textstat 0.7.3.

The text measured is what a reader sees: figure tokens replaced by their values, Markdown
stripped to its words. Headings and list items are units of their own, so each ends a sentence;
a dot followed directly by a letter or digit (a decimal point, a web address) does not.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from statistics import mean
from typing import Any

import textstat

LIBRARY = Path(__file__).resolve().parents[2] / "src" / "cellpath" / "evidence" / "library"
PAGE_LIMIT = 10.0
MEAN_LIMIT = 9.0
TOKEN = re.compile(r"\{\{([a-z0-9-]+)\}\}")


def _read(name: str) -> dict[str, Any]:
    return tomllib.loads((LIBRARY / name).read_text(encoding="utf-8"))


def figure_values() -> dict[str, str]:
    values = {
        figure["slug"]: figure["value"]
        for study in _read("studies.toml").get("study", [])
        for figure in study.get("figure", [])
    }
    values.update(
        {figure["slug"]: figure["value"] for figure in _read("references.toml").get("figure", [])}
    )
    return values


def plain_text(markdown_text: str, values: dict[str, str]) -> str:
    """The words a reader sees, one sentence-ending unit per heading and list item."""
    text = TOKEN.sub(lambda match: values[match[1]], markdown_text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links → their text
    text = re.sub(r"[*_`]", "", text)  # emphasis
    lines = []
    for line in text.splitlines():
        line = line.strip()
        unit = re.match(r"^(#+|[-+]|\d+\.)\s+(.*)$", line)
        if unit:
            line = unit[2]
            if not line.endswith((".", "!", "?", ":")):
                line += "."
        if line:
            lines.append(line)
    text = " ".join(lines)
    return re.sub(r"\.(?=\w)", "", text)


def page_grades() -> dict[str, float]:
    values = figure_values()
    return {
        page["slug"]: textstat.flesch_kincaid_grade(plain_text(page["body"], values))
        for page in _read("pages.toml").get("page", [])
    }


def test_plain_text_keeps_the_words_a_reader_sees() -> None:
    markdown_text = "## Heading\n\n- a **bold** [link](/learn/x/)\n\nIt is {{f}} a month."
    assert plain_text(markdown_text, {"f": "1.02 points"}) == (
        "Heading. a bold link. It is 102 points a month."
    )


def test_each_page_reads_at_about_a_ninth_grade_level() -> None:
    grades = page_grades()
    report = "\n".join(f"  {slug}: {grade:.1f}" for slug, grade in grades.items())
    assert grades, "no pages"
    too_hard = [slug for slug, grade in grades.items() if grade > PAGE_LIMIT]
    assert not too_hard, f"pages above grade {PAGE_LIMIT}:\n{report}"
    average = mean(grades.values())
    assert average <= MEAN_LIMIT, f"mean grade {average:.1f} > {MEAN_LIMIT}:\n{report}"
