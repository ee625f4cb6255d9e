"""Recording an answer and rendering its feedback, under load, against a bare Django view.

`python -m bench.answer_throughput` serves the app with gunicorn (2 sync workers, DEBUG=0)
on loopback, once on a temporary SQLite file and once on a fresh PostgreSQL database
(`gh_bench_play`, created and dropped here). 16 client processes, each a trainee with their
own session, post answers as htmx does (``HX-Request``, the CSRF header), each answer to a
fresh attempt, and check every response is the feedback fragment. In the same run, the same
clients request a bare Django view (`bench.bare_site`: ``HttpResponse("ok")``, no middleware,
no database) served the same way: the baseline. The two take turns for a few short rounds,
so other work on the machine weighs on both alike.

It passes (exit 0) when the answer's throughput is at least 10 % of the bare view's on
SQLite and 8 % on PostgreSQL (a round trip to a server costs more than a file), and its
95th percentile latency is under 50 ms on both. ``--quick`` runs 4 clients
for one short round instead, to check the pipeline, and writes nothing to the docs.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from bench.summary import Row, exit_status

ROOT = Path(__file__).resolve().parent.parent
PORTS = range(8100, 8200)
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_NAME = "gh_bench_play"
CLIENTS = 16
WORKERS = 2
ROUNDS = 3  # bare and answer take turns, so a burst of other work on the machine hits both
SECONDS = 2.5  # measured, per round
WARMUP_SECONDS = 0.5  # per round, not counted
ATTEMPTS_PER_CLIENT = 1200  # fresh attempts: 400 per client and round, far more than needed
MIN_RATIO = {"sqlite": 0.10, "postgresql": 0.08}  # of the bare view's throughput
MAX_P95_MS = 50.0
CSRF = "benchcsrf" + "x" * 23  # a 32-character unmasked token, sent as cookie and header
BENCHMARK = "answer + feedback throughput"  # its name in the combined table


@dataclass(frozen=True)
class Scale:
    """How much load to apply: the real run, or a quick one that only checks the plumbing."""

    clients: int
    rounds: int
    seconds: float
    warmup_seconds: float
    attempts_per_client: int


FULL = Scale(CLIENTS, ROUNDS, SECONDS, WARMUP_SECONDS, ATTEMPTS_PER_CLIENT)
QUICK = Scale(clients=4, rounds=1, seconds=1.0, warmup_seconds=0.3, attempts_per_client=400)


# --- Data: sessions and fresh attempts, made in a child process with the app's settings ---


def _setup(clients: int, per_client: int, out: str) -> None:
    import django

    django.setup()
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from scenarios.loading import load_files
    from scenarios.models import Scenario
    from trainer.play.guests import SESSION_KEY
    from trainer.play.models import Attempt, Mode, new_guest_token

    call_command("migrate", verbosity=0)
    load_files()
    scenario = Scenario.objects.get(slug="the-first-hour")
    first = scenario.first_point()
    best = first.options.order_by("-points").first()
    now = timezone.now()
    plan = {"point": first.key, "option": best.pk, "clients": []}
    for _ in range(clients):
        token = new_guest_token()
        session = SessionStore()
        session[SESSION_KEY] = token
        session.create()
        attempts = [
            Attempt(
                scenario=scenario,
                guest_token=token,
                mode=Mode.TIMED,
                content_version=scenario.content_version,
                current_point=first,
                current_served_at=now,
            )
            for _ in range(per_client)
        ]
        Attempt.objects.bulk_create(attempts, batch_size=1000)
        plan["clients"].append(
            {"session": session.session_key, "attempts": [str(a.pk) for a in attempts]}
        )
    Path(out).write_text(json.dumps(plan))


# --- Serving -------------------------------------------------------------------------------


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port between 8100 and 8199")


@dataclass
class Server:
    process: subprocess.Popen
    port: int

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _serve(app: str, env: dict[str, str], probe: str) -> Server:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", app,
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(WORKERS),
            "--log-level", "warning",
        ],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    server = Server(process, port)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn for {app} exited with {process.returncode}")
        try:
            status, _ = _request(port, "GET", probe, b"", {})
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"gunicorn for {app} did not answer on port {port}")


# --- The load: one process per client, each a closed loop of requests --------------------


def _request(port: int, method: str, path: str, body: bytes, headers: dict[str, str]):
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if method == "POST":
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(raw)
        chunks = []
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    response = b"".join(chunks)
    status = int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/") else 0
    return status, response


def _client(job: dict) -> dict:
    port, kind, until_warm, until_end = job["port"], job["kind"], job["warm"], job["end"]
    latencies: list[float] = []
    errors = 0
    attempts = iter(job.get("attempts", ()))
    headers: dict[str, str] = {}
    body = b""
    if kind == "answer":
        headers = {
            "Cookie": f"sessionid={job['session']}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
            "HX-Request": "true",
        }
        body = urlencode(
            {
                "point": job["point"],
                "diagnosis": "R1",
                "option": job["option"],
                "confidence": "4",
                "reason": "Frightened people need short, clear orders first.",
            }
        ).encode()
    while True:
        now = time.perf_counter()
        if now >= until_end:
            break
        if kind == "answer":
            attempt = next(attempts, None)
            if attempt is None:
                errors += 1  # ran out of fresh attempts: the run is too long for its data
                break
            path, method = f"/play/{attempt}/answer/", "POST"
        else:  # the bare view, or the floor view
            path, method = "/", "GET"
        started = time.perf_counter()
        try:
            status, response = _request(port, method, path, body, headers)
            good = status == 200 and (kind != "answer" or b'id="feedback-heading"' in response)
        except OSError:
            good = False
        finished = time.perf_counter()
        if started >= until_warm:  # only measured requests count
            if good:
                latencies.append((finished - started) * 1000)
            else:
                errors += 1
    return {"latencies": latencies, "errors": errors}


@dataclass
class Result:
    label: str
    requests: int
    errors: int
    seconds: float
    p50: float
    p95: float
    p99: float
    rounds: tuple[float, ...] = ()  # requests per second in each round

    @property
    def throughput(self) -> float:
        """The median round's requests per second."""
        if self.rounds:
            return statistics.median(self.rounds)
        return self.requests / self.seconds if self.seconds else 0.0


def _combine(label: str, parts: list[dict], seconds: float = SECONDS) -> Result:
    """Pool the rounds' latencies; the throughput is the median round's."""
    latencies = sorted(ms for part in parts for ms in part["latencies"])
    errors = sum(part["errors"] for part in parts)
    rounds = tuple(len(part["latencies"]) / seconds for part in parts)
    if len(latencies) < 2:
        return Result(label, len(latencies), errors, seconds * len(parts), 0, 0, 0, rounds)
    cut = statistics.quantiles(latencies, n=100, method="inclusive")
    return Result(
        label, len(latencies), errors, seconds * len(parts), cut[49], cut[94], cut[98], rounds
    )


def _load(
    port: int, kind: str, scale: Scale = FULL, plan: dict | None = None, round_: int = 0
) -> dict:
    """One round: every client at once, a warm-up, then the scale's seconds measured."""
    start = time.perf_counter() + 0.5  # let every client process start first
    warm = start + scale.warmup_seconds
    end = warm + scale.seconds
    jobs = []
    for index in range(scale.clients):
        job = {"port": port, "kind": kind, "warm": warm, "end": end}
        if plan is not None:
            client = plan["clients"][index]
            share = len(client["attempts"]) // scale.rounds
            job.update(
                session=client["session"],
                attempts=client["attempts"][round_ * share : (round_ + 1) * share],
                point=plan["point"],
                option=plan["option"],
            )
        jobs.append(job)
    with multiprocessing.get_context("fork").Pool(scale.clients) as pool:
        # The clients wait for the common start time, so they begin together.
        results = pool.map(_wait_then_run, [(start, job) for job in jobs])
    return {
        "latencies": [ms for result in results for ms in result["latencies"]],
        "errors": sum(result["errors"] for result in results),
    }


def _wait_then_run(args) -> dict:
    start, job = args
    delay = start - time.perf_counter()
    if delay > 0:
        time.sleep(delay)
    return _client(job)


# --- One database: prepare, serve the bare view and the app, measure, tidy up -------------


def _app_env(database: str, sqlite_path: str | None) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.answer_settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no redirect to HTTPS, cookies not marked Secure.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    env.pop("BENCH_SQLITE_PATH", None)
    if sqlite_path:
        env["BENCH_SQLITE_PATH"] = sqlite_path
    else:
        env["DATABASE_URL"] = database
    return env


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def _measure(name: str, env: dict[str, str], scale: Scale = FULL) -> tuple[Result, Result, Result]:
    with tempfile.TemporaryDirectory(prefix="gh-bench-play-") as tmp:
        plan_file = Path(tmp) / "plan.json"
        started = time.monotonic()
        setup = [sys.executable, "-m", "bench.answer_throughput", "--setup", str(plan_file)]
        subprocess.run(
            setup + (["--quick"] if scale == QUICK else []), cwd=ROOT, env=env, check=True
        )
        plan = json.loads(plan_file.read_text())
        print(f"{name}: {scale.clients * scale.attempts_per_client:,} attempts ready in "
              f"{time.monotonic() - started:.1f} s", flush=True)  # fmt: skip

        bare_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.bare_site",
            "PYTHONPATH": str(ROOT),
        }
        floor_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.floor_site"}
        servers = {
            "bare": _serve("bench.bare_site:application", bare_env, "/"),
            "floor": _serve("bench.floor_site:application", floor_env, "/"),
            "answer": _serve("trainer.wsgi:application", env, "/healthz"),
        }
        parts: dict[str, list[dict]] = {kind: [] for kind in servers}
        try:
            for round_ in range(scale.rounds):
                for kind, server in servers.items():
                    plan_or_none = plan if kind == "answer" else None
                    parts[kind].append(_load(server.port, kind, scale, plan_or_none, round_))
        finally:
            for server in servers.values():
                server.stop()
        bare = _combine(f"{name}: bare view", parts["bare"], scale.seconds)
        floor = _combine(f"{name}: insert + small template", parts["floor"], scale.seconds)
        answer = _combine(f"{name}: answer + feedback", parts["answer"], scale.seconds)
        for result in (bare, floor, answer):
            rounds = ", ".join(f"{rate:,.0f}" for rate in result.rounds)
            print(f"  {result.label}: {rounds} requests/s", flush=True)
    return bare, floor, answer


def _table(rows: list[tuple[str, Result, Result, Result]]) -> str:
    lines = [
        "| database | request | requests/s | p50 | p95 | p99 | errors | share of bare |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, bare, floor, answer in rows:
        for label, result in (
            ("bare view", bare),
            ("insert + small template (floor)", floor),
            ("**answer + feedback**", answer),
        ):
            ratio = result.throughput / bare.throughput if bare.throughput else 0
            lines.append(
                f"| {name} | {label} | {result.throughput:,.0f} | {result.p50:.1f} ms | "
                f"{result.p95:.1f} ms | {result.p99:.1f} ms | {result.errors} | "
                f"{100 * ratio:.1f} % |"
            )
    return "\n".join(lines)


def _summary(name: str, bare: Result, floor: Result, answer: Result) -> list[Row]:
    """The headline figures for the combined table: the same three checks as the verdict."""
    ratio = answer.throughput / bare.throughput if bare.throughput else 0
    errors = answer.errors + bare.errors + floor.errors
    return [
        Row(
            BENCHMARK,
            name,
            "answer requests/s, share of the bare view's",
            f"{100 * ratio:.1f} % ({answer.throughput:,.0f} of {bare.throughput:,.0f}/s)",
            f"at least {100 * MIN_RATIO[name]:.0f} %",
            ratio >= MIN_RATIO[name],
        ),
        Row(
            BENCHMARK,
            name,
            "answer p95 latency",
            f"{answer.p95:.1f} ms",
            f"under {MAX_P95_MS:.0f} ms",
            answer.p95 < MAX_P95_MS,
        ),
        Row(BENCHMARK, name, "failed requests (all three servers)", str(errors), "0", not errors),
    ]


def collect(*, quick: bool = False, only: str | None = None, write: bool = True) -> list[Row]:
    """Run the benchmark, print its table and return its headline rows.

    The detailed section is written only when ``write`` allows it and both databases ran,
    so a run on one database never replaces the figures of the other.
    """
    scale = QUICK if quick else FULL
    rows: list[tuple[str, Result, Result, Result]] = []
    if only in (None, "sqlite"):
        with tempfile.TemporaryDirectory(prefix="gh-bench-play-db-") as tmp:
            path = str(Path(tmp) / "bench.sqlite3")
            rows.append(("sqlite", *_measure("sqlite", _app_env("", path), scale)))
    if only in (None, "postgresql"):
        _pg(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        _pg(f"CREATE DATABASE {PG_NAME}")
        try:
            url = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
            rows.append(("postgresql", *_measure("postgresql", _app_env(url, None), scale)))
        finally:
            _pg(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")

    table = _table(rows)
    print()
    print(table)
    failures = []
    for name, bare, floor, answer in rows:
        ratio = answer.throughput / bare.throughput if bare.throughput else 0
        if ratio < MIN_RATIO[name]:
            failures.append(f"{name}: answer throughput is {100 * ratio:.1f} % of the bare view's")
        if answer.p95 >= MAX_P95_MS:
            failures.append(f"{name}: answer p95 is {answer.p95:.1f} ms")
        if answer.errors or bare.errors or floor.errors:
            failures.append(f"{name}: {answer.errors + bare.errors + floor.errors} failed requests")
    verdict = "Pass." if not failures else "Fail: " + "; ".join(failures) + "."
    print("\n" + verdict)

    # Only a full-scale run writes this text, so it names the full-scale constants.
    markdown = f"""## Answer and feedback throughput

`python -m bench.answer_throughput`: the app served by gunicorn ({WORKERS} sync workers,
`DEBUG=0`, production settings; SQLite in a temporary file with the production options,
PostgreSQL in a fresh local database) on loopback. {CLIENTS} client processes, each a guest
trainee with their own session, post answers as htmx does, each to a fresh attempt; every
response is checked to be the feedback fragment. The baseline is a bare Django view
(`HttpResponse("ok")`, no middleware, no database) served and loaded the same way, in the
same run. For scale, a third server runs the floor of any view that writes: the app's
settings and full middleware stack, one inserted row and a small template
(`bench.floor_site`). They take turns, {ROUNDS} rounds each of {SECONDS:g} s measured after
a {WARMUP_SECONDS:g} s warm-up: requests/s is the median round, latencies pool every round.
Clients and servers share the machine's cores. Target: at least
{100 * MIN_RATIO["sqlite"]:.0f} % of the bare view's throughput on SQLite and
{100 * MIN_RATIO["postgresql"]:.0f} % on PostgreSQL, and a p95 under {MAX_P95_MS:.0f} ms.

{table}

{verdict}

What one answer costs the server: three statements on the usual path (asserted in
`tests/test_hot_path.py`): the session (Django's database sessions), the attempt with its
scenario's content stamp (one `select_related` query), and the INSERT (`save()`), into a
table with no index its lookups do not need. The decision and its four options come from
memory while the scenario's stamp stands (`scenarios/cache.py`). Each worker freezes what
it loaded at start-up out of the garbage collector's sight (`trainer/wsgi.py`). Everything
else is Django's and the libraries' own work, through their public parts: the ORM
building each query, the middleware (django-csp's included), the form and the feedback
template; on PostgreSQL, Django's connection pool checking each connection it lends (one
round trip), a round trip per statement and the commit's flush to disk, which no setting
may skip: an acknowledged answer must survive a crash.

The bare view and the floor show what the machine allows on the day: the 16 client
processes share its two cores with the servers, and the p95 of a closed loop of 16 clients
on 2 workers is about 16 divided by the throughput, whatever the view."""
    if write and only is None:
        from bench.report import write_section

        write_section("answer-throughput", markdown)
    return [
        row for name, bare, floor, answer in rows for row in _summary(name, bare, floor, answer)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", metavar="PLAN", help=argparse.SUPPRESS)
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    parser.add_argument(
        "--quick", action="store_true", help="a small, short run that writes nothing"
    )
    args = parser.parse_args(argv)
    if args.setup:
        scale = QUICK if args.quick else FULL
        _setup(scale.clients, scale.attempts_per_client, args.setup)
        return 0
    return exit_status(collect(quick=args.quick, only=args.only, write=not args.quick))


if __name__ == "__main__":
    sys.exit(main())
