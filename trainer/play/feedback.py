"""What the trainee reads after a decision: plain functions from an answer to sentences.

The verdicts here only put into words what ``record_answer`` already decided and stored on
the answer (points, miss direction, lateness); no rule is computed twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import ngettext

from scenarios import story
from scenarios.leadership import (
    BEHAVIOUR,
    READINESS_PLAIN,
    STYLE_PLAIN,
    Miss,
    Readiness,
    Style,
    best_option,
    best_style,
    style_label,
)
from scenarios.models import DecisionPoint, Option
from scenarios.sources import Source, sources_for
from trainer.play.models import Answer

VERDICTS = {
    2: ("Best fit", "good"),
    1: ("Close fit", "neutral"),
    -1: ("Poor fit", "bad"),
    -2: ("Worst fit", "bad"),
}

# How a late decision would have played out, by the followers' readiness for the task: the
# default line, for a point whose content says nothing of its own (``delay_cost``).
DELAY_EFFECTS = {
    Readiness.R1: (
        "A team that could not act on its own had no direction for that long. People "
        "who wait for orders in a crisis start to improvise, and rumours fill the silence."
    ),
    Readiness.R2: (
        "Willing people who still needed direction were left guessing for that long. A "
        "keen team fills a silence with its own plans, and not always the right ones."
    ),
    Readiness.R3: (
        "Able people who needed your backing waited that much longer for it. Hesitation "
        "grows while the leader is silent, and the work they could do stays undone."
    ),
    Readiness.R4: (
        "Able and willing people waited that long for a go-ahead they did not need. The "
        "work could already have been moving, and their trust in being left to act wears thin."
    ),
}


PROVENANCE_NOTES = {
    "fact": "Documented: the sources below record it.",
    "khare": "Atul Khare's own account in his 2016 speech; no other source confirms it.",
    "fiction": "A training invention: the real events are not recorded at this level of detail.",
    "uncertain": "The sources are thin or disagree; read it with care.",
}


def spoken_seconds(seconds: int) -> str:
    """A length of time in words, the one way every page says it: 45 seconds, 1 minute,
    2 minutes 30 seconds (the sign is dropped)."""
    minutes, rest = divmod(abs(int(seconds)), 60)
    parts = []
    if minutes:
        parts.append(
            ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
        )
    if rest or not minutes:
        parts.append(ngettext("%(count)d second", "%(count)d seconds", rest) % {"count": rest})
    return " ".join(parts)


def duration(ms: int) -> str:
    """A time taken in milliseconds, in words to the nearest second (never negative)."""
    return spoken_seconds(max(0, round(ms / 1000)))


def points_words(points: int) -> str:
    """+2 points, +1 point, 0 points, \u22121 point (with a true minus sign)."""
    sign = f"{points:+d}".replace("-", "\u2212") if points else "0"
    return f"{sign} point{'s' if abs(points) != 1 else ''}"


def behaviour(style: str) -> str:
    task, relationship = BEHAVIOUR[style]
    return f"{task} task, {relationship} relationship behaviour"


# What can stop the matching rule at a point (``rule_stop.kind``), as the feedback names it.
RULE_STOP_KINDS = {
    "law": "the law, or a rule that binds you",
    "accountability": "an accountability that stays yours and cannot be handed on",
    "influence": "people you can influence but not command",
    "own-readiness": "your own readiness for this task",
}


@dataclass(frozen=True)
class TeamNeed:
    """One member of a mixed-readiness team, and the style their readiness calls for."""

    who: str
    readiness: str
    readiness_label: str
    style: str  # style_label of the matching style


def team_needs(point: DecisionPoint) -> list[TeamNeed]:
    """Who needed what at a point with a mixed-readiness team: each member's readiness and
    the style the matching rule gives it."""
    needs = []
    for member in point.team or ():
        readiness = member.get("readiness", "")
        try:
            style = style_label(best_style(readiness))
            label = Readiness(readiness).label
        except ValueError:  # content edited by hand into something the model cannot read
            continue
        needs.append(TeamNeed(member.get("who", ""), readiness, label, style))
    return needs


@dataclass
class Feedback:
    """Everything the feedback panel and the debrief review show for one answer."""

    answer: Answer
    point: DecisionPoint
    chosen: Option
    best: Option
    timed: bool = False
    sources: list[Source] = field(default_factory=list)
    heading_level: int = 3
    compact: bool = False  # the debrief's review, where the trainee's answer sits beside it
    conditions: list[str] = field(default_factory=list)  # set so far, this answer's included

    @property
    def diagnosis_right(self) -> bool:
        return self.answer.diagnosis_off == 0

    @property
    def diagnosis_plain(self) -> str:
        return READINESS_PLAIN[self.answer.diagnosis]

    @property
    def readiness_plain(self) -> str:
        return READINESS_PLAIN[self.answer.readiness]

    @property
    def diagnosis_gap(self) -> str:
        off = self.answer.diagnosis_off
        if off == 0:
            return ""
        return "one level off" if off == 1 else f"{off} levels off"

    @property
    def style_name(self) -> str:
        return Style(self.answer.style).label

    @property
    def style_behaviour(self) -> str:
        return behaviour(self.answer.style)

    @property
    def style_plain(self) -> str:
        return STYLE_PLAIN[self.answer.style]

    @property
    def is_best(self) -> bool:
        return self.chosen.pk == self.best.pk

    @property
    def verdict(self) -> str:
        """How well the chosen action fits: the option's own points, whatever the clock."""
        return VERDICTS[self.answer.option_points][0]

    @property
    def verdict_tone(self) -> str:
        return VERDICTS[self.answer.option_points][1]

    @property
    def headline(self) -> str:
        """Both halves in one line: "readiness right, best fit action (+2 points)", and
        "late" when the clock took a point."""
        readiness = "right" if self.diagnosis_right else self.diagnosis_gap
        late = ", late" if self.answer.late else ""
        return f"readiness {readiness}, {self.verdict.lower()} action{late} ({self.points_text})"

    @property
    def points_text(self) -> str:
        """The points this answer earned, as stored: a late one's are already lowered."""
        return points_words(self.answer.points)

    @property
    def option_points_text(self) -> str:
        return points_words(self.answer.option_points)

    @property
    def lost_to_clock(self) -> bool:
        return self.answer.late_penalty > 0

    @property
    def clock_text(self) -> str:
        """What the clock took: "\u22121 point"."""
        return points_words(-self.answer.late_penalty)

    @property
    def miss_text(self) -> str:
        if self.answer.style == self.hard_call_also and self.answer.miss:
            # The other defensible style of a hard call: a miss by LEAD's count, not an error.
            direction = "more" if self.answer.miss == Miss.OVER else "less"
            return f"{direction} directive than LEAD's best fit, and still defensible here"
        if self.answer.miss == Miss.OVER:
            return "more directive than the moment called for (over-directing)"
        if self.answer.miss == Miss.UNDER:
            return "less directive than the moment called for (under-directing)"
        return ""

    @property
    def response_text(self) -> str:
        return duration(self.answer.response_ms)

    @property
    def over_by_text(self) -> str:
        return duration(self.answer.response_ms - self.answer.time_budget * 1000)

    @property
    def delay_effect(self) -> str:
        """What running over cost in the story: the point's own line, or the default one."""
        return self.point.delay_cost.strip() or DELAY_EFFECTS[self.answer.readiness]

    @property
    def ends_scenario(self) -> bool:
        return story.ends_here(self.point, self.chosen, self.conditions)

    @property
    def hard_call_also(self) -> str:
        """The other defensible style at a hard call ("" at any other point)."""
        return (self.point.hard_call or {}).get("also", "")

    @property
    def hard_call_tradeoff(self) -> str:
        return (self.point.hard_call or {}).get("tradeoff", "").strip()

    @property
    def rule_stop_text(self) -> str:
        return (self.point.rule_stop or {}).get("text", "").strip()

    @property
    def rule_stop_kind(self) -> str:
        kind = (self.point.rule_stop or {}).get("kind", "")
        return RULE_STOP_KINDS.get(kind, kind)

    @property
    def matching_style(self) -> str:
        """The style the matching rule alone gives the point's readiness: what a rule stop
        overrides. Every other sentence about the best fit reads ``best``, never this."""
        return best_style(self.point.readiness)

    @property
    def rule_stop_moves_best(self) -> bool:
        return self.best.style != self.matching_style

    @property
    def team(self) -> list[TeamNeed]:
        return team_needs(self.point)

    @property
    def head_html(self) -> SafeString:
        """Readiness, the action and the best fit."""
        return self._render("play/_feedback_head.html")

    @property
    def tail_html(self) -> SafeString:
        """What actually happened, with provenance and sources."""
        return self._render("play/_feedback_tail.html")

    def _render(self, template: str) -> SafeString:
        context = {
            "fb": self,
            "answer": self.answer,
            "point": self.point,
            "hl": self.heading_level,
            "compact": self.compact,
        }
        return render_to_string(template, context)  # safe: the template escaped it


def feedback_for(
    answer: Answer,
    point: DecisionPoint,
    options: list[Option],
    *,
    timed: bool,
    compact: bool = False,
    heading_level: int = 3,
    conditions: list[str] | None = None,
) -> Feedback:
    """Feedback for ``answer``, given its point and that point's options (already loaded),
    and the conditions set so far (which decide whether this answer ends the story)."""
    chosen = next((o for o in options if o.pk == answer.option_id), None) or answer.option
    best = best_option(options) if options else chosen
    return Feedback(
        answer=answer,
        point=point,
        chosen=chosen,
        best=best,
        timed=timed,
        sources=sources_for(point.sources),
        compact=compact,
        heading_level=heading_level,
        conditions=list(conditions or ()),
    )
