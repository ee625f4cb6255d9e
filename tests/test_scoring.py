"""Scoring an attempt: adaptability, style profile, range, diagnosis accuracy, misses, lateness."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from scenarios.leadership import Miss, level, miss_direction
from tests.test_play_support import POINTS
from trainer.play.scoring import (
    LATE_GRACE_SECONDS,
    SECONDARY_MINIMUM,
    Figures,
    snapshot,
    style_names,
)

score = Figures.count


@dataclass
class A:
    """An answer as scoring sees it, built from what was chosen and what was right."""

    style: str
    points: int
    best_style: str
    diagnosis_off: int
    miss: str
    late: bool = False
    diagnosis: str = "R1"
    readiness: str = "R1"


def answer(chosen: str, best: str, diagnosis: str | None = None, late: bool = False) -> A:
    readiness = f"R{best[1]}"
    diagnosis = diagnosis or readiness
    return A(
        style=chosen,
        points=POINTS[readiness][chosen],
        best_style=best,
        diagnosis_off=abs(level(diagnosis) - level(readiness)),
        miss=miss_direction(chosen, best),
        late=late,
        diagnosis=diagnosis,
        readiness=readiness,
    )


def test_no_answers_scores_zero_without_dividing_by_zero():
    result = score([])
    assert (result.answers, result.points, result.max_points) == (0, 0, 0)
    assert result.adaptability is None and result.diagnosis_accuracy is None
    assert result.primary_styles == () and result.secondary_styles == ()
    assert result.style_range == 0
    assert result.habitual_miss == Miss.NONE and result.misses == 0
    assert style_names(result.primary_styles) == "none"


def test_a_perfect_run():
    answers = [answer("S1", "S1"), answer("S2", "S2"), answer("S3", "S3"), answer("S4", "S4")]
    result = score(answers)
    assert (result.points, result.max_points, result.adaptability) == (8, 8, 100)
    assert result.best_fit == 4 and result.misses == 0
    assert result.diagnosis_right == 4 and result.diagnosis_accuracy == 100
    assert result.style_range == 4
    assert result.primary_styles == ("S1", "S2", "S3", "S4")  # a four-way tie
    assert result.secondary_styles == ()


def test_all_one_style():
    answers = [answer("S1", best) for best in ("S1", "S2", "S3", "S4", "S1", "S1")]
    result = score(answers)
    assert result.style_counts == {"S1": 6, "S2": 0, "S3": 0, "S4": 0}
    assert result.primary_styles == ("S1",) and result.secondary_styles == ()
    assert result.style_range == 1
    assert result.points == 2 + 1 - 2 - 2 + 2 + 2
    assert result.over == 3 and result.under == 0
    assert result.habitual_miss == Miss.OVER
    assert style_names(result.primary_styles) == "S1 Directing"


def test_all_wrong():
    answers = [
        answer("S4", "S1", diagnosis="R4"),
        answer("S1", "S4", diagnosis="R1"),
        answer("S4", "S1", diagnosis="R4"),
    ]
    result = score(answers)
    assert (result.points, result.max_points, result.adaptability) == (-6, 6, -100)
    assert result.best_fit == 0 and result.diagnosis_right == 0
    assert result.diagnosis_further == 3 and result.diagnosis_off_by_one == 0
    assert result.under == 2 and result.over == 1
    assert result.habitual_miss == Miss.UNDER
    assert result.primary_styles == ("S4",) and result.secondary_styles == ()


@dataclass
class Opt:
    style: str
    points: int


def snap(style: str, points: int, seconds: float, timed: bool = True) -> SimpleNamespace:
    """An answer's snapshot for an option of ``points``, given ``seconds`` after the choices
    were shown, against a 60-second budget (the best fit is S1)."""
    return SimpleNamespace(
        **snapshot(
            readiness="R1",
            time_budget=60,
            option=Opt(style, points),
            best_style="S1",
            diagnosis="R1",
            response_ms=int(seconds * 1000),
            timed=timed,
        )
    )


def test_a_late_answer_earns_a_point_less_never_below_minus_two():
    late = 60 + LATE_GRACE_SECONDS + 1
    cases = [("S1", 2, 1), ("S2", 1, 0), ("S3", -1, -2), ("S4", -2, -2)]
    for style, option_points, earned in cases:
        answer = snap(style, option_points, late)
        assert answer.late and answer.points == earned, (style, answer)
        assert answer.points + answer.late_penalty == option_points
    # In time, inside the grace, or in reflective mode: the option's own points.
    for seconds, timed in ((59, True), (60 + LATE_GRACE_SECONDS - 0.5, True), (600, False)):
        answer = snap("S2", 1, seconds, timed)
        assert not answer.late and answer.points == 1 and answer.late_penalty == 0


def test_late_answers_are_counted_and_a_late_best_fit_is_still_the_best_fit():
    late = 60 + LATE_GRACE_SECONDS + 1
    answers = [snap("S1", 2, late), snap("S2", 1, late), snap("S1", 2, 10)]
    result = score(answers)
    assert result.late == 2
    assert result.points == 1 + 0 + 2  # the clock took one point from each late answer
    assert result.best_fit == 2  # the choice was right, late or not
    assert result.adaptability == round(100 * 3 / 6)


def test_diagnosis_accuracy_buckets():
    answers = [
        answer("S1", "S1", diagnosis="R1"),
        answer("S1", "S1", diagnosis="R2"),
        answer("S1", "S1", diagnosis="R3"),
        answer("S1", "S1", diagnosis="R4"),
        answer("S4", "S4", diagnosis="R3"),
    ]
    result = score(answers)
    assert result.diagnosis_right == 1
    assert result.diagnosis_off_by_one == 2
    assert result.diagnosis_further == 2
    assert result.diagnosis_accuracy == 20


def test_secondary_styles_need_at_least_two_uses():
    answers = [answer("S2", "S2")] * 3 + [answer("S3", "S2")] * 2 + [answer("S4", "S4")]
    result = score(answers)
    assert SECONDARY_MINIMUM == 2
    assert result.primary_styles == ("S2",)
    assert result.secondary_styles == ("S3",)  # S4 once is in the range, not a secondary
    assert result.style_range == 3


def test_a_tie_for_primary_leaves_no_secondary_among_them():
    answers = [answer("S1", "S1")] * 2 + [answer("S3", "S3")] * 2 + [answer("S2", "S1")] * 2
    result = score(answers)
    assert result.primary_styles == ("S1", "S2", "S3")
    assert result.secondary_styles == ()


def test_balanced_misses_have_no_habit():
    result = score([answer("S1", "S2"), answer("S3", "S2"), answer("S2", "S2")])
    assert result.over == result.under == 1
    assert result.habitual_miss == Miss.NONE and result.misses == 2


@pytest.mark.parametrize(
    ("points", "decisions", "share"), [(1, 3, 17), (-1, 3, -17), (5, 6, 42), (0, 5, 0)]
)
def test_share_rounds_to_a_whole_percentage(points, decisions, share):
    answers = [A("S1", 0, "S1", 0, "")] * decisions
    answers[0] = A("S1", points, "S1", 0, "")
    assert score(answers).adaptability == share


def test_style_rows_list_every_style_in_order():
    rows = [(r.code, r.name, r.count, r.share) for r in score([answer("S3", "S3")]).style_rows()]
    assert rows == [("S1", "Directing", 0, 0), ("S2", "Coaching", 0, 0),
                    ("S3", "Supporting", 1, 100), ("S4", "Delegating", 0, 0)]  # fmt: skip


@pytest.mark.django_db
def test_scoring_real_answers_from_play(small_scenario):
    from trainer.play.models import Attempt, Mode

    attempt = Attempt.start(small_scenario, guest_token="t", mode=Mode.REFLECTIVE)
    alarm = small_scenario.decision_points.get(key="alarm")
    chaos = small_scenario.decision_points.get(key="chaos")
    attempt.record_answer(point=alarm, option=alarm.options.get(style="S4"), diagnosis="R4")
    attempt.advance(alarm)
    attempt.record_answer(point=chaos, option=chaos.options.get(style="S1"), diagnosis="R2")
    result = score(attempt.answers.all())
    assert (result.points, result.max_points) == (0, 4)
    assert result.under == 1 and result.best_fit == 1
    assert result.diagnosis_further == 1 and result.diagnosis_off_by_one == 1
