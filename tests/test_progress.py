"""/me/: a learner's attempts, figures, charts, exports and "delete my data"."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.test_progress_support import BEST_RUN, POOR_RUN, join, make_cohort, play
from trainer.play.models import Answer, Attempt, Mode
from trainer.play.scoring import Figures
from trainer.progress.models import CohortDayTally, Membership
from trainer.progress.stats import learner_figures

pytestmark = pytest.mark.django_db

ME = "/me/"


def test_me_needs_a_login(client, settings):
    settings.LOGIN_URL = "/accounts/login/"
    response = client.get(ME)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/me/")


def test_empty_progress_page_invites_a_first_scenario(client, trainee, small_scenario):
    client.force_login(trainee)
    response = client.get(ME)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Nothing here yet" in text
    assert "You have finished <strong>0 of 1</strong>" in text


def test_me_shows_attempts_with_resume_and_debrief_links(client, trainee, small_scenario):
    finished = play(trainee, small_scenario, BEST_RUN)
    unfinished = play(trainee, small_scenario, [("R1", "S3")], finish=False)
    client.force_login(trainee)
    text = client.get(ME).content.decode()
    assert f'href="/play/{finished.pk}/debrief/"' in text
    assert f'href="/play/{unfinished.pk}/"' in text
    assert "Resume" in text and "Debrief" in text
    # 2 decisions at +2 each: adaptability +100%, both diagnosed right.
    assert "+100%" in text
    assert "You have finished <strong>1 of 1</strong>" in text


def test_me_speaks_of_one_decision_and_no_finished_attempt_plainly(client, trainee, small_scenario):
    play(trainee, small_scenario, [("R1", "S1")], finish=False)
    client.force_login(trainee)
    text = client.get(ME).content.decode()
    assert "From the one decision you have made so far." in text
    assert "Across all 1 decision" not in text and "Your last 0" not in text
    assert "Finish a scenario to see your adaptability here" in text
    play(trainee, small_scenario, BEST_RUN)
    text = client.get(ME).content.decode()
    assert "Across all 3 decisions you have made" in text and "Your finished attempt." in text


def test_me_shows_only_my_own_records(client, trainee, other_trainee, small_scenario):
    mine = play(trainee, small_scenario, BEST_RUN)
    theirs = play(other_trainee, small_scenario, POOR_RUN)
    client.force_login(trainee)
    text = client.get(ME).content.decode()
    assert str(mine.pk) in text
    assert str(theirs.pk) not in text


def test_figures_mirror_the_attempt_scoring(trainee, small_scenario):
    play(trainee, small_scenario, BEST_RUN)
    play(trainee, small_scenario, POOR_RUN)
    figures, readiness = learner_figures(Answer.objects.filter(attempt__user=trainee))
    # points: +2 +2 (best run); -1 -2 -2 (poor run: S3 and S4 at R1, S1 at R4) = -1 of 10.
    assert figures.answers == 5
    assert figures.points == -1
    assert figures.adaptability == -10
    assert figures.diagnosis_accuracy == 40
    assert (figures.over, figures.under) == (1, 2)
    assert figures.habitual_miss == "under"
    assert figures.style_counts == {"S1": 2, "S2": 0, "S3": 1, "S4": 2}
    assert figures.primary_styles == ("S1", "S4")
    assert figures.style_range == 3
    by_code = {row.code: row for row in readiness}
    assert by_code["R1"].answers == 3  # alarm twice, chaos once
    assert by_code["R1"].high == 2  # judged R2 and R3: more ready than they were
    assert by_code["R4"].accuracy == 50
    assert by_code["R4"].low == 1


def test_figures_of_nothing_have_no_percentages():
    empty = Figures.of({})
    assert empty.adaptability is None
    assert empty.diagnosis_accuracy is None
    assert empty.primary_styles == ()
    assert empty.habitual_miss == ""


def test_progress_page_draws_the_charts_with_tables(client, trainee, small_scenario):
    start = timezone.now() - timedelta(days=10)
    play(trainee, small_scenario, POOR_RUN, at=start)
    play(trainee, small_scenario, BEST_RUN, at=start + timedelta(days=5))
    client.force_login(trainee)
    text = client.get(ME).content.decode()
    assert '<polyline class="trend"' in text
    assert 'class="chart style-chart"' in text
    assert "Adaptability over time as a table" in text
    assert "Style counts as a table" in text
    assert "style=" not in text.replace("style-chart", "").replace("data-style", "")
    assert "<script>" not in text
    # R1 was misjudged twice in three answers, R4 once in two: R1 is the worst.
    assert "<strong>R1</strong> (unable, and unwilling or insecure) is the readiness level" in text


def test_workshop_answers_are_listed_as_sessions(client, trainee, small_scenario):
    play(trainee, small_scenario, BEST_RUN, mode=Mode.WORKSHOP)
    client.force_login(trainee)
    text = client.get(ME).content.decode()
    assert "Workshops you took part in while logged in" in text
    assert "No attempts of your own yet." in text


def test_me_query_count_does_not_grow_with_history(
    client, trainee, small_scenario, django_assert_max_num_queries
):
    play(trainee, small_scenario, BEST_RUN)
    client.force_login(trainee)
    client.get(ME)
    with django_assert_max_num_queries(14) as few:
        client.get(ME)
    for day in range(12):
        play(trainee, small_scenario, POOR_RUN, at=timezone.now() - timedelta(days=day))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(ME)
    assert response.status_code == 200


def test_attempts_are_paginated_and_the_page_is_validated(client, trainee, small_scenario):
    for _ in range(12):
        play(trainee, small_scenario, BEST_RUN)
    client.force_login(trainee)
    assert "Page 1 of 2" in client.get(ME).content.decode()
    assert "Page 2 of 2" in client.get(ME, {"page": 2}).content.decode()
    assert client.get(ME, {"page": "zero"}).status_code == 200
    assert client.get(ME, {"page": "9999"}).status_code == 200


def test_attempts_page_as_an_htmx_fragment(client, trainee, small_scenario):
    for _ in range(12):
        play(trainee, small_scenario, BEST_RUN)
    client.force_login(trainee)
    response = client.get(ME, {"page": 2}, headers={"HX-Request": "true"})
    text = response.content.decode()
    assert response.status_code == 200
    assert text.lstrip().startswith('<section id="attempts"')
    assert "<html" not in text
    assert "HX-Request" in response["Vary"]


def _csv(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_export_my_answers_as_csv(client, trainee, other_trainee, small_scenario):
    attempt = play(trainee, small_scenario, BEST_RUN)
    play(other_trainee, small_scenario, POOR_RUN)
    Answer.objects.filter(attempt=attempt, sequence=1).update(reason="=HYPERLINK(1)")
    client.force_login(trainee)
    response = client.get(reverse("progress:me_csv"))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert len(rows) == 2
    assert {row["username"] for row in rows} == {"ana"}
    assert rows[0]["style"] == "S1" and rows[0]["points"] == "2"
    assert rows[0]["reason"] == "'=HYPERLINK(1)"  # no formula reaches a spreadsheet


def test_export_all_my_data_as_json(client, trainee, facilitator, small_scenario):
    join(make_cohort(facilitator), trainee)
    play(trainee, small_scenario, BEST_RUN)
    play(trainee, small_scenario, [("R1", "S1")], finish=False)
    client.force_login(trainee)
    response = client.get(reverse("progress:me_json"))
    assert response.streaming
    data = json.loads(b"".join(response.streaming_content))
    assert data["user"]["username"] == "ana"
    assert [c["name"] for c in data["cohorts"]] == ["Dili duty officers"]
    assert len(data["attempts"]) == 2
    assert len(data["answers"]) == 3
    assert {a["decisions"] for a in data["attempts"]} == {1, 2}


def test_delete_asks_first_and_only_deletes_on_post(client, trainee, small_scenario):
    play(trainee, small_scenario, BEST_RUN)
    client.force_login(trainee)
    response = client.get(reverse("progress:me_delete"))
    assert response.status_code == 200
    assert "1 attempt and 2 answers" in response.content.decode()
    assert Attempt.objects.filter(user=trainee).count() == 1


def test_delete_without_ticking_the_box_changes_nothing(csrf_client, trainee, small_scenario):
    play(trainee, small_scenario, BEST_RUN)
    csrf_client.force_login(trainee)
    page = csrf_client.get(reverse("progress:me_delete"))
    token = page.cookies["csrftoken"].value
    response = csrf_client.post(reverse("progress:me_delete"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 400
    assert "Tick the box to confirm" in response.content.decode()
    assert Attempt.objects.filter(user=trainee).count() == 1


def test_delete_refuses_a_post_without_csrf(csrf_client, trainee, small_scenario):
    play(trainee, small_scenario, BEST_RUN)
    csrf_client.force_login(trainee)
    response = csrf_client.post(reverse("progress:me_delete"), {"confirm": "on"})
    assert response.status_code == 403
    assert Attempt.objects.filter(user=trainee).count() == 1


def test_delete_my_data(csrf_client, trainee, other_trainee, facilitator, small_scenario):
    cohort = make_cohort(facilitator)
    join(cohort, trainee)
    join(cohort, other_trainee)
    play(trainee, small_scenario, BEST_RUN)
    workshop_attempt = play(trainee, small_scenario, POOR_RUN, mode=Mode.WORKSHOP)
    Answer.objects.filter(attempt=workshop_attempt).update(reason="My own words")
    play(other_trainee, small_scenario, BEST_RUN)
    csrf_client.force_login(trainee)
    page = csrf_client.get(reverse("progress:me_delete"))
    response = csrf_client.post(
        reverse("progress:me_delete"),
        {"confirm": "on", "csrfmiddlewaretoken": page.cookies["csrftoken"].value},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == ME
    assert "Deleted 1 attempt and 2 answers" in response.content.decode()
    assert not Attempt.objects.filter(user=trainee).exists()
    assert not Membership.objects.filter(user=trainee).exists()
    # The workshop answers stay, anonymous and without their free text.
    workshop_attempt.refresh_from_db()
    assert workshop_attempt.user_id is None and workshop_attempt.guest_token == ""
    assert set(
        Answer.objects.filter(attempt=workshop_attempt).values_list("reason", flat=True)
    ) == {""}
    # The cohort now counts only the other learner's two answers.
    assert sum(CohortDayTally.objects.filter(cohort=cohort).values_list("answers", flat=True)) == 2
    assert Attempt.objects.filter(user=other_trainee).count() == 1


def test_deleting_data_anonymises_workshop_participation(
    client, trainee, facilitator, small_scenario
):
    from trainer.workshops.models import Workshop

    workshop = Workshop.create(scenario=small_scenario, facilitator=facilitator)
    participant = workshop.join(display_name="Ana from Dili", user=trainee)
    workshop.open_next()
    point = small_scenario.first_point()
    participant.answer(point=point, option=point.options.get(style="S1"), diagnosis="R1")
    client.force_login(trainee)
    client.post(reverse("progress:me_delete"), {"confirm": "on"})
    participant.refresh_from_db()
    assert participant.user_id is None
    assert participant.display_name == "Anonymous"
    assert workshop.steps.get().option_counts() == {point.options.get(style="S1").pk: 1}


def test_an_ended_workshop_without_answers_does_not_upset_the_page(
    client, trainee, facilitator, small_scenario
):
    from trainer.workshops.models import Workshop

    play(trainee, small_scenario, BEST_RUN)
    workshop = Workshop.create(scenario=small_scenario, facilitator=facilitator)
    workshop.join(display_name="Ana", user=trainee)
    workshop.end()  # finishes Ana's workshop attempt, which has no answers
    client.force_login(trainee)
    response = client.get(ME)
    assert response.status_code == 200
    assert len(response.context["timeline"]) == 1
    assert response.context["scenarios"][0].best_share == 100


def test_delete_is_post_only_for_the_action(client, trainee):
    client.force_login(trainee)
    assert client.put(reverse("progress:me_delete")).status_code == 405
