"""Server-side SVG charts: line charts with point markers, event marks and reference lines.

No JavaScript and no inline styles (the CSP forbids them): structure and fallbacks are SVG
presentation attributes (``stroke="currentColor"``, ``stroke-dasharray``), and colours come from
classes styled in ``cellpath/css/charts.css``. Each series differs by marker shape and dash
pattern as well as colour, so a chart still reads in greyscale print and for colour-blind
readers. A chart is an image to assistive technology (``role="img"`` labelled by its
``<title>`` and ``<desc>``); the page puts a table of the plotted values under it.

All text is escaped here, so the result is safe to insert into a template.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape

from django.utils.safestring import SafeString, mark_safe

__all__ = [
    "MARKERS",
    "Axis",
    "EventGroup",
    "EventMark",
    "Guide",
    "Point",
    "Series",
    "date_axis",
    "line_chart",
    "month_ticks",
    "nice_ticks",
]

MARKERS = ("circle", "square", "triangle", "diamond", "cross", "none")

FONT_SIZE = 14
CHAR_WIDTH = 0.54 * FONT_SIZE  # a generous average advance per character, for the layout
MARKER_RADIUS = 4.5
EVENT_LANE = 16  # height of each row of event markers above the plot
#: The viewBox width. The chart scales to its container (width 100 %), so the text is drawn at
#: FONT_SIZE × container / WIDTH: about 11 px in the 345 px a 390 px phone leaves, and about
#: 19 px at the 34rem the stylesheet caps a chart at on a wide screen.
WIDTH = 440
MAX_DATE_TICKS = 5  # "Sep 2025" labels spaced so that none touch in the plot's 356 units
LINE_HEIGHT = 17  # between the lines of a wrapped legend label


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    title: str  # what hovering the point says; also its accessible text in the table


@dataclass(frozen=True)
class Series:
    """One plotted series. ``css`` names its colour class (``s1``…``s5`` in charts.css)."""

    label: str
    points: Sequence[Point]
    css: str
    marker: str = "circle"
    dash: str | None = None  # SVG stroke-dasharray, e.g. "6 3"
    hollow: bool = False
    line: bool = True


@dataclass(frozen=True)
class EventMark:
    x: float
    title: str


@dataclass(frozen=True)
class EventGroup:
    """Things that happened at a time (doses, adverse events): a vertical line each, with a
    marker in the group's own row above the plot."""

    label: str
    marks: Sequence[EventMark]
    css: str
    marker: str = "triangle"
    hollow: bool = False
    dash: str | None = "2 3"


@dataclass(frozen=True)
class Guide:
    """A labelled reference line across the plot at ``value`` on the x or y axis."""

    axis: str  # "x" or "y"
    value: float
    label: str
    css: str = "guide"


@dataclass(frozen=True)
class Axis:
    label: str
    lo: float
    hi: float
    ticks: Sequence[float] | None = None
    tick_format: Callable[[float], str] | None = None

    def tick_values(self) -> list[float]:
        if self.ticks is not None:
            return [t for t in self.ticks if self.lo <= t <= self.hi]
        return nice_ticks(self.lo, self.hi)

    def tick_label(self, value: float) -> str:
        if self.tick_format is not None:
            return self.tick_format(value)
        return _number(value)


@dataclass
class _Frame:
    """Pixel geometry of the plot area inside the viewBox."""

    left: float
    top: float
    width: float
    height: float
    x: Axis
    y: Axis

    def px(self, value: float) -> float:
        span = self.x.hi - self.x.lo or 1.0
        return self.left + (value - self.x.lo) / span * self.width

    def py(self, value: float) -> float:
        span = self.y.hi - self.y.lo or 1.0
        return self.top + self.height - (value - self.y.lo) / span * self.height

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height


@dataclass
class _Legend:
    entries: list[str] = field(default_factory=list)
    height: float = 0.0


def nice_ticks(lo: float, hi: float, target: int = 6) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 × 10^k apart) covering lo…hi, about ``target`` of them."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo]
    raw = (hi - lo) / target
    magnitude = 10 ** math.floor(math.log10(raw))
    step = magnitude * 10
    for multiple in (1, 2, 2.5, 5, 10):
        if (hi - lo) / (multiple * magnitude) <= target:
            step = multiple * magnitude
            break
    first = math.ceil(lo / step - 1e-9) * step
    count = math.floor((hi - first) / step + 1e-9) + 1
    return [round(first + i * step, 10) for i in range(count)]


def _month_start(d: date, months_later: int = 0) -> date:
    index = d.year * 12 + d.month - 1 + months_later
    return date(index // 12, index % 12 + 1, 1)


MONTH_STEPS = (1, 2, 3, 4, 6, 12, 24, 36, 60, 120)


def month_ticks(lo: date, hi: date, most: int = MAX_DATE_TICKS) -> list[date]:
    """First days of months from lo to hi, every 1, 2, 3, 4, 6 or 12 months (or whole years)
    counted from January, the fewest steps apart that give at most ``most`` of them."""
    for step in MONTH_STEPS:
        ticks = []
        d = _month_start(lo, 0 if lo.day == 1 else 1)
        while d <= hi:
            index = d.year * 12 + d.month - 1
            if index % step == 0:
                ticks.append(d)
            d = _month_start(d, 1)
        if len(ticks) <= most:
            return ticks
    return [lo, hi]


def _tick_date(value: float) -> str:
    """A month tick's label: "Jan 2026"."""
    return f"{date.fromordinal(round(value)):%b %Y}"


def date_axis(label: str, first: date, last: date) -> Axis:
    """A calendar axis from the month of ``first`` to the start of the month after ``last``,
    with month-year ticks; the x values are day numbers (``date.toordinal``)."""
    lo, hi = _month_start(first), _month_start(last, 1)
    ticks = [float(d.toordinal()) for d in month_ticks(lo, hi)]
    return Axis(label, float(lo.toordinal()), float(hi.toordinal()), ticks, _tick_date)


def _wrap(text: str, width: float) -> list[str]:
    """A label broken at spaces into lines of at most ``width`` units (a long word stays whole)."""
    most = max(1, int(width / CHAR_WIDTH))
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= most:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _number(value: float) -> str:
    if abs(value - round(value)) < 1e-9:
        return str(round(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _c(value: float) -> str:
    """A coordinate, short."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _attrs(**attributes: object) -> str:
    parts = []
    for name, value in attributes.items():
        if value is None:
            continue
        parts.append(f'{name.rstrip("_").replace("_", "-")}="{escape(str(value))}"')
    return " ".join(parts)


def _marker(shape: str, x: float, y: float, *, css: str, hollow: bool, title: str) -> str:
    """One point marker with its tooltip; ``currentColor`` takes the series' colour class."""
    r = MARKER_RADIUS
    fill = "#ffffff" if hollow else "currentColor"
    common = _attrs(
        class_=f"{css}{' hollow' if hollow else ''}",
        fill=fill,
        stroke="currentColor",
        stroke_width=2 if hollow else 1,
    )
    tip = f"<title>{escape(title)}</title>" if title else ""
    if shape == "circle":
        return f'<circle {common} cx="{_c(x)}" cy="{_c(y)}" r="{_c(r)}">{tip}</circle>'
    if shape == "square":
        s = r * 0.9
        return (
            f'<rect {common} x="{_c(x - s)}" y="{_c(y - s)}" '
            f'width="{_c(2 * s)}" height="{_c(2 * s)}">{tip}</rect>'
        )
    if shape == "triangle":
        top, base, half = y - r * 1.2, y + r * 0.8, r * 1.1
        d = f"M{_c(x)} {_c(top)}L{_c(x + half)} {_c(base)}L{_c(x - half)} {_c(base)}Z"
        return f'<path {common} d="{d}">{tip}</path>'
    if shape == "diamond":
        s = r * 1.25
        d = f"M{_c(x)} {_c(y - s)}L{_c(x + s)} {_c(y)}L{_c(x)} {_c(y + s)}L{_c(x - s)} {_c(y)}Z"
        return f'<path {common} d="{d}">{tip}</path>'
    if shape == "cross":
        s = r
        d = (
            f"M{_c(x - s)} {_c(y - s)}L{_c(x + s)} {_c(y + s)}"
            f"M{_c(x - s)} {_c(y + s)}L{_c(x + s)} {_c(y - s)}"
        )
        attrs = _attrs(class_=css, fill="none", stroke="currentColor", stroke_width=2.5)
        return f'<path {attrs} d="{d}">{tip}</path>'
    return ""


def _axes(frame: _Frame, uid: str) -> list[str]:
    out = ['<g class="chart-axes">']
    for t in frame.y.tick_values():
        y = frame.py(t)
        out.append(
            f'<line class="chart-grid" x1="{_c(frame.left)}" x2="{_c(frame.right)}" '
            f'y1="{_c(y)}" y2="{_c(y)}" stroke="#d0d0d0" stroke-width="1"/>'
        )
        out.append(
            f'<text class="chart-tick" x="{_c(frame.left - 8)}" y="{_c(y + 4)}" '
            f'text-anchor="end">{escape(frame.y.tick_label(t))}</text>'
        )
    for t in frame.x.tick_values():
        x = frame.px(t)
        out.append(
            f'<line class="chart-grid" x1="{_c(x)}" x2="{_c(x)}" y1="{_c(frame.top)}" '
            f'y2="{_c(frame.bottom)}" stroke="#e4e4e4" stroke-width="1"/>'
        )
        out.append(
            f'<text class="chart-tick" x="{_c(x)}" y="{_c(frame.bottom + 18)}" '
            f'text-anchor="middle">{escape(frame.x.tick_label(t))}</text>'
        )
    out.append(
        f'<path class="chart-axis" d="M{_c(frame.left)} {_c(frame.top)}V{_c(frame.bottom)}'
        f'H{_c(frame.right)}" fill="none" stroke="currentColor" stroke-width="1.5"/>'
    )
    out.append(
        f'<text class="chart-axis-label" id="{uid}-x" x="{_c(frame.left + frame.width / 2)}" '
        f'y="{_c(frame.bottom + 38)}" text-anchor="middle">{escape(frame.x.label)}</text>'
    )
    cy = frame.top + frame.height / 2
    out.append(
        f'<text class="chart-axis-label" x="{_c(16)}" y="{_c(cy)}" text-anchor="middle" '
        f'transform="rotate(-90 16 {_c(cy)})">{escape(frame.y.label)}</text>'
    )
    out.append("</g>")
    return out


def _inside(frame: _Frame, x: float, y: float | None = None) -> bool:
    ok = frame.x.lo - 1e-9 <= x <= frame.x.hi + 1e-9
    if y is not None:
        ok = ok and frame.y.lo - 1e-9 <= y <= frame.y.hi + 1e-9
    return ok


def _series(frame: _Frame, series: Series) -> list[str]:
    pts = [p for p in series.points if _inside(frame, p.x, p.y)]
    out = [f'<g class="chart-series {escape(series.css)}">']
    if series.line and len(pts) > 1:
        coords = " ".join(f"{_c(frame.px(p.x))},{_c(frame.py(p.y))}" for p in pts)
        out.append(
            "<polyline "
            + _attrs(
                class_="chart-line",
                fill="none",
                stroke="currentColor",
                stroke_width=2.5,
                stroke_linejoin="round",
                stroke_dasharray=series.dash,
            )
            + f' points="{coords}"/>'
        )
    for p in pts:
        out.append(
            _marker(
                series.marker,
                frame.px(p.x),
                frame.py(p.y),
                css="chart-point",
                hollow=series.hollow,
                title=p.title,
            )
        )
    out.append("</g>")
    return out


def _events(frame: _Frame, group: EventGroup, lane: float) -> list[str]:
    out = [f'<g class="chart-events {escape(group.css)}">']
    for mark in group.marks:
        if not _inside(frame, mark.x):
            continue
        x = frame.px(mark.x)
        out.append(
            "<line "
            + _attrs(
                class_="chart-event-line",
                x1=_c(x),
                x2=_c(x),
                y1=_c(lane),
                y2=_c(frame.bottom),
                stroke="currentColor",
                stroke_width=1.5,
                stroke_dasharray=group.dash,
            )
            + "/>"
        )
        out.append(
            _marker(group.marker, x, lane, css="chart-event", hollow=group.hollow, title=mark.title)
        )
    out.append("</g>")
    return out


def _guides(frame: _Frame, guides: Sequence[Guide]) -> list[str]:
    out: list[str] = []
    for guide in guides:
        if guide.axis == "y":
            if not frame.y.lo <= guide.value <= frame.y.hi:
                continue
            y = frame.py(guide.value)
            line = f'x1="{_c(frame.left)}" x2="{_c(frame.right)}" y1="{_c(y)}" y2="{_c(y)}"'
            text = (
                f'<text class="chart-guide-label" x="{_c(frame.right - 4)}" y="{_c(y - 6)}" '
                f'text-anchor="end">{escape(guide.label)}</text>'
            )
        else:
            if not frame.x.lo <= guide.value <= frame.x.hi:
                continue
            x = frame.px(guide.value)
            line = f'x1="{_c(x)}" x2="{_c(x)}" y1="{_c(frame.top)}" y2="{_c(frame.bottom)}"'
            # on the side the label fits (on a narrow chart, a long label may fit only left)
            needed = 6 + len(guide.label) * CHAR_WIDTH
            fits_right = x + needed <= frame.right + 12
            fits_left = x - needed >= frame.left - 6
            if fits_right and fits_left:
                anchor = "start" if x < frame.left + frame.width * 0.7 else "end"
            else:
                anchor = "start" if fits_right or frame.right - x > x - frame.left else "end"
            dx = 6 if anchor == "start" else -6
            text = (
                f'<text class="chart-guide-label" x="{_c(x + dx)}" y="{_c(frame.top + 16)}" '
                f'text-anchor="{anchor}">{escape(guide.label)}</text>'
            )
        out.append(
            f'<g class="chart-guide {escape(guide.css)}"><line {line} stroke="currentColor" '
            f'stroke-width="1.5" stroke-dasharray="6 4"/>{text}</g>'
        )
    return out


def _legend(
    series: Sequence[Series], events: Sequence[EventGroup], *, left: float, top: float, width: float
) -> _Legend:
    """Legend entries (sample line, marker, label) flowed into rows under the x-axis label; a
    label too long for the chart's width wraps onto further lines."""
    legend = _Legend()
    row_height = 24
    x, y = left, top + 14
    row_bottom = y
    items: list[tuple[str, str, str, str, bool, str | None, bool]] = [
        ("series", s.label, s.css, s.marker, s.hollow, s.dash, s.line) for s in series
    ] + [("event", e.label, e.css, e.marker, e.hollow, e.dash, True) for e in events if e.marks]
    if not items:
        return legend
    legend.entries.append('<g class="chart-legend">')
    for kind, label, css, marker, hollow, dash, line in items:
        lines = _wrap(label, width - 34)
        entry_width = 34 + max(len(t) for t in lines) * CHAR_WIDTH + 22
        if x > left and x + entry_width > left + width:
            x, y = left, row_bottom + row_height
        is_event = kind == "event"
        out = [f'<g class="chart-legend-entry {escape(css)}">']
        if line:
            out.append(
                "<line "
                + _attrs(
                    x1=_c(x),
                    x2=_c(x + 28),
                    y1=_c(y),
                    y2=_c(y),
                    stroke="currentColor",
                    stroke_width=1.5 if is_event else 2.5,
                    stroke_dasharray=dash,
                )
                + "/>"
            )
        out.append(_marker(marker, x + 14, y, css="chart-key", hollow=hollow, title=""))
        if len(lines) == 1:
            text = escape(label)
        else:
            text = "".join(
                f'<tspan x="{_c(x + 34)}" dy="{0 if i == 0 else LINE_HEIGHT}">{escape(t)}</tspan>'
                for i, t in enumerate(lines)
            )
        out.append(
            f'<text class="chart-legend-label" x="{_c(x + 34)}" y="{_c(y + 4.5)}">{text}</text></g>'
        )
        legend.entries.extend(out)
        row_bottom = max(row_bottom, y + (len(lines) - 1) * LINE_HEIGHT)
        x += entry_width
    legend.entries.append("</g>")
    legend.height = row_bottom - top + row_height / 2 + 4
    return legend


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    x_axis: Axis,
    y_axis: Axis,
    series: Sequence[Series] = (),
    events: Sequence[EventGroup] = (),
    guides: Sequence[Guide] = (),
    width: int = WIDTH,
    plot_height: int = 260,
) -> SafeString:
    """An SVG line chart, labelled for assistive technology by ``title`` and ``description``.

    Points outside the axes' ranges are left out (the table under the chart still lists them).
    The chart has a viewBox and no size of its own: it is as wide as its container.
    """
    uid = escape(chart_id)
    events = [group for group in events if group.marks]
    widest_tick = max((len(y_axis.tick_label(t)) for t in y_axis.tick_values()), default=2)
    left = max(52.0, 38 + widest_tick * CHAR_WIDTH)  # room for the y-axis label
    # room for half the last x tick label, which is centred on its tick
    widest_x = max((len(x_axis.tick_label(t)) for t in x_axis.tick_values()), default=2)
    right = max(18.0, widest_x * CHAR_WIDTH / 2 + 2)
    top = 14.0 + (len(events) * EVENT_LANE + 4 if events else 0)
    frame = _Frame(left, top, width - left - right, plot_height, x_axis, y_axis)
    legend = _legend(series, events, left=left, top=frame.bottom + 48, width=frame.width)
    height = frame.bottom + 48 + legend.height + 6

    body: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{uid}" role="img" '
        f'aria-labelledby="{uid}-title {uid}-desc" viewBox="0 0 {width} {_c(height)}" '
        f'width="100%" font-size="{FONT_SIZE}" '
        f'font-family="system-ui, sans-serif" fill="currentColor">',
        f'<title id="{uid}-title">{escape(title)}</title>',
        f'<desc id="{uid}-desc">{escape(description)}</desc>',
        f'<rect class="chart-background" x="0" y="0" width="{width}" height="{_c(height)}" '
        'fill="#ffffff"/>',
    ]
    body += _axes(frame, uid)
    body += _guides(frame, guides)
    for lane, group in enumerate(events):  # one row of markers per kind, so none overlap
        body += _events(frame, group, 14.0 + (lane + 0.5) * EVENT_LANE)
    for s in series:
        body += _series(frame, s)
    body += legend.entries
    body.append("</svg>")
    return mark_safe("".join(body))  # noqa: S308 - every text above went through escape()
