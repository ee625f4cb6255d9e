"""Write one benchmark's figures into its own section of docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Figures from `make bench`: first a summary of every benchmark's headline figures against its
target, on SQLite and on PostgreSQL, then a section written by each benchmark it names. They
are measurements of one machine on one day, not promises; run `make bench` to measure yours.
The bare view's rate in the answer benchmark is the yardstick of the machine on the day:
the same code on the same kind of machine has measured it anywhere from 1,800 to 3,200
requests/s, and every other figure moves with it.
"""
# The first line of any section, whatever benchmark wrote it.
ANY_SECTION = re.compile(r"^<!-- [\w.-]+:start -->", re.M)


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


def write_section(name: str, markdown: str, *, first: bool = False) -> None:
    """Replace (or add) the section between this benchmark's markers.

    A section is replaced where it stands, or added at the end. With ``first`` it goes
    straight after the header, above every other section, wherever it stood before: the
    summary is what a reader should meet first.
    """
    text = DOC.read_text() if DOC.exists() else HEADER
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = (
        f"<!-- {name}:start -->\n{markdown.strip()}\n\n"
        f"_Measured {stamp} on {machine()}._\n<!-- {name}:end -->"
    )
    pattern = re.compile(
        rf"<!-- {re.escape(name)}:start -->.*?<!-- {re.escape(name)}:end -->", re.S
    )
    if first:
        text = re.sub(pattern.pattern + r"\n*", "", text, flags=re.S).rstrip() + "\n"
        other = ANY_SECTION.search(text)
        if other:
            text = text[: other.start()] + body + "\n\n" + text[other.start() :]
        else:
            text = text.rstrip() + "\n\n" + body + "\n"
    elif pattern.search(text):
        text = pattern.sub(lambda _: body, text)
    else:
        text = text.rstrip() + "\n\n" + body + "\n"
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text)
