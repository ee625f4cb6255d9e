"""Every form, fed what people and scripts really send: no input makes a server error.

Each value goes into every field of every form at once (a form checks each field on its
own, so one post exercises them all), by the visitor the form is for, with and without
htmx. Bad input must get a clear answer (a 4xx, or the form again with a message), never
a 500, and the database must stay usable afterwards.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.test_progress_support import join, make_cohort
from trainer.play.models import Attempt, Mode
from trainer.workshops.models import Workshop

NASTY = [
    "²",  # a digit to str.isdigit(), not to int()
    "١٢٣",  # Arabic-Indic digits
    "12\x0034",  # NUL, which PostgreSQL refuses in text
    "x" * 20000,  # overlong
    "\u202eevil\u202c",  # right-to-left override
    "-1",
    "9" * 40,  # beyond any integer column
    " ",
    "<script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
]
FIELDS = [
    "username",
    "email",
    "password",
    "password1",
    "password2",
    "next",
    "code",
    "display_name",
    "point",
    "diagnosis",
    "option",
    "confidence",
    "reason",
    "action",
    "step",
    "majority",
    "answer",
    "seconds",
    "participant",
    "capacity",
    "scenario",
    "title",
    "mode",
    "name",
    "workshop",
    "user",
    "confirm",
    "new_password1",
    "new_password2",
]


@pytest.fixture
def world(small_scenario, trainee, facilitator):
    workshop = Workshop.create(scenario=small_scenario, facilitator=facilitator)
    cohort = make_cohort(facilitator)
    join(cohort, trainee)
    participant = Client()
    assert participant.post(f"/join/{workshop.code}/", {"display_name": "Ana"}).status_code == 303
    workshop.open_next()
    attempt = Attempt.start(small_scenario, user=trainee, mode=Mode.REFLECTIVE)
    host, learner = Client(), Client()
    host.force_login(facilitator)
    learner.force_login(trainee)
    anonymous = Client()
    return [
        (anonymous, "/accounts/login/"),
        (anonymous, "/accounts/signup/"),
        (anonymous, "/accounts/password/reset/"),
        (anonymous, "/join/"),
        (anonymous, f"/join/{workshop.code}/"),
        (participant, workshop.room_path),
        (learner, "/accounts/email/"),
        (learner, f"/scenarios/{small_scenario.slug}/start/"),
        (learner, f"/play/{attempt.pk}/answer/"),
        (learner, f"/play/{attempt.pk}/continue/"),
        (learner, "/me/delete/"),
        (host, "/workshops/new/"),
        (host, f"/workshops/{workshop.pk}/"),
        (host, f"/workshops/{workshop.pk}/people/"),
        (host, f"/workshops/{workshop.pk}/again/"),
        (host, "/cohorts/"),
        (host, f"/cohorts/{cohort.pk}/invite/"),
        (host, f"/cohorts/{cohort.pk}/leads/"),
        (host, f"/cohorts/{cohort.pk}/workshops/"),
        (host, f"/cohorts/{cohort.pk}/members/{trainee.pk}/remove/"),
    ], (host, f"/cohorts/{cohort.pk}/")


@pytest.mark.django_db
@pytest.mark.parametrize("value", NASTY, ids=range(len(NASTY)))
def test_no_form_field_value_makes_a_server_error(world, value, trainee) -> None:
    forms, _ = world
    errors = []
    for client, url in forms:
        for headers in ({}, {"HX-Request": "true"}):
            status = client.post(url, dict.fromkeys(FIELDS, value), headers=headers).status_code
            if status >= 500:
                errors.append((url, headers, status))
    assert errors == []
    trainee.refresh_from_db()  # the database still answers


@pytest.mark.django_db
@pytest.mark.parametrize("value", NASTY, ids=range(len(NASTY)))
def test_no_query_string_makes_a_server_error(world, value) -> None:
    _, (host, dashboard) = world
    query = dict.fromkeys(["scenario", "mode", "since", "until", "page", "sort", "next"], value)
    for url in (dashboard, f"{dashboard}export/answers.csv", "/", "/accounts/login/", "/me/"):
        assert host.get(url, query).status_code < 500, url
