"""Two app servers, one PostgreSQL database, one live workshop.

DESIGN.md promises that all state lives in the database, so any number of app processes
can serve the same workshop. Here two gunicorn servers (two workers each) share a fresh
database; the facilitator works on the first, and each participant's requests alternate
between the two, as a load balancer without sticky sessions would send them.

Participants poll as the page's htmx poller does: the fragment request with the ETag
from the poller's ``hx-headers`` in ``If-None-Match``, a 304 meaning "keep what you
show". The polls run in rounds (every participant polls once, all at the same time)
instead of on a two-second clock: a round is one poll interval, and the test asks that
the first round after the facilitator's action shows it, on whichever server answers.
"""

from __future__ import annotations

import csv
import io
import random
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

from tests.processes.browser import Browser, Response, poller_etag
from tests.processes.conftest import SHARED_POSTGRES, app_env, appdata, postgres_problem, prepare

pytestmark = pytest.mark.processes

PEOPLE = 24
DECISIONS = 3  # at most; fewer if the room's branch of the story ends sooner
LATE_ON = 2  # on this decision, some people answer at the moment the facilitator locks
LATE = 4
PASSWORD = "a-long-facilitator-password-42"

CODE = re.compile(r'<dd class="code-text">([A-Z0-9 ]+)</dd>')
WORKSHOP = re.compile(r"^/workshops/(\d+)/$")
POINT = re.compile(r'<input type="hidden" name="point" value="(\d+)">')
OPTION = re.compile(
    r'<input type="radio" name="option" value="(\d+)" required >'
    r'<span class="choice-letter" aria-hidden="true">[A-D]</span>'
    r'<span><span class="visually-hidden">[A-D]\. </span>(.*?)</span></label>'
)
ANSWERED = re.compile(r'<p class="answer-count"><strong>(\d+)</strong> of (\d+) answered')


@dataclass(frozen=True)
class Ack:
    """An answer the server acknowledged ("Answer received"), as it was sent."""

    name: str
    decision: int
    point: int
    option: int
    diagnosis: str
    confidence: int
    reason: str


@dataclass
class Person:
    name: str
    browser: Browser
    ports: tuple[int, int]  # their home server first
    screen_path: str = ""
    etag: str | None = None
    html: str = ""
    sent: int = 0
    acks: dict[int, Ack] = field(default_factory=dict)

    @property
    def screen(self) -> str:
        return self.screen_path

    def port(self) -> int:
        """Requests alternate between the two servers."""
        self.sent += 1
        return self.ports[self.sent % 2]

    def join(self, code: str) -> None:
        browser = self.browser
        assert browser.get("/join/", port=self.port()).status == 200
        asked = browser.submit("/join/", {"code": code}, port=self.port())
        assert asked.status == 303, asked.text[:300]
        name_page = browser.get(asked.header("Location"), port=self.port())
        assert name_page.status == 200 and "Your name in this workshop" in name_page.text
        joined = browser.submit(
            asked.header("Location"), {"display_name": self.name}, port=self.port()
        )
        assert joined.status == 303, joined.text[:300]
        self.screen_path = joined.header("Location")  # /room/<key>/: no workshop number
        assert re.fullmatch(r"/room/[\w-]{16}/", self.screen_path), self.screen_path
        page = browser.get(self.screen, port=self.port())
        assert page.status == 200 and "You're in" in page.text
        self.html, self.etag = page.text, poller_etag(page.text)
        assert self.etag, "the participant's screen has no poller"

    def poll(self) -> Response:
        headers = {"HX-Target": "participant-screen"}
        if self.etag:
            headers["If-None-Match"] = self.etag
        response = self.browser.htmx(
            "GET", self.screen, current_url=self.screen, headers=headers, port=self.port()
        )
        if response.status == 200:
            self.html, self.etag = response.text, poller_etag(response.text)
        return response

    def answer(self, decision: int) -> tuple[Response, dict[str, str]]:
        rng = random.Random(f"{self.name}:{decision}")  # the same answers on every run
        point = POINT.search(self.html)
        options = OPTION.findall(self.html)
        assert point and len(options) == 4, f"{self.name} has no answer form:\n{self.html[:500]}"
        form = {
            "point": point.group(1),
            "diagnosis": rng.choice(["R1", "R2", "R3", "R4"]),
            "option": rng.choice(options)[0],
            "confidence": str(rng.randint(1, 5)),
            "reason": f"{self.name}'s reason for decision {decision}",
        }
        response = self.browser.htmx(
            "POST",
            self.screen,
            current_url=self.screen,
            form=form,
            headers={"HX-Target": "participant-screen"},
            port=self.port(),
        )
        if response.status == 200 and ">Answer received</h1>" in response.text:
            text = dict(options)[form["option"]]
            assert f"You judged <strong>{form['diagnosis']}</strong>" in response.text
            assert f"chose: “{text}”" in response.text
            self.acks[decision] = Ack(
                self.name,
                decision,
                int(form["point"]),
                int(form["option"]),
                form["diagnosis"],
                int(form["confidence"]),
                form["reason"],
            )
        if response.status == 200:  # htmx swaps it in: a refusal shows where the room is now
            self.html, self.etag = response.text, poller_etag(response.text) or self.etag
        return response, form


class Facilitator:
    def __init__(self, port: int) -> None:
        self.browser = Browser(port)
        self.workshop = 0

    @property
    def control(self) -> str:
        return f"/workshops/{self.workshop}/"

    def log_in(self, username: str) -> None:
        assert self.browser.get("/accounts/login/").status == 200
        done = self.browser.submit("/accounts/login/", {"username": username, "password": PASSWORD})
        assert done.status == 302, done.text[:500]

    def create_workshop(self, scenario: int) -> str:
        assert self.browser.get("/workshops/new/").status == 200
        made = self.browser.submit(
            "/workshops/new/", {"scenario": str(scenario), "title": "Two servers"}
        )
        assert made.status == 302, made.text[:500]
        self.workshop = int(WORKSHOP.match(made.header("Location")).group(1))
        page = self.browser.get(self.control)
        assert page.status == 200
        return CODE.search(page.text).group(1)

    def act(self, action: str, step: int) -> Response:
        """Press a control button, as the htmx form on the control screen sends it."""
        response = self.browser.htmx(
            "POST",
            self.control,
            current_url=self.control,
            form={"action": action, "step": str(step)},
            headers={"HX-Target": "control-screen"},
        )
        assert response.status == 200, response.text[:500]
        assert "message-success" in response.text, f"{action} was refused:\n{response.text}"
        return response

    def screen(self) -> str:
        response = self.browser.htmx("GET", self.control, current_url=self.control)
        assert response.status == 200
        return response.text


def _as_stored(ack: Ack) -> tuple:
    return (ack.name, ack.point, ack.option, ack.diagnosis, ack.confidence, ack.reason)


def test_two_servers_run_one_workshop_without_losing_or_staling_anything(
    gunicorn, postgres_database, static_root
):
    problem = postgres_problem(SHARED_POSTGRES)
    if problem:
        pytest.skip(f"PostgreSQL does not answer at 127.0.0.1:5432: {problem}")
    env = app_env(static_root, database_url=postgres_database(SHARED_POSTGRES))
    prepare(env)
    scenario = appdata(env, "facilitator", "proc-facilitator", PASSWORD)["scenario"]
    one, two = gunicorn.start(env, workers=2, count=2)

    facilitator = Facilitator(one.port)
    facilitator.log_in("proc-facilitator")
    code = facilitator.create_workshop(scenario)

    ports = (one.port, two.port)
    people = [
        Person(f"P{n:02d}", Browser(ports[n % 2]), (ports[n % 2], ports[(n + 1) % 2]))
        for n in range(1, PEOPLE + 1)
    ]
    pool = ThreadPoolExecutor(max_workers=PEOPLE)

    def everyone(task, group=people) -> list:
        return list(pool.map(task, group))

    def poll_round(expect: str) -> None:
        """Everyone polls once; then every screen must show ``expect`` ("unchanged": a 304
        for all). A 304 is right only for a screen that showed it already."""
        current = {person.name: expect in person.html for person in people}
        responses = everyone(lambda person: person.poll())
        for person, response in zip(people, responses, strict=True):
            if expect == "unchanged":
                assert response.status == 304, f"{person.name}: {response.status}"
                continue
            assert response.status == 200 or (response.status == 304 and current[person.name])
            assert expect in person.html, f"{person.name} sees a stale screen:\n{person.html}"

    try:
        everyone(lambda person: person.join(code))
        assert f"<dd>{PEOPLE}</dd>" in facilitator.screen()  # people in the room

        seen_points: list[int] = []
        decision = 0
        for decision in range(1, DECISIONS + 1):
            poll_round("unchanged")
            opened = facilitator.act("open", decision - 1)
            assert f"Decision {decision} is open" in opened.text

            # The first poll after the opening shows the new decision, on either server.
            poll_round(f"Decision {decision} · ")
            shown = {int(POINT.search(person.html).group(1)) for person in people}
            assert len(shown) == 1 and shown.isdisjoint(seen_points), shown
            seen_points.extend(shown)

            late = people[:LATE] if decision == LATE_ON else []
            on_time = [person for person in people if person not in late]
            for response, _ in everyone(lambda person, n=decision: person.answer(n), on_time):
                assert ">Answer received</h1>" in response.text, response.text[:500]
            answered = ANSWERED.search(facilitator.screen())
            assert answered.groups() == (str(len(on_time)), str(PEOPLE))
            poll_round("unchanged")  # other people's answers leave a participant's screen be

            if late:
                # The lock and these answers race; each answer is either received and kept,
                # or refused and not kept. Which one, the database's row locks decide.
                lock = pool.submit(facilitator.act, "lock", decision)
                results = everyone(lambda person, n=decision: person.answer(n), late)
                lock.result()
                for person, (response, _) in zip(late, results, strict=True):
                    assert response.status == 200
                    assert (decision in person.acks) or (
                        "Answers to this decision are locked, so yours was not recorded"
                        in response.text
                    ), response.text[:500]
            else:
                facilitator.act("lock", decision)
            poll_round("Answers are locked")

            revealed = facilitator.act("reveal", decision)
            answers = sum(1 for person in people if decision in person.acks)
            assert f"{answers} of {PEOPLE} answered." in revealed.text
            poll_round("Your feedback")
            for person in people:
                ack = person.acks.get(decision)
                if ack is None:
                    assert "You did not answer this one." in person.html
                else:
                    html = person.html  # their own diagnosis, judged right or not
                    assert (
                        f"You judged {ack.diagnosis};" in html
                        or f"You read the readiness right: {ack.diagnosis}" in html
                    )
            if f"Open decision {decision + 1}" not in revealed.text:
                break  # this branch of the story ends here
        assert decision >= 2, "the workshop should have played at least two decisions"

        facilitator.act("end", decision)
        poll_round("The workshop has ended.")
        for person in people:
            assert f"Thank you, {person.name}" in person.html
            best_fits = rf"<dt>Best fits</dt><dd>\d+ of {len(person.acks)}</dd>"
            assert re.search(best_fits, person.html), f"{person.name}'s own score is wrong"
    finally:
        pool.shutdown(wait=True)

    acks = {ack for person in people for ack in person.acks.values()}
    assert len(acks) >= PEOPLE * decision - LATE

    # The database holds exactly the acknowledged answers: none lost, none extra.
    stored = appdata(env, "answers")["answers"]
    assert sorted(_as_stored(ack) for ack in acks) == sorted(
        (row["name"], row["point"], row["option"], row["diagnosis"], row["confidence"],
         row["reason"])
        for row in stored
    )  # fmt: skip
    styles = {row["option"]: row["style"] for row in stored}

    # The facilitator's results page, on server 1, counts every answer from both servers.
    results = facilitator.browser.get(f"/workshops/{facilitator.workshop}/results/")
    assert results.status == 200
    for person in people:
        row = f'<th scope="row">{person.name}</th><td class="num">{len(person.acks)}</td>'
        assert row in results.text, f"{person.name}'s row is wrong on the results page"

    # And so does the CSV export: one row per person per decision, answers as sent.
    export = facilitator.browser.get(f"/workshops/{facilitator.workshop}/export.csv")
    assert export.status == 200 and export.header("Content-Type") == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(export.text.removeprefix("\ufeff"))))
    assert len(rows) == PEOPLE * decision
    for row in rows:
        person = next(p for p in people if p.name == row["display_name"])
        ack = person.acks.get(int(row["decision"]))
        if ack is None:
            assert row["answered"] == "no" and row["diagnosis"] == ""
            continue
        assert row["answered"] == "yes"
        assert (row["diagnosis"], row["confidence"], row["reason"], row["style"]) == (
            ack.diagnosis,
            str(ack.confidence),
            ack.reason,
            styles[ack.option],
        )
