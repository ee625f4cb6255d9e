"""Page weight: what the first visit to a decision page transfers, compressed.

Runs the app as production would (DEBUG=0, collected static files served by
whitenoise with compression), opens a decision page, fetches every stylesheet and script
it links with ``Accept-Encoding: gzip, br``, and adds up the bytes on the wire. The HTML
is counted gzip-compressed, as the reverse proxy in docs/deploy.md sends it.
Target: under 60 KB in all, and static files cached for a long time.

The page is built from the database (the scenario, the attempt, the session), so it is
measured on a fresh SQLite file and on PostgreSQL, each in a child process, because Django
can be set up only once per process. PostgreSQL borrows ``gh_bench_progress``, the database
of bench.cohort_dashboard, which never runs at the same time under `make bench`; it is made
fresh and dropped afterwards, and if the cohort benchmark holds it the run stops instead of
taking it away. The bytes should come out the same on both. ``--quick`` measures the same
(there is nothing to shrink) but writes nothing to the docs; neither does ``--only``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.summary import Row, crashed, exit_status

ROOT = Path(__file__).resolve().parent.parent
TARGET_BYTES = 60 * 1024
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_NAME = "gh_bench_progress"
BENCHMARK = "page weight"  # its name in the combined table

# One resource: its name, raw bytes, bytes on the wire, Cache-Control.
Resource = tuple[str, int, int, str]


def _setup(workdir: Path, database_url: str) -> None:
    os.environ.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "page-weight-benchmark-" + "x" * 40,
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "DATABASE_URL": database_url,
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


def _worker(workdir: Path, database_url: str) -> list[Resource]:
    """Runs in the child process: set Django up on one database and weigh the page."""
    _setup(workdir, database_url)
    from django.test import Client

    from scenarios.models import Scenario
    from trainer.play.models import Attempt, Mode

    scenario = Scenario.objects.get(slug="the-first-hour")
    attempt = Attempt.start(scenario, mode=Mode.TIMED, guest_token="weight")
    attempt.mark_served()  # turned to the choices: the heaviest state of the decision page
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
    return rows


def _measure(database_url: str | None) -> list[Resource]:
    """Weigh the page in a child process; without a URL, on a fresh SQLite file."""
    with tempfile.TemporaryDirectory(prefix="gh-bench-weight-") as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'weight.sqlite3'}"
        done = subprocess.run(
            [sys.executable, "-m", "bench.page_weight", "--worker", tmp, url],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    if done.returncode:
        raise RuntimeError(f"page weight worker failed:\n{done.stderr[-3000:]}")
    return [tuple(row) for row in json.loads(done.stdout.strip().splitlines()[-1])]


def _sqlite() -> list[Resource]:
    return _measure(None)


def _postgres() -> list[Resource]:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        # Without FORCE: if another benchmark is using the database, stop rather than drop it.
        admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME}")
        admin.execute(f"CREATE DATABASE {PG_NAME}")
    try:
        return _measure(f"postgres://postgres@127.0.0.1:5432/{PG_NAME}")
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")


def _print(database: str, rows: list[Resource]) -> None:
    total = sum(row[2] for row in rows)
    print(f"-- {database}")
    print(f"{'resource':44} {'raw':>9} {'on the wire':>12}  cache")
    for name, raw, wire, cache in rows:
        print(f"{name:44} {raw:9,} {wire:12,}  {cache}")
    print(f"{'total':44} {'':9} {total:12,}  (target {TARGET_BYTES:,})")


def _markdown(results: dict[str, list[Resource]]) -> str:
    """One table, a column of bytes on the wire per database; raw bytes once when they agree."""
    databases = list(results)
    by_name: dict[str, dict[str, Resource]] = {}
    for database, rows in results.items():
        for row in rows:
            by_name.setdefault(row[0], {})[database] = row
    wire_heads = " | ".join(f"on the wire, {database}" for database in databases)
    table = [
        f"| resource | raw bytes | {wire_heads} | Cache-Control |",
        "|---|---:|" + "---:|" * len(databases) + "---|",
    ]
    for name, rows in by_name.items():
        raws = list(dict.fromkeys(f"{row[1]:,}" for row in rows.values()))
        wires = [f"{rows[d][2]:,}" if d in rows else "-" for d in databases]
        cache = next(iter(rows.values()))[3]
        table.append(f"| {name} | {' / '.join(raws)} | {' | '.join(wires)} | {cache} |")
    totals = [f"**{sum(row[2] for row in results[d]):,}**" for d in databases]
    table.append(f"| **total** | | {' | '.join(totals)} | target under {TARGET_BYTES:,} |")
    return (
        "## Page weight of a first visit to a decision page\n\n"
        "`python -m bench.page_weight`: DEBUG off, static files collected and served by "
        "whitenoise (brotli or gzip, hashed names, cached for a year); the HTML counted "
        "gzip-compressed as the proxy sends it; the page built from a fresh database of each "
        "kind.\n\n" + "\n".join(table)
    )


def collect(*, quick: bool = False, only: str | None = None, write: bool = True) -> list[Row]:
    """Weigh the page on each database, print the figures and return the headline rows.

    ``quick`` changes nothing that is measured: the benchmark is already small. The
    detailed section is written only when ``write`` allows it and both databases ran.
    """
    results: dict[str, list[Resource]] = {}
    summary: list[Row] = []
    for database, measure in (("sqlite", _sqlite), ("postgresql", _postgres)):
        if only and only != database:
            continue
        try:
            rows = measure()
        except Exception as exc:  # report the database that could not run, go on with the other
            print(f"-- {database}: failed: {exc}", flush=True)
            summary.append(crashed(BENCHMARK, exc, database))
            continue
        results[database] = rows
        _print(database, rows)
        total = sum(row[2] for row in rows)
        summary.append(
            Row(
                BENCHMARK,
                database,
                "first visit to a decision page, on the wire",
                f"{total:,} bytes",
                f"under {TARGET_BYTES:,} bytes",
                total < TARGET_BYTES,
            )
        )
    if write and only is None and len(results) == 2:
        from bench.report import write_section

        write_section("page-weight", _markdown(results))
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", nargs=2, metavar=("DIR", "URL"), help=argparse.SUPPRESS)
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    parser.add_argument("--quick", action="store_true", help="measure, but write nothing")
    if argv is None:
        argv = sys.argv[1:] if __name__ == "__main__" else []
    args = parser.parse_args(argv)
    if args.worker:
        workdir, url = args.worker
        print(json.dumps(_worker(Path(workdir), url)))
        return 0
    return exit_status(collect(quick=args.quick, only=args.only, write=not args.quick))


if __name__ == "__main__":
    sys.exit(main())
