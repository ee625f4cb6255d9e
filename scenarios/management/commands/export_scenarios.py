from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scenarios.loading import dump_scenario
from scenarios.models import Scenario


class Command(BaseCommand):
    help = (
        "Write the database's scenarios as YAML files, one per scenario, in the authoring format."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("slugs", nargs="*", help="default: every scenario")
        parser.add_argument(
            "--out", type=Path, default=Path("exported_scenarios"), help="folder to write into"
        )

    def handle(self, *args, slugs: list[str], out: Path, **options) -> None:
        scenarios = Scenario.objects.order_by("slug")
        if slugs:
            scenarios = scenarios.filter(slug__in=slugs)
            missing = set(slugs) - set(scenarios.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"no scenario with slug {', '.join(sorted(missing))}")
        out.mkdir(parents=True, exist_ok=True)
        for scenario in scenarios:
            path = out / f"{scenario.slug}.yaml"
            path.write_text(dump_scenario(scenario), encoding="utf-8")
            self.stdout.write(f"wrote {path}")
