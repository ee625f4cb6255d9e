"""Write one benchmark's figures into its own section of docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Figures from `make bench`, each section written by the benchmark it names. They are
measurements of one machine on one day, not promises; run `make bench` to measure yours.
"""


def machine() -> str:
    cpus = os.cpu_count() or 0
    memory = ""
    try:
        with open("/proc/meminfo") as handle:
            kib = int(handle.readline().split()[1])
            memory = f", {kib / 1024 / 1024:.0f} GiB memory"
    except (OSError, ValueError, IndexError):
        pass
    return f"{platform.machine()}, {cpus} cores{memory}, Python {platform.python_version()}"


def write_section(name: str, markdown: str) -> None:
    """Replace (or add) the section between this benchmark's markers."""
    text = DOC.read_text() if DOC.exists() else HEADER
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = (
        f"<!-- {name}:start -->\n{markdown.strip()}\n\n"
        f"_Measured {stamp} on {machine()}._\n<!-- {name}:end -->"
    )
    pattern = re.compile(
        rf"<!-- {re.escape(name)}:start -->.*?<!-- {re.escape(name)}:end -->", re.S
    )
    text = (
        pattern.sub(lambda _: body, text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + body + "\n"
    )
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text)
