"""Who may open what: every URL of the app against every kind of visitor.

A new URL without a row here fails ``test_every_url_has_a_row``, so access is decided on
purpose, not by accident. The statuses are what each visitor should get for a GET:
200 the page, 302 a redirect (to log in, or onwards), 403 refused, 404 hidden (someone
else's thing), 405 the URL takes POST only, 410 gone.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.test_progress_support import BEST_RUN, join, make_cohort, play
from trainer.play.models import Attempt, Mode
from trainer.workshops.models import Participant, Workshop
from trainer.workshops.views import debrief_token

ACTORS = ["anonymous", "trainee_a", "trainee_b", "participant", "fac_x", "fac_y", "staff"]

# url template -> statuses in ACTORS order. {attempt} is trainee A's finished attempt,
# {open} A's unfinished one, {workshop} facilitator X's, {cohort} X's with A as a member.
MATRIX: dict[str, tuple[int, ...]] = {
    "/healthz": (200, 200, 200, 200, 200, 200, 200),
    "/admin/login/": (302, 302, 302, 302, 302, 302, 302),  # to the site's throttled log-in
    "/": (200, 200, 200, 200, 200, 200, 200),
    "/scenarios/{slug}/": (200, 200, 200, 200, 200, 200, 200),
    "/scenarios/{slug}/start/": (405, 405, 405, 405, 405, 405, 405),
    # A facilitator guide names every best fit: refused to trainees. The test scenario has
    # no guide, so facilitators get 404 here; tests/test_guides.py shows one being read.
    "/scenarios/{slug}/guide/": (302, 403, 403, 302, 404, 404, 404),
    "/scenarios/{slug}/guide/print/": (302, 403, 403, 302, 404, 404, 404),
    "/language/": (405, 405, 405, 405, 405, 405, 405),
    "/model/": (200, 200, 200, 200, 200, 200, 200),
    "/accounts/login/": (200, 302, 302, 200, 302, 302, 302),
    "/accounts/signup/": (200, 302, 302, 200, 302, 302, 302),
    "/accounts/logout/": (405, 405, 405, 405, 405, 405, 405),
    "/accounts/email/": (302, 200, 200, 302, 200, 200, 200),
    "/accounts/password/reset/": (200, 200, 200, 200, 200, 200, 200),
    "/accounts/password/reset/sent/": (200, 200, 200, 200, 200, 200, 200),
    "/accounts/password/reset/{uid}/{reset}/": (200, 200, 200, 200, 200, 200, 200),  # a dead link
    "/accounts/password/reset/done/": (200, 200, 200, 200, 200, 200, 200),
    "/play/{open}/": (404, 200, 404, 404, 404, 404, 404),
    "/play/{open}/choices/": (405, 405, 405, 405, 405, 405, 405),
    "/play/{open}/answer/": (405, 405, 405, 405, 405, 405, 405),
    "/play/{open}/continue/": (405, 405, 405, 405, 405, 405, 405),
    "/play/{attempt}/debrief/": (404, 200, 404, 404, 404, 404, 404),
    "/play/{attempt}/debrief/print/": (404, 200, 404, 404, 404, 404, 404),
    "/workshops/": (302, 200, 200, 302, 200, 200, 200),
    "/workshops/new/": (302, 200, 200, 302, 200, 200, 200),
    "/workshops/{workshop}/": (302, 404, 404, 302, 200, 404, 200),
    "/workshops/{workshop}/present/": (302, 404, 404, 302, 200, 404, 200),
    "/workshops/{workshop}/again/": (405, 405, 405, 405, 405, 405, 405),
    "/workshops/{workshop}/results/": (302, 404, 404, 302, 200, 404, 200),
    "/workshops/{workshop}/people/": (302, 404, 404, 302, 200, 404, 200),
    "/workshops/{workshop}/export.csv": (302, 404, 404, 302, 200, 404, 200),
    # The participants' screen, by the room's random key: its own people see it; anyone
    # else is sent to type the code (never to the room's join link).
    "/room/{room}/": (302, 302, 302, 200, 302, 302, 302),
    # A participant's personal link: whoever holds it (a capability, like an invitation);
    # while the workshop is live it leads to the participant screen.
    "/workshops/debrief/{debrief}/": (302, 302, 302, 302, 302, 302, 302),
    "/join/": (200, 200, 200, 200, 200, 200, 200),
    "/join/{code}/": (200, 200, 200, 302, 200, 200, 200),
    "/me/": (302, 200, 200, 302, 200, 200, 200),
    "/me/export/answers.csv": (302, 200, 200, 302, 200, 200, 200),
    "/me/export/data.json": (302, 200, 200, 302, 200, 200, 200),
    "/me/delete/": (302, 200, 200, 302, 200, 200, 200),
    "/cohorts/": (302, 404, 404, 302, 200, 200, 200),
    "/cohorts/join/{token}/": (200, 200, 200, 200, 200, 200, 200),  # asks to log in first
    # A co-lead's invitation: an offer to facilitators (X leads already), refused to others.
    "/cohorts/lead/{lead}/": (200, 403, 403, 200, 302, 200, 200),
    "/cohorts/{cohort}/": (302, 404, 404, 302, 200, 404, 200),
    "/cohorts/{cohort}/invite/": (302, 405, 405, 302, 405, 405, 405),
    "/cohorts/{cohort}/leads/": (302, 405, 405, 302, 405, 405, 405),
    "/cohorts/{cohort}/workshops/": (302, 405, 405, 302, 405, 405, 405),
    "/cohorts/{cohort}/export/answers.csv": (302, 404, 404, 302, 200, 404, 200),
    "/cohorts/{cohort}/export/xapi.json": (302, 404, 404, 302, 200, 404, 200),
    "/cohorts/{cohort}/members/{member}/": (302, 404, 404, 302, 200, 404, 200),
    "/cohorts/{cohort}/members/{member}/remove/": (302, 405, 405, 302, 405, 405, 405),
}


def _patterns(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue  # Django's own, behind staff login
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _shape(route: str) -> str:
    """A route with its converters made anonymous, to compare with the matrix's URLs."""
    return "/" + re.sub(r"<[^>]+>", "*", route)


def test_every_url_has_a_row() -> None:
    routes = {_shape(route) for route in _patterns(get_resolver().url_patterns)}
    rows = {re.sub(r"\{[a-z]+\}", "*", url) for url in MATRIX}
    assert routes - rows == set(), "URLs with no row in the authorization matrix"
    assert rows - routes == set(), "rows for URLs that no longer exist"


@pytest.fixture
def world(small_scenario, trainee, other_trainee, facilitator, other_facilitator, staff):
    finished = play(trainee, small_scenario, BEST_RUN)
    unfinished = Attempt.start(small_scenario, user=trainee, mode=Mode.REFLECTIVE)
    workshop = Workshop.create(scenario=small_scenario, facilitator=facilitator)
    cohort = make_cohort(facilitator)
    join(cohort, trainee)
    participant = Client()
    response = participant.post(f"/join/{workshop.code}/", {"display_name": "Room guest"})
    assert response.status_code == 303
    clients = {"anonymous": Client(), "participant": participant}
    for name, user in [
        ("trainee_a", trainee),
        ("trainee_b", other_trainee),
        ("fac_x", facilitator),
        ("fac_y", other_facilitator),
        ("staff", staff),
    ]:
        clients[name] = Client()
        clients[name].force_login(user)
    values = {
        "slug": small_scenario.slug,
        "attempt": finished.pk,
        "open": unfinished.pk,
        "workshop": workshop.pk,
        "code": workshop.code,
        "cohort": cohort.pk,
        "member": trainee.pk,
        "token": cohort.invite_token(),
        "lead": cohort.lead_token(),
        "room": workshop.room_key,
        "uid": "MQ",
        "reset": "nope-0",
        "debrief": debrief_token(Participant.objects.get(workshop=workshop)),
    }
    return clients, values


@pytest.mark.django_db
@pytest.mark.parametrize("url", list(MATRIX))
def test_matrix(world, url: str) -> None:
    clients, values = world
    path = url.format(**values)
    got = tuple(clients[actor].get(path).status_code for actor in ACTORS)
    expected = MATRIX[url]
    wrong = {a: (g, e) for a, g, e in zip(ACTORS, got, expected, strict=True) if g != e}
    assert not wrong, f"{path}: actor -> (got, expected): {wrong}"


# The URLs that change things, POSTed (with an empty form) by each visitor, in ACTORS
# order. Only the owner gets past the door; for them an empty form is refused (400) or
# sent back with a message (302/303).
POST_MATRIX: dict[str, tuple[int, ...]] = {
    "/workshops/{workshop}/again/": (302, 404, 404, 302, 303, 404, 303),
    "/play/{open}/choices/": (404, 303, 404, 404, 404, 404, 404),
    "/play/{open}/answer/": (404, 303, 404, 404, 404, 404, 404),
    "/play/{open}/continue/": (404, 303, 404, 404, 404, 404, 404),
    "/workshops/{workshop}/": (302, 404, 404, 302, 422, 404, 422),
    "/workshops/{workshop}/people/": (302, 404, 404, 302, 422, 404, 422),
    "/me/delete/": (302, 400, 400, 302, 400, 400, 400),
    "/cohorts/{cohort}/invite/": (302, 404, 404, 302, 302, 404, 302),
    "/cohorts/{cohort}/leads/": (302, 404, 404, 302, 302, 404, 302),
    "/cohorts/{cohort}/workshops/": (302, 404, 404, 302, 302, 404, 302),
    # Accepting a co-lead invitation: facilitators only (Y and staff accept; X leads already).
    "/cohorts/lead/{lead}/": (200, 403, 403, 200, 302, 302, 302),
    # X removes the member; staff, coming after, finds no such member any more.
    "/cohorts/{cohort}/members/{member}/remove/": (302, 404, 404, 302, 302, 404, 404),
}


@pytest.mark.django_db
@pytest.mark.parametrize("url", list(POST_MATRIX))
def test_post_matrix(world, url: str) -> None:
    clients, values = world
    path = url.format(**values)
    got = tuple(clients[actor].post(path, {}).status_code for actor in ACTORS)
    expected = POST_MATRIX[url]
    wrong = {a: (g, e) for a, g, e in zip(ACTORS, got, expected, strict=True) if g != e}
    assert not wrong, f"POST {path}: actor -> (got, expected): {wrong}"
