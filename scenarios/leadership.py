"""The Hersey-Blanchard situational leadership model, as this app uses it.

Plain functions and enums with no database access, so every other part of the app
(content validation, scoring, charts) asks the same questions of one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

from django.db import models


class Style(models.TextChoices):
    """Leader behaviour. S1 is the most directive, S4 the least."""

    S1 = "S1", "Directing"
    S2 = "S2", "Coaching"
    S3 = "S3", "Supporting"
    S4 = "S4", "Delegating"


class Readiness(models.TextChoices):
    """Hersey's follower readiness, for one task."""

    R1 = "R1", "Unable, and unwilling or insecure"
    R2 = "R2", "Unable, but willing or confident"
    R3 = "R3", "Able, but unwilling or insecure"
    R4 = "R4", "Able and willing"


class Miss(models.TextChoices):
    """Which way a style missed the best fit."""

    NONE = "", "On target"
    OVER = "over", "Over-directing"
    UNDER = "under", "Under-directing"


# Task and relationship behaviour of each style, as the model draws its quadrants.
BEHAVIOUR: dict[str, tuple[str, str]] = {
    Style.S1: ("high", "low"),
    Style.S2: ("high", "high"),
    Style.S3: ("low", "high"),
    Style.S4: ("low", "low"),
}

READINESS_PLAIN: dict[str, str] = {
    Readiness.R1: "Not yet able to do this task, and unwilling or insecure about it.",
    Readiness.R2: "Not yet able to do this task, but willing and keen to try.",
    Readiness.R3: "Able to do this task, but hesitant, wary or unsure.",
    Readiness.R4: "Able to do this task, and willing and confident to do it.",
}

STYLE_PLAIN: dict[str, str] = {
    Style.S1: "Tell people what to do, how and when, and follow it closely.",
    Style.S2: "Decide and direct, but explain why, listen and encourage.",
    Style.S3: "Share the decision, listen and back people up; they lead the task.",
    Style.S4: "Hand over the task and the decision; stay informed.",
}

# LEAD's points: each decision gives these to its four options, once each.
POINTS = (2, 1, -1, -2)
MAX_POINTS = 2


class Choice(Protocol):
    style: str
    points: int


_Option = TypeVar("_Option", bound=Choice)


def best_option(options: Iterable[_Option]) -> _Option:
    """The best fit among a decision's options: the one LEAD gives the most points."""
    return max(options, key=lambda option: option.points)


def is_best_fit(points: int) -> bool:
    return points == MAX_POINTS


def level(code: str) -> int:
    """1 to 4 for S1-S4 or R1-R4."""
    if len(code) != 2 or code[0] not in "SR" or code[1] not in "1234":
        raise ValueError(f"not a style or readiness level: {code!r}")
    return int(code[1])


def best_style(readiness: str) -> Style:
    """The matching rule: R1 to S1, R2 to S2, R3 to S3, R4 to S4."""
    return Style(f"S{level(readiness)}")


def miss_direction(chosen: str, best: str) -> Miss:
    """Over-directing when the chosen style is more directive than the best fit."""
    difference = level(chosen) - level(best)
    if difference < 0:
        return Miss.OVER
    if difference > 0:
        return Miss.UNDER
    return Miss.NONE


def style_label(code: str) -> str:
    return f"{code} {Style(code).label}"
