"""A gunicorn worker killed in the middle of a request, during a burst of answers.

A worker can die at any moment: the kernel's out-of-memory killer, a segfault in a C
extension, an operator's ``kill -9``. Its master starts another one. What must hold is
DESIGN.md's promise that an answer the server acknowledged is never lost, and that the
request the dead worker was serving leaves either nothing or the whole answer behind.

The burst runs on this pass's database: a SQLite file with the production options when
DATABASE_URL is unset (the killed worker may hold SQLite's write lock), a fresh PostgreSQL
database when it is set.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.processes.conftest import appdata, get_status, wait_for
from tests.processes.load import Traffic, check_stored

pytestmark = pytest.mark.processes

CLIENTS = 8
ATTEMPTS = 80  # per client, far more than the burst needs
BEFORE = 40  # answers acknowledged before the kill
AFTER = 40  # answers acknowledged on requests sent after the new worker was running


def _serving_sockets(port: int) -> set[str]:
    """Inodes of the open connections that clients made to ``port`` (from /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state, inode = fields[1], fields[3], fields[9]
        if int(local.rsplit(":", 1)[1], 16) == port and state == "01":  # ESTABLISHED
            found.add(inode)
    return found


def _holds_a_connection(pid: int, port: int) -> bool:
    sockets = _serving_sockets(port)
    try:
        links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
    except OSError:
        return False
    return any(link.startswith("socket:[") and link[8:-1] in sockets for link in links)


def _state(pid: int) -> str:
    """The process's state letter: R running, S sleeping, T stopped..."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def _kill_a_busy_worker(workers: set[int], port: int) -> int:
    """SIGKILL a worker while it holds a client's connection, i.e. in the middle of a request.

    A sync worker accepts a connection, answers and closes it, so a worker that is
    stopped while a connection is open has a request in hand. Each worker is paused with
    SIGSTOP, looked at, and either killed or let go on.
    """

    def try_one() -> int | None:
        for pid in sorted(workers):
            os.kill(pid, signal.SIGSTOP)
            busy = False
            try:
                wait_for(lambda pid=pid: _state(pid) == "T", 5, f"worker {pid} to stop")
                busy = _holds_a_connection(pid, port)
            finally:
                os.kill(pid, signal.SIGKILL if busy else signal.SIGCONT)
            if busy:
                return pid
        return None

    return wait_for(try_one, 10, "a worker in the middle of a request", interval=0.005)


def test_a_worker_killed_mid_request_loses_no_acknowledged_answer(gunicorn, pass_database):
    env = pass_database
    plan = appdata(env, "guests", str(CLIENTS), str(ATTEMPTS))
    [server] = gunicorn.start(env, workers=2)
    workers = server.workers()
    traffic = Traffic(server.port, plan)
    traffic.start()
    try:
        wait_for(lambda: traffic.acknowledged() >= BEFORE, 60, f"{BEFORE} answers")
        victim = _kill_a_busy_worker(workers, server.port)
        killed = time.monotonic()

        def replaced() -> set[int] | None:
            now = server.workers()
            return now if victim not in now and len(now) == 2 else None

        # The master notices the death and starts a new worker in its place.
        now = wait_for(replaced, 30, "the master to replace the killed worker")
        assert server.process.poll() is None, "the master died with its worker"
        [newcomer] = now - workers
        [survivor] = now & workers
        back = time.monotonic()
        wait_for(
            lambda: traffic.acknowledged(since=back) >= AFTER,
            60,
            f"{AFTER} answers after the new worker started",
        )
    finally:
        traffic.finish()

    # Only the killed worker's request may have failed, and only by losing its connection:
    # no error page, no refusal, for anything else.
    statuses = traffic.statuses()
    assert set(statuses) <= {200, None}, statuses
    assert statuses[None] <= 1, [o.error for o in traffic.outcomes if o.status is None]

    # The new worker serves too: with the other one paused, it alone can answer.
    os.kill(survivor, signal.SIGSTOP)
    try:
        assert get_status(server.port, "/healthz", timeout=30) == 200
    finally:
        os.kill(survivor, signal.SIGCONT)
    assert server.workers() == {survivor, newcomer}

    counts = check_stored(traffic.outcomes, appdata(env, "answers")["answers"])
    assert counts["acknowledged"] >= BEFORE + AFTER
    print(
        f"worker {victim} killed, {newcomer} started {back - killed:.2f} s later; {counts}; "
        f"failed requests: {statuses[None]}"
    )
