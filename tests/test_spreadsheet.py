"""Exports open safely in a spreadsheet, whichever separator its locale splits on."""

from __future__ import annotations

import csv
import io

import pytest

from tests.test_progress_support import BEST_RUN, play
from trainer import spreadsheet
from trainer.play.models import Answer
from trainer.progress.exports import csv_rows
from trainer.workshops import export
from trainer.workshops.models import Workshop

# Typed by a participant: harmless when split on ",", a formula once split on ";".
SEMICOLON_ATTACK = "x;=cmd|' /C calc'!A0"


def test_a_formula_sign_after_a_separator_or_line_break_is_defused() -> None:
    assert spreadsheet.cell("ok; -1 person") == "ok; '-1 person"
    assert spreadsheet.cell('a\n"@x') == "a\n\"'@x"
    assert spreadsheet.cell("a, -1 is fine: commas are inside quotes") == (
        "a, -1 is fine: commas are inside quotes"
    )
    assert spreadsheet.cell("+1 for orders") == "'+1 for orders"


def _cells(text: str, delimiter: str) -> list[str]:
    assert text.startswith(spreadsheet.BOM)
    rows = csv.reader(io.StringIO(text.removeprefix(spreadsheet.BOM)), delimiter=delimiter)
    return [value for row in rows for value in row]


def _assert_no_formula(text: str) -> None:
    for delimiter in (",", ";"):
        for value in _cells(text, delimiter):
            value = value.strip()
            if value.startswith(spreadsheet.FORMULA_START):
                float(value)  # only a number such as -1 may start so


def test_text_is_quoted_and_defused_and_numbers_stay_numbers() -> None:
    (header, row) = spreadsheet.lines(
        [["a", "b", "c", "d"], [SEMICOLON_ATTACK, "@SUM(1)", -1, None]]
    )
    assert row == '"x;\'=cmd|\' /C calc\'!A0","\'@SUM(1)",-1,""\r\n'
    _assert_no_formula(header + row)


@pytest.mark.django_db
def test_the_answers_export_holds_no_formula_in_either_locale(trainee, small_scenario) -> None:
    attempt = play(trainee, small_scenario, BEST_RUN)
    Answer.objects.filter(attempt=attempt).update(reason=SEMICOLON_ATTACK)
    text = "".join(csv_rows(Answer.objects.filter(attempt=attempt)))
    assert "x;'=cmd" in text
    _assert_no_formula(text)


@pytest.mark.django_db
def test_the_workshop_export_holds_no_formula_in_either_locale(small_scenario, facilitator) -> None:
    workshop = Workshop.create(scenario=small_scenario, facilitator=facilitator, title="Room")
    person = workshop.join(display_name="-2+3")
    workshop.open_next()
    point = Workshop.objects.get(pk=workshop.pk).current_step.decision_point
    person.answer(
        point=point, option=point.options.get(style="S1"), diagnosis="R1", reason=SEMICOLON_ATTACK
    )
    text = "".join(export.stream(workshop))
    assert "'-2+3" in text and "x;'=cmd" in text
    _assert_no_formula(text)
