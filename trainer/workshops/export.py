"""The CSV export: one row per participant per decision the room played.

Rows are streamed: participants are read in chunks with their answers prefetched, so a
room of any size takes two queries per chunk and never sits in memory whole. A decision
a participant did not answer still gets its row, with the answer columns empty, so a
spreadsheet shows who was silent where.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch

from scenarios.leadership import Style
from trainer import spreadsheet
from trainer.play.models import Answer
from trainer.workshops.models import Participant, Workshop

CHUNK = 500
HEADER = [
    "workshop",
    "code",
    "participant",
    "display_name",
    "decision",
    "decision_key",
    "moment",
    "answered",
    "diagnosis",
    "readiness",
    "diagnosis_right",
    "style",
    "style_name",
    "best_style",
    "points",
    "response_seconds",
    "confidence",
    "reason",
    "answered_at",
]


def rows(workshop: Workshop) -> Iterator[list[object]]:
    steps = list(workshop.steps.select_related("decision_point").order_by("number"))
    yield HEADER
    participants = (
        Participant.objects.filter(workshop=workshop)
        .select_related("attempt")
        .prefetch_related(
            Prefetch("attempt__answers", queryset=Answer.objects.order_by("sequence"))
        )
        .order_by("joined_at", "pk")
    )
    for number, participant in enumerate(participants.iterator(chunk_size=CHUNK), start=1):
        answers = {a.decision_point_id: a for a in participant.attempt.answers.all()}
        for step in steps:
            point = step.decision_point
            answer = answers.get(point.pk)
            base = [
                workshop.name,
                workshop.code,
                number,
                participant.display_name,
                step.number,
                point.key,
                point.moment,
            ]
            if answer is None:
                yield [*base, "no", "", point.readiness, *[""] * 9]
                continue
            yield [
                *base,
                "yes",
                answer.diagnosis,
                answer.readiness,
                "yes" if answer.diagnosis_off == 0 else "no",
                answer.style,
                Style(answer.style).label,
                answer.best_style,
                answer.points,
                round(answer.response_ms / 1000, 1),
                answer.confidence if answer.confidence is not None else "",
                answer.reason,
                answer.answered_at.isoformat(timespec="seconds"),
            ]


def stream(workshop: Workshop) -> Iterator[str]:
    return spreadsheet.lines(rows(workshop))
