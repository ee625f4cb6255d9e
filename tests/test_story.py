"""Stories that carry choices forward: conditions, routes, consequences, endings, and the
points the model alone does not settle (mixed teams, hard calls, rule stops).

Played through the views on ``tests/scenario_files/story_small.yaml``: alone (with and
without htmx) and in a workshop room, where the action the room follows sets the conditions.
"""

from __future__ import annotations

import re
from html import unescape
from types import SimpleNamespace

import pytest
from django.test import Client

from scenarios import story
from scenarios.models import DecisionPoint
from tests.test_play_support import answer, answer_data, option, point, proceed, start
from trainer.play.models import Attempt
from trainer.workshops.models import Participant, Status, Workshop
from trainer.workshops.views import debrief_token

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
CONSEQUENCE = "The two radio messages from dawn are still being argued over in the corridor."
EXTRA_CUE = "Someone asks out loud who is really in charge."
DESK = "For three days every decision has waited in your in-tray."


def text(response) -> str:
    return response.content.decode()


def visible(html: str) -> str:
    """The page's text with tags and runs of white space squeezed out."""
    squeezed = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
    return re.sub(r" ([:;,.)])", r"\1", squeezed)


@pytest.fixture
def guest() -> Client:
    return Client()


def answer_hx(client: Client, attempt: Attempt, key: str, style: str, diagnosis: str):
    """Answer as htmx does: the feedback fragment comes back."""
    data = answer_data(attempt.scenario, key, style, diagnosis)
    return client.post(f"/play/{attempt.pk}/answer/", data, headers=HX)


# The rule itself ------------------------------------------------------------------------------


def test_a_rule_holds_when_all_its_ifs_are_set_and_none_of_its_unlesses():
    rule = {"if": ["a", "b"], "unless": ["c"]}
    assert story.holds(rule, ["a", "b"])
    assert not story.holds(rule, ["a"])
    assert not story.holds(rule, ["a", "b", "c"])
    assert story.holds({}, [])  # a fallback holds always
    assert story.applied(["b"], ["a", "b"]) == ["a", "b"]


def test_a_route_decides_before_the_actions_next_with_the_actions_own_sets(story_scenario):
    convoy = point(story_scenario, "convoy")
    options = list(convoy.options.select_related("next_point"))
    assert {p.key for p in story.following_each(convoy, options, []).values()} == {"report"}
    assert {p.key for p in story.following_each(convoy, options, ["two-voices"]).values()} == {
        "regroup"
    }
    # The radio point has no routes: each option's own next (the next point in order).
    radio = point(story_scenario, "radio")
    s4 = option(story_scenario, "radio", "S4")
    assert story.following(radio, s4, []).key == "convoy"
    assert not story.ends_here(radio, s4, [])
    # A route's own sets count: an option that sets the route's condition takes it.
    fake = SimpleNamespace(pk=-1, sets=["two-voices"], next_point_id=None, next_point=None)
    assert story.following_each(convoy, [fake], [])[-1].key == "regroup"


def test_a_route_to_a_point_that_is_gone_ends_the_story(story_scenario):
    DecisionPoint.objects.filter(scenario=story_scenario, key="regroup").update(active=False)
    convoy = point(story_scenario, "convoy")
    s1 = option(story_scenario, "convoy", "S1")
    assert story.following(convoy, s1, ["two-voices"]) is None


def test_the_first_ending_that_holds_is_chosen(story_scenario):
    assert story.ending_for(story_scenario, []).key == "one-voice"
    assert story.ending_for(story_scenario, ["two-voices", "desk-bound"]).key == "mixed-start"
    assert story.ending_for(story_scenario, ["desk-bound"]).key == "held-tight"
    story_scenario.endings = []
    assert story.ending_for(story_scenario, ["desk-bound"]) is None


def test_consequences_show_only_for_conditions_set(story_scenario):
    regroup = point(story_scenario, "regroup")
    assert story.consequences(regroup, []) == []
    found = story.consequences(regroup, ["two-voices", "desk-bound"])
    assert [part.name for part in found] == ["two-voices"]
    assert story.cues_with(regroup, found)[-1] == EXTRA_CUE
    assert story.cues_with(regroup, found)[:2] == regroup.cues


# Alone: the whole story ------------------------------------------------------------------------


def test_an_early_choice_routes_the_story_comes_back_and_picks_the_ending(guest, story_scenario):
    attempt = start(guest, story_scenario)
    radio_page = text(guest.get(f"/play/{attempt.pk}/"))
    assert "Because of an earlier choice" not in radio_page

    answer(guest, attempt, "radio", "S4", "R1")  # delegating: two voices on the radio
    attempt.refresh_from_db()
    assert attempt.conditions == ["two-voices"]
    proceed(guest, attempt, "radio")

    # A mixed team: who is in it, never their readiness.
    convoy_page = text(guest.get(f"/play/{attempt.pk}/"))
    team = re.search(r'<ul class="team"[^>]*>(.*?)</ul>', convoy_page, re.S).group(1)
    assert "<li>Lina</li>" in team and "<li>the two new drivers</li>" in team
    assert not re.search(r"R[1-4]", team)
    # After answering: who needed what.
    feedback = visible(text(answer_hx(guest, attempt, "convoy", "S1", "R1")))
    assert "Who needed what" in feedback
    assert "Lina: R4 (able and willing), which calls for S4 Delegating" in feedback
    assert "the two new drivers: R1" in feedback and "calls for S1 Directing" in feedback
    proceed(guest, attempt, "convoy")

    # The route the condition opened, and the paragraph it shows, before the narrative.
    attempt.refresh_from_db()
    assert attempt.current_point.key == "regroup"
    regroup_page = text(guest.get(f"/play/{attempt.pk}/"))
    lead = regroup_page.index("Because of an earlier choice")
    assert lead < regroup_page.index(CONSEQUENCE) < regroup_page.index("The duty team is steadier")
    cues = re.search(r'<ul class="cues"[^>]*>(.*?)</ul>', regroup_page, re.S).group(1)
    assert cues.index("They still miss steps") < cues.index(EXTRA_CUE)

    # A hard call: the trade-off, as the thing to talk over.
    feedback = visible(text(answer_hx(guest, attempt, "regroup", "S3", "R2")))
    assert "A hard call" in feedback
    assert "both S2 Coaching and S3 Supporting can be defended" in feedback
    assert "Coaching keeps the routine firm while people learn it" in feedback
    assert "less directive than LEAD's best fit, and still defensible here" in feedback
    assert "than the moment called for" not in feedback
    proceed(guest, attempt, "regroup")

    # A rule stop: the best fit is the point's own, not the readiness match.
    assert "Because of an earlier choice" not in text(guest.get(f"/play/{attempt.pk}/"))
    response = answer(guest, attempt, "report", "S4", "R4")
    assert response.status_code == 303
    feedback = visible(text(guest.get(f"/play/{attempt.pk}/")))
    assert "Where the matching rule stops" in feedback
    assert "R4 would call for S4 Delegating" in feedback
    assert "the best fit is S3 Supporting" in feedback
    assert "cannot be handed to the section chiefs" in feedback
    assert "See your debrief" in feedback
    proceed(guest, attempt, "report")

    attempt.refresh_from_db()
    assert attempt.is_finished
    debrief = text(guest.get(f"/play/{attempt.pk}/debrief/"))
    page = visible(debrief)
    assert "Two voices at dawn" in page
    assert "What carried through" in page
    assert "Two orders that did not agree went out from the radio room." in page
    assert "The warning: failing to take charge" in page
    differ = visible(
        re.search(r'<section class="debrief-differ".*?</section>', debrief, re.S).group(0)
    )
    assert "Where reasonable leaders differ" in differ
    assert "11 Feb 2008, about 10:00" in differ
    assert "You chose S3 Supporting (+1 point)" in differ
    assert "Supporting gives an eager team the decisions it wants" in differ
    assert "14 Feb 2008" not in differ  # the rule stop is no hard call
    # The printable debrief carries the same report.
    assert "Two voices at dawn" in text(guest.get(f"/play/{attempt.pk}/debrief/print/"))


def test_without_the_condition_the_story_follows_the_actions_and_ends_well(guest, story_scenario):
    attempt = start(guest, story_scenario)
    answer(guest, attempt, "radio", "S1", "R1")
    proceed(guest, attempt, "radio")
    answer(guest, attempt, "convoy", "S1", "R1")
    proceed(guest, attempt, "convoy")
    attempt.refresh_from_db()
    assert attempt.conditions == []
    assert attempt.current_point.key == "report"  # the regroup is skipped
    assert DESK not in text(guest.get(f"/play/{attempt.pk}/"))
    answer(guest, attempt, "report", "S3", "R4")
    proceed(guest, attempt, "report")
    page = visible(text(guest.get(f"/play/{attempt.pk}/debrief/")))
    assert "The mission spoke with one voice" in page
    assert "What carried through" not in page
    assert "Where reasonable leaders differ" not in page


def test_a_later_choice_adds_its_condition_and_the_next_point_shows_it(guest, story_scenario):
    attempt = start(guest, story_scenario)
    for key, style, readiness in [("radio", "S3", "R1"), ("convoy", "S1", "R1")]:
        answer(guest, attempt, key, style, readiness)
        proceed(guest, attempt, key)
    answer(guest, attempt, "regroup", "S1", "R2")  # directing: it stays on your desk
    attempt.refresh_from_db()
    assert attempt.conditions == ["desk-bound", "two-voices"]
    proceed(guest, attempt, "regroup")
    report = text(guest.get(f"/play/{attempt.pk}/"))
    assert DESK in report and report.index(DESK) < report.index("The section chiefs have drafted")
    answer(guest, attempt, "report", "S3", "R4")
    proceed(guest, attempt, "report")
    page = visible(text(guest.get(f"/play/{attempt.pk}/debrief/")))
    assert "Two voices at dawn" in page  # the first ending that holds
    carried = page[page.index("What carried through") :]
    # In the order they were set: the radio first, the desk later.
    assert carried.index("Two orders that did not agree") < carried.index("Every decision stayed")


def test_reload_and_a_second_answer_keep_the_conditions_as_they_were(guest, story_scenario):
    attempt = start(guest, story_scenario)
    answer(guest, attempt, "radio", "S1", "R1")
    again = answer(guest, attempt, "radio", "S4", "R1")  # a second answer: the first stands
    assert again.status_code == 409
    attempt.refresh_from_db()
    assert attempt.conditions == []
    proceed(guest, attempt, "radio")
    proceed(guest, attempt, "radio")  # a double click on Continue changes nothing
    attempt.refresh_from_db()
    assert attempt.current_point.key == "convoy" and attempt.points_done == 1


def test_an_attempt_whose_route_target_went_away_ends_as_today(guest, story_scenario):
    attempt = start(guest, story_scenario)
    answer(guest, attempt, "radio", "S4", "R1")
    proceed(guest, attempt, "radio")
    answer(guest, attempt, "convoy", "S1", "R1")
    DecisionPoint.objects.filter(scenario=story_scenario, key="regroup").update(active=False)
    proceed(guest, attempt, "convoy")
    attempt.refresh_from_db()
    assert attempt.is_finished
    assert "Two voices at dawn" in text(guest.get(f"/play/{attempt.pk}/debrief/"))


def test_the_feedback_says_when_a_route_ends_the_story(guest, story_scenario):
    convoy = point(story_scenario, "convoy")
    convoy.routes = [{"if": ["two-voices"], "unless": [], "next": None}]
    convoy.save()
    attempt = start(guest, story_scenario)
    answer(guest, attempt, "radio", "S4", "R1")
    proceed(guest, attempt, "radio")
    page = text(answer_hx(guest, attempt, "convoy", "S1", "R1"))
    assert "See your debrief" in page
    proceed(guest, attempt, "convoy")
    attempt.refresh_from_db()
    assert attempt.is_finished


# In a workshop room ---------------------------------------------------------------------------


@pytest.fixture
def host(facilitator) -> Client:
    client = Client()
    client.force_login(facilitator)
    return client


def _fresh(workshop: Workshop) -> Workshop:
    return Workshop.objects.select_related("current_step__decision_point").get(pk=workshop.pk)


def _act(client: Client, workshop: Workshop, action: str, **extra):
    data = {"action": action, "step": _fresh(workshop).step_number, **extra}
    response = client.post(f"/workshops/{workshop.pk}/", data)
    assert response.status_code == 303, text(client.get(f"/workshops/{workshop.pk}/"))[:3000]
    return response


def _join(workshop: Workshop, name: str) -> Client:
    client = Client()
    assert client.post(f"/join/{workshop.code}/", {"display_name": name}).status_code == 303
    return client


def _send(client: Client, workshop: Workshop, style: str, diagnosis: str = "R1"):
    decision = _fresh(workshop).current_step.decision_point
    data = {
        "point": decision.pk,
        "diagnosis": diagnosis,
        "option": decision.options.get(style=style).pk,
    }
    return client.post(workshop.room_path, data, headers=HX)


def _present(host: Client, workshop: Workshop) -> str:
    return text(host.get(f"/workshops/{workshop.pk}/present/"))


def test_the_room_follows_its_majority_and_carries_its_conditions(
    host, facilitator, story_scenario
):
    workshop = Workshop.create(scenario=story_scenario, facilitator=facilitator)
    ana, bruno, chen = (_join(workshop, name) for name in ("Ana", "Bruno", "Chen"))
    _act(host, workshop, "open")
    _send(ana, workshop, "S4")
    _send(bruno, workshop, "S4")
    _send(chen, workshop, "S1")
    # A phone's own answer sets nothing: the room's followed action will.
    assert (
        Attempt.objects.filter(workshop_participant__workshop=workshop)
        .exclude(conditions=[])
        .count()
        == 0
    )
    _act(host, workshop, "reveal")
    control = text(host.get(f"/workshops/{workshop.pk}/"))
    assert "Every action leads on to the same decision: “11 Feb 2008, about 08:00”" in control
    _act(host, workshop, "open")
    assert _fresh(workshop).conditions == ["two-voices"]
    phones = Attempt.objects.filter(workshop_participant__workshop=workshop)
    assert [a.conditions for a in phones] == [["two-voices"]] * 3

    # The convoy: the team on the projector and on the phones, without readiness.
    presenter = _present(host, workshop)
    assert "The team for this task" in presenter and "<li>Lina</li>" in presenter
    phone = text(ana.get(workshop.room_path))
    assert "<li>the two new drivers</li>" in phone
    for client in (ana, bruno, chen):
        _send(client, workshop, "S1")
    _act(host, workshop, "reveal")
    # The room's condition opens the route for every action.
    control = text(host.get(f"/workshops/{workshop.pk}/"))
    assert "Every action leads on to the same decision: “11 Feb 2008, about 10:00”" in control
    assert "So far the room's story has set: " in control
    assert "Two orders that did not agree went out from the radio room." in control
    feedback = visible(text(ana.get(workshop.room_path)))
    assert "Who needed what" in feedback and "Lina: R4" in feedback
    _act(host, workshop, "open")
    assert _fresh(workshop).current_step.decision_point.key == "regroup"

    # The regroup: the room's earlier choice on both screens; the hard call at the reveal.
    presenter = _present(host, workshop)
    assert "Because of an earlier choice" in presenter and CONSEQUENCE in presenter
    assert EXTRA_CUE in presenter
    phone = text(bruno.get(workshop.room_path))
    assert CONSEQUENCE in phone and EXTRA_CUE in phone
    for client in (ana, bruno):
        _send(client, workshop, "S1")  # directing: the desk keeps it all
    _send(chen, workshop, "S2")
    _act(host, workshop, "reveal")
    reveal = visible(_present(host, workshop))
    assert "A hard call: S2 Coaching or S3 Supporting?" in reveal
    assert "Supporting gives an eager team the decisions it wants" in reveal
    assert "A hard call" in visible(text(chen.get(workshop.room_path)))
    _act(host, workshop, "open")
    assert _fresh(workshop).conditions == ["desk-bound", "two-voices"]

    # The report: the rule stop at the reveal, and the room's ending at the end.
    assert DESK in _present(host, workshop)
    for client in (ana, bruno, chen):
        _send(client, workshop, "S4", "R4")
    _act(host, workshop, "reveal")
    reveal = visible(_present(host, workshop))
    assert "Where the matching rule stops" in reveal
    phone = visible(text(ana.get(workshop.room_path)))
    assert "R4 would call for S4 Delegating" in phone and "the best fit is S3 Supporting" in phone
    _act(host, workshop, "end")
    assert _fresh(workshop).status == Status.ENDED
    assert "How the room's story ended: Two voices at dawn" in visible(
        text(ana.get(workshop.room_path))
    )
    finale = visible(_present(host, workshop))
    assert "How the room's story ended" in finale and "Two voices at dawn" in finale
    results = visible(text(host.get(f"/workshops/{workshop.pk}/results/")))
    assert "Two voices at dawn" in results
    assert "Every decision stayed on your desk after the team could take it." in results

    # Each participant's own debrief tells the room's story.
    person = Participant.objects.get(workshop=workshop, display_name="Chen")
    debrief = visible(text(Client().get(f"/workshops/debrief/{debrief_token(person)}/")))
    assert "How it ended, as the room played it" in debrief
    assert "Two voices at dawn" in debrief
    assert "The actions the room followed set these" in debrief
    assert "Where reasonable leaders differ" in debrief


def test_the_facilitators_pick_sets_the_rooms_conditions(host, facilitator, story_scenario):
    workshop = Workshop.create(scenario=story_scenario, facilitator=facilitator)
    ana = _join(workshop, "Ana")
    _act(host, workshop, "open")
    _send(ana, workshop, "S1")
    _act(host, workshop, "reveal")
    s3 = point(story_scenario, "radio").options.get(style="S3")
    _act(host, workshop, "branch", option=s3.pk)
    _act(host, workshop, "open")
    assert _fresh(workshop).conditions == ["two-voices"]
    # A late joiner is in the room's story too.
    _join(workshop, "Dara")
    late = Participant.objects.get(workshop=workshop, display_name="Dara").attempt
    assert late.conditions == ["two-voices"]


def test_a_room_that_ends_at_its_first_decision_has_the_ending_of_what_it_followed(
    host, facilitator, story_scenario
):
    workshop = Workshop.create(scenario=story_scenario, facilitator=facilitator)
    ana = _join(workshop, "Ana")
    _act(host, workshop, "open")
    _send(ana, workshop, "S4")
    _act(host, workshop, "reveal")
    _act(host, workshop, "end")
    assert _fresh(workshop).conditions == ["two-voices"]
    assert "Two voices at dawn" in _present(host, workshop)
