"""What a facilitator guide page shows: the guide (``scenarios.guides``) laid over the
scenario's decision points as they stand in the database, with each point's best fit.

The page gives the answers away, so only facilitators see it (``trainer.play.views``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from scenarios.guides import Echo, Guide, Plan
from scenarios.models import DecisionPoint, Option, Scenario


@dataclass
class EchoRow:
    echo: Echo
    point: DecisionPoint | None  # the other scenario's point (None if it has gone)

    @property
    def url(self) -> str:
        return self.point.scenario.get_absolute_url() if self.point else ""


@dataclass
class PointRow:
    number: int
    point: DecisionPoint
    best: Option
    second: Option  # the +1: the neighbouring style the situation moves towards
    stops: list[int]  # the plans (minutes) that stop on it
    linger: bool
    echoes: list[EchoRow] = field(default_factory=list)


@dataclass
class PlanRow:
    plan: Plan
    points: list[PointRow]


@dataclass
class GuidePage:
    scenario: Scenario
    guide: Guide
    rows: list[PointRow]
    plans: list[PlanRow]
    echoes: list[EchoRow]

    @property
    def lingering(self) -> list[PointRow]:
        return [row for row in self.rows if row.linger]

    @property
    def loose_echoes(self) -> list[EchoRow]:
        """Echoes that name no point of this scenario (``here``), listed after the rest."""
        keys = {row.point.key for row in self.rows}
        return [row for row in self.echoes if row.echo.here not in keys]


def guide_page(scenario: Scenario, guide: Guide) -> GuidePage:
    """The guide and the points it names, in three queries whatever the scenario's size."""
    options = Prefetch("options", queryset=Option.objects.order_by("-points"))
    points = (
        scenario.decision_points.filter(active=True).order_by("order").prefetch_related(options)
    )
    rows: list[PointRow] = []
    by_key: dict[str, PointRow] = {}
    for number, point in enumerate(points, start=1):
        ranked = list(point.options.all())
        stops = [plan.minutes for plan in guide.plans if point.key in plan.discuss]
        row = PointRow(number, point, ranked[0], ranked[1], stops, point.key in guide.linger)
        rows.append(row)
        by_key[point.key] = row
    targets = {
        (p.scenario.slug, p.key): p
        for p in DecisionPoint.objects.select_related("scenario").filter(
            scenario__slug__in={echo.scenario for echo in guide.echoes},
            key__in={echo.point for echo in guide.echoes},
            active=True,
        )
    }
    echoes = [EchoRow(echo, targets.get((echo.scenario, echo.point))) for echo in guide.echoes]
    for echo_row in echoes:
        if echo_row.echo.here in by_key:
            by_key[echo_row.echo.here].echoes.append(echo_row)
    plans = [
        PlanRow(plan, [by_key[key] for key in plan.discuss if key in by_key])
        for plan in guide.plans
    ]
    for plan_row in plans:
        plan_row.points.sort(key=lambda row: row.number)
    return GuidePage(scenario, guide, rows, plans, echoes)
