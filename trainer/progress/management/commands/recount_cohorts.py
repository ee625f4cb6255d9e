from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from trainer.progress.models import Cohort
from trainer.progress.tallies import rebuild


class Command(BaseCommand):
    help = (
        "Recount cohorts' dashboard figures from the answers, e.g. after records were deleted "
        "in bulk outside the app. Dashboards also recount by themselves when marked stale."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--cohort", type=int, help="only this cohort (its id)")

    def handle(self, *args, **options) -> None:
        cohorts = Cohort.objects.order_by("pk")
        if options["cohort"] is not None:
            cohorts = cohorts.filter(pk=options["cohort"])
            if not cohorts.exists():
                raise CommandError(f"no cohort with id {options['cohort']}")
        for cohort in cohorts:
            rows = rebuild(cohort)
            self.stdout.write(f"{cohort.pk} {cohort.name}: {rows:,} tally rows")
