from __future__ import annotations

from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max
from django.utils import timezone

from trainer.play.models import Answer
from trainer.workshops.models import Workshop, WorkshopRefused


def last_activity(workshop: Workshop) -> datetime:
    """When anything last happened in ``workshop``: created, a decision opened, locked or
    revealed, someone joined, someone answered."""
    steps = workshop.steps.aggregate(
        opened=Max("opened_at"), locked=Max("locked_at"), revealed=Max("revealed_at")
    )
    joined = workshop.participants.aggregate(joined=Max("joined_at"))["joined"]
    answered = Answer.objects.filter(attempt__workshop_participant__workshop=workshop).aggregate(
        answered=Max("answered_at")
    )["answered"]
    moments = [workshop.created_at, joined, answered, *steps.values()]
    return max(moment for moment in moments if moment is not None)


def hours(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise CommandError(f"--hours takes a whole number of hours, not {value!r}") from None
    if number < 1:
        raise CommandError("--hours must be at least 1")
    return number


class Command(BaseCommand):
    help = (
        "End the workshops in which nothing has happened for --hours (12 by default): "
        "nobody joined, answered, or moved the room on. Their answers stand, their "
        "participants' screens show the end, and their join codes are free again. "
        "Run it from cron, e.g. hourly."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--hours", type=hours, default=12, help="idle time (default 12)")
        parser.add_argument("--dry-run", action="store_true", help="list them, and end nothing")

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        cutoff = now - timedelta(hours=options["hours"])
        # Nothing can have happened since a workshop was created before the cutoff started.
        candidates = Workshop.objects.live().filter(created_at__lt=cutoff).order_by("pk")
        ended = 0
        for workshop in candidates.select_related("scenario"):
            idle_since = last_activity(workshop)
            if idle_since >= cutoff:
                continue
            label = (
                f"{workshop.pk} {workshop.name} ({workshop.code_grouped}), "
                f"idle since {timezone.localtime(idle_since):%Y-%m-%d %H:%M}"
            )
            if options["dry_run"]:
                self.stdout.write(f"would end {label}")
                continue
            try:
                workshop.end(now=now)
            except WorkshopRefused:  # its facilitator ended it a moment ago
                continue
            ended += 1
            self.stdout.write(f"ended {label}")
        if not options["dry_run"]:
            self.stdout.write(f"{ended} idle workshop{'' if ended == 1 else 's'} ended.")
