"""Workshop screens through the test client: who sees what, every transition, every rule,
live polling with ETags, and query counts that stay fixed as the room grows."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from scenarios.models import Scenario
from trainer.play.models import Answer, Attempt, Mode
from trainer.throttle import limits
from trainer.workshops.codes import ALPHABET
from trainer.workshops.models import Participant, Status, Workshop

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


# Helpers ---------------------------------------------------------------------------------------


@pytest.fixture
def host(facilitator) -> Client:
    client = Client()
    client.force_login(facilitator)
    return client


@pytest.fixture
def workshop(small_scenario, facilitator) -> Workshop:
    return Workshop.create(scenario=small_scenario, facilitator=facilitator)


def _fresh(workshop: Workshop) -> Workshop:
    return Workshop.objects.select_related("current_step__decision_point").get(pk=workshop.pk)


def _control(workshop: Workshop) -> str:
    return f"/workshops/{workshop.pk}/"


def _present(workshop: Workshop) -> str:
    return f"/workshops/{workshop.pk}/present/"


def _screen(workshop: Workshop) -> str:
    return workshop.room_path


def _act(client: Client, workshop: Workshop, action: str, **extra):
    data = {"action": action, "step": _fresh(workshop).step_number, **extra}
    return client.post(_control(workshop), data)


def _join(workshop: Workshop, name: str, client: Client | None = None) -> Client:
    client = client or Client()
    response = client.post(f"/join/{workshop.code}/", {"display_name": name})
    assert response.status_code == 303, response.content
    return client


def _send(client: Client, workshop: Workshop, style: str, diagnosis: str = "R1", **extra):
    point = _fresh(workshop).current_step.decision_point
    data = {
        "point": point.pk,
        "diagnosis": diagnosis,
        "option": point.options.get(style=style).pk,
        **extra,
    }
    return client.post(_screen(workshop), data, headers=HX)


def _text(response) -> str:
    return response.content.decode()


def _etag_in_poller(response) -> str:
    match = re.search(
        r'hx-headers="\{&quot;If-None-Match&quot;: &quot;\\&quot;(\w+)', _text(response)
    )
    assert match, "the screen has no poller"
    return f'"{match.group(1)}"'


def _crowd(workshop: Workshop, count: int, *, style: str | None = None, start: int = 0) -> None:
    """Add ``count`` participants in a few bulk queries; with ``style``, all answer it."""
    workshop = _fresh(workshop)
    step = workshop.current_step
    point = step.decision_point if step else None
    now = timezone.now()
    attempts = Attempt.objects.bulk_create(
        Attempt(
            scenario=workshop.scenario,
            guest_token=f"guest-{start + i}",
            mode=Mode.WORKSHOP,
            content_version=workshop.scenario.content_version,
            current_point=point if workshop.status == Status.OPEN else None,
            current_served_at=now,
        )
        for i in range(count)
    )
    Participant.objects.bulk_create(
        Participant(workshop=workshop, attempt=attempt, display_name=f"Person {start + i}")
        for i, attempt in enumerate(attempts)
    )
    if style is not None:
        option = point.options.get(style=style)
        best = point.options.order_by("-points").first()
        Answer.objects.bulk_create(
            Answer(
                attempt=attempt,
                decision_point=point,
                option=option,
                sequence=1,
                style=option.style,
                points=option.points,
                best_style=best.style,
                diagnosis="R1",
                readiness=point.readiness,
                diagnosis_off=0 if point.readiness == "R1" else 1,
                miss="" if option.style == best.style else "under",
                reason=f"Reason number {start + i}",
                served_at=now,
                answered_at=now,
                response_ms=1000,
                time_budget=point.time_budget,
            )
            for i, attempt in enumerate(attempts)
        )
    Workshop.bump_revision(workshop.pk)


# Who may see what ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/workshops/", "/workshops/new/"])
def test_facilitator_pages_ask_anonymous_visitors_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_any_account_can_run_a_workshop_without_a_terminal(client, trainee, small_scenario):
    client.force_login(trainee)
    assert "Run a workshop" in _text(client.get("/"))
    page = _text(client.get("/workshops/new/"))
    assert "3 decisions, about 5 minutes" in page  # the small scenario's length
    response = client.post("/workshops/new/", {"scenario": small_scenario.pk})
    assert response.status_code == 302
    workshop = Workshop.objects.get(facilitator=trainee)
    assert client.get(f"/workshops/{workshop.pk}/").status_code == 200
    assert workshop.name in _text(client.get("/workshops/"))
    # Cohorts stay a role: a trainee who hosts a workshop does not lead cohorts.
    assert client.get("/cohorts/").status_code == 404


@pytest.mark.parametrize("screen", ["", "present/", "results/", "export.csv"])
def test_only_the_facilitator_or_staff_see_a_workshops_screens(
    client, workshop, trainee, other_facilitator, staff, facilitator, screen
):
    url = f"/workshops/{workshop.pk}/{screen}"
    assert client.get(url).status_code == 302  # anonymous: log in first
    for outsider in (trainee, other_facilitator):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.get(url, headers=HX).status_code == 404
    for insider in (facilitator, staff):
        client.force_login(insider)
        assert client.get(url).status_code == 200


def test_outsiders_cannot_act_on_a_workshop(client, workshop, other_facilitator):
    client.force_login(other_facilitator)
    response = client.post(_control(workshop), {"action": "open", "step": 0})
    assert response.status_code == 404
    assert _fresh(workshop).status == Status.LOBBY


def test_the_list_shows_my_workshops_and_staff_see_everyones(
    client, small_scenario, facilitator, other_facilitator, staff
):
    mine = Workshop.create(scenario=small_scenario, facilitator=facilitator, title="Mine")
    theirs = Workshop.create(scenario=small_scenario, facilitator=other_facilitator, title="Theirs")
    theirs.end()
    client.force_login(facilitator)
    text = _text(client.get("/workshops/"))
    assert "Mine" in text and mine.code_grouped in text
    assert "Theirs" not in text
    client.force_login(staff)
    text = _text(client.get("/workshops/"))
    assert "Mine" in text and "Theirs" in text and "gustavo" in text


# Creating a workshop ---------------------------------------------------------------------------


def test_a_facilitator_creates_a_workshop_from_a_published_scenario(
    csrf_client, facilitator, small_scenario
):
    csrf_client.force_login(facilitator)
    page = csrf_client.get(f"/workshops/new/?scenario={small_scenario.slug}")
    assert page.status_code == 200
    assert "A small test scenario" in _text(page)
    assert re.search(rf'value="{small_scenario.pk}" required checked', _text(page))
    refused = csrf_client.post("/workshops/new/", {"scenario": small_scenario.pk})
    assert refused.status_code == 403  # no CSRF token
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(
        "/workshops/new/",
        {"scenario": small_scenario.pk, "title": "Induction", "csrfmiddlewaretoken": token},
    )
    workshop = Workshop.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/workshops/{workshop.pk}/"
    assert (workshop.title, workshop.facilitator, workshop.status) == (
        "Induction",
        facilitator,
        Status.LOBBY,
    )


def test_an_unpublished_scenario_cannot_be_run(host, small_scenario):
    Scenario.objects.filter(pk=small_scenario.pk).update(published=False)
    response = host.post("/workshops/new/", {"scenario": small_scenario.pk})
    assert response.status_code == 200
    assert "not published" in _text(response)
    assert not Workshop.objects.exists()


# The control screen: every transition -------------------------------------------------------


def test_the_control_screen_walks_a_whole_workshop(host, workshop):
    lobby = _text(host.get(_control(workshop)))
    assert "Waiting for people to join" in lobby
    assert '<svg role="img" aria-label="QR code for http://testserver/join/' in lobby
    assert 'data-shortcut="n"' in lobby

    response = _act(host, workshop, "open")
    assert response.status_code == 303
    page = host.get(response["Location"])
    assert "Decision 1 is open" in _text(page)
    assert _fresh(workshop).status == Status.OPEN

    assert _act(host, workshop, "lock").status_code == 303
    assert _fresh(workshop).status == Status.LOCKED
    assert _act(host, workshop, "reopen").status_code == 303
    assert _fresh(workshop).status == Status.OPEN
    assert _act(host, workshop, "reveal").status_code == 303
    assert _fresh(workshop).status == Status.REVEALED
    assert "Where the story goes next" in _text(host.get(_control(workshop)))

    assert _act(host, workshop, "open").status_code == 303
    assert _fresh(workshop).current_step.number == 2
    assert _act(host, workshop, "end").status_code == 303
    ended = _fresh(workshop)
    assert ended.status == Status.ENDED
    text = _text(host.get(_control(workshop)))
    assert "This workshop has ended" in text
    assert "hx-trigger" not in text  # polling stops


def test_a_refused_or_unreadable_action_says_so_with_a_4xx_and_changes_nothing(host, workshop):
    # Lock before anything is open: refused, because the room is not where the form thought.
    response = host.post(_control(workshop), {"action": "lock", "step": 0}, headers=HX)
    assert response.status_code == 409
    assert "<html" not in _text(response) and "message-error" in _text(response)
    page = host.post(_control(workshop), {"action": "lock", "step": 0})
    assert page.status_code == 409 and "<html" in _text(page) and "message-error" in _text(page)
    # An action no button sends.
    response = host.post(_control(workshop), {"action": "explode", "step": 0}, headers=HX)
    assert response.status_code == 422
    assert "That action could not be read" in _text(response)
    assert _fresh(workshop).status == Status.LOBBY


def test_control_actions_answer_htmx_with_the_new_screen(host, workshop):
    response = host.post(_control(workshop), {"action": "open", "step": 0}, headers=HX)
    assert response.status_code == 200
    text = _text(response)
    assert "<html" not in text
    assert 'id="control-notice" hx-swap-oob="innerHTML"' in text
    assert "Decision 1 is open" in text
    assert "Lock answers" in text
    assert response["ETag"]
    assert "HX-Request" in response["Vary"]


def test_an_action_out_of_turn_is_refused_with_a_message(host, workshop):
    response = host.post(_control(workshop), {"action": "reveal", "step": 0}, follow=True)
    assert "Open a decision before revealing answers" in _text(response)
    assert _fresh(workshop).status == Status.LOBBY


def test_a_double_click_on_open_does_not_skip_a_decision(host, workshop):
    _act(host, workshop, "open")
    _act(host, workshop, "reveal")
    for _ in range(2):  # both clicks came from the screen showing decision 1
        host.post(_control(workshop), {"action": "open", "step": 1})
    workshop = _fresh(workshop)
    assert workshop.current_step.number == 2
    assert workshop.steps.count() == 2


def test_a_tampered_action_is_refused(host, workshop):
    response = host.post(_control(workshop), {"action": "delete", "step": 0}, headers=HX)
    assert "could not be read" in _text(response)
    response = host.post(
        _control(workshop), {"action": "open", "step": "99999999999999999999"}, headers=HX
    )
    assert _fresh(workshop).status == Status.LOBBY


def test_the_facilitator_picks_the_branch_and_can_return_to_the_majority(host, workshop):
    ana = _join(workshop, "Ana")
    _act(host, workshop, "open")
    _send(ana, workshop, "S1")
    _act(host, workshop, "reveal")
    point = _fresh(workshop).current_step.decision_point
    s3 = point.options.get(style="S3")
    text = _text(host.get(_control(workshop)))
    assert "the room's most chosen action" in text
    assert "leads to “11 Feb 2008, about 06:45”" in text

    response = host.post(
        _control(workshop), {"action": "branch", "step": 1, "option": s3.pk}, headers=HX
    )
    assert "Branch set to your pick" in _text(response)
    assert _fresh(workshop).current_step.branch_pick == s3
    host.post(_control(workshop), {"action": "branch", "step": 1, "majority": "1"})
    assert _fresh(workshop).current_step.branch_pick is None

    host.post(_control(workshop), {"action": "branch", "step": 1, "option": s3.pk})
    _act(host, workshop, "open")
    assert _fresh(workshop).current_step.decision_point.key == "chaos"


def test_a_branch_pick_from_another_decision_is_refused(host, workshop, small_scenario):
    _act(host, workshop, "open")
    _act(host, workshop, "reveal")
    foreign = small_scenario.decision_points.get(key="calm").options.first()
    response = host.post(
        _control(workshop), {"action": "branch", "step": 1, "option": foreign.pk}, follow=True
    )
    assert "does not belong to this decision" in _text(response)


def test_at_the_end_of_a_branch_the_control_offers_the_summary(host, workshop):
    _act(host, workshop, "open")
    _act(host, workshop, "reveal")
    _act(host, workshop, "open")  # calm: the last decision on this branch
    _act(host, workshop, "reveal")
    text = _text(host.get(_control(workshop)))
    assert "The scenario ends after this decision" in text
    assert "End and show the summary" in text
    assert re.search(r'<button id="act-open"[^>]*disabled', text)


# The presenter screen --------------------------------------------------------------------------


def test_the_presenter_shows_the_code_and_qr_code_in_the_lobby(host, workshop):
    _join(workshop, "Ana <script>")
    text = _text(host.get(_present(workshop)))
    assert workshop.code_grouped in text
    assert "http://testserver/join/" + workshop.code + "/" in text
    assert '<svg role="img" aria-label="QR code for http://testserver/join/' in text
    assert "Ana &lt;script&gt;" in text and "Ana <script>" not in text
    assert "1</strong> person has joined" in text


def test_the_presenter_counts_answers_without_showing_them(host, workshop):
    people = [_join(workshop, name) for name in ("Ana", "Bruno", "Carla")]
    _act(host, workshop, "open")
    _send(people[0], workshop, "S3", reason="Ask them")
    text = _text(host.get(_present(workshop)))
    assert "The radio room calls" in text
    assert re.search(r"<strong>1</strong><span> of 3</span>", text)
    assert "Ask them" not in text


def test_the_presenter_reveals_the_room_without_names(host, workshop):
    ana = _join(workshop, "Ana Secretname")
    bruno = _join(workshop, "Bruno Secretname")
    _act(host, workshop, "open")
    _send(ana, workshop, "S1", reason="Orders first, talk later")
    _send(bruno, workshop, "S3", "R3", reason="Trust the team")
    _act(host, workshop, "reveal")
    text = _text(host.get(_present(workshop)))
    assert "What the room decided" in text
    assert re.search(r"Best fit: [A-D], S1 Directing", text)
    assert "Orders first, talk later" in text and "Trust the team" in text
    assert "Secretname" not in text
    # Two answers: a style beside each reason would say who wrote it.
    assert 'class="style-tag' not in text.partition("In the room")[2].partition("</ul>")[0]
    assert text.count('<svg class="chart bars"') == 2
    assert re.search(r"[A-D] S1 Directing: 1 \(50%\), best fit", text)  # the text alternative
    assert "What would you say first?" in text  # the discussion prompt
    assert "UN Police went on high alert" in text


def test_the_presenter_shows_the_summary_at_the_end_and_stops_polling(host, workshop):
    ana = _join(workshop, "Ana")
    _act(host, workshop, "open")
    _send(ana, workshop, "S3")
    _act(host, workshop, "reveal")
    _act(host, workshop, "open")
    _act(host, workshop, "end")
    text = _text(host.get(_present(workshop)))
    assert "Thank you" in text
    assert "The room's style arc" in text
    assert '<svg class="chart arc"' in text
    assert "The hardest decisions" in text
    assert "hx-trigger" not in text


# Results and export ----------------------------------------------------------------------------


def test_results_show_the_arc_as_a_table_and_the_hardest_decisions(host, workshop):
    ana = _join(workshop, "Ana")
    bruno = _join(workshop, "Bruno")
    _act(host, workshop, "open")
    _send(ana, workshop, "S1")
    _send(bruno, workshop, "S4", "R4")
    _act(host, workshop, "reveal")
    _act(host, workshop, "end")
    text = _text(host.get(f"/workshops/{workshop.pk}/results/"))
    assert '<svg class="chart arc"' in text
    assert "The same figures as a table" in text
    # Two answers are too few to call a decision the hardest; the page says so.
    assert "Too few answers to call any decision the hardest: each needs at least 3" in text
    assert "Bruno" in text  # the facilitator's own table


def test_the_export_streams_a_csv_row_per_participant_per_decision(host, workshop):
    ana = _join(workshop, "Ana")
    _join(workshop, "Ana")
    _act(host, workshop, "open")
    _send(ana, workshop, "S1", reason="Quick orders")
    _act(host, workshop, "reveal")
    _act(host, workshop, "open")
    response = host.get(f"/workshops/{workshop.pk}/export.csv")
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"workshop-{workshop.code}-" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # spreadsheets then read it as UTF-8
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 4
    answered = [row for row in rows if row["answered"] == "yes"]
    assert len(answered) == 1
    row = answered[0]
    assert (row["display_name"], row["style"], row["points"], row["reason"]) == (
        "Ana",
        "S1",
        "2",
        "Quick orders",
    )
    assert float(row["response_seconds"]) >= 0
    assert {r["participant"] for r in rows} == {"1", "2"}


# Joining ----------------------------------------------------------------------------------------


def test_joining_by_code_then_name(csrf_client, workshop):
    page = csrf_client.get("/join/")
    assert page.status_code == 200
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(
        "/join/",
        {
            "code": workshop.code.lower()[:3] + " " + workshop.code.lower()[3:],
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 303
    assert response["Location"] == f"/join/{workshop.code}/"
    page = csrf_client.get(response["Location"])
    assert "Your name in this workshop" in _text(page)
    response = csrf_client.post(
        f"/join/{workshop.code}/", {"display_name": "Ana", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 303
    assert response["Location"] == _screen(workshop)
    screen = csrf_client.get(_screen(workshop))
    assert "You&#x27;re in" in _text(screen) or "You're in" in _text(screen)


def test_a_lower_case_code_in_the_url_is_corrected(client, workshop):
    response = client.get(f"/join/{workshop.code.lower()}/")
    assert response.status_code == 302
    assert response["Location"] == f"/join/{workshop.code}/"


def test_rejoining_from_the_same_browser_keeps_the_participant(client, workshop):
    _join(workshop, "Ana", client)
    again = client.get(f"/join/{workshop.code}/")
    assert again.status_code == 302
    assert again["Location"] == _screen(workshop)
    client.post(f"/join/{workshop.code}/", {"display_name": "Ana again"})
    assert Participant.objects.count() == 1


def test_a_logged_in_participant_rejoins_from_another_browser(workshop, trainee):
    phone, laptop = Client(), Client()
    phone.force_login(trainee)
    laptop.force_login(trainee)
    _join(workshop, "Ana", phone)
    response = laptop.get(f"/join/{workshop.code}/")
    assert response["Location"] == _screen(workshop)
    participant = Participant.objects.get()
    assert participant.attempt.user == trainee


def test_two_people_who_type_one_name_are_told_apart_and_keep_their_answers(host, workshop):
    first = _join(workshop, "Sam")
    second = _join(workshop, "Sam")
    _act(host, workshop, "open")
    _send(first, workshop, "S1")
    _send(second, workshop, "S4", "R4")
    _act(host, workshop, "reveal")
    assert "Your action: S1 Directing" in _text(first.get(_screen(workshop)))
    assert "Your action: S4 Delegating" in _text(second.get(_screen(workshop)))
    names = Participant.objects.filter(workshop=workshop).values_list("display_name", flat=True)
    assert sorted(names) == ["Sam", "Sam 2"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Ana   Maria  ", "Ana Maria"),
        ("Zé\u200b\u0007", "Zé"),
        ("<b>Bold</b>", "<b>Bold</b>"),
        ("x" * 30, "x" * 30),
    ],
)
def test_display_names_are_trimmed_and_stored_as_typed(workshop, typed, stored):
    _join(workshop, typed)
    assert Participant.objects.get().display_name == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "Type a name"), ("   \u200b ", "Type a name"), ("x" * 31, "30 characters or fewer")],
)
def test_empty_or_long_names_are_refused(client, workshop, typed, message):
    response = client.post(f"/join/{workshop.code}/", {"display_name": typed})
    assert response.status_code == 200
    assert message in _text(response)
    assert not Participant.objects.exists()


def test_names_are_escaped_on_every_screen(host, workshop):
    name = '<img src=x onerror="alert(1)">'
    player = _join(workshop, name)
    for text in (
        _text(host.get(_present(workshop))),
        _text(host.get(_control(workshop))),
        _text(player.get(_screen(workshop))),
    ):
        assert name not in text
        assert "&lt;img src=x" in text


def test_joining_an_ended_workshop_is_refused(client, workshop):
    workshop.end()
    response = client.get(f"/join/{workshop.code}/")
    assert response.status_code == 410
    assert "This workshop has ended" in _text(response)
    response = client.post(f"/join/{workshop.code}/", {"display_name": "Late"})
    assert response.status_code == 410
    response = client.post("/join/", {"code": workshop.code})
    assert "has ended" in _text(response)
    assert not Participant.objects.exists()


def test_a_participant_still_sees_their_ended_workshop(client, workshop):
    _join(workshop, "Ana", client)
    workshop.end()
    response = client.get(f"/join/{workshop.code}/")
    assert response["Location"] == _screen(workshop)
    assert "Thank you, Ana" in _text(client.get(_screen(workshop)))


def test_a_wrong_code_gets_a_clear_message(client, workshop):
    response = client.post("/join/", {"code": "WWWWWW"})
    assert response.status_code == 200
    assert "No workshop is running with that code" in _text(response)
    response = client.get("/join/WWWWWW/")
    assert response.status_code == 404
    assert "No workshop is running with that code" in _text(response)
    # The same wrong code twice from one address counts once against the address.
    assert limits.count(limits.JOIN_ADDRESS, "127.0.0.1") == 1
    assert limits.count(limits.JOIN_SAME_CODE, "127.0.0.1 WWWWWW") == 2


def _wrong_codes(count: int) -> list[str]:
    return [
        f"WWWW{ALPHABET[n // len(ALPHABET)]}{ALPHABET[n % len(ALPHABET)]}" for n in range(count)
    ]


def test_twenty_different_wrong_codes_a_minute_from_one_address_get_429(client, workshop):
    for code in _wrong_codes(limits.JOIN_ADDRESS.tries):
        response = client.post("/join/", {"code": code}, REMOTE_ADDR="10.9.8.7")
        assert response.status_code == 200
    response = client.post("/join/", {"code": "WWWWYY"}, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 429
    assert "Too many wrong workshop codes" in _text(response)
    assert 1 <= int(response["Retry-After"]) <= 60
    # Even the right code waits, or guessing could go on; the QR link too.
    assert client.post("/join/", {"code": workshop.code}, REMOTE_ADDR="10.9.8.7").status_code == 429
    assert client.get(f"/join/{workshop.code}/", REMOTE_ADDR="10.9.8.7").status_code == 429
    # Another address is not affected.
    response = client.post("/join/", {"code": workshop.code}, REMOTE_ADDR="10.9.8.8")
    assert response.status_code == 303


def test_one_phone_repeating_its_typo_does_not_lock_out_its_room(client, workshop):
    """The room shares one address behind its router; one phone sends one typo again and
    again. That phone's code is paused; the room still joins with the right one."""
    for _ in range(limits.JOIN_SAME_CODE.tries):
        assert client.post("/join/", {"code": "WWWWWW"}, REMOTE_ADDR="10.9.8.7").status_code == 200
    assert client.post("/join/", {"code": "WWWWWW"}, REMOTE_ADDR="10.9.8.7").status_code == 429
    assert limits.count(limits.JOIN_ADDRESS, "10.9.8.7") == 1
    response = client.post("/join/", {"code": workshop.code}, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 303


def test_a_right_code_uses_up_no_try(client, workshop):
    for _ in range(3):
        assert client.post("/join/", {"code": workshop.code}).status_code == 303
        assert client.get(f"/join/{workshop.code}/").status_code == 200
    assert limits.count(limits.JOIN_ADDRESS, "127.0.0.1") == 0


def test_the_throttle_is_kept_in_the_database(workshop):
    """Two app processes are two clients here; the count is shared through the table."""
    one, two = Client(), Client()
    for index, code in enumerate(_wrong_codes(limits.JOIN_ADDRESS.tries)):
        (one if index % 2 else two).post("/join/", {"code": code})
    assert limits.count(limits.JOIN_ADDRESS, "127.0.0.1") == limits.JOIN_ADDRESS.tries
    assert one.post("/join/", {"code": "WWWWYY"}).status_code == 429


def test_joins_from_one_address_are_limited_per_minute(client, workshop):
    later = timezone.now() + timedelta(seconds=1)
    for _ in range(limits.ROOM_JOIN.tries):
        assert not limits.take((limits.ROOM_JOIN, "10.7.7.7"), now=later - timedelta(seconds=2))
    response = client.post(
        f"/join/{workshop.code}/", {"display_name": "One too many"}, REMOTE_ADDR="10.7.7.7"
    )
    assert response.status_code == 429
    assert "Too many people joining at once" in _text(response)
    assert not workshop.participants.filter(display_name="One too many").exists()


# The participant's screen -----------------------------------------------------------------------


def test_someone_who_has_not_joined_is_sent_to_join(client, workshop):
    response = client.get(_screen(workshop))
    assert response.status_code == 302
    assert response["Location"] == "/join/"
    response = client.get(_screen(workshop), headers=HX)
    assert response["HX-Redirect"] == "/join/"


def test_the_open_decision_uses_the_shared_answer_form(host, workshop):
    player = _join(workshop, "Ana")
    _act(host, workshop, "open")
    text = _text(player.get(_screen(workshop)))
    assert "How ready are they for this task?" in text
    assert "What do you do?" in text
    assert "Give three short orders" in text
    assert 'name="point"' in text
    assert "Send my answer" in text


def test_an_answer_is_received_and_a_second_keeps_the_first(host, workshop):
    player = _join(workshop, "Ana")
    _act(host, workshop, "open")
    response = _send(player, workshop, "S1", reason="Orders first")
    assert response.status_code == 200
    assert "Answer received" in _text(response)
    response = _send(player, workshop, "S4", "R4")
    assert "your first answer stands" in _text(response)
    answer = Answer.objects.get()
    assert (answer.style, answer.reason) == ("S1", "Orders first")


def test_a_plain_post_redirects_back_to_the_screen(host, workshop):
    player = _join(workshop, "Ana")
    _act(host, workshop, "open")
    point = _fresh(workshop).current_step.decision_point
    response = player.post(
        _screen(workshop),
        {"point": point.pk, "diagnosis": "R1", "option": point.options.get(style="S2").pk},
    )
    assert response.status_code == 303
    assert response["Location"] == _screen(workshop)
    assert "Answer received" in _text(player.get(_screen(workshop)))


@pytest.mark.parametrize(
    "data",
    [
        {"diagnosis": ""},
        {"diagnosis": "R9"},
        {"option": ""},
        {"option": "abc"},
        {"reason": "x" * 281},
    ],
)
def test_an_incomplete_answer_comes_back_with_a_message(host, workshop, data):
    player = _join(workshop, "Ana")
    _act(host, workshop, "open")
    point = _fresh(workshop).current_step.decision_point
    full = {"point": point.pk, "diagnosis": "R1", "option": point.options.first().pk}
    response = player.post(_screen(workshop), {**full, **data}, headers=HX)
    assert response.status_code == 200
    text = _text(response)
    assert 'class="errorlist' in text
    assert "Send my answer" in text  # the form again, to fix and send
    assert not Answer.objects.exists()


def test_an_option_from_another_decision_is_refused(host, workshop, small_scenario):
    player = _join(workshop, "Ana")
    _act(host, workshop, "open")
    point = _fresh(workshop).current_step.decision_point
    foreign = small_scenario.decision_points.get(key="calm").options.first()
    response = player.post(
        _screen(workshop),
        {"point": point.pk, "diagnosis": "R1", "option": foreign.pk},
        headers=HX,
    )
    assert "does not belong to this decision" in _text(response)
    assert not Answer.objects.exists()


def test_answers_before_the_first_decision_are_refused(workshop, small_scenario):
    player = _join(workshop, "Ana")
    point = small_scenario.first_point()
    response = player.post(
        _screen(workshop),
        {"point": point.pk, "diagnosis": "R1", "option": point.options.first().pk},
        follow=True,
    )
    assert "No decision is open yet" in _text(response)
    assert not Answer.objects.exists()


def test_answers_after_the_lock_are_refused(host, workshop):
    player = _join(workshop, "Ana")
    _act(host, workshop, "open")
    form_page = _text(player.get(_screen(workshop)))
    assert "Send my answer" in form_page
    _act(host, workshop, "lock")
    response = _send(player, workshop, "S1")
    assert "locked, so yours was not recorded" in _text(response)
    assert "Answers are locked" in _text(response)
    assert not Answer.objects.exists()


def test_answers_to_a_decision_the_room_left_are_refused(host, workshop, small_scenario):
    player = _join(workshop, "Ana")
    _act(host, workshop, "open")
    _act(host, workshop, "reveal")
    _act(host, workshop, "open")
    old = small_scenario.first_point()
    response = player.post(
        _screen(workshop),
        {"point": old.pk, "diagnosis": "R1", "option": old.options.first().pk},
        headers=HX,
    )
    assert "the room has moved on" in _text(response)
    assert not Answer.objects.exists()


def test_answers_after_the_end_are_refused(host, workshop):
    player = _join(workshop, "Ana")
    _act(host, workshop, "open")
    point = _fresh(workshop).current_step.decision_point
    _act(host, workshop, "end")
    response = player.post(
        _screen(workshop),
        {"point": point.pk, "diagnosis": "R1", "option": point.options.first().pk},
        headers=HX,
    )
    assert "ended" in _text(response)
    assert not Answer.objects.exists()


def test_after_the_reveal_a_participant_sees_their_own_feedback(host, workshop):
    ana = _join(workshop, "Ana")
    bruno = _join(workshop, "Bruno")
    silent = _join(workshop, "Silent")
    _act(host, workshop, "open")
    _send(ana, workshop, "S3", "R2", reason="Let them talk")
    _send(bruno, workshop, "S1", reason="Bruno's private reason")
    _act(host, workshop, "reveal")
    text = _text(ana.get(_screen(workshop)))
    assert "Your action: S3 Supporting" in text
    assert "Supporting leaves a frightened team without direction" in text
    assert "You judged R2; it was R1 (one level off)" in text
    assert "The best fit: S1 Directing" in text
    assert "Bruno" not in text and "private reason" not in text
    text = _text(silent.get(_screen(workshop)))
    assert "You did not answer this one" in text
    assert "The best fit: S1 Directing" in text


def test_the_ended_screen_sums_up_the_participant(host, workshop, trainee):
    player = Client()
    player.force_login(trainee)
    _join(workshop, "Ana", player)
    _act(host, workshop, "open")
    _send(player, workshop, "S1")
    _act(host, workshop, "reveal")
    _act(host, workshop, "end")
    text = _text(player.get(_screen(workshop)))
    assert "Thank you, Ana" in text
    assert "2 of 2 points" in text
    assert "your progress" in text
    assert "hx-trigger" not in text


# Live polling: ETags, 304s, and one query --------------------------------------------------------


def test_an_unchanged_screen_costs_one_query_and_a_304(host, workshop, django_assert_num_queries):
    player = _join(workshop, "Ana")
    _act(host, workshop, "open")
    for client, url in (
        (host, _present(workshop)),
        (host, _control(workshop)),
        (player, _screen(workshop)),
    ):
        first = client.get(url, headers=HX)
        assert first.status_code == 200
        etag = first["ETag"]
        assert etag == _etag_in_poller(first)
        with django_assert_num_queries(1):
            again = client.get(url, headers={**HX, "If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == etag
        # Per session and kept by no cache, like the screen it stands for.
        assert "no-store" in again["Cache-Control"] and "private" in again["Cache-Control"]
        assert {"HX-Request", "Cookie"} <= {v.strip() for v in again["Vary"].split(",")}


def test_an_answer_refreshes_the_presenter_but_not_other_participants(host, workshop):
    ana = _join(workshop, "Ana")
    bruno = _join(workshop, "Bruno")
    _act(host, workshop, "open")
    presenter = host.get(_present(workshop), headers=HX)
    bruno_screen = bruno.get(_screen(workshop), headers=HX)
    _send(ana, workshop, "S1")
    again = host.get(_present(workshop), headers={**HX, "If-None-Match": presenter["ETag"]})
    assert again.status_code == 200
    assert re.search(r"<strong>1</strong><span> of 2</span>", _text(again))
    # Bruno's half-filled form must not be replaced because Ana answered.
    calm = bruno.get(_screen(workshop), headers={**HX, "If-None-Match": bruno_screen["ETag"]})
    assert calm.status_code == 304
    # The lock changes Bruno's screen.
    _act(host, workshop, "lock")
    changed = bruno.get(_screen(workshop), headers={**HX, "If-None-Match": bruno_screen["ETag"]})
    assert changed.status_code == 200
    assert "Answers are locked" in _text(changed)


def test_an_etag_belongs_to_one_session(host, workshop, staff):
    first = host.get(_present(workshop), headers=HX)
    other = Client()
    other.force_login(staff)
    response = other.get(_present(workshop), headers={**HX, "If-None-Match": first["ETag"]})
    assert response.status_code == 200
    stranger = Client()
    response = stranger.get(_present(workshop), headers={**HX, "If-None-Match": first["ETag"]})
    assert response.status_code != 304


def test_full_pages_are_not_cached_and_vary_on_htmx(host, workshop):
    page = host.get(_present(workshop))
    assert "no-store" in page["Cache-Control"]
    assert "HX-Request" in page["Vary"]
    assert "ETag" not in page  # only the poller revalidates, never a browser cache


def _queries(client: Client, url: str) -> int:
    """Queries for one poll, once the decision's options are in the process's memory
    (the first request after a content change reads them: two queries, once)."""
    client.get(url, headers=HX)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, headers=HX)
    assert response.status_code == 200
    return len(context)


@pytest.mark.parametrize("state", ["lobby", "open", "revealed"])
def test_poll_queries_stay_fixed_from_1_to_1000_participants(
    host, workshop, state, django_assert_max_num_queries
):
    if state != "lobby":
        workshop.open_next()
    _crowd(workshop, 1, style="S1" if state != "lobby" else None)
    if state == "revealed":
        workshop.reveal()
    player = Client()
    player.cookies = host.cookies  # the facilitator's own browser, joined as a participant
    one_person = Participant.objects.get()
    session = host.session
    session["workshop_participants"] = {str(workshop.pk): one_person.pk}
    session.save()

    urls = [_present(workshop), _control(workshop), _screen(workshop)]
    small = [_queries(host, url) for url in urls]
    if state == "revealed":
        # Answers are locked after a reveal; add the crowd's answers behind the scenes.
        Workshop.objects.filter(pk=workshop.pk).update(status=Status.OPEN)
    _crowd(workshop, 999, style="S3" if state != "lobby" else None, start=1)
    if state == "revealed":
        Workshop.objects.filter(pk=workshop.pk).update(status=Status.REVEALED)
    assert Participant.objects.count() == 1000
    large = [_queries(host, url) for url in urls]
    assert small == large
    for url in urls:
        with django_assert_max_num_queries(12):
            host.get(url, headers=HX)


def test_an_option_edited_mid_workshop_shows_on_the_next_screen(host, workshop):
    """The room's options come from each process's memory while the scenario is unchanged;
    an edit in the admin changes the scenario's stamp, so the next screen shows it."""
    workshop.open_next()
    _crowd(workshop, 1)
    session = host.session
    session["workshop_participants"] = {str(workshop.pk): Participant.objects.get().pk}
    session.save()
    assert "Give three short orders" in host.get(_screen(workshop)).content.decode()
    option = _fresh(workshop).current_step.decision_point.options.get(style="S1")
    option.text = "Give two short orders, then listen."
    option.save()
    page = host.get(_screen(workshop)).content.decode()
    assert "Give two short orders, then listen." in page
    assert "Give three short orders" not in page


def test_a_tie_is_shown_as_a_tie_and_the_facilitator_chooses(host, workshop):
    ana, bruno = _join(workshop, "Ana"), _join(workshop, "Bruno")
    _act(host, workshop, "open")
    _send(ana, workshop, "S1")
    _send(bruno, workshop, "S3")
    _act(host, workshop, "reveal")
    text = _text(host.get(_present(workshop)))
    assert re.search(r"<strong>A tie:</strong> [A-D] and [A-D] drew the same number", text)


def test_reasons_carry_their_style_only_in_a_room_of_eight_or_more(host, workshop):
    _act(host, workshop, "open")
    clients = [_join(workshop, f"Person {n}") for n in range(8)]
    for client in clients:
        _send(client, workshop, "S1", reason="Orders first")
    _act(host, workshop, "reveal")
    text = _text(host.get(_present(workshop)))
    words = text.partition("In the room")[2].partition("</ul>")[0]
    assert 'class="style-tag style-s1">S1</span> Orders first' in words


@pytest.mark.parametrize("name", ["A" * 31, "A" * 300])
def test_a_long_name_gets_one_message_typed_or_pasted(workshop, name):
    response = Client().post(f"/join/{workshop.code}/", {"display_name": name})
    assert response.status_code == 200
    assert f"Keep your name to 30 characters or fewer (this one has {len(name)})." in _text(
        response
    )
    assert 'maxlength="' not in _text(response).partition('name="display_name"')[2][:300]
    assert not Participant.objects.filter(workshop=workshop).exists()


def test_names_keep_their_emoji_whole_and_two_anas_are_told_apart(workshop):
    waving = "Zé 👋🏽 👩\u200d👩\u200d👧"
    _join(workshop, waving)
    assert Participant.objects.get(workshop=workshop).display_name == waving
    _join(workshop, "Ana")
    second = _join(workshop, "ana")
    names = set(
        Participant.objects.filter(workshop=workshop).values_list("display_name", flat=True)
    )
    assert {"Ana", "ana 2"} <= names
    assert "ana 2" in _text(second.get(_screen(workshop)))
    exactly = "👋🏽" * 30  # 30 characters as a person counts them, 60 code points
    _join(workshop, exactly)
    assert Participant.objects.filter(display_name=exactly).exists()


def test_the_control_screen_has_the_key_the_waiting_and_the_reasons_to_moderate(host, workshop):
    ana, _bruno = _join(workshop, "Ana"), _join(workshop, "Bruno")
    _act(host, workshop, "open")
    _send(ana, workshop, "S1", reason="Orders first, talk later")
    text = _text(host.get(_control(workshop)))
    assert re.search(r"<strong>[A-D]</strong> is the best fit: <strong>S1 Directing", text)
    waiting = text.partition("Not answered yet")[2].partition("</section>")[0]
    assert "Bruno" in waiting and "Ana" not in waiting
    assert "Orders first, talk later" in text
    answer = Answer.objects.get(reason="Orders first, talk later")
    _act(host, workshop, "hide", answer=answer.pk)
    answer.refresh_from_db()
    assert answer.reason_hidden
    _act(host, workshop, "reveal")
    projector = _text(host.get(_present(workshop)))
    assert "Orders first, talk later" not in projector
    # The participant keeps their own reason; the facilitator can show it again.
    _act(host, workshop, "show", answer=answer.pk)
    assert "Orders first, talk later" in _text(host.get(_present(workshop)))


def test_a_reason_of_another_workshop_cannot_be_hidden(host, workshop, small_scenario, facilitator):
    other = Workshop.create(scenario=small_scenario, facilitator=facilitator)
    ana = _join(other, "Ana")
    _act(host, other, "open")
    _send(ana, other, "S1", reason="Mine")
    _act(host, workshop, "open")
    answer = Answer.objects.get(reason="Mine")
    response = _act(host, workshop, "hide", answer=answer.pk)
    assert response.status_code == 409  # refused: that reason is not in this room
    answer.refresh_from_db()
    assert not answer.reason_hidden


def test_every_participant_gets_a_personal_debrief_link_at_the_end(host, workshop):
    guest = _join(workshop, "Ana")
    _act(host, workshop, "open")
    _send(guest, workshop, "S1", reason="Orders first")
    _act(host, workshop, "reveal")
    _act(host, workshop, "end")
    ended = _text(guest.get(_screen(workshop)))
    link = re.search(r'href="(/workshops/debrief/[^"]+/)"', ended).group(1)
    # The link works on another device, without the session that joined.
    page = _text(Client().get(link))
    assert "your debrief" in page
    assert "Orders first" in page or "Directing" in page
    assert "The room&#x27;s results" in page or "The room's results" in page
    # A tampered or made-up link shows nothing.
    assert Client().get(link[:-3] + "xx/").status_code == 404
    assert Client().get("/workshops/debrief/1/").status_code == 404


def test_run_again_makes_a_new_room_from_a_past_workshop(host, workshop):
    _join(workshop, "Ana")
    _act(host, workshop, "open")
    _act(host, workshop, "end")
    assert "Run again" in _text(host.get("/workshops/"))
    response = host.post(f"/workshops/{workshop.pk}/again/")
    assert response.status_code == 303
    new = Workshop.objects.exclude(pk=workshop.pk).get()
    assert response["Location"] == new.get_absolute_url()
    assert new.scenario_id == workshop.scenario_id and new.title == workshop.title
    assert new.code != workshop.code and new.is_live and not new.participants.exists()


def test_a_stranger_at_a_rooms_participant_address_never_learns_its_code(workshop):
    stranger = Client()
    for headers in ({}, HX):
        response = stranger.get(workshop.room_path, headers=headers)
        assert workshop.code not in str(response.headers)
        assert workshop.code not in _text(response)
    response = stranger.get(workshop.room_path)
    assert response["Location"] == "/join/"


def test_a_point_id_of_unicode_digits_is_refused_cleanly(workshop):
    ana = _join(workshop, "Ana")
    response = ana.post(_screen(workshop), {"point": "\u00b2", "diagnosis": "R1"}, headers=HX)
    assert response.status_code < 500


def test_a_countdown_locks_the_decision_when_it_runs_out(host, workshop):
    from datetime import timedelta

    from trainer.workshops.models import Step

    ana, bruno = _join(workshop, "Ana"), _join(workshop, "Bruno")
    _act(host, workshop, "open")
    _act(host, workshop, "countdown", seconds=60)
    step = _fresh(workshop).current_step
    assert 55 <= step.seconds_left() <= 60
    assert "Answers lock in" in _text(host.get(_present(workshop)))
    assert "Answers lock in" in _text(ana.get(_screen(workshop)))
    _act(host, workshop, "countdown", seconds=30)  # +30 s
    assert 85 <= Step.objects.get(pk=step.pk).seconds_left() <= 90
    _send(ana, workshop, "S1")
    # The clock runs out: an answer a moment late (within the grace) still counts...
    Step.objects.filter(pk=step.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    _send(bruno, workshop, "S2")
    assert _fresh(workshop).current_step.answers().count() == 2
    # ...and past it, the first screen drawn locks the room, and answers are refused.
    Step.objects.filter(pk=step.pk).update(closes_at=timezone.now() - timedelta(seconds=5))
    carla = _join(workshop, "Carla")
    assert "locked" in _text(host.get(_present(workshop))).lower()
    assert _fresh(workshop).status == Status.LOCKED
    _send(carla, workshop, "S1")
    assert _fresh(workshop).current_step.answers().count() == 2


def test_a_countdown_needs_an_open_decision(host, workshop):
    _act(host, workshop, "countdown", seconds=60)
    assert _fresh(workshop).current_step is None


def test_an_answer_after_the_countdown_is_refused_with_a_clear_message(host, workshop):
    from datetime import timedelta

    from trainer.workshops.models import Step

    ana = _join(workshop, "Ana")
    _act(host, workshop, "open")
    _act(host, workshop, "countdown", seconds=60)
    step = _fresh(workshop).current_step
    Step.objects.filter(pk=step.pk).update(closes_at=timezone.now() - timedelta(seconds=5))
    response = _send(ana, workshop, "S1")
    assert "Time is up" in _text(response) or "locked" in _text(response)
    assert not step.answers().exists()
    assert _fresh(workshop).status == Status.LOCKED


# People: removing someone, the room's size ------------------------------------------------------


def _people(workshop: Workshop) -> str:
    return f"/workshops/{workshop.pk}/people/"


def test_a_removed_participant_leaves_the_tallies_and_the_screens(host, workshop):
    ana, prank = _join(workshop, "Ana"), _join(workshop, "Rude word")
    _act(host, workshop, "open")
    _send(ana, workshop, "S1")
    _send(prank, workshop, "S4")
    page = host.get(_people(workshop))
    assert page.status_code == 200 and "Rude word" in _text(page)
    person = workshop.participants.get(display_name="Rude word")
    response = host.post(_people(workshop), {"action": "remove", "participant": person.pk})
    assert response.status_code == 303
    assert "Rude word is out of the room" in _text(host.get(response["Location"]))
    assert not Answer.objects.filter(style="S4").exists()
    assert "<strong>1</strong> of 1 answered" in _text(host.get(_control(workshop)))
    assert "Rude word" not in _text(host.get(_present(workshop)))
    # Their phone finds it is out and is sent to join again.
    assert prank.get(_screen(workshop))["Location"] == "/join/"
    # Removing them twice, or someone from another room, changes nothing.
    again = host.post(_people(workshop), {"action": "remove", "participant": person.pk})
    assert again.status_code == 422 and "no longer in the room" in _text(again)
    assert workshop.participants.count() == 1


def test_a_full_room_tells_the_next_phone(host, workshop):
    _join(workshop, "Ana")
    response = host.post(_people(workshop), {"action": "capacity", "capacity": "2"})
    assert response.status_code == 303
    _join(workshop, "Bruno")
    response = Client().post(f"/join/{workshop.code}/", {"display_name": "Carla"})
    assert response.status_code == 200
    assert "This workshop is full: 2 people have joined" in _text(response)
    assert workshop.participants.count() == 2
    bad = host.post(_people(workshop), {"action": "capacity", "capacity": "0"})
    assert bad.status_code == 422 and "Let at least one person join" in _text(bad)
    assert Workshop.objects.get(pk=workshop.pk).capacity == 2


def test_an_ended_workshop_keeps_its_people(host, workshop):
    _join(workshop, "Ana")
    workshop.end()
    person = workshop.participants.get()
    response = host.post(_people(workshop), {"action": "remove", "participant": person.pk})
    assert response.status_code == 422 and "results stay as they are" in _text(response)
    assert workshop.participants.count() == 1


def test_the_room_address_on_a_phone_carries_no_workshop_number(workshop):
    phone = _join(workshop, "Ana")
    page = phone.get(workshop.room_path)
    assert page.status_code == 200
    assert str(workshop.pk) not in workshop.room_path.replace(workshop.room_key, "")
    # A made-up key is answered as a real one is for a stranger: go and type the code.
    stranger = Client()
    for path in (workshop.room_path, "/room/not-a-real-room-key/"):
        response = stranger.get(path)
        assert response.status_code == 302 and response["Location"] == "/join/"
