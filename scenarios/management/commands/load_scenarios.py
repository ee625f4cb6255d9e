from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scenarios.loading import ContentError, load_files


class Command(BaseCommand):
    help = (
        "Validate scenario files, then load them all in one transaction (or none, if any "
        "file is wrong). Loading again updates content in place."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="default: every bundled file")

    def handle(self, *args, files: list[Path], **options) -> None:
        try:
            results = load_files(files or None)
        except ContentError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{len(exc.errors)} problem(s) found; nothing was loaded", returncode=1
            ) from None
        for result in results:
            if result.created:
                state = "added"
            elif result.changed:
                state = f"updated to version {result.version}"
            else:
                state = "unchanged"
            self.stdout.write(f"{result.slug}: {state}")
