"""Helpers for the progress, cohort and xAPI tests: playing scenarios the way play does."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from scenarios.models import Scenario
from trainer.play.models import Attempt, Mode
from trainer.progress.models import Cohort, Membership
from trainer.progress.tallies import add_member

# The small test scenario: alarm (R1) then chaos (R1) or calm (R4), depending on the style.
BEST_RUN = [("R1", "S1"), ("R4", "S4")]  # alarm -> calm, both best fit, both diagnosed right
# alarm -> chaos -> calm: under, under, then over-directing; every readiness misjudged.
POOR_RUN = [("R2", "S3"), ("R3", "S4"), ("R3", "S1")]


def play(
    user,
    scenario: Scenario,
    choices: list[tuple[str, str]],
    *,
    mode: str = Mode.REFLECTIVE,
    at: datetime | None = None,
    finish: bool = True,
) -> Attempt:
    """Answer ``choices`` (diagnosis, style) in order through the real play API."""
    at = at or timezone.now()
    attempt = Attempt.start(scenario, user=user, mode=mode)
    for index, (diagnosis, style) in enumerate(choices):
        point = attempt.current_point
        assert point is not None, "the scenario ended before the choices ran out"
        option = point.options.get(style=style)
        moment = at + timedelta(seconds=30 * index + 12)
        attempt.mark_served(now=moment - timedelta(seconds=12))
        attempt.record_answer(point=point, option=option, diagnosis=diagnosis, now=moment)
        last = index == len(choices) - 1
        if finish or not last:
            attempt.advance(point, now=moment)
        attempt.refresh_from_db()
    return attempt


def join(cohort: Cohort, user) -> Membership:
    membership = Membership.objects.create(cohort=cohort, user=user)
    add_member(cohort, user)
    return membership


def make_cohort(facilitator, name: str = "Dili duty officers") -> Cohort:
    cohort = Cohort.objects.create(name=name, created_by=facilitator)
    cohort.facilitators.add(facilitator)
    return cohort
