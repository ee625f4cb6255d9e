"""Django's database sessions, read with one plain query.

Almost every request reads its session, and Django's database backend reads it through
the ORM, which builds and compiles the same ``SELECT`` anew each time, at a cost several
times that of running it. This backend reads the one column it needs with SQL written
once; writing, expiry and everything else stay Django's own. Set as ``SESSION_ENGINE``.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.utils import timezone

from trainer.rows import Scalar

_DATA = Scalar(Session, "session_data", "{session_key} = %s AND {expire_date} > %s")


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        using = router.db_for_read(self.model)
        now = connections[using].ops.adapt_datetimefield_value(timezone.now())
        data = _DATA.first([self.session_key, now], using)
        if data is None:
            self._session_key = None  # as Django does: a missing or expired key is forgotten
            return None
        return _Stored(data)


class _Stored:
    """What ``load()`` reads of a stored session: its data. (A model instance costs more.)"""

    __slots__ = ("session_data",)

    def __init__(self, session_data: str) -> None:
        self.session_data = session_data
