"""The SVG chart builder: well-formed, labelled for assistive technology, safe, CSP-friendly."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from cellpath.care.progression.charts import (
    Axis,
    EventGroup,
    EventMark,
    Guide,
    Point,
    Series,
    line_chart,
    nice_ticks,
)

SVG = "{http://www.w3.org/2000/svg}"


def draw(**overrides) -> ET.Element:
    arguments = dict(
        chart_id="c1",
        title="ALSFRS-R total",
        description="Three assessments.",
        x_axis=Axis("Months since onset", 0, 24),
        y_axis=Axis("Total", 0, 48, ticks=range(0, 49, 8)),
        series=[
            Series(
                "Total", [Point(6, 44, "6 months: 44"), Point(12, 40, ""), Point(18, 37, "")], "s1"
            ),
            Series(
                "Bulbar",
                [Point(6, 12, ""), Point(12, 11, "")],
                "s2",
                marker="square",
                dash="7 3",
                hollow=True,
            ),
        ],
    )
    arguments.update(overrides)
    return ET.fromstring(str(line_chart(**arguments)))  # noqa: S314 - markup we just made


def classes(element: ET.Element) -> list[str]:
    return element.get("class", "").split()


def test_it_is_an_image_labelled_by_its_title_and_description() -> None:
    svg = draw()
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.find(f"{SVG}title").get("id") == "c1-title"
    assert svg.find(f"{SVG}title").text == "ALSFRS-R total"
    assert svg.find(f"{SVG}desc").text == "Three assessments."


def test_it_draws_a_marker_per_point_with_its_tooltip() -> None:
    svg = draw()
    points = [el for el in svg.iter() if "chart-point" in classes(el)]
    assert len(points) == 5
    assert points[0].find(f"{SVG}title").text == "6 months: 44"
    assert {el.tag for el in points} == {f"{SVG}circle", f"{SVG}rect"}


def test_series_differ_by_marker_and_dash_not_only_colour() -> None:
    svg = draw()
    lines = [el for el in svg.iter(f"{SVG}polyline")]
    assert [line.get("stroke-dasharray") for line in lines] == [None, "7 3"]
    hollow = [el for el in svg.iter(f"{SVG}rect") if "hollow" in classes(el)]
    assert hollow and all(el.get("fill") == "#ffffff" for el in hollow)
    legend = [el.text for el in svg.iter(f"{SVG}text") if "chart-legend-label" in classes(el)]
    assert legend == ["Total", "Bulbar"]


def test_it_places_points_by_value() -> None:
    svg = draw(series=[Series("Total", [Point(0, 0, ""), Point(24, 48, "")], "s1")])
    low, high = [el for el in svg.iter(f"{SVG}circle") if "chart-point" in classes(el)]
    assert float(low.get("cx")) < float(high.get("cx"))
    assert float(low.get("cy")) > float(high.get("cy"))  # SVG y grows downwards


def test_points_outside_the_axes_are_left_out() -> None:
    svg = draw(series=[Series("Total", [Point(-3, 40, ""), Point(6, 44, "")], "s1")])
    assert len([el for el in svg.iter() if "chart-point" in classes(el)]) == 1


def test_it_escapes_every_text() -> None:
    nasty = '<script>alert("x")</script> & "quotes"'
    markup = str(
        line_chart(
            chart_id="c2",
            title=nasty,
            description=nasty,
            x_axis=Axis(nasty, 0, 10),
            y_axis=Axis(nasty, 0, 10),
            series=[Series(nasty, [Point(1, 1, nasty)], "s1")],
            events=[EventGroup(nasty, [EventMark(2, nasty)], "ev-dose")],
            guides=[Guide("y", 5, nasty)],
        )
    )
    assert "<script>" not in markup
    ET.fromstring(markup)  # noqa: S314 - still well-formed


def test_it_needs_no_inline_style() -> None:
    markup = str(
        line_chart(
            chart_id="c3",
            title="t",
            description="d",
            x_axis=Axis("x", 0, 10),
            y_axis=Axis("y", 0, 1, tick_format=lambda v: f"{v:.0%}"),
            series=[Series("s", [Point(1, 0.5, "")], "s1", marker="none")],
            events=[EventGroup("Dose", [EventMark(2, "dose")], "ev-dose")],
            guides=[Guide("x", 5, "median")],
        )
    )
    assert "style" not in markup and "<script" not in markup
    assert ">40%<" in markup and ">100%<" in markup  # the tick formatter is used


def test_each_kind_of_event_gets_its_own_row_of_marks() -> None:
    svg = draw(
        events=[
            EventGroup("Cells given", [EventMark(6, "dose 1"), EventMark(7, "dose 2")], "ev-dose"),
            EventGroup("Serious adverse event", [EventMark(6, "SAE")], "ev-sae", "diamond"),
            EventGroup("Nothing", [], "ev-ae"),
        ]
    )
    groups = [g for g in svg.iter(f"{SVG}g") if "chart-events" in classes(g)]
    assert [classes(g)[1] for g in groups] == ["ev-dose", "ev-sae"]
    rows = {
        classes(g)[1]: {el.get("d").split()[1].split("L")[0] for el in g if el.tag == f"{SVG}path"}
        for g in groups
    }
    assert rows["ev-dose"].isdisjoint(rows["ev-sae"])  # different heights: no overlap
    titles = [t.text for g in groups for t in g.iter(f"{SVG}title")]
    assert titles == ["dose 1", "dose 2", "SAE"]


def test_nice_ticks_are_round_numbers() -> None:
    assert nice_ticks(0, 48) == [0, 10, 20, 30, 40]
    assert nice_ticks(0, 30) == [0, 5, 10, 15, 20, 25, 30]
    assert nice_ticks(0, 1) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert nice_ticks(0, 120) == [0, 20, 40, 60, 80, 100, 120]
