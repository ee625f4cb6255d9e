from __future__ import annotations

import json as _json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scenarios.validation import validate_files


class Command(BaseCommand):
    help = (
        "Check scenario files without touching the database. Prints each problem as "
        "file:line: message and exits with status 1 if there is any."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="default: every bundled file")
        parser.add_argument(
            "--json", action="store_true", help="print one JSON object with coverage and errors"
        )

    def handle(self, *args, files: list[Path], **options) -> None:
        report = validate_files(files or None)
        if options["json"]:
            self.stdout.write(_json.dumps(report.coverage(), indent=2))
        else:
            for error in report.errors:
                self.stderr.write(error)
            if report.ok:
                points = sum(len(spec.points) for spec in report.specs)
                self.stdout.write(
                    f"{len(report.specs)} scenario(s), {points} decision point(s): no problems."
                )
        if not report.ok:
            raise CommandError(f"{len(report.errors)} problem(s) found", returncode=1)
