"""Facilitator guides and the model page: the guide files' checks, who may read a guide,
and the links that lead to both."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.test import Client

from scenarios import guides
from scenarios.validation import bundled_files, validate_files
from tests.test_play_support import play_small_to_the_end, start
from trainer.workshops.models import Workshop

GUIDES = guides.GUIDES_DIR
SMALL_KEYS = {"test-small": ["alarm", "chaos", "calm"], "other": ["first", "second"]}

GOOD = """\
scenario: test-small
audience: >
  People who will lead a small team through a sudden alarm.
plans:
  - minutes: 45
    outline: >
      {outline}
    discuss: [alarm]
  - minutes: 90
    outline: >
      {outline}
    discuss: [alarm, calm]
linger: [alarm]
echoes:
  - here: calm
    scenario: other
    point: second
    note: The same calm after the storm, seen from the other seat.
"""
OUTLINE = " ".join(["word"] * 70)


def _read(text: str, stem: str = "test-small"):
    return guides.read(text, "scenarios/guides/test-small.yaml", stem, SMALL_KEYS)


def _good(**replace: str) -> str:
    text = GOOD.replace("{outline}", OUTLINE)
    for old, new in replace.items():
        text = text.replace(old, new)
    return text


def test_a_sound_guide_is_read_with_its_plans_in_order() -> None:
    guide, errors = _read(_good())
    assert errors == []
    assert [plan.minutes for plan in guide.plans] == [45, 90]
    assert guide.plan(90).discuss == ("alarm", "calm")
    assert guide.linger == ("alarm",)
    assert guide.echoes[0] == guides.Echo("other", "second", guide.echoes[0].note, "calm")


# what to break, where the message points, and words it must say
BAD = [
    (
        "discuss: [alarm]\n  - minutes: 90",
        8,
        "'discuss' names 'nowhere'",
        "discuss: [nowhere]\n  - minutes: 90",
    ),
    ("    point: second", 17, "'missing' is not a point of 'other'", "    point: missing"),
    ("    scenario: other", 16, "no scenario 'elsewhere'", "    scenario: elsewhere"),
    ("  - minutes: 90", 4, "there is no 90-minute plan", "  - minutes: 60"),
    ("linger: [alarm]", 13, "'linger' names 'nowhere', which is not a point", "linger: [nowhere]"),
    ("scenario: test-small\n", 1, "there is no scenario 'unknown'", "scenario: unknown\n"),
    ("audience:", 2, "unknown field 'audiences'", "audiences:"),
    ("  - here: calm", 15, "'here' names 'gone'", "  - here: gone"),
]


@pytest.mark.parametrize(("old", "line", "words", "new"), BAD)
def test_a_bad_guide_is_refused_with_its_line(old: str, line: int, words: str, new: str) -> None:
    guide, errors = _read(_good(**{old: new}))
    assert guide is None
    assert any(
        error.startswith(f"scenarios/guides/test-small.yaml:{line}: ") and words in error
        for error in errors
    ), errors


def test_an_outline_out_of_bounds_is_refused() -> None:
    text = GOOD.replace("{outline}", "Too short.", 1).replace("{outline}", OUTLINE)
    _, errors = _read(text)
    assert errors == ["scenarios/guides/test-small.yaml:6: 'outline' has 2 words; write 60 to 150"]


def test_a_point_to_linger_on_must_be_discussed_in_the_longest_plan() -> None:
    _, errors = _read(_good(**{"linger: [alarm]": "linger: [chaos]"}))
    assert any("the 90-minute plan does not discuss" in error for error in errors), errors


def test_a_guide_must_be_named_after_its_scenario() -> None:
    _, errors = _read(_good(), stem="wrong-name")
    assert any("name it 'test-small.yaml'" in error for error in errors), errors


def test_every_bundled_scenario_has_a_sound_guide() -> None:
    report = validate_files()
    assert [e for e in report.errors if "guides/" in e] == []
    assert {path.stem for path in GUIDES.glob("*.yaml")} >= {p.stem for p in bundled_files()}
    for path in bundled_files():
        guide = guides.guide_for(path.stem)
        assert guide is not None and guide.plan(45) and guide.plan(90)


def test_a_missing_or_broken_guide_fails_validate_scenarios(tmp_path, monkeypatch) -> None:
    copy = tmp_path / "guides"
    shutil.copytree(GUIDES, copy)
    (copy / "the-first-hour.yaml").unlink()
    days = copy / "the-first-days.yaml"
    days.write_text(days.read_text().replace("point: wardens-at-night", "point: gone"))
    monkeypatch.setattr(guides, "GUIDES_DIR", copy)
    errors = validate_files().errors
    assert any(
        e.endswith(
            "the-first-hour.yaml:1: scenario 'the-first-hour' has no facilitator guide: "
            "write this file (see docs/authoring.md, 'Facilitator guides')"
        )
        for e in errors
    ), errors
    assert any("the-first-days.yaml:" in e and "'gone' is not a point of" in e for e in errors)


def test_a_file_from_elsewhere_needs_no_guide() -> None:
    report = validate_files([Path(__file__).parent / "scenario_files" / "valid_small.yaml"])
    assert report.ok, report.errors


# --- The pages ---------------------------------------------------------------------------


@pytest.fixture
def host(facilitator) -> Client:
    client = Client()
    client.force_login(facilitator)
    return client


@pytest.mark.django_db
def test_the_model_page_is_public_and_has_its_contents(client) -> None:
    response = client.get("/model/")
    assert response.status_code == 200
    page = response.content.decode()
    for anchor in ("readiness", "styles", "slii", "speech", "golden-hour", "scoring", "evidence"):
        assert f'href="#{anchor}"' in page and f'id="{anchor}"' in page
    assert "Telling" in page and "Enthusiastic beginner" in page
    lead = ", ".join(f"<strong>{value}</strong>" for value in ("+2", "+1", "\u22121", "\u22122"))
    assert lead in page  # LEAD's points, signed with a true minus


@pytest.mark.django_db
def test_a_facilitator_reads_the_guide_and_its_sheet(host, bundled_scenarios) -> None:
    page = host.get("/scenarios/the-first-hour/guide/").content.decode()
    assert "45 minutes" in page and "90 minutes" in page
    assert "Shortly after 06:00".lower() in page.lower()
    assert "S4 Delegating" in page  # the medical team's best fit: the answer key is there
    assert 'href="/scenarios/the-whole-arc/"' in page  # an echo leads to its scenario
    assert 'href="/scenarios/the-first-hour/guide/print/"' in page
    sheet = host.get("/scenarios/the-first-hour/guide/print/")
    assert sheet.status_code == 200 and b"Answer key" in sheet.content


@pytest.mark.django_db
def test_the_guide_page_asks_a_fixed_number_of_queries(
    host, bundled_scenarios, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(11):
        assert host.get("/scenarios/the-whole-arc/guide/").status_code == 200


@pytest.mark.django_db
def test_a_trainee_cannot_see_a_guide(client, trainee, bundled_scenarios) -> None:
    for url in ("/scenarios/the-first-hour/guide/", "/scenarios/the-first-hour/guide/print/"):
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    client.force_login(trainee)
    for url in ("/scenarios/the-first-hour/guide/", "/scenarios/the-first-hour/guide/print/"):
        response = client.get(url)
        assert response.status_code == 403
        page = response.content.decode()
        assert "This guide is for facilitators" in page
        assert "S4 Delegating" not in page and "45 minutes" not in page
    scenario_page = client.get("/scenarios/the-first-hour/").content.decode()
    assert "/guide/" not in scenario_page


@pytest.mark.django_db
def test_a_scenario_without_a_guide_has_no_guide_page(host, small_scenario) -> None:
    assert host.get(f"/scenarios/{small_scenario.slug}/guide/").status_code == 404
    assert "/guide/" not in host.get(f"/scenarios/{small_scenario.slug}/").content.decode()


@pytest.mark.django_db
def test_the_scenario_page_links_a_facilitator_to_the_guide(host, bundled_scenarios) -> None:
    page = host.get("/scenarios/the-first-hour/").content.decode()
    assert 'href="/scenarios/the-first-hour/guide/"' in page
    assert 'href="/model/"' in page


@pytest.mark.django_db
def test_every_debrief_links_to_the_model(small_scenario) -> None:
    guest = Client()
    attempt = start(guest, small_scenario)
    play_small_to_the_end(guest, attempt)
    for url in (f"/play/{attempt.pk}/debrief/", f"/play/{attempt.pk}/debrief/print/"):
        assert 'href="/model/"' in guest.get(url).content.decode(), url


@pytest.mark.django_db
def test_the_facilitator_screens_link_to_the_guide_and_the_model(
    host, facilitator, bundled_scenarios
) -> None:
    from scenarios.models import Scenario

    workshop = Workshop.create(
        scenario=Scenario.objects.get(slug="the-first-days"), facilitator=facilitator
    )
    guide = 'href="/scenarios/the-first-days/guide/"'
    control = host.get(f"/workshops/{workshop.pk}/").content.decode()
    assert guide in control and 'href="/model/"' in control
    results = host.get(f"/workshops/{workshop.pk}/results/").content.decode()
    assert guide in results and 'href="/model/"' in results
    present = host.get(f"/workshops/{workshop.pk}/present/").content.decode()
    assert 'href="/model/"' in present
    assert guide not in present  # the projector never shows the answer key's address
