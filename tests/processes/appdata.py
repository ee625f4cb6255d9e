"""Setting up and reading back an app database, from a child process with the server's env.

``python -m tests.processes.appdata COMMAND`` runs with the same settings and database as
the servers under test, and prints one line of JSON. The tests themselves never open
these databases through Django: pytest-django owns the test process's connections.

Commands:

- ``facilitator USERNAME PASSWORD``: a user who may run workshops.
- ``guests CLIENTS ATTEMPTS``: guest sessions, each with fresh self-paced attempts at the
  first decision of "The first hour", that decision's key and options, and how the
  servers will keep their database connections.
- ``answers``: every stored answer, with its attempt and, in a workshop, the participant.
"""

from __future__ import annotations

import json
import sys
from importlib import import_module

SCENARIO = "the-first-hour"


def facilitator(username: str, password: str) -> dict:
    from django.contrib.auth import get_user_model

    from scenarios.models import Scenario
    from trainer.accounts.roles import make_facilitator

    user = get_user_model().objects.create_user(username=username, password=password)
    make_facilitator(user)
    return {"scenario": Scenario.objects.get(slug=SCENARIO).pk}


def guests(clients: int, attempts: int) -> dict:
    from django.conf import settings
    from django.utils import timezone

    from scenarios.models import Scenario
    from trainer.play.guests import SESSION_KEY
    from trainer.play.models import Attempt, Mode, new_guest_token

    scenario = Scenario.objects.get(slug=SCENARIO)
    first = scenario.first_point()
    store = import_module(settings.SESSION_ENGINE).SessionStore
    now = timezone.now()
    database = settings.DATABASES["default"]
    plan = {
        "connections": {
            "max_age": database["CONN_MAX_AGE"],
            "pool": bool(database.get("OPTIONS", {}).get("pool")),
            "health_checks": database["CONN_HEALTH_CHECKS"],
        },
        "point": first.key,
        "options": {str(o.pk): o.text for o in first.options.all()},
        "clients": [],
    }
    for _ in range(clients):
        token = new_guest_token()
        session = store()
        session[SESSION_KEY] = token
        session.create()
        batch = Attempt.objects.bulk_create(
            Attempt(
                scenario=scenario,
                guest_token=token,
                mode=Mode.REFLECTIVE,
                content_version=scenario.content_version,
                current_point=first,
                current_served_at=now,
            )
            for _ in range(attempts)
        )
        plan["clients"].append(
            {"session": session.session_key, "attempts": [str(a.pk) for a in batch]}
        )
    return plan


def answers() -> dict:
    from trainer.play.models import Answer

    rows = Answer.objects.values_list(
        "attempt_id",
        "decision_point_id",
        "option_id",
        "diagnosis",
        "confidence",
        "reason",
        "style",
        "attempt__workshop_participant__display_name",
    )
    keys = ["attempt", "point", "option", "diagnosis", "confidence", "reason", "style", "name"]
    return {"answers": [dict(zip(keys, map(_plain, row), strict=True)) for row in rows]}


def _plain(value: object) -> object:
    return value if value is None or isinstance(value, int | str) else str(value)


def main(argv: list[str]) -> int:
    import django

    django.setup()
    command, *args = argv
    if command == "facilitator":
        result = facilitator(*args)
    elif command == "guests":
        result = guests(int(args[0]), int(args[1]))
    elif command == "answers":
        result = answers()
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
