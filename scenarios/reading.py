"""How long a point takes to read in timed mode: the one home of that rule.

The situation is read before the clock starts, so the clock covers the four options and the
choice: second-language reading at 120 words a minute (two words a second), plus 20 seconds to
decide. ``time_budget`` may not be shorter; an omitted one defaults to the load rounded up to
the next 5 seconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

WORDS_PER_SECOND = 2.0
DECIDING_SECONDS = 20
BUDGET_STEP = 5


def _option_texts(point: Any) -> Iterable[str]:
    options = point.options
    if hasattr(options, "all"):  # a DecisionPoint's related manager (prefetched or not)
        options = options.all()
    return (option.text for option in options)


def words(text: str) -> int:
    return len(text.split())


def reading_load(point: Any) -> int:
    """Seconds needed for the four options of a point (a spec or a DecisionPoint)."""
    return load_of(_option_texts(point))


def load_of(option_texts: Iterable[str]) -> int:
    """The reading load of options given as their texts (an admin form's, say)."""
    count = sum(words(text) for text in option_texts)
    return math.ceil(count / WORDS_PER_SECOND) + DECIDING_SECONDS


def default_budget(point: Any) -> int:
    """The budget a point gets when its file names none: the load, up to the next 5 s."""
    return math.ceil(reading_load(point) / BUDGET_STEP) * BUDGET_STEP
