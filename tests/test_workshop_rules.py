"""Workshop rules, below the views: codes, transitions, joins, answers, tallies."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from scenarios.models import Scenario
from trainer.play.models import Answer, AnswerRefused, Attempt, Mode
from trainer.workshops import codes, export, room
from trainer.workshops.models import (
    FollowedBy,
    Participant,
    Status,
    Workshop,
    WorkshopRefused,
)

pytestmark = pytest.mark.django_db


def _workshop(scenario: Scenario, facilitator, **extra) -> Workshop:
    return Workshop.create(scenario=scenario, facilitator=facilitator, **extra)


def _fresh(workshop: Workshop) -> Workshop:
    return Workshop.objects.select_related("current_step__decision_point").get(pk=workshop.pk)


def _answer(participant: Participant, style: str, diagnosis: str = "R1", reason: str = ""):
    workshop = _fresh(participant.workshop)
    point = workshop.current_step.decision_point
    return participant.answer(
        point=point,
        option=point.options.get(style=style),
        diagnosis=diagnosis,
        reason=reason,
    )


# Codes -------------------------------------------------------------------------------------


def test_the_code_alphabet_has_no_look_alikes():
    for character in "0O1IL5S2Z8BUVDQGCJ6":
        assert character not in codes.ALPHABET
    code = codes.new_code()
    assert len(code) == 6
    assert codes.is_well_formed(code)


def test_typed_codes_are_normalized():
    assert codes.normalize(" k7m-3qx ") == "K7M3QX"
    assert codes.normalize("k7m 3qx") == "K7M3QX"
    assert codes.is_well_formed("NM7K79")
    assert not codes.is_well_formed("NM7K7")  # too short
    assert not codes.is_well_formed("NM7K70")  # 0 is not in the alphabet
    assert codes.grouped("NM7K79") == "NM7 K79"


def test_a_new_workshop_skips_codes_taken_by_live_workshops(
    small_scenario, facilitator, monkeypatch
):
    taken = _workshop(small_scenario, facilitator)
    sequence = iter([taken.code, taken.code, "WXY347"])
    monkeypatch.setattr(codes, "new_code", lambda: next(sequence))
    fresh = _workshop(small_scenario, facilitator)
    assert fresh.code == "WXY347"
    assert fresh.status == Status.LOBBY


def test_an_ended_workshops_code_can_be_used_again(small_scenario, facilitator, monkeypatch):
    old = _workshop(small_scenario, facilitator)
    old.end()
    monkeypatch.setattr(codes, "new_code", lambda: old.code)
    again = _workshop(small_scenario, facilitator)
    assert again.code == old.code
    assert Workshop.objects.live().filter(code=old.code).count() == 1


def test_the_database_refuses_two_live_workshops_with_one_code(small_scenario, facilitator):
    first = _workshop(small_scenario, facilitator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Workshop.objects.create(scenario=small_scenario, facilitator=facilitator, code=first.code)


# Joining -------------------------------------------------------------------------------------


def test_a_guest_joins_with_their_own_workshop_attempt(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    participant = workshop.join(display_name="Ana")
    attempt = participant.attempt
    assert attempt.mode == Mode.WORKSHOP
    assert attempt.user is None
    assert attempt.guest_token  # never shared with another guest
    assert attempt.current_point is None  # nothing is open in the lobby
    assert _fresh(workshop).revision == workshop.revision + 1


def test_a_logged_in_participant_is_one_participant_and_their_attempt_is_theirs(
    small_scenario, facilitator, trainee
):
    workshop = _workshop(small_scenario, facilitator)
    first = workshop.join(display_name="Ana", user=trainee)
    again = workshop.join(display_name="Another name", user=trainee)
    assert first.pk == again.pk
    assert first.attempt.user == trainee
    assert Attempt.objects.filter(user=trainee, mode=Mode.WORKSHOP).count() == 1


def test_joining_while_a_decision_is_open_lands_on_it(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    step = workshop.open_next()
    late = workshop.join(display_name="Late")
    late.attempt.refresh_from_db()
    assert late.attempt.current_point_id == step.decision_point_id
    assert late.attempt.current_served_at is not None
    assert _answer(late, "S1")[1] is True


def test_joining_an_ended_workshop_is_refused(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    workshop.end()
    with pytest.raises(WorkshopRefused, match="ended"):
        workshop.join(display_name="Too late")
    assert not Participant.objects.exists()


# Transitions -----------------------------------------------------------------------------------


def test_opening_the_first_decision_moves_every_attempt_to_it(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    people = [workshop.join(display_name=name) for name in ("Ana", "Bruno", "Carla")]
    before = _fresh(workshop)
    now = timezone.now()
    step = workshop.open_next(now=now)
    after = _fresh(workshop)
    assert step.number == 1
    assert step.decision_point.key == "alarm"
    assert after.status == Status.OPEN
    assert after.current_step == step
    assert after.stage == before.stage + 1
    assert after.revision == before.revision + 1
    for person in people:
        person.attempt.refresh_from_db()
        assert person.attempt.current_point_id == step.decision_point_id
        assert person.attempt.current_served_at == now


def test_lock_then_reopen_then_reveal(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    ana = workshop.join(display_name="Ana")
    bruno = workshop.join(display_name="Bruno")
    workshop.open_next()
    _answer(ana, "S1")

    workshop.lock()
    assert _fresh(workshop).status == Status.LOCKED
    bruno.attempt.refresh_from_db()
    assert bruno.attempt.current_point is None
    with pytest.raises(AnswerRefused, match="locked"):
        _answer(bruno, "S2")

    workshop.reopen()
    assert _fresh(workshop).status == Status.OPEN
    assert _answer(bruno, "S2")[1] is True

    workshop.reveal()
    workshop = _fresh(workshop)
    assert workshop.status == Status.REVEALED
    assert workshop.current_step.locked_at is not None
    assert workshop.current_step.revealed_at is not None


def test_reveal_straight_from_open_locks_answers_too(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    ana = workshop.join(display_name="Ana")
    workshop.open_next()
    workshop.reveal()
    with pytest.raises(AnswerRefused, match="locked"):
        _answer(ana, "S1")


@pytest.mark.parametrize(
    ("setup", "action", "message"),
    [
        ([], "lock", "nothing to lock"),
        ([], "reveal", "Open a decision"),
        ([], "reopen", "Only locked"),
        (["open_next"], "open_next", "Reveal the answers"),
        (["open_next"], "reopen", "Only locked"),
        (["open_next", "lock"], "lock", "already locked"),
        (["open_next", "reveal"], "reveal", "already revealed"),
        (["open_next", "reveal"], "lock", "nothing to lock"),
        (["end"], "open_next", "ended"),
        (["end"], "end", "already ended"),
    ],
)
def test_transitions_out_of_turn_are_refused_and_change_nothing(
    small_scenario, facilitator, setup, action, message
):
    workshop = _workshop(small_scenario, facilitator)
    for step in setup:
        getattr(workshop, step)()
    before = _fresh(workshop)
    with pytest.raises(WorkshopRefused, match=message):
        getattr(workshop, action)()
    after = _fresh(workshop)
    assert (after.status, after.revision, after.stage) == (
        before.status,
        before.revision,
        before.stage,
    )


def test_a_stale_screen_cannot_skip_a_decision(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    workshop.open_next(expected_step=0)
    workshop.reveal(expected_step=1)
    workshop.open_next(expected_step=1)
    # A second click from the screen that still showed decision 1:
    with pytest.raises(WorkshopRefused, match="moved on"):
        workshop.lock(expected_step=1)
    assert _fresh(workshop).status == Status.OPEN


def test_the_room_follows_its_most_chosen_action(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    people = [workshop.join(display_name=f"P{i}") for i in range(5)]
    workshop.open_next()
    for person, style in zip(people, ["S3", "S3", "S4", "S1", "S1"], strict=True):
        _answer(person, style)
    workshop.reveal()
    step = workshop.open_next()
    # S3 and S1 tie on two each; the tie goes to the better fit, S1, which leads to "calm".
    assert step.decision_point.key == "calm"
    first = workshop.steps.get(number=1)
    assert first.followed_option.style == "S1"
    assert first.followed_by == FollowedBy.MAJORITY


def test_a_clear_majority_takes_the_room_down_its_branch(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    people = [workshop.join(display_name=f"P{i}") for i in range(3)]
    workshop.open_next()
    for person, style in zip(people, ["S3", "S3", "S1"], strict=True):
        _answer(person, style)
    workshop.reveal()
    assert workshop.open_next().decision_point.key == "chaos"


def test_the_facilitators_pick_overrides_the_majority(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    people = [workshop.join(display_name=f"P{i}") for i in range(2)]
    workshop.open_next()
    for person in people:
        _answer(person, "S1")
    workshop.reveal()
    point = _fresh(workshop).current_step.decision_point
    s4 = point.options.get(style="S4")
    workshop.choose_branch(s4.pk)
    step = workshop.open_next()
    assert step.decision_point.key == "chaos"
    first = workshop.steps.get(number=1)
    assert first.followed_option == s4
    assert first.followed_by == FollowedBy.FACILITATOR


def test_a_pick_can_go_back_to_the_majority(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    workshop.open_next()
    workshop.reveal()
    point = _fresh(workshop).current_step.decision_point
    workshop.choose_branch(point.options.get(style="S4").pk)
    workshop.choose_branch(None)
    # Nobody answered: the majority falls back to the best fit (S1), which leads to calm.
    assert workshop.open_next().decision_point.key == "calm"


def test_a_pick_from_another_decision_is_refused(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    workshop.open_next()
    with pytest.raises(WorkshopRefused, match="after the answers are revealed"):
        workshop.choose_branch(None)
    workshop.reveal()
    other = small_scenario.decision_points.get(key="calm").options.first()
    with pytest.raises(WorkshopRefused, match="does not belong"):
        workshop.choose_branch(other.pk)


def test_when_the_branch_ends_the_next_decision_is_refused(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    workshop.open_next()
    workshop.reveal()
    workshop.open_next()  # calm, the last decision on this branch
    workshop.reveal()
    with pytest.raises(WorkshopRefused, match="ends here"):
        workshop.open_next()
    workshop.end()
    assert _fresh(workshop).status == Status.ENDED


def test_ending_finishes_every_attempt_and_closes_answers(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    ana = workshop.join(display_name="Ana")
    workshop.open_next()
    workshop.end()
    workshop = _fresh(workshop)
    assert workshop.ended_at is not None
    ana.attempt.refresh_from_db()
    assert ana.attempt.finished_at is not None
    with pytest.raises(AnswerRefused, match="ended"):
        _answer(ana, "S1")


# Answers ----------------------------------------------------------------------------------------


def test_answers_go_through_record_answer_and_bump_only_the_revision(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    ana = workshop.join(display_name="Ana")
    workshop.open_next()
    before = _fresh(workshop)
    answer, created = _answer(ana, "S1", reason="They need orders")
    after = _fresh(workshop)
    assert created
    assert answer.attempt == ana.attempt
    assert (answer.style, answer.points, answer.reason) == ("S1", 2, "They need orders")
    assert after.revision == before.revision + 1
    assert after.stage == before.stage


def test_answers_are_numbered_in_the_order_the_room_played_them(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    ana = workshop.join(display_name="Ana")
    bruno = workshop.join(display_name="Bruno")
    workshop.open_next()
    _answer(ana, "S1")  # Bruno stays silent on the first decision
    workshop.reveal()
    workshop.open_next()
    _answer(ana, "S4", "R4")
    _answer(bruno, "S4", "R4")
    workshop.end()
    assert list(ana.attempt.answers.values_list("sequence", "decision_point__key")) == [
        (1, "alarm"),
        (2, "calm"),
    ]
    assert list(bruno.attempt.answers.values_list("sequence", flat=True)) == [1]
    ana.attempt.refresh_from_db()
    bruno.attempt.refresh_from_db()
    assert (ana.attempt.points_done, bruno.attempt.points_done) == (2, 1)


def test_a_second_answer_keeps_the_first(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    ana = workshop.join(display_name="Ana")
    workshop.open_next()
    first, created = _answer(ana, "S1")
    revision = _fresh(workshop).revision
    second, created_again = _answer(ana, "S4")
    assert created and not created_again
    assert second.pk == first.pk
    assert Answer.objects.get(attempt=ana.attempt).style == "S1"
    assert _fresh(workshop).revision == revision


def test_an_answer_before_anything_opens_is_refused(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    ana = workshop.join(display_name="Ana")
    point = small_scenario.first_point()
    with pytest.raises(AnswerRefused, match="No decision is open"):
        ana.answer(point=point, option=point.options.get(style="S1"), diagnosis="R1")


def test_an_answer_to_a_decision_the_room_left_is_refused(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    ana = workshop.join(display_name="Ana")
    workshop.open_next()
    workshop.reveal()
    workshop.open_next()
    old = small_scenario.first_point()
    with pytest.raises(AnswerRefused, match="moved on"):
        ana.answer(point=old, option=old.options.get(style="S1"), diagnosis="R1")


def test_revision_bumps_are_atomic(small_scenario, facilitator):
    """Two processes holding the same old row both bump: the database adds both."""
    workshop = _workshop(small_scenario, facilitator)
    stale_a = Workshop.objects.get(pk=workshop.pk)
    stale_b = Workshop.objects.get(pk=workshop.pk)
    Workshop.bump_revision(stale_a.pk)
    Workshop.bump_revision(stale_b.pk)
    assert _fresh(workshop).revision == workshop.revision + 2


# Tallies and summaries -------------------------------------------------------------------------


def test_the_tally_counts_styles_diagnoses_and_options(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    people = [workshop.join(display_name=f"P{i}") for i in range(4)]
    workshop.open_next()
    for person, (style, diagnosis) in zip(
        people, [("S1", "R1"), ("S1", "R2"), ("S2", "R1"), ("S4", "R4")], strict=True
    ):
        _answer(person, style, diagnosis)
    step = _fresh(workshop).current_step
    tally = room.tally(step)
    assert tally.answered == 4
    assert tally.by_style == {"S1": 2, "S2": 1, "S4": 1}
    assert tally.by_diagnosis == {"R1": 2, "R2": 1, "R4": 1}
    bars = tally.style_bars("S1")
    assert [(b.code, b.count, b.share, b.highlight) for b in bars] == [
        ("S1", 2, 50, True),
        ("S2", 1, 25, False),
        ("S3", 0, 0, False),
        ("S4", 1, 25, False),
    ]


def test_reasons_are_shown_without_names(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    ana = workshop.join(display_name="Ana Secret")
    workshop.open_next()
    _answer(ana, "S1", reason="Orders first")
    reveal = room.reveal(_fresh(workshop).current_step)
    assert reveal.reasons == [("S1", "Orders first")]
    assert "Ana" not in repr(reveal.reasons)


def test_the_summary_ranks_the_hardest_decisions(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    people = [workshop.join(display_name=f"P{i}") for i in range(4)]
    workshop.open_next()
    for person in people:
        _answer(person, "S1")
    workshop.reveal()
    workshop.open_next()  # calm: best fit S4
    for person, style in zip(people, ["S1", "S1", "S2", "S4"], strict=True):
        _answer(person, style, "R4")
    workshop.reveal()
    workshop.end()
    summary = room.summary(workshop)
    assert [s.point.key for s in summary.steps] == ["alarm", "calm"]
    alarm, calm = summary.steps
    assert (alarm.answered, alarm.best_share, alarm.best_style) == (4, 100, "S1")
    assert (calm.best_share, calm.figures.over, calm.figures.under, calm.habitual_miss) == (
        25,
        3,
        0,
        "over",
    )
    assert [s.point.key for s in summary.hardest] == ["calm"]
    assert summary.best_fit_share == 62  # 5 of 8
    assert calm.average_level == 2.0


def test_no_conclusion_is_drawn_from_too_few_answers(small_scenario, facilitator):
    """Two answers are a room of two opinions: no "hardest decision", no "habitual miss"."""
    workshop = _workshop(small_scenario, facilitator)
    people = [workshop.join(display_name=f"P{i}") for i in range(2)]
    workshop.open_next()
    _answer(people[0], "S4")
    _answer(people[1], "S4")
    workshop.reveal()
    workshop.end()
    summary = room.summary(workshop)
    (alarm,) = summary.steps
    assert (alarm.best_share, alarm.figures.under, alarm.habitual_miss) == (0, 2, "")
    assert summary.hardest == [] and summary.too_few_to_rank


# Export ---------------------------------------------------------------------------------------


def test_the_export_has_a_row_per_participant_per_decision(small_scenario, facilitator):
    workshop = _workshop(small_scenario, facilitator)
    first = workshop.join(display_name="Sam")
    second = workshop.join(display_name="Sam")  # the same name, a different person
    formula = workshop.join(display_name="=HYPERLINK(1)")
    workshop.open_next()
    _answer(first, "S1", reason="+1 for orders")
    _answer(second, "S4", "R4")
    workshop.reveal()
    workshop.open_next()
    _answer(first, "S1", "R1")
    rows = list(export.rows(workshop))
    assert rows[0] == export.HEADER
    body = rows[1:]
    assert len(body) == 3 * 2
    by_person = {(row[2], row[4]): row for row in body}
    assert by_person[(1, 1)][3] == "Sam" and by_person[(1, 1)][11] == "S1"
    assert by_person[(2, 1)][3] == "Sam 2" and by_person[(2, 1)][11] == "S4"
    assert by_person[(2, 2)][7] == "no"  # Sam number two did not answer decision 2
    assert by_person[(3, 1)][7] == "no"
    text = "".join(export.stream(workshop))
    assert "'=HYPERLINK(1)" in text  # defused for spreadsheets
    assert "'+1 for orders" in text
    assert formula.display_name == "=HYPERLINK(1)"  # stored as typed


# Idle workshops ------------------------------------------------------------------------------


def _age(workshop: Workshop, hours: float) -> None:
    """Move everything that happened in ``workshop`` ``hours`` into the past."""
    back = timedelta(hours=hours)
    Workshop.objects.filter(pk=workshop.pk).update(created_at=F("created_at") - back)
    workshop.steps.update(opened_at=F("opened_at") - back)
    workshop.participants.update(joined_at=F("joined_at") - back)
    Answer.objects.filter(attempt__workshop_participant__workshop=workshop).update(
        answered_at=F("answered_at") - back
    )


def test_workshops_idle_for_hours_are_ended_and_busy_ones_left_alone(small_scenario, facilitator):
    forgotten = _workshop(small_scenario, facilitator, title="Forgotten")
    ana = forgotten.join(display_name="Ana")
    forgotten.open_next()
    _answer(ana, "S1")
    _age(forgotten, 30)
    # Created long ago, but someone answered an hour ago: still in use.
    slow = _workshop(small_scenario, facilitator, title="Slow")
    bo = slow.join(display_name="Bo")
    slow.open_next()
    _age(slow, 30)
    _answer(bo, "S2")
    _age(slow, 1)
    fresh = _workshop(small_scenario, facilitator, title="Fresh")

    out = io.StringIO()
    call_command("end_idle_workshops", "--dry-run", stdout=out)
    assert "would end" in out.getvalue() and "Forgotten" in out.getvalue()
    assert _fresh(forgotten).status != Status.ENDED

    out = io.StringIO()
    call_command("end_idle_workshops", stdout=out)
    assert _fresh(forgotten).status == Status.ENDED
    ana.attempt.refresh_from_db()
    assert ana.attempt.finished_at is not None and ana.attempt.answers.count() == 1
    assert _fresh(slow).status == Status.OPEN and _fresh(fresh).status == Status.LOBBY
    assert "1 idle workshop ended." in out.getvalue()
    # A shorter idle time catches the slow one too; an ended one is not ended again.
    out = io.StringIO()
    call_command("end_idle_workshops", "--hours", "1", stdout=out)
    assert _fresh(slow).status == Status.ENDED and "Forgotten" not in out.getvalue()


@pytest.mark.parametrize("bad", ["0", "-2", "soon"])
def test_end_idle_workshops_refuses_a_bad_idle_time(bad):
    with pytest.raises(CommandError, match="--hours"):
        call_command("end_idle_workshops", "--hours", bad)
