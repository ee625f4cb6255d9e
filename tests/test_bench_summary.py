"""The combined benchmark table: gathering rows, rendering them, the exit status, and where
the summary lands in docs/benchmarks.md. No benchmark runs here; fakes stand in for them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bench import report
from bench.summary import Row, collect_all, exit_status, render_markdown, render_text

FAST = Row("answer", "sqlite", "answer p95 latency", "31.0 ms", "under 50 ms", True)
SLOW = Row("answer", "postgresql", "answer p95 latency", "71.7 ms", "under 50 ms", False)
ROOM = Row("workshop burst", "sqlite", "largest room", "300 (350 did not hold)", "reported", None)


def _benchmark(*rows: Row, calls: list | None = None):
    def collect(*, quick: bool, only: str | None, write: bool) -> list[Row]:
        if calls is not None:
            calls.append({"quick": quick, "only": only, "write": write})
        return list(rows)

    return SimpleNamespace(collect=collect)


def _broken(*, quick: bool, only: str | None, write: bool) -> list[Row]:
    raise RuntimeError("worker failed:\nTraceback ...\npsycopg.OperationalError: refused")


def test_rows_are_gathered_in_order_and_the_options_passed_down():
    calls: list[dict] = []
    modules = {"a": _benchmark(FAST, SLOW, calls=calls), "b": _benchmark(ROOM, calls=calls)}

    rows = collect_all(["a", "b"], modules.__getitem__, quick=True, only="sqlite", write=False)

    assert rows == [FAST, SLOW, ROOM]
    assert calls == [{"quick": True, "only": "sqlite", "write": False}] * 2


def test_a_crashing_benchmark_becomes_a_failed_row_and_the_next_still_runs():
    modules = {"broken": SimpleNamespace(collect=_broken), "fine": _benchmark(FAST)}

    rows = collect_all(["broken", "fine"], modules.__getitem__)

    assert rows[1] == FAST
    assert rows[0].benchmark == "broken"
    assert rows[0].passed is False
    assert "OperationalError: refused" in rows[0].figure  # the child's own error, not "failed:"
    assert exit_status(rows) == 1


def test_a_module_that_cannot_be_imported_is_reported_too():
    def load(name: str):
        raise ModuleNotFoundError(f"No module named 'bench.{name}'")

    rows = collect_all(["gone"], load)

    assert [(row.benchmark, row.result) for row in rows] == [("gone", "FAIL")]


def test_exit_status_fails_on_one_missed_target_only():
    assert exit_status([FAST, ROOM]) == 0  # a figure without a target never fails the run
    assert exit_status([FAST, SLOW, ROOM]) == 1
    assert exit_status([]) == 1  # nothing measured is not a pass


def test_the_text_table_shows_figures_targets_and_results_in_columns():
    text = render_text([FAST, SLOW, ROOM])
    lines = text.splitlines()

    assert lines[0].split() == ["benchmark", "database", "measure", "figure", "target", "result"]
    slow = next(line for line in lines if "71.7 ms" in line)
    assert slow.startswith(" ")  # the benchmark is named once for its block of rows
    assert "postgresql" in slow and "under 50 ms" in slow and slow.endswith("FAIL")
    # Every result starts in the same column as its heading.
    assert len({line.rindex(" ") + 1 for line in [lines[0], *lines[2:5]]}) == 1
    assert lines[-1] == "1 of 2 targets missed."


def test_the_markdown_table_flags_failures_and_escapes_pipes():
    odd = Row("page weight", "sqlite", "bytes | on the wire", "33,640 bytes", "under 61,440", True)
    markdown = render_markdown([FAST, SLOW, odd])

    assert markdown.startswith("## Summary\n")
    assert "| benchmark | database | measure | figure | target | result |" in markdown
    assert "| answer | sqlite | answer p95 latency | 31.0 ms | under 50 ms | pass |" in markdown
    assert "|  | postgresql | answer p95 latency | 71.7 ms | under 50 ms | **FAIL** |" in markdown
    assert r"bytes \| on the wire" in markdown
    assert markdown.rstrip().endswith("1 of 3 targets missed.")


def test_all_targets_met_is_said_plainly():
    assert render_text([FAST, ROOM]).splitlines()[-1] == "Every target met (1 of 1)."


@pytest.fixture
def doc(tmp_path, monkeypatch):
    path = tmp_path / "benchmarks.md"
    monkeypatch.setattr(report, "DOC", path)
    return path


def test_the_summary_goes_above_the_sections_already_there(doc):
    report.write_section("answer-throughput", "## Answer throughput\n\nold figures")
    report.write_section("page-weight", "## Page weight\n\n33,640 bytes")

    report.write_section("summary", "## Summary\n\nthe table", first=True)

    text = doc.read_text()
    assert text.startswith(report.HEADER)
    assert (
        text.index("<!-- summary:start -->")
        < text.index("<!-- answer-throughput:start -->")
        < text.index("<!-- page-weight:start -->")
    )
    assert "_Measured " in text[: text.index("<!-- summary:end -->")]


def test_a_new_summary_replaces_the_old_one_and_stays_on_top(doc):
    report.write_section("page-weight", "## Page weight\n\nfirst")
    report.write_section("summary", "## Summary\n\nfirst table", first=True)
    report.write_section("answer-throughput", "## Answer throughput\n\nadded later")

    report.write_section("summary", "## Summary\n\nsecond table", first=True)

    text = doc.read_text()
    assert text.count("<!-- summary:start -->") == 1
    assert "first table" not in text and "second table" in text
    assert text.index("<!-- summary:end -->") < text.index("<!-- page-weight:start -->")
    assert text.index("<!-- page-weight:end -->") < text.index("<!-- answer-throughput:start -->")
    assert text.endswith("<!-- answer-throughput:end -->\n")


def test_a_summary_found_lower_down_is_moved_to_the_top(doc):
    doc.write_text(
        report.HEADER + "\n<!-- page-weight:start -->\nweight\n<!-- page-weight:end -->\n\n"
        "<!-- summary:start -->\nold\n<!-- summary:end -->\n"
    )

    report.write_section("summary", "## Summary\n\nnew", first=True)

    text = doc.read_text()
    assert text.index("<!-- summary:start -->") < text.index("<!-- page-weight:start -->")
    assert "old" not in text
    assert text.endswith("<!-- page-weight:end -->\n")
