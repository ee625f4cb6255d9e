"""Attempts at a scenario and the answers given in them.

The rules live here: ``Attempt.record_answer`` is the one way an answer is written (with the
conditions its action sets), and ``Attempt.advance`` the one way an attempt moves on (where
``scenarios.story`` says). Views only call them.
"""

from __future__ import annotations

import math
import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from scenarios import story
from scenarios.cache import stamp_of
from scenarios.leadership import Miss, Readiness, Style, best_option
from scenarios.models import DecisionPoint, Option, Scenario
from trainer.play.scoring import best_fit, snapshot

REASON_MAX_LENGTH = 280


class Mode(models.TextChoices):
    REFLECTIVE = "reflective", "Reflective (untimed)"
    TIMED = "timed", "Golden Hour (timed)"
    WORKSHOP = "workshop", "Workshop"


class AnswerRefused(Exception):
    """An answer that cannot be recorded. ``message`` is written for the trainee."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def new_guest_token() -> str:
    return secrets.token_urlsafe(24)


class AttemptQuerySet(models.QuerySet):
    def owned_by(self, user, guest_token: str | None) -> AttemptQuerySet:
        """Attempts of a logged-in user, or of a guest identified by their session token."""
        if user is not None and user.is_authenticated:
            return self.filter(user=user)
        if guest_token:
            return self.filter(user__isnull=True, guest_token=guest_token)
        return self.none()

    def finished(self) -> AttemptQuerySet:
        return self.filter(finished_at__isnull=False)

    def unfinished(self) -> AttemptQuerySet:
        return self.filter(finished_at__isnull=True)

    def self_paced(self) -> AttemptQuerySet:
        """Attempts a trainee plays alone (reflective or timed), not workshop answers."""
        return self.exclude(mode=Mode.WORKSHOP)

    def stamped(self, pk: uuid.UUID) -> Attempt | None:
        """The attempt with its scenario, and so its content stamp (``content_stamp``), in
        one query; ``None`` when there is no such attempt.

        For the answer's path: with the stamp, ``scenarios.cache`` gives the current point
        and its options from memory.
        """
        try:
            found = self.select_related("scenario").get(pk=pk)
        except Attempt.DoesNotExist:
            return None
        found.content_stamp = stamp_of(found.scenario.content_version, found.scenario.updated_at)
        return found


class Attempt(models.Model):
    """One run through a scenario by one trainee (or one workshop participant)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attempts",
    )
    guest_token = models.CharField(max_length=64, blank=True, db_index=True)
    mode = models.CharField(max_length=12, choices=Mode.choices, default=Mode.REFLECTIVE)
    content_version = models.PositiveIntegerField()
    current_point = models.ForeignKey(
        DecisionPoint, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    current_served_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the server first showed the current decision's choices: its clock "
        "starts here (in Golden Hour mode, once the trainee has read the situation).",
    )
    points_done = models.PositiveSmallIntegerField(
        default=0,
        help_text="Decisions answered and moved past; the current one is number points_done + 1.",
    )
    conditions = models.JSONField(
        default=list,
        blank=True,
        help_text="The scenario's conditions set so far, sorted: by this attempt's own "
        "answers, or, in a workshop, by the actions the room followed.",
    )
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["user", "scenario", "-started_at"]),
            # The xAPI catch-up finds recently finished attempts by time.
            models.Index(fields=["finished_at"], name="play_attempt_finished_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(mode__in=Mode.values), name="attempt_mode_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.scenario} ({self.get_mode_display()}, {self.started_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        if self.is_finished:
            return reverse("play:debrief", args=[self.pk])
        return reverse("play:play", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def is_timed(self) -> bool:
        return self.mode == Mode.TIMED

    @property
    def decision_number(self) -> int:
        """The number of the current decision along this attempt's path, from 1."""
        return self.points_done + 1

    @property
    def reading_first(self) -> bool:
        """Is the trainee still reading the current decision's situation, before its clock?

        In Golden Hour mode the choices (and the clock) wait until the trainee turns to them;
        in reflective mode they are shown at once.
        """
        waiting = self.current_point_id is not None and self.current_served_at is None
        return self.is_timed and waiting

    def deadline(self) -> datetime | None:
        """When the current decision's time budget runs out, in Golden Hour mode."""
        if not self.is_timed or self.current_served_at is None or self.current_point is None:
            return None
        return self.current_served_at + timedelta(seconds=self.current_point.time_budget)

    def seconds_left(self, now: datetime | None = None) -> int | None:
        """Whole seconds left on the current decision's clock (negative once over time)."""
        deadline = self.deadline()
        if deadline is None:
            return None
        return math.floor((deadline - (now or timezone.now())).total_seconds())

    @classmethod
    def start(cls, scenario: Scenario, *, user=None, guest_token: str = "", mode: str) -> Attempt:
        first = scenario.first_point()
        if first is None:
            raise ValueError(f"scenario {scenario.slug} has no decision points")
        return cls.objects.create(
            scenario=scenario,
            user=user if user is not None and user.is_authenticated else None,
            guest_token="" if user is not None and user.is_authenticated else guest_token,
            mode=mode,
            content_version=scenario.content_version,
            current_point=first,
        )

    def mark_served(self, now: datetime | None = None) -> None:
        """Start the clock on the current decision the first time its choices are shown,
        never again: a reload, a second tab or a repeated "Turn to the choices" finds it set."""
        if self.current_served_at is not None or self.current_point_id is None:
            return
        now = now or timezone.now()
        updated = Attempt.objects.filter(pk=self.pk, current_served_at__isnull=True).update(
            current_served_at=now
        )
        if updated:
            self.current_served_at = now
        else:
            self.refresh_from_db(fields=["current_served_at"])

    def check_answerable(self, point: DecisionPoint | None) -> Answer | None:
        """May ``point`` be answered now? The one place that says so.

        Returns ``None`` when the point is this attempt's current decision (the unique
        constraint catches a second answer to it when it is written, at no extra query), and
        the earlier answer when ``point`` was answered before: a second answer never replaces
        the first. Raises ``AnswerRefused`` for a finished attempt, or a point that is not on
        the attempt's current path.
        """
        if point is not None and not self.is_finished and self.current_point_id == point.pk:
            return None
        if point is not None and point.scenario_id == self.scenario_id:
            existing = Answer.objects.filter(attempt=self, decision_point=point).first()
            if existing is not None:
                return existing
        if self.is_finished:
            raise AnswerRefused(
                "finished", "This attempt is finished, so it takes no more answers."
            )
        raise AnswerRefused(
            "path", "That decision is not the one you are on now; here is where you are."
        )

    def record_answer(
        self,
        *,
        point: DecisionPoint,
        option: Option,
        diagnosis: str,
        confidence: int | None = None,
        reason: str = "",
        now: datetime | None = None,
        options: Sequence[Option] | None = None,
    ) -> tuple[Answer, bool]:
        """Record the answer to ``point``; return it and whether it is new.

        ``options`` are the point's options when the caller has them loaded already (the
        best fit is found among them instead of with a query).

        A second answer to the same point returns the first one unchanged. Anything else
        that is wrong raises ``AnswerRefused`` and writes nothing.

        No lock is needed: an attempt only moves on from a decision once that decision has
        an answer, and the database allows one answer per decision, so of two racing
        answers exactly one is written and the other gets it back. On the usual path this
        costs one INSERT (inside a savepoint when a caller's transaction is open, so a refused
        insert never spoils it).
        """
        if diagnosis not in Readiness.values:
            raise AnswerRefused("diagnosis", "Choose how ready the followers are (R1 to R4).")
        if option.decision_point_id != point.pk:
            raise AnswerRefused("option", "That action does not belong to this decision.")
        if confidence is not None and not 1 <= confidence <= 5:
            raise AnswerRefused("confidence", "Confidence goes from 1 to 5.")
        reason = (reason or "").strip()
        if len(reason) > REASON_MAX_LENGTH:
            raise AnswerRefused(
                "reason", f"Keep the reason to {REASON_MAX_LENGTH} characters or fewer."
            )
        existing = self.check_answerable(point)
        if existing is not None:
            return existing, False
        if self.reading_first:
            # Its choices were never shown, so its clock never started: an answer now would
            # dodge the clock.
            raise AnswerRefused(
                "clock", "Turn to the choices first: this decision's clock starts there."
            )
        now = now or timezone.now()
        served_at = self.current_served_at or now
        answer = Answer(
            attempt=self,
            decision_point=point,
            option=option,
            sequence=self.points_done + 1,
            confidence=confidence,
            reason=reason,
            served_at=served_at,
            answered_at=now,
            **snapshot(
                readiness=point.readiness,
                time_budget=point.time_budget,
                option=option,
                best_style=best_option(
                    options if options is not None else point.options.all()
                ).style,
                diagnosis=diagnosis,
                response_ms=max(0, int((now - served_at).total_seconds() * 1000)),
                timed=self.is_timed,
            ),
        )
        # In a workshop the room's followed action sets the story's conditions, not each
        # phone's answer (``Workshop.open_next``).
        sets = option.sets if self.mode != Mode.WORKSHOP else []
        conditions = story.applied(self.conditions, sets)
        try:
            if sets or transaction.get_connection().in_atomic_block:
                # Inside a caller's transaction, a savepoint keeps it usable if we are refused;
                # an answer that sets conditions writes them with the answer or not at all.
                with transaction.atomic():
                    answer.save(force_insert=True)
                    if conditions != self.conditions:
                        Attempt.objects.filter(pk=self.pk).update(conditions=conditions)
            else:
                # On its own, one INSERT is already atomic, and a refused one harms nothing.
                answer.save(force_insert=True)
        except IntegrityError:
            # A second answer to this decision: the first one stands.
            first = Answer.objects.filter(attempt=self, decision_point=point).first()
            if first is None:
                raise
            return first, False
        self.conditions = conditions
        return answer, True

    def advance(self, from_point: DecisionPoint, now: datetime | None = None) -> bool:
        """Move on from ``from_point``: along the first of its routes that the attempt's
        conditions open, or else the branch its answer chose (``story.following``).

        Returns False and changes nothing if the attempt is no longer at ``from_point``
        or it has not been answered, so a double submit cannot skip a decision.
        """
        now = now or timezone.now()
        with transaction.atomic():
            attempt = Attempt.objects.select_for_update().get(pk=self.pk)
            if attempt.is_finished or attempt.current_point_id != from_point.pk:
                return False
            answer = (
                Answer.objects.filter(attempt=attempt, decision_point=from_point)
                .select_related("option__next_point")
                .first()
            )
            if answer is None:
                return False
            # The conditions already hold the answer's own (record_answer wrote them).
            following = story.following(from_point, answer.option, attempt.conditions)
            attempt.current_point = following
            attempt.current_served_at = None
            attempt.points_done += 1
            if following is None:
                attempt.finished_at = now
            attempt.save(
                update_fields=[
                    "current_point",
                    "current_served_at",
                    "points_done",
                    "finished_at",
                    "updated_at",
                ]
            )
        self.current_point = attempt.current_point
        self.current_served_at = None
        self.conditions = attempt.conditions
        self.points_done = attempt.points_done
        self.finished_at = attempt.finished_at
        return True


class Answer(models.Model):
    """One decision: the diagnosis, the action, and a snapshot of how it scored.

    The snapshot (style, points, readiness, best style) keeps past results true even if
    the scenario's content is edited later.
    """

    # No index of their own: "one_answer_per_point" (attempt, decision_point) and the index
    # on (decision_point, style) lead with these columns and serve every lookup by them, and
    # each index less is one write less on every answer.
    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    decision_point = models.ForeignKey(
        DecisionPoint, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    option = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveSmallIntegerField()
    style = models.CharField(max_length=2, choices=Style.choices)
    points = models.SmallIntegerField()
    best_style = models.CharField(max_length=2, choices=Style.choices)
    diagnosis = models.CharField(max_length=2, choices=Readiness.choices)
    readiness = models.CharField(max_length=2, choices=Readiness.choices)
    diagnosis_off = models.PositiveSmallIntegerField(help_text="0 when the diagnosis was right.")
    miss = models.CharField(max_length=5, choices=Miss.choices, blank=True)
    confidence = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)
    # A workshop's facilitator can keep a reason off the projector; the learner still sees it.
    reason_hidden = models.BooleanField(default=False)
    served_at = models.DateTimeField()
    answered_at = models.DateTimeField()
    response_ms = models.PositiveIntegerField()
    time_budget = models.PositiveSmallIntegerField()
    late = models.BooleanField(default=False)
    late_penalty = models.PositiveSmallIntegerField(
        default=0,
        help_text="Points the clock took: its option earned points + late_penalty "
        "(see trainer.play.scoring.late_penalty).",
    )

    class Meta:
        ordering = ["attempt_id", "sequence"]  # by the column: no join to the attempt
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "decision_point"], name="one_answer_per_point"
            ),
            models.CheckConstraint(
                condition=Q(points__in=[-2, -1, 0, 1, 2]), name="answer_points_valid"
            ),
            models.CheckConstraint(
                condition=Q(late_penalty__lte=1), name="answer_late_penalty_valid"
            ),
            models.CheckConstraint(
                condition=Q(diagnosis_off__lte=3), name="answer_diagnosis_off_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["decision_point", "style"]),
            # The xAPI catch-up and date-filtered exports find recent answers by time.
            models.Index(fields=["answered_at"], name="play_answer_answered_at"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id} {self.decision_point} {self.style}"

    @property
    def diagnosis_right(self) -> bool:
        return self.diagnosis_off == 0

    @property
    def best_fit(self) -> bool:
        return best_fit(self.style, self.best_style)

    @property
    def option_points(self) -> int:
        """What the chosen option earns, before the clock took its share."""
        return self.points + self.late_penalty
