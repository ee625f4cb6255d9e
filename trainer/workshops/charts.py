"""Geometry for the charts the templates draw as SVG on the server.

Python works out where things go; the templates only place them. Each chart also has a
one-line text description for its ``<desc>`` and a table next to it on the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scenarios.leadership import Style
from trainer.workshops.room import Bar, StepSummary

# Horizontal bars: the label on its own line above each bar, so long labels fit ---------

BAR_TRACK = 440
BAR_ROW = 58
BAR_HEIGHT = 24
BAR_WIDTH = 560


@dataclass(frozen=True)
class BarRow:
    bar: Bar
    label_y: int
    bar_y: int
    value_y: int
    width: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    rows: list[BarRow]
    width: int
    height: int
    track: int
    bar_height: int
    description: str
    highlight_word: str


def bar_chart(bars: list[Bar], highlight_word: str = "best fit") -> BarChart:
    rows = []
    for index, bar in enumerate(bars):
        top = index * BAR_ROW
        width = BAR_TRACK * bar.share / 100
        if bar.count:
            width = max(width, 4)
        rows.append(
            BarRow(
                bar=bar,
                label_y=top + 19,
                bar_y=top + 27,
                value_y=top + 27 + BAR_HEIGHT - 6,
                width=width,
                value_x=width + 10,
            )
        )
    description = "; ".join(
        f"{bar.code} {bar.label}: {bar.count} ({bar.share}%)"
        + (f", {highlight_word}" if bar.highlight else "")
        for bar in bars
    )
    return BarChart(
        rows=rows,
        width=BAR_WIDTH,
        height=len(bars) * BAR_ROW + 4,
        track=BAR_TRACK,
        bar_height=BAR_HEIGHT,
        description=description,
        highlight_word=highlight_word,
    )


# The style arc: the room's styles decision by decision, against the best fit ----------

ARC_LEFT = 130
ARC_TOP = 24
ARC_COLUMN = 120
ARC_ROW = 64
ARC_BOTTOM = 64
ARC_BUBBLE_MAX = 22


@dataclass(frozen=True)
class ArcLevel:
    code: str
    label: str
    y: int


@dataclass(frozen=True)
class ArcBubble:
    x: int
    y: int
    r: float
    style: str
    share: int


@dataclass(frozen=True)
class ArcColumn:
    number: int
    x: int
    best_y: int | None
    room_y: float | None
    bubbles: list[ArcBubble]


@dataclass(frozen=True)
class ArcChart:
    left: int
    levels: list[ArcLevel]
    columns: list[ArcColumn]
    width: int
    height: int
    plot_right: int
    plot_bottom: int
    best_path: str
    room_path: str
    description: str


def _level_y(level: float) -> float:
    """S4 at the top, S1 at the bottom: a crisis drops to S1 and climbs back to S4."""
    return ARC_TOP + (4 - level) * ARC_ROW


def arc_chart(steps: list[StepSummary]) -> ArcChart:
    levels = [
        ArcLevel(style.value, style.label, int(_level_y(int(style.value[1])))) for style in Style
    ]
    columns = []
    for index, summary in enumerate(steps):
        x = ARC_LEFT + index * ARC_COLUMN + ARC_COLUMN // 2
        bubbles = []
        for style in Style:
            share = summary.share(summary.by_style.get(style.value, 0))
            if share:
                bubbles.append(
                    ArcBubble(
                        x=x,
                        y=int(_level_y(int(style.value[1]))),
                        r=round(ARC_BUBBLE_MAX * math.sqrt(share / 100), 1),
                        style=style.value.lower(),
                        share=share,
                    )
                )
        average = summary.average_level
        columns.append(
            ArcColumn(
                number=summary.step.number,
                x=x,
                best_y=int(_level_y(int(summary.best_style[1]))) if summary.best_style else None,
                room_y=round(_level_y(average), 1) if average is not None else None,
                bubbles=bubbles,
            )
        )
    plot_right = ARC_LEFT + max(len(steps), 1) * ARC_COLUMN
    best_path = _path([(c.x, c.best_y) for c in columns if c.best_y is not None])
    room_path = _path([(c.x, c.room_y) for c in columns if c.room_y is not None])
    parts = []
    for summary in steps:
        part = f"decision {summary.step.number}: best fit {summary.best_style}"
        if summary.answered:
            part += f", the room mostly {summary.most_chosen} ({summary.best_share}% best fit)"
        else:
            part += ", no answers"
        parts.append(part)
    return ArcChart(
        left=ARC_LEFT,
        levels=levels,
        columns=columns,
        width=plot_right + 20,
        height=int(_level_y(1)) + ARC_BOTTOM,
        plot_right=plot_right,
        plot_bottom=int(_level_y(1)) + 30,
        best_path=best_path,
        room_path=room_path,
        description="; ".join(parts) or "No decisions were played.",
    )


def _path(points: list[tuple[float, float]]) -> str:
    if len(points) < 2:
        return ""
    head, *rest = points
    return f"M{head[0]} {head[1]} " + " ".join(f"L{x} {y}" for x, y in rest)
