"""generate_demo_data: realistic learners, attempts and answers in a cohort, quickly."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from scenarios import story
from trainer.play.models import Answer, Attempt
from trainer.play.scoring import TALLIED, Figures, counted
from trainer.progress import tallies
from trainer.progress.models import Cohort, CohortDayTally
from trainer.progress.stats import tally_sums

pytestmark = pytest.mark.django_db


def test_demo_data_follows_the_scenarios_and_fills_a_cohort(bundled_scenarios, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command(
        "generate_demo_data", "--learners", "12", "--answers", "30", "--seed", "7", stdout=out
    )
    cohort = Cohort.objects.get(name="Demo cohort")
    assert cohort.memberships.count() == 12
    assert cohort.facilitators.filter(username="facilitator").exists()
    assert Answer.objects.count() == 12 * 30
    # Every answer is on its attempt's scenario, once per point, numbered in order.
    assert not Answer.objects.exclude(decision_point__scenario=F("attempt__scenario")).exists()
    for attempt in Attempt.objects.prefetch_related("answers")[:20]:
        sequences = [a.sequence for a in attempt.answers.all()]
        assert sequences == list(range(1, len(sequences) + 1))
        assert attempt.finished_at is not None or attempt.current_point_id is not None
    # The cohort's tallies agree with a count from the answers.
    live = Figures.of(tallies.cohort_answers(cohort).aggregate(**counted(names=TALLIED)))
    assert (
        Figures.of(CohortDayTally.objects.filter(cohort=cohort).aggregate(**tally_sums())) == live
    )
    assert "12 learners" in out.getvalue()


def test_demo_data_is_refused_when_debug_is_off(bundled_scenarios, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("generate_demo_data", "--learners", "1")


def test_demo_data_needs_scenarios(db, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="load_scenarios"):
        call_command("generate_demo_data", "--learners", "1", "--answers", "3")


def test_demo_attempts_take_the_paths_play_would(bundled_scenarios, settings):
    """Each demo attempt goes where the runtime would send it: through the routes its
    conditions open (scenarios.story), and it ends with the conditions its answers set."""
    settings.DEBUG = True
    call_command(
        "generate_demo_data",
        "--learners",
        "20",
        "--answers",
        "60",
        "--seed",
        "3",
        stdout=StringIO(),
    )
    routed = 0
    for attempt in Attempt.objects.prefetch_related("answers__option__next_point"):
        answers = sorted(attempt.answers.all(), key=lambda a: a.sequence)
        conditions: list[str] = []
        for answer, following in zip(answers, [*answers[1:], None], strict=True):
            expected = story.following(answer.decision_point, answer.option, conditions)
            conditions = story.applied(conditions, answer.option.sets)
            if following is not None:
                assert expected is not None and expected.pk == following.decision_point_id
                routed += expected.pk != answer.option.next_point_id
        assert attempt.conditions == conditions
    assert routed, "some demo attempt was sent along a route"
