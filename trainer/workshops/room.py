"""What the room did: live counts, the reveal, and the summary at the end.

Every function here runs a fixed number of queries whatever the size of the room:
counting and grouping happen in the database, and the Python that follows loops over
at most four styles, four readiness levels or the handful of decisions played.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from scenarios import story
from scenarios.leadership import (
    READINESS_PLAIN,
    STYLE_PLAIN,
    Miss,
    Readiness,
    Style,
    best_option,
    level,
    style_label,
)
from scenarios.models import DecisionPoint, Option
from scenarios.order import lettered, room_seed, shown_order
from trainer.charts import Bar
from trainer.play.models import Answer
from trainer.play.scoring import Figures, counted, percent
from trainer.workshops.models import Participant, Step, Workshop, majority_option

REASONS_SHOWN = 4  # on the projector, beside the story of what happened
REASONS_INCOMING = 6  # on the control screen, newest first
# Conclusions about a decision ("the hardest", "most misses were too directive") are drawn
# only from at least this many answers, or misses; below it the screens say so.
CONCLUSION_MIN = 3
NAMES_SHOWN = 48


@dataclass
class Tally:
    """The answers to one decision, counted by option, style and diagnosis."""

    answered: int = 0
    by_option: dict[int, int] = field(default_factory=dict)
    by_style: dict[str, int] = field(default_factory=dict)
    by_diagnosis: dict[str, int] = field(default_factory=dict)

    def share(self, count: int) -> int:
        return round(100 * count / self.answered) if self.answered else 0

    def style_bars(self, best_style: str) -> list[Bar]:
        return [
            Bar(
                s.value,
                s.label,
                self.by_style.get(s.value, 0),
                self.share(self.by_style.get(s.value, 0)),
                s.value == best_style,
            )
            for s in Style
        ]

    def diagnosis_bars(self, readiness: str) -> list[Bar]:
        return [
            Bar(
                r.value,
                READINESS_SHORT[r.value],
                self.by_diagnosis.get(r.value, 0),
                self.share(self.by_diagnosis.get(r.value, 0)),
                r.value == readiness,
            )
            for r in Readiness
        ]


READINESS_SHORT = {
    Readiness.R1: "Unable, unwilling or insecure",
    Readiness.R2: "Unable but willing",
    Readiness.R3: "Able but unsure",
    Readiness.R4: "Able and willing",
}


def tally(step: Step) -> Tally:
    """One grouped query: at most 4 options x 4 diagnoses rows."""
    result = Tally()
    rows = step.answers().values("option", "style", "diagnosis").annotate(n=Count("id"))
    for row in rows:
        n = row["n"]
        result.answered += n
        result.by_option[row["option"]] = result.by_option.get(row["option"], 0) + n
        result.by_style[row["style"]] = result.by_style.get(row["style"], 0) + n
        result.by_diagnosis[row["diagnosis"]] = result.by_diagnosis.get(row["diagnosis"], 0) + n
    return result


def answered_count(step: Step) -> int:
    return step.answers().count()


# Below this many answers the projector shows reasons without the style each one chose.
REASON_TAGS_FROM = 8


def joined_count(workshop: Workshop) -> int:
    return workshop.participants.count()


def recent_names(workshop: Workshop, limit: int = NAMES_SHOWN) -> list[str]:
    """The newest names, for the lobby; the presenter says how many more there are."""
    names = workshop.participants.order_by("-joined_at", "-pk").values_list(
        "display_name", flat=True
    )[:limit]
    return list(reversed(names))


def reasons(step: Step, limit: int = REASONS_SHOWN) -> list[tuple[str, str]]:
    """(style, reason) pairs for the projector: without names, without the ones the
    facilitator hid, one style's reasons together."""
    return list(
        step.answers()
        .exclude(reason="")
        .filter(reason_hidden=False)
        .order_by("style", "answered_at")
        .values_list("style", "reason")[:limit]
    )


@dataclass(frozen=True)
class IncomingReason:
    answer_id: int
    letter: str
    reason: str
    hidden: bool


def incoming_reasons(step: Step, limit: int = REASONS_INCOMING) -> list[IncomingReason]:
    """Every reason so far, newest first, for the control screen (never the projector)."""
    letters = {
        option.pk: letter
        for letter, option in lettered(
            shown_order(step.decision_point.options.all(), room_seed(step.workshop_id))
        )
    }
    rows = (
        step.answers()
        .exclude(reason="")
        .order_by("-answered_at")
        .values_list("pk", "option_id", "reason", "reason_hidden")[:limit]
    )
    return [
        IncomingReason(pk, letters.get(option, "?"), text, hidden)
        for pk, option, text, hidden in rows
    ]


def waiting_names(step: Step, limit: int = NAMES_SHOWN) -> list[str]:
    """Who has not answered the open decision yet, for the control screen."""
    answered = step.answers().values("attempt_id")
    return list(
        step.workshop.participants.exclude(attempt_id__in=answered)
        .order_by("display_name")
        .values_list("display_name", flat=True)[:limit]
    )


@dataclass(frozen=True)
class AnswerKey:
    letter: str
    option: Option


def answer_key(options: list[Option]) -> AnswerKey:
    """The best fit, lettered as the room sees it."""
    best = best_option(options)
    return AnswerKey(next(letter for letter, o in lettered(options) if o == best), best)


@dataclass(frozen=True)
class BranchChoice:
    """One way the story can go on from a revealed decision."""

    option: Option
    count: int
    next_point: DecisionPoint | None
    is_majority: bool
    is_followed: bool
    letter: str = ""  # as the room saw it, A-D


@dataclass
class Reveal:
    point: DecisionPoint
    tally: Tally
    options: list[Option]
    best: Option
    reasons: list[tuple[str, str]]
    branches: list[BranchChoice]
    followed: Option
    followed_by: str

    @property
    def style_bars(self) -> list[Bar]:
        return self.tally.style_bars(self.best.style)

    @property
    def option_bars(self) -> list[Bar]:
        """One bar per action, lettered as the room saw them (A-D), the best fit marked."""
        return [
            Bar(
                letter,
                style_label(option.style),
                self.tally.by_option.get(option.pk, 0),
                self.tally.share(self.tally.by_option.get(option.pk, 0)),
                option.pk == self.best.pk,
            )
            for letter, option in lettered(self.options)
        ]

    @property
    def lettered(self) -> list[tuple[str, Option]]:
        return lettered(self.options)

    @property
    def reasons_tagged(self) -> bool:
        """Whether the projector may show the style beside each reason: in a small room,
        wording and style together can give the author away."""
        return self.tally.answered >= REASON_TAGS_FROM

    @property
    def tied(self) -> list[tuple[str, Option]]:
        """The actions that share the most answers, when more than one does: the room did not
        choose a branch, so the facilitator does."""
        top = max(self.tally.by_option.values(), default=0)
        if not top:
            return []
        tied = [(letter, o) for letter, o in self.lettered if self.tally.by_option.get(o.pk) == top]
        return tied if len(tied) > 1 else []

    @property
    def diagnosis_bars(self) -> list[Bar]:
        return self.tally.diagnosis_bars(self.point.readiness)

    @property
    def best_share(self) -> int:
        return self.tally.share(self.tally.by_option.get(self.best.pk, 0))

    @property
    def diagnosis_right_share(self) -> int:
        return self.tally.share(self.tally.by_diagnosis.get(self.point.readiness, 0))

    @property
    def readiness_plain(self) -> str:
        return READINESS_PLAIN[self.point.readiness]

    @property
    def best_style_plain(self) -> str:
        return STYLE_PLAIN[self.best.style]

    @property
    def real_branch(self) -> bool:
        """Whether the options lead to more than one place."""
        return len({choice.next_point for choice in self.branches}) > 1

    @property
    def followed_next(self) -> DecisionPoint | None:
        return next(b.next_point for b in self.branches if b.option.pk == self.followed.pk)

    @property
    def hard_call_also(self) -> str:
        return (self.point.hard_call or {}).get("also", "")

    @property
    def hard_call_tradeoff(self) -> str:
        return (self.point.hard_call or {}).get("tradeoff", "").strip()

    @property
    def rule_stop_text(self) -> str:
        return (self.point.rule_stop or {}).get("text", "").strip()


def reveal(step: Step, *, with_reasons: bool = True, conditions: list[str] | None = None) -> Reveal:
    """The room's answers to ``step`` and where each action would take the story, given
    the room's ``conditions`` so far (read from the workshop when not given)."""
    point = step.decision_point
    result = tally(step)
    options = shown_order(point.options.select_related("next_point"), room_seed(step.workshop_id))
    best = best_option(options)
    majority = majority_option(options, result.by_option)
    pick = next((o for o in options if o.pk == step.branch_pick_id), None)
    followed = pick or majority
    if conditions is None:
        conditions = step.workshop.conditions
    leads_to = story.following_each(point, options, conditions)
    branches = [
        BranchChoice(
            option=option,
            count=result.by_option.get(option.pk, 0),
            next_point=leads_to[option.pk],
            is_majority=option.pk == majority.pk,
            is_followed=option.pk == followed.pk,
            letter=letter,
        )
        for letter, option in lettered(options)
    ]
    return Reveal(
        point=point,
        tally=result,
        options=options,
        best=best,
        reasons=reasons(step) if with_reasons else [],
        branches=branches,
        followed=followed,
        followed_by="facilitator" if pick else "majority",
    )


# The summary at the end ------------------------------------------------------------------


@dataclass
class StepSummary:
    """One decision the room played, and the figures of its answers."""

    step: Step
    figures: Figures
    best_style: str

    @property
    def point(self) -> DecisionPoint:
        return self.step.decision_point

    @property
    def answered(self) -> int:
        return self.figures.answers

    @property
    def by_style(self) -> dict[str, int]:
        return self.figures.style_counts

    def share(self, count: int) -> int:
        return percent(count, self.answered) or 0

    @property
    def best_share(self) -> int:
        return self.figures.best_fit_share or 0

    @property
    def diagnosis_share(self) -> int:
        return self.figures.diagnosis_accuracy or 0

    @property
    def average_points(self) -> float | None:
        return self.figures.points / self.answered if self.answered else None

    @property
    def average_level(self) -> float | None:
        """The room's mean style, 1.0 (S1) to 4.0 (S4)."""
        if not self.answered:
            return None
        total = sum(level(style) * count for style, count in self.by_style.items())
        return total / self.answered

    @property
    def most_chosen(self) -> str | None:
        if not self.answered:
            return None
        return max(Style.values, key=lambda s: (self.by_style.get(s, 0), s == self.best_style))

    @property
    def habitual_miss(self) -> str:
        """The room's habitual miss here, once there are enough misses to call it one."""
        if self.figures.misses < CONCLUSION_MIN:
            return Miss.NONE
        return self.figures.habitual_miss

    @property
    def miss_phrase(self) -> str:
        return MISS_PHRASES.get(self.habitual_miss, "")

    @property
    def style_bars(self) -> list[Bar]:
        return [
            Bar(row.code, row.name, row.count, row.share, row.code == self.best_style)
            for row in self.figures.style_rows()
        ]


# How the screens name a room's habitual miss on one decision.
MISS_PHRASES = {
    Miss.OVER: "most misses were too directive",
    Miss.UNDER: "most misses gave too little direction",
}


@dataclass
class Summary:
    steps: list[StepSummary]
    joined: int
    # Where the room's story ended (the scenario's ending for the room's conditions), and
    # the conditions it set on the way.
    ending: story.Ending | None = None
    carried: list[story.Carried] = field(default_factory=list)

    @property
    def answered_steps(self) -> list[StepSummary]:
        return [s for s in self.steps if s.answered]

    @property
    def hardest(self) -> list[StepSummary]:
        """Up to three decisions the room found hardest: the lowest share of best fits,
        then the lowest average points; a decision everybody got right is not "hard"."""
        ranked = sorted(
            (s for s in self.answered_steps if s.answered >= CONCLUSION_MIN and s.best_share < 100),
            key=lambda s: (s.best_share, s.average_points, s.step.number),
        )
        return ranked[:3]

    @property
    def too_few_to_rank(self) -> bool:
        """Some decision was answered, but none by enough people to call it hard."""
        return bool(self.answered_steps) and all(
            s.answered < CONCLUSION_MIN for s in self.answered_steps
        )

    @property
    def conclusion_min(self) -> int:
        return CONCLUSION_MIN

    @property
    def total_answers(self) -> int:
        return sum(s.answered for s in self.steps)

    @property
    def best_fit_share(self) -> int:
        return percent(sum(s.figures.best_fit for s in self.steps), self.total_answers) or 0


def summary(workshop: Workshop) -> Summary:
    """Four queries: the steps, their options, the answers' figures per decision, the joined."""
    steps = list(
        workshop.steps.select_related("decision_point", "followed_option")
        .prefetch_related("decision_point__options")
        .order_by("number")
    )
    point_ids = [step.decision_point_id for step in steps]
    per_point = {
        row["decision_point"]: row
        for row in Answer.objects.filter(
            attempt__workshop_participant__workshop=workshop, decision_point_id__in=point_ids
        )
        .values("decision_point")
        .annotate(**counted())
        .order_by()
    }
    summaries = []
    for step in steps:
        best = best_option(step.decision_point.options.all())
        figures = Figures.of(per_point.get(step.decision_point_id))
        summaries.append(StepSummary(step=step, figures=figures, best_style=best.style))
    # The order the room's followed actions set its conditions in.
    set_order = [
        name for step in steps if step.followed_option for name in step.followed_option.sets
    ]
    return Summary(
        steps=summaries,
        joined=joined_count(workshop),
        ending=story.ending_for(workshop.scenario, workshop.conditions) if steps else None,
        carried=story.carried(workshop.scenario, workshop.conditions, set_order),
    )


@dataclass
class ParticipantRow:
    participant: Participant
    figures: Figures


def participant_rows(workshop: Workshop) -> list[ParticipantRow]:
    """For the facilitator's results page only: one aggregate query over the room."""
    rows = workshop.participants.annotate(
        **{f"n_{name}": value for name, value in counted("attempt__answers__").items()}
    ).order_by("joined_at", "pk")
    return [ParticipantRow(p, Figures.of(p, prefix="n_")) for p in rows]
