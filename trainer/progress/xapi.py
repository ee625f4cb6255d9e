"""xAPI 1.0.3 statements for answers ("answered") and finished attempts ("completed").

Statements are built from plain rows (dicts of database values), so an export can stream
them straight from ``values()`` querysets, and the LRS outbox can store one the moment an
answer is recorded. Ids are derived from the record they describe (UUID version 5), so the
same answer always yields the same statement id: exporting twice, or sending again after a
lost reply, does not make duplicates in a learning record store.

Settings (read here with defaults, so none is required):

- ``XAPI_BASE_IRI``: the base of our activity and extension IRIs.
- ``XAPI_ACTOR``: ``"account"`` (default; the user id on ``XAPI_ACCOUNT_HOMEPAGE``) or
  ``"mbox"`` (their e-mail address; falls back to the account for users without one).
- ``XAPI_ACCOUNT_HOMEPAGE``: the home page of those accounts (default: the base IRI).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from scenarios.leadership import MAX_POINTS, Style
from trainer.play.scoring import best_fit, scaled

VERSION = "1.0.3"
DEFAULT_BASE_IRI = "https://golden-hour.example.org/xapi"
PLATFORM = "Golden Hour"
PASS_SCALED = 0.5  # an attempt "succeeds" at half the maximum adaptability or more

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ACTIVITY_INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
ACTIVITY_SIMULATION = "http://adlnet.gov/expapi/activities/simulation"


def verb(name: str) -> dict:
    """An ADL vocabulary verb, e.g. ``answered`` or ``completed`` (a fresh dict each time)."""
    return {"id": ADL_VERBS + name, "display": {"en-US": name}}


def base_iri() -> str:
    return (getattr(settings, "XAPI_BASE_IRI", "") or DEFAULT_BASE_IRI).rstrip("/")


def account_homepage() -> str:
    return getattr(settings, "XAPI_ACCOUNT_HOMEPAGE", "") or base_iri()


def actor_kind() -> str:
    kind = (getattr(settings, "XAPI_ACTOR", "") or "account").lower()
    return kind if kind in {"account", "mbox"} else "account"


def extension(name: str) -> str:
    return f"{base_iri()}/extensions/{name}"


def scenario_iri(slug: str) -> str:
    return f"{base_iri()}/scenarios/{slug}"


def point_iri(slug: str, key: str) -> str:
    return f"{scenario_iri(slug)}/decisions/{key}"


def statement_id(verb: str, record: object) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base_iri()}/statements/{verb}/{record}"))


def iso_duration(milliseconds: int | float) -> str:
    """An ISO 8601 duration to the hundredth of a second, e.g. ``PT1M5.25S``."""
    hundredths = int(
        (Decimal(max(0, milliseconds)) / 10).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    )
    hours, rest = divmod(hundredths, 360_000)
    minutes, rest = divmod(rest, 6_000)
    seconds = Decimal(rest) / 100
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if seconds or text == "PT":
        text += f"{seconds.normalize():f}S"
    return text


def iso_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def actor(user_id: int | None, username: str | None, email: str | None, attempt_id) -> dict:
    """The learner as an xAPI Agent; a workshop guest without an account gets one per attempt."""
    if user_id is None:
        return {
            "objectType": "Agent",
            "account": {"homePage": account_homepage(), "name": f"guest-{attempt_id}"},
        }
    agent: dict[str, object] = {"objectType": "Agent"}
    if username:
        agent["name"] = username
    if actor_kind() == "mbox" and email:
        agent["mbox"] = f"mailto:{email}"
    else:
        agent["account"] = {"homePage": account_homepage(), "name": str(user_id)}
    return agent


# What a row needs: the columns ``ANSWER_FIELDS`` and ``ATTEMPT_FIELDS`` select.
ANSWER_FIELDS = (
    "id",
    "attempt_id",
    "attempt__user_id",
    "attempt__user__username",
    "attempt__user__email",
    "attempt__mode",
    "attempt__scenario__slug",
    "attempt__scenario__title",
    "decision_point_id",
    "decision_point__key",
    "decision_point__moment",
    "decision_point__role",
    "readiness",
    "diagnosis",
    "style",
    "best_style",
    "points",
    "response_ms",
    "answered_at",
)
ATTEMPT_FIELDS = (
    "id",
    "user_id",
    "user__username",
    "user__email",
    "mode",
    "scenario__slug",
    "scenario__title",
    "started_at",
    "finished_at",
    "decisions",
    "points",
    "diagnosis_right",
)


def answered(row: dict) -> dict:
    """The "answered" statement for one answer row (see ``ANSWER_FIELDS``)."""
    slug = row["attempt__scenario__slug"]
    definition: dict[str, object] = {
        "name": {"en-US": f"{row['decision_point__moment']}: {row['decision_point__role']}"},
        "description": {
            "en-US": "Judge how ready the followers are, then choose what to do as their leader."
        },
        "type": ACTIVITY_INTERACTION,
        "interactionType": "choice",
        "correctResponsesPattern": [row["best_style"]],
        "choices": [dict(choice) for choice in CHOICES],
    }
    return {
        "id": statement_id("answered", row["id"]),
        "actor": actor(
            row["attempt__user_id"],
            row["attempt__user__username"],
            row["attempt__user__email"],
            row["attempt_id"],
        ),
        "verb": verb("answered"),
        "object": {
            "objectType": "Activity",
            "id": point_iri(slug, row["decision_point__key"]),
            "definition": definition,
        },
        "result": {
            "score": {
                "raw": row["points"],
                "min": -MAX_POINTS,
                "max": MAX_POINTS,
                "scaled": scaled(row["points"], 1),
            },
            "success": best_fit(row["style"], row["best_style"]),
            "completion": True,
            "response": row["style"],
            "duration": iso_duration(row["response_ms"]),
        },
        "context": {
            "registration": str(row["attempt_id"]),
            "platform": PLATFORM,
            "language": "en",
            "contextActivities": {
                "parent": [
                    {
                        "objectType": "Activity",
                        "id": scenario_iri(slug),
                        "definition": {
                            "name": {"en-US": row["attempt__scenario__title"]},
                            "type": ACTIVITY_SIMULATION,
                        },
                    }
                ]
            },
            "extensions": {
                extension("style-chosen"): row["style"],
                extension("readiness-diagnosed"): row["diagnosis"],
                extension("best-fit"): row["best_style"],
                extension("readiness"): row["readiness"],
                extension("mode"): row["attempt__mode"],
            },
        },
        "timestamp": iso_time(row["answered_at"]),
        "version": VERSION,
    }


def completed(row: dict) -> dict:
    """The "completed" statement for one finished attempt row (see ``ATTEMPT_FIELDS``)."""
    decisions = row["decisions"] or 0
    maximum = MAX_POINTS * decisions
    points = row["points"] or 0
    share = round(scaled(points, decisions), 4)
    result: dict[str, object] = {
        "completion": True,
        "success": share >= PASS_SCALED,
        "duration": iso_duration(
            (row["finished_at"] - row["started_at"]) / timedelta(milliseconds=1)
        ),
        "extensions": {
            extension("decisions"): decisions,
            extension("diagnosis-accuracy"): (
                round((row["diagnosis_right"] or 0) / decisions, 4) if decisions else 0.0
            ),
        },
    }
    if maximum:
        result["score"] = {"raw": points, "min": -maximum, "max": maximum, "scaled": share}
    return {
        "id": statement_id("completed", row["id"]),
        "actor": actor(row["user_id"], row["user__username"], row["user__email"], row["id"]),
        "verb": verb("completed"),
        "object": {
            "objectType": "Activity",
            "id": scenario_iri(row["scenario__slug"]),
            "definition": {
                "name": {"en-US": row["scenario__title"]},
                "type": ACTIVITY_SIMULATION,
            },
        },
        "result": result,
        "context": {
            "registration": str(row["id"]),
            "platform": PLATFORM,
            "language": "en",
            "extensions": {extension("mode"): row["mode"]},
        },
        "timestamp": iso_time(row["finished_at"]),
        "version": VERSION,
    }


CHOICES = [
    {"id": style.value, "description": {"en-US": f"{style.value} {style.label}"}} for style in Style
]
