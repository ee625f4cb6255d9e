"""The answer's hot path: the session, the attempt and the INSERT, with decision points kept
in memory while their scenario's stamp stands."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from scenarios import cache as content_cache
from scenarios.models import DecisionPoint, Option, Scenario
from tests.test_play_support import answer_data, start
from tests.test_play_views import HX, text
from trainer.play.models import Answer, Attempt

pytestmark = pytest.mark.django_db


# --- Sessions -------------------------------------------------------------------------------


def test_a_guest_session_lives_in_the_database_and_ends_there(small_scenario):
    """Django's database sessions: the guest's attempt stays theirs from one request to the
    next, and a session that expired on the server no longer opens it."""
    guest = Client()
    attempt = start(guest, small_scenario)
    key = guest.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(pk=key).exists()
    assert guest.get(f"/play/{attempt.pk}/").status_code == 200
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert guest.get(f"/play/{attempt.pk}/").status_code == 404


# --- Decision points kept in memory ---------------------------------------------------------


def _stamp(scenario: Scenario):
    scenario.refresh_from_db(fields=["content_version", "updated_at"])
    return content_cache.stamp_of(scenario.content_version, scenario.updated_at)


def test_an_attempt_is_read_with_its_content_stamp_in_one_query(
    small_scenario, django_assert_num_queries
):
    attempt = Attempt.start(small_scenario, guest_token="t" * 20, mode="timed")
    with django_assert_num_queries(1):
        found = Attempt.objects.stamped(attempt.pk)
        assert found.scenario.slug == small_scenario.slug  # read with it, no second query
    assert found.content_stamp == _stamp(small_scenario)
    assert Attempt.objects.stamped(uuid.uuid4()) is None


def test_a_point_is_read_once_while_its_stamp_stands(small_scenario, django_assert_num_queries):
    point = small_scenario.first_point()
    stamp = _stamp(small_scenario)
    with django_assert_num_queries(2):
        first, options = content_cache.point_with_options(point.pk, stamp)
    with django_assert_num_queries(0):
        again, same = content_cache.point_with_options(point.pk, stamp)
    assert again is first and same is options
    assert [option.order for option in options] == sorted(option.order for option in options)
    with pytest.raises(DecisionPoint.DoesNotExist):
        content_cache.point_with_options(10**9, stamp)


@pytest.mark.parametrize("edit", ["point", "option", "option deleted"])
def test_every_edit_moves_the_stamp(small_scenario, edit):
    point = small_scenario.first_point()
    before = _stamp(small_scenario)
    if edit == "point":
        point.narrative = "Edited in the admin."
        point.save()
    elif edit == "option":
        option = point.options.first()
        option.text = "Edited in the admin."
        option.save()
    else:
        point.options.first().delete()
    assert _stamp(small_scenario) != before


@pytest.mark.django_db(transaction=True)
def test_an_answer_sees_an_edit_made_after_its_point_was_remembered(small_scenario):
    guest = Client()
    first_try = start(guest, small_scenario)
    second_try = start(guest, small_scenario)
    data = answer_data(small_scenario, "alarm", "S1")
    guest.post(f"/play/{first_try.pk}/answer/", data, headers=HX)
    option = Option.objects.get(pk=data["option"])
    option.feedback = "A freshly edited explanation of this choice."
    option.save()
    response = guest.post(f"/play/{second_try.pk}/answer/", data, headers=HX)
    assert "A freshly edited explanation of this choice." in text(response)


@pytest.mark.django_db(transaction=True)
def test_a_remembered_point_leaves_three_queries_per_answer(small_scenario):
    """A guest's answer, once its point is in memory: the session, the attempt, the INSERT."""
    guest = Client()
    warm = start(guest, small_scenario)
    measured = start(guest, small_scenario)
    data = answer_data(small_scenario, "alarm", "S1")
    guest.post(f"/play/{warm.pk}/answer/", data, headers=HX)
    with CaptureQueriesContext(connection) as queries:
        response = guest.post(f"/play/{measured.pk}/answer/", data, headers=HX)
    assert "feedback-heading" in text(response)
    statements = [query["sql"].split()[0].upper() for query in queries]
    assert statements == ["SELECT", "SELECT", "INSERT"], statements


# --- The database's side ------------------------------------------------------------------


def test_answers_keep_only_the_indexes_their_lookups_need():
    """Every index costs a write on every answer: the foreign keys to the attempt and the
    decision point have none of their own, since wider indexes lead with them."""
    table = Answer._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # Django's introspection cannot parse this table
            cursor.execute(f'PRAGMA index_list("{table}")')
            names = [row[1] for row in cursor.fetchall()]
            indexed = []
            for name in names:
                cursor.execute(f'PRAGMA index_info("{name}")')
                indexed.append(tuple(row[2] for row in sorted(cursor.fetchall())))
        else:
            constraints = connection.introspection.get_constraints(cursor, table)
            indexed = [
                tuple(c["columns"]) for c in constraints.values() if c["index"] or c["unique"]
            ]
    assert ("attempt_id",) not in indexed and ("decision_point_id",) not in indexed
    assert ("attempt_id", "decision_point_id") in indexed
    assert ("decision_point_id", "style") in indexed
    assert ("option_id",) in indexed  # Option's PROTECT looks answers up by it
