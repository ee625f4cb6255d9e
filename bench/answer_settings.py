"""Production settings for bench.answer_throughput, with the SQLite file somewhere disposable.

``trainer.settings`` gives SQLite its production options only for its own file under var/
(a ``DATABASE_URL`` naming SQLite gets none of them). The benchmark keeps every one of those
options and only moves the file, to the path in ``BENCH_SQLITE_PATH``. PostgreSQL goes
through ``DATABASE_URL`` as in production.
"""

from __future__ import annotations

import os

from trainer.settings import *  # noqa: F403
from trainer.settings import DATABASES

if os.environ.get("BENCH_SQLITE_PATH"):
    DATABASES["default"] = {**DATABASES["default"], "NAME": os.environ["BENCH_SQLITE_PATH"]}
