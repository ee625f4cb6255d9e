"""Cohorts of learners, the workshops tied to them, and the xAPI outbox.

A cohort is a training lead's group: its members are user accounts, its facilitators may see
its dashboard, and workshops tied to it count their answers there too. Figures about a
cohort are computed in ``trainer.progress.stats``; this module only holds the records.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

INVITE_SALT = "progress.cohort-invite"
LEAD_SALT = "progress.cohort-lead"
DEFAULT_INVITE_DAYS = 14


def invite_max_age() -> timedelta:
    """How long an invitation link stays valid (``COHORT_INVITE_DAYS``, 14 by default)."""
    return timedelta(days=getattr(settings, "COHORT_INVITE_DAYS", DEFAULT_INVITE_DAYS))


def new_invite_nonce() -> str:
    return secrets.token_urlsafe(9)


class InviteError(Exception):
    """An invitation that cannot be used. ``message`` is written for the learner."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class LeadRefused(Exception):
    """A change to a cohort's leads that cannot be made. ``message`` is for the lead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CohortQuerySet(models.QuerySet):
    def visible_to(self, user) -> CohortQuerySet:
        """Cohorts a user may lead: the ones they facilitate, or every cohort for staff."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(facilitators=user)


class Cohort(models.Model):
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=280, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_cohorts", blank=True
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="cohorts",
        blank=True,
    )
    invite_nonce = models.CharField(
        max_length=24,
        default=new_invite_nonce,
        help_text="Changing it withdraws every invitation link issued so far.",
    )
    lead_nonce = models.CharField(
        max_length=24,
        default=new_invite_nonce,
        help_text="Changing it withdraws the link that invites another facilitator to lead.",
    )
    tallies_stale = models.BooleanField(
        default=False,
        help_text="Set when its figures need recounting from the answers "
        "(see trainer/progress/tallies.py).",
    )

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("progress:cohort", args=[self.pk])

    # Invitations: a signed, timestamped token naming the cohort and its current nonce. One
    # link invites learners to join; another invites a facilitator to lead it too (they
    # accept, or not: nobody is made a lead without saying yes).

    def invite_token(self) -> str:
        return signing.dumps({"c": self.pk, "n": self.invite_nonce}, salt=INVITE_SALT)

    def invite_path(self) -> str:
        return reverse("progress:join", args=[self.invite_token()])

    def lead_token(self) -> str:
        return signing.dumps({"c": self.pk, "n": self.lead_nonce}, salt=LEAD_SALT)

    def lead_path(self) -> str:
        return reverse("progress:lead", args=[self.lead_token()])

    def invite_expires_at(self, now: datetime | None = None) -> datetime:
        return (now or timezone.now()) + invite_max_age()

    def renew_invite(self) -> None:
        self.invite_nonce = new_invite_nonce()
        self.save(update_fields=["invite_nonce"])

    def renew_lead_invite(self) -> None:
        self.lead_nonce = new_invite_nonce()
        self.save(update_fields=["lead_nonce"])

    @classmethod
    def from_invite(cls, token: str, *, lead: bool = False) -> Cohort:
        """The cohort an invitation token names (to join it, or with ``lead`` to lead it),
        or ``InviteError`` saying what is wrong."""
        who = "the cohort's training lead" if lead else "your training lead"
        try:
            data = signing.loads(
                token, salt=LEAD_SALT if lead else INVITE_SALT, max_age=invite_max_age()
            )
        except signing.SignatureExpired:
            raise InviteError(
                "expired", f"This invitation has expired. Ask {who} for a new link."
            ) from None
        except signing.BadSignature:
            raise InviteError(
                "invalid",
                "This invitation link is not valid: it may have been cut short or changed. "
                f"Copy the whole link again, or ask {who} for a new one.",
            ) from None
        if not isinstance(data, dict):
            raise InviteError("invalid", "This invitation link is not valid.")
        cohort = cls.objects.filter(pk=data.get("c")).first()
        if cohort is None:
            raise InviteError("gone", "The cohort this invitation was for no longer exists.")
        if data.get("n") != (cohort.lead_nonce if lead else cohort.invite_nonce):
            raise InviteError(
                "withdrawn", f"This invitation was withdrawn. Ask {who} for the new link."
            )
        return cohort

    def stop_leading(self, user) -> None:
        """Take ``user`` off the cohort's leads; a cohort always keeps at least one."""
        with transaction.atomic():
            leads = list(
                get_user_model().objects.select_for_update().filter(facilitated_cohorts=self)
            )
            if user not in leads:
                raise LeadRefused(f"{user.get_username()} does not lead this cohort.")
            if len(leads) == 1:
                raise LeadRefused(
                    "A cohort needs at least one training lead: invite another before you leave."
                )
            self.facilitators.remove(user)


class Membership(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cohort_memberships"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cohort_id", "joined_at"]  # by the column: no join to the cohort
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="one_membership_per_cohort"),
        ]
        indexes = [models.Index(fields=["user", "cohort"], name="progress_membership_user")]

    def __str__(self) -> str:
        return f"{self.user} in {self.cohort}"


class StatementStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"


class OutboxQuerySet(models.QuerySet):
    def due(self, now: datetime | None = None) -> OutboxQuerySet:
        return self.filter(
            status=StatementStatus.PENDING, next_attempt_at__lte=now or timezone.now()
        )


class OutboxStatement(models.Model):
    """One xAPI statement waiting for (or already accepted by) the learning record store.

    The whole statement is stored when the event happens, so later edits to content or
    scores do not change what is sent, and nothing is removed until the LRS accepts it.
    """

    id = models.UUIDField(primary_key=True, help_text="The statement's own id.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Whose record it is, so deleting their data deletes it too.",
    )
    verb = models.CharField(max_length=20)
    answer_id = models.BigIntegerField(
        null=True, blank=True, help_text="The answer an “answered” statement is about."
    )
    attempt_id = models.UUIDField(
        null=True, blank=True, help_text="The attempt a “completed” statement is about."
    )
    statement = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=StatementStatus.choices, default=StatementStatus.PENDING
    )
    tries = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="progress_outbox_due"),
            models.Index(fields=["answer_id"], name="progress_outbox_answer"),
            models.Index(fields=["attempt_id"], name="progress_outbox_attempt"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=StatementStatus.values),
                name="outbox_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.id} ({self.status})"


class CohortDayTally(models.Model):
    """Running totals of a cohort's answers, per decision point and day.

    The cohort dashboard reads these instead of scanning every answer: a cohort of 10,000
    learners has a few thousand rows here against 300,000 answers. ``trainer.progress.tallies``
    keeps them in step (answer by answer, and on joins, workshop links and deletions) and can
    rebuild a cohort's from the answers at any time. Its counted columns are
    ``trainer.play.scoring.TALLIED``, each counted by that module's rule.
    """

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="tallies")
    scenario = models.ForeignKey("scenarios.Scenario", on_delete=models.CASCADE, related_name="+")
    decision_point = models.ForeignKey(
        "scenarios.DecisionPoint", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    readiness = models.CharField(max_length=2)
    answers = models.PositiveIntegerField(default=0)
    points = models.IntegerField(default=0)
    best_fit = models.PositiveIntegerField(default=0)
    diagnosis_right = models.PositiveIntegerField(default=0)
    diagnosis_low = models.PositiveIntegerField(
        default=0, help_text="Judged them less ready than they were."
    )
    diagnosis_high = models.PositiveIntegerField(
        default=0, help_text="Judged them more ready than they were."
    )
    s1 = models.PositiveIntegerField(default=0)
    s2 = models.PositiveIntegerField(default=0)
    s3 = models.PositiveIntegerField(default=0)
    s4 = models.PositiveIntegerField(default=0)
    over = models.PositiveIntegerField(default=0)
    under = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "decision_point", "day", "readiness"],
                name="one_tally_per_cohort_point_day",
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "day"], name="progress_tally_cohort_day"),
            models.Index(fields=["cohort", "scenario", "day"], name="progress_tally_scenario"),
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id} {self.decision_point_id} {self.day}: {self.answers}"


class CohortWorkshop(models.Model):
    """A workshop tied to a cohort: its participants' answers count in the cohort's figures."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="workshop_links")
    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="cohort_links"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cohort_id", "-linked_at"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "workshop"], name="one_link_per_workshop"),
        ]

    def __str__(self) -> str:
        return f"{self.workshop_id} in {self.cohort_id}"
