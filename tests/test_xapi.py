"""xAPI statements (checked against the 1.0.3 rules), the export, and the LRS outbox and sender.

The sender is tested against a stub learning record store: a real HTTP server on 127.0.0.1
in a thread, answering with whatever status each test plans.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from tests import xapi_validation
from tests.test_progress_support import BEST_RUN, POOR_RUN, join, make_cohort, play
from trainer.play.models import Answer, Attempt
from trainer.progress import lrs, xapi
from trainer.progress.models import OutboxStatement, StatementStatus
from trainer.workshops.models import Workshop

pytestmark = pytest.mark.django_db

BASE = "https://training.example.org/xapi"


@pytest.fixture(autouse=True)
def xapi_settings(settings):
    settings.XAPI_BASE_IRI = BASE
    settings.LRS_ENDPOINT = ""
    return settings


# Statements ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ms", "expected"),
    [
        (0, "PT0S"),
        (1234, "PT1.23S"),
        (1235, "PT1.24S"),
        (60_000, "PT1M"),
        (65_250, "PT1M5.25S"),
        (3_600_000, "PT1H"),
        (3_723_400, "PT1H2M3.4S"),
    ],
)
def test_iso_durations(ms, expected):
    assert xapi.iso_duration(ms) == expected
    assert xapi_validation.DURATION.match(expected)


def _export(client, cohort) -> list[dict]:
    response = client.get(reverse("progress:cohort_xapi", args=[cohort.pk]))
    assert response.streaming
    assert response["Content-Type"].startswith("application/json")
    return json.loads(b"".join(response.streaming_content))


def test_cohort_statements_follow_the_rules(client, facilitator, trainee, small_scenario):
    cohort = make_cohort(facilitator)
    join(cohort, trainee)
    finished = play(trainee, small_scenario, POOR_RUN)
    play(trainee, small_scenario, [("R1", "S1")], finish=False)
    client.force_login(facilitator)
    statements = _export(client, cohort)
    # One "answered" per answer (3 + 1), one "completed" per finished attempt (1).
    verbs = [s["verb"]["id"] for s in statements]
    assert verbs.count("http://adlnet.gov/expapi/verbs/answered") == 4
    assert verbs.count("http://adlnet.gov/expapi/verbs/completed") == 1
    for statement in statements:
        assert xapi_validation.problems(statement) == [], statement
        assert statement["actor"]["account"] == {"homePage": BASE, "name": str(trainee.pk)}
        assert statement["version"] == "1.0.3"
    first = statements[0]
    assert first["object"]["id"] == f"{BASE}/scenarios/test-small/decisions/alarm"
    assert first["result"]["response"] == "S3"
    assert first["result"]["success"] is False
    assert first["result"]["score"] == {"raw": -1, "min": -2, "max": 2, "scaled": -0.5}
    assert first["result"]["duration"] == "PT12S"
    assert first["context"]["registration"] == str(finished.pk)
    extensions = first["context"]["extensions"]
    assert extensions[f"{BASE}/extensions/style-chosen"] == "S3"
    assert extensions[f"{BASE}/extensions/readiness-diagnosed"] == "R2"
    assert extensions[f"{BASE}/extensions/best-fit"] == "S1"
    completed = statements[-1]
    assert completed["object"]["id"] == f"{BASE}/scenarios/test-small"
    assert completed["result"]["score"] == {"raw": -5, "min": -6, "max": 6, "scaled": -0.8333}
    assert completed["result"]["completion"] is True
    # The same records give the same statement ids every time.
    assert [s["id"] for s in _export(client, cohort)] == [s["id"] for s in statements]


def test_actor_by_email_when_configured(client, facilitator, trainee, small_scenario, settings):
    settings.XAPI_ACTOR = "mbox"
    cohort = make_cohort(facilitator)
    join(cohort, trainee)
    play(trainee, small_scenario, BEST_RUN)
    client.force_login(facilitator)
    for statement in _export(client, cohort):
        assert statement["actor"]["mbox"] == "mailto:ana@example.org"
        assert "account" not in statement["actor"]
        assert xapi_validation.problems(statement) == []


def test_a_guest_is_an_account_per_attempt():
    agent = xapi.actor(None, None, None, "1234")
    assert agent["account"]["name"] == "guest-1234"


def test_best_fit_answers_scale_to_one():
    row = {
        "id": 1,
        "attempt_id": "7dd9d37c-da46-4cba-8a38-87a4b3308b82",
        "attempt__user_id": 5,
        "attempt__user__username": "ana",
        "attempt__user__email": "",
        "attempt__mode": "timed",
        "attempt__scenario__slug": "s",
        "attempt__scenario__title": "S",
        "decision_point_id": 1,
        "decision_point__key": "k",
        "decision_point__moment": "Dawn",
        "decision_point__role": "Lead",
        "readiness": "R1",
        "diagnosis": "R1",
        "style": "S1",
        "best_style": "S1",
        "points": 2,
        "response_ms": 4_000,
        "answered_at": timezone.now(),
    }
    statement = xapi.answered(row)
    assert statement["result"]["score"]["scaled"] == 1.0
    assert statement["result"]["success"] is True
    assert statement["timestamp"].endswith("Z")
    assert xapi_validation.problems(statement) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda s: s["result"]["score"].update(scaled=1.5), "scaled is outside -1..1"),
        (lambda s: s["result"]["score"].update(raw=9), "raw is outside min..max"),
        (lambda s: s["result"].update(duration="12 seconds"), "not an ISO 8601 duration"),
        (lambda s: s["verb"].update(id="answered"), "verb.id is not an IRI"),
        (lambda s: s["object"].update(id="not an iri"), "object.id is not an IRI"),
        (lambda s: s["actor"].update(mbox="mailto:a@b.c"), "exactly one identifier"),
        (lambda s: s["actor"].pop("account"), "exactly one identifier"),
        (lambda s: s.update(timestamp="yesterday"), "timestamp"),
        (lambda s: s.update(id="42"), "id is not a UUID"),
        (lambda s: s.pop("verb"), "verb is missing"),
        (lambda s: s["context"]["extensions"].update(style="S1"), "is not an IRI"),
    ],
)
def test_problems_are_found(change, problem):
    statement = xapi.completed(
        {
            "id": "7dd9d37c-da46-4cba-8a38-87a4b3308b82",
            "user_id": 5,
            "user__username": "ana",
            "user__email": "ana@example.org",
            "mode": "reflective",
            "scenario__slug": "s",
            "scenario__title": "S",
            "started_at": timezone.now() - timedelta(minutes=3),
            "finished_at": timezone.now(),
            "decisions": 3,
            "points": 4,
            "diagnosis_right": 2,
        }
    )
    assert xapi_validation.problems(statement) == []
    change(statement)
    assert any(problem in found for found in xapi_validation.problems(statement))


# The outbox ---------------------------------------------------------------------------


def test_nothing_is_queued_without_an_lrs(trainee, small_scenario):
    play(trainee, small_scenario, BEST_RUN)
    assert not OutboxStatement.objects.exists()


def test_answers_and_finished_attempts_are_queued_with_an_lrs(trainee, small_scenario, settings):
    settings.LRS_ENDPOINT = "http://127.0.0.1:9/xapi"
    attempt = play(trainee, small_scenario, BEST_RUN)
    queued = OutboxStatement.objects.order_by("created_at")
    assert [row.verb for row in queued] == ["answered", "answered", "completed"]
    assert {row.user_id for row in queued} == {trainee.pk}
    assert queued.last().attempt_id == attempt.pk
    assert all(xapi_validation.problems(row.statement) == [] for row in queued)
    assert all(row.status == StatementStatus.PENDING for row in queued)


def test_a_failing_outbox_never_breaks_an_answer(trainee, small_scenario, settings, caplog):
    settings.LRS_ENDPOINT = "http://127.0.0.1:9/xapi"
    with mock.patch.object(lrs, "enqueue_answer", side_effect=RuntimeError("disk full")):
        play(trainee, small_scenario, BEST_RUN)
    assert Answer.objects.count() == 2
    assert "could not queue the xAPI statement" in caplog.text
    # The next sender pass queues what was missed.
    lrs.catch_up(timezone.now() - lrs.CATCH_UP_WINDOW)
    assert OutboxStatement.objects.filter(verb="answered").count() == 2


# A stub learning record store ---------------------------------------------------------


class StubLrs:
    """An HTTP server that answers each request with the next planned status."""

    def __init__(self) -> None:
        self.plan: list[int] = []
        self.default = 200
        self.requests: list[dict] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                stub.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": json.loads(body or b"null"),
                    }
                )
                status = stub.plan.pop(0) if stub.plan else stub.default
                if status == 400 and isinstance(stub.requests[-1]["body"], dict):
                    status = 400 if stub.requests[-1]["body"].get("bad") else 204
                payload = b"[]" if status == 200 else b'{"error": "planned"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_POST = _handle
            do_PUT = _handle

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/xapi/"

    def statements_sent(self) -> list[dict]:
        sent = []
        for request in self.requests:
            body = request["body"]
            sent.extend(body if isinstance(body, list) else [body])
        return sent


@pytest.fixture
def stub_lrs(settings):
    stub = StubLrs()
    stub.thread.start()
    settings.LRS_ENDPOINT = stub.url
    settings.LRS_USERNAME = "golden"
    settings.LRS_PASSWORD = "hour"
    yield stub
    stub.server.shutdown()
    stub.server.server_close()


def _send(*extra: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("send_xapi_statements", "--once", "--backoff", "0", *extra, stdout=out)
    return out.getvalue()


def test_statements_are_sent_and_marked(stub_lrs, trainee, small_scenario):
    play(trainee, small_scenario, BEST_RUN)
    output = _send()
    assert "Sent 3" in output
    assert len(stub_lrs.requests) == 1
    request = stub_lrs.requests[0]
    assert request["method"] == "POST"
    assert request["path"] == "/xapi/statements"
    assert request["headers"]["x-experience-api-version"] == "1.0.3"
    expected = "Basic " + base64.b64encode(b"golden:hour").decode()
    assert request["headers"]["authorization"] == expected
    assert [s["verb"]["display"]["en-US"] for s in request["body"]] == [
        "answered",
        "answered",
        "completed",
    ]
    assert not OutboxStatement.objects.filter(status=StatementStatus.PENDING).exists()
    assert all(row.sent_at for row in OutboxStatement.objects.all())
    # A second pass has nothing left to send.
    _send()
    assert len(stub_lrs.requests) == 1


def test_a_failure_is_retried_at_once(stub_lrs, trainee, small_scenario, caplog):
    play(trainee, small_scenario, BEST_RUN)
    stub_lrs.plan = [503]
    with caplog.at_level(logging.INFO, logger="trainer.progress.lrs"):
        output = _send()
    assert "Sent 3" in output
    assert len(stub_lrs.requests) == 2
    assert stub_lrs.requests[0]["body"] == stub_lrs.requests[1]["body"]
    assert "HTTP 503" in caplog.text
    row = OutboxStatement.objects.first()
    assert row.status == StatementStatus.SENT and row.tries == 1


def test_a_lasting_failure_keeps_every_statement_for_later(
    stub_lrs, trainee, small_scenario, caplog
):
    play(trainee, small_scenario, BEST_RUN)
    stub_lrs.default = 500
    with caplog.at_level(logging.WARNING, logger="trainer.progress.lrs"):
        output = _send("--retries", "2")
    assert "3 failed and will be retried" in output
    assert len(stub_lrs.requests) == 3  # the first POST and two quick retries
    assert "they stay in the outbox" in caplog.text
    pending = OutboxStatement.objects.filter(status=StatementStatus.PENDING)
    assert pending.count() == 3
    for row in pending:
        assert row.tries == 1
        assert "HTTP 500" in row.last_error
        assert row.next_attempt_at > timezone.now()
    # Not due yet: a pass now sends nothing.
    _send()
    assert len(stub_lrs.requests) == 3
    # Later, the LRS is back.
    stub_lrs.default = 200
    pending.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert "Sent 3" in _send()
    assert OutboxStatement.objects.filter(status=StatementStatus.SENT).count() == 3
    sent_ids = {s["id"] for s in stub_lrs.statements_sent()}
    assert sent_ids == set(str(pk) for pk in OutboxStatement.objects.values_list("id", flat=True))


def test_an_unreachable_lrs_loses_nothing(settings, trainee, small_scenario, caplog):
    settings.LRS_ENDPOINT = "http://127.0.0.1:9/xapi"  # nothing listens on the discard port
    play(trainee, small_scenario, BEST_RUN)
    with caplog.at_level(logging.WARNING, logger="trainer.progress.lrs"):
        _send("--retries", "0")
    assert "no answer from the LRS" in caplog.text
    assert OutboxStatement.objects.filter(status=StatementStatus.PENDING).count() == 3


def test_one_refused_statement_does_not_hold_back_the_rest(stub_lrs, trainee, small_scenario):
    play(trainee, small_scenario, BEST_RUN)
    bad = OutboxStatement.objects.filter(verb="completed").get()
    bad.statement = {**bad.statement, "bad": True}
    bad.save()
    stub_lrs.plan = [400]
    stub_lrs.default = 400  # the stub refuses only statements marked bad, one by one
    _send("--retries", "0")
    assert [r["method"] for r in stub_lrs.requests] == ["POST", "PUT", "PUT", "PUT"]
    assert OutboxStatement.objects.filter(status=StatementStatus.SENT).count() == 2
    bad.refresh_from_db()
    assert bad.status == StatementStatus.PENDING and "HTTP 400" in bad.last_error


def test_a_workshop_end_is_caught_up(stub_lrs, facilitator, small_scenario):
    workshop = Workshop.create(scenario=small_scenario, facilitator=facilitator)
    participant = workshop.join(display_name="Guest")
    workshop.open_next()
    point = small_scenario.first_point()
    participant.answer(point=point, option=point.options.get(style="S1"), diagnosis="R1")
    workshop.reveal()
    workshop.end()  # finishes every participant's attempt with one update()
    assert Attempt.objects.filter(finished_at__isnull=False).count() == 1
    assert not OutboxStatement.objects.filter(verb="completed").exists()
    _send()
    verbs = sorted(s["verb"]["display"]["en-US"] for s in stub_lrs.statements_sent())
    assert verbs == ["answered", "completed"]
    guest = stub_lrs.statements_sent()[0]["actor"]
    assert guest["account"]["name"].startswith("guest-")


def test_backfill_queues_earlier_records(stub_lrs, settings, trainee, small_scenario):
    settings.LRS_ENDPOINT = ""
    play(trainee, small_scenario, BEST_RUN, at=timezone.now() - timedelta(days=30))
    settings.LRS_ENDPOINT = stub_lrs.url
    assert "Sent 0" in _send()
    output = _send("--backfill")
    assert "Queued 3" in output and "Sent 3" in output


def test_the_sender_needs_an_endpoint(settings):
    settings.LRS_ENDPOINT = ""
    with pytest.raises(CommandError, match="LRS_ENDPOINT is not set"):
        call_command("send_xapi_statements", "--once")


def test_retry_delays_grow_and_stop_growing():
    delays = [lrs.retry_delay(n) for n in range(1, 14)]
    assert delays[0] == timedelta(seconds=30)
    assert delays[1] == timedelta(minutes=1)
    assert delays == sorted(delays)
    assert delays[-1] == lrs.LONGEST_DELAY
