"""Everything the debrief shows for one finished attempt, gathered in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from scenarios import story
from scenarios.leadership import Miss
from trainer.charts import StyleArc, direction_word, style_arc
from trainer.play.feedback import Feedback, duration, feedback_for
from trainer.play.models import Answer, Attempt
from trainer.play.scoring import Figures


@dataclass
class ArcRow:
    number: int
    moment: str
    chosen: str
    best: str
    points: int
    direction: str


@dataclass
class TimeRow:
    """One decision of a Golden Hour attempt: the time taken against its budget."""

    number: int
    moment: str
    response_ms: int
    time_budget: int
    late: bool
    option_points: int
    points: int

    @property
    def taken(self) -> str:
        return duration(self.response_ms)

    @property
    def budget(self) -> str:
        return duration(self.time_budget * 1000)

    @property
    def over_by(self) -> str:
        return duration(self.response_ms - self.time_budget * 1000) if self.late else ""


@dataclass
class Debrief:
    attempt: Attempt
    score: Figures
    reviews: list[Feedback]
    arc: StyleArc
    arc_rows: list[ArcRow]
    miss_reading: str
    diagnosis_reading: str
    time_rows: list[TimeRow]
    ending: story.Ending | None = None
    carried: list[story.Carried] = field(default_factory=list)

    @property
    def scenario(self):
        return self.attempt.scenario

    @property
    def hard_calls(self) -> list[Feedback]:
        """The decisions where two styles are honestly defensible ("Where reasonable leaders
        differ"), each with the trainee's own choice."""
        return [review for review in self.reviews if review.hard_call_tradeoff]


def miss_reading(result: Figures) -> str:
    if not result.answers:
        return ""
    if not result.misses:
        return "Every action you chose was the best fit for the readiness in front of you."
    habit = result.habitual_miss
    if habit == Miss.OVER:
        return (
            "Most of your misses were on the directive side: you held on tighter than the "
            "people in front of you needed. As a crisis settles, staying directive too long "
            "is as real an error as failing to take charge at the start."
        )
    if habit == Miss.UNDER:
        return (
            "Most of your misses were on the hands-off side: you left room where people "
            "needed clear direction. When readiness drops in a crisis, the leader has to step "
            "in quickly with firm direction, and hand control back as people recover."
        )
    return "Your misses were split evenly between over-directing and under-directing."


def diagnosis_reading(answers: list[Answer]) -> str:
    """How reading readiness right went with choosing the best fit."""
    read_right = [a for a in answers if a.diagnosis_off == 0]
    misread = [a for a in answers if a.diagnosis_off != 0]
    if not read_right or not misread:
        return ""
    right_fit = sum(1 for a in read_right if a.best_fit)
    misread_fit = sum(1 for a in misread if a.best_fit)
    return (
        f"Where you read readiness right ({_decisions(len(read_right))}), you chose the best "
        f"fit {_times(right_fit)}; where you misread it ({_decisions(len(misread))}), "
        f"{_times(misread_fit)}. Judging readiness is the first half of the model."
    )


def _decisions(count: int) -> str:
    return f"{count} decision{'s' if count != 1 else ''}"


def _times(count: int) -> str:
    return {0: "never", 1: "once", 2: "twice"}.get(count, f"{count} times")


def debrief_for(attempt: Attempt) -> Debrief:
    """Two queries: the answers with their points and options, and those options.

    ``attempt.scenario`` should be loaded with the attempt (its endings and conditions
    are read here). In a workshop, the attempt's conditions are the room's.
    """
    answers = list(
        Answer.objects.filter(attempt=attempt)
        .select_related("decision_point", "option")
        .prefetch_related("decision_point__options")
        .order_by("sequence", "answered_at")
    )
    reviews = [
        feedback_for(
            answer,
            answer.decision_point,
            list(answer.decision_point.options.all()),
            timed=attempt.is_timed,
            compact=True,
            heading_level=5,
        )
        for answer in answers
    ]
    rows = [
        ArcRow(
            number=index,
            moment=answer.decision_point.moment,
            chosen=answer.style,
            best=answer.best_style,
            points=answer.points,
            direction=direction_word(answer.style, answer.best_style),
        )
        for index, answer in enumerate(answers, start=1)
    ]
    times = [
        TimeRow(
            number=index,
            moment=answer.decision_point.moment,
            response_ms=answer.response_ms,
            time_budget=answer.time_budget,
            late=answer.late,
            option_points=answer.option_points,
            points=answer.points,
        )
        for index, answer in enumerate(answers, start=1)
    ]
    result = Figures.count(answers)
    # The order the conditions were set in, as far as the answers' actions say.
    set_order = [name for answer in answers for name in answer.option.sets or ()]
    return Debrief(
        attempt=attempt,
        score=result,
        reviews=reviews,
        arc=style_arc([(r.moment, r.chosen, r.best, r.points) for r in rows]),
        arc_rows=rows,
        miss_reading=miss_reading(result),
        diagnosis_reading=diagnosis_reading(answers),
        time_rows=times if attempt.is_timed else [],
        ending=story.ending_for(attempt.scenario, attempt.conditions),
        carried=story.carried(attempt.scenario, attempt.conditions, set_order),
    )
