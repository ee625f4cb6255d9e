"""Workshops tied to cohorts, so a workshop's answers count in the cohort's figures.

The workshop app owns ``Workshop``; the link (``CohortWorkshop``) lives in this app so that
app needs no change. A facilitator can tie any workshop they run to a cohort they lead
(``forms.WorkshopLinkForm``); these queries say which attempts and cohorts the ties join.
"""

from __future__ import annotations

from django.db.models import QuerySet

from trainer.play.models import Attempt, Mode
from trainer.progress.models import Cohort, CohortWorkshop


def tied_workshop_attempts(cohort: Cohort | int) -> QuerySet[Attempt]:
    """Attempts played in workshops tied to ``cohort``."""
    return Attempt.objects.filter(
        mode=Mode.WORKSHOP, workshop_participant__workshop__cohort_links__cohort=cohort
    )


def cohorts_of_workshop_attempt(attempt: Attempt) -> list[int]:
    """Cohorts tied to the workshop ``attempt`` was played in (none outside workshops)."""
    if attempt.mode != Mode.WORKSHOP:
        return []
    return list(
        CohortWorkshop.objects.filter(workshop__participants__attempt=attempt).values_list(
            "cohort_id", flat=True
        )
    )


def tied_workshops(cohort: Cohort) -> QuerySet[CohortWorkshop]:
    return cohort.workshop_links.select_related("workshop__scenario", "workshop__facilitator")
