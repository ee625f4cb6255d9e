"""Keep cohort tallies and the xAPI outbox in step with play, without touching play's code.

Each receiver runs inside the transaction that wrote the answer or attempt, in a savepoint
of its own: if it fails, the failure is logged and the learner's answer still stands (the
cohort is marked for a recount; the outbox can be refilled with
``send_xapi_statements --backfill``).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from trainer.play.guests import attempts_claimed
from trainer.play.models import Answer, Attempt
from trainer.progress import lrs, tallies
from trainer.progress.models import Membership

log = logging.getLogger(__name__)


@receiver(post_save, sender=Answer, dispatch_uid="progress.answer_saved")
def answer_saved(sender, instance: Answer, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw:
        return
    # Most answers count in no cohort: find out with one read before opening a savepoint,
    # so the answer's hot path pays for a transaction only when there is something to add.
    cohort_ids = tallies.cohorts_counting(instance.attempt)
    if cohort_ids:
        try:
            with transaction.atomic():
                tallies.add_answer(instance, cohort_ids)
        except Exception:
            log.exception(
                "could not add answer %s to cohort tallies; marking them stale", instance.pk
            )
            tallies.mark_stale(cohort_ids)
    if lrs.sending_enabled():
        try:
            with transaction.atomic():
                lrs.enqueue_answer(instance)
        except Exception:
            log.exception("could not queue the xAPI statement for answer %s", instance.pk)


@receiver(post_save, sender=Attempt, dispatch_uid="progress.attempt_saved")
def attempt_saved(sender, instance: Attempt, raw: bool = False, **kwargs) -> None:
    fields = kwargs.get("update_fields")
    if raw or instance.finished_at is None or (fields is not None and "finished_at" not in fields):
        return
    if lrs.sending_enabled():
        try:
            with transaction.atomic():
                lrs.enqueue_completed(instance)
        except Exception:
            log.exception("could not queue the xAPI statement for attempt %s", instance.pk)


@receiver(attempts_claimed, dispatch_uid="progress.attempts_claimed")
def attempts_claimed_by(sender, user, attempt_ids: list, **kwargs) -> None:
    """A guest who logs in brings their answers into the cohorts they belong to."""
    try:
        with transaction.atomic():
            tallies.add_claimed(user, attempt_ids)
    except Exception:
        log.exception("could not add claimed attempts to %s's cohorts; marking them stale", user)
        tallies.mark_stale(Membership.objects.filter(user=user).values_list("cohort_id", flat=True))


@receiver(pre_delete, sender=Attempt, dispatch_uid="progress.attempt_deleted")
def attempt_deleted(sender, instance: Attempt, **kwargs) -> None:
    """An attempt leaving the database takes its answers out of every cohort's figures."""
    tallies.mark_stale(tallies.cohorts_counting(instance))
