"""Django's PostgreSQL backend, with a health check that costs no round trip.

With ``CONN_HEALTH_CHECKS``, Django checks a reused connection at the start of every
request by sending ``SELECT 1``: one more round trip on every request, a tenth of an
answer's time (measured). This backend looks at the connection's socket first. An idle
connection has nothing to read, so a socket with nothing to read is taken as healthy.
When the server has spoken since the last query, it was almost certainly to close the
connection (a restart, a failover, an idle timeout, ``pg_terminate_backend``): then, and
whenever the connection is not idle, Django's own check runs and decides.

What neither check can see without a reply is a network that vanished silently; there
the first real query fails, the request gets the 503 of ``trainer.middleware``, and
Django drops the connection as it does after any error.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN)
            spoke = bool(poller.poll(0))
        except (AttributeError, OSError, ValueError):  # no poll() here, or no socket
            return super().is_usable()
        return super().is_usable() if spoke else True
