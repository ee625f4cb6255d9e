"""Django's database sessions, read with one plain query.

Almost every request reads its session, and Django's database backend reads it through
the ORM, which builds and compiles the same ``SELECT`` anew each time, at a cost several
times that of running it. This backend reads the one column it needs with SQL written
once; writing, expiry and everything else stay Django's own. Set as ``SESSION_ENGINE``.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model
        using = router.db_for_read(model)
        connection = connections[using]
        quote = connection.ops.quote_name
        sql = (
            f"SELECT {quote('session_data')} FROM {quote(model._meta.db_table)} "
            f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django does: a missing or expired key is forgotten
            return None
        return _Stored(row[0])


class _Stored:
    """What ``load()`` reads of a stored session: its data. (A model instance costs more.)"""

    __slots__ = ("session_data",)

    def __init__(self, session_data: str) -> None:
        self.session_data = session_data
