"""Production settings for bench.answer_throughput, with the SQLite file somewhere disposable.

The benchmark keeps every production option of ``trainer.settings`` (for SQLite: WAL, the
busy timeout, immediate transactions) and only moves the SQLite file out of var/, to the
path in ``BENCH_SQLITE_PATH``. PostgreSQL goes through ``DATABASE_URL`` as in production.
"""

from __future__ import annotations

import os

from trainer.settings import *  # noqa: F403
from trainer.settings import DATABASES

if os.environ.get("BENCH_SQLITE_PATH"):
    DATABASES["default"] = {**DATABASES["default"], "NAME": os.environ["BENCH_SQLITE_PATH"]}
