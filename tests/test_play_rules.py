"""The rules of play on the models: recording an answer, moving on, the clock, guests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from scenarios.leadership import Miss
from tests.test_play_support import option, point
from trainer.charts import direction_word, style_arc
from trainer.play.feedback import duration, feedback_for
from trainer.play.guests import SESSION_KEY, claim_guest_attempts
from trainer.play.models import Answer, AnswerRefused, Attempt, Mode
from trainer.play.scoring import LATE_GRACE_SECONDS

pytestmark = pytest.mark.django_db


def _attempt(scenario, mode=Mode.REFLECTIVE, **kwargs) -> Attempt:
    return Attempt.start(scenario, guest_token=kwargs.pop("guest_token", "tok"), mode=mode)


def _record(attempt, key, style, diagnosis="R1", **kwargs):
    scenario = attempt.scenario
    return attempt.record_answer(
        point=point(scenario, key),
        option=option(scenario, key, style),
        diagnosis=diagnosis,
        **kwargs,
    )


def test_an_answer_keeps_a_snapshot_of_how_it_scored(small_scenario):
    attempt = _attempt(small_scenario, Mode.TIMED)
    attempt.mark_served(now=timezone.now() - timedelta(seconds=12))
    answer, created = _record(attempt, "alarm", "S3", "R3", confidence=2, reason="  why not  ")
    assert created
    assert (answer.style, answer.points, answer.best_style) == ("S3", -1, "S1")
    assert (answer.diagnosis, answer.readiness, answer.diagnosis_off) == ("R3", "R1", 2)
    assert answer.miss == Miss.UNDER and not answer.diagnosis_right and not answer.best_fit
    assert (answer.confidence, answer.reason, answer.sequence) == (2, "why not", 1)
    assert 12_000 <= answer.response_ms < 15_000 and answer.time_budget == 60
    assert not answer.late


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"diagnosis": "R7"}, "diagnosis"),
        ({"diagnosis": ""}, "diagnosis"),
        ({"confidence": 0}, "confidence"),
        ({"confidence": 6}, "confidence"),
        ({"reason": "x" * 281}, "reason"),
    ],
)
def test_record_answer_refuses_bad_values(small_scenario, kwargs, code):
    attempt = _attempt(small_scenario)
    values = {"diagnosis": "R1", **kwargs}
    with pytest.raises(AnswerRefused) as refused:
        attempt.record_answer(
            point=point(small_scenario, "alarm"),
            option=option(small_scenario, "alarm", "S1"),
            **values,
        )
    assert refused.value.code == code and refused.value.message
    assert not Answer.objects.exists()


def test_record_answer_refuses_an_option_of_another_point(small_scenario):
    attempt = _attempt(small_scenario)
    with pytest.raises(AnswerRefused) as refused:
        attempt.record_answer(
            point=point(small_scenario, "alarm"),
            option=option(small_scenario, "calm", "S1"),
            diagnosis="R1",
        )
    assert refused.value.code == "option" and not Answer.objects.exists()


def test_record_answer_refuses_a_point_off_the_path(small_scenario):
    attempt = _attempt(small_scenario)
    with pytest.raises(AnswerRefused) as refused:
        _record(attempt, "calm", "S4", "R4")
    assert refused.value.code == "path" and not Answer.objects.exists()


def test_record_answer_refuses_a_finished_attempt(small_scenario):
    attempt = _attempt(small_scenario)
    _record(attempt, "alarm", "S1")
    attempt.advance(point(small_scenario, "alarm"))
    _record(attempt, "calm", "S4", "R4")
    attempt.advance(point(small_scenario, "calm"))
    assert attempt.is_finished
    with pytest.raises(AnswerRefused) as refused:
        _record(attempt, "chaos", "S1")
    assert refused.value.code == "finished" and Answer.objects.count() == 2
    # The decision it did answer still shows its first answer.
    first, created = _record(attempt, "calm", "S1", "R1")
    assert not created and first.style == "S4"


def test_a_second_answer_returns_the_first(small_scenario):
    attempt = _attempt(small_scenario)
    first, _ = _record(attempt, "alarm", "S1", "R1")
    again, created = _record(attempt, "alarm", "S4", "R4")
    assert not created and again.pk == first.pk and again.style == "S1"
    assert Answer.objects.count() == 1


def test_a_racing_second_answer_returns_the_first(small_scenario):
    """Two requests loaded the attempt at the same decision; the slower one gets the first."""
    slow = _attempt(small_scenario)
    fast = Attempt.objects.get(pk=slow.pk)
    first, _ = _record(fast, "alarm", "S1", "R1")
    fast.advance(point(small_scenario, "alarm"))
    again, created = _record(slow, "alarm", "S3", "R3")  # slow still believes it is at alarm
    assert not created and again.pk == first.pk
    assert Answer.objects.count() == 1


def test_a_refused_duplicate_leaves_a_callers_transaction_usable(small_scenario):
    attempt = _attempt(small_scenario)
    _record(attempt, "alarm", "S1")
    stale = Attempt.objects.get(pk=attempt.pk)
    with transaction.atomic():
        _first, created = _record(stale, "alarm", "S2")
        assert not created
        assert Answer.objects.count() == 1  # the transaction still answers queries


def test_lateness_is_decided_on_the_server_with_a_small_grace(small_scenario):
    now = timezone.now()
    budget = point(small_scenario, "alarm").time_budget

    def late_after(seconds: float, mode=Mode.TIMED) -> bool:
        attempt = _attempt(small_scenario, mode)
        attempt.mark_served(now=now - timedelta(seconds=seconds))
        answer, _ = _record(attempt, "alarm", "S1", now=now)
        return answer.late

    assert not late_after(budget - 1)
    assert not late_after(budget + LATE_GRACE_SECONDS - 0.5)
    assert late_after(budget + LATE_GRACE_SECONDS + 1)
    assert not late_after(budget * 10, mode=Mode.REFLECTIVE)


def test_an_answer_to_a_decision_never_served_counts_from_now(small_scenario):
    attempt = _attempt(small_scenario, Mode.REFLECTIVE)
    answer, _ = _record(attempt, "alarm", "S1")
    assert answer.response_ms < 1000 and not answer.late


def test_a_timed_answer_before_the_choices_were_shown_is_refused(small_scenario):
    """Its clock never started: answering now would dodge it."""
    attempt = _attempt(small_scenario, Mode.TIMED)
    with pytest.raises(AnswerRefused) as refused:
        _record(attempt, "alarm", "S1")
    assert refused.value.code == "clock" and not Answer.objects.exists()
    attempt.mark_served()
    answer, created = _record(attempt, "alarm", "S1")
    assert created and not answer.late


def test_mark_served_starts_the_clock_only_once(small_scenario):
    attempt = _attempt(small_scenario, Mode.TIMED)
    earlier = timezone.now() - timedelta(seconds=30)
    attempt.mark_served(now=earlier)
    other = Attempt.objects.get(pk=attempt.pk)
    other.mark_served()
    assert other.current_served_at == earlier
    assert 28 <= attempt.seconds_left(now=earlier + timedelta(seconds=31)) <= 29
    assert attempt.deadline() == earlier + timedelta(seconds=60)


def test_the_clock_is_only_for_timed_attempts(small_scenario):
    attempt = _attempt(small_scenario)
    attempt.mark_served()
    assert attempt.deadline() is None and attempt.seconds_left() is None


def test_advance_follows_the_branch_and_counts_decisions(small_scenario):
    attempt = _attempt(small_scenario)
    alarm = point(small_scenario, "alarm")
    assert not attempt.advance(alarm)  # not answered yet
    _record(attempt, "alarm", "S4")  # delegating leads to chaos
    attempt.mark_served()
    assert attempt.advance(alarm)
    assert attempt.current_point.key == "chaos" and attempt.current_served_at is None
    assert attempt.points_done == 1 and attempt.decision_number == 2
    assert not attempt.advance(alarm)  # a second Continue from the same decision
    attempt.refresh_from_db()
    assert attempt.current_point.key == "chaos" and attempt.points_done == 1
    answer, _ = _record(attempt, "chaos", "S1")
    assert answer.sequence == 2


def test_advance_finishes_at_an_ending(small_scenario):
    attempt = _attempt(small_scenario)
    _record(attempt, "alarm", "S1")
    attempt.advance(point(small_scenario, "alarm"))
    _record(attempt, "calm", "S4", "R4")
    assert attempt.advance(point(small_scenario, "calm"))
    assert attempt.is_finished and attempt.current_point is None and attempt.points_done == 2
    assert attempt.get_absolute_url().endswith("/debrief/")


def test_advance_to_a_point_removed_from_the_content_finishes(small_scenario):
    attempt = _attempt(small_scenario)
    calm = point(small_scenario, "calm")
    calm.active = False
    calm.save()
    _record(attempt, "alarm", "S1")
    attempt.advance(point(small_scenario, "alarm"))
    assert attempt.is_finished


def test_check_answerable(small_scenario):
    attempt = _attempt(small_scenario)
    alarm, calm = point(small_scenario, "alarm"), point(small_scenario, "calm")
    assert attempt.check_answerable(alarm) is None
    with pytest.raises(AnswerRefused):
        attempt.check_answerable(calm)
    with pytest.raises(AnswerRefused):
        attempt.check_answerable(None)
    first, _ = _record(attempt, "alarm", "S1")
    attempt.advance(alarm)
    assert attempt.check_answerable(alarm) == first
    assert attempt.check_answerable(calm) is None


def test_a_point_of_another_scenario_is_never_answerable(small_scenario, tmp_path):
    from tests.test_play_support import write_long_scenario

    other = write_long_scenario(tmp_path, 2)
    attempt = _attempt(small_scenario)
    with pytest.raises(AnswerRefused):
        attempt.check_answerable(other.first_point())


def test_owned_by_and_self_paced(small_scenario, trainee, other_trainee):
    mine = Attempt.start(small_scenario, user=trainee, mode=Mode.REFLECTIVE)
    guest = Attempt.start(small_scenario, guest_token="g1", mode=Mode.TIMED)
    workshop = Attempt.start(small_scenario, guest_token="g1", mode=Mode.WORKSHOP)
    assert list(Attempt.objects.owned_by(trainee, "g1")) == [mine]
    assert list(Attempt.objects.owned_by(other_trainee, "g1")) == []
    assert set(Attempt.objects.owned_by(None, "g1")) == {guest, workshop}
    assert list(Attempt.objects.owned_by(None, "g1").self_paced()) == [guest]
    assert list(Attempt.objects.owned_by(None, "")) == []


def test_claiming_moves_the_session_guests_attempts(small_scenario, trainee):
    guest = Attempt.start(small_scenario, guest_token="mine", mode=Mode.REFLECTIVE)
    stranger = Attempt.start(small_scenario, guest_token="theirs", mode=Mode.REFLECTIVE)
    request = RequestFactory().get("/")
    request.session = {SESSION_KEY: "mine"}
    assert claim_guest_attempts(request, trainee) == 1
    guest.refresh_from_db()
    stranger.refresh_from_db()
    assert guest.user == trainee and guest.guest_token == ""
    assert stranger.user is None
    assert SESSION_KEY not in request.session
    assert claim_guest_attempts(request, trainee) == 0


# --- The words of the feedback, and the chart's geometry ---------------------------------


@pytest.mark.parametrize(
    ("ms", "words"),
    [
        (0, "0 seconds"),
        (1_000, "1 second"),
        (42_400, "42 seconds"),
        (59_600, "1 minute"),
        (65_000, "1 minute 5 seconds"),
        (150_000, "2 minutes 30 seconds"),
        (-5, "0 seconds"),
    ],
)
def test_duration(ms, words):
    assert duration(ms) == words


def test_feedback_headline_and_miss(small_scenario):
    attempt = _attempt(small_scenario)
    answer, _ = _record(attempt, "alarm", "S2", "R2")
    alarm = point(small_scenario, "alarm")
    feedback = feedback_for(answer, alarm, list(alarm.options.all()), timed=False)
    assert feedback.headline == "readiness one level off, close fit action (+1 point)"
    assert feedback.best.style == "S1" and not feedback.is_best
    assert "over-directing" not in feedback.miss_text and "under-directing" in feedback.miss_text
    assert not feedback.ends_scenario


def test_style_arc_geometry():
    arc = style_arc([("a", "S1", "S1", 2), ("b", "S4", "S2", -1), ("c", "S2", "S3", 1)])
    assert [lv.code for lv in arc.levels] == ["S4", "S3", "S2", "S1"]
    ys = {lv.code: lv.y for lv in arc.levels}
    assert ys["S4"] < ys["S3"] < ys["S2"] < ys["S1"] < arc.axis_y  # directing at the bottom
    xs = [column.x for column in arc.columns]
    assert xs == sorted(xs) and xs[0] == arc.left and xs[-1] == arc.plot_right
    assert [column.line_y for column in arc.columns] == [ys["S1"], ys["S4"], ys["S2"]]
    assert [column.best_y for column in arc.columns] == [ys["S1"], ys["S2"], ys["S3"]]
    assert arc.on_target == 1
    assert arc.line_path.count(",") == 3
    single = style_arc([("only", "S3", "S3", 2)])
    assert single.columns[0].x == (single.left + single.plot_right) / 2
    assert single.line_path == ""  # one point draws no line, only its marks


@pytest.mark.parametrize(
    ("chosen", "best", "words"),
    [
        ("S1", "S1", "on target"),
        ("S1", "S2", "one step more directive"),
        ("S4", "S1", "3 steps less directive"),
    ],
)
def test_direction_word(chosen, best, words):
    assert direction_word(chosen, best) == words
