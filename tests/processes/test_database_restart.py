"""PostgreSQL restarted under load, while gunicorn keeps running.

A database restart (a minor upgrade, a failover, a configuration change) takes the
database away for a few seconds. The app keeps its connections in Django's pool, each
checked as a request borrows it, so every worker holds connections that die with the
server. What must hold: while the database is away the app says so (503 from /healthz for
the load balancer, a 503 "not recorded, try again" for answers); once it is back the same
workers reconnect by themselves, without a restart; and every answer acknowledged before,
during or after the outage is stored.

The test brings its own PostgreSQL cluster, since stopping the machine's shared one
would pull the database from under every other test.
"""

from __future__ import annotations

import time

import pytest

from tests.processes.conftest import app_env, appdata, get_status, prepare, wait_for
from tests.processes.load import Traffic, check_stored

pytestmark = pytest.mark.processes

CLIENTS = 4
ATTEMPTS = 100  # per client
BEFORE = 30  # answers acknowledged before the outage
OUTAGE_SECONDS = 2.0  # how long the database stays away, checked all along
RECOVERY_SECONDS = 10.0  # the bound for /healthz to answer 200 once the database is back
AFTER = 30  # answers acknowledged on requests sent after the recovery


def test_a_database_restart_loses_no_acknowledged_answer(gunicorn, private_postgres, static_root):
    cluster = private_postgres
    env = app_env(static_root, database_url=cluster.create_database())
    prepare(env)
    plan = appdata(env, "guests", str(CLIENTS), str(ATTEMPTS))
    # The case worth testing: connections kept across requests (in Django's pool), checked
    # before reuse.
    connections = plan["connections"]
    assert (connections["pool"] or connections["max_age"] > 0) and connections["health_checks"]
    [server] = gunicorn.start(env, workers=2)
    workers = server.workers()
    traffic = Traffic(server.port, plan, retry_refused=True)
    traffic.start()
    try:
        wait_for(lambda: traffic.acknowledged() >= BEFORE, 60, f"{BEFORE} answers")

        cluster.stop("fast")  # returns once the server is down
        down = time.monotonic()
        health_checks = 0
        while time.monotonic() - down < OUTAGE_SECONDS or traffic.statuses(down)[503] < CLIENTS:
            assert get_status(server.port, "/healthz") == 503
            health_checks += 1
            # Nothing sent while the database is away can be acknowledged, or fail otherwise.
            assert set(traffic.statuses(since=down)) <= {503}, traffic.statuses(since=down)
            assert time.monotonic() - down < 30, f"answers were not refused: {traffic.statuses()}"
            time.sleep(0.05)  # a monitor's pace, not a flood that starves the answers
        assert traffic.acknowledged(since=down) == 0

        cluster.start()
        restarted = time.monotonic()
        wait_for(
            lambda: get_status(server.port, "/healthz") == 200,
            RECOVERY_SECONDS,
            "/healthz to answer 200 after the database came back",
        )
        recovered = time.monotonic()
        wait_for(
            lambda: traffic.acknowledged(since=recovered) >= AFTER,
            60,
            f"{AFTER} answers after the database came back",
        )
    finally:
        traffic.finish()

    # The same processes served throughout: they reconnected, nobody restarted them.
    assert server.process.poll() is None
    assert server.workers() == workers

    # Once /healthz was back, no worker used a connection the restart had closed.
    assert set(traffic.statuses(since=recovered)) == {200}, traffic.statuses(since=recovered)
    # Every answer either got its feedback or a 503 that says to try again.
    statuses = traffic.statuses()
    assert set(statuses) == {200, 503}, statuses
    refused = [o for o in traffic.outcomes if o.status == 503]
    assert all(o.retry_after == "5" and "was not recorded" in o.error for o in refused)

    counts = check_stored(traffic.outcomes, appdata(env, "answers")["answers"])
    # Answers refused during the outage and sent again afterwards were stored, once.
    retried = {o.attempt for o in refused} & {o.attempt for o in traffic.outcomes if o.acknowledged}
    assert retried, "no refused answer was acknowledged when sent again"
    print(
        f"{health_checks} health checks answered 503 during the outage; /healthz back "
        f"{recovered - restarted:.2f} s after the restart; {statuses[503]} answers refused, "
        f"{len(retried)} of them acknowledged when sent again; {counts}"
    )
