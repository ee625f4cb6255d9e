"""Production settings for the servers the process tests start, moved somewhere disposable.

Everything is ``trainer.settings`` as deployed, with two things moved out of ``var/``:
the collected static files (``GH_PROC_STATIC_ROOT``: ``DEBUG=0`` serves them from a
manifest, and ``var/`` belongs to whoever runs the app on this machine), and, when
``DATABASE_URL`` is unset, the SQLite file (``GH_PROC_SQLITE_PATH``). The SQLite file keeps
every production option (WAL, busy timeout, immediate transactions).
"""

from __future__ import annotations

import os
from pathlib import Path

from trainer.settings import *  # noqa: F403
from trainer.settings import DATABASES

STATIC_ROOT = Path(os.environ["GH_PROC_STATIC_ROOT"])

if os.environ.get("GH_PROC_SQLITE_PATH"):
    DATABASES["default"] = {**DATABASES["default"], "NAME": os.environ["GH_PROC_SQLITE_PATH"]}
