"""A live workshop under load: a room answering one decision at once, and the largest room.

`python -m bench.workshop_burst` serves the app with gunicorn (2 sync workers, DEBUG=0) on
a loopback port in 8200-8299, once on a temporary SQLite file and once on a fresh
PostgreSQL database (``gh_bench_workshop``, created and dropped here). On each:

1. The burst. 300 simulated participants join a workshop the way a phone does (join page,
   name, their screen), each from an address of its own (``X-Forwarded-For`` through one
   trusted proxy, so the join limits per address stay on as they would be on a venue's
   Wi-Fi), and then poll their screen every 2 seconds as htmx would, with the
   screen's ETag in ``If-None-Match``; a presenter and a control screen poll too. The
   facilitator opens the first decision; every participant notices it on their next poll,
   "reads" for a random moment and sends an answer as htmx does, so all answers arrive
   within 10 seconds of the opening. Then the database is read: every answer the server
   acknowledged must be stored (0 lost), and no request may fail (0 server errors).
2. The largest room. Rooms of growing size repeat the same with 20 seconds to answer,
   until one misses a criterion: everyone answered within 20 s, poll p95 under 500 ms,
   0 errors. The steps are fixed and few, so the run stays bounded.

The client is one asyncio process speaking plain HTTP/1.1 from the standard library, on
the same machine as the server: the figures are for the two together. It prints a table
and writes it into docs/benchmarks.md. It passes (exit 0) when the burst passes on both
databases. ``--quick`` checks the pipeline instead: a burst of 30, rooms of 20 and 40, no
waiting for a quiet machine, and nothing written to the docs.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from bench.summary import Row, exit_status

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
PORTS = range(8200, 8300)
WORKERS = 2
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_NAME = "gh_bench_workshop"
SCENARIO = "the-first-hour"

POLL_SECONDS = 2.0
BURST_ROOM = 300
BURST_WINDOW = 10.0  # everyone's answer must be stored within this many seconds of the opening
SEARCH_WINDOW = 20.0
SEARCH_STEPS = (200, 300, 400, 500, 750, 1000, 1500, 2000)
SEARCH_RESOLUTION = 50  # after the first miss, one bisection step if the gap is wider
POLL_P95_LIMIT_MS = 500.0
ROOM_TARGET = 750  # the largest room held, on each database (a quick run only reports it)
SETTLE_SECONDS = 4.0  # polling before the opening and after the last answer
JOIN_CONCURRENCY = 40
REQUEST_TIMEOUT = 30.0
DEADLINE_SECONDS = 25 * 60  # the whole run, both databases
QUIET_LOAD = 1.0  # wait (a little) for the 1-minute load average to drop below this
QUIET_WAIT_SECONDS = 90
BENCHMARK = "workshop burst"  # its name in the combined table
# A quick run keeps the windows and limits (they are the targets) but shrinks the rooms.
QUICK_BURST_ROOM = 30
QUICK_STEPS = (20, 40)

SQLITE_OPTIONS = {
    # The same options trainer/settings.py gives its own SQLite file: WAL, a busy timeout,
    # immediate transactions so concurrent writers queue instead of failing.
    "transaction_mode": "IMMEDIATE",
    "timeout": "20",
    "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;",
}


# --- A minimal HTTP/1.1 client on asyncio streams ---------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, list[str]]
    body: str
    seconds: float

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None


class Browser:
    """One simulated browser: its own cookies, one connection per request (as gunicorn's
    sync workers close each connection after answering)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    async def request(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
    ) -> Response:
        body = urlencode(form).encode() if form is not None else b""
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {HOST}:{self.port}",
            "Connection: close",
            "User-Agent: golden-hour-workshop-burst",
        ]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if form is not None:
            lines.append("Content-Type: application/x-www-form-urlencoded")
            lines.append(f"Content-Length: {len(body)}")
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        started = time.perf_counter()
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(HOST, self.port), REQUEST_TIMEOUT
        )
        try:
            writer.write(raw)
            await writer.drain()
            data = await asyncio.wait_for(reader.read(), REQUEST_TIMEOUT)
        finally:
            writer.close()
        seconds = time.perf_counter() - started
        head, _, payload = data.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        parsed: dict[str, list[str]] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            parsed.setdefault(name.strip().lower(), []).append(value.strip())
        for cookie in parsed.get("set-cookie", []):
            pair = cookie.split(";", 1)[0]
            name, _, value = pair.partition("=")
            self.cookies[name.strip()] = value.strip()
        if b"chunked" in head.lower():
            payload = _unchunk(payload)
        return Response(status, parsed, payload.decode("utf-8", "replace"), seconds)

    def csrf_headers(self) -> dict[str, str]:
        return {"X-CSRFToken": self.cookies.get("csrftoken", "")}


def _unchunk(payload: bytes) -> bytes:
    out = b""
    while payload:
        size_line, _, rest = payload.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        payload = rest[size + 2 :]
    return out


ETAG_RE = re.compile(r"If-None-Match&quot;: &quot;\\&quot;([0-9a-f]+)\\&quot;")
POINT_RE = re.compile(r'name="point" value="(\d+)"')
OPTION_RE = re.compile(r'name="option" value="(\d+)"')
CODE_RE = re.compile(r'<dd class="code-text">([A-Z0-9 ]+)</dd>')


def poller_etag(html: str) -> str | None:
    match = ETAG_RE.search(html)
    return f'"{match.group(1)}"' if match else None


# --- Measurements ----------------------------------------------------------------------


@dataclass
class Tally:
    polls: list[float] = field(default_factory=list)
    not_modified: int = 0
    answers: list[float] = field(default_factory=list)
    joins: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)
    answered_at: list[float] = field(default_factory=list)

    def error(self, what: str) -> None:
        if len(self.errors) < 10_000:
            self.errors.append(what)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


# --- One simulated participant ------------------------------------------------------------


_PHONES = itertools.count(1)


class Participant:
    def __init__(self, room: Room, number: int) -> None:
        self.room = room
        self.name = f"P{number:04d}"
        self.browser = Browser(room.port)
        self.etag: str | None = None
        self.html = ""
        self.answered = False
        self.answering = False
        self.screen = ""  # the room's address on a phone, from the join's redirect
        # Each phone comes from an address of its own, as behind the venue's Wi-Fi, through
        # the one trusted proxy the server is told of: the join limits per address stay on.
        serial = next(_PHONES)
        self.forwarded = {
            "X-Forwarded-For": f"10.{serial >> 16 & 255}.{serial >> 8 & 255}.{serial & 255}"
        }

    async def join(self) -> bool:
        tally, code = self.room.tally, self.room.code
        try:
            first = await self.browser.request("GET", f"/join/{code}/", headers=self.forwarded)
            joined = await self.browser.request(
                "POST",
                f"/join/{code}/",
                headers=self.forwarded,
                form={
                    "display_name": self.name,
                    "csrfmiddlewaretoken": self.browser.cookies.get("csrftoken", ""),
                },
            )
            self.screen = joined.header("Location") or ""
            page = await self.browser.request("GET", self.screen or f"/join/{code}/")
        except (TimeoutError, OSError) as exc:
            tally.error(f"join: {exc!r}")
            return False
        tally.joins.extend([first.seconds, joined.seconds, page.seconds])
        if first.status != 200 or joined.status != 303 or page.status != 200:
            tally.error(f"join: {first.status}/{joined.status}/{page.status}")
            return False
        self.html = page.body
        self.etag = poller_etag(page.body)
        return True

    async def live(self, stop: asyncio.Event) -> None:
        """Poll every 2 s, as an htmx screen does; answer once a decision opens."""
        await asyncio.sleep(random.uniform(0, POLL_SECONDS))
        while not stop.is_set():
            started = time.perf_counter()
            await self.poll()
            if not self.answered and not self.answering and POINT_RE.search(self.html):
                self.answering = True
                self.room.pending.append(asyncio.get_running_loop().create_task(self.answer()))
            elapsed = time.perf_counter() - started
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), max(0.0, POLL_SECONDS - elapsed))

    async def poll(self) -> None:
        headers = {"HX-Request": "true", "HX-Current-URL": self.screen}
        if self.etag:
            headers["If-None-Match"] = self.etag
        try:
            response = await self.browser.request("GET", self.screen, headers=headers)
        except (TimeoutError, OSError) as exc:
            self.room.tally.error(f"poll: {exc!r}")
            return
        tally = self.room.tally
        tally.polls.append(response.seconds)
        if response.status == 304:
            tally.not_modified += 1
        elif response.status == 200:
            self.html = response.body
            self.etag = poller_etag(response.body) or self.etag
        else:
            tally.error(f"poll: HTTP {response.status}")

    async def answer(self) -> None:
        """Read the decision for a moment, then send an answer as the htmx form does."""
        room = self.room
        latest = room.opened_at + room.think_until
        await asyncio.sleep(max(0.0, random.uniform(0.3, latest - time.perf_counter())))
        point = POINT_RE.search(self.html)
        options = OPTION_RE.findall(self.html)
        if point is None or not options:
            self.answering = False
            return
        form = {
            "point": point.group(1),
            "diagnosis": random.choice(["R1", "R1", "R2", "R3", "R4"]),
            "option": random.choice(options),
            "reason": random.choice(["", "", "They need clear orders", "Trust the team"]),
            "csrfmiddlewaretoken": self.browser.cookies.get("csrftoken", ""),
        }
        headers = {
            "HX-Request": "true",
            "HX-Current-URL": self.screen,
            **self.browser.csrf_headers(),
        }
        try:
            response = await self.browser.request("POST", self.screen, headers=headers, form=form)
        except (TimeoutError, OSError) as exc:
            room.tally.error(f"answer: {exc!r}")
            self.answering = False
            return
        room.tally.answers.append(response.seconds)
        if response.status == 200 and "Answer received" in response.body:
            self.answered = True
            self.html = response.body
            self.etag = poller_etag(response.body) or self.etag
            room.tally.acknowledged.add(self.name)
            room.tally.answered_at.append(time.perf_counter() - room.opened_at)
        else:
            room.tally.error(f"answer: HTTP {response.status}")
        self.answering = False


# --- The facilitator's screens ------------------------------------------------------------


class Room:
    def __init__(self, port: int, session: str, scenario_id: int, size: int, window: float):
        self.port = port
        self.size = size
        self.window = window
        # Leave a poll interval to notice the opening and a second for the request itself.
        self.think_until = window - POLL_SECONDS - 1.5
        self.tally = Tally()
        self.facilitator = Browser(port)
        self.facilitator.cookies["sessionid"] = session
        self.scenario_id = scenario_id
        self.workshop_id = 0
        self.code = ""
        self.opened_at = 0.0
        self.pending: list[asyncio.Task] = []

    async def create(self) -> None:
        page = await self.facilitator.request("GET", "/workshops/new/")
        assert page.status == 200, f"the facilitator cannot open /workshops/new/: {page.status}"
        created = await self.facilitator.request(
            "POST",
            "/workshops/new/",
            form={
                "scenario": str(self.scenario_id),
                "title": f"Burst of {self.size}",
                "csrfmiddlewaretoken": self.facilitator.cookies["csrftoken"],
            },
        )
        location = created.header("location") or ""
        match = re.search(r"/workshops/(\d+)/", location)
        assert created.status == 302 and match, f"creating a workshop: {created.status}"
        self.workshop_id = int(match.group(1))
        control = await self.facilitator.request("GET", location)
        self.code = CODE_RE.search(control.body).group(1).replace(" ", "")
        # A room bigger than the default limit: the facilitator raises it on the People page.
        people = await self.facilitator.request(
            "POST",
            f"/workshops/{self.workshop_id}/people/",
            form={
                "action": "capacity",
                "capacity": str(max(self.size, 1)),
                "csrfmiddlewaretoken": self.facilitator.cookies["csrftoken"],
            },
        )
        assert people.status == 303, f"setting the room's size: {people.status}"

    async def act(self, action: str, step: int) -> Response:
        return await self.facilitator.request(
            "POST",
            f"/workshops/{self.workshop_id}/",
            headers={"HX-Request": "true", **self.facilitator.csrf_headers()},
            form={"action": action, "step": str(step)},
        )

    async def screen(self, path: str, stop: asyncio.Event) -> None:
        """The presenter or the control screen, polling like the participants."""
        browser = Browser(self.port)
        browser.cookies.update(self.facilitator.cookies)
        etag = None
        while not stop.is_set():
            started = time.perf_counter()
            headers = {"HX-Request": "true"}
            if etag:
                headers["If-None-Match"] = etag
            try:
                response = await browser.request("GET", path, headers=headers)
            except (TimeoutError, OSError) as exc:
                self.tally.error(f"{path}: {exc!r}")
            else:
                self.tally.polls.append(response.seconds)
                if response.status == 200:
                    etag = poller_etag(response.body) or etag
                elif response.status == 304:
                    self.tally.not_modified += 1
                else:
                    self.tally.error(f"{path}: HTTP {response.status}")
            elapsed = time.perf_counter() - started
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), max(0.0, POLL_SECONDS - elapsed))


@dataclass
class Trial:
    database: str
    size: int
    window: float
    joined: int
    acknowledged: int
    stored: int
    lost: int
    errors: int
    error_sample: list[str]
    poll_p50: float
    poll_p95: float
    answer_p95: float
    join_p95: float
    not_modified_share: float
    last_answer: float
    requests: int
    seconds: float
    load_before: float

    @property
    def everyone_answered(self) -> bool:
        return self.acknowledged == self.size and self.last_answer <= self.window

    @property
    def burst_passed(self) -> bool:
        return self.everyone_answered and self.lost == 0 and self.errors == 0

    @property
    def room_held(self) -> bool:
        return self.burst_passed and self.poll_p95 < POLL_P95_LIMIT_MS


async def run_room(server: Server, size: int, window: float) -> Trial:
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    room = Room(server.port, server.session, server.scenario_id, size, window)
    await room.create()
    people = [Participant(room, number) for number in range(1, size + 1)]
    gate = asyncio.Semaphore(JOIN_CONCURRENCY)

    async def join(person: Participant) -> bool:
        async with gate:
            return await person.join()

    joined = [
        p for p, ok in zip(people, await asyncio.gather(*map(join, people)), strict=True) if ok
    ]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(person.live(stop)) for person in joined]
    tasks.append(asyncio.create_task(room.screen(f"/workshops/{room.workshop_id}/present/", stop)))
    tasks.append(asyncio.create_task(room.screen(f"/workshops/{room.workshop_id}/", stop)))
    await asyncio.sleep(SETTLE_SECONDS)

    room.tally.polls.clear()  # measure the room while it decides, not while it joins
    room.tally.not_modified = 0
    room.opened_at = time.perf_counter()
    opened = await room.act("open", 0)
    if opened.status != 200:
        room.tally.error(f"open: HTTP {opened.status}")
    deadline = room.opened_at + window + 15.0
    while time.perf_counter() < deadline and len(room.tally.acknowledged) < len(joined):
        await asyncio.sleep(0.25)
    await asyncio.sleep(SETTLE_SECONDS)
    stop.set()
    await asyncio.gather(*tasks, *room.pending)
    await room.act("reveal", 1)
    await room.act("end", 1)

    stored = server.stored_answers(room.workshop_id)
    tally = room.tally
    polls = tally.polls
    return Trial(
        database=server.database,
        size=size,
        window=window,
        joined=len(joined),
        acknowledged=len(tally.acknowledged),
        stored=len(stored),
        lost=len(tally.acknowledged - stored),
        errors=len(tally.errors),
        error_sample=sorted(set(tally.errors))[:5],
        poll_p50=1000 * percentile(polls, 0.50),
        poll_p95=1000 * percentile(polls, 0.95),
        answer_p95=1000 * percentile(tally.answers, 0.95),
        join_p95=1000 * percentile(tally.joins, 0.95),
        not_modified_share=tally.not_modified / len(polls) if polls else 0.0,
        last_answer=max(tally.answered_at, default=float("inf")),
        requests=len(polls) + len(tally.answers) + len(tally.joins),
        seconds=time.perf_counter() - started,
        load_before=load_before,
    )


# --- The server: a database, gunicorn, and a helper process for setup and checks ---------


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind((HOST, port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8200-8299")


class Server:
    def __init__(self, database: str, url: str, workdir: Path) -> None:
        self.database = database
        self.port = _free_port()
        self.workdir = workdir
        self.env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST,
            "DATABASE_URL": url,
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
            "TRUSTED_PROXY_HOPS": "1",  # the phones' own addresses, in X-Forwarded-For
            "DJANGO_SETTINGS_MODULE": "trainer.settings",
            "PYTHONPATH": str(ROOT),
        }
        self.process: subprocess.Popen | None = None
        self.session = ""
        self.scenario_id = 0

    def helper(self, *args: str) -> dict:
        out = subprocess.run(
            [PYTHON, "-m", "bench.workshop_burst", "--helper", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if out.returncode != 0:
            raise RuntimeError(f"helper {args} failed:\n{out.stderr[-3000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])

    def start(self) -> None:
        prepared = self.helper("setup")
        self.session, self.scenario_id = prepared["session"], prepared["scenario"]
        log = open(self.workdir / f"gunicorn-{self.database}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                str(Path(PYTHON).with_name("gunicorn")),
                "trainer.wsgi:application",
                "--workers",
                str(WORKERS),
                "--bind",
                f"{HOST}:{self.port}",
                "--backlog",
                "4096",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for _ in range(100):
            try:
                with socket.create_connection((HOST, self.port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def stored_answers(self, workshop_id: int) -> set[str]:
        return set(self.helper("stored", str(workshop_id))["names"])


@contextmanager
def serving(database: str, workdir: Path) -> Iterator[Server]:
    if database == "sqlite":
        path = workdir / "workshop-burst.sqlite3"
        url = f"sqlite:///{path}?" + urlencode(SQLITE_OPTIONS, quote_via=quote)
        server = Server(database, url, workdir)
    else:
        _pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME}")
        _pg_admin(f"CREATE DATABASE {PG_NAME}")
        server = Server(database, f"postgres://postgres@127.0.0.1:5432/{PG_NAME}", workdir)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        if database == "postgres":
            _pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(sql)


def _helper(args: list[str]) -> int:
    """Runs in a child process with the server's environment and Django set up."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from scenarios.models import Scenario
    from trainer.accounts.roles import make_facilitator
    from trainer.play.models import Answer

    command = args[0]
    if command == "setup":
        call_command("migrate", verbosity=0)
        call_command("load_scenarios", verbosity=0)
        call_command("collectstatic", verbosity=0, interactive=False)
        user, _ = get_user_model().objects.get_or_create(username="bench-facilitator")
        make_facilitator(user)
        client = Client()
        client.force_login(user)
        scenario = Scenario.objects.get(slug=SCENARIO)
        print(json.dumps({"session": client.cookies["sessionid"].value, "scenario": scenario.pk}))
        return 0
    if command == "stored":
        names = Answer.objects.filter(
            attempt__workshop_participant__workshop_id=int(args[1])
        ).values_list("attempt__workshop_participant__display_name", flat=True)
        print(json.dumps({"names": list(names)}))
        return 0
    raise SystemExit(f"unknown helper command {command!r}")


# --- The run -----------------------------------------------------------------------------


def _raise_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, 16_384) if hard != resource.RLIM_INFINITY else 16_384
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


class Search:
    """Room sizes to try: the steps upwards until one misses, then, once, the middle of the
    gap between the largest room held and the smallest missed, if that gap is wide."""

    def __init__(self, steps: tuple[int, ...]) -> None:
        self.steps = steps
        self.held = 0
        self.missed: int | None = None

    def record(self, size: int, held: bool) -> None:
        if held:
            self.held = max(self.held, size)
        else:
            self.missed = size if self.missed is None else min(self.missed, size)

    def sizes(self) -> Iterator[int]:
        for size in self.steps:
            yield size
            if self.missed is not None:
                break
        if self.missed is not None and self.missed - self.held > SEARCH_RESOLUTION:
            yield (self.held + self.missed) // 2 // 10 * 10


def _wait_for_quiet() -> None:
    """Other work on the machine shares its cores with the server and the client; give it
    a moment to finish, but never wait long."""
    waited = 0
    while os.getloadavg()[0] >= QUIET_LOAD and waited < QUIET_WAIT_SECONDS:
        if waited == 0:
            print(f"waiting up to {QUIET_WAIT_SECONDS} s for a quieter machine...", flush=True)
        time.sleep(5)
        waited += 5


def _line(trial: Trial) -> str:
    return (
        f"  {trial.database:8} room {trial.size:5}  joined {trial.joined:5}  "
        f"acknowledged {trial.acknowledged:5}  stored {trial.stored:5}  lost {trial.lost}  "
        f"errors {trial.errors}  last answer {trial.last_answer:5.1f} s  "
        f"poll p95 {trial.poll_p95:6.0f} ms  answer p95 {trial.answer_p95:6.0f} ms  "
        f"304s {100 * trial.not_modified_share:3.0f}%  load before {trial.load_before:.1f}"
    )


def run(
    databases: list[str],
    steps: tuple[int, ...],
    burst_room: int = BURST_ROOM,
    wait_for_quiet: bool = True,
) -> tuple[list, list]:
    """The burst, then the search, on each database; each database gets an equal share of
    the time budget, and the search stops early when its share runs out."""
    bursts: list[Trial] = []
    searches: list[Trial] = []
    budget = DEADLINE_SECONDS / max(1, len(databases))
    with tempfile.TemporaryDirectory(prefix="gh-workshop-burst-") as tmp:
        workdir = Path(tmp)
        for database in databases:
            started = time.perf_counter()
            with serving(database, workdir) as server:
                print(f"\n{database}: gunicorn on {HOST}:{server.port}", flush=True)
                if wait_for_quiet:
                    _wait_for_quiet()
                burst = asyncio.run(run_room(server, burst_room, BURST_WINDOW))
                bursts.append(burst)
                print("burst" + _line(burst), flush=True)
                for sample in burst.error_sample:
                    print(f"    error: {sample}", flush=True)
                search = Search(steps)
                for size in search.sizes():
                    if time.perf_counter() - started > budget:
                        print(f"  ({database}: out of time; the search stops here)")
                        break
                    if wait_for_quiet:
                        _wait_for_quiet()
                    trial = asyncio.run(run_room(server, size, SEARCH_WINDOW))
                    searches.append(trial)
                    print("room " + _line(trial) + ("" if trial.room_held else "  <- missed"))
                    for sample in trial.error_sample:
                        print(f"    error: {sample}", flush=True)
                    search.record(size, trial.room_held)
            log = workdir / f"gunicorn-{database}.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            if "Traceback" in tail:
                print(f"gunicorn log ({database}), last lines:\n{tail}")
        shutil.rmtree(workdir, ignore_errors=True)
    return bursts, searches


def report(bursts: list[Trial], searches: list[Trial], burst_room: int = BURST_ROOM) -> str:
    lines = [
        "## Live workshop: a room answering at once (`bench.workshop_burst`)",
        "",
        f"gunicorn with {WORKERS} sync workers and `DEBUG=0` on loopback; one asyncio client "
        "process on the same machine plays every phone. Each participant joins (join page, "
        "name, screen), then polls its screen every 2 s with the screen's ETag, as htmx does; "
        "a presenter and a control screen poll too. The facilitator opens a decision; each "
        "participant notices it on its next poll and answers after a random pause.",
        "",
        f"### The burst: {burst_room} participants answer within {BURST_WINDOW:.0f} s",
        "",
        "| database | joined | answers acknowledged | stored | lost | server errors "
        "| last answer after | answer p95 | poll p50 | poll p95 | polls answered 304 "
        "| load before | result |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for t in bursts:
        lines.append(
            f"| {t.database} | {t.joined} | {t.acknowledged} | {t.stored} | {t.lost} "
            f"| {t.errors} | {t.last_answer:.1f} s | {t.answer_p95:.0f} ms "
            f"| {t.poll_p50:.0f} ms | {t.poll_p95:.0f} ms "
            f"| {100 * t.not_modified_share:.0f}% | {t.load_before:.1f} "
            f"| {'pass' if t.burst_passed else 'FAIL'} |"
        )
    lines += [
        "",
        f"### The largest room: polls every 2 s, everyone answers within {SEARCH_WINDOW:.0f} s, "
        f"poll p95 under {POLL_P95_LIMIT_MS:.0f} ms, 0 errors",
        "",
        "| database | room | answers acknowledged | lost | errors | last answer after "
        "| answer p95 | poll p95 | polls answered 304 | load before | held |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for t in searches:
        lines.append(
            f"| {t.database} | {t.size} | {t.acknowledged} | {t.lost} | {t.errors} "
            f"| {t.last_answer:.1f} s | {t.answer_p95:.0f} ms | {t.poll_p95:.0f} ms "
            f"| {100 * t.not_modified_share:.0f}% | {t.load_before:.1f} "
            f"| {'yes' if t.room_held else 'no'} |"
        )
    lines.append("")
    for database in dict.fromkeys(t.database for t in searches):
        held = [t.size for t in searches if t.database == database and t.room_held]
        missed = [t.size for t in searches if t.database == database and not t.room_held]
        largest = max(held, default=0)
        if not missed:
            verdict = f"**{largest}** participants, the largest size tried"
        elif largest:
            verdict = f"**{largest}** participants held; {min(missed)} did not"
        else:
            verdict = f"no size tried held; the smallest tried, {min(missed)}, did not"
        lines.append(f"- {database}: {verdict}.")
    lines += [
        "",
        '"Load before" is the machine\'s 1-minute load average as each room started: on a '
        "2-core machine anything above 0 is other work taking cores from the server and the "
        "client, and the figures fall with it. Latencies are measured by the client, so they "
        "include time waiting for a free worker.",
    ]
    return "\n".join(lines)


def _summary(bursts: list[Trial], searches: list[Trial], *, quick: bool = False) -> list[Row]:
    """The headline figures for the combined table: the burst, judged as the exit status
    judges it, and the largest room held, against ``ROOM_TARGET``."""
    rows = []
    for burst in bursts:
        database = "postgresql" if burst.database == "postgres" else burst.database
        last = f"{burst.last_answer:.1f} s" if math.isfinite(burst.last_answer) else "never"
        rows.append(
            Row(
                BENCHMARK,
                database,
                f"{burst.size} participants answer within {burst.window:.0f} s",
                f"{burst.acknowledged}/{burst.size} by {last}, {burst.lost} lost, "
                f"{burst.errors} errors",
                f"all by {burst.window:.0f} s, 0 lost, 0 errors",
                burst.burst_passed,
            )
        )
        tried = [t for t in searches if t.database == burst.database]
        held = max((t.size for t in tried if t.room_held), default=0)
        missed = min((t.size for t in tried if not t.room_held), default=None)
        if not tried:
            figure = "not tried"
        elif missed is None:
            figure = f"{held}, the largest tried"
        elif held:
            figure = f"{held}; {missed} did not hold"
        else:
            figure = f"none; {missed} did not hold"
        rows.append(
            Row(
                BENCHMARK,
                database,
                f"largest room held (all by {SEARCH_WINDOW:.0f} s, "
                f"poll p95 < {POLL_P95_LIMIT_MS:.0f} ms)",
                figure,
                f"at least {ROOM_TARGET}",
                None if quick or not tried else held >= ROOM_TARGET,
            )
        )
    return rows


def _run(databases: list[str], steps: tuple[int, ...], *, quick: bool, write: bool) -> list[Row]:
    _raise_file_limit()
    burst_room = QUICK_BURST_ROOM if quick else BURST_ROOM
    bursts, searches = run(databases, steps, burst_room, wait_for_quiet=not quick)
    markdown = report(bursts, searches, burst_room)
    print("\n" + markdown)
    if write:
        from bench.report import write_section

        write_section("workshop-burst", markdown)
    if not bursts:  # nothing ran: say so in the table rather than report an empty pass
        return [
            Row(BENCHMARK, ",".join(databases), "the run itself", "no burst ran", "runs", False)
        ]
    return _summary(bursts, searches, quick=quick)


def collect(*, quick: bool = False, only: str | None = None, write: bool = True) -> list[Row]:
    """Run the benchmark, print its tables and return its headline rows."""
    databases = {"sqlite": ["sqlite"], "postgresql": ["postgres"]}.get(only, ["sqlite", "postgres"])
    steps = QUICK_STEPS if quick else SEARCH_STEPS
    return _run(databases, steps, quick=quick, write=write)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    full, quick = (",".join(map(str, steps)) for steps in (SEARCH_STEPS, QUICK_STEPS))
    parser.add_argument(
        "--steps", help=f"room sizes to try, in order (default {full}; {quick} with --quick)"
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave the docs")
    parser.add_argument(
        "--quick", action="store_true", help="small rooms, no waiting; writes nothing"
    )
    args = parser.parse_args(argv if argv is not None else [])
    if args.steps is None:
        steps = QUICK_STEPS if args.quick else SEARCH_STEPS
    else:
        steps = tuple(int(s) for s in args.steps.split(",") if s.strip())
    rows = _run(
        args.databases.split(","),
        steps,
        quick=args.quick,
        write=not (args.no_write or args.quick),
    )
    return exit_status(rows)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--helper":
        sys.exit(_helper(sys.argv[2:]))
    sys.exit(main(sys.argv[1:]))
