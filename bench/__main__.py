"""`python -m bench`: run every benchmark module listed here, in order."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS: list[str] = ["answer_throughput", "workshop_burst", "cohort_dashboard", "page_weight"]


def main() -> int:
    failed = 0
    for name in BENCHMARKS:
        print(f"\n=== {name}", flush=True)
        module = importlib.import_module(f"bench.{name}")
        failed += bool(module.main())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
