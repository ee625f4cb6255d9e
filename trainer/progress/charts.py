"""Geometry for the server-drawn SVG charts; the templates draw them.

Only coordinates and labels are worked out here, from figures the database already summed.
"""

from __future__ import annotations

from dataclasses import dataclass


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
    zero_y: float

    @property
    def polyline(self) -> str:
        return " ".join(f"{dot.x:.1f},{dot.y:.1f}" for dot in self.dots)

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def plot_bottom(self) -> int:
        return self.height - self.bottom

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

    count = len(values)
    dots = [
        Dot(
            x=left + (plot_w / 2 if count == 1 else index * plot_w / (count - 1)),
            y=y_of(max(low, min(high, value))),
            value=value,
            label=label,
        )
        for index, (value, label) in enumerate(values)
    ]
    step = (high - low) // 4
    gridlines = [
        Gridline(y=y_of(level), label=f"{level:+d}%" if level else "0%")
        for level in range(high, low - 1, -step)
    ]
    return LineChart(width, height, left, right, top, bottom, dots, gridlines, y_of(0))


@dataclass(frozen=True)
class Bar:
    code: str
    label: str
    count: int
    share: int
    y: float
    width: float
    text_x: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    track_width: int
    bars: list[Bar]


def bar_chart(rows: list[tuple[str, str, int, int]], *, width: int = 460) -> BarChart:
    """Horizontal bars for (code, label, count, share%) rows, scaled to the largest."""
    label_width, bar_height, gap = 124, 26, 10
    room = width - label_width - 104
    top = max((count for _, _, count, _ in rows), default=0)
    bars = []
    for index, (code, label, count, share) in enumerate(rows):
        length = room * count / top if top else 0
        bars.append(
            Bar(
                code=code,
                label=label,
                count=count,
                share=share,
                y=index * (bar_height + gap),
                width=max(length, 2 if count else 0),
                text_x=label_width + length + 8,
            )
        )
    height = len(rows) * (bar_height + gap) - gap if rows else 0
    return BarChart(width, height, label_width, bar_height, room, bars)
