"""Cohorts: creating, inviting, joining, the dashboard, a member's page, workshops, exports."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.test_play_support import answer, start
from tests.test_progress_support import BEST_RUN, POOR_RUN, join, make_cohort, play
from trainer.play.models import Answer, Mode
from trainer.play.scoring import TALLIED, Figures, counted
from trainer.progress import tallies
from trainer.progress.models import INVITE_SALT, Cohort, CohortDayTally, CohortWorkshop, Membership
from trainer.workshops.models import Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(facilitator) -> Cohort:
    return make_cohort(facilitator)


def dashboard(cohort: Cohort) -> str:
    return reverse("progress:cohort", args=[cohort.pk])


def _token(client, url: str) -> str:
    return client.get(url).cookies["csrftoken"].value


# Creating and listing -----------------------------------------------------------------


def test_a_facilitator_creates_a_cohort(csrf_client, facilitator):
    csrf_client.force_login(facilitator)
    token = _token(csrf_client, "/cohorts/")
    response = csrf_client.post(
        "/cohorts/",
        {"name": "  Liquiçá sub-office  ", "description": "", "csrfmiddlewaretoken": token},
    )
    cohort = Cohort.objects.get()
    assert response.status_code == 302
    assert response["Location"] == dashboard(cohort)
    assert cohort.name == "Liquiçá sub-office"
    assert list(cohort.facilitators.all()) == [facilitator]


def test_a_cohort_needs_a_name(client, facilitator):
    client.force_login(facilitator)
    response = client.post("/cohorts/", {"name": "   "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode() or "Give the cohort a name" in (
        response.content.decode()
    )
    assert not Cohort.objects.exists()


def test_the_list_shows_only_cohorts_i_lead(client, facilitator, other_facilitator):
    make_cohort(facilitator, "Mine")
    make_cohort(other_facilitator, "Someone else's")
    client.force_login(facilitator)
    text = client.get("/cohorts/").content.decode()
    assert "Mine" in text
    assert "Someone else" not in text


def test_learners_have_no_cohorts_page(client, trainee):
    client.force_login(trainee)
    assert client.get("/cohorts/").status_code == 404
    assert client.post("/cohorts/", {"name": "Sneaky"}).status_code == 404


# Who may see a cohort -----------------------------------------------------------------


def test_only_its_facilitators_and_staff_see_a_cohort(
    client, cohort, trainee, other_facilitator, staff, facilitator
):
    join(cohort, trainee)
    urls = [
        dashboard(cohort),
        reverse("progress:cohort_member", args=[cohort.pk, trainee.pk]),
        reverse("progress:cohort_csv", args=[cohort.pk]),
        reverse("progress:cohort_xapi", args=[cohort.pk]),
    ]
    for user, expected in (
        (trainee, 404),
        (other_facilitator, 404),
        (staff, 200),
        (facilitator, 200),
    ):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == expected, (user, url)
    client.force_login(other_facilitator)
    for name in ("cohort_invite", "cohort_facilitator", "cohort_workshop"):
        assert client.post(reverse(f"progress:{name}", args=[cohort.pk])).status_code == 404
    assert (
        client.post(
            reverse("progress:cohort_member_remove", args=[cohort.pk, trainee.pk])
        ).status_code
        == 404
    )
    assert Membership.objects.filter(cohort=cohort).count() == 1


def test_a_member_page_for_someone_outside_the_cohort_is_404(client, cohort, facilitator, trainee):
    client.force_login(facilitator)
    url = reverse("progress:cohort_member", args=[cohort.pk, trainee.pk])
    assert client.get(url).status_code == 404


# Invitations --------------------------------------------------------------------------


def test_a_logged_in_learner_joins_through_the_link(csrf_client, cohort, trainee, small_scenario):
    play(trainee, small_scenario, BEST_RUN)  # played before joining: counts too
    path = cohort.invite_path()
    csrf_client.force_login(trainee)
    page = csrf_client.get(path)
    assert page.status_code == 200
    assert "Join the cohort" in page.content.decode()
    assert not Membership.objects.exists()
    response = csrf_client.post(path, {"csrfmiddlewaretoken": page.cookies["csrftoken"].value})
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    assert Membership.objects.filter(cohort=cohort, user=trainee).exists()
    assert sum(CohortDayTally.objects.values_list("answers", flat=True)) == 2
    # Opening it again says so, and a second POST changes nothing.
    again = csrf_client.get(path)
    assert "You are in" in again.content.decode()
    csrf_client.post(path, {"csrfmiddlewaretoken": again.cookies["csrftoken"].value})
    assert Membership.objects.count() == 1
    assert sum(CohortDayTally.objects.values_list("answers", flat=True)) == 2


def test_an_anonymous_visitor_is_asked_to_log_in(client, cohort):
    path = cohort.invite_path()  # once: the token's timestamp moves with the clock's second
    response = client.get(path)
    text = response.content.decode()
    assert response.status_code == 200
    assert f"/accounts/login/?next={path}".replace(":", "%3A") in text
    assert client.post(path).status_code == 200
    assert not Membership.objects.exists()


def test_an_expired_invitation_is_refused_clearly(client, cohort, trainee, settings):
    path = cohort.invite_path()
    client.force_login(trainee)
    later = timezone.now().timestamp() + 15 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.post(path)
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    assert not Membership.objects.exists()


def test_a_tampered_invitation_is_refused_clearly(client, cohort, other_facilitator, trainee):
    other = make_cohort(other_facilitator, "Another cohort")
    token = cohort.invite_token()
    payload = token.partition(":")[0]
    forged = signing.dumps({"c": other.pk, "n": other.invite_nonce}, salt="other-salt")
    client.force_login(trainee)
    for bad in (token[:-3] + "abc", forged, "not-a-token", payload):
        response = client.get(reverse("progress:join", args=[bad]))
        assert response.status_code == 400, bad
        assert "This invitation link is not valid" in response.content.decode()
    assert not Membership.objects.exists()


def test_renewing_the_link_withdraws_the_old_one(client, cohort, facilitator, trainee):
    old = cohort.invite_path()
    client.force_login(facilitator)
    client.post(reverse("progress:cohort_invite", args=[cohort.pk]))
    cohort.refresh_from_db()
    client.force_login(trainee)
    response = client.post(old)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert client.get(cohort.invite_path()).status_code == 200


def test_the_invitation_carries_the_cohort_and_its_nonce(cohort):
    data = signing.loads(cohort.invite_token(), salt=INVITE_SALT)
    assert data == {"c": cohort.pk, "n": cohort.invite_nonce}


# The dashboard ------------------------------------------------------------------------


def _populate(cohort, users, scenario):
    for index, user in enumerate(users):
        join(cohort, user)
        play(user, scenario, BEST_RUN if index % 2 else POOR_RUN)


def test_dashboard_figures(client, cohort, facilitator, trainee, other_trainee, small_scenario):
    join(cohort, trainee)
    join(cohort, other_trainee)
    play(trainee, small_scenario, BEST_RUN)
    play(other_trainee, small_scenario, POOR_RUN)
    play(other_trainee, small_scenario, [("R1", "S1")], finish=False)
    client.force_login(facilitator)
    response = client.get(dashboard(cohort))
    assert response.status_code == 200
    context = response.context
    figures = context["figures"]
    # best run +4, poor run -5, one more +2: 1 point over 6 answers.
    assert figures.answers == 6
    assert figures.points == 1
    assert figures.adaptability == round(100 * 1 / 12)
    assert figures.diagnosis_accuracy == 50
    assert figures.style_counts == {"S1": 3, "S2": 0, "S3": 1, "S4": 2}
    hardest = context["hardest"]
    assert hardest[0]["decision_point__key"] == "chaos"  # only ever answered with S4: -2
    assert hardest[0]["adaptability"] == -100
    matrix = {row["user"].username: row["cells"][0] for row in context["matrix"]}
    assert (matrix["ana"]["started"], matrix["ana"]["finished"]) == (1, 1)
    assert (matrix["bruno"]["started"], matrix["bruno"]["finished"]) == (2, 1)
    text = response.content.decode()
    assert "Hardest decisions" in text and "Style distribution" in text


def test_tallies_match_a_count_from_the_answers(cohort, trainee, other_trainee, small_scenario):
    join(cohort, trainee)
    play(trainee, small_scenario, BEST_RUN)
    play(other_trainee, small_scenario, POOR_RUN)  # joins after playing
    join(cohort, other_trainee)
    play(other_trainee, small_scenario, BEST_RUN)
    live = Figures.of(tallies.cohort_answers(cohort).aggregate(**counted(names=TALLIED)))
    from trainer.progress.stats import Scope, cohort_figures

    assert cohort_figures(Scope().tallies(cohort)) == live
    tallies.rebuild(cohort)
    assert cohort_figures(Scope().tallies(cohort)) == live


def test_a_member_who_played_as_a_guest_brings_those_answers_on_login(
    cohort, trainee, small_scenario
):
    join(cohort, trainee)
    play(trainee, small_scenario, BEST_RUN)
    browser = Client()
    attempt = start(browser, small_scenario)
    answer(browser, attempt, "alarm", "S3")
    browser.post("/accounts/login/", {"username": trainee.username, "password": PASSWORD})
    live = Figures.of(tallies.cohort_answers(cohort).aggregate(**counted(names=TALLIED)))
    assert live.answers == 3  # two from the account, one brought from the guest attempt
    from trainer.progress.stats import Scope, cohort_figures

    cohort.refresh_from_db()
    assert not cohort.tallies_stale  # counted at once, not left for a recount
    assert cohort_figures(Scope().tallies(cohort)) == live


def test_the_dashboard_filters(
    client, cohort, facilitator, trainee, small_scenario, bundled_scenarios
):
    join(cohort, trainee)
    now = timezone.now()
    play(trainee, small_scenario, BEST_RUN, at=now - timedelta(days=40))
    play(trainee, small_scenario, POOR_RUN, at=now - timedelta(days=2))
    client.force_login(facilitator)
    recent = (now - timedelta(days=7)).date().isoformat()
    response = client.get(dashboard(cohort), {"start": recent})
    assert response.context["figures"].answers == 3
    old = (now - timedelta(days=30)).date().isoformat()
    assert client.get(dashboard(cohort), {"end": old}).context["figures"].answers == 2
    other = next(s for s in bundled_scenarios if s.slug != small_scenario.slug)
    response = client.get(dashboard(cohort), {"scenario": other.slug})
    assert response.context["figures"].answers == 0
    assert [s.slug for s in response.context["scenarios"]] == [other.slug]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-13-01"}, "Enter the start date as YYYY-MM-DD."),
        ({"start": "2026-03-10", "end": "2026-03-01"}, "The start date is after the end date"),
        ({"scenario": "no-such-thing"}, "There is no such scenario"),
        ({"start": "1900-01-01"}, "Choose a date between 2000 and 2100."),
    ],
)
def test_bad_filters_get_a_message_and_no_filtering(
    client, cohort, facilitator, trainee, small_scenario, query, message
):
    join(cohort, trainee)
    play(trainee, small_scenario, BEST_RUN)
    client.force_login(facilitator)
    response = client.get(dashboard(cohort), query)
    assert response.status_code == 200
    text = response.content.decode()
    assert message in text
    assert "Those filters could not be used" in text
    assert response.context["figures"].answers == 2


def test_members_are_paginated(client, cohort, facilitator, django_user_model, small_scenario):
    users = [django_user_model.objects.create_user(f"learner{i:02d}") for i in range(30)]
    for user in users:
        Membership.objects.create(cohort=cohort, user=user)
    client.force_login(facilitator)
    first = client.get(dashboard(cohort))
    assert len(first.context["matrix"]) == 25
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(dashboard(cohort), {"page": 2})
    assert [row["user"].username for row in second.context["matrix"]] == [
        f"learner{i:02d}" for i in range(25, 30)
    ]


def test_filters_and_page_as_an_htmx_fragment(client, cohort, facilitator, trainee, small_scenario):
    join(cohort, trainee)
    play(trainee, small_scenario, BEST_RUN)
    client.force_login(facilitator)
    response = client.get(
        dashboard(cohort), {"scenario": small_scenario.slug}, headers={"HX-Request": "true"}
    )
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="results"')
    assert "Invitation link" not in text
    assert "HX-Request" in response["Vary"]


def test_dashboard_queries_stay_fixed_as_the_cohort_grows(
    client, cohort, facilitator, django_user_model, small_scenario, django_assert_max_num_queries
):
    def grow(count: int, start: int) -> None:
        users = [django_user_model.objects.create_user(f"m{start + i:03d}") for i in range(count)]
        _populate(cohort, users, small_scenario)

    grow(2, 0)
    client.force_login(facilitator)
    client.get(dashboard(cohort))
    with django_assert_max_num_queries(20) as few:
        client.get(dashboard(cohort))
    grow(30, 100)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(dashboard(cohort), {"page": 2})
    assert response.context["figures"].answers == (3 + 2) + 15 * (3 + 2)


def test_member_page(client, cohort, facilitator, trainee, small_scenario):
    join(cohort, trainee)
    play(trainee, small_scenario, POOR_RUN)
    play(trainee, small_scenario, BEST_RUN)
    client.force_login(facilitator)
    response = client.get(reverse("progress:cohort_member", args=[cohort.pk, trainee.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "<h1>ana</h1>" in text
    assert response.context["figures"].answers == 5
    assert '<polyline class="trend"' in text
    assert "/play/" not in text  # a lead reads results; they do not get the learner's play links


def test_removing_a_member(
    csrf_client, cohort, facilitator, trainee, other_trainee, small_scenario
):
    join(cohort, trainee)
    join(cohort, other_trainee)
    play(trainee, small_scenario, BEST_RUN)
    play(other_trainee, small_scenario, POOR_RUN)
    csrf_client.force_login(facilitator)
    url = reverse("progress:cohort_member", args=[cohort.pk, trainee.pk])
    token = _token(csrf_client, url)
    response = csrf_client.post(
        reverse("progress:cohort_member_remove", args=[cohort.pk, trainee.pk]),
        {"csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(user=trainee).exists()
    assert trainee.attempts.count() == 1  # their own records stay
    assert sum(CohortDayTally.objects.values_list("answers", flat=True)) == 3


def test_a_co_lead_is_invited_by_a_link_and_accepts_it_themselves(
    client, cohort, facilitator, other_facilitator, trainee
):
    client.force_login(facilitator)
    page = client.get(dashboard(cohort))
    link = page.context["lead_url"].removeprefix("http://testserver")
    # The page names no other facilitator, and no form takes a username any more.
    assert other_facilitator.username not in page.content.decode()

    client.force_login(other_facilitator)
    offer = client.get(link)
    assert offer.status_code == 200 and "Accept and lead the cohort" in offer.content.decode()
    assert set(cohort.facilitators.all()) == {facilitator}  # opening it changes nothing
    client.post(link)
    assert set(cohort.facilitators.all()) == {facilitator, other_facilitator}
    assert client.get(dashboard(cohort)).status_code == 200

    # Someone who is not a facilitator cannot use the link to become a lead.
    client.force_login(trainee)
    assert client.get(link).status_code == 403
    assert client.post(link).status_code == 403
    assert not cohort.facilitators.filter(pk=trainee.pk).exists()


def test_a_withdrawn_co_lead_link_stops_working(client, cohort, facilitator, other_facilitator):
    client.force_login(facilitator)
    link = client.get(dashboard(cohort)).context["lead_url"].removeprefix("http://testserver")
    url = reverse("progress:cohort_facilitator", args=[cohort.pk])
    client.post(url, {"action": "renew"})
    client.force_login(other_facilitator)
    response = client.post(link)
    assert response.status_code == 410 and "withdrawn" in response.content.decode()
    assert set(cohort.facilitators.all()) == {facilitator}


def test_a_lead_can_remove_a_co_lead_or_step_down_but_never_the_last(
    client, cohort, facilitator, other_facilitator
):
    url = reverse("progress:cohort_facilitator", args=[cohort.pk])
    client.force_login(facilitator)
    alone = client.post(url, {"action": "remove", "lead": facilitator.pk}, follow=True)
    assert "at least one training lead" in alone.content.decode()
    assert set(cohort.facilitators.all()) == {facilitator}
    cohort.facilitators.add(other_facilitator)
    client.post(url, {"action": "remove", "lead": other_facilitator.pk})
    assert set(cohort.facilitators.all()) == {facilitator}
    cohort.facilitators.add(other_facilitator)
    response = client.post(url, {"action": "remove", "lead": facilitator.pk})
    assert response["Location"] == reverse("progress:cohorts")
    assert set(cohort.facilitators.all()) == {other_facilitator}
    # The one who left sees the cohort no more.
    assert client.get(dashboard(cohort)).status_code == 404


def test_an_attempt_deleted_elsewhere_marks_the_cohort_for_a_recount(
    client, cohort, facilitator, trainee, small_scenario
):
    join(cohort, trainee)
    attempt = play(trainee, small_scenario, BEST_RUN)
    play(trainee, small_scenario, POOR_RUN)
    attempt.delete()
    cohort.refresh_from_db()
    assert cohort.tallies_stale
    client.force_login(facilitator)
    assert client.get(dashboard(cohort)).context["figures"].answers == 3
    cohort.refresh_from_db()
    assert not cohort.tallies_stale


# Workshops ----------------------------------------------------------------------------


def test_tying_a_workshop_counts_its_answers(
    client, cohort, facilitator, other_facilitator, small_scenario, trainee
):
    workshop = Workshop.create(scenario=small_scenario, facilitator=facilitator, title="Tuesday")
    guest = workshop.join(display_name="Guest")
    workshop.open_next()
    point = workshop.scenario.first_point()
    guest.answer(point=point, option=point.options.get(style="S1"), diagnosis="R1")
    theirs = Workshop.create(scenario=small_scenario, facilitator=other_facilitator)
    client.force_login(facilitator)
    page = client.get(dashboard(cohort)).content.decode()
    assert "Tuesday" in page
    assert f'value="{theirs.pk}"' not in page
    url = reverse("progress:cohort_workshop", args=[cohort.pk])
    response = client.post(url, {"workshop": theirs.pk, "action": "tie"}, follow=True)
    assert "That is not one of your workshops" in response.content.decode()
    client.post(url, {"workshop": workshop.pk, "action": "tie"})
    assert CohortWorkshop.objects.filter(cohort=cohort, workshop=workshop).exists()
    response = client.get(dashboard(cohort))
    assert response.context["figures"].answers == 1
    # A new answer in the tied workshop counts at once.
    second = workshop.join(display_name="Late arrival")
    second.answer(point=point, option=point.options.get(style="S4"), diagnosis="R4")
    assert client.get(dashboard(cohort)).context["figures"].answers == 2
    client.post(url, {"workshop": workshop.pk, "action": "untie"})
    assert client.get(dashboard(cohort)).context["figures"].answers == 0


# Exports ------------------------------------------------------------------------------


def test_cohort_csv_has_one_row_per_answer_and_follows_the_filters(
    client, cohort, facilitator, trainee, other_trainee, small_scenario
):
    join(cohort, trainee)
    play(trainee, small_scenario, BEST_RUN, at=timezone.now() - timedelta(days=20))
    play(trainee, small_scenario, POOR_RUN)
    play(other_trainee, small_scenario, POOR_RUN)  # not a member
    client.force_login(facilitator)
    url = reverse("progress:cohort_csv", args=[cohort.pk])
    response = client.get(url)
    assert response.streaming
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert len(rows) == 5
    assert {row["username"] for row in rows} == {"ana"}
    assert rows[0]["decision_point"] == "alarm"
    recent = client.get(url, {"start": (timezone.now() - timedelta(days=3)).date().isoformat()})
    body = b"".join(recent.streaming_content).decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(body)))) == 3
    assert client.get(url, {"start": "nonsense"}).status_code == 404


def test_cohort_exports_stream_with_iterator(client, cohort, facilitator, trainee, small_scenario):
    join(cohort, trainee)
    play(trainee, small_scenario, BEST_RUN)
    client.force_login(facilitator)
    from django.db.models.query import QuerySet

    calls = []
    original = QuerySet.iterator

    def spy(self, chunk_size=None):
        calls.append(chunk_size)
        return original(self, chunk_size=chunk_size)

    with mock.patch.object(QuerySet, "iterator", spy):
        response = client.get(reverse("progress:cohort_csv", args=[cohort.pk]))
        b"".join(response.streaming_content)
    assert calls and all(size and size >= 1000 for size in calls)


def test_answers_counted_once_when_a_member_plays_in_a_tied_workshop(
    cohort, facilitator, trainee, small_scenario
):
    join(cohort, trainee)
    workshop = Workshop.create(scenario=small_scenario, facilitator=facilitator)
    CohortWorkshop.objects.create(cohort=cohort, workshop=workshop)
    participant = workshop.join(display_name="Ana", user=trainee)
    workshop.open_next()
    point = small_scenario.first_point()
    participant.answer(point=point, option=point.options.get(style="S1"), diagnosis="R1")
    assert tallies.cohort_answers(cohort).count() == 1
    assert sum(CohortDayTally.objects.values_list("answers", flat=True)) == 1
    assert Answer.objects.filter(attempt__mode=Mode.WORKSHOP).count() == 1


def test_recount_command_rebuilds_drifted_figures(cohort, trainee, small_scenario):
    from io import StringIO

    from django.core.management import call_command

    join(cohort, trainee)
    play(trainee, small_scenario, BEST_RUN)
    CohortDayTally.objects.update(answers=99)
    out = StringIO()
    call_command("recount_cohorts", stdout=out)
    assert "Dili duty officers" in out.getvalue()
    assert sum(CohortDayTally.objects.values_list("answers", flat=True)) == 2


def test_outbox_is_readable_in_the_admin(client, staff, trainee, small_scenario, settings):
    settings.LRS_ENDPOINT = "http://127.0.0.1:9/xapi"
    play(trainee, small_scenario, BEST_RUN)
    client.force_login(staff)
    response = client.get("/admin/progress/outboxstatement/")
    assert response.status_code == 200
    assert "answered" in response.content.decode()
    assert client.get("/admin/progress/cohort/").status_code == 200


def test_a_tied_workshop_names_only_the_cohort_members_in_its_exports(
    client, cohort, facilitator, trainee, other_trainee, small_scenario
):
    """Ana is a member; Bruno only played in the tied workshop: the exports count his
    answer but do not name him."""
    join(cohort, trainee)
    other_trainee.email = "bruno@example.org"
    other_trainee.save()
    workshop = Workshop.create(scenario=small_scenario, facilitator=facilitator)
    CohortWorkshop.objects.create(cohort=cohort, workshop=workshop)
    member = workshop.join(display_name="Ana", user=trainee)
    outsider = workshop.join(display_name="Bruno", user=other_trainee)
    workshop.open_next()
    point = small_scenario.first_point()
    for person in (member, outsider):
        person.answer(point=point, option=point.options.get(style="S1"), diagnosis="R1")
    client.force_login(facilitator)

    response = client.get(reverse("progress:cohort_csv", args=[cohort.pk]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert sorted(row["username"] for row in rows) == ["", "ana"]
    assert other_trainee.username not in body and "bruno@example.org" not in body
    unnamed = next(row for row in rows if not row["username"])
    assert unnamed["user_id"] == "" and unnamed["email"] == ""

    response = client.get(reverse("progress:cohort_xapi", args=[cohort.pk]))
    body = b"".join(response.streaming_content).decode()
    assert other_trainee.username not in body and "bruno@example.org" not in body
    agents = {json.dumps(s["actor"], sort_keys=True) for s in json.loads(body)}
    assert len(agents) == 2  # Ana by account, Bruno as an agent of his attempt


def test_a_cohort_page_action_is_answered_in_the_section_it_returns_to(client, cohort, facilitator):
    client.force_login(facilitator)
    response = client.post(reverse("progress:cohort_invite", args=[cohort.pk]), follow=True)
    assert response.redirect_chain[-1][0].endswith("#invite")
    html = response.content.decode()
    site = html.partition('<div id="site-messages"')[2].partition("</div>")[0]
    assert "no longer works" not in site  # not at the top of the page, out of sight...
    invite = html[html.index('<section id="invite"') :]
    assert "no longer works" in invite[: invite.index("</section>")]  # ...but where they land
