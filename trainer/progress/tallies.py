"""Keep each cohort's day-by-day tallies (``CohortDayTally``) in step with the answers.

Which answers count in a cohort is decided in one place, ``cohort_attempts``: every attempt
of its members, and every attempt played in a workshop tied to it. The tallies follow:

- a new answer adds itself to the tallies of each cohort it counts in (``add_answer``,
  called from a ``post_save`` signal, in the same transaction as the answer);
- a learner who joins adds their past answers (``add_member``);
- a guest who logs in adds the answers of the attempts they bring (``add_claimed``);
- anything rarer that changes which answers count (a member leaves or deletes their data,
  an attempt is deleted, a workshop is tied or untied) marks the cohort stale, and the next
  look at its dashboard rebuilds it from the answers (``rebuild``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from trainer.play.models import Answer, Attempt
from trainer.play.scoring import TALLIED, Figures, counted
from trainer.progress.models import Cohort, CohortDayTally, Membership
from trainer.progress.workshop_links import cohorts_of_workshop_attempt, tied_workshop_attempts

log = logging.getLogger(__name__)

KEY = ("decision_point_id", "day", "readiness")


def cohort_attempts(cohort: Cohort | int) -> QuerySet[Attempt]:
    """Every attempt that counts in ``cohort``: its members', and its workshops'."""
    members = Membership.objects.filter(cohort=cohort).values("user_id")
    return Attempt.objects.filter(
        Q(user_id__in=members) | Q(pk__in=tied_workshop_attempts(cohort).values("pk"))
    )


def cohort_answers(cohort: Cohort | int) -> QuerySet[Answer]:
    return Answer.objects.filter(attempt__in=cohort_attempts(cohort).values("pk"))


def grouped(answers: QuerySet[Answer]) -> QuerySet:
    """Answers summed per decision point, day and readiness, in the database."""
    return (
        answers.annotate(day=TruncDate("answered_at"))
        .values("decision_point_id", "day", "readiness")
        .annotate(scenario_id=F("decision_point__scenario_id"), **counted(names=TALLIED))
        .order_by()
    )


def rebuild(cohort: Cohort) -> int:
    """Recount ``cohort``'s tallies from its answers; return how many rows it has now."""
    with transaction.atomic():
        CohortDayTally.objects.filter(cohort=cohort).delete()
        rows = [
            CohortDayTally(cohort_id=cohort.pk, **row) for row in grouped(cohort_answers(cohort))
        ]
        CohortDayTally.objects.bulk_create(rows, batch_size=1000)
        Cohort.objects.filter(pk=cohort.pk).update(tallies_stale=False)
    cohort.tallies_stale = False
    return len(rows)


def mark_stale(cohort_ids: Iterable[int]) -> None:
    ids = list(cohort_ids)
    if ids:
        Cohort.objects.filter(pk__in=ids, tallies_stale=False).update(tallies_stale=True)


def cohorts_counting(attempt: Attempt) -> set[int]:
    """The cohorts whose figures include ``attempt``."""
    ids = set(cohorts_of_workshop_attempt(attempt))
    if attempt.user_id is not None:
        ids.update(
            Membership.objects.filter(user_id=attempt.user_id).values_list("cohort_id", flat=True)
        )
    return ids


def _answer_row(answer: Answer) -> dict[str, object]:
    """One answer as a grouped row (what ``grouped`` gives for it alone)."""
    one = Figures.count([answer])
    return {
        "decision_point_id": answer.decision_point_id,
        "scenario_id": answer.attempt.scenario_id,
        "day": timezone.localdate(answer.answered_at),
        "readiness": answer.readiness,
        **{name: getattr(one, name) for name in TALLIED},
    }


def _add(cohort_id: int, row: dict[str, object]) -> None:
    """Add one grouped row to a cohort's tallies, creating the tally if it is new."""
    key = {name: row[name] for name in KEY}
    changes = {name: F(name) + row[name] for name in TALLIED}
    if CohortDayTally.objects.filter(cohort_id=cohort_id, **key).update(**changes):
        return
    try:
        with transaction.atomic():
            CohortDayTally.objects.create(
                cohort_id=cohort_id,
                scenario_id=row["scenario_id"],
                **key,
                **{name: row[name] for name in TALLIED},
            )
    except IntegrityError:  # another answer created it first
        CohortDayTally.objects.filter(cohort_id=cohort_id, **key).update(**changes)


def add_answer(answer: Answer, cohort_ids: set[int] | None = None) -> None:
    """Count a newly recorded answer in every cohort it belongs to (found if not given)."""
    if cohort_ids is None:
        cohort_ids = cohorts_counting(answer.attempt)
    if not cohort_ids:
        return
    row = _answer_row(answer)
    for cohort_id in sorted(cohort_ids):
        _add(cohort_id, row)


def add_member(cohort: Cohort, user) -> None:
    """Count a new member's past answers (those not already counted through a workshop)."""
    answers = Answer.objects.filter(attempt__user=user).exclude(
        attempt__in=tied_workshop_attempts(cohort).values("pk")
    )
    for row in grouped(answers):
        _add(cohort.pk, row)


def add_claimed(user, attempt_ids: list) -> set[int]:
    """Count the answers of guest attempts that just became ``user``'s, in each cohort
    ``user`` belongs to; return those cohorts."""
    cohort_ids = set(Membership.objects.filter(user=user).values_list("cohort_id", flat=True))
    if cohort_ids:
        rows = list(grouped(Answer.objects.filter(attempt__in=attempt_ids)))
        for cohort_id in sorted(cohort_ids):
            for row in rows:
                _add(cohort_id, row)
    return cohort_ids


def remove_member(cohort: Cohort, user) -> None:
    """Take a leaving member's answers out (those not still counted through a workshop)."""
    answers = Answer.objects.filter(attempt__user=user).exclude(
        attempt__in=tied_workshop_attempts(cohort).values("pk")
    )
    try:
        with transaction.atomic():
            for row in grouped(answers):
                key = {name: row[name] for name in KEY}
                CohortDayTally.objects.filter(cohort_id=cohort.pk, **key).update(
                    **{name: F(name) - row[name] for name in TALLIED}
                )
            CohortDayTally.objects.filter(cohort_id=cohort.pk, answers__lte=0).delete()
    except IntegrityError:  # the tallies had drifted (a count would go below zero)
        log.warning("cohort %s tallies had drifted; marking them for a recount", cohort.pk)
        mark_stale([cohort.pk])
