"""Authoring in the admin: pages open, and content that breaks the rules is not saved."""

from __future__ import annotations

import pytest

from scenarios.loading import load_files
from scenarios.models import DecisionPoint, Scenario
from tests.conftest import SCENARIO_FILES


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/scenarios/scenario/",
        "/admin/scenarios/scenario/?phase__exact=first-hour&published__exact=1&q=small",
        "/admin/scenarios/decisionpoint/",
        "/admin/scenarios/decisionpoint/?readiness__exact=R1&q=radio",
    ],
)
def test_admin_lists(admin_client, small_scenario, url: str) -> None:
    response = admin_client.get(url)
    assert response.status_code == 200


@pytest.mark.django_db
def test_admin_change_pages(admin_client, small_scenario) -> None:
    point = DecisionPoint.objects.get(key="alarm")
    assert (
        admin_client.get(f"/admin/scenarios/scenario/{small_scenario.pk}/change/").status_code
        == 200
    )
    response = admin_client.get(f"/admin/scenarios/decisionpoint/{point.pk}/change/")
    assert response.status_code == 200
    assert "Give three short orders" in response.content.decode()


def _point_form(point: DecisionPoint, **changes) -> dict:
    data = {
        "scenario": point.scenario_id,
        "key": point.key,
        "order": point.order,
        "active": "on",
        "moment": point.moment,
        "role": point.role,
        "narrative": point.narrative,
        "followers": point.followers,
        "cues": '["One cue."]',
        "readiness": point.readiness,
        "readiness_rationale": point.readiness_rationale,
        "time_budget": point.time_budget,
        "happened": point.happened,
        "provenance": point.provenance,
        "sources": '["K"]',
        "discussion_prompt": point.discussion_prompt,
        "options-TOTAL_FORMS": "4",
        "options-INITIAL_FORMS": "4",
        "options-MIN_NUM_FORMS": "4",
        "options-MAX_NUM_FORMS": "4",
    }
    for index, option in enumerate(point.options.all()):
        prefix = f"options-{index}-"
        data.update(
            {
                prefix + "id": option.pk,
                prefix + "decision_point": point.pk,
                prefix + "order": option.order,
                prefix + "style": option.style,
                prefix + "text": option.text,
                prefix + "points": option.points,
                prefix + "feedback": option.feedback,
                prefix + "next_point": option.next_point_id or "",
            }
        )
    data.update(changes)
    return data


@pytest.mark.django_db
def test_admin_saves_a_valid_edit(admin_client, small_scenario) -> None:
    point = DecisionPoint.objects.get(key="calm")
    url = f"/admin/scenarios/decisionpoint/{point.pk}/change/"
    response = admin_client.post(url, _point_form(point, narrative="A calmer morning."))
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    point.refresh_from_db()
    assert point.narrative == "A calmer morning."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"options-0-style": "S1"}, "Please correct the duplicate data for style"),
        ({"options-1-points": "2"}, "Exactly one option must have 2 points"),
        ({"options-0-points": "0"}, "Select a valid choice"),
        ({"time_budget": "20"}, "The time budget, 20 s, is below the reading load"),
        ({"options-0-text": "Many words " * 100}, "The time budget, 90 s, is below the reading"),
    ],
)
def test_admin_refuses_content_that_breaks_the_rules(
    admin_client, small_scenario, changes: dict, message: str
) -> None:
    point = DecisionPoint.objects.get(key="calm")
    before = list(point.options.values_list("style", "points"))
    url = f"/admin/scenarios/decisionpoint/{point.pk}/change/"
    response = admin_client.post(url, _point_form(point, narrative="Changed.", **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    point.refresh_from_db()
    assert point.narrative != "Changed."
    assert list(point.options.values_list("style", "points")) == before


@pytest.mark.django_db
def test_admin_shows_the_deeper_fields_and_an_edit_keeps_them(admin_client) -> None:
    load_files([SCENARIO_FILES / "valid_deep.yaml"])
    scenario = Scenario.objects.get(slug="test-deep")
    page = admin_client.get(f"/admin/scenarios/scenario/{scenario.pk}/change/").content.decode()
    assert "Conditions and endings" in page and "directive-too-long" in page
    assert "The slow first minutes" in page
    point = DecisionPoint.objects.get(key="split-team")
    url = f"/admin/scenarios/decisionpoint/{point.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert "Mixed-readiness team" in page and "the two new drivers" in page
    assert "&quot;next&quot;: &quot;recovery&quot;" in page  # the route, as JSON
    response = admin_client.post(url, _point_form(point, narrative="A new convoy."))
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.narrative == "A new convoy."
    assert point.team[0] == {"who": "Ana", "readiness": "R4"}
    assert point.routes == [{"if": ["slow-start"], "unless": [], "next": "recovery"}]
    alarm = DecisionPoint.objects.get(key="alarm")
    page = admin_client.get(f"/admin/scenarios/decisionpoint/{alarm.pk}/change/").content
    assert "slow-start" in page.decode()  # the options' sets
