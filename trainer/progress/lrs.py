"""Sending xAPI statements to a learning record store (LRS), through a database outbox.

When ``LRS_ENDPOINT`` is set, each new answer and each finished attempt puts its statement
in ``OutboxStatement`` in the same transaction as the record itself, so a statement exists
exactly when its record does. ``python manage.py send_xapi_statements`` (a worker, or
``--once`` from cron) posts what is due in batches, retries with backoff, and marks what the
LRS accepted as sent. A failure is logged and retried later; a statement is never dropped.

Settings: ``LRS_ENDPOINT`` (the LRS's xAPI base URL, ".../statements" is added),
``LRS_USERNAME`` and ``LRS_PASSWORD`` (HTTP Basic), ``LRS_TIMEOUT`` (seconds, default 10).
"""

from __future__ import annotations

import base64
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from trainer.play.models import Answer, Attempt
from trainer.progress import xapi
from trainer.progress.models import OutboxStatement, StatementStatus
from trainer.progress.stats import scored_attempts

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # a claimed batch is retried after this if its sender died
FIRST_DELAY = timedelta(seconds=30)
LONGEST_DELAY = timedelta(hours=6)
CATCH_UP_WINDOW = timedelta(days=2)


def sending_enabled() -> bool:
    return bool(getattr(settings, "LRS_ENDPOINT", ""))


def retry_delay(tries: int) -> timedelta:
    """30 s, 1 min, 2 min, … doubling up to 6 hours, then every 6 hours for ever."""
    return min(LONGEST_DELAY, FIRST_DELAY * 2 ** max(0, min(tries - 1, 20)))


# Filling the outbox ------------------------------------------------------------------


def outbox_row(statement: dict, user_id: int | None, **record) -> OutboxStatement:
    """An outbox entry for ``statement``; ``record`` names its answer_id or attempt_id."""
    return OutboxStatement(
        id=statement["id"],
        user_id=user_id,
        verb=statement["verb"]["display"]["en-US"],
        statement=statement,
        **record,
    )


def enqueue(rows: Iterable[OutboxStatement]) -> None:
    """Store statements to send; one already stored (same id) is left as it is."""
    OutboxStatement.objects.bulk_create(list(rows), ignore_conflicts=True)


def _answered_rows(answers) -> Iterator[OutboxStatement]:
    for row in answers.values(*xapi.ANSWER_FIELDS):
        yield outbox_row(xapi.answered(row), row["attempt__user_id"], answer_id=row["id"])


def _completed_rows(attempts) -> Iterator[OutboxStatement]:
    finished = scored_attempts(attempts.filter(finished_at__isnull=False))
    for row in finished.values(*xapi.ATTEMPT_FIELDS):
        yield outbox_row(xapi.completed(row), row["user_id"], attempt_id=row["id"])


def enqueue_answer(answer: Answer) -> None:
    enqueue(_answered_rows(Answer.objects.filter(pk=answer.pk)))


def enqueue_completed(attempt: Attempt) -> None:
    enqueue(_completed_rows(Attempt.objects.filter(pk=attempt.pk)))


def catch_up(since: datetime, batch: int = 500) -> int:
    """Queue statements for recent records that have none yet; return how many.

    Covers what no signal announces (a workshop's end finishes its attempts with one
    ``update()``) and anything a failed signal missed. ``since=None``-like old dates make it
    a full backfill.
    """
    queued = 0
    answers = Answer.objects.filter(answered_at__gte=since).exclude(
        pk__in=OutboxStatement.objects.filter(answer_id__isnull=False).values("answer_id")
    )
    attempts = Attempt.objects.filter(finished_at__gte=since).exclude(
        pk__in=OutboxStatement.objects.filter(attempt_id__isnull=False).values("attempt_id")
    )
    for source, build in ((answers, _answered_rows), (attempts, _completed_rows)):
        ids = list(source.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            enqueue(build(source.model.objects.filter(pk__in=chunk)))
            queued += len(chunk)
    return queued


# Talking to the LRS ------------------------------------------------------------------


class LrsError(Exception):
    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    @property
    def transient(self) -> bool:
        """Worth trying again at once: no answer, a timeout, overload or a server error."""
        return self.status is None or self.status in (408, 429) or self.status >= 500


class LrsClient:
    """A small xAPI client over urllib: POST a batch, or PUT one statement by id."""

    def __init__(
        self, endpoint: str, username: str = "", password: str = "", timeout: float = 10
    ) -> None:
        self.statements_url = endpoint.rstrip("/") + "/statements"
        self.timeout = timeout
        self.headers = {
            "Content-Type": "application/json",
            "X-Experience-API-Version": xapi.VERSION,
        }
        if username or password:
            token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
            self.headers["Authorization"] = f"Basic {token}"

    @classmethod
    def from_settings(cls) -> LrsClient:
        return cls(
            settings.LRS_ENDPOINT,
            getattr(settings, "LRS_USERNAME", ""),
            getattr(settings, "LRS_PASSWORD", ""),
            getattr(settings, "LRS_TIMEOUT", 10),
        )

    def _send(self, url: str, method: str, body: object) -> int:
        request = urllib.request.Request(
            url, data=json.dumps(body).encode(), headers=self.headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode("utf-8", "replace").strip()
            raise LrsError(f"HTTP {exc.code} {exc.reason}: {detail}"[:500], exc.code) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise LrsError(f"no answer from the LRS: {reason}") from None

    def post(self, statements: list[dict]) -> None:
        self._send(self.statements_url, "POST", statements)

    def put(self, statement: dict) -> None:
        """Store one statement under its id; an LRS that already has it says 409 or 204."""
        query = urllib.parse.urlencode({"statementId": statement["id"]})
        try:
            self._send(f"{self.statements_url}?{query}", "PUT", statement)
        except LrsError as exc:
            if exc.status != 409:
                raise


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0


def _claim(batch_size: int, now: datetime) -> list[OutboxStatement]:
    """Take the next due batch, leasing it so a second sender does not send it too."""
    with transaction.atomic():
        ids = list(
            OutboxStatement.objects.due(now)
            .select_for_update(skip_locked=True)
            .order_by("created_at", "id")
            .values_list("id", flat=True)[:batch_size]
        )
        OutboxStatement.objects.filter(pk__in=ids).update(next_attempt_at=now + LEASE)
    return list(OutboxStatement.objects.filter(pk__in=ids).order_by("created_at", "id"))


def _mark_sent(ids: list, now: datetime) -> None:
    OutboxStatement.objects.filter(pk__in=ids).update(
        status=StatementStatus.SENT, sent_at=now, tries=F("tries") + 1, last_error=""
    )


def _mark_failed(rows: list[OutboxStatement], error: LrsError, now: datetime) -> None:
    for row in rows:
        row.tries += 1
        row.last_error = str(error)
        row.next_attempt_at = now + retry_delay(row.tries)
        row.save(update_fields=["tries", "last_error", "next_attempt_at"])
    log.warning(
        "LRS did not take %d statement(s) (%s); they stay in the outbox and are retried from %s",
        len(rows),
        error,
        min(row.next_attempt_at for row in rows).isoformat(),
    )


def _with_retries(send: Callable[[], None], retries: int, backoff: float, sleep) -> None:
    for attempt in range(retries + 1):
        try:
            send()
            return
        except LrsError as exc:
            if not exc.transient or attempt == retries:
                raise
            log.info("LRS: %s; trying again (%d of %d)", exc, attempt + 1, retries)
            sleep(backoff * 2**attempt)


def send_due(
    client: LrsClient | None = None,
    *,
    batch_size: int = 50,
    retries: int = 3,
    backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Outcome:
    """Send every statement that is due, batch by batch; return what was sent and not."""
    client = client or LrsClient.from_settings()
    outcome = Outcome()
    while True:
        now = timezone.now()
        rows = _claim(batch_size, now)
        if not rows:
            return outcome
        try:
            batch = [row.statement for row in rows]
            _with_retries(lambda batch=batch: client.post(batch), retries, backoff, sleep)
        except LrsError as exc:
            if exc.status in (400, 409) and len(rows) > 1:
                # One statement spoils the batch (a duplicate, or one the LRS refuses):
                # send them one by one so the others go through.
                single = _send_one_by_one(client, rows, retries, backoff, sleep)
                outcome.sent += single.sent
                outcome.failed += single.failed
                continue
            if exc.status == 409:
                _mark_sent([r.pk for r in rows], timezone.now())
                outcome.sent += len(rows)
                continue
            _mark_failed(rows, exc, timezone.now())
            outcome.failed += len(rows)
            continue
        _mark_sent([r.pk for r in rows], timezone.now())
        outcome.sent += len(rows)


def _send_one_by_one(client, rows, retries, backoff, sleep) -> Outcome:
    outcome = Outcome()
    for row in rows:
        try:
            _with_retries(lambda row=row: client.put(row.statement), retries, backoff, sleep)
        except LrsError as exc:
            _mark_failed([row], exc, timezone.now())
            outcome.failed += 1
        else:
            _mark_sent([row.pk], timezone.now())
            outcome.sent += 1
    return outcome
