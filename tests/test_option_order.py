"""The order of a decision's options: drawn per attempt and per room, stable, never the file's."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from scenarios.order import room_seed, shown_order
from tests.test_play_support import start
from trainer.workshops.models import Workshop

pytestmark = pytest.mark.django_db

OPTION_TEXT = re.compile(r'name="option" value="(\d+)"')


def shown_ids(html: str) -> list[int]:
    return [int(pk) for pk in OPTION_TEXT.findall(html)]


def test_an_attempt_sees_one_order_on_every_reload(client, small_scenario) -> None:
    attempt = start(client, small_scenario)
    first = shown_ids(client.get(f"/play/{attempt.pk}/").content.decode())
    assert len(first) == 4
    for _ in range(3):
        assert shown_ids(client.get(f"/play/{attempt.pk}/").content.decode()) == first


def test_attempts_see_different_orders_and_never_only_the_files(small_scenario) -> None:
    point = small_scenario.first_point()
    in_file = list(point.options.order_by("order").values_list("pk", flat=True))
    orders = set()
    for _ in range(12):
        client = Client()
        attempt = start(client, small_scenario)
        orders.add(tuple(shown_ids(client.get(f"/play/{attempt.pk}/").content.decode())))
    assert len(orders) >= 3  # 24 orders are possible; a fixed one would show once
    assert {frozenset(order) for order in orders} == {frozenset(in_file)}


def test_the_order_is_drawn_from_the_seed_alone() -> None:
    class Row:
        def __init__(self, pk: int) -> None:
            self.pk = pk

    options = [Row(pk) for pk in (11, 12, 13, 14)]
    assert [o.pk for o in shown_order(options, "x")] == [
        o.pk for o in shown_order(list(reversed(options)), "x")
    ]
    seen = {tuple(o.pk for o in shown_order(options, room_seed(n))) for n in range(40)}
    assert len(seen) > 10


def test_the_projector_and_every_phone_share_the_rooms_letters(small_scenario, facilitator):
    workshop = Workshop.create(scenario=small_scenario, facilitator=facilitator)
    host = Client()
    host.force_login(facilitator)
    phones = []
    for name in ("Ana", "Bento"):
        phone = Client()
        assert phone.post(f"/join/{workshop.code}/", {"display_name": name}).status_code == 303
        phones.append(phone)
    host.post(f"/workshops/{workshop.pk}/", {"action": "open", "step": 0})
    projector = host.get(f"/workshops/{workshop.pk}/present/").content.decode()
    point = small_scenario.first_point()
    texts = {o.pk: o.text for o in point.options.all()}
    cards = re.findall(
        r'<span class="choice-letter" aria-hidden="true">([A-D])</span>.*?'
        r'<span class="choice-text">(.*?)</span>',
        projector,
    )
    assert [letter for letter, _ in cards] == list("ABCD")
    for phone in phones:
        html = phone.get(workshop.room_path).content.decode()
        ids = shown_ids(html)
        assert [texts[pk] for pk in ids] == [text for _, text in cards]
        assert re.findall(
            r'<span class="choice-letter" aria-hidden="true">([A-D])</span>', html
        ) == list("ABCD")


def test_the_debrief_says_what_the_scenario_trains(client, small_scenario) -> None:
    from tests.test_play_support import play_small_to_the_end

    attempt = start(client, small_scenario)
    play_small_to_the_end(client, attempt)
    html = client.get(f"/play/{attempt.pk}/debrief/").content.decode()
    assert "What this scenario trains" in html
    assert small_scenario.trains in html
