"""The combined table of `python -m bench`: every benchmark's headline figures, one row each.

Each benchmark module has a ``collect(quick=..., only=..., write=...)`` that runs it, prints
and writes its own detailed section as before, and returns its headline figures as ``Row``s.
This module gathers those rows and renders them: as text for the terminal and as the summary
section at the top of docs/benchmarks.md. Nothing here runs a benchmark by itself, so the
tests can check it without a server or a database.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

SECTION = "summary"
COLUMNS = ("benchmark", "database", "measure", "figure", "target", "result")
INTRO = (
    "Every benchmark on SQLite and on PostgreSQL in one `make bench` run: each headline "
    "figure against its target. The sections below, each written by the benchmark it names, "
    "give the method and the detailed figures."
)


@dataclass(frozen=True)
class Row:
    """One headline figure of one benchmark on one database."""

    benchmark: str
    database: str
    measure: str
    figure: str
    target: str
    passed: bool | None  # None: a figure worth reporting that has no target of its own

    @property
    def result(self) -> str:
        if self.passed is None:
            return "-"
        return "pass" if self.passed else "FAIL"


class Benchmark(Protocol):
    def collect(self, *, quick: bool, only: str | None, write: bool) -> list[Row]: ...


def crashed(benchmark: str, error: BaseException, database: str = "-") -> Row:
    """A benchmark that stopped with an exception still gets a row, so the table shows it.
    The last line of the message is kept: for a failed child process it is the child's own
    error, the most telling part."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    message = f"stopped: {type(error).__name__}" + (f": {lines[-1]}" if lines else "")
    return Row(benchmark, database, "the run itself", message[:120], "runs to the end", False)


def collect_all(
    names: Iterable[str],
    load: Callable[[str], Benchmark],
    *,
    quick: bool = False,
    only: str | None = None,
    write: bool = True,
) -> list[Row]:
    """Run each benchmark in turn and gather its rows. A benchmark that crashes is reported
    as a failed row and the others still run: one broken benchmark should not hide the
    figures of the rest."""
    rows: list[Row] = []
    for name in names:
        print(f"\n=== {name}", flush=True)
        try:
            rows += load(name).collect(quick=quick, only=only, write=write)
        except Exception as error:
            traceback.print_exc()
            rows.append(crashed(name, error))
    return rows


def exit_status(rows: list[Row]) -> int:
    """1 when any target was missed. A run with no rows measured nothing, so it fails too."""
    if not rows:
        return 1
    return 1 if any(row.passed is False for row in rows) else 0


def verdict(rows: list[Row]) -> str:
    judged = [row for row in rows if row.passed is not None]
    missed = [row for row in judged if row.passed is False]
    if not rows:
        return "Nothing was measured."
    if not missed:
        return f"Every target met ({len(judged)} of {len(judged)})."
    return f"{len(missed)} of {len(judged)} targets missed."


def _display(rows: list[Row]) -> list[tuple[str, ...]]:
    """The cells of each row, with a benchmark (and its database) named only where it
    changes, so the table reads in blocks."""
    out = []
    previous: tuple[str, str] | None = None
    for row in rows:
        benchmark = row.benchmark if previous is None or previous[0] != row.benchmark else ""
        database = row.database if benchmark or previous[1] != row.database else ""
        out.append((benchmark, database, row.measure, row.figure, row.target, row.result))
        previous = (row.benchmark, row.database)
    return out


def render_text(rows: list[Row]) -> str:
    """The table for the terminal: aligned columns, then the verdict."""
    table = [COLUMNS, *_display(rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in table
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join([*lines, "", verdict(rows)])


def render_markdown(rows: list[Row]) -> str:
    """The summary section of docs/benchmarks.md (write_section adds the date and machine)."""
    lines = [
        "## Summary",
        "",
        INTRO,
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for cells in _display(rows):
        *rest, result = (cell.replace("|", "\\|") for cell in cells)
        lines.append("| " + " | ".join([*rest, "**FAIL**" if result == "FAIL" else result]) + " |")
    lines += ["", verdict(rows)]
    return "\n".join(lines)
