"""Figures for a learner and for a cohort, counted in the database.

What is counted, and what the counts mean, is ``trainer.play.scoring``'s; this module
chooses which answers: one learner's (``aggregate``/``annotate`` over answers) or a whole
cohort's (sums over its day tallies), never a loop over rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, ExpressionWrapper, FloatField, Max, Q, QuerySet, Sum
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from scenarios.leadership import Readiness
from trainer.play.models import Answer, Attempt
from trainer.play.scoring import TALLIED, Figures, adaptability, counted, figures, percent
from trainer.progress.models import CohortDayTally

READINESS_COUNTS = ("answers", "diagnosis_right", "diagnosis_low", "diagnosis_high")


def tally_sums() -> dict[str, object]:
    """The figures summed over ``CohortDayTally`` rows (a column for each)."""
    return {name: Coalesce(Sum(name), 0) for name in TALLIED}


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


def learner_figures(answers: QuerySet[Answer]) -> tuple[Figures, list[ReadinessRow]]:
    """Totals and the readiness breakdown: two queries."""
    by_readiness = answers.values("readiness").annotate(**counted(names=READINESS_COUNTS))
    return figures(answers), readiness_rows(by_readiness.order_by())


def scored_attempts(attempts: QuerySet[Attempt]) -> QuerySet[Attempt]:
    """Attempts with their decisions, points and right diagnoses counted."""
    return attempts.select_related("scenario").annotate(
        decisions=Count("answers"), **counted("answers__", ("points", "diagnosis_right"))
    )


def with_shares(attempts) -> list:
    """Give each scored attempt ``adaptability`` and ``diagnosis_accuracy`` percentages."""
    rows = list(attempts)
    for attempt in rows:
        attempt.adaptability = adaptability(attempt.points, attempt.decisions)
        attempt.diagnosis_accuracy = percent(attempt.diagnosis_right, attempt.decisions)
    return rows


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
    """A cohort's figures from its day tallies (the same as counting its answers)."""
    return Figures.of(tallies.aggregate(**tally_sums()))


def cohort_readiness(tallies: QuerySet) -> list[ReadinessRow]:
    grouped = tallies.values("readiness").annotate(**{name: Sum(name) for name in READINESS_COUNTS})
    return readiness_rows(grouped.order_by())


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
