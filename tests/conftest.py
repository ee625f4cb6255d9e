"""Shared fixtures: named users, a small scenario loaded from tests/scenario_files/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from scenarios import cache as content_cache
from scenarios.loading import load_files
from scenarios.models import Scenario
from trainer.accounts.roles import make_facilitator

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCENARIO_FILES = Path(__file__).parent / "scenario_files"
PASSWORD = "a-long-test-password-42"


def _user(username: str, **extra):
    return get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.org", **extra
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Real hashing costs a third of a second per user; the tests need no such strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def trainee(db):
    return _user("ana")


@pytest.fixture
def other_trainee(db):
    return _user("bruno")


@pytest.fixture
def facilitator(db):
    user = _user("fatima")
    make_facilitator(user)
    return user


@pytest.fixture
def other_facilitator(db):
    user = _user("gustavo")
    make_facilitator(user)
    return user


@pytest.fixture
def staff(db):
    return _user("sofia", is_staff=True, is_superuser=True)


@pytest.fixture
def csrf_client() -> Client:
    """A client that enforces CSRF like a browser's requests are checked."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def small_scenario(db) -> Scenario:
    """A short, branching scenario written for the tests (see tests/scenario_files/)."""
    load_files([SCENARIO_FILES / "valid_small.yaml"])
    return Scenario.objects.get(slug="test-small")


@pytest.fixture
def bundled_scenarios(db) -> list[Scenario]:
    load_files()
    return list(Scenario.objects.all())


@pytest.fixture(autouse=True)
def _fresh_content_cache():
    """Each test starts with no decision points remembered from an earlier one."""
    content_cache.clear()
    yield
    content_cache.clear()


@pytest.fixture
def story_scenario(db) -> Scenario:
    """A scenario whose early choices come back: a condition routes the story, shows a
    paragraph later and picks the ending; with a mixed team, a hard call and a rule stop."""
    load_files([SCENARIO_FILES / "story_small.yaml"])
    return Scenario.objects.get(slug="test-story")
