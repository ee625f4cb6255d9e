"""Fixtures for tests that run the app as it is deployed: gunicorn processes on loopback,
fresh databases, and a private PostgreSQL cluster that a test may stop and start.

Every process, database and directory made here is removed at teardown, pass or fail.
Ports come from 8300-8399 only; PostgreSQL databases on a shared server are named
``gh_proc_<random>``, so they never meet anyone else's.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import pwd
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
HOST = "127.0.0.1"
PORTS = range(8300, 8400)
SHARED_POSTGRES = "postgres://postgres@127.0.0.1:5432"
START_SECONDS = 60.0  # for gunicorn to answer /healthz; a loaded 2-core machine is slow

_handed_out: set[int] = set()


# --- Ports and processes -------------------------------------------------------------------


def free_port() -> int:
    """A loopback port in 8300-8399 that nothing listens on and this run has not used yet."""
    ports = list(PORTS)
    start = random.randrange(len(ports))  # two runs at once rarely pick the same port
    for port in ports[start:] + ports[:start]:
        if port in _handed_out:
            continue
        with socket.socket() as probe:
            # As the servers bind: a port whose old connections linger in TIME_WAIT is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((HOST, port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError("no free port in 8300-8399")


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid``, read from /proc (gunicorn's workers)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it ended while we looked
        # The command name in brackets may hold spaces; the parent pid follows the state.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.add(int(entry.name))
    return found


def get_status(port: int, path: str, timeout: float = 10.0) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": f"{HOST}:{port}"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_for(condition, timeout: float, what: str, interval: float = 0.05):
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


class Server:
    """One gunicorn master and its sync workers, serving ``trainer.wsgi`` on a free port."""

    def __init__(self, env: dict[str, str], workers: int, log_dir: Path) -> None:
        self.port = free_port()
        self.workers_wanted = workers
        self.log_path = log_dir / f"gunicorn-{self.port}.log"
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [
                    PYTHON, "-m", "gunicorn", "trainer.wsgi:application",
                    "--bind", f"{HOST}:{self.port}",
                    "--workers", str(workers),
                    "--timeout", "30",
                    "--graceful-timeout", "5",
                    "--log-level", "warning",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so teardown reaches every worker
            )  # fmt: skip

    @property
    def master(self) -> int:
        return self.process.pid

    def workers(self) -> set[int]:
        return children(self.master)

    def wait_until_healthy(self, timeout: float = START_SECONDS) -> None:
        def healthy() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"gunicorn on {self.port} exited with {self.process.returncode}:\n"
                    + self.log_tail()
                )
            try:
                return get_status(self.port, "/healthz", timeout=5) == 200
            except OSError:
                return False

        try:
            wait_for(healthy, timeout, f"gunicorn on port {self.port} to answer /healthz", 0.1)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.log_tail()}") from None
        # Every worker booted, not just the one that answered: a test that counts on two
        # workers (or kills one) must not race their start.
        wait_for(
            lambda: len(self.workers()) == self.workers_wanted,
            timeout,
            f"{self.workers_wanted} workers on port {self.port}",
        )

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.master, signal.SIGKILL)
                self.process.wait()
        # A worker left behind by a master that died first would still hold the port.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.master, signal.SIGKILL)


class Gunicorn:
    """Starts servers for one test and stops every one of them afterwards."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.servers: list[Server] = []

    def start(self, env: dict[str, str], *, workers: int = 2, count: int = 1) -> list[Server]:
        """``count`` servers on the same settings, started together, each answering /healthz."""
        started = [Server(env, workers, self.log_dir) for _ in range(count)]
        self.servers.extend(started)
        for server in started:
            server.wait_until_healthy()
        return started

    def stop_all(self) -> None:
        for server in self.servers:
            server.stop()
        for server in self.servers:
            print(f"--- gunicorn on port {server.port} ---\n{server.log_tail()}")


@pytest.fixture
def workdir() -> Iterator[Path]:
    """A directory for one test's logs and SQLite file, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="gh-proc-") as path:
        yield Path(path)


@pytest.fixture
def gunicorn(workdir: Path) -> Iterator[Gunicorn]:
    servers = Gunicorn(workdir)
    try:
        yield servers
    finally:
        servers.stop_all()  # the logs are printed, and shown if the test failed


# --- The app's environment and its data ---------------------------------------------------


def app_env(
    static_root: Path, *, database_url: str = "", sqlite_path: Path | None = None
) -> dict[str, str]:
    """Production settings (DEBUG=0) as a deployment sets them, for plain HTTP on loopback."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.processes.server_settings",
        "DEBUG": "0",
        "SECRET_KEY": "proc-" + secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": HOST,
        # Plain HTTP on loopback: no redirect to HTTPS, no Secure cookies, no HSTS.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        "GH_PROC_STATIC_ROOT": str(static_root),
    }
    env.pop("DATABASE_URL", None)
    env.pop("GH_PROC_SQLITE_PATH", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    elif sqlite_path is not None:
        env["GH_PROC_SQLITE_PATH"] = str(sqlite_path)
    else:
        raise ValueError("a database URL or a SQLite path is needed")
    return env


def run(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    """Run a command with the app's environment; its output, or a failure that shows why."""
    done = subprocess.run(
        [PYTHON, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise AssertionError(
            f"{' '.join(args)} exited with {done.returncode}:\n{done.stderr[-4000:]}"
        )
    return done.stdout


def prepare(env: dict[str, str]) -> None:
    """Tables and the bundled scenarios, as an operator sets up a new database."""
    run(env, "manage.py", "migrate", "--no-input", "-v", "0")
    run(env, "manage.py", "load_scenarios")


def appdata(env: dict[str, str], *args: str) -> dict:
    """Run a ``tests.processes.appdata`` command against the app's database."""
    return json.loads(run(env, "-m", "tests.processes.appdata", *args).splitlines()[-1])


@pytest.fixture(scope="session")
def static_root() -> Iterator[Path]:
    """The static files collected once for every server in the run, as a deployment does."""
    with tempfile.TemporaryDirectory(prefix="gh-proc-static-") as path:
        root = Path(path)
        env = app_env(root, sqlite_path=root / "unused.sqlite3")
        run(env, "manage.py", "collectstatic", "--no-input", "-v", "0")
        yield root


# --- PostgreSQL ----------------------------------------------------------------------------


def postgres_problem(server: str) -> str | None:
    """Why the PostgreSQL server at ``server`` cannot be used, or None when it answers."""
    import psycopg

    try:
        with psycopg.connect(f"{server}/postgres", connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip()


def _admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


@pytest.fixture
def postgres_database() -> Iterator:
    """Make fresh ``gh_proc_<random>`` databases on a server; each is dropped afterwards."""
    made: list[tuple[str, str]] = []

    def create(server: str = SHARED_POSTGRES) -> str:
        name = f"gh_proc_{secrets.token_hex(5)}"
        _admin(server, f'CREATE DATABASE "{name}"')
        made.append((server, name))
        return f"{server}/{name}"

    try:
        yield create
    finally:
        for server, name in made:
            _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pass_database(postgres_database, workdir: Path, static_root: Path) -> dict[str, str]:
    """The app's environment on a fresh, prepared database of this pass's kind: PostgreSQL
    on DATABASE_URL's server when it is set, else a SQLite file with the production options."""
    configured = os.environ.get("DATABASE_URL", "")
    if configured:
        parts = urlsplit(configured)
        env = app_env(
            static_root, database_url=postgres_database(f"{parts.scheme}://{parts.netloc}")
        )
    else:
        env = app_env(static_root, sqlite_path=workdir / "golden-hour.sqlite3")
    prepare(env)
    return env


def postgres_bindir() -> Path | None:
    """Where initdb, pg_ctl and postgres are: Debian's newest /usr/lib/postgresql/N/bin, or PATH."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
        reverse=True,
    )
    if shutil.which("initdb"):
        candidates.append(Path(shutil.which("initdb")).parent)
    for bindir in candidates:
        if all(os.access(bindir / name, os.X_OK) for name in ("initdb", "pg_ctl", "postgres")):
            return bindir
    return None


class PrivateCluster:
    """A PostgreSQL cluster of this test's own, in a temporary directory, on a free port.

    PostgreSQL refuses to run as root, so as root every command runs as the ``postgres``
    user (who owns the directory). The socket lives in the directory too, away from the
    machine's own cluster.
    """

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="gh-proc-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self.root.chmod(0o700)

    def _pg(self, program: str, *args: str) -> None:
        done = subprocess.run(
            [*self.as_owner, str(self.bindir / program), *args],
            cwd=self.root,  # somewhere the postgres user may enter
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode != 0:
            raise AssertionError(
                f"{program} {' '.join(args)} exited with {done.returncode}:\n"
                f"{done.stdout[-2000:]}{done.stderr[-2000:]}\n{self.log_tail()}"
            )

    def init(self) -> None:
        self._pg(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--no-sync", "--no-instructions",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses={HOST} "
            # A test cluster: nothing here needs to survive a crash of the machine.
            "-c fsync=off -c shared_buffers=16MB"
        )
        self._pg("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._pg("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    @property
    def server(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}"

    def create_database(self) -> str:
        name = f"gh_proc_{secrets.token_hex(5)}"
        _admin(self.server, f'CREATE DATABASE "{name}"')
        return f"{self.server}/{name}"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def destroy(self) -> None:
        if self.running():
            try:
                self.stop("immediate")
            except AssertionError:
                # pg_ctl could not stop it: end the postmaster it recorded, by its pid.
                pid = int((self.data / "postmaster.pid").read_text().split()[0])
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def private_postgres() -> Iterator[PrivateCluster]:
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip("the PostgreSQL server binaries (initdb, pg_ctl, postgres) are not installed")
    cluster = PrivateCluster(bindir)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()
