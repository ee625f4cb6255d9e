"""Back up and restore the database while the app runs.

SQLite: the online backup API copies a consistent snapshot even while answers are being
written. PostgreSQL: pg_dump's custom format, restored with pg_restore.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    pass


def _settings(alias: str) -> dict:
    return connections[alias].settings_dict


def _vendor(alias: str) -> str:
    return connections[alias].vendor


def _pg_env(settings: dict) -> dict[str, str]:
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return env


def _pg_args(settings: dict) -> list[str]:
    args = []
    if settings.get("HOST"):
        args += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", str(settings["USER"])]
    return args


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed; install the PostgreSQL client tools")
    return found


def backup(target: Path, alias: str = "default") -> Path:
    settings = _settings(alias)
    vendor = _vendor(alias)
    target.parent.mkdir(parents=True, exist_ok=True)
    if vendor == "sqlite":
        connection = connections[alias]
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return target
    if vendor == "postgresql":
        command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target)]
        command += [*_pg_args(settings), str(settings["NAME"])]
        _run(command, settings)
        return target
    raise BackupError(f"backups of {vendor} databases are not supported")


def restore(source: Path, alias: str = "default") -> None:
    if not source.exists():
        raise BackupError(f"no backup at {source}")
    settings = _settings(alias)
    vendor = _vendor(alias)
    if vendor == "sqlite":
        connection = connections[alias]
        connection.ensure_connection()
        origin = sqlite3.connect(source)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
        return
    if vendor == "postgresql":
        connections[alias].close()
        command = [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
        ]
        command += [*_pg_args(settings), "--dbname", str(settings["NAME"]), str(source)]
        _run(command, settings)
        return
    raise BackupError(f"restoring {vendor} databases is not supported")


def _run(command: list[str], settings: dict) -> None:
    result = subprocess.run(command, capture_output=True, text=True, env=_pg_env(settings))
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")
