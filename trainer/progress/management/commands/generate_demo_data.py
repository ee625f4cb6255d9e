from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from trainer.progress.demo import DEMO_PASSWORD, generate


class Command(BaseCommand):
    help = (
        "Create demo learners in a cohort, each with realistic attempts and answers "
        "along the published scenarios' real paths."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--learners", type=int, default=50, help="how many (default 50)")
        parser.add_argument(
            "--answers", type=int, default=30, help="answers per learner (default 30)"
        )
        parser.add_argument("--cohort", default="Demo cohort", help="cohort name (made if new)")
        parser.add_argument(
            "--facilitator",
            default="facilitator",
            help="username of the cohort's facilitator (made if new)",
        )
        parser.add_argument("--seed", type=int, default=None, help="repeatable randomness")
        parser.add_argument(
            "--force", action="store_true", help="allow it when DEBUG is off (not for real data)"
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "demo learners share a published password; run with DEBUG on, or add --force"
            )
        learners, answers = options["learners"], options["answers"]
        if learners < 1 or answers < 1:
            raise CommandError("--learners and --answers must be at least 1")
        began = time.perf_counter()

        def report(done: int, total: int) -> None:
            if options["verbosity"] >= 2 or done == total:
                self.stdout.write(f"  {done:,} of {total:,} learners")

        try:
            result = generate(
                learners=learners,
                answers=answers,
                cohort_name=options["cohort"],
                facilitator_username=options["facilitator"],
                seed=options["seed"],
                progress=report,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        elapsed = time.perf_counter() - began
        self.stdout.write(
            self.style.SUCCESS(
                f"Cohort {result.cohort.name!r}: {result.learners:,} learners, "
                f"{result.attempts:,} attempts, {result.answers:,} answers "
                f"in {elapsed:.1f} s."
            )
        )
        self.stdout.write(
            f"Dashboard: /cohorts/{result.cohort.pk}/ (facilitator {options['facilitator']!r}). "
            f"Demo learners log in with the password {DEMO_PASSWORD!r}."
        )
