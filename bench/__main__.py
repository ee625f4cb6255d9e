"""`python -m bench`: run every benchmark on SQLite and PostgreSQL, then print one table.

Each module prints (and, on a full run, writes) its own detailed section and hands back its
headline figures; this gathers them into one table of figures against targets, printed at
the end and written as the summary at the top of docs/benchmarks.md. The exit status is 1
when any target is missed, but every benchmark runs whatever happened to the ones before.

``--quick`` shrinks every benchmark so the whole pipeline runs in a few minutes; its figures
are not the real ones, so nothing is written. ``--only`` runs one database, and writes
nothing either: the page keeps both databases side by side.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from datetime import UTC, datetime

from bench.report import machine, write_section
from bench.summary import SECTION, collect_all, exit_status, render_markdown, render_text

BENCHMARKS: list[str] = ["answer_throughput", "workshop_burst", "cohort_dashboard", "page_weight"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="much smaller and shorter runs, to check the pipeline; writes nothing",
    )
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    args = parser.parse_args(argv)
    write = not args.quick and args.only is None
    if not write:
        why = "a quick run" if args.quick else f"a run on {args.only} only"
        print(f"This is {why}: figures are printed only, docs/benchmarks.md is left as it is.")

    rows = collect_all(
        BENCHMARKS,
        lambda name: importlib.import_module(f"bench.{name}"),
        quick=args.quick,
        only=args.only,
        write=write,
    )

    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"\n=== summary{' (quick run: not the real figures)' if args.quick else ''}\n")
    print(render_text(rows))
    print(f"\nMeasured {stamp} on {machine()}.")
    if write:
        write_section(SECTION, render_markdown(rows), first=True)
        print("Written to docs/benchmarks.md.")
    else:
        print("Nothing written to docs/benchmarks.md.")
    return exit_status(rows)


if __name__ == "__main__":
    sys.exit(main())
