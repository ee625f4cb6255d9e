"""Page weight: what the first visit to a decision page transfers, compressed.

Runs the app in process as production would (DEBUG=0, collected static files served by
whitenoise with compression), opens a decision page, fetches every stylesheet and script
it links with ``Accept-Encoding: gzip, br``, and adds up the bytes on the wire. The HTML
is counted gzip-compressed, as the reverse proxy in docs/deploy.md sends it.
Target: under 60 KB in all, and static files cached for a long time.
"""

from __future__ import annotations

import gzip
import os
import re
import sys
import tempfile
from pathlib import Path

TARGET_BYTES = 60 * 1024


def _setup(workdir: Path) -> None:
    os.environ.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "page-weight-benchmark-" + "x" * 40,
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "DATABASE_URL": f"sqlite:///{workdir / 'weight.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "trainer.settings",
        }
    )
    import django

    django.setup()
    from django.conf import settings

    settings.STATIC_ROOT = workdir / "static"
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_scenarios", verbosity=0)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        _setup(Path(tmp))
        from django.test import Client

        from scenarios.models import Scenario
        from trainer.play.models import Attempt, Mode

        scenario = Scenario.objects.get(slug="the-first-hour")
        attempt = Attempt.start(scenario, mode=Mode.TIMED, guest_token="weight")
        client = Client()
        session = client.session
        session["guest_token"] = "weight"
        session.save()
        page = client.get(f"/play/{attempt.pk}/", follow=True)
        html = page.content
        rows = [("decision page (HTML, gzip)", len(html), len(gzip.compress(html, 6)), "-")]
        assets = re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js|svg))"', html)
        for url in dict.fromkeys(a.decode() for a in assets):
            response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
            body = b"".join(response.streaming_content) if response.streaming else response.content
            raw = client.get(url)
            raw_body = b"".join(raw.streaming_content) if raw.streaming else raw.content
            rows.append(
                (
                    url.rsplit("/", 1)[-1],
                    len(raw_body),
                    len(body),
                    response.get("Cache-Control", "none"),
                )
            )
    total = sum(row[2] for row in rows)
    print(f"{'resource':44} {'raw':>9} {'on the wire':>12}  cache")
    for name, raw, wire, cache in rows:
        print(f"{name:44} {raw:9,} {wire:12,}  {cache}")
    print(f"{'total':44} {'':9} {total:12,}  (target {TARGET_BYTES:,})")
    table = ["| resource | raw bytes | on the wire | Cache-Control |", "|---|---:|---:|---|"]
    table += [f"| {n} | {r:,} | {w:,} | {c} |" for n, r, w, c in rows]
    table.append(f"| **total** | | **{total:,}** | target under {TARGET_BYTES:,} |")
    from bench.report import write_section

    write_section(
        "page-weight",
        "## Page weight of a first visit to a decision page\n\n"
        "`python -m bench.page_weight`: DEBUG off, static files collected and served by "
        "whitenoise (brotli or gzip, hashed names, cached for a year); the HTML counted "
        "gzip-compressed as the proxy sends it.\n\n" + "\n".join(table),
    )
    return 0 if total < TARGET_BYTES else 1


if __name__ == "__main__":
    sys.exit(main())
