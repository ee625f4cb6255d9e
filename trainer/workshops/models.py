"""Live workshops: a facilitator paces a room through one scenario, decision by decision.

All state is in these tables, so any number of app processes can serve one workshop.
Each participant plays through their own ``Attempt`` (mode ``workshop``); answers are
written only by ``Attempt.record_answer``. What belongs to the room (which decision is
open, whether answers are locked or revealed, which branch the story follows, and the
conditions the followed actions set, which ``scenarios.story`` reads) lives here.

Two counters on ``Workshop`` let live screens poll cheaply:

- ``revision`` goes up on every change anyone could see: a transition, a join, an answer,
  a branch pick. Presenter and control screens derive their ETag from it.
- ``stage`` goes up only when the facilitator moves the room on (open, lock, reopen,
  reveal, end). A participant's screen changes only then, or when they answer themselves
  (and that answer's response brings them their new screen), so their ETag comes from it
  and the answers of 300 other people do not wipe the form they are filling in.

Both are bumped with ``F()`` updates, so concurrent answers never lose a count.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from scenarios import story
from scenarios.models import DecisionPoint, Option, Scenario
from trainer.play.models import Answer, AnswerRefused, Attempt, Mode, new_guest_token
from trainer.workshops import codes

DISPLAY_NAME_MAX_LENGTH = 30
TITLE_MAX_LENGTH = 120


class Status(models.TextChoices):
    LOBBY = "lobby", "Waiting to start"
    OPEN = "open", "Answering"
    LOCKED = "locked", "Answers locked"
    REVEALED = "revealed", "Answers revealed"
    ENDED = "ended", "Ended"


class FollowedBy(models.TextChoices):
    NONE = "", "Not yet"
    MAJORITY = "majority", "The room's most chosen action"
    FACILITATOR = "facilitator", "The facilitator's pick"


MOVED_ON = (
    "The workshop moved on since this screen was drawn (another tab, or a double click?). "
    "Nothing was changed; here is where it is now."
)


class WorkshopRefused(Exception):
    """A transition or a join that cannot happen now. ``message`` is written for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WorkshopQuerySet(models.QuerySet):
    def live(self) -> WorkshopQuerySet:
        return self.exclude(status=Status.ENDED)

    def run_by(self, user) -> WorkshopQuerySet:
        """The workshops a user may control: their own, or every one for staff."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(facilitator=user)


# How many people may join one room unless the facilitator sets another number: a flood of
# joins (or a code posted in public) stops there.
DEFAULT_CAPACITY = 500
MAX_CAPACITY = 5000

# An answer sent as the countdown ran out, still on its way, counts.
COUNTDOWN_GRACE = timedelta(seconds=2)


class Workshop(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="workshops")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshops"
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH, blank=True)
    code = models.CharField(max_length=codes.LENGTH)
    room_key = models.CharField(
        max_length=24,
        unique=True,
        default=codes.new_room_key,
        editable=False,
        help_text="The random part of the room's address on the participants' phones.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.LOBBY)
    current_step = models.ForeignKey(
        "Step", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revision = models.PositiveIntegerField(default=1)
    stage = models.PositiveIntegerField(default=1)
    capacity = models.PositiveIntegerField(
        default=DEFAULT_CAPACITY, help_text="The most people who can join; the facilitator sets it."
    )
    conditions = models.JSONField(
        default=list,
        blank=True,
        help_text="The scenario's conditions the room's story has set, sorted: by the action "
        "the room followed at each decision (the majority's, or the facilitator's pick).",
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(status="ended"),
                name="workshop_live_code_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["lobby", "open", "locked", "revealed", "ended"]),
                name="workshop_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["facilitator", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("workshops:control", args=[self.pk])

    @property
    def name(self) -> str:
        return self.title or self.scenario.title

    @property
    def is_live(self) -> bool:
        return self.status != Status.ENDED

    @property
    def code_grouped(self) -> str:
        return codes.grouped(self.code)

    @property
    def join_path(self) -> str:
        return reverse("workshops:join_code", args=[self.code])

    @property
    def room_path(self) -> str:
        """The participant's screen: by a random key, never by the workshop's number."""
        return reverse("workshops:participant", args=[self.room_key])

    # Creation -------------------------------------------------------------------------

    @classmethod
    def create(cls, *, scenario: Scenario, facilitator, title: str = "") -> Workshop:
        """A new workshop in the lobby, with a code no live workshop is using."""
        if scenario.first_point() is None:
            raise WorkshopRefused("That scenario has no decisions to play yet.")
        for _ in range(20):
            code = codes.new_code()
            if cls.objects.live().filter(code=code).exists():
                continue
            try:
                with transaction.atomic():
                    return cls.objects.create(
                        scenario=scenario, facilitator=facilitator, title=title, code=code
                    )
            except IntegrityError:
                continue  # another workshop took the same code a moment ago
        raise WorkshopRefused("Could not find a free join code; please try again.")

    # Transitions: each locks the workshop row, checks, changes, bumps both counters ----

    def open_next(self, *, expected_step: int | None = None, now: datetime | None = None) -> Step:
        """Open the first decision, or the one the revealed decision's branch leads to."""
        now = now or timezone.now()
        with transaction.atomic():
            workshop = self._locked(expected_step)
            if workshop.status == Status.LOBBY:
                point = workshop.scenario.first_point()
                number = 1
            elif workshop.status == Status.REVEALED:
                step = workshop.current_step
                option, followed_by = step.branch()
                conditions = story.applied(workshop.conditions, option.sets)
                point = story.following(step.decision_point, option, conditions)
                if point is None:
                    raise WorkshopRefused(
                        "This branch of the story ends here. End the workshop to show the summary."
                    )
                step.followed_option = option
                step.followed_by = followed_by
                step.save(update_fields=["followed_option", "followed_by"])
                workshop._move_past(step)
                workshop.conditions = conditions
                number = step.number + 1
            elif workshop.status == Status.ENDED:
                raise WorkshopRefused("The workshop has ended.")
            else:
                raise WorkshopRefused(
                    "Reveal the answers to this decision before opening the next one."
                )
            new_step = Step.objects.create(
                workshop=workshop, number=number, decision_point=point, opened_at=now
            )
            # Every phone's attempt is in the room's story, so it carries the room's conditions.
            workshop._attempts().update(
                current_point=point,
                current_served_at=now,
                conditions=workshop.conditions,
                updated_at=now,
            )
            workshop._move(Status.OPEN, current_step=new_step, conditions=workshop.conditions)
        return new_step

    def lock(self, *, expected_step: int | None = None, now: datetime | None = None) -> None:
        now = now or timezone.now()
        with transaction.atomic():
            workshop = self._locked(expected_step)
            if workshop.status == Status.LOCKED:
                raise WorkshopRefused("Answers are already locked.")
            if workshop.status != Status.OPEN:
                raise WorkshopRefused("No decision is open, so there is nothing to lock.")
            Step.objects.filter(pk=workshop.current_step_id).update(locked_at=now)
            workshop._attempts().update(current_point=None, updated_at=now)
            workshop._move(Status.LOCKED)

    def reopen(self, *, expected_step: int | None = None, now: datetime | None = None) -> None:
        """Take answers again after a lock, for the stragglers; earlier answers stand."""
        now = now or timezone.now()
        with transaction.atomic():
            workshop = self._locked(expected_step)
            if workshop.status != Status.LOCKED:
                raise WorkshopRefused("Only locked answers can be reopened.")
            step = workshop.current_step
            Step.objects.filter(pk=step.pk).update(locked_at=None, closes_at=None)
            workshop._attempts().update(current_point=step.decision_point_id, updated_at=now)
            workshop._move(Status.OPEN)

    def count_down(
        self, seconds: int, *, expected_step: int | None = None, now: datetime | None = None
    ) -> Step:
        """Lock the open decision ``seconds`` from now, or that much later than a countdown
        already running ("+30 s")."""
        now = now or timezone.now()
        with transaction.atomic():
            workshop = self._locked(expected_step)
            if workshop.status != Status.OPEN:
                raise WorkshopRefused("A countdown runs only while a decision is open.")
            step = workshop.current_step
            start = max(now, step.closes_at) if step.closes_at else now
            step.closes_at = start + timedelta(seconds=seconds)
            step.save(update_fields=["closes_at"])
            Workshop.bump_revision(workshop.pk)
        return step

    def lock_if_time_is_up(self, now: datetime | None = None) -> bool:
        """Lock the open decision once its countdown has run out; True if it did. Every
        screen asks when it draws, so the room locks even if nobody presses anything."""
        step = self.current_step
        if self.status != Status.OPEN or step is None or not step.time_is_up(now):
            return False
        with contextlib.suppress(WorkshopRefused):  # another screen locked it first
            self.lock(expected_step=self.step_number, now=now)
        return True

    def reveal(self, *, expected_step: int | None = None, now: datetime | None = None) -> None:
        """Show the room's answers; locks them first if they were still open."""
        now = now or timezone.now()
        with transaction.atomic():
            workshop = self._locked(expected_step)
            if workshop.status == Status.REVEALED:
                raise WorkshopRefused("The answers are already revealed.")
            if workshop.status not in (Status.OPEN, Status.LOCKED):
                raise WorkshopRefused("Open a decision before revealing answers.")
            if workshop.status == Status.OPEN:
                workshop._attempts().update(current_point=None, updated_at=now)
            Step.objects.filter(pk=workshop.current_step_id, locked_at__isnull=True).update(
                locked_at=now
            )
            Step.objects.filter(pk=workshop.current_step_id).update(revealed_at=now)
            workshop._move(Status.REVEALED)

    def choose_branch(self, option_id: int | None, *, expected_step: int | None = None) -> None:
        """The facilitator's pick of the action the story follows; ``None``: the majority's."""
        with transaction.atomic():
            workshop = self._locked(expected_step)
            if workshop.status != Status.REVEALED:
                raise WorkshopRefused("Choose the branch after the answers are revealed.")
            step = workshop.current_step
            option = None
            if option_id is not None:
                option = Option.objects.filter(
                    pk=option_id, decision_point_id=step.decision_point_id
                ).first()
                if option is None:
                    raise WorkshopRefused("That action does not belong to this decision.")
            Step.objects.filter(pk=step.pk).update(branch_pick=option)
            Workshop.bump_revision(workshop.pk)

    def end(self, *, expected_step: int | None = None, now: datetime | None = None) -> None:
        now = now or timezone.now()
        with transaction.atomic():
            workshop = self._locked(expected_step)
            if workshop.status == Status.ENDED:
                raise WorkshopRefused("The workshop has already ended.")
            if workshop.status == Status.REVEALED:
                # The last revealed decision's followed action still sets its conditions:
                # the room's ending depends on them.
                option, _ = workshop.current_step.branch()
                workshop.conditions = story.applied(workshop.conditions, option.sets)
            if workshop.current_step is not None:
                workshop._move_past(workshop.current_step)
            workshop._attempts().update(
                current_point=None,
                finished_at=now,
                conditions=workshop.conditions,
                updated_at=now,
            )
            workshop._move(Status.ENDED, ended_at=now, conditions=workshop.conditions)

    def hide_reason(
        self, answer_id: int, *, hidden: bool = True, expected_step: int | None = None
    ) -> None:
        """Keep one reason of the current decision off the projector (or show it again)."""
        with transaction.atomic():
            workshop = self._locked(expected_step)
            step = workshop.current_step
            changed = (
                step.answers().filter(pk=answer_id).exclude(reason="").update(reason_hidden=hidden)
                if step is not None
                else 0
            )
            if not changed:
                raise WorkshopRefused("That reason is not one of this decision's.")
            Workshop.bump_revision(workshop.pk)

    # Participants --------------------------------------------------------------------

    def join(self, *, display_name: str, user=None, now: datetime | None = None) -> Participant:
        """Add a participant with their own attempt, ready for the decision open now.

        Locks the workshop row, so a join and an "open next" never interleave: either the
        newcomer exists before the decision opens, or they join an open decision.
        """
        now = now or timezone.now()
        logged_in = user is not None and user.is_authenticated
        with transaction.atomic():
            workshop = self._locked()
            if workshop.status == Status.ENDED:
                raise WorkshopRefused("This workshop has ended, so it cannot be joined any more.")
            if logged_in:
                existing = workshop.participants.filter(user=user).first()
                if existing is not None:
                    return existing
            if workshop.participants.count() >= workshop.capacity:
                raise WorkshopRefused(
                    f"This workshop is full: {workshop.capacity} people have joined. "
                    "Ask the facilitator to make room."
                )
            attempt = Attempt.start(
                workshop.scenario,
                user=user if logged_in else None,
                guest_token="" if logged_in else new_guest_token(),
                mode=Mode.WORKSHOP,
            )
            step = workshop.current_step
            attempt.current_point_id = (
                step.decision_point_id if workshop.status == Status.OPEN else None
            )
            attempt.current_served_at = now if workshop.status == Status.OPEN else None
            attempt.conditions = workshop.conditions
            attempt.save(
                update_fields=["current_point", "current_served_at", "conditions", "updated_at"]
            )
            participant = Participant.objects.create(
                workshop=workshop,
                attempt=attempt,
                user=user if logged_in else None,
                display_name=workshop.unused_name(display_name),
                joined_at=now,
            )
            Workshop.bump_revision(workshop.pk)
        return participant

    def remove(self, participant_id: int) -> str:
        """Take someone out of the room (a prank name, a second phone, a flood): their
        answers leave every tally and their name the screens. Returns the name."""
        with transaction.atomic():
            workshop = self._locked()
            if workshop.status == Status.ENDED:
                raise WorkshopRefused("This workshop has ended; its results stay as they are.")
            participant = (
                workshop.participants.select_related("attempt").filter(pk=participant_id).first()
            )
            if participant is None:
                raise WorkshopRefused("That person is no longer in the room.")
            name = participant.display_name
            participant.attempt.delete()  # the participant and the answers go with it
            # Both counters: the screens redraw, and the removed phone finds it is out.
            Workshop.objects.filter(pk=workshop.pk).update(
                revision=F("revision") + 1, stage=F("stage") + 1
            )
        return name

    def set_capacity(self, capacity: int) -> None:
        with transaction.atomic():
            workshop = self._locked()
            if workshop.status == Status.ENDED:
                raise WorkshopRefused("This workshop has ended; nobody can join it any more.")
            Workshop.objects.filter(pk=workshop.pk).update(capacity=capacity)

    def unused_name(self, name: str) -> str:
        """``name``, or ``name 2``, ``name 3``... when someone in the room already has it, so
        the room can tell two Anas apart. Call with the workshop row locked."""
        taken = {
            taken.casefold()
            for taken in self.participants.filter(display_name__istartswith=name).values_list(
                "display_name", flat=True
            )
        }
        candidate, number = name, 1
        while candidate.casefold() in taken:
            number += 1
            candidate = f"{name} {number}"
        return candidate

    @staticmethod
    def bump_revision(workshop_id: int) -> None:
        """Something anyone could see changed: presenter and control screens refresh."""
        Workshop.objects.filter(pk=workshop_id).update(revision=F("revision") + 1)

    # Helpers -------------------------------------------------------------------------

    def _locked(self, expected_step: int | None = None) -> Workshop:
        """This workshop's row, locked until the transaction ends.

        ``expected_step`` is the decision number the facilitator's screen showed; when the
        room has moved on since (a double click, a second control tab) nothing happens.
        """
        workshop = (
            Workshop.objects.select_for_update(of=("self",))
            .select_related("scenario", "current_step")
            .get(pk=self.pk)
        )
        if expected_step is not None and workshop.step_number != expected_step:
            raise WorkshopRefused(MOVED_ON)
        return workshop

    @property
    def step_number(self) -> int:
        """The number of the decision on screen now; 0 before the first one opens."""
        return self.current_step.number if self.current_step_id else 0

    def _attempts(self):
        return Attempt.objects.filter(workshop_participant__workshop=self)

    def _move_past(self, step: Step) -> None:
        """Count ``step`` in ``points_done`` of every attempt that answered it, so their next
        answer is numbered after it (the attempt's own rule for its answers' sequence)."""
        self._attempts().filter(answers__decision_point_id=step.decision_point_id).update(
            points_done=F("points_done") + 1
        )

    def _move(self, status: str, **fields) -> None:
        Workshop.objects.filter(pk=self.pk).update(
            status=status, revision=F("revision") + 1, stage=F("stage") + 1, **fields
        )


def majority_option(options: Iterable[Option], counts: dict[int, int]) -> Option:
    """The action most of the room chose (``counts`` by option id); ties, and silence, go
    to the better fit."""
    return max(options, key=lambda o: (counts.get(o.pk, 0), o.points, -o.order))


class Step(models.Model):
    """One decision the room played: when it opened, locked, was revealed, and where it led."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField()
    decision_point = models.ForeignKey(DecisionPoint, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    locked_at = models.DateTimeField(null=True, blank=True)
    revealed_at = models.DateTimeField(null=True, blank=True)
    # When answers lock by themselves, if the facilitator started a countdown.
    closes_at = models.DateTimeField(null=True, blank=True)
    branch_pick = models.ForeignKey(
        Option,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The facilitator's choice of branch; empty: follow the room's majority.",
    )
    followed_option = models.ForeignKey(
        Option, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    followed_by = models.CharField(
        max_length=12, choices=FollowedBy.choices, default=FollowedBy.NONE, blank=True
    )

    class Meta:
        ordering = ["workshop_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "number"], name="workshop_step_number"),
            models.UniqueConstraint(
                fields=["workshop", "decision_point"], name="workshop_step_point"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workshop_id} step {self.number}: {self.decision_point}"

    def time_is_up(self, now: datetime | None = None) -> bool:
        """The countdown has run out (an answer sent as it ran out still counts)."""
        if self.closes_at is None:
            return False
        return (now or timezone.now()) > self.closes_at + COUNTDOWN_GRACE

    def seconds_left(self, now: datetime | None = None) -> int | None:
        if self.closes_at is None:
            return None
        left = (self.closes_at - (now or timezone.now())).total_seconds()
        return max(0, math.ceil(left))

    def answers(self):
        return Answer.objects.filter(
            decision_point_id=self.decision_point_id,
            attempt__workshop_participant__workshop_id=self.workshop_id,
        )

    def option_counts(self) -> dict[int, int]:
        return dict(
            self.answers().values("option").annotate(n=Count("id")).values_list("option", "n")
        )

    def majority_option(self, counts: dict[int, int] | None = None) -> Option:
        """The action most of the room chose (``majority_option``)."""
        counts = self.option_counts() if counts is None else counts
        return majority_option(self.decision_point.options.select_related("next_point"), counts)

    def branch(self, counts: dict[int, int] | None = None) -> tuple[Option, str]:
        """The action the story follows from here, and whose choice that is."""
        if self.branch_pick_id is not None:
            pick = Option.objects.select_related("next_point").get(pk=self.branch_pick_id)
            return pick, FollowedBy.FACILITATOR
        return self.majority_option(counts), FollowedBy.MAJORITY


class Participant(models.Model):
    """One person in the room, under the name they chose, with their own attempt."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    attempt = models.OneToOneField(
        Attempt, on_delete=models.CASCADE, related_name="workshop_participant"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # A deleted account leaves the room's tallies alone: the participant stays, anonymous.
        on_delete=models.SET_NULL,
        related_name="workshop_participations",
        help_text="Set when the participant was logged in, so one account is one participant.",
    )
    # The limit people see is DISPLAY_NAME_MAX_LENGTH characters as a person counts them
    # (the join form checks it); an emoji with a skin tone, or "Ana 2", takes more room.
    display_name = models.CharField(max_length=DISPLAY_NAME_MAX_LENGTH * 4)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["workshop_id", "joined_at", "pk"]  # by the column: no join
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user"],
                condition=Q(user__isnull=False),
                name="one_participant_per_account",
            ),
        ]
        indexes = [models.Index(fields=["workshop", "-joined_at"])]

    def __str__(self) -> str:
        return f"{self.display_name} in {self.workshop_id}"

    def answer(
        self,
        *,
        point: DecisionPoint,
        option: Option,
        diagnosis: str,
        confidence: int | None = None,
        reason: str = "",
        now: datetime | None = None,
        options: list[Option] | None = None,
    ) -> tuple[Answer, bool]:
        """Record this participant's answer through ``Attempt.record_answer``
        (``options``: the point's options, when the caller has them).

        The attempt's ``current_point`` is what the room's transitions set, so the attempt
        itself refuses an answer when nothing is open or after the lock. Refusals are
        re-worded for the room; a second answer returns the first with ``False``.

        One transaction takes the locks in the transitions' order, workshop row first, then
        the attempt's row, so an answer and a lock never wait on each other in a circle:
        the revision bump (the workshop row) and the answer commit together, and the
        attempt is read again under its lock, so a lock or a move-on that committed first
        is seen and one that comes later waits for this answer, which then stands.
        """
        try:
            with transaction.atomic():
                Workshop.bump_revision(self.workshop_id)
                attempt = Attempt.objects.select_for_update().get(pk=self.attempt_id)
                answer, created = attempt.record_answer(
                    point=point,
                    option=option,
                    diagnosis=diagnosis,
                    confidence=confidence,
                    reason=reason,
                    now=now,
                    options=options,
                )
                if not created:
                    transaction.set_rollback(True)  # nothing changed: no new revision
        except AnswerRefused as refused:
            if refused.code in {"path", "finished"}:
                raise AnswerRefused(refused.code, self.closed_message(point)) from None
            raise
        return answer, created

    def closed_message(self, point: DecisionPoint) -> str:
        workshop = Workshop.objects.select_related("current_step").get(pk=self.workshop_id)
        step = workshop.current_step
        if workshop.status == Status.ENDED:
            return "The workshop has ended, so answers are closed."
        if step is None:
            return "No decision is open yet. Wait for the facilitator to open one."
        if step.decision_point_id != point.pk:
            return "That decision is closed: the room has moved on. Here is where it is now."
        if workshop.status in (Status.LOCKED, Status.REVEALED):
            return "Answers to this decision are locked, so yours was not recorded."
        return "No decision is open right now."
