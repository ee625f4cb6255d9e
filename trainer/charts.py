"""Geometry for every chart the templates draw as SVG on the server.

Python works out where each mark goes; the templates only place them, and colour them
with CSS classes (``bar-s1`` … ``bar-s4``, never an inline style, so a strict
Content-Security-Policy holds). What several charts draw alike has one partial in
``templates/charts/``: horizontal bars (``_bars.html``) and the S4-to-S1 levels and
decision numbers of a style arc (``_style_levels.html``). Every chart has a text
alternative: a ``<title>`` and ``<desc>`` in the SVG, and a table beside it on the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scenarios.leadership import Style, level

# Horizontal bars ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One counted thing: a style, a readiness level or a lettered action."""

    code: str
    label: str
    count: int
    share: int  # whole percent of the answers
    highlight: bool = False  # the right readiness, or the best-fit action


@dataclass(frozen=True)
class BarLayout:
    width: int
    row: int  # from the top of one row to the top of the next
    bar_height: int
    track: int  # the length of a full bar
    bar_x: int  # where the bars start
    bar_dy: int  # the bar's top below its row's top
    label_x: int
    label_anchor: str  # "end": the label sits left of its bar; "start": above it
    label_dy: int  # the label's baseline below its row's top
    value_dy: int  # the value's baseline below the bar's top
    value_gap: int  # between the end of the bar and its value
    separator: str  # between a bar's code and its label
    radius: int
    min_width: int  # a bar with any count is at least this long, so it shows
    to_largest: bool  # the largest count fills the track (else a share of 100 % does)
    height_extra: int  # added to rows * row for the chart's height


# Beside: a learner's or a cohort's styles, the label left of each bar.
BESIDE = BarLayout(
    width=460,
    row=36,
    bar_height=26,
    track=232,
    bar_x=124,
    bar_dy=0,
    label_x=114,
    label_anchor="end",
    label_dy=17,
    value_dy=17,
    value_gap=8,
    separator=" ",
    radius=0,
    min_width=2,
    to_largest=True,
    height_extra=-10,
)
# Above: the projector's reveal, the label on its own line so that long labels fit.
ABOVE = BarLayout(
    width=560,
    row=58,
    bar_height=24,
    track=440,
    bar_x=0,
    bar_dy=27,
    label_x=0,
    label_anchor="start",
    label_dy=19,
    value_dy=18,
    value_gap=10,
    separator=" · ",
    radius=4,
    min_width=4,
    to_largest=False,
    height_extra=4,
)


@dataclass(frozen=True)
class BarRow:
    bar: Bar
    caption: str
    label_y: int
    bar_y: int
    value_y: int
    width: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    layout: BarLayout
    rows: list[BarRow]
    height: int
    description: str

    @property
    def width(self) -> int:
        return self.layout.width


def bar_chart(bars: list[Bar], layout: BarLayout, highlight_word: str = "best fit") -> BarChart:
    """Lay out ``bars`` in order, top to bottom; ``highlight_word`` names a highlighted bar."""
    largest = max((bar.count for bar in bars), default=0)
    rows = []
    for index, bar in enumerate(bars):
        top = index * layout.row
        if layout.to_largest:
            length = layout.track * bar.count / largest if largest else 0
        else:
            length = layout.track * bar.share / 100
        width = max(length, layout.min_width) if bar.count else length
        caption = f"{bar.code}{layout.separator}{bar.label}"
        rows.append(
            BarRow(
                bar=bar,
                caption=caption + (f" ✓ {highlight_word}" if bar.highlight else ""),
                label_y=top + layout.label_dy,
                bar_y=top + layout.bar_dy,
                value_y=top + layout.bar_dy + layout.value_dy,
                width=width,
                value_x=layout.bar_x + width + layout.value_gap,
            )
        )
    description = "; ".join(
        f"{bar.code} {bar.label}: {bar.count} ({bar.share}%)"
        + (f", {highlight_word}" if bar.highlight else "")
        for bar in bars
    )
    height = len(bars) * layout.row + layout.height_extra if bars else 0
    return BarChart(layout, rows, height, description)


# A line over time: a learner's adaptability, attempt by attempt ---------------------------


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    value: int
    label: str


@dataclass(frozen=True)
class Gridline:
    y: float
    label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    dots: list[Dot]
    gridlines: list[Gridline]

    @property
    def polyline(self) -> str:
        return _points([(dot.x, dot.y) for dot in self.dots])

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def first_label(self) -> str:
        return self.dots[0].label if self.dots else ""

    @property
    def last_label(self) -> str:
        return self.dots[-1].label if self.dots else ""


def line_chart(
    values: list[tuple[int, str]],
    *,
    width: int = 520,
    height: int = 220,
    low: int = -100,
    high: int = 100,
) -> LineChart:
    """Values in [low, high] evenly spaced left to right, oldest first."""
    left, right, top, bottom = 48, 16, 14, 34
    plot_w, plot_h = width - left - right, height - top - bottom

    def y_of(value: float) -> float:
        return top + (high - value) / (high - low) * plot_h

    dots = [
        Dot(x=x, y=y_of(max(low, min(high, value))), value=value, label=label)
        for x, (value, label) in zip(_spread(len(values), left, plot_w), values, strict=True)
    ]
    step = (high - low) // 4
    gridlines = [
        Gridline(y=y_of(value), label=f"{value:+d}%" if value else "0%")
        for value in range(high, low - 1, -step)
    ]
    return LineChart(width, height, left, right, top, bottom, dots, gridlines)


# Style arcs: styles decision by decision, S4 at the top and S1 at the bottom ---------------
# A crisis drops to S1 (directing) and climbs back to S4 (delegating) as people recover.


@dataclass(frozen=True)
class StyleLevel:
    code: str
    label: str
    y: float
    label_y: float


@dataclass(frozen=True)
class Bubble:
    """The share of a room that chose one style at one decision."""

    x: float
    y: float
    r: float
    style: str  # s1 … s4, for its colour class


@dataclass(frozen=True)
class ArcColumn:
    number: int
    x: float
    best_y: float | None
    line_y: float | None  # the learner's style, or the room's average
    best: str = ""
    chosen: str = ""  # a learner's style
    moment: str = ""
    bubbles: tuple[Bubble, ...] = ()

    @property
    def on_target(self) -> bool:
        return bool(self.chosen) and self.chosen == self.best

    @property
    def diamond(self) -> str:
        """The best-fit marker of a learner's arc: a small diamond around (x, best_y)."""
        x, y, r = self.x, self.best_y or 0, 7
        return _points([(x, y - r), (x + r, y), (x, y + r), (x - r, y)])


@dataclass(frozen=True)
class StyleArc:
    width: int
    height: int
    left: int
    plot_right: int
    axis_y: int  # the line under the levels
    step_y: int  # the baseline of the decision numbers
    level_x: int  # where the level labels are anchored
    level_anchor: str
    level_baseline: str
    levels: list[StyleLevel]
    columns: list[ArcColumn]

    @property
    def best_path(self) -> str:
        return _points([(c.x, c.best_y) for c in self.columns if c.best_y is not None], 2)

    @property
    def line_path(self) -> str:
        return _points([(c.x, c.line_y) for c in self.columns if c.line_y is not None], 2)

    @property
    def on_target(self) -> int:
        return sum(1 for column in self.columns if column.on_target)

    @property
    def caption_x(self) -> float:
        return (self.left + self.plot_right) / 2


def _level_y(top: float, row: float, value: float) -> float:
    """S4 (4) at ``top``, and one ``row`` lower for each step towards S1 (1)."""
    return top + (4 - value) * row


def _levels(top: float, row: float, label_dy: float) -> list[StyleLevel]:
    levels = []
    for style in reversed(Style):
        y = _level_y(top, row, level(style.value))
        levels.append(StyleLevel(style.value, style.label, y, y + label_dy))
    return levels


def style_arc(rows: list[tuple[str, str, str, int]]) -> StyleArc:
    """A learner's arc from (moment, chosen style, best style, points), in play order."""
    # Compact, so the labels stay legible when a phone scales the chart down.
    width, height, left, right, top, bottom = 480, 270, 138, 16, 20, 54
    row = (height - top - bottom - 20) / 3  # the lowest level sits clear of the axis
    levels = _levels(top, row, 0)
    y_of = {lv.code: lv.y for lv in levels}
    xs = _spread(len(rows), left, width - left - right)
    columns = [
        ArcColumn(
            number=number,
            x=x,
            best_y=y_of[best],
            line_y=y_of[chosen],
            best=best,
            chosen=chosen,
            moment=moment,
        )
        for number, (x, (moment, chosen, best, _)) in enumerate(zip(xs, rows, strict=True), 1)
    ]
    return StyleArc(
        width=width,
        height=height,
        left=left,
        plot_right=width - right,
        axis_y=height - bottom,
        step_y=height - bottom + 20,
        level_x=left - 12,
        level_anchor="end",
        level_baseline="middle",
        levels=levels,
        columns=columns,
    )


ROOM_LEFT = 130
ROOM_TOP = 24
ROOM_COLUMN = 120
ROOM_ROW = 64
ROOM_BOTTOM = 64
BUBBLE_MAX = 22


def room_arc(decisions: list[tuple[int, str | None, float | None, list[Bar]]]) -> StyleArc:
    """A room's arc from (number, best style, average level, style bars) per decision."""
    levels = _levels(ROOM_TOP, ROOM_ROW, 5)
    y_of = {lv.code: lv.y for lv in levels}
    columns = []
    for index, (number, best, average, bars) in enumerate(decisions):
        x = ROOM_LEFT + index * ROOM_COLUMN + ROOM_COLUMN // 2
        bubbles = tuple(
            Bubble(
                x,
                y_of[bar.code],
                round(BUBBLE_MAX * math.sqrt(bar.share / 100), 1),
                bar.code.lower(),
            )
            for bar in bars
            if bar.share
        )
        columns.append(
            ArcColumn(
                number=number,
                x=x,
                best_y=y_of[best] if best else None,
                line_y=None if average is None else round(_level_y(ROOM_TOP, ROOM_ROW, average), 1),
                best=best or "",
                bubbles=bubbles,
            )
        )
    bottom = y_of[Style.S1]
    plot_right = ROOM_LEFT + max(len(decisions), 1) * ROOM_COLUMN
    return StyleArc(
        width=plot_right + 20,
        height=bottom + ROOM_BOTTOM,
        left=ROOM_LEFT,
        plot_right=plot_right,
        axis_y=bottom,
        step_y=bottom + 30,
        level_x=0,
        level_anchor="start",
        level_baseline="auto",
        levels=levels,
        columns=columns,
    )


def direction_word(chosen: str, best: str) -> str:
    """For an arc's table: how the chosen style sat against the best fit."""
    difference = level(chosen) - level(best)
    if difference == 0:
        return "on target"
    steps = abs(difference)
    amount = "one step" if steps == 1 else f"{steps} steps"
    return f"{amount} more directive" if difference < 0 else f"{amount} less directive"


def _spread(count: int, left: float, span: float) -> list[float]:
    """``count`` positions evenly across ``span`` from ``left``, ends included; one sits mid-way."""
    if count == 1:
        return [left + span / 2]
    return [left + index * span / (count - 1) for index in range(count)]


def _points(points: list[tuple[float, float]], at_least: int = 1) -> str:
    """SVG ``points`` for a polyline or polygon; empty when there are too few to draw."""
    if len(points) < at_least:
        return ""
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
