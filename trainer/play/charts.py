"""Geometry for the charts the debrief draws on the server as SVG.

Only numbers and labels are computed here; the SVG itself is written in the template, and
every chart there has a table beside it as its text alternative.
"""

from __future__ import annotations

from dataclasses import dataclass

from scenarios.leadership import Style, level

# The crisis arc reads as a drop and a climb: delegating (normal work) at the top,
# directing (the acute crisis) at the bottom.
ROWS = [Style.S4, Style.S3, Style.S2, Style.S1]


@dataclass(frozen=True)
class ArcPoint:
    number: int
    moment: str
    x: float
    chosen_y: float
    best_y: float
    chosen: str
    best: str
    points: int

    @property
    def on_target(self) -> bool:
        return self.chosen == self.best

    @property
    def diamond(self) -> str:
        """The best-fit marker: a small diamond around (x, best_y)."""
        x, y, r = self.x, self.best_y, 7
        return f"{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} {x - r:.1f},{y:.1f}"


@dataclass(frozen=True)
class StyleArc:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    rows: list[tuple[str, str, float]]  # (code, name, y)
    points: list[ArcPoint]

    @property
    def chosen_path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.chosen_y:.1f}" for p in self.points)

    @property
    def best_path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.best_y:.1f}" for p in self.points)

    @property
    def on_target(self) -> int:
        return sum(1 for p in self.points if p.on_target)

    @property
    def axis_y(self) -> int:
        return self.height - self.bottom

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def label_x(self) -> int:
        return self.left - 12

    @property
    def caption_x(self) -> float:
        return (self.left + self.width - self.right) / 2


def style_arc(rows: list[tuple[str, str, str, int]]) -> StyleArc:
    """Lay out (moment, chosen style, best style, points) per decision, in play order."""
    # Compact, so the labels stay legible when a phone scales the chart down.
    width, height = 480, 270
    left, right, top, bottom = 138, 16, 20, 54
    plot_w = width - left - right
    plot_h = height - top - bottom - 20  # the lowest row sits clear of the axis
    step_y = plot_h / (len(ROWS) - 1)
    y_of = {style.value: top + index * step_y for index, style in enumerate(ROWS)}
    count = len(rows)
    points = []
    for index, (moment, chosen, best, earned) in enumerate(rows):
        x = left + plot_w / 2 if count == 1 else left + index * plot_w / (count - 1)
        points.append(
            ArcPoint(
                number=index + 1,
                moment=moment,
                x=x,
                chosen_y=y_of[chosen],
                best_y=y_of[best],
                chosen=chosen,
                best=best,
                points=earned,
            )
        )
    return StyleArc(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        rows=[(style.value, style.label, y_of[style.value]) for style in ROWS],
        points=points,
    )


def direction_word(chosen: str, best: str) -> str:
    """For the table: how the chosen style sat against the best fit."""
    difference = level(chosen) - level(best)
    if difference == 0:
        return "on target"
    steps = abs(difference)
    amount = "one step" if steps == 1 else f"{steps} steps"
    return f"{amount} more directive" if difference < 0 else f"{amount} less directive"
