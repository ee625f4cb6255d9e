"""The PostgreSQL backend's health check: no round trip for a healthy idle connection, and
a connection the server closed is found unusable before a request tries to use it."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.db import connection, connections
from django.db.backends.postgresql import base as django_postgresql

pytestmark = pytest.mark.django_db


@pytest.fixture
def spare():
    """A second connection to the test database, idle and in autocommit, as between requests."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's backend")
    other = connection.copy()
    other.ensure_connection()
    yield other
    other.close()


def _pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_the_settings_use_this_backend():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's backend")
    assert type(connections["default"]).__module__ == "trainer.postgresql.base"


def test_a_healthy_idle_connection_passes_without_a_query(spare):
    _pid(spare)
    with mock.patch.object(
        django_postgresql.DatabaseWrapper, "is_usable", side_effect=AssertionError("queried")
    ):
        assert spare.is_usable()


def test_a_connection_the_server_closed_is_unusable(spare):
    pid = _pid(spare)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while spare.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)  # the termination notice is on its way
    assert not spare.is_usable()
    spare.close_if_unusable_or_obsolete()  # as at the start of a request
    spare.close_if_health_check_failed()
    assert spare.connection is None  # dropped, so the next query connects afresh
    assert _pid(spare) != pid


def test_inside_a_transaction_the_server_is_asked(spare):
    spare.set_autocommit(False)
    try:
        _pid(spare)  # the transaction is open now
        with mock.patch.object(
            django_postgresql.DatabaseWrapper, "is_usable", return_value=True
        ) as asked:
            assert spare.is_usable()
        asked.assert_called_once()
    finally:
        spare.rollback()
        spare.set_autocommit(True)
