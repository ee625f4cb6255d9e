from __future__ import annotations

import json as _json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scenarios import guessability
from scenarios.validation import SET_LABEL, Report, validate_files


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
            self.write_guessing(report)
            self.write_depth(report)
            for error in report.errors:
                self.stderr.write(error)
            if report.ok:
                points = sum(len(spec.points) for spec in report.specs)
                self.stdout.write(
                    f"{len(report.specs)} scenario(s), {points} decision point(s): no problems."
                )
        if not report.ok:
            raise CommandError(f"{len(report.errors)} problem(s) found", returncode=1)

    def write_guessing(self, report: Report) -> None:
        """What a reader who ignores the model would score, per file and for the whole set."""
        self.stdout.write(
            "What surface strategies earn (a random pick earns 0 %; limits: "
            f"{guessability.MAX_SHARE_OF_MAXIMUM:.0%} of the maximum, the best fit in "
            f"{guessability.MAX_HIT_RATE:.0%} of points):"
        )
        sections = [*report.guessing.items()]
        if report.guessing_set is not None:
            sections.append(
                (f"{SET_LABEL} ({report.guessing_set.count} points)", report.guessing_set)
            )
        for label, guess in sections:
            self.stdout.write(label)
            for line in guess.lines():
                self.stdout.write(line)

    def write_depth(self, report: Report) -> None:
        """A short summary of what the fields of deeper scenarios add up to."""
        depth = report.depth()
        warnings = ", ".join(
            f"{warning} in {len(slugs)}" for warning, slugs in depth["warning_scenarios"].items()
        )
        self.stdout.write(
            "Depth: "
            f"{len(depth['mixed_teams'])} mixed team(s), {len(depth['hard_calls'])} hard "
            f"call(s), {len(depth['rule_stops'])} rule stop(s), "
            f"{len(depth['pattern_breaks'])} pattern break(s); "
            f"{len(depth['multi_ending_scenarios'])} scenario(s) with several endings; "
            f"warnings taught: {warnings} scenario(s); "
            f"{len(depth['carrying_scenarios'])} of {len(report.specs)} scenario(s) carry a "
            "condition beyond the next point; "
            f"head of mission in {depth['head_of_mission_share']:.0%} of points."
        )
