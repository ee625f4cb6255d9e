"""Scenario content: scenarios, their decision points and the four options of each."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from scenarios.leadership import Readiness, Style, is_best_fit


class Phase(models.TextChoices):
    BEFORE = "before", "Before the crisis"
    FIRST_HOUR = "first-hour", "The first hour"
    FIRST_DAYS = "first-days", "The first days"
    WEEKS_AFTER = "weeks-after", "The weeks after"
    BACK_TO_NORMAL = "back-to-normal", "Back to normal"
    WHOLE_ARC = "whole-arc", "The whole arc"


PHASE_ORDER = {value: index for index, value in enumerate(Phase.values)}

# The style each phase usually calls for, as the keynote walks through the arc. A point that
# "breaks the pattern" has a best fit other than its phase's style.
PHASE_STYLE: dict[str, str] = {
    Phase.BEFORE: Style.S4,
    Phase.FIRST_HOUR: Style.S1,
    Phase.FIRST_DAYS: Style.S2,
    Phase.WEEKS_AFTER: Style.S3,
    Phase.BACK_TO_NORMAL: Style.S4,
}


class RuleStop(models.TextChoices):
    """What can override the matching rule at a point."""

    LAW = "law", "The law or a binding rule"
    ACCOUNTABILITY = "accountability", "Accountability that cannot be handed on"
    INFLUENCE = "influence", "Influence beyond the leader's authority"
    OWN_READINESS = "own-readiness", "The leader's own readiness"


class ConditionWarning(models.TextChoices):
    """The two warnings of the keynote a branch can teach."""

    LATE_TO_LEAD = "late-to-lead", "Failing to take charge"
    DIRECTIVE_TOO_LONG = "directive-too-long", "Staying directive too long"


class Seat(models.TextChoices):
    """Whose seat the trainee takes: a leader judging the people they lead, or a follower
    judging their own readiness and asking their leader for the leadership they need."""

    LEADER = "leader", "Leader"
    FOLLOWER = "follower", "Follower"


class Provenance(models.TextChoices):
    FACT = "fact", "Documented fact"
    KHARE = "khare", "Khare's account"
    FICTION = "fiction", "Training fiction"
    UNCERTAIN = "uncertain", "Uncertain"


class ScenarioQuerySet(models.QuerySet):
    def published(self) -> ScenarioQuerySet:
        return self.filter(published=True)

    def with_point_counts(self) -> ScenarioQuerySet:
        """Each scenario with ``point_count``, its active decision points."""
        return self.annotate(
            point_count=models.Count(
                "decision_points", filter=models.Q(decision_points__active=True)
            )
        )

    def in_arc_order(self) -> list[Scenario]:
        return sorted(self, key=lambda s: (PHASE_ORDER.get(s.phase, 99), s.title))


class Scenario(models.Model):
    slug = models.SlugField(unique=True, max_length=80)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    trains = models.TextField("what it trains")
    phase = models.CharField(max_length=20, choices=Phase.choices)
    minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    seat = models.CharField(max_length=10, choices=Seat.choices, default=Seat.LEADER)
    published = models.BooleanField(default=True)
    debrief_prompt = models.TextField()
    content_version = models.PositiveIntegerField(
        default=1, help_text="Goes up by one each time loaded content changes."
    )
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    conditions = models.JSONField(
        default=dict,
        blank=True,
        help_text='Conditions a choice can set: {name: {"text": ..., "warning": ...}}.',
    )
    endings = models.JSONField(
        default=list,
        blank=True,
        help_text='Endings in order: [{"key", "title", "text", "if": [...], "unless": [...]}]; '
        "the debrief shows the first whose conditions hold.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    # The language of the texts this instance holds: the English source unless a localized
    # copy for a reader's language replaced them (scenarios.translations). Templates put it on
    # the element that shows the content, as lang="...".
    content_language = "en"

    objects = ScenarioQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("play:scenario", args=[self.slug])

    @property
    def follower_seat(self) -> bool:
        """The trainee is led here: they judge their own readiness and ask for a style."""
        return self.seat == Seat.FOLLOWER

    def first_point(self) -> DecisionPoint | None:
        return self.decision_points.filter(active=True).order_by("order").first()


class DecisionPoint(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="decision_points")
    key = models.SlugField(max_length=80)
    order = models.PositiveSmallIntegerField()
    active = models.BooleanField(
        default=True,
        help_text="Points removed from the content file stay here, inactive, "
        "so answers that refer to them keep their meaning.",
    )
    moment = models.CharField("crisis-clock moment", max_length=120)
    role = models.CharField("the trainee's role", max_length=120)
    narrative = models.TextField()
    followers = models.TextField()
    cues = models.JSONField(default=list, help_text="A list of short sentences.")
    readiness = models.CharField(max_length=2, choices=Readiness.choices)
    readiness_rationale = models.TextField()
    time_budget = models.PositiveSmallIntegerField(
        "time budget (seconds)", default=90, validators=[MinValueValidator(10)]
    )
    happened = models.TextField("what actually happened")
    scene_note = models.TextField(
        blank=True,
        help_text="What in this scene is invented, when what happened is documented. "
        "Shown apart from it, so the provenance label speaks for what happened alone.",
    )
    provenance = models.CharField(max_length=10, choices=Provenance.choices)
    sources = models.JSONField(default=list, blank=True, help_text="Source keys from the brief.")
    discussion_prompt = models.TextField(blank=True)
    phase = models.CharField(
        max_length=20, blank=True, help_text="The phase this moment belongs to, if set."
    )
    breaks_pattern = models.TextField(
        blank=True, help_text="Why the best fit here is not the style its phase usually calls for."
    )
    team = models.JSONField(
        default=list,
        blank=True,
        help_text='A mixed-readiness team: [{"who": ..., "readiness": "R4"}].',
    )
    hard_call = models.JSONField(
        default=dict,
        blank=True,
        help_text='Two defensible styles: {"also": "S2", "tradeoff": ...}, or empty.',
    )
    rule_stop = models.JSONField(
        default=dict,
        blank=True,
        help_text='What overrides the matching rule: {"kind", "style", "text"}, or empty.',
    )
    if_set = models.JSONField(
        default=dict,
        blank=True,
        help_text='Text shown when a condition is set: {name: {"narrative": ..., "cues": [...]}}.',
    )
    routes = models.JSONField(
        default=list,
        blank=True,
        help_text='Checked after the answer: [{"if": [...], "unless": [...], "next": key}]; '
        "the first that holds decides the next point (a null next: the end).",
    )
    delay_cost = models.TextField(
        blank=True, help_text="Timed mode: what running over the clock cost in the story."
    )

    # The language of the texts this instance holds: the English source unless a localized
    # copy for a reader's language replaced them (scenarios.translations). Templates put it on
    # the element that shows the content, as lang="...".
    content_language = "en"

    class Meta:
        ordering = ["scenario_id", "order"]  # by the column: no join to the scenario
        constraints = [
            models.UniqueConstraint(fields=["scenario", "key"], name="unique_point_key"),
            models.CheckConstraint(
                condition=models.Q(readiness__in=Readiness.values), name="point_readiness_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(provenance__in=Provenance.values), name="point_provenance_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario.slug}/{self.key}"


class Option(models.Model):
    decision_point = models.ForeignKey(
        DecisionPoint, on_delete=models.CASCADE, related_name="options"
    )
    order = models.PositiveSmallIntegerField(default=0)
    style = models.CharField(max_length=2, choices=Style.choices)
    text = models.TextField("action")
    points = models.SmallIntegerField(
        choices=[(2, "+2 (best fit)"), (1, "+1"), (-1, "-1"), (-2, "-2")],
        help_text="Effectiveness for the followers' readiness.",
    )
    feedback = models.TextField()
    next_point = models.ForeignKey(
        DecisionPoint,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Where this choice leads. Empty: the scenario ends here.",
    )
    sets = models.JSONField(
        default=list,
        blank=True,
        help_text="Conditions this choice sets for the rest of the attempt.",
    )

    # The language of the texts this instance holds: the English source unless a localized
    # copy for a reader's language replaced them (scenarios.translations). Templates put it on
    # the element that shows the content, as lang="...".
    content_language = "en"

    class Meta:
        ordering = ["decision_point_id", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision_point", "style"], name="one_option_per_style"
            ),
            models.CheckConstraint(
                condition=models.Q(points__in=[-2, -1, 1, 2]), name="option_points_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(style__in=Style.values), name="option_style_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision_point} {self.style}"

    @property
    def is_best(self) -> bool:
        return is_best_fit(self.points)
