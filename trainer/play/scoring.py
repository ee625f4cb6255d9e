"""Score an attempt the way Hersey and Blanchard's LEAD instrument does, on our own situations.

Plain functions over answers (anything with ``style``, ``points``, ``best_style``,
``diagnosis_off``, ``miss`` and ``late``), so an attempt, a workshop room or a learner's whole
history are scored by the same code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from scenarios.leadership import MAX_POINTS, Miss, Style

SECONDARY_MINIMUM = 2  # as in LEAD: another style used at least twice is a secondary style


class Scored(Protocol):
    style: str
    points: int
    best_style: str
    diagnosis_off: int
    miss: str
    late: bool


@dataclass(frozen=True)
class Score:
    decisions: int
    points: int
    max_points: int
    style_counts: dict[str, int]
    primary_styles: tuple[str, ...]
    secondary_styles: tuple[str, ...]
    style_range: int
    best_fit: int
    diagnosis_right: int
    diagnosis_off_by_one: int
    diagnosis_further: int
    over_directing: int
    under_directing: int
    late: int

    @property
    def share(self) -> int:
        """Adaptability as a whole percentage of the maximum, from -100 to 100."""
        if not self.max_points:
            return 0
        return round(100 * self.points / self.max_points)

    @property
    def diagnosis_share(self) -> int:
        return round(100 * self.diagnosis_right / self.decisions) if self.decisions else 0

    @property
    def misses(self) -> int:
        return self.over_directing + self.under_directing

    @property
    def habitual_miss(self) -> str:
        """Over- or under-directing, whichever happened more; empty when neither leads."""
        if self.over_directing > self.under_directing:
            return Miss.OVER
        if self.under_directing > self.over_directing:
            return Miss.UNDER
        return Miss.NONE

    def style_rows(self) -> list[tuple[str, str, int]]:
        """(code, name, count) for S1-S4, for tables and charts."""
        return [(style.value, style.label, self.style_counts[style.value]) for style in Style]


def score(answers: Iterable[Scored]) -> Score:
    answers = list(answers)
    counts = Counter(answer.style for answer in answers)
    style_counts = {style: counts.get(style, 0) for style in Style.values}
    top = max(style_counts.values(), default=0)
    primary = tuple(style for style, count in style_counts.items() if top and count == top)
    secondary = tuple(
        style
        for style, count in style_counts.items()
        if style not in primary and count >= SECONDARY_MINIMUM
    )
    return Score(
        decisions=len(answers),
        points=sum(answer.points for answer in answers),
        max_points=MAX_POINTS * len(answers),
        style_counts=style_counts,
        primary_styles=primary,
        secondary_styles=secondary,
        style_range=sum(1 for count in style_counts.values() if count),
        best_fit=sum(1 for answer in answers if answer.style == answer.best_style),
        diagnosis_right=sum(1 for answer in answers if answer.diagnosis_off == 0),
        diagnosis_off_by_one=sum(1 for answer in answers if answer.diagnosis_off == 1),
        diagnosis_further=sum(1 for answer in answers if answer.diagnosis_off >= 2),
        over_directing=sum(1 for answer in answers if answer.miss == Miss.OVER),
        under_directing=sum(1 for answer in answers if answer.miss == Miss.UNDER),
        late=sum(1 for answer in answers if answer.late),
    )


def style_names(codes: Sequence[str]) -> str:
    return ", ".join(f"{code} {Style(code).label}" for code in codes) or "none"
