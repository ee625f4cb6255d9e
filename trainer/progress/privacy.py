"""A learner's "delete my data": what it removes, and doing it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from trainer.play.models import Answer, Attempt, Mode
from trainer.progress import tallies
from trainer.progress.models import Membership, OutboxStatement
from trainer.workshops.models import Participant

ANONYMOUS = "Anonymous"


@dataclass(frozen=True)
class DataSummary:
    attempts: int
    answers: int
    workshop_attempts: int
    cohorts: int
    statements: int

    @property
    def empty(self) -> bool:
        return not (self.attempts or self.workshop_attempts or self.cohorts or self.statements)


def summary(user) -> DataSummary:
    attempts = Attempt.objects.filter(user=user)
    return DataSummary(
        attempts=attempts.exclude(mode=Mode.WORKSHOP).count(),
        answers=Answer.objects.filter(attempt__user=user)
        .exclude(attempt__mode=Mode.WORKSHOP)
        .count(),
        workshop_attempts=attempts.filter(mode=Mode.WORKSHOP).count(),
        cohorts=Membership.objects.filter(user=user).count(),
        statements=OutboxStatement.objects.filter(user=user).count(),
    )


def delete_learner_data(user) -> DataSummary:
    """Delete ``user``'s attempts, answers, cohort places and queued statements.

    Workshop answers stay in their workshop's tallies as anonymous counts: the attempt and the
    room's participant record lose their link to the account and the name typed in the room,
    and the answers lose their free-text reasons. The account itself stays, so the learner
    can carry on.
    """
    with transaction.atomic():
        before = summary(user)
        for membership in Membership.objects.filter(user=user).select_related("cohort"):
            tallies.remove_member(membership.cohort, user)
        Membership.objects.filter(user=user).delete()
        workshop = Attempt.objects.filter(user=user, mode=Mode.WORKSHOP)
        Answer.objects.filter(attempt__in=workshop.values("pk")).update(reason="")
        Participant.objects.filter(user=user).update(user=None, display_name=ANONYMOUS)
        workshop.update(user=None, guest_token="")
        Attempt.objects.filter(user=user).delete()
        OutboxStatement.objects.filter(user=user).delete()
    return before
