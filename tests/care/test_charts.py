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


def test_a_guide_label_goes_on_the_side_where_it_fits() -> None:
    label = "Predicted median: 44.7 months"
    svg = draw(guides=[Guide("x", 15, label)])  # 15 of 24: too little room on the right
    (text,) = [el for el in svg.iter(f"{SVG}text") if el.text == label]
    assert text.get("text-anchor") == "end"
    svg = draw(guides=[Guide("x", 3, label)])
    (text,) = [el for el in svg.iter(f"{SVG}text") if el.text == label]
    assert text.get("text-anchor") == "start"


def test_month_ticks_are_month_starts_few_enough_for_a_phone() -> None:
    from datetime import date

    from cellpath.care.progression.charts import date_axis, month_ticks

    assert month_ticks(date(2022, 1, 1), date(2023, 10, 1)) == [
        date(2022, 1, 1), date(2022, 7, 1), date(2023, 1, 1), date(2023, 7, 1)
    ]  # fmt: skip
    assert month_ticks(date(2024, 3, 1), date(2024, 6, 1)) == [
        date(2024, m, 1) for m in (3, 4, 5, 6)
    ]
    long = month_ticks(date(2010, 1, 1), date(2024, 1, 1))
    assert 2 <= len(long) <= 5 and all(d.month == 1 for d in long)
    axis = date_axis("Date", date(2023, 3, 15), date(2023, 9, 27))
    assert (axis.lo, axis.hi) == (date(2023, 3, 1).toordinal(), date(2023, 10, 1).toordinal())
    assert [axis.tick_label(t) for t in axis.tick_values()] == [
        "Mar 2023", "May 2023", "Jul 2023", "Sep 2023"
    ]  # fmt: skip


def test_a_long_legend_label_wraps_within_the_chart() -> None:
    label = "Expected without treatment, if the decline before treatment had continued"
    svg = draw(series=[Series(label, [Point(0, 40, ""), Point(24, 20, "")], "s2", dash="8 5")])
    (text,) = [el for el in svg.iter(f"{SVG}text") if "chart-legend-label" in classes(el)]
    lines = [t.text for t in text.iter(f"{SVG}tspan")]
    assert len(lines) >= 2 and " ".join(lines) == label
    width = float(svg.get("viewBox").split()[2])
    assert all(len(t) * 0.54 * 14 <= width - 52 - 34 for t in lines)
    assert svg.get("width") == "100%" and svg.get("height") is None
