"""The answer's hot path: the session, the attempt and the INSERT, with decision points kept
in memory while their scenario's stamp stands."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save, pre_save
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from scenarios import cache as content_cache
from scenarios.models import DecisionPoint, Option, Scenario
from tests.test_play_support import answer_data, start
from tests.test_play_views import HX, text
from trainer.play.models import Answer, Attempt
from trainer.rows import Select, insert

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


# --- Rows -----------------------------------------------------------------------------------


def _answer_for(attempt: Attempt, **changes) -> Answer:
    point = attempt.current_point
    option = point.options.order_by("order").first()
    now = timezone.now()
    fields = {
        "attempt": attempt,
        "decision_point": point,
        "option": option,
        "sequence": 1,
        "style": option.style,
        "points": option.points,
        "best_style": "S1",
        "diagnosis": "R2",
        "readiness": point.readiness,
        "diagnosis_off": 1,
        "miss": "",
        "confidence": None,
        "reason": "Short orders first.",
        "served_at": now - timedelta(seconds=12),
        "answered_at": now,
        "response_ms": 12000,
        "time_budget": point.time_budget,
        "late": False,
    }
    return Answer(**{**fields, **changes})


@pytest.fixture
def attempt(small_scenario) -> Attempt:
    return Attempt.start(small_scenario, guest_token="t" * 20, mode="timed")


def test_insert_writes_the_row_save_would(attempt):
    by_insert = _answer_for(attempt)
    insert(by_insert)
    assert by_insert.pk is not None
    assert not by_insert._state.adding and by_insert._state.db == "default"
    stored = Answer.objects.get(pk=by_insert.pk)
    for field in Answer._meta.concrete_fields:
        assert getattr(stored, field.attname) == getattr(by_insert, field.attname), field.name


def test_insert_sends_the_save_signals(attempt):
    seen = []

    def pre(sender, instance, **kwargs):
        seen.append(("pre", instance.pk, kwargs["raw"]))

    def post(sender, instance, created, **kwargs):
        seen.append(("post", instance.pk is not None, created))

    pre_save.connect(pre, sender=Answer)
    post_save.connect(post, sender=Answer)
    try:
        insert(_answer_for(attempt))
    finally:
        pre_save.disconnect(pre, sender=Answer)
        post_save.disconnect(post, sender=Answer)
    assert seen == [("pre", None, False), ("post", True, True)]


def test_insert_refuses_a_duplicate_as_save_would_and_keeps_the_transaction_usable(attempt):
    insert(_answer_for(attempt))
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic():
            insert(_answer_for(attempt))
        assert Answer.objects.filter(attempt=attempt).count() == 1


def test_insert_takes_only_new_rows_of_plain_models(attempt):
    answer = _answer_for(attempt)
    insert(answer)
    with pytest.raises(ValueError, match="new rows"):
        insert(answer)
    with pytest.raises(TypeError, match="integer key"):
        insert(Attempt(scenario=attempt.scenario, guest_token="x", mode="timed", id=None))


def test_select_builds_the_instance_the_orm_would(attempt):
    select = Select(
        Attempt,
        'INNER JOIN "scenarios_scenario" s ON s."id" = t."scenario_id" WHERE t."id" = %s',
        {"slug_seen": 's."slug"'},
    )
    key = Attempt._meta.pk.get_db_prep_value(attempt.pk, connection)
    found = select.first([key])
    expected = Attempt.objects.get(pk=attempt.pk)
    for field in Attempt._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    assert isinstance(found.pk, uuid.UUID) and found.current_served_at == expected.current_served_at
    assert found.slug_seen == attempt.scenario.slug and not found._state.adding
    missing = Attempt._meta.pk.get_db_prep_value(uuid.uuid4(), connection)
    assert select.first([missing]) is None


# --- Decision points kept in memory ---------------------------------------------------------


def _stamp(scenario: Scenario):
    scenario.refresh_from_db(fields=["content_version", "updated_at"])
    return content_cache.stamp_of(scenario.content_version, scenario.updated_at)


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


def test_scalar_reads_one_value_or_none(attempt):
    from trainer.rows import Scalar

    points_done = Scalar(Attempt, "points_done", "{id} = %s")
    key = Attempt._meta.pk.get_db_prep_value(attempt.pk, connection)
    assert points_done.first([key]) == 0
    missing = Attempt._meta.pk.get_db_prep_value(uuid.uuid4(), connection)
    assert points_done.first([missing]) is None


# --- The database's side ------------------------------------------------------------------


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_on_postgresql_the_statements_written_once_are_prepared_once(small_scenario):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    from trainer.rows import Scalar

    guest = Client()
    data = answer_data(small_scenario, "alarm", "S1")
    for _ in range(3):
        attempt = start(guest, small_scenario)
        response = guest.post(f"/play/{attempt.pk}/answer/", data, headers=HX)
        assert "feedback-heading" in text(response)
    prepared = _prepared_statements()
    for table in ("django_session", "play_attempt", "play_answer"):
        naming = [sql for sql in prepared if f'"{table}"' in sql.split("WHERE")[0]]
        assert len(naming) == 1, (table, prepared)

    # With prepared statements turned off (DB_PREPARED_STATEMENTS=0), the same reads go
    # through the usual cursor and nothing more is prepared.
    points_done = Scalar(Attempt, "points_done", "{id} = %s AND {points_done} >= %s")
    key = Attempt._meta.pk.get_db_prep_value(attempt.pk, connection)
    threshold = connection.connection.prepare_threshold
    connection.connection.prepare_threshold = None
    try:
        assert points_done.first([key, 0]) == 0
    finally:
        connection.connection.prepare_threshold = threshold
    assert _prepared_statements() == prepared
    assert points_done.first([key, 0]) == 0
    assert len(_prepared_statements()) == len(prepared) + 1


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
