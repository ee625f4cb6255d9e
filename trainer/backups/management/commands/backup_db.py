from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trainer.backups.dumps import BackupError, backup


class Command(BaseCommand):
    help = "Write a consistent backup of the database (safe while the app is serving)."

    def add_arguments(self, parser) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        parser.add_argument(
            "--out", type=Path, default=Path("var") / "backups" / f"golden-hour-{stamp}.dump"
        )

    def handle(self, *args, out: Path, **options) -> None:
        try:
            path = backup(out)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"backup written to {path}")
