from __future__ import annotations

import time
from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from trainer.progress import lrs
from trainer.progress.models import OutboxStatement, StatementStatus


class Command(BaseCommand):
    help = (
        "Send the xAPI statements waiting in the outbox to the learning record store at "
        "LRS_ENDPOINT, with retries. Runs as a worker; --once sends what is due and stops."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument(
            "--interval", type=float, default=15.0, help="seconds between passes (default 15)"
        )
        parser.add_argument("--batch-size", type=int, default=50, help="statements per POST")
        parser.add_argument(
            "--retries", type=int, default=3, help="quick retries of a failed POST (default 3)"
        )
        parser.add_argument(
            "--backoff",
            type=float,
            default=1.0,
            help="seconds before the first quick retry, doubling each time (default 1)",
        )
        parser.add_argument(
            "--backfill",
            action="store_true",
            help="first queue statements for every answer and finished attempt made before "
            "sending was set up (statements already queued are skipped)",
        )

    def handle(self, *args, **options) -> None:
        if not lrs.sending_enabled():
            raise CommandError("LRS_ENDPOINT is not set, so there is nowhere to send to")
        if options["batch_size"] < 1 or options["retries"] < 0 or options["backoff"] < 0:
            raise CommandError("--batch-size must be at least 1; --retries and --backoff 0 or more")
        if options["backfill"]:
            queued = lrs.catch_up(datetime(1970, 1, 1, tzinfo=UTC))
            self.stdout.write(f"Queued {queued:,} statements for earlier records.")
        client = lrs.LrsClient.from_settings()
        while True:
            lrs.catch_up(timezone.now() - lrs.CATCH_UP_WINDOW)
            outcome = lrs.send_due(
                client,
                batch_size=options["batch_size"],
                retries=options["retries"],
                backoff=options["backoff"],
            )
            if outcome.sent or outcome.failed or options["once"]:
                waiting = OutboxStatement.objects.filter(status=StatementStatus.PENDING).count()
                self.stdout.write(
                    f"Sent {outcome.sent:,}; {outcome.failed:,} failed and will be retried; "
                    f"{waiting:,} waiting in the outbox."
                )
            if options["once"]:
                return
            try:
                time.sleep(options["interval"])
            except KeyboardInterrupt:
                return
