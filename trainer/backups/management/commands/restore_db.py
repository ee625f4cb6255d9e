from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trainer.backups.dumps import BackupError, restore


class Command(BaseCommand):
    help = "Replace the database's contents with a backup made by backup_db. Stop the app first."

    def add_arguments(self, parser) -> None:
        parser.add_argument("backup", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, backup: Path, yes: bool, **options) -> None:
        if not yes:
            answer = input(f"Replace everything in the database with {backup}? [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("nothing was restored")
        try:
            restore(backup)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"restored from {backup}")
