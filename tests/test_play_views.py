"""The self-paced journey through its views: start, decide, feedback, continue, debrief.

Each screen is tested both ways: the htmx fragment and the full page without JavaScript.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.test_play_support import (
    answer,
    answer_data,
    option,
    play_small_to_the_end,
    point,
    proceed,
    start,
    turn,
)
from trainer.play.guests import SESSION_KEY
from trainer.play.models import Answer, Attempt, Mode

HX = {"HX-Request": "true"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def guest() -> Client:
    return Client()


@pytest.fixture
def logged_in(trainee) -> Client:
    client = Client()
    client.force_login(trainee)
    return client


def text(response) -> str:
    return response.content.decode()


# --- The overview: Start and Resume ------------------------------------------------------


def test_overview_offers_both_modes_to_a_guest(guest, small_scenario):
    response = guest.get(f"/scenarios/{small_scenario.slug}/")
    assert response.status_code == 200
    page = text(response)
    assert f'action="/scenarios/{small_scenario.slug}/start/"' in page
    assert 'value="reflective"' in page and 'value="timed"' in page
    assert "45 seconds to 1 minute 30 seconds" in page  # the scenario's own time budgets
    assert "the clock starts when you turn to the choices" in page  # told before starting
    assert "A late answer earns one point less than its choice, never below\u00a0\u22122." in page
    assert "playing as a guest" in page
    assert "Resume" not in page
    assert "no-cache" in response["Cache-Control"]


def test_overview_for_a_logged_in_trainee_has_no_guest_note(logged_in, small_scenario):
    page = text(logged_in.get(f"/scenarios/{small_scenario.slug}/"))
    assert "playing as a guest" not in page
    assert "Start the scenario" in page


def test_start_as_a_guest_keeps_the_attempt_in_the_session(guest, small_scenario):
    attempt = start(guest, small_scenario)
    assert attempt.user is None
    assert attempt.guest_token and attempt.guest_token == guest.session[SESSION_KEY]
    assert attempt.mode == Mode.REFLECTIVE
    assert attempt.current_point.key == "alarm"


def test_start_logged_in_belongs_to_the_account(logged_in, trainee, small_scenario):
    attempt = start(logged_in, small_scenario, mode="timed")
    assert attempt.user == trainee and attempt.guest_token == ""
    assert attempt.mode == Mode.TIMED


def test_start_with_htmx_answers_with_a_client_redirect(guest, small_scenario):
    response = guest.post(f"/scenarios/{small_scenario.slug}/start/", {"mode": "timed"}, headers=HX)
    attempt = Attempt.objects.get()
    assert response["HX-Redirect"] == f"/play/{attempt.pk}/"


@pytest.mark.parametrize("mode", ["workshop", "speedrun", ""])
def test_start_refuses_a_made_up_mode(guest, small_scenario, mode):
    response = guest.post(f"/scenarios/{small_scenario.slug}/start/", {"mode": mode})
    assert response.status_code == 422
    assert "Choose" in text(response) and "reflective or Golden Hour" in text(response)
    assert not Attempt.objects.exists()


def test_start_of_an_unknown_or_unpublished_scenario_is_404(guest, small_scenario):
    assert guest.post("/scenarios/nope/start/", {"mode": "timed"}).status_code == 404
    small_scenario.published = False
    small_scenario.save()
    assert guest.post("/scenarios/test-small/start/", {"mode": "timed"}).status_code == 404
    assert guest.get("/scenarios/test-small/start/").status_code == 405


def test_overview_offers_resume_at_the_point_where_the_trainee_stopped(guest, small_scenario):
    attempt = start(guest, small_scenario)
    answer(guest, attempt, "alarm", "S3")
    proceed(guest, attempt, "alarm")
    page = text(guest.get(f"/scenarios/{small_scenario.slug}/"))
    assert "Pick up where you stopped" in page
    assert f'href="/play/{attempt.pk}/"' in page
    assert "Resume at decision 2" in page
    assert "Start again" in page


def test_overview_lists_finished_attempts_with_their_score(guest, small_scenario):
    attempt = start(guest, small_scenario)
    play_small_to_the_end(guest, attempt)
    page = text(guest.get(f"/scenarios/{small_scenario.slug}/"))
    assert f'href="/play/{attempt.pk}/debrief/"' in page
    assert "+4 points, 100% of the maximum" in page
    assert "Pick up where you stopped" not in page


# --- The decision screen ---------------------------------------------------------------


def test_decision_page_shows_the_moment_and_both_steps(guest, small_scenario):
    attempt = start(guest, small_scenario)
    response = guest.get(f"/play/{attempt.pk}/")
    assert response.status_code == 200
    page = text(response)
    alarm = point(small_scenario, "alarm")
    assert alarm.moment in page and alarm.role in page
    assert "Shots were heard near a residence" in page
    assert "The duty officer and the radio room." in page
    for cue in alarm.cues:
        assert cue in page
    for code in ("R1", "R2", "R3", "R4"):
        assert f'name="diagnosis" value="{code}"' in page
    assert "Not yet able to do this task, but willing and keen to try." in page
    for opt in alarm.options.all():
        assert f'name="option" value="{opt.pk}"' in page and opt.text in page
    assert 'name="confidence"' in page and 'name="reason"' in page
    assert '<input type="hidden" name="point" value="alarm">' in page
    assert f'hx-post="/play/{attempt.pk}/answer/"' in page
    assert f'action="/play/{attempt.pk}/answer/"' in page
    assert 'aria-live="polite"' in page
    assert "Decision 1 of up to 3" in page
    assert "data-countdown" not in page  # reflective mode has no clock
    assert "no-store" in response["Cache-Control"]


def test_one_submit_button_for_the_answer(guest, small_scenario):
    attempt = start(guest, small_scenario)
    form = re.search(
        r'<form class="answer-form".*?</form>', text(guest.get(f"/play/{attempt.pk}/")), re.S
    )
    assert form.group(0).count('type="submit"') == 1


def test_a_reflective_decision_starts_its_clock_when_shown(guest, small_scenario):
    attempt = start(guest, small_scenario)
    guest.get(f"/play/{attempt.pk}/")
    attempt.refresh_from_db()
    assert attempt.current_served_at is not None


def test_timed_decision_shows_the_countdown_from_the_server_clock(guest, small_scenario):
    attempt = start(guest, small_scenario, mode="timed")
    turn(guest, attempt, "alarm")
    Attempt.objects.filter(pk=attempt.pk).update(
        current_served_at=timezone.now() - timedelta(seconds=20)
    )
    page = text(guest.get(f"/play/{attempt.pk}/"))
    match = re.search(r'data-seconds-left="(-?\d+)"', page)
    assert match and 38 <= int(match.group(1)) <= 40  # 60-second budget, 20 s gone
    assert 'data-budget="60"' in page
    assert 'role="status"' in page  # where the countdown is announced
    assert "Golden Hour mode" in page
    assert "js/play.js" in page


def test_reload_after_the_budget_shows_the_clock_over_time(guest, small_scenario):
    attempt = start(guest, small_scenario, mode="timed")
    turn(guest, attempt, "alarm")
    Attempt.objects.filter(pk=attempt.pk).update(
        current_served_at=timezone.now() - timedelta(seconds=75)
    )
    page = text(guest.get(f"/play/{attempt.pk}/"))
    assert "is-over" in page and "over the 1 minute budget" in page


def test_a_finished_attempt_redirects_to_its_debrief(guest, small_scenario):
    attempt = start(guest, small_scenario)
    play_small_to_the_end(guest, attempt)
    response = guest.get(f"/play/{attempt.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/play/{attempt.pk}/debrief/"


# --- Answering: page and fragment ------------------------------------------------------


def test_answer_without_javascript_redirects_to_the_feedback(guest, small_scenario):
    attempt = start(guest, small_scenario)
    guest.get(f"/play/{attempt.pk}/")
    response = answer(guest, attempt, "alarm", "S3", "R2", reason="They can talk it through")
    assert response.status_code == 303 and response["Location"] == f"/play/{attempt.pk}/"
    recorded = Answer.objects.get()
    assert (recorded.style, recorded.points, recorded.diagnosis) == ("S3", -1, "R2")
    assert recorded.reason == "They can talk it through"
    page = text(guest.get(f"/play/{attempt.pk}/"))
    assert 'id="feedback-heading"' in page and "autofocus" in page
    assert 'name="diagnosis"' not in page  # the form is gone, the feedback stands
    assert '<input type="hidden" name="point" value="alarm">' in page  # in the Continue form
    assert f'action="/play/{attempt.pk}/continue/"' in page


def test_answer_with_htmx_returns_the_feedback_fragment(guest, small_scenario):
    attempt = start(guest, small_scenario, mode="timed")
    turn(guest, attempt, "alarm")
    data = answer_data(small_scenario, "alarm", "S1", "R1", reason="Frightened and new")
    response = guest.post(f"/play/{attempt.pk}/answer/", data, headers=HX)
    assert response.status_code == 200
    fragment = text(response)
    assert "<html" not in fragment and "<header" not in fragment
    assert fragment.lstrip().startswith('<section class="feedback"')
    assert 'id="feedback-heading" tabindex="-1" autofocus' in fragment
    assert "HX-Request" in response["Vary"]
    trigger = response["HX-Trigger"]
    assert "answerRecorded" in trigger and '"late": false' in trigger and '"points": 2' in trigger
    assert "Frightened and new" in fragment
    assert Answer.objects.count() == 1


def test_feedback_explains_a_wrong_diagnosis_and_a_poor_action(guest, small_scenario):
    attempt = start(guest, small_scenario)
    response = guest.post(
        f"/play/{attempt.pk}/answer/",
        answer_data(small_scenario, "alarm", "S3", "R3"),
        headers=HX,
    )
    fragment = text(response)
    assert "You judged R3; it was R1 (2 levels off)" in fragment
    assert "What the cues said:" in fragment
    assert "New to this task and frightened, so they need clear instructions." in fragment
    assert "Your action: S3 Supporting" in fragment
    assert "\u22121 point · Poor fit" in fragment
    assert "Supporting leaves a frightened team without direction." in fragment
    assert "less directive than the moment called for (under-directing)" in fragment
    assert "The best fit: S1 Directing" in fragment
    assert "Give three short orders and ask for a report in ten minutes." in fragment
    assert "What actually happened" in fragment and "badge-fact" in fragment
    assert "UN Police went on high alert within the hour." in fragment
    assert "UNMIT press release, 11 February 2008" in fragment  # a source, readable
    assert 'href="http://cjitl01.blogspot.com/2008_02_10_archive.html"' in fragment
    assert "Continue to the next decision" in fragment


def test_feedback_for_a_right_diagnosis_and_the_best_fit(guest, small_scenario):
    attempt = start(guest, small_scenario)
    fragment = text(
        guest.post(
            f"/play/{attempt.pk}/answer/",
            answer_data(small_scenario, "alarm", "S1", "R1"),
            headers=HX,
        )
    )
    assert "Feedback: readiness right, best fit action (+2 points)" in fragment
    assert "You read the readiness right: R1" in fragment
    assert "The best fit:" not in fragment  # it was their own choice


def test_what_is_invented_in_a_scene_is_shown_apart_from_what_happened(guest, small_scenario):
    attempt = start(guest, small_scenario)
    fragment = text(
        guest.post(
            f"/play/{attempt.pk}/answer/",
            answer_data(small_scenario, "alarm", "S1", "R1"),
            headers=HX,
        )
    )
    happened, _, rest = fragment.partition('class="scene-note"')
    assert "UN Police went on high alert within the hour." in happened
    assert "invented" not in happened.rpartition("What actually happened")[2]
    assert "Training fiction</span> The radio room&#x27;s words in this point are invented." in rest
    # A point that is training fiction as a whole needs no note, and shows none.
    other = start(guest, small_scenario)
    guest.post(f"/play/{other.pk}/answer/", answer_data(small_scenario, "alarm", "S3", "R1"))
    proceed(guest, other, "alarm")
    fragment = text(
        guest.post(
            f"/play/{other.pk}/answer/",
            answer_data(small_scenario, "chaos", "S1", "R1"),
            headers=HX,
        )
    )
    assert "What actually happened" in fragment
    assert "scene-note" not in fragment


def test_the_last_decision_continues_to_the_debrief(guest, small_scenario):
    attempt = start(guest, small_scenario)
    answer(guest, attempt, "alarm", "S1")
    proceed(guest, attempt, "alarm")
    fragment = text(
        guest.post(
            f"/play/{attempt.pk}/answer/",
            answer_data(small_scenario, "calm", "S4", "R4"),
            headers=HX,
        )
    )
    assert "See your debrief" in fragment


def test_a_late_answer_costs_a_point_and_says_what_the_delay_cost(guest, small_scenario):
    attempt = start(guest, small_scenario, mode="timed")
    turn(guest, attempt, "alarm")
    Attempt.objects.filter(pk=attempt.pk).update(
        current_served_at=timezone.now() - timedelta(seconds=95)
    )
    response = guest.post(
        f"/play/{attempt.pk}/answer/", answer_data(small_scenario, "alarm", "S1", "R1"), headers=HX
    )
    recorded = Answer.objects.get()
    assert recorded.late and recorded.points == 1 and recorded.response_ms >= 95_000
    fragment = text(response)
    assert "Feedback: readiness right, best fit action, late (+1 point)" in fragment
    assert "Late: 35 seconds over the budget" in fragment
    # The point has no delay_cost line of its own: the default one for its readiness.
    assert "A team that could not act on its own had no direction for that long." in fragment
    assert "Your choice is worth +2 points; late, it earns +1 point." in fragment
    assert "\u22121 point for time" in fragment
    assert '"late": true' in response["HX-Trigger"] and '"points": 1' in response["HX-Trigger"]


def test_an_answer_in_time_is_not_late(guest, small_scenario):
    attempt = start(guest, small_scenario, mode="timed")
    turn(guest, attempt, "alarm")
    fragment = text(
        guest.post(
            f"/play/{attempt.pk}/answer/", answer_data(small_scenario, "alarm", "S1"), headers=HX
        )
    )
    assert not Answer.objects.get().late
    assert "In time" in fragment


def test_reflective_mode_is_never_late(guest, small_scenario):
    attempt = start(guest, small_scenario)
    guest.get(f"/play/{attempt.pk}/")
    Attempt.objects.filter(pk=attempt.pk).update(
        current_served_at=timezone.now() - timedelta(hours=5)
    )
    fragment = text(
        guest.post(
            f"/play/{attempt.pk}/answer/", answer_data(small_scenario, "alarm", "S1"), headers=HX
        )
    )
    assert not Answer.objects.get().late
    assert "In time" not in fragment and "Late" not in fragment


# --- Continue -------------------------------------------------------------------------


def test_continue_follows_the_branch_of_the_choice(guest, small_scenario):
    attempt = start(guest, small_scenario)
    answer(guest, attempt, "alarm", "S3")  # supporting leads to chaos
    response = proceed(guest, attempt, "alarm")
    assert response.status_code == 303 and response["Location"] == f"/play/{attempt.pk}/"
    attempt.refresh_from_db()
    assert attempt.current_point.key == "chaos" and attempt.decision_number == 2

    other = start(guest, small_scenario)
    answer(guest, other, "alarm", "S1")  # directing goes straight to calm
    proceed(guest, other, "alarm")
    other.refresh_from_db()
    assert other.current_point.key == "calm"


def test_continue_with_htmx_redirects_the_browser(guest, small_scenario):
    attempt = start(guest, small_scenario)
    answer(guest, attempt, "alarm", "S1")
    response = guest.post(f"/play/{attempt.pk}/continue/", {"point": "alarm"}, headers=HX)
    assert response["HX-Redirect"] == f"/play/{attempt.pk}/"


def test_a_double_continue_cannot_skip_a_decision(guest, small_scenario):
    attempt = start(guest, small_scenario)
    answer(guest, attempt, "alarm", "S3")
    proceed(guest, attempt, "alarm")
    proceed(guest, attempt, "alarm")  # the second click of a double click
    attempt.refresh_from_db()
    assert attempt.current_point.key == "chaos" and attempt.points_done == 1


def test_continue_before_answering_stays_put_and_says_so(guest, small_scenario):
    attempt = start(guest, small_scenario)
    response = guest.post(f"/play/{attempt.pk}/continue/", {"point": "alarm"}, follow=True)
    attempt.refresh_from_db()
    assert attempt.current_point.key == "alarm"
    assert "Answer this decision before you continue." in text(response)


def test_continue_without_a_point_changes_nothing(guest, small_scenario):
    attempt = start(guest, small_scenario)
    answer(guest, attempt, "alarm", "S1")
    guest.post(f"/play/{attempt.pk}/continue/", {})
    guest.post(f"/play/{attempt.pk}/continue/", {"point": "../../etc"})
    attempt.refresh_from_db()
    assert attempt.current_point.key == "alarm"


def test_refresh_and_back_never_record_twice_or_skip(guest, small_scenario):
    attempt = start(guest, small_scenario)
    answer(guest, attempt, "alarm", "S1")
    for _ in range(3):  # reloads of the feedback page
        assert guest.get(f"/play/{attempt.pk}/").status_code == 200
    attempt.refresh_from_db()
    assert attempt.current_point.key == "alarm" and Answer.objects.count() == 1


# --- Bad input: a clear message, nothing written ----------------------------------------


def _errors_and_nothing_written(response, message: str) -> None:
    assert response.status_code == 422
    assert message in text(response)
    assert "Your answer was not recorded yet." in text(response)
    assert not Answer.objects.exists()


def test_an_option_from_another_decision_is_refused(guest, small_scenario):
    attempt = start(guest, small_scenario)
    data = answer_data(small_scenario, "alarm", "S1")
    data["option"] = str(option(small_scenario, "calm", "S4").pk)
    response = guest.post(f"/play/{attempt.pk}/answer/", data)
    _errors_and_nothing_written(response, "That action does not belong to this decision.")


@pytest.mark.parametrize("value", ["S1", "abc", "999999", "1 OR 1=1", "-1"])
def test_a_tampered_option_is_refused(guest, small_scenario, value):
    attempt = start(guest, small_scenario)
    data = answer_data(small_scenario, "alarm", "S1")
    data["option"] = value
    response = guest.post(f"/play/{attempt.pk}/answer/", data)
    _errors_and_nothing_written(response, "That action does not belong to this decision.")


@pytest.mark.parametrize("value", ["R5", "S1", "r1", "R1; DROP"])
def test_a_tampered_readiness_is_refused(guest, small_scenario, value):
    attempt = start(guest, small_scenario)
    response = guest.post(
        f"/play/{attempt.pk}/answer/", answer_data(small_scenario, "alarm", "S1", value)
    )
    _errors_and_nothing_written(response, "Readiness is one of R1, R2, R3 or R4.")


def test_a_missing_diagnosis_is_refused(guest, small_scenario):
    attempt = start(guest, small_scenario)
    data = answer_data(small_scenario, "alarm", "S1")
    del data["diagnosis"]
    response = guest.post(f"/play/{attempt.pk}/answer/", data)
    _errors_and_nothing_written(response, "Choose how ready the followers are (step 1).")
    # The choice made in step 2 is kept for the second try.
    assert f'value="{data["option"]}" required checked' in text(response)


def test_a_missing_action_is_refused(guest, small_scenario):
    attempt = start(guest, small_scenario)
    response = guest.post(f"/play/{attempt.pk}/answer/", {"point": "alarm", "diagnosis": "R1"})
    _errors_and_nothing_written(response, "Choose what you do (step 2).")


def test_an_invalid_answer_with_htmx_returns_the_form_fragment(guest, small_scenario):
    attempt = start(guest, small_scenario)
    response = guest.post(
        f"/play/{attempt.pk}/answer/", {"point": "alarm", "diagnosis": "R1"}, headers=HX
    )
    assert response.status_code == 422
    fragment = text(response)
    assert fragment.lstrip().startswith('<form class="answer-form"')
    assert 'role="alert" tabindex="-1" autofocus' in fragment
    assert "Choose what you do (step 2)." in fragment
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("confidence", "9", "Confidence goes from 1 to 5."),
        ("confidence", "high", "Confidence goes from 1 to 5."),
        ("reason", "x" * 281, "Keep the reason to 280 characters or fewer"),
    ],
)
def test_optional_fields_are_checked_too(guest, small_scenario, field, value, message):
    attempt = start(guest, small_scenario)
    data = answer_data(small_scenario, "alarm", "S1", **{field: value})
    _errors_and_nothing_written(guest.post(f"/play/{attempt.pk}/answer/", data), message)


def test_an_answer_to_a_point_off_the_current_path_is_refused(guest, small_scenario):
    attempt = start(guest, small_scenario)
    response = answer(guest, attempt, "calm", "S4", "R4")
    assert response.status_code == 303 and response["Location"] == f"/play/{attempt.pk}/"
    assert not Answer.objects.exists()
    page = text(guest.get(response["Location"]))
    assert "That decision is not the one you are on now" in page
    assert '<input type="hidden" name="point" value="alarm">' in page


def test_an_off_path_answer_with_htmx_reloads_the_right_decision(guest, small_scenario):
    attempt = start(guest, small_scenario)
    response = guest.post(
        f"/play/{attempt.pk}/answer/", answer_data(small_scenario, "chaos", "S1"), headers=HX
    )
    assert response["HX-Redirect"] == f"/play/{attempt.pk}/"
    assert not Answer.objects.exists()


@pytest.mark.parametrize("key", ["", "no-such-point", "ALARM", "../alarm"])
def test_an_unknown_point_is_refused(guest, small_scenario, key):
    attempt = start(guest, small_scenario)
    data = answer_data(small_scenario, "alarm", "S1")
    data["point"] = key
    response = guest.post(f"/play/{attempt.pk}/answer/", data, follow=True)
    assert "That decision is not the one you are on now" in text(response)
    assert not Answer.objects.exists()


def test_a_second_answer_leaves_the_first_and_shows_it(guest, small_scenario):
    attempt = start(guest, small_scenario)
    answer(guest, attempt, "alarm", "S1", "R1", reason="first")
    response = answer(guest, attempt, "alarm", "S4", "R4", reason="second")
    assert response.status_code == 409
    page = text(response)
    assert "You had already answered this decision. Your first answer stands" in page
    assert "Your action: S1 Directing" in page and "first" in page
    recorded = Answer.objects.get()
    assert (recorded.style, recorded.diagnosis, recorded.reason) == ("S1", "R1", "first")


def test_a_second_answer_with_htmx_swaps_in_the_first(guest, small_scenario):
    attempt = start(guest, small_scenario)
    answer(guest, attempt, "alarm", "S1", "R1")
    response = guest.post(
        f"/play/{attempt.pk}/answer/", answer_data(small_scenario, "alarm", "S4", "R4"), headers=HX
    )
    assert response.status_code == 200
    assert "Your first answer stands" in text(response)
    assert "Your action: S1 Directing" in text(response)
    assert Answer.objects.get().style == "S1"


def test_answering_an_earlier_decision_again_shows_the_first_answer(guest, small_scenario):
    attempt = start(guest, small_scenario)
    answer(guest, attempt, "alarm", "S1")
    proceed(guest, attempt, "alarm")
    response = answer(guest, attempt, "alarm", "S2")  # a page left open in another tab
    assert response.status_code == 409
    page = text(response)
    assert "Your first answer stands" in page and "Your action: S1 Directing" in page
    assert "Go to the decision you are on" in page  # no Continue from the old decision
    attempt.refresh_from_db()
    assert attempt.current_point.key == "calm" and Answer.objects.count() == 1


def test_an_answer_to_a_finished_attempt_is_refused(guest, small_scenario):
    attempt = start(guest, small_scenario)
    play_small_to_the_end(guest, attempt)
    response = answer(guest, attempt, "chaos", "S1")  # never reached on this path
    assert response.status_code == 303 and response["Location"] == f"/play/{attempt.pk}/debrief/"
    page = text(guest.get(response["Location"]))
    assert "This attempt is finished, so it takes no more answers." in page
    assert Answer.objects.count() == 2


def test_someone_elses_attempt_is_not_found(small_scenario, trainee, other_trainee):
    owner = Client()
    owner.force_login(trainee)
    attempt = start(owner, small_scenario)
    answer(owner, attempt, "alarm", "S1")
    intruders = [Client(), Client()]
    intruders[1].force_login(other_trainee)
    for intruder in intruders:
        for url in ("", "debrief/", "debrief/print/"):
            assert intruder.get(f"/play/{attempt.pk}/{url}").status_code == 404
        data = answer_data(small_scenario, "alarm", "S4")
        assert intruder.post(f"/play/{attempt.pk}/answer/", data).status_code == 404
        assert intruder.post(f"/play/{attempt.pk}/continue/", {"point": "alarm"}).status_code == 404
    attempt.refresh_from_db()
    assert attempt.current_point.key == "alarm" and Answer.objects.get().style == "S1"


def test_another_guests_attempt_is_not_found(small_scenario):
    first, second = Client(), Client()
    attempt = start(first, small_scenario)
    start(second, small_scenario)
    assert second.get(f"/play/{attempt.pk}/").status_code == 404


def test_made_up_attempt_ids_are_not_found(guest, small_scenario):
    start(guest, small_scenario)
    assert guest.get("/play/00000000-0000-4000-8000-000000000000/").status_code == 404
    assert guest.get("/play/1/").status_code == 404


def test_a_workshop_attempt_is_not_played_here(guest, small_scenario):
    attempt = start(guest, small_scenario)
    Attempt.objects.filter(pk=attempt.pk).update(mode=Mode.WORKSHOP)
    assert guest.get(f"/play/{attempt.pk}/").status_code == 404


def test_posts_without_a_csrf_token_are_forbidden(csrf_client, small_scenario):
    response = csrf_client.post(f"/scenarios/{small_scenario.slug}/start/", {"mode": "timed"})
    assert response.status_code == 403 and not Attempt.objects.exists()
    csrf_client.get(f"/scenarios/{small_scenario.slug}/")  # sets the CSRF cookie
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(
        f"/scenarios/{small_scenario.slug}/start/", {"mode": "timed", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 303
    attempt = Attempt.objects.get()
    choices = f"/play/{attempt.pk}/choices/"
    assert csrf_client.post(choices, {"point": "alarm"}).status_code == 403
    attempt.refresh_from_db()
    assert attempt.current_served_at is None  # the clock did not start
    turned = {"point": "alarm", "csrfmiddlewaretoken": token}
    assert csrf_client.post(choices, turned).status_code == 303
    data = answer_data(small_scenario, "alarm", "S1")
    assert csrf_client.post(f"/play/{attempt.pk}/answer/", data).status_code == 403
    assert not Answer.objects.exists()
    # The header htmx sends (from <body hx-headers>) is accepted in place of the field.
    response = csrf_client.post(
        f"/play/{attempt.pk}/answer/", data, headers={**HX, "X-CSRFToken": token}
    )
    assert response.status_code == 200 and Answer.objects.count() == 1
    assert csrf_client.post(f"/play/{attempt.pk}/continue/", {"point": "alarm"}).status_code == 403
    attempt.refresh_from_db()
    assert attempt.current_point.key == "alarm"


def test_play_views_refuse_other_methods(guest, small_scenario):
    attempt = start(guest, small_scenario)
    assert guest.get(f"/play/{attempt.pk}/answer/").status_code == 405
    assert guest.get(f"/play/{attempt.pk}/continue/").status_code == 405
    assert guest.post(f"/play/{attempt.pk}/").status_code == 405


# --- Resume on another device -----------------------------------------------------------


def test_a_logged_in_trainee_resumes_on_another_device(trainee, small_scenario):
    laptop = Client()
    laptop.post("/accounts/login/", {"username": "ana", "password": PASSWORD})
    attempt = start(laptop, small_scenario)
    answer(laptop, attempt, "alarm", "S3")
    proceed(laptop, attempt, "alarm")

    phone = Client()
    phone.post("/accounts/login/", {"username": "ana", "password": PASSWORD})
    page = text(phone.get(f"/scenarios/{small_scenario.slug}/"))
    assert "Resume at decision 2" in page
    page = text(phone.get(f"/play/{attempt.pk}/"))
    assert '<input type="hidden" name="point" value="chaos">' in page


def test_a_decision_answered_but_not_continued_resumes_on_its_feedback(guest, small_scenario):
    attempt = start(guest, small_scenario)
    answer(guest, attempt, "alarm", "S4", "R4")
    page = text(guest.get(f"/play/{attempt.pk}/"))
    assert "Your action: S4 Delegating" in page and "Continue to the next decision" in page


# --- The debrief ------------------------------------------------------------------------


def test_the_debrief_waits_for_the_end(guest, small_scenario):
    attempt = start(guest, small_scenario)
    response = guest.get(f"/play/{attempt.pk}/debrief/", follow=True)
    assert response.redirect_chain[-1][0] == f"/play/{attempt.pk}/"
    assert "The debrief opens once you reach the end of the scenario." in text(response)


def test_the_debrief_shows_scores_profile_arc_review_and_prompt(guest, small_scenario):
    attempt = start(guest, small_scenario, mode="timed")
    answer(guest, attempt, "alarm", "S3", "R2", reason="Let them lead")
    proceed(guest, attempt, "alarm")
    answer(guest, attempt, "chaos", "S1", "R1", confidence="5")
    proceed(guest, attempt, "chaos")
    answer(guest, attempt, "calm", "S2", "R4")
    proceed(guest, attempt, "calm")
    response = guest.get(f"/play/{attempt.pk}/debrief/")
    assert response.status_code == 200
    page = text(response)
    # adaptability: -1 + 2 - 1 = 0 of 6
    assert "Adaptability" in page and '>0</span> <span class="stat-of">of +6 points' in page
    assert "0% of the maximum" in page and "best fit 1 of 3" in page
    # diagnosis: R2 for R1 (off by one), right, R4 for R4 (right)
    assert '<span class="stat-value">2</span> <span class="stat-of">of 3</span>' in page
    assert "1 one level off · 0 further off" in page
    # misses: S3 under R1 (under), S2 under R4 (over)
    assert "1 over-directing · 1 under-directing" in page
    assert "split evenly" in page
    # profile: one each of S1, S2, S3 -> all primary, range 3
    assert "Range: <strong>3 of 4</strong>" in page
    # the arc: an SVG with a text alternative, and the table
    assert 'role="img" aria-labelledby="arc-svg-title arc-svg-desc"' in page
    assert "matched the best fit at 1 of 3 decisions" in page
    assert "The style arc as a table" in page
    assert "3 steps less directive" not in page and "2 steps less directive" in page
    # the review, with the trainee's reason beside the feedback
    assert "Let them lead" in page and "5 of 5" in page
    assert page.count('class="review-item"') == 3
    # the scenario's prompt, replay and the printable view
    assert "Which routine mechanism helped, and when did you hand control back?" in page
    assert page.count(f'action="/scenarios/{small_scenario.slug}/start/"') == 2
    assert 'name="mode" value="timed"' in page and 'name="mode" value="reflective"' in page
    assert f'href="/play/{attempt.pk}/debrief/print/"' in page
    assert "Late answers" in page


def test_replay_starts_a_new_attempt(guest, small_scenario):
    attempt = start(guest, small_scenario)
    play_small_to_the_end(guest, attempt)
    response = guest.post(f"/scenarios/{small_scenario.slug}/start/", {"mode": "reflective"})
    assert response.status_code == 303
    assert Attempt.objects.count() == 2
    assert Attempt.objects.exclude(pk=attempt.pk).get().current_point.key == "alarm"


def test_the_printable_debrief(guest, small_scenario):
    attempt = start(guest, small_scenario)
    play_small_to_the_end(guest, attempt)
    response = guest.get(f"/play/{attempt.pk}/debrief/print/")
    assert response.status_code == 200
    page = text(response)
    assert "print-view" in page and "Back to the debrief" in page
    assert "Decision by decision" in page and "Replay this scenario" not in page
    assert "They are frightened and new to this" in page


def test_the_printable_debrief_waits_for_the_end(guest, small_scenario):
    attempt = start(guest, small_scenario)
    response = guest.get(f"/play/{attempt.pk}/debrief/print/")
    assert response.status_code == 302


# --- Query counts ------------------------------------------------------------------------
# These run outside the usual test transaction (transaction=True), so they count what a
# production request runs: inside a test transaction every write gains SAVEPOINT and RELEASE
# statements that a real request does not make.


def _count_answer(client: Client, attempt: Attempt, key: str, style: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    data = answer_data(attempt.scenario, key, style)
    with CaptureQueriesContext(connection) as context:
        response = client.post(f"/play/{attempt.pk}/answer/", data, headers=HX)
    assert response.status_code == 200 and "feedback-heading" in text(response)
    return len(context)


@pytest.mark.django_db(transaction=True)
def test_answer_and_feedback_take_at_most_8_queries(
    small_scenario, trainee, django_assert_max_num_queries
):
    for logged_in_client in (False, True):
        client = Client()
        if logged_in_client:
            client.force_login(trainee)
        attempt = start(client, small_scenario, mode="timed")
        turn(client, attempt, "alarm")
        data = answer_data(small_scenario, "alarm", "S1")
        with django_assert_max_num_queries(8):
            response = client.post(f"/play/{attempt.pk}/answer/", data, headers=HX)
        assert "feedback-heading" in text(response) and Answer.objects.filter(attempt=attempt)
        # A second answer is refused with the first shown again, in a bounded number too.
        data = answer_data(small_scenario, "alarm", "S2")
        with django_assert_max_num_queries(8):
            response = client.post(f"/play/{attempt.pk}/answer/", data, headers=HX)
        assert "Your first answer stands" in text(response)


@pytest.mark.django_db(transaction=True)
def test_answer_queries_do_not_grow_with_scenario_or_history(
    tmp_path, small_scenario, trainee, other_trainee
):
    from tests.test_play_support import write_long_scenario

    member = Client()
    member.force_login(trainee)
    attempt = start(member, small_scenario, mode="timed")
    turn(member, attempt, "alarm")
    small = _count_answer(member, attempt, "alarm", "S1")

    # A long scenario, played far along, and a database full of other people's attempts.
    long = write_long_scenario(tmp_path, 40)
    other = Client()
    other.force_login(other_trainee)
    for _ in range(30):
        busy = start(other, long)
        answer(other, busy, "point-1", "S2", "R2")
    attempt = start(member, long, mode="timed")
    for n in range(1, 31):
        answer(member, attempt, f"point-{n}", "S3", "R3")
        proceed(member, attempt, f"point-{n}")
    turn(member, attempt, "point-31")
    deep = _count_answer(member, attempt, "point-31", "S1")
    assert Answer.objects.filter(attempt=attempt).count() == 31
    assert deep == small <= 8


def test_the_decision_page_and_debrief_take_a_fixed_number_of_queries(
    tmp_path, trainee, django_assert_max_num_queries
):
    from tests.test_play_support import write_long_scenario

    member = Client()
    member.force_login(trainee)
    long = write_long_scenario(tmp_path, 12)
    attempt = start(member, long)
    for n in range(1, 13):
        with django_assert_max_num_queries(12):
            member.get(f"/play/{attempt.pk}/")
        answer(member, attempt, f"point-{n}", "S1", "R1", reason=f"reason {n}")
        proceed(member, attempt, f"point-{n}")
    with django_assert_max_num_queries(6):
        response = member.get(f"/play/{attempt.pk}/debrief/")
    assert text(response).count('class="review-item"') == 12
    with django_assert_max_num_queries(8):
        member.get(f"/scenarios/{long.slug}/")


def test_the_same_answer_sent_twice_is_not_a_conflict(guest, small_scenario):
    """A double click on Submit without JavaScript: the second copy lands on the feedback."""
    attempt = start(guest, small_scenario)
    first = answer(guest, attempt, "alarm", "S1", "R1")
    second = answer(guest, attempt, "alarm", "S1", "R1")
    assert first.status_code == second.status_code == 303
    assert Answer.objects.count() == 1
    page = text(guest.get(second["Location"]))
    assert "Your first answer stands" not in page and "Your action: S1 Directing" in page


def test_edited_content_shows_at_once_in_the_feedback(guest, small_scenario):
    """The feedback's content-only parts are rendered once per process, keyed by the content."""
    first = start(guest, small_scenario)
    before = text(
        guest.post(
            f"/play/{first.pk}/answer/", answer_data(small_scenario, "alarm", "S3"), headers=HX
        )
    )
    assert "Supporting leaves a frightened team without direction." in before
    chosen = option(small_scenario, "alarm", "S3")
    chosen.feedback = "Edited in the admin: supporting is too little, too late."
    chosen.save()
    alarm = point(small_scenario, "alarm")
    alarm.happened = "An edited account of the morning."
    alarm.save()
    second = start(guest, small_scenario)
    after = text(
        guest.post(
            f"/play/{second.pk}/answer/", answer_data(small_scenario, "alarm", "S3"), headers=HX
        )
    )
    assert "Edited in the admin: supporting is too little, too late." in after
    assert "An edited account of the morning." in after
    assert "Supporting leaves a frightened team" not in after
