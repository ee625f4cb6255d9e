"""Golden Hour mode, fair to readers: the situation first, the clock from "Turn to the choices".

The journey through the views both ways: a plain form that redirects (JavaScript off) and
htmx swapping the decision in place. The clock's start is written on the server, once; a
late answer earns a point less than its option, never below -2; the feedback and the
debrief say so.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.test_play_support import answer, answer_data, point, proceed, start, turn
from trainer.play.models import Answer, Attempt
from trainer.play.scoring import LATE_GRACE_SECONDS

HX = {"HX-Request": "true"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def guest() -> Client:
    return Client()


def text(response) -> str:
    return response.content.decode()


def _served(attempt: Attempt):
    attempt.refresh_from_db()
    return attempt.current_served_at


def _run_over(attempt: Attempt, seconds_over: int = 5) -> None:
    """Make the current decision's clock have run past its budget and the grace."""
    budget = Attempt.objects.get(pk=attempt.pk).current_point.time_budget
    gone = budget + LATE_GRACE_SECONDS + seconds_over
    Attempt.objects.filter(pk=attempt.pk).update(
        current_served_at=timezone.now() - timedelta(seconds=gone)
    )


# --- Reading first ------------------------------------------------------------------------


def test_a_timed_decision_shows_the_situation_and_the_budget_before_the_clock(
    guest, small_scenario
):
    attempt = start(guest, small_scenario, mode="timed")
    for _ in range(2):  # a reload while reading starts nothing either
        page = text(guest.get(f"/play/{attempt.pk}/"))
        assert _served(attempt) is None
    assert "Shots were heard near a residence." in page  # the narrative
    assert "The duty officer and the radio room." in page  # who they lead
    assert "They keep asking what to do." in page  # the cues
    assert "countdown is-waiting" in page and "data-countdown " not in page
    assert "1:00" in page and "<strong>1 minute</strong> from the moment you turn" in page
    assert "A late answer earns one point less than its choice, never below\u00a0\u22122." in page
    form = re.search(r'<form class="turn-form".*?</form>', page, re.S).group(0)
    assert f'action="/play/{attempt.pk}/choices/"' in form and 'method="post"' in form
    assert f'hx-post="/play/{attempt.pk}/choices/"' in form
    assert '<input type="hidden" name="point" value="alarm">' in form
    assert "Turn to the choices" in form
    # The choices are not on the page yet.
    assert 'name="diagnosis"' not in page
    assert "Give three short orders" not in page


def test_reflective_mode_shows_the_choices_at_once(guest, small_scenario):
    attempt = start(guest, small_scenario)
    page = text(guest.get(f"/play/{attempt.pk}/"))
    assert 'name="diagnosis"' in page and "Give three short orders" in page
    assert "Turn to the choices" not in page and "countdown" not in page
    assert _served(attempt) is not None


# --- Turning to the choices, without and with JavaScript ---------------------------------


def test_turning_without_javascript_starts_the_clock_once_and_redirects(guest, small_scenario):
    attempt = start(guest, small_scenario, mode="timed")
    response = turn(guest, attempt, "alarm")
    assert response.status_code == 303
    assert response["Location"] == f"/play/{attempt.pk}/#answer-heading"
    started = _served(attempt)
    assert started is not None and timezone.now() - started < timedelta(seconds=5)

    page = text(guest.get(f"/play/{attempt.pk}/"))
    assert 'name="diagnosis"' in page and "Give three short orders" in page
    assert "Shots were heard near a residence." in page  # the situation stays
    assert "data-countdown " in page and "Turn to the choices" not in page
    assert "The clock started when you turned to the choices." in page

    # Twenty seconds later: a reload and a second turn (a double click, another tab) find
    # the clock running from the first start.
    Attempt.objects.filter(pk=attempt.pk).update(
        current_served_at=timezone.now() - timedelta(seconds=20)
    )
    first = _served(attempt)
    page = text(guest.get(f"/play/{attempt.pk}/"))
    assert turn(guest, attempt, "alarm").status_code == 303
    assert turn(guest, attempt, "alarm", headers=HX).status_code == 200
    assert _served(attempt) == first
    left = int(re.search(r'data-seconds-left="(-?\d+)"', page).group(1))
    assert 38 <= left <= 40  # a 60-second budget, 20 s gone


def test_turning_with_htmx_swaps_the_decision_in_with_the_clock(guest, small_scenario):
    attempt = start(guest, small_scenario, mode="timed")
    guest.get(f"/play/{attempt.pk}/")
    response = turn(guest, attempt, "alarm", headers=HX)
    assert response.status_code == 200 and "HX-Request" in response["Vary"]
    fragment = text(response)
    assert fragment.lstrip().startswith('<article class="decision"')
    assert "<html" not in fragment and '<header class="site' not in fragment
    assert 'data-countdown data-seconds-left="' in fragment and 'data-budget="60"' in fragment
    assert 'role="status" data-countdown-announce' in fragment  # the clock's few announcements
    assert 'id="answer-heading" tabindex="-1" autofocus' in fragment  # the focus moves here
    assert 'name="diagnosis"' in fragment and "Give three short orders" in fragment
    assert 'name="csrfmiddlewaretoken"' in fragment  # the answer form still posts without htmx
    assert _served(attempt) is not None
    # A full page load of the same decision does not pull the focus away from the top.
    assert 'id="answer-heading" tabindex' not in text(guest.get(f"/play/{attempt.pk}/"))


def test_a_turn_from_a_stale_page_changes_nothing(guest, small_scenario):
    attempt = start(guest, small_scenario, mode="timed")
    response = turn(guest, attempt, "calm")  # not the decision the attempt is on
    assert response.status_code == 303 and response["Location"] == f"/play/{attempt.pk}/"
    assert _served(attempt) is None
    response = turn(guest, attempt, "calm", headers=HX)
    assert response["HX-Redirect"] == f"/play/{attempt.pk}/"
    assert _served(attempt) is None


def test_turning_is_for_the_owner_and_only_by_post(guest, small_scenario):
    attempt = start(guest, small_scenario, mode="timed")
    assert guest.get(f"/play/{attempt.pk}/choices/").status_code == 405
    assert turn(Client(), attempt, "alarm").status_code == 404
    assert _served(attempt) is None


def test_an_answer_before_turning_is_refused(guest, small_scenario):
    """Nobody dodges the clock by posting an answer without opening the choices."""
    attempt = start(guest, small_scenario, mode="timed")
    data = answer_data(small_scenario, "alarm", "S1", "R1")
    response = guest.post(f"/play/{attempt.pk}/answer/", data, follow=True)
    assert response.redirect_chain[-1][0] == f"/play/{attempt.pk}/"
    assert "Turn to the choices first" in text(response)
    response = guest.post(f"/play/{attempt.pk}/answer/", data, headers=HX)
    assert response["HX-Redirect"] == f"/play/{attempt.pk}/"
    assert not Answer.objects.exists() and _served(attempt) is None


# --- The late rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "option_points", "earned"),
    [("S1", 2, 1), ("S2", 1, 0), ("S3", -1, -2), ("S4", -2, -2)],
)
def test_a_late_answer_earns_a_point_less_never_below_minus_two(
    guest, small_scenario, style, option_points, earned
):
    attempt = start(guest, small_scenario, mode="timed")
    turn(guest, attempt, "alarm")
    _run_over(attempt)
    response = answer(guest, attempt, "alarm", style, "R1")
    assert response.status_code == 303
    recorded = Answer.objects.get()
    assert recorded.late and recorded.points == earned
    assert recorded.option_points == option_points
    assert recorded.best_fit == (option_points == 2)  # the choice, late or not


def test_an_answer_in_time_keeps_its_points(guest, small_scenario):
    attempt = start(guest, small_scenario, mode="timed")
    turn(guest, attempt, "alarm")
    Attempt.objects.filter(pk=attempt.pk).update(
        current_served_at=timezone.now() - timedelta(seconds=60 + LATE_GRACE_SECONDS - 1)
    )
    answer(guest, attempt, "alarm", "S2", "R1")
    recorded = Answer.objects.get()
    assert not recorded.late and recorded.points == 1 and recorded.late_penalty == 0


def test_the_clock_counts_from_the_turn_not_from_the_first_look(guest, small_scenario):
    """Reading the situation for a long while costs nothing: it happens before the clock."""
    attempt = start(guest, small_scenario, mode="timed")
    guest.get(f"/play/{attempt.pk}/")  # read for as long as you like ...
    turn(guest, attempt, "alarm")  # ... then the clock starts
    answer(guest, attempt, "alarm", "S1", "R1")
    recorded = Answer.objects.get()
    assert recorded.response_ms < 5_000 and not recorded.late and recorded.points == 2


# --- What the trainee reads -----------------------------------------------------------------


def test_late_feedback_shows_the_points_own_delay_cost(guest, small_scenario):
    alarm = point(small_scenario, "alarm")
    alarm.delay_cost = "While you weighed it, the radio room repeated the rumour twice."
    alarm.save()
    attempt = start(guest, small_scenario, mode="timed")
    turn(guest, attempt, "alarm")
    _run_over(attempt)
    answer(guest, attempt, "alarm", "S2", "R1")
    page = text(guest.get(f"/play/{attempt.pk}/"))  # the feedback, after the redirect
    assert "Feedback: readiness right, close fit action, late (0 points)" in page
    assert "Late: 7 seconds over the budget" in page
    assert "What the delay cost:</strong> While you weighed it, the radio room" in page
    assert "had no direction for that long" not in page  # the default line gives way
    assert "Your choice is worth +1 point; late, it earns 0 points." in page
    assert "+1 point · Close fit" in page and "\u22121 point for time" in page


def test_a_late_worst_fit_loses_nothing_more_and_says_so(guest, small_scenario):
    attempt = start(guest, small_scenario, mode="timed")
    turn(guest, attempt, "alarm")
    _run_over(attempt)
    fragment = text(
        guest.post(
            f"/play/{attempt.pk}/answer/",
            answer_data(small_scenario, "alarm", "S4", "R1"),
            headers=HX,
        )
    )
    assert "Late:" in fragment and "the lowest score there is" in fragment
    assert "for time</span>" not in fragment
    assert "A team that could not act on its own" in fragment  # the default delay line


def test_the_debrief_shows_time_against_each_budget(guest, small_scenario):
    attempt = start(guest, small_scenario, mode="timed")
    turn(guest, attempt, "alarm")
    _run_over(attempt, seconds_over=10)  # 72 s of a 60 s budget
    answer(guest, attempt, "alarm", "S1", "R1")
    proceed(guest, attempt, "alarm")
    answer(guest, attempt, "calm", "S4", "R4")  # in time
    proceed(guest, attempt, "calm")
    page = text(guest.get(f"/play/{attempt.pk}/debrief/"))
    section = re.search(r'<section class="debrief-time".*?</section>', page, re.S).group(0)
    assert "Against the clock" in section
    assert "Each clock started when you turned to the choices." in section
    rows = re.findall(r"<tr(?: class=\"is-late\")?>.*?</tr>", section, re.S)
    assert len(rows) == 3  # the head and two decisions
    late, in_time = rows[1], rows[2]
    assert 'class="is-late"' in late and "11 Feb 2008, shortly after 06:00" in late
    assert re.search(r">1 minute 1[12] seconds<", late) and ">1 minute<" in late
    assert re.search(r"Late</strong>, 1[12] seconds over", late)
    assert "the choice was worth </span>+2</span>" in late and "late it earned</span> +1" in late
    assert "In time" in in_time and "is-late" not in in_time and "→" not in in_time
    assert '<span class="stat-value">1</span> <span class="stat-of">of 2</span>' in page


def test_a_reflective_debrief_has_no_clock_table(guest, small_scenario):
    attempt = start(guest, small_scenario)
    answer(guest, attempt, "alarm", "S1", "R1")
    proceed(guest, attempt, "alarm")
    answer(guest, attempt, "calm", "S4", "R4")
    proceed(guest, attempt, "calm")
    page = text(guest.get(f"/play/{attempt.pk}/debrief/"))
    assert "Against the clock" not in page and "Late answers" not in page
