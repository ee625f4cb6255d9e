"""Small filters for the play and debrief templates."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.timesince import timesince

from scenarios import story
from scenarios.leadership import Style
from scenarios.reading import DECIDING_SECONDS, WORDS_PER_SECOND
from trainer.play.feedback import PROVENANCE_NOTES, duration
from trainer.play.feedback import behaviour as feedback_behaviour
from trainer.play.feedback import spoken_seconds as feedback_spoken_seconds
from trainer.play.scoring import LATE_RULE, LateRule

register = template.Library()


@register.filter
def clock(seconds) -> str:
    """Seconds as m:ss, for the countdown (the sign is dropped)."""
    try:
        total = abs(int(seconds))
    except (TypeError, ValueError):
        return ""
    minutes, rest = divmod(total, 60)
    return f"{minutes}:{rest:02d}"


@register.filter
def spoken_seconds(seconds) -> str:
    """Seconds in words (``feedback.spoken_seconds``)."""
    try:
        return feedback_spoken_seconds(int(seconds))
    except (TypeError, ValueError):
        return ""


@register.filter
def ms_duration(ms) -> str:
    try:
        return duration(int(ms))
    except (TypeError, ValueError):
        return ""


@register.filter
def style_name(code: str) -> str:
    try:
        return f"{code} {Style(code).label}"
    except ValueError:
        return code


@register.filter
def signed(number) -> str:
    try:
        value = int(number)
    except (TypeError, ValueError):
        return ""
    return f"{value:+d}".replace("-", "\u2212") if value else "0"


@register.filter
def provenance_note(provenance: str) -> str:
    return PROVENANCE_NOTES.get(provenance, "")


@register.filter
def behaviour(code: str) -> str:
    """High task, low relationship (and so on) for a style code."""
    try:
        return capfirst(feedback_behaviour(code))
    except KeyError:
        return ""


@register.filter
def ago(moment) -> str:
    """ "just now", or "3 hours ago"."""
    if not moment:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment)} ago"


@register.simple_tag
def consequences(point, conditions) -> list[story.Consequence]:
    """The point's ``if_set`` parts for the conditions set so far (an attempt's or a room's):
    ``{% consequences point attempt.conditions as found %}``."""
    return story.consequences(point, conditions or ())


@register.simple_tag
def cues_with(point, found) -> list[str]:
    """The point's own cues, then those its consequences add."""
    return story.cues_with(point, found or ())


@register.simple_tag
def late_rule() -> LateRule:
    """The Golden Hour rule's figures (``{% late_rule as rule %}``), from ``scoring``."""
    return LATE_RULE


@register.simple_tag
def reading_pace() -> dict[str, int]:
    """What a Golden Hour budget covers (``scenarios.reading``): the choices read at a
    second-language pace, and time to decide."""
    return {
        "words_per_minute": round(WORDS_PER_SECOND * 60),
        "deciding_seconds": DECIDING_SECONDS,
    }
