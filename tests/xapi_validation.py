"""The rules of xAPI 1.0.3 that our statements must keep, for the tests to check them by.

Nothing in the app validates its own statements at run time (it builds them one way);
the tests run every statement the export and the outbox produce through ``problems``.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from urllib.parse import urlsplit

DURATION = re.compile(
    r"^P(?!$)(\d+(?:\.\d+)?Y)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?W)?(\d+(?:\.\d+)?D)?"
    r"(T(?=\d)(\d+(?:\.\d+)?H)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?S)?)?$"
)
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


def is_iri(value: object) -> bool:
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return bool(parts.scheme) and bool(parts.netloc or parts.path)


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _is_timestamp(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return moment.tzinfo is not None


def _language_map(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


def problems(statement: dict) -> list[str]:
    """What breaks the xAPI 1.0.3 rules in ``statement``; empty when it is valid."""
    found: list[str] = []
    if "id" in statement and not _is_uuid(statement["id"]):
        found.append("id is not a UUID")
    for name in ("actor", "verb", "object"):
        if name not in statement:
            found.append(f"{name} is missing")
    agent = statement.get("actor") or {}
    ifis = [name for name in _IFIS if name in agent]
    if len(ifis) != 1:
        found.append(f"actor needs exactly one identifier, has {ifis or 'none'}")
    if "mbox" in agent and not str(agent["mbox"]).startswith("mailto:"):
        found.append("actor.mbox must start with mailto:")
    if "account" in agent:
        account = agent["account"]
        if not is_iri(account.get("homePage")) or not account.get("name"):
            found.append("actor.account needs a homePage IRL and a name")
    verb = statement.get("verb") or {}
    if not is_iri(verb.get("id")):
        found.append("verb.id is not an IRI")
    if "display" in verb and not _language_map(verb["display"]):
        found.append("verb.display is not a language map")
    target = statement.get("object") or {}
    if target.get("objectType", "Activity") == "Activity":
        if not is_iri(target.get("id")):
            found.append("object.id is not an IRI")
        definition = target.get("definition") or {}
        if "type" in definition and not is_iri(definition["type"]):
            found.append("object.definition.type is not an IRI")
    result = statement.get("result")
    if result is not None:
        score = result.get("score")
        if score is not None:
            scaled = score.get("scaled")
            if scaled is not None and not -1 <= scaled <= 1:
                found.append("result.score.scaled is outside -1..1")
            low, high, raw = score.get("min"), score.get("max"), score.get("raw")
            if low is not None and high is not None and low >= high:
                found.append("result.score.min is not below max")
            if raw is not None and (
                (low is not None and raw < low) or (high is not None and raw > high)
            ):
                found.append("result.score.raw is outside min..max")
        if "duration" in result and not DURATION.match(str(result["duration"])):
            found.append("result.duration is not an ISO 8601 duration")
        for name in ("success", "completion"):
            if name in result and not isinstance(result[name], bool):
                found.append(f"result.{name} is not true or false")
        for key in result.get("extensions") or {}:
            if not is_iri(key):
                found.append(f"result extension {key!r} is not an IRI")
    context = statement.get("context")
    if context is not None:
        if "registration" in context and not _is_uuid(context["registration"]):
            found.append("context.registration is not a UUID")
        for key in context.get("extensions") or {}:
            if not is_iri(key):
                found.append(f"context extension {key!r} is not an IRI")
        for kind, activities in (context.get("contextActivities") or {}).items():
            for activity in activities:
                if not is_iri(activity.get("id")):
                    found.append(f"context activity in {kind} has no IRI id")
    if "timestamp" in statement and not _is_timestamp(statement["timestamp"]):
        found.append("timestamp is not an ISO 8601 date-time with a time zone")
    return found
