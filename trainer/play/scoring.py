"""How an answer is scored, and what a set of answers says: the one home of every figure.

Scoring follows Hersey and Blanchard's LEAD instrument on our own situations. When an
answer is written, ``snapshot`` decides its points, best fit, miss and lateness (in Golden
Hour mode a late answer earns a point less than its option), and the answer keeps them (so
an edited scenario never rewrites past results). Every summary (a
debrief, a workshop participant's end screen, a room's decision, /me/, a cohort member, a
whole cohort, xAPI) is a ``Figures``: counts of those snapshots, and the readings the
model takes from them (adaptability, primary and secondary styles, range, habitual miss).

What is counted is written once, in ``COUNTED``, as data: the database counts it with
``counted()`` (for querysets and the cohort tallies) and Python with ``Figures.count()``
(for answers already in hand), and both read the same table.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from django.db.models import Count, ExpressionWrapper, F, FloatField, Q, Sum
from django.db.models.functions import Cast, Coalesce, NullIf

from scenarios.leadership import (
    MAX_POINTS,
    Choice,
    Miss,
    Style,
    level,
    miss_direction,
)

SECONDARY_MINIMUM = 2  # as in LEAD: another style used at least twice is a secondary style

# In Golden Hour mode an answer is late once it arrives this long after the budget ran out.
# The clock runs on the server from the moment the trainee turned to the choices (the
# situation is read before it starts); the grace covers the time the page and the answer
# spend on the network, so a slow connection does not turn an answer given in time into a
# late one.
LATE_GRACE_SECONDS = 2
# What a late answer costs: this many points less than its option earns, never below the
# lowest score an option can have.
LATE_PENALTY = 1
LOWEST_POINTS = -MAX_POINTS


@dataclass(frozen=True)
class LateRule:
    """The Golden Hour rule in figures, for the pages that tell the trainee about it."""

    penalty: int = LATE_PENALTY
    floor: int = LOWEST_POINTS
    grace_seconds: int = LATE_GRACE_SECONDS

    @property
    def penalty_words(self) -> str:
        """ "one point", "two points"."""
        number = {1: "one", 2: "two", 3: "three"}.get(self.penalty, str(self.penalty))
        return f"{number} point{'s' if self.penalty != 1 else ''}"


LATE_RULE = LateRule()


def is_late(*, response_ms: int, time_budget: int, timed: bool) -> bool:
    return timed and response_ms > (time_budget + LATE_GRACE_SECONDS) * 1000


def late_penalty(option_points: int, late: bool) -> int:
    """The points a late answer loses: ``LATE_PENALTY``, but never below ``LOWEST_POINTS``."""
    if not late:
        return 0
    return min(LATE_PENALTY, option_points - LOWEST_POINTS)


def best_fit(style: str, best_style: str) -> bool:
    """Was the best-fit option chosen? A decision has one option per style, so the style
    says it; the points do not, since a late best fit earns less than the maximum."""
    return style == best_style


def snapshot(
    *,
    readiness: str,
    time_budget: int,
    option: Choice,
    best_style: str,
    diagnosis: str,
    response_ms: int,
    timed: bool,
) -> dict[str, object]:
    """The scored fields of a new answer (``Answer``'s snapshot), decided once here."""
    late = is_late(response_ms=response_ms, time_budget=time_budget, timed=timed)
    penalty = late_penalty(option.points, late)
    return {
        "style": option.style,
        "points": option.points - penalty,
        "late_penalty": penalty,
        "best_style": best_style,
        "diagnosis": diagnosis,
        "readiness": readiness,
        "diagnosis_off": abs(level(diagnosis) - level(readiness)),
        "miss": miss_direction(option.style, best_style),
        "response_ms": response_ms,
        "time_budget": time_budget,
        "late": late,
    }


# What is counted: name -> (field, lookup, value); ``None`` counts every answer, and a value
# given as ``Field("x")`` compares with the answer's own field ``x``.
@dataclass(frozen=True)
class Field:
    name: str


_OPERATORS = {"exact": operator.eq, "lt": operator.lt, "gt": operator.gt, "gte": operator.ge}

COUNTED: dict[str, tuple[str, str, object] | None] = {
    "answers": None,
    "best_fit": ("style", "exact", Field("best_style")),  # see ``best_fit()``
    "diagnosis_right": ("diagnosis_off", "exact", 0),
    "diagnosis_low": ("diagnosis", "lt", Field("readiness")),
    "diagnosis_high": ("diagnosis", "gt", Field("readiness")),
    "s1": ("style", "exact", Style.S1),
    "s2": ("style", "exact", Style.S2),
    "s3": ("style", "exact", Style.S3),
    "s4": ("style", "exact", Style.S4),
    "over": ("miss", "exact", Miss.OVER),
    "under": ("miss", "exact", Miss.UNDER),
    # Only one attempt's summary reads these (its debrief); the cohort tallies keep none.
    "diagnosis_off_by_one": ("diagnosis_off", "exact", 1),
    "diagnosis_further": ("diagnosis_off", "gte", 2),
    "late": ("late", "exact", True),
}
SUMMED = ("points",)
FIGURES = (*COUNTED, *SUMMED)  # every name a ``Figures`` holds
DETAIL = ("diagnosis_off_by_one", "diagnosis_further", "late")
# The figures a cohort's day tallies keep (``CohortDayTally`` has a column for each).
TALLIED = ("answers", "points", *(name for name in COUNTED if name not in (*DETAIL, "answers")))
STYLE_NAMES = {Style.S1: "s1", Style.S2: "s2", Style.S3: "s3", Style.S4: "s4"}


def counted(prefix: str = "", names: Sequence[str] | None = None) -> dict[str, object]:
    """The figures as database aggregates over answers reached through ``prefix``
    (``""`` for a queryset of answers, ``"answers__"`` from attempts, and so on)."""
    wanted = names or FIGURES
    found: dict[str, object] = {}
    # The sums last: an aggregate named like a field ("points") would stand for that field
    # in the filters that follow it.
    for name in sorted(wanted, key=lambda name: name in SUMMED):
        if name in SUMMED:
            found[name] = Coalesce(Sum(f"{prefix}{name}"), 0)
            continue
        rule = COUNTED[name]
        if rule is None:
            found[name] = Count(f"{prefix}id")
            continue
        field, lookup, value = rule
        if isinstance(value, Field):
            value = F(f"{prefix}{value.name}")
        found[name] = Count(f"{prefix}id", filter=Q(**{f"{prefix}{field}__{lookup}": value}))
    return found


def _counts(answer: object, rule: tuple[str, str, object] | None) -> bool:
    if rule is None:
        return True
    field, lookup, value = rule
    if isinstance(value, Field):
        value = getattr(answer, value.name)
    return _OPERATORS[lookup](getattr(answer, field), value)


def percent(part: int | None, whole: int | None) -> int | None:
    if not whole:
        return None
    return round(100 * (part or 0) / whole)


def scaled(points: int | None, answers: int | None) -> float:
    """Points over the maximum, from -1 to 1 (0 with no answers)."""
    return (points or 0) / (MAX_POINTS * answers) if answers else 0.0


def adaptability(points: int | None, answers: int | None) -> int | None:
    """Points as a whole percentage of the maximum, from -100 to 100 (None: no answers)."""
    return round(100 * scaled(points, answers)) if answers else None


def adaptability_expression(prefix: str = "answers__") -> ExpressionWrapper:
    """``adaptability`` as a database expression (unrounded), over answers reached through
    ``prefix``, for ordering and subqueries."""
    return ExpressionWrapper(
        100.0
        * Cast(Sum(f"{prefix}points"), FloatField())
        / NullIf(MAX_POINTS * Count(f"{prefix}id"), 0),
        output_field=FloatField(),
    )


@dataclass(frozen=True)
class StyleRow:
    code: str
    name: str
    count: int
    share: int
    primary: bool


@dataclass(frozen=True)
class Figures:
    """What a set of answers says about the leader(s) who gave them."""

    answers: int = 0
    points: int = 0
    best_fit: int = 0
    diagnosis_right: int = 0
    diagnosis_low: int = 0
    diagnosis_high: int = 0
    s1: int = 0
    s2: int = 0
    s3: int = 0
    s4: int = 0
    over: int = 0
    under: int = 0
    diagnosis_off_by_one: int = 0
    diagnosis_further: int = 0
    late: int = 0

    @classmethod
    def of(cls, row: object = None, prefix: str = "") -> Figures:
        """From a row of ``counted()`` figures: a dict, or an object annotated with them
        (each name after ``prefix``); a name that is missing counts 0."""
        row = row or {}
        values = row if isinstance(row, dict) else vars(row)
        return cls(**{f.name: int(values.get(prefix + f.name) or 0) for f in fields(cls)})

    @classmethod
    def count(cls, answers: Iterable[object]) -> Figures:
        """The same figures counted in Python, for answers already loaded."""
        totals = dict.fromkeys(FIGURES, 0)
        for answer in answers:
            for name in SUMMED:
                totals[name] += getattr(answer, name)
            for name, rule in COUNTED.items():
                totals[name] += _counts(answer, rule)
        return cls(**totals)

    @property
    def max_points(self) -> int:
        return MAX_POINTS * self.answers

    @property
    def adaptability(self) -> int | None:
        return adaptability(self.points, self.answers)

    @property
    def diagnosis_accuracy(self) -> int | None:
        return percent(self.diagnosis_right, self.answers)

    @property
    def best_fit_share(self) -> int | None:
        return percent(self.best_fit, self.answers)

    @property
    def style_counts(self) -> dict[str, int]:
        return {code: getattr(self, name) for code, name in STYLE_NAMES.items()}

    @property
    def primary_styles(self) -> tuple[str, ...]:
        counts = self.style_counts
        top = max(counts.values())
        return tuple(code for code, count in counts.items() if top and count == top)

    @property
    def secondary_styles(self) -> tuple[str, ...]:
        primary = self.primary_styles
        return tuple(
            code
            for code, count in self.style_counts.items()
            if code not in primary and count >= SECONDARY_MINIMUM
        )

    @property
    def primary_names(self) -> str:
        return style_names(self.primary_styles)

    @property
    def style_range(self) -> int:
        return sum(1 for count in self.style_counts.values() if count)

    @property
    def misses(self) -> int:
        return self.over + self.under

    @property
    def habitual_miss(self) -> str:
        """Over- or under-directing, whichever happened more; empty when neither leads."""
        if self.over > self.under:
            return Miss.OVER
        if self.under > self.over:
            return Miss.UNDER
        return Miss.NONE

    def style_rows(self) -> list[StyleRow]:
        """S1-S4 in order, with counts and shares, for tables and charts."""
        primary = self.primary_styles
        return [
            StyleRow(
                code, Style(code).label, count, percent(count, self.answers) or 0, code in primary
            )
            for code, count in self.style_counts.items()
        ]


def figures(answers) -> Figures:
    """The figures of a queryset of answers, counted in one query."""
    return Figures.of(answers.aggregate(**counted()))


def style_names(codes: Sequence[str]) -> str:
    return " and ".join(f"{code} {Style(code).label}" for code in codes) or "none"
