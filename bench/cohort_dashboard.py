"""The cohort dashboard and the CSV export at scale, on SQLite and on PostgreSQL.

`python -m bench.cohort_dashboard` makes a fresh database of each kind (a temporary SQLite
file; `gh_bench_progress` on the local PostgreSQL, created and dropped here), fills it with
`generate_demo_data` (10,000 learners with 30 answers each by default), then, in a worker process
per database:

- times the dashboard with Django's test client, in process, after a warm-up: median and
  95th percentile of several runs, unfiltered, filtered (one scenario, 30 days) and on a
  late page of members, and counts its queries;
- streams the CSV export of every answer while tracemalloc watches, noting the peak of
  Python memory after 10 %, 50 % and 100 % of the rows: flat means the export does not
  hold rows in memory.

It passes (exit 0) when every dashboard median and p95 is under 300 ms and the export's
peak grows by less than 8 MiB between 10 % and 100 % of the rows. ``--quick`` makes 200
learners with 10 answers each and times 3 runs, to check the pipeline; it writes nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.summary import Row, crashed, exit_status

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_NAME = "gh_bench_progress"
BUDGET_MS = 300
FLAT_MIB = 8
STATIC_BACKEND = "django.contrib.staticfiles.storage.StaticFilesStorage"
BENCHMARK = "cohort dashboard + CSV"  # its name in the combined table
FULL = {"learners": 10_000, "answers": 30, "runs": 15}
QUICK = {"learners": 200, "answers": 10, "runs": 3}


def _worker(learners: int, answers: int, runs: int) -> dict:
    import django

    django.setup()
    import tracemalloc

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.utils import timezone

    from scenarios.loading import load_files
    from trainer.progress.demo import generate

    # DEBUG is off as in production, but static files are served unhashed: the benchmark
    # measures the dashboard, not whether `collectstatic` has run.
    plain = {**settings.STORAGES, "staticfiles": {"BACKEND": STATIC_BACKEND}}
    override_settings(STORAGES=plain).enable()

    call_command("migrate", verbosity=0)
    load_files()
    began = time.perf_counter()
    result = generate(learners=learners, answers=answers, seed=2008)
    generate_s = time.perf_counter() - began
    cohort = result.cohort

    client = Client()
    client.force_login(get_user_model().objects.get(username="facilitator"))
    base = f"/cohorts/{cohort.pk}/"
    month_ago = (timezone.localdate() - timezone.timedelta(days=30)).isoformat()
    views = {
        "all records": {},
        "one scenario, 30 days": {"scenario": "the-first-hour", "start": month_ago},
        "members page 200": {"page": 200},
    }
    timings = {}
    for label, query in views.items():
        for _ in range(3):  # warm-up: connection, template and query caches
            assert client.get(base, query).status_code == 200
        samples = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(base, query)
                samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
        samples.sort()
        timings[label] = {
            "median": statistics.median(samples),
            "p95": samples[max(0, round(0.95 * len(samples)) - 1)],
            "queries": len(queries.captured_queries),
        }

    total_rows = result.answers
    marks = {"10": total_rows // 10, "50": total_rows // 2, "100": total_rows}
    peaks: dict[str, float] = {}
    tracemalloc.start()
    tracemalloc.reset_peak()
    start = time.perf_counter()
    response = client.get(f"{base}export/answers.csv")
    rows = -1  # the header line
    size = 0
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")
        size += len(chunk)
        for percent, row in marks.items():
            if percent not in peaks and rows >= row:
                peaks[percent] = tracemalloc.get_traced_memory()[1] / 2**20
    export_s = time.perf_counter() - start
    tracemalloc.stop()
    response.close()
    return {
        "vendor": connection.vendor,
        "learners": learners,
        "answers": result.answers,
        "attempts": result.attempts,
        "generate_s": generate_s,
        "timings": timings,
        "export": {"rows": rows, "mib": size / 2**20, "seconds": export_s, "peaks": peaks},
    }


def _run_worker(database_url: str, args: argparse.Namespace) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-a-secret",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "trainer.settings",
    }
    command = [
        sys.executable,
        "-m",
        "bench.cohort_dashboard",
        "--worker",
        f"--learners={args.learners}",
        f"--answers={args.answers}",
        f"--runs={args.runs}",
    ]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"worker failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _postgres(args: argparse.Namespace) -> dict:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME}")
        admin.execute(f"CREATE DATABASE {PG_NAME}")
    try:
        return _run_worker(f"postgres://postgres@127.0.0.1:5432/{PG_NAME}", args)
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")


def _sqlite(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="gh-bench-") as folder:
        return _run_worker(f"sqlite:///{folder}/bench.sqlite3", args)


def _verdict(result: dict) -> list[str]:
    problems = []
    for label, timing in result["timings"].items():
        if timing["median"] >= BUDGET_MS or timing["p95"] >= BUDGET_MS:
            problems.append(f"{result['vendor']}: dashboard ({label}) over {BUDGET_MS} ms")
    peaks = result["export"]["peaks"]
    if peaks.get("100", 0) - peaks.get("10", 0) >= FLAT_MIB:
        problems.append(f"{result['vendor']}: export memory grew with the rows")
    return problems


def _markdown(results: list[dict]) -> str:
    lines = [
        "## Cohort dashboard and CSV export",
        "",
        "`python -m bench.cohort_dashboard`: a cohort of generated learners (each with their own "
        "skill, leaning and improvement) on the real scenario paths; the dashboard timed with "
        "Django's test client in process after a warm-up, and the CSV export of every answer "
        "streamed under tracemalloc. Budget: under 300 ms for the dashboard, and export memory "
        "that stays flat as rows go by.",
        "",
        "| database | data | generated in | dashboard view | median | p95 | queries |",
        "|---|---|---|---|---:|---:|---:|",
    ]
    for r in results:
        data = f"{r['learners']:,} learners, {r['attempts']:,} attempts, {r['answers']:,} answers"
        generated = f"{r['generate_s']:.0f} s"
        for index, (label, t) in enumerate(r["timings"].items()):
            head = [r["vendor"], data, generated] if index == 0 else ["", "", ""]
            cells = [*head, label, f"{t['median']:.0f} ms", f"{t['p95']:.0f} ms", str(t["queries"])]
            lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "| database | CSV rows | size | streamed in | peak Python memory, 10 % / 50 % / 100 % |",
        "|---|---:|---:|---:|---|",
    ]
    for r in results:
        e = r["export"]
        peaks = " / ".join(f"{e['peaks'][mark]:.1f} MiB" for mark in ("10", "50", "100"))
        cells = [r["vendor"], f"{e['rows']:,}", f"{e['mib']:.0f} MiB", f"{e['seconds']:.1f} s"]
        lines.append("| " + " | ".join([*cells, peaks]) + " |")
    return "\n".join(lines)


def _summary(result: dict) -> list[Row]:
    """The headline figures for the combined table: the same checks as ``_verdict``."""
    vendor, timings, export = result["vendor"], result["timings"], result["export"]
    slowest, worst = max(timings.items(), key=lambda item: item[1]["p95"])
    fast = all(t["median"] < BUDGET_MS and t["p95"] < BUDGET_MS for t in timings.values())
    growth = export["peaks"].get("100", 0) - export["peaks"].get("10", 0)
    return [
        Row(
            BENCHMARK,
            vendor,
            f"dashboard, {result['learners']:,} learners, slowest of {len(timings)} views",
            f"{worst['p95']:.0f} ms p95 ({slowest})",
            f"median and p95 under {BUDGET_MS} ms",
            fast,
        ),
        Row(
            BENCHMARK,
            vendor,
            f"CSV of {export['rows']:,} answers, peak memory growth 10 % to 100 %",
            f"{growth:.1f} MiB",
            f"under {FLAT_MIB} MiB",
            growth < FLAT_MIB,
        ),
    ]


def _run(args: argparse.Namespace, write: bool) -> list[Row]:
    results, problems, rows = [], [], []
    for name, run in (("sqlite", _sqlite), ("postgresql", _postgres)):
        if args.only and args.only != name:
            continue
        print(f"-- {name}: {args.learners:,} learners with {args.answers} answers each", flush=True)
        try:
            result = run(args)
        except Exception as exc:  # report the database that could not run, go on with the other
            problems.append(f"{name}: {exc}")
            print(f"   failed: {exc}", flush=True)
            rows.append(crashed(BENCHMARK, exc, name))
            continue
        results.append(result)
        problems += _verdict(result)
        rows += _summary(result)
    markdown = _markdown(results)
    print(markdown)
    if results and write:
        from bench.report import write_section

        write_section("cohort-dashboard", markdown)
    for problem in problems:
        print("FAIL:", problem)
    return rows


def _with_defaults(args: argparse.Namespace) -> argparse.Namespace:
    """Fill in the sizes not given: the real ones, or the quick ones with ``--quick``."""
    for key, value in (QUICK if args.quick else FULL).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    return args


def collect(*, quick: bool = False, only: str | None = None, write: bool = True) -> list[Row]:
    """Run the benchmark, print its tables and return its headline rows."""
    args = argparse.Namespace(learners=None, answers=None, runs=None, quick=quick, only=only)
    return _run(_with_defaults(args), write)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, help="10,000 by default, 200 with --quick")
    parser.add_argument("--answers", type=int, help="30 by default, 10 with --quick")
    parser.add_argument("--runs", type=int, help="15 by default, 3 with --quick")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    parser.add_argument(
        "--quick", action="store_true", help="a small, short run that writes nothing"
    )
    if argv is None:
        argv = sys.argv[1:] if __name__ == "__main__" else []
    args = _with_defaults(parser.parse_args(argv))
    if args.worker:
        print(json.dumps(_worker(args.learners, args.answers, args.runs)))
        return 0
    return exit_status(_run(args, write=not args.quick))


if __name__ == "__main__":
    sys.exit(main())
