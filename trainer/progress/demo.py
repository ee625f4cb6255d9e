"""Realistic demo records for a cohort, made quickly: learners, attempts and answers.

Each learner walks the real branching paths of the published scenarios. They start with a
skill and a leaning (towards over- or under-directing) of their own and get better with
practice, so the charts and tables have something true-looking to show. Rows are written
with ``bulk_create`` in batches, a few hundred learners at a time, so memory stays flat.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from scenarios import story
from scenarios.leadership import best_option, level
from scenarios.models import Scenario
from trainer.accounts.roles import make_facilitator
from trainer.play.models import Answer, Attempt, Mode
from trainer.play.scoring import snapshot
from trainer.progress.models import Cohort, Membership
from trainer.progress.tallies import rebuild

DEMO_PASSWORD = "golden-hour-demo"
LEARNERS_PER_BATCH = 250
REASONS = (
    "They were frightened and needed one clear voice.",
    "The team knows this work; they need room, not orders.",
    "Willing but new to it, so I explained as I directed.",
    "Able, but shaken: I listened first.",
    "",
    "",
    "",
)


@dataclass
class _Option:
    pk: int
    style: str
    points: int
    next_point: int | None
    sets: list[str] = field(default_factory=list)


@dataclass
class _Point:
    pk: int
    readiness: str
    time_budget: int
    best_style: str
    options: list[_Option] = field(default_factory=list)
    # The point's routes with their targets as point ids (None: the end), as play reads them.
    routes: list[dict] = field(default_factory=list)


@dataclass
class _Scenario:
    pk: int
    version: int
    first: int
    points: dict[int, _Point]


@dataclass
class DemoResult:
    cohort: Cohort
    learners: int
    attempts: int
    answers: int


def _content() -> list[_Scenario]:
    """The published scenarios' paths, read once into plain objects."""
    scenarios = []
    for scenario in Scenario.objects.published().prefetch_related("decision_points__options"):
        points: dict[int, _Point] = {}
        active = {p.key: p.pk for p in scenario.decision_points.all() if p.active}
        for point in scenario.decision_points.all():
            if not point.active:
                continue
            options = [
                _Option(o.pk, o.style, o.points, o.next_point_id, list(o.sets or ()))
                for o in point.options.all()
            ]
            if not options:
                continue
            best = best_option(options)
            routes = [{**route, "next": active.get(route.get("next"))} for route in point.routes]
            points[point.pk] = _Point(
                point.pk, point.readiness, point.time_budget, best.style, options, routes
            )
        if not points:
            continue
        first = min(
            (p for p in scenario.decision_points.all() if p.pk in points), key=lambda p: p.order
        )
        scenarios.append(_Scenario(scenario.pk, scenario.content_version, first.pk, points))
    return scenarios


class _Learner:
    """One simulated person: how good they are, which way they lean, and when they play."""

    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.skill = rng.uniform(0.2, 0.7)
        self.lean = rng.choice(("over", "over", "under"))
        self.clock = now - timedelta(days=rng.uniform(20, 150))

    def choose(self, point: _Point) -> _Option:
        best = best_option(point.options)
        if self.rng.random() < self.skill:
            return best
        others = [o for o in point.options if o is not best]
        best_level = level(point.best_style)
        leaning = [
            o
            for o in others
            if (level(o.style) < best_level) == (self.lean == "over")
            and level(o.style) != best_level
        ]
        if leaning and self.rng.random() < 0.7:
            return self.rng.choice(leaning)
        return self.rng.choice(others)

    def diagnose(self, point: _Point) -> str:
        actual = level(point.readiness)
        if self.rng.random() < min(0.95, self.skill + 0.15):
            return point.readiness
        step = -1 if self.lean == "over" else 1
        if self.rng.random() < 0.3:
            step = -step
        guess = actual + step * (2 if self.rng.random() < 0.15 else 1)
        return f"R{min(4, max(1, guess))}"

    def practise(self) -> None:
        self.skill = min(0.92, self.skill + self.rng.uniform(0.0, 0.04))


def generate(
    *,
    learners: int,
    answers: int,
    cohort_name: str = "Demo cohort",
    facilitator_username: str = "facilitator",
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoResult:
    """Create ``learners`` accounts in a cohort, each with ``answers`` answers."""
    content = _content()
    if not content:
        raise ValueError("no published scenarios: run `python manage.py load_scenarios` first")
    rng = random.Random(seed)
    now = timezone.now()
    User = get_user_model()

    lead, created = User.objects.get_or_create(
        username=facilitator_username, defaults={"email": f"{facilitator_username}@example.org"}
    )
    if created:
        lead.set_unusable_password()
        lead.save(update_fields=["password"])
    make_facilitator(lead)
    cohort, _ = Cohort.objects.get_or_create(name=cohort_name, defaults={"created_by": lead})
    cohort.facilitators.add(lead)

    password = make_password(DEMO_PASSWORD)  # one hash for all: hashing 10,000 is slow
    run = uuid.uuid4().hex[:6]
    totals = [0, 0]
    for start in range(0, learners, LEARNERS_PER_BATCH):
        size = min(LEARNERS_PER_BATCH, learners - start)
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(
                        username=f"learner-{run}-{start + i + 1:05d}",
                        email=f"learner-{run}-{start + i + 1:05d}@example.org",
                        password=password,
                        date_joined=now - timedelta(days=160),
                    )
                    for i in range(size)
                ]
            )
            if users[0].pk is None:  # a backend that cannot return ids from a bulk insert
                names = [u.username for u in users]
                users = list(User.objects.filter(username__in=names).order_by("pk"))
            Membership.objects.bulk_create(
                [
                    Membership(cohort=cohort, user=u, joined_at=now - timedelta(days=150))
                    for u in users
                ]
            )
            attempts: list[Attempt] = []
            rows: list[Answer] = []
            for user in users:
                _play(rng, _Learner(rng, now), user.pk, content, answers, attempts, rows, now)
            Attempt.objects.bulk_create(attempts, batch_size=2000)
            Answer.objects.bulk_create(rows, batch_size=2000)
        totals[0] += len(attempts)
        totals[1] += len(rows)
        if progress is not None:
            progress(start + size, learners)
    rebuild(cohort)  # bulk inserts send no signals, so count the cohort's figures once here
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics after a bulk load
    return DemoResult(cohort, learners, totals[0], totals[1])


def _play(
    rng: random.Random,
    learner: _Learner,
    user_id: int,
    content: list[_Scenario],
    wanted: int,
    attempts: list[Attempt],
    rows: list[Answer],
    now: datetime,
) -> None:
    given = 0
    order = content[:]
    rng.shuffle(order)
    turn = 0
    while given < wanted:
        scenario = order[turn % len(order)]
        turn += 1
        mode = Mode.TIMED if rng.random() < 0.3 else Mode.REFLECTIVE
        started = min(learner.clock, now - timedelta(minutes=30))
        attempt = Attempt(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            scenario_id=scenario.pk,
            user_id=user_id,
            mode=mode,
            content_version=scenario.version,
            started_at=started,
        )
        moment = started
        point_id: int | None = scenario.first
        conditions: list[str] = []
        sequence = 0
        while point_id is not None and given < wanted:
            point = scenario.points[point_id]
            option = learner.choose(point)
            diagnosis = learner.diagnose(point)
            think = rng.randint(12_000, 140_000) if mode == Mode.REFLECTIVE else None
            response_ms = think or rng.randint(8_000, point.time_budget * 1_300)
            served = moment + timedelta(seconds=rng.randint(5, 40))
            answered = served + timedelta(milliseconds=response_ms)
            sequence += 1
            rows.append(
                Answer(
                    attempt_id=attempt.id,
                    decision_point_id=point.pk,
                    option_id=option.pk,
                    sequence=sequence,
                    confidence=rng.choice((None, 2, 3, 3, 4, 4, 5)),
                    reason=rng.choice(REASONS),
                    served_at=served,
                    answered_at=answered,
                    **snapshot(
                        readiness=point.readiness,
                        time_budget=point.time_budget,
                        option=option,
                        best_style=point.best_style,
                        diagnosis=diagnosis,
                        response_ms=response_ms,
                        timed=mode == Mode.TIMED,
                    ),
                )
            )
            given += 1
            moment = answered
            # Where play would go next (scenarios.story): the first route the conditions
            # open, or else the option's own branch.
            conditions = story.applied(conditions, option.sets)
            route = next((r for r in point.routes if story.holds(r, conditions)), None)
            point_id = route["next"] if route is not None else option.next_point
            if point_id not in scenario.points:
                point_id = None
        attempt.conditions = conditions
        if point_id is None:
            attempt.finished_at = moment
        else:
            attempt.current_point_id = point_id
        attempts.append(attempt)
        learner.practise()
        learner.clock = moment + timedelta(hours=rng.uniform(6, 24 * 9))
