"""One set of answers, every summary that shows it: they all say the same.

A learner who belongs to a cohort plays a workshop tied to that cohort. Their answers then
appear in their workshop debrief and end screen, on /me/, on the cohort's dashboard, in the
workshop's summary and results, and in the cohort's xAPI export. Each of those pages reads
the figures through ``trainer.play.scoring``; this test feeds one room through all of them
and checks that points, best fits, readiness judged right and adaptability agree.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.test_play_support import answer, proceed, start, turn
from tests.test_progress_support import join, make_cohort
from trainer.play.debrief import debrief_for
from trainer.play.models import Answer, Attempt
from trainer.play.scoring import (
    COUNTED,
    LATE_GRACE_SECONDS,
    TALLIED,
    Figures,
    counted,
    figures,
)
from trainer.progress.models import CohortDayTally, CohortWorkshop
from trainer.workshops import room
from trainer.workshops.models import Status, Workshop, WorkshopRefused

pytestmark = pytest.mark.django_db

# Style and diagnosis for each decision the room reaches: a close fit read wrongly, the best
# fit read rightly, then a poor fit; whatever path the majority's branch takes.
PLAN = [("S2", "R2"), ("S4", "R4"), ("S1", "R3"), ("S3", "R3")]


def _play_the_room(workshop: Workshop, person) -> int:
    decisions = 0
    for style, diagnosis in PLAN:
        try:
            workshop.open_next()
        except WorkshopRefused:
            break  # this branch of the story ends here
        workshop.refresh_from_db()
        point = workshop.current_step.decision_point
        option = point.options.filter(style=style).first() or point.options.first()
        person.answer(point=point, option=option, diagnosis=diagnosis)
        workshop.reveal()
        workshop.refresh_from_db()
        decisions += 1
    workshop.end()
    return decisions


def _login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_every_summary_of_one_room_agrees(facilitator, trainee, small_scenario):
    cohort = make_cohort(facilitator)
    join(cohort, trainee)
    workshop = Workshop.create(scenario=small_scenario, facilitator=facilitator)
    CohortWorkshop.objects.create(cohort=cohort, workshop=workshop, linked_by=facilitator)
    person = workshop.join(display_name="Ana", user=trainee)
    decisions = _play_the_room(workshop, person)
    workshop.refresh_from_db()
    assert workshop.status == Status.ENDED and decisions >= 2

    truth = figures(Answer.objects.filter(attempt=person.attempt))
    assert truth.answers == decisions
    assert 0 < truth.best_fit < truth.answers  # a mixed run, so agreeing means something
    expected = (truth.answers, truth.points, truth.best_fit, truth.diagnosis_right)

    def key(f: Figures) -> tuple[int, int, int, int]:
        return (f.answers, f.points, f.best_fit, f.diagnosis_right)

    # The learner's own debrief of the workshop, and their end screen.
    debrief = debrief_for(person.attempt)
    assert key(debrief.score) == expected
    assert debrief.score == truth  # every count, the debrief's detail included
    learner = _login(trainee)
    screen = learner.get(workshop.room_path)
    assert key(screen.context["score"]) == expected

    # /me/ (every answer this learner gave) and the cohort's dashboard (its tallies).
    me = learner.get(reverse("progress:me"))
    assert key(me.context["figures"]) == expected
    assert me.context["figures"].adaptability == truth.adaptability
    lead = _login(facilitator)
    dashboard = lead.get(reverse("progress:cohort", args=[cohort.pk]))
    assert key(dashboard.context["figures"]) == expected
    assert dashboard.context["figures"].adaptability == truth.adaptability

    # The workshop's summary, and the facilitator's per-person results.
    summary = room.summary(workshop)
    assert summary.total_answers == truth.answers
    assert sum(step.figures.points for step in summary.steps) == truth.points
    assert summary.best_fit_share == truth.best_fit_share
    (row,) = room.participant_rows(workshop)
    assert key(row.figures) == expected

    # xAPI: each answer's success is its best fit, and the attempt's score is its points.
    exported = lead.get(reverse("progress:cohort_xapi", args=[cohort.pk]))
    statements = json.loads(b"".join(exported.streaming_content))
    answered = [s for s in statements if s["verb"]["id"].endswith("/answered")]
    (completed,) = [s for s in statements if s["verb"]["id"].endswith("/completed")]
    assert len(answered) == truth.answers
    assert sum(s["result"]["success"] for s in answered) == truth.best_fit
    assert sum(s["result"]["score"]["raw"] for s in answered) == truth.points
    assert completed["result"]["score"]["raw"] == truth.points
    assert completed["result"]["score"]["max"] == truth.max_points
    assert round(100 * completed["result"]["score"]["scaled"]) == truth.adaptability


def test_python_and_the_database_count_by_the_same_rules(trainee, small_scenario):
    """``Figures.count`` (answers in hand) and ``counted()`` (a query) read one table."""
    workshop = Workshop.create(scenario=small_scenario, facilitator=trainee)
    person = workshop.join(display_name="Ana")
    _play_the_room(workshop, person)
    answers = Answer.objects.filter(attempt=person.attempt)
    assert Figures.count(answers) == figures(answers)
    assert set(counted()) == {"answers", "points", *COUNTED}


def test_the_cohort_tallies_keep_a_column_for_each_tallied_figure():
    columns = {f.name for f in CohortDayTally._meta.get_fields()}
    assert set(TALLIED) <= columns
    assert set(TALLIED) == {"answers", "points", *COUNTED} - {
        "diagnosis_off_by_one",
        "diagnosis_further",
        "late",
    }


def test_a_late_answer_reads_the_same_everywhere(facilitator, trainee, small_scenario):
    """Golden Hour: a late answer's lowered points are the ones every summary shows."""
    cohort = make_cohort(facilitator)
    join(cohort, trainee)
    learner = _login(trainee)
    attempt = start(learner, small_scenario, mode="timed")
    turn(learner, attempt, "alarm")
    budget = attempt.current_point.time_budget
    Attempt.objects.filter(pk=attempt.pk).update(
        current_served_at=timezone.now() - timedelta(seconds=budget + LATE_GRACE_SECONDS + 5)
    )
    answer(learner, attempt, "alarm", "S1", "R1")  # the best fit, late: +1, not +2
    proceed(learner, attempt, "alarm")
    answer(learner, attempt, "calm", "S3", "R4")  # a close fit, in time: +1
    proceed(learner, attempt, "calm")
    attempt.refresh_from_db()
    assert attempt.is_finished

    truth = figures(Answer.objects.filter(attempt=attempt))
    assert (truth.answers, truth.points, truth.best_fit, truth.late) == (2, 2, 1, 1)
    expected = (truth.answers, truth.points, truth.best_fit, truth.diagnosis_right)

    def key(f: Figures) -> tuple[int, int, int, int]:
        return (f.answers, f.points, f.best_fit, f.diagnosis_right)

    debrief = learner.get(reverse("play:debrief", args=[attempt.pk]))
    assert debrief.context["d"].score == truth
    (late_row, in_time_row) = debrief.context["d"].time_rows
    assert (late_row.late, late_row.option_points, late_row.points) == (True, 2, 1)
    assert (in_time_row.late, in_time_row.points) == (False, 1)
    assert key(learner.get(reverse("progress:me")).context["figures"]) == expected
    lead = _login(facilitator)
    dashboard = lead.get(reverse("progress:cohort", args=[cohort.pk]))
    assert key(dashboard.context["figures"]) == expected
    assert dashboard.context["figures"].adaptability == truth.adaptability

    exported = lead.get(reverse("progress:cohort_xapi", args=[cohort.pk]))
    statements = json.loads(b"".join(exported.streaming_content))
    answered = [s for s in statements if s["verb"]["id"].endswith("/answered")]
    (completed,) = [s for s in statements if s["verb"]["id"].endswith("/completed")]
    assert sorted(s["result"]["score"]["raw"] for s in answered) == [1, 1]
    assert sum(s["result"]["success"] for s in answered) == truth.best_fit
    assert completed["result"]["score"]["raw"] == truth.points
