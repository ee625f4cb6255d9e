"""Figures for a learner and for a cohort, counted in the database.

The definitions mirror ``trainer.play.scoring`` (which scores one attempt in Python):
adaptability is the sum of points over the maximum (2 per decision), diagnosis accuracy the
share of readiness judged right, the primary style the most used, the style range the
number of styles used, and the habitual miss whichever of over- and under-directing
happened more. Here the sums come from ``aggregate``/``annotate`` over answers (one
learner) or over the cohort's day tallies (a whole cohort), never from a loop over rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone

from scenarios.leadership import MAX_POINTS, Miss, Readiness, Style
from trainer.play.models import Answer, Attempt
from trainer.play.scoring import SECONDARY_MINIMUM
from trainer.progress.models import TALLY_COUNTS, CohortDayTally

STYLE_FIELDS = {Style.S1: "s1", Style.S2: "s2", Style.S3: "s3", Style.S4: "s4"}


def answer_sums() -> dict[str, object]:
    """Aggregates over answers, named like the fields of ``CohortDayTally``."""
    return {
        "answers": Count("id"),
        "points": Coalesce(Sum("points"), 0),
        "best_fit": Count("id", filter=Q(style=F("best_style"))),
        "diagnosis_right": Count("id", filter=Q(diagnosis_off=0)),
        "diagnosis_low": Count("id", filter=Q(diagnosis__lt=F("readiness"))),
        "diagnosis_high": Count("id", filter=Q(diagnosis__gt=F("readiness"))),
        "s1": Count("id", filter=Q(style=Style.S1)),
        "s2": Count("id", filter=Q(style=Style.S2)),
        "s3": Count("id", filter=Q(style=Style.S3)),
        "s4": Count("id", filter=Q(style=Style.S4)),
        "over": Count("id", filter=Q(miss=Miss.OVER)),
        "under": Count("id", filter=Q(miss=Miss.UNDER)),
    }


def tally_sums() -> dict[str, object]:
    """The same figures summed over ``CohortDayTally`` rows."""
    return {name: Coalesce(Sum(name), 0) for name in TALLY_COUNTS}


def percent(part: int | None, whole: int | None) -> int | None:
    if not whole:
        return None
    return round(100 * (part or 0) / whole)


def adaptability(points: int | None, answers: int | None) -> int | None:
    """Points as a whole percentage of the maximum, from -100 to 100."""
    if not answers:
        return None
    return round(100 * (points or 0) / (MAX_POINTS * answers))


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

    @classmethod
    def of(cls, row: dict[str, object] | None) -> Figures:
        row = row or {}
        return cls(**{name: int(row.get(name) or 0) for name in TALLY_COUNTS})

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
        return {code: getattr(self, name) for code, name in STYLE_FIELDS.items()}

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
    def style_range(self) -> int:
        return sum(1 for count in self.style_counts.values() if count)

    @property
    def misses(self) -> int:
        return self.over + self.under

    @property
    def habitual_miss(self) -> str:
        if self.over > self.under:
            return Miss.OVER
        if self.under > self.over:
            return Miss.UNDER
        return Miss.NONE

    @property
    def habitual_miss_label(self) -> str:
        return Miss(self.habitual_miss).label

    @property
    def over_share(self) -> int | None:
        return percent(self.over, self.answers)

    @property
    def under_share(self) -> int | None:
        return percent(self.under, self.answers)

    def style_rows(self) -> list[StyleRow]:
        primary = self.primary_styles
        return [
            StyleRow(
                code,
                Style(code).label,
                count,
                percent(count, self.answers) or 0,
                code in primary,
            )
            for code, count in self.style_counts.items()
        ]


@dataclass(frozen=True)
class ReadinessRow:
    code: str
    name: str
    answers: int
    right: int
    low: int
    high: int

    @property
    def accuracy(self) -> int | None:
        return percent(self.right, self.answers)

    @property
    def wrong(self) -> int:
        return self.answers - self.right

    @property
    def wrong_share(self) -> int | None:
        return percent(self.wrong, self.answers)

    @property
    def leaning(self) -> str:
        """Which way the misjudgements went, in words."""
        if not self.wrong:
            return ""
        if self.low > self.high:
            return "judged less ready than they were"
        if self.high > self.low:
            return "judged more ready than they were"
        return "misjudged both ways"


def readiness_rows(grouped: QuerySet) -> list[ReadinessRow]:
    """R1-R4 in order, from rows grouped by readiness with answers/right/low/high sums."""
    by_code = {row["readiness"]: row for row in grouped}
    return [
        ReadinessRow(
            code=r.value,
            name=r.label,
            answers=by_code.get(r.value, {}).get("answers", 0) or 0,
            right=by_code.get(r.value, {}).get("diagnosis_right", 0) or 0,
            low=by_code.get(r.value, {}).get("diagnosis_low", 0) or 0,
            high=by_code.get(r.value, {}).get("diagnosis_high", 0) or 0,
        )
        for r in Readiness
    ]


def most_misjudged(rows: list[ReadinessRow]) -> ReadinessRow | None:
    """The readiness level judged wrong most often (as a share), if any was."""
    judged = [row for row in rows if row.answers and row.wrong]
    if not judged:
        return None
    return max(judged, key=lambda row: (row.wrong / row.answers, row.answers))


def day_bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """Aware datetimes for an inclusive range of days in the site's time zone."""
    tz = timezone.get_current_timezone()
    low = datetime.combine(start, time.min, tzinfo=tz) if start else None
    high = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz) if end else None
    return low, high


# One learner --------------------------------------------------------------------------


def learner_answers(user, *, start=None, end=None, scenario=None) -> QuerySet[Answer]:
    answers = Answer.objects.filter(attempt__user=user)
    low, high = day_bounds(start, end)
    if low:
        answers = answers.filter(answered_at__gte=low)
    if high:
        answers = answers.filter(answered_at__lt=high)
    if scenario is not None:
        answers = answers.filter(attempt__scenario=scenario)
    return answers


def learner_figures(answers: QuerySet[Answer]) -> tuple[Figures, list[ReadinessRow]]:
    """Totals and the readiness breakdown: two queries."""
    figures = Figures.of(answers.aggregate(**answer_sums()))
    by_readiness = (
        answers.values("readiness")
        .annotate(
            answers=Count("id"),
            diagnosis_right=Count("id", filter=Q(diagnosis_off=0)),
            diagnosis_low=Count("id", filter=Q(diagnosis__lt=F("readiness"))),
            diagnosis_high=Count("id", filter=Q(diagnosis__gt=F("readiness"))),
        )
        .order_by()
    )
    return figures, readiness_rows(by_readiness)


def scored_attempts(attempts: QuerySet[Attempt]) -> QuerySet[Attempt]:
    """Attempts with their decisions, points and right diagnoses counted."""
    return attempts.select_related("scenario").annotate(
        decisions=Count("answers"),
        points=Coalesce(Sum("answers__points"), 0),
        diagnosis_right=Count("answers", filter=Q(answers__diagnosis_off=0)),
    )


def adaptability_share(points: int | None, decisions: int | None) -> int | None:
    return adaptability(points, decisions)


def with_shares(attempts) -> list:
    """Give each scored attempt ``adaptability`` and ``diagnosis_accuracy`` percentages."""
    rows = list(attempts)
    for attempt in rows:
        attempt.adaptability = adaptability(attempt.points, attempt.decisions)
        attempt.diagnosis_accuracy = percent(attempt.diagnosis_right, attempt.decisions)
    return rows


def share_expression() -> ExpressionWrapper:
    """Adaptability of an attempt, -100..100, as a database expression."""
    return ExpressionWrapper(
        100.0
        * Cast(Sum("answers__points"), FloatField())
        / NullIf(MAX_POINTS * Count("answers"), 0),
        output_field=FloatField(),
    )


def last_finished(attempts: QuerySet[Attempt], limit: int) -> list:
    """The ``limit`` most recently finished attempts with answers, oldest first, scored.

    (A workshop that ends finishes its participants' attempts, answered or not.)
    """
    recent = (
        scored_attempts(attempts.filter(finished_at__isnull=False))
        .filter(decisions__gt=0)
        .order_by("-finished_at")[:limit]
    )
    return list(reversed(with_shares(recent)))


def finished_per_scenario(attempts: QuerySet[Attempt]) -> QuerySet:
    return (
        attempts.values("scenario_id")
        .annotate(
            started=Count("id"),
            finished=Count("id", filter=Q(finished_at__isnull=False)),
            last=Max("started_at"),
        )
        .order_by()
    )


# A cohort -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The dashboard's filters: a range of days and perhaps one scenario."""

    start: date | None = None
    end: date | None = None
    scenario: object | None = None

    def tallies(self, cohort) -> QuerySet:
        rows = CohortDayTally.objects.filter(cohort=cohort)
        if self.start:
            rows = rows.filter(day__gte=self.start)
        if self.end:
            rows = rows.filter(day__lte=self.end)
        if self.scenario is not None:
            rows = rows.filter(scenario=self.scenario)
        return rows

    def answers(self, answers: QuerySet[Answer]) -> QuerySet[Answer]:
        low, high = day_bounds(self.start, self.end)
        if low:
            answers = answers.filter(answered_at__gte=low)
        if high:
            answers = answers.filter(answered_at__lt=high)
        if self.scenario is not None:
            answers = answers.filter(attempt__scenario=self.scenario)
        return answers

    def attempts(self, attempts: QuerySet[Attempt]) -> QuerySet[Attempt]:
        low, high = day_bounds(self.start, self.end)
        if low:
            attempts = attempts.filter(started_at__gte=low)
        if high:
            attempts = attempts.filter(started_at__lt=high)
        if self.scenario is not None:
            attempts = attempts.filter(scenario=self.scenario)
        return attempts


def cohort_figures(tallies: QuerySet) -> Figures:
    return Figures.of(tallies.aggregate(**tally_sums()))


def cohort_readiness(tallies: QuerySet) -> list[ReadinessRow]:
    grouped = (
        tallies.values("readiness")
        .annotate(
            answers=Sum("answers"),
            diagnosis_right=Sum("diagnosis_right"),
            diagnosis_low=Sum("diagnosis_low"),
            diagnosis_high=Sum("diagnosis_high"),
        )
        .order_by()
    )
    return readiness_rows(grouped)


def hardest_points(tallies: QuerySet, limit: int = 5) -> list[dict[str, object]]:
    """Decision points with the lowest average points, worst first."""
    rows = (
        tallies.values(
            "decision_point_id",
            "decision_point__key",
            "decision_point__moment",
            "decision_point__role",
            "decision_point__readiness",
            "scenario__title",
            "scenario__slug",
        )
        .annotate(
            total=Sum("answers"),
            points_sum=Sum("points"),
            right=Sum("diagnosis_right"),
            best=Sum("best_fit"),
            average=ExpressionWrapper(
                Cast(Sum("points"), FloatField()) / Sum("answers"), output_field=FloatField()
            ),
        )
        .filter(total__gt=0)
        .order_by("average", "-total", "decision_point_id")[:limit]
    )
    return [
        {
            **row,
            "adaptability": adaptability(row["points_sum"], row["total"]),
            "accuracy": percent(row["right"], row["total"]),
            "best_share": percent(row["best"], row["total"]),
        }
        for row in rows
    ]
