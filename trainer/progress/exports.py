"""Streamed exports: answers as CSV, a learner's data as JSON, statements as xAPI JSON.

Every export walks its queryset with ``.iterator(chunk_size=…)`` inside a generator handed
to ``StreamingHttpResponse``, so memory stays flat whatever the number of rows.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from trainer import spreadsheet
from trainer.play.models import Answer, Attempt
from trainer.progress import xapi
from trainer.progress.stats import scored_attempts

CHUNK = 2000

# (CSV header, field path) for one row per answer.
ANSWER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("answer_id", "id"),
    ("attempt_id", "attempt_id"),
    ("user_id", "attempt__user_id"),
    ("username", "attempt__user__username"),
    ("email", "attempt__user__email"),
    ("mode", "attempt__mode"),
    ("scenario", "attempt__scenario__slug"),
    ("scenario_title", "attempt__scenario__title"),
    ("attempt_started_at", "attempt__started_at"),
    ("attempt_finished_at", "attempt__finished_at"),
    ("sequence", "sequence"),
    ("decision_point", "decision_point__key"),
    ("moment", "decision_point__moment"),
    ("readiness", "readiness"),
    ("diagnosis", "diagnosis"),
    ("diagnosis_off", "diagnosis_off"),
    ("style", "style"),
    ("best_style", "best_style"),
    ("points", "points"),
    ("miss", "miss"),
    ("confidence", "confidence"),
    ("reason", "reason"),
    ("served_at", "served_at"),
    ("answered_at", "answered_at"),
    ("response_ms", "response_ms"),
    ("time_budget_s", "time_budget"),
    ("late", "late"),
)

ATTEMPT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("attempt_id", "id"),
    ("scenario", "scenario__slug"),
    ("scenario_title", "scenario__title"),
    ("mode", "mode"),
    ("content_version", "content_version"),
    ("started_at", "started_at"),
    ("finished_at", "finished_at"),
    ("decisions", "decisions"),
    ("points", "points"),
    ("diagnosis_right", "diagnosis_right"),
)


Members = frozenset[int] | None
# Who a row names: left empty for someone outside the cohort, as for a guest.
_IDENTITY = ("attempt__user_id", "attempt__user__username", "attempt__user__email")
_ATTEMPT_IDENTITY = ("user_id", "user__username", "user__email")


def _outsider(user_id: int | None, members: Members) -> bool:
    """Someone with an account who played in a workshop tied to the cohort without being
    a member of it: the cohort's exports do not name them."""
    return members is not None and user_id is not None and user_id not in members


def csv_rows(answers: QuerySet[Answer], members: Members = None) -> Iterator[str]:
    paths = [path for _, path in ANSWER_COLUMNS]
    hidden = [paths.index(path) for path in _IDENTITY]
    user_column = paths.index("attempt__user_id")

    def rows():
        for row in answers.order_by("id").values_list(*paths).iterator(chunk_size=CHUNK):
            if _outsider(row[user_column], members):
                row = tuple(None if i in hidden else value for i, value in enumerate(row))
            yield row

    return spreadsheet.lines(itertools.chain([[header for header, _ in ANSWER_COLUMNS]], rows()))


def filename(*parts: str, extension: str) -> str:
    stamp = timezone.localdate().isoformat()
    return "-".join([*(slugify(part)[:40] for part in parts if part), stamp]) + f".{extension}"


def streamed(chunks: Iterable[str], content_type: str, name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def answers_csv(answers: QuerySet[Answer], name: str, members: Members = None):
    """The answers as CSV; with ``members``, people outside them appear unnamed."""
    return streamed(csv_rows(answers, members), "text/csv; charset=utf-8", name)


def _json_array(items: Iterable[object]) -> Iterator[str]:
    """``[item, item, …]`` one item at a time."""
    yield "["
    first = True
    for item in items:
        yield ("\n" if first else ",\n") + json.dumps(item, cls=DjangoJSONEncoder)
        first = False
    yield "\n]"


def statements(
    answers: QuerySet[Answer], attempts: QuerySet[Attempt], members: Members = None
) -> Iterator[dict]:
    """An "answered" statement per answer, then a "completed" one per finished attempt;
    with ``members``, people outside them are agents by attempt, as guests are."""
    for row in answers.order_by("id").values(*xapi.ANSWER_FIELDS).iterator(chunk_size=CHUNK):
        if _outsider(row["attempt__user_id"], members):
            row.update(dict.fromkeys(_IDENTITY))
        yield xapi.answered(row)
    finished = scored_attempts(attempts.filter(finished_at__isnull=False)).order_by("finished_at")
    for row in finished.values(*xapi.ATTEMPT_FIELDS).iterator(chunk_size=CHUNK):
        if _outsider(row["user_id"], members):
            row.update(dict.fromkeys(_ATTEMPT_IDENTITY))
        yield xapi.completed(row)


def xapi_json(
    answers: QuerySet[Answer], attempts: QuerySet[Attempt], name: str, members: Members = None
):
    return streamed(
        _json_array(statements(answers, attempts, members)),
        "application/json; charset=utf-8",
        name,
    )


def learner_json(
    user, answers: QuerySet[Answer], attempts: QuerySet[Attempt], cohorts
) -> Iterator[str]:
    """Everything we hold about a learner's play, as one JSON document, streamed."""
    header = {
        "exported_at": timezone.now(),
        "user": {
            "id": user.pk,
            "username": user.get_username(),
            "email": getattr(user, "email", ""),
            "date_joined": getattr(user, "date_joined", None),
        },
        "cohorts": list(cohorts),
    }
    head = json.dumps(header, cls=DjangoJSONEncoder)
    yield head[:-1] + ', "attempts": '
    attempt_paths = [path for _, path in ATTEMPT_COLUMNS]
    attempt_rows = (
        dict(zip([h for h, _ in ATTEMPT_COLUMNS], row, strict=True))
        for row in scored_attempts(attempts)
        .order_by("started_at")
        .values_list(*attempt_paths)
        .iterator(chunk_size=CHUNK)
    )
    yield from _json_array(attempt_rows)
    yield ', "answers": '
    answer_paths = [path for _, path in ANSWER_COLUMNS]
    answer_rows = (
        dict(zip([h for h, _ in ANSWER_COLUMNS], row, strict=True))
        for row in answers.order_by("id").values_list(*answer_paths).iterator(chunk_size=CHUNK)
    )
    yield from _json_array(answer_rows)
    yield "}\n"
