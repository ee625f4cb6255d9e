"""The catalog, the overview, /healthz and the settings helpers."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from trainer import settings as trainer_settings


@pytest.mark.django_db
def test_catalog_lists_published_scenarios(client, small_scenario) -> None:
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "A small test scenario" in body
    assert "The first hour" in body  # the phase
    assert "About 5 minutes" in body
    assert "Three decisions in a hurry" in body
    assert 'href="#main"' in body  # the skip link
    assert "htmx" in body  # {% htmx_script %}
    assert "x-csrftoken" in body


@pytest.mark.django_db
def test_catalog_hides_unpublished_scenarios(client, small_scenario) -> None:
    small_scenario.published = False
    small_scenario.save()
    assert "A small test scenario" not in client.get("/").content.decode()
    assert client.get("/scenarios/test-small/").status_code == 404


@pytest.mark.django_db
def test_catalog_query_count_does_not_grow(client, small_scenario, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        client.get("/")


@pytest.mark.django_db
def test_overview(client, small_scenario) -> None:
    response = client.get("/scenarios/test-small/")
    assert response.status_code == 200
    assert "A small test scenario" in response.content.decode()
    # What a scenario trains would give its answers away: the debrief says it, not the overview.
    assert "Judging readiness and choosing a style" not in response.content.decode()
    assert client.get("/scenarios/nope/").status_code == 404


@pytest.mark.django_db
def test_healthz_ok(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_healthz_reports_a_database_outage(client) -> None:
    with mock.patch("trainer.health.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("yes", True), ("off", False), ("", True)])
def test_env_bool(monkeypatch, raw: str, value: bool) -> None:
    monkeypatch.setenv("GH_FLAG", raw)
    assert trainer_settings.env_bool("GH_FLAG", True) is value


def test_env_helpers_refuse_malformed_values(monkeypatch) -> None:
    monkeypatch.setenv("GH_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="GH_FLAG"):
        trainer_settings.env_bool("GH_FLAG", False)
    monkeypatch.setenv("GH_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="GH_NUMBER must be a whole number"):
        trainer_settings.env_int("GH_NUMBER", 1)
    monkeypatch.setenv("GH_NUMBER", "-3")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        trainer_settings.env_int("GH_NUMBER", 1, minimum=0)


def test_env_list(monkeypatch) -> None:
    monkeypatch.setenv("GH_HOSTS", " a.example , b.example,, ")
    assert trainer_settings.env_list("GH_HOSTS", []) == ["a.example", "b.example"]


def test_sqlite_is_tuned_for_concurrent_writers(settings) -> None:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("runs against SQLite only")
    options = database["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]


def _database_settings(**env: str) -> dict:
    """``DATABASES["default"]`` as trainer.settings builds it with ``env`` (a fresh process)."""
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, trainer.settings as s; print(json.dumps(s.DATABASES['default'], default=str))"
    )
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
    out = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_a_sqlite_file_named_in_database_url_is_tuned_as_the_default_one(tmp_path) -> None:
    default = _database_settings()
    named = _database_settings(DATABASE_URL=f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}")
    assert named["NAME"].endswith("elsewhere.sqlite3")
    assert named["OPTIONS"] == default["OPTIONS"]
    assert "journal_mode=WAL" in named["OPTIONS"]["init_command"]


def test_postgresql_borrows_checked_connections_from_djangos_pool() -> None:
    url = "postgres://postgres@127.0.0.1:5432/anything"
    pooled = _database_settings(DATABASE_URL=url)
    assert pooled["ENGINE"] == "django.db.backends.postgresql"
    assert pooled["OPTIONS"]["pool"]["timeout"] == 2  # how long an outage takes to say 503
    assert pooled["CONN_MAX_AGE"] == 0 and pooled["CONN_HEALTH_CHECKS"]  # as the pool needs
    kept = _database_settings(DATABASE_URL=url, DB_POOL="0")
    assert "pool" not in kept.get("OPTIONS", {})
    assert kept["CONN_MAX_AGE"] == 60 and kept["CONN_HEALTH_CHECKS"]


def test_no_template_comment_spans_lines() -> None:
    """Django's {# #} ends at the line's end: one spread over lines is printed on the page."""
    from django.conf import settings

    unclosed = []
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(folder).rglob("*.html")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if line.count("{#") > line.count("#}"):
                    unclosed.append(f"{path.name}:{number}")
    assert unclosed == []
