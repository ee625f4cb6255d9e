"""Answer traffic for the fault tests: guests posting self-paced answers as htmx does.

Each client is one browser (its own guest session, made in advance by ``appdata
guests``) that posts answers back to back, each to a fresh attempt, until told to stop.
Every request is kept as an ``Outcome``, so a test can compare what the server said with
what the database holds afterwards.
"""

from __future__ import annotations

import http.client
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from tests.processes.browser import Browser


@dataclass
class Outcome:
    attempt: str
    form: dict[str, str]
    started: float
    finished: float
    status: int | None = None  # None: no HTTP response at all
    acknowledged: bool = False
    error: str = ""
    retry_after: str | None = None


@dataclass
class Traffic:
    port: int
    plan: dict  # from ``appdata guests``
    retry_refused: bool = False  # send a refused answer again, as a person would
    outcomes: list[Outcome] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    failures: list[str] = field(default_factory=list)  # a client thread that broke

    def start(self) -> None:
        for number, client in enumerate(self.plan["clients"]):
            thread = threading.Thread(target=self._client, args=(number, client), daemon=True)
            thread.start()
            self.threads.append(thread)

    def finish(self, timeout: float = 60) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout)
        assert not any(thread.is_alive() for thread in self.threads), "a client did not stop"
        assert not self.failures, self.failures

    def acknowledged(self, since: float = 0.0) -> int:
        """Answers acknowledged whose request was sent at ``since`` or later."""
        with self.lock:
            return sum(1 for o in self.outcomes if o.acknowledged and o.started >= since)

    def statuses(self, since: float = 0.0) -> Counter:
        with self.lock:
            return Counter(o.status for o in self.outcomes if o.started >= since)

    def _client(self, number: int, client: dict) -> None:
        try:
            self._post_answers(number, client)
        except Exception as exc:  # reported by finish(), not lost with the thread
            self.failures.append(f"client {number}: {exc!r}")

    def _post_answers(self, number: int, client: dict) -> None:
        rng = random.Random(number)
        browser = Browser(self.port)
        browser.set_cookie("sessionid", client["session"])
        # The catalog gives the CSRF cookie and the page's token, as on a first visit.
        home = browser.get("/")
        assert home.status == 200 and browser.token, f"no CSRF token on /: {home.status}"
        options = self.plan["options"]
        for attempt in client["attempts"]:
            form = {
                "point": self.plan["point"],
                "diagnosis": rng.choice(["R1", "R2", "R3", "R4"]),
                "option": rng.choice(sorted(options)),
                "confidence": str(rng.randint(1, 5)),
                "reason": f"client {number}, attempt {attempt[:8]}",
            }
            while not self.stop.is_set():
                outcome = self._post(browser, attempt, form, options[form["option"]])
                with self.lock:
                    self.outcomes.append(outcome)
                if outcome.acknowledged or not self.retry_refused or outcome.status != 503:
                    break
                # Refused while the database is away: send the same answer again, as a
                # person would after the message, but not in a tight loop.
                self.stop.wait(0.1)
            if self.stop.is_set():
                return

    def _post(self, browser: Browser, attempt: str, form: dict, text: str) -> Outcome:
        page = f"/play/{attempt}/"
        started = time.monotonic()
        try:
            response = browser.htmx(
                "POST",
                f"/play/{attempt}/answer/",
                current_url=page,
                form=form,
                headers={"HX-Target": "answer-region"},
            )
        except (OSError, http.client.HTTPException) as exc:
            return Outcome(attempt, form, started, time.monotonic(), error=repr(exc))
        outcome = Outcome(attempt, form, started, time.monotonic(), status=response.status)
        outcome.retry_after = response.header("Retry-After")
        if response.status == 200 and 'id="feedback-heading"' in response.text:
            # The feedback repeats the diagnosis and the action it received.
            diagnosis = form["diagnosis"]
            assert (
                f"You judged {diagnosis};" in response.text
                or f"You read the readiness right: {diagnosis}" in response.text
            ), response.text[:1000]
            assert f'<blockquote class="action-quote"><p>{text}</p>' in response.text
            outcome.acknowledged = True
        else:
            outcome.error = response.text[:300]
        return outcome


def check_stored(outcomes: list[Outcome], stored: list[dict]) -> dict[str, int]:
    """Every acknowledged answer is stored exactly as sent; an answer that was not
    acknowledged is stored once as sent, or not at all; nothing else is stored."""
    per_attempt = Counter(row["attempt"] for row in stored)
    twice = [attempt for attempt, count in per_attempt.items() if count > 1]
    assert not twice, f"attempts with more than one answer: {twice}"
    rows = {row["attempt"]: row for row in stored}
    sent = {outcome.attempt for outcome in outcomes}
    assert set(rows) <= sent, "answers stored for attempts nobody answered"

    def as_sent(row: dict, form: dict) -> bool:
        return (str(row["option"]), row["diagnosis"], str(row["confidence"]), row["reason"]) == (
            form["option"],
            form["diagnosis"],
            form["confidence"],
            form["reason"],
        )

    acknowledged = {o.attempt for o in outcomes if o.acknowledged}
    for outcome in outcomes:
        row = rows.get(outcome.attempt)
        if outcome.attempt in acknowledged:
            assert row is not None, f"acknowledged answer to {outcome.attempt} was lost"
        if row is not None:
            assert as_sent(row, outcome.form), f"{outcome.attempt}: stored {row}, sent {outcome}"
    return {
        "acknowledged": len(acknowledged),
        "stored": len(rows),
        "stored_unacknowledged": len(set(rows) - acknowledged),
        "requests": len(outcomes),
    }
