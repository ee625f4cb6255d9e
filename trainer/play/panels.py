"""The Start / Resume panel on a scenario's overview page."""

from __future__ import annotations

from django.db.models import Count, Max, Min, Q, Sum
from django.http import HttpRequest

from scenarios.models import Scenario
from trainer.play.forms import StartForm
from trainer.play.guests import attempts_of
from trainer.play.scoring import adaptability

FINISHED_SHOWN = 3


def start_panel(request: HttpRequest, scenario: Scenario, form: StartForm | None = None) -> dict:
    """Context for ``play/_start.html``: the trainee's attempts here, and the start form.

    Three queries whatever the trainee's history: their latest attempts at this scenario
    (with each one's points), and the range of time budgets for Golden Hour mode.
    """
    attempts = list(
        attempts_of(request)
        .self_paced()
        .filter(scenario=scenario)
        .select_related("current_point")
        .annotate(total_points=Sum("answers__points"), answer_count=Count("answers"))
        .order_by("-started_at")[:10]
    )
    resume = next((attempt for attempt in attempts if not attempt.is_finished), None)
    finished = [attempt for attempt in attempts if attempt.is_finished][:FINISHED_SHOWN]
    for attempt in finished:
        attempt.share = adaptability(attempt.total_points, attempt.answer_count) or 0
    budgets = scenario.decision_points.aggregate(
        shortest=Min("time_budget", filter=Q(active=True)),
        longest=Max("time_budget", filter=Q(active=True)),
    )
    return {
        "start_form": form or StartForm(),
        "resume": resume,
        "finished_attempts": finished,
        "budget_shortest": budgets["shortest"],
        "budget_longest": budgets["longest"],
    }
