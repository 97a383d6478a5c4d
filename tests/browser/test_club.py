"""Real browsers in a club entreprendre meeting: a member joins from their personal link on
a phone and rates the radar; the facilitator updates projects from the console's panel with
the keyboard, and the projected club board follows live.

Same real server and Chromium as tests/test_browser.py (its `live` fixture, reused)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from . import test_meeting as browser

pytestmark = [pytest.mark.browser, pytest.mark.timeout(60)]

live = browser.live  # one real server and a logged-in facilitator for this module
WAIT = browser.WAIT
HOSTILE = browser.HOSTILE
STAGE_KEYS = {"idea": "1", "creation": "2", "launch": "3", "development": "4"}


def expect(*args: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(*args)


def facilitator_page(chromium: Any, live: browser.Live, contexts: list[Any]) -> Any:
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR",
                                   storage_state=live.login_state)
    contexts.append(context)
    return context.new_page()


def club_meeting(page: Any, live: browser.Live, club: str,
                 names: list[str]) -> tuple[str, dict[str, str]]:
    """Through the facilitator's pages: a club, its members (their personal links) and an
    open meeting, ending on the meeting's console. Returns the club id and the links."""
    page.goto(live.server.url + "/")
    page.fill("#club-name", club)
    page.locator("#club-name").press("Enter")
    page.wait_for_url("**/clubs/*")
    club_id = page.url.rsplit("/", 1)[-1]
    links = {}
    for name in names:
        page.fill("#member-name", name)
        page.locator("#member-name").press("Enter")
        links[name] = page.locator("input[readonly]").input_value()
        page.goto(f"{live.server.url}/clubs/{club_id}")
    page.fill("#m-title", "Rencontre de décembre")
    page.locator("#m-title").press("Enter")
    page.wait_for_url("**/console")
    expect(page.locator("#console")).to_have_attribute("data-ready", "1", timeout=WAIT)
    expect(page.locator("#club-panel")).to_have_attribute("data-ready", "1", timeout=WAIT)
    return club_id, links


def json_of(page: Any, path: str) -> Any:
    """A GET on the same server with the page's cookies (the facilitator's)."""
    origin = "/".join(page.url.split("/", 3)[:3])
    response = page.context.request.get(origin + path)
    assert response.ok, response.status
    return response.json()


def test_a_member_joins_from_their_link_and_rates_the_radar(chromium: Any, live: browser.Live,
                                                            contexts: list[Any]) -> None:
    console = facilitator_page(chromium, live, contexts)
    _, links = club_meeting(console, live, "Club entreprendre Lille-Sud", ["Awa", "Moussa"])
    session_id = console.url.split("/")[-2]
    console.locator("#radar-open").click()
    expect(console.locator("#radar-close")).to_be_visible(timeout=WAIT)

    context = chromium.new_context(viewport={"width": 360, "height": 640}, is_mobile=True,
                                   has_touch=True, locale="fr-FR")
    contexts.append(context)
    phone = context.new_page()
    phone.goto(links["Awa"])
    expect(phone.locator("h1")).to_contain_text("Awa")
    join = phone.locator("button.join")
    box = join.bounding_box()
    assert box and box["height"] >= 48 and box["width"] >= 300, box
    join.tap()
    phone.wait_for_url("**/join/**")
    expect(phone.locator("#net")).to_have_attribute("data-state", "online", timeout=WAIT)
    expect(phone.locator("#rq")).to_be_visible(timeout=WAIT)
    for i, value in enumerate([2, 4, 3, 1, 3, 2, 5]):  # one axis per screen
        phone.wait_for_function(  # polled every frame: the phone moves on after 450 ms
            "step => document.getElementById('r-step').textContent === step",
            arg=f"{i + 1} / 7", timeout=WAIT)
        phone.locator(f"#r-rate [data-rate='{value}']").tap()
        expect(phone.locator("#r-sent")).to_have_attribute("data-state", "sent", timeout=WAIT)
    expect(phone.locator("#rdone")).to_be_visible(timeout=WAIT)
    expect(phone.locator("#r-svg polygon.me")).to_have_count(1)
    expect(phone.locator("#r-list li")).to_have_count(7)

    # The facilitator's view counts her answers, as a member of the club.
    expect(console.locator("#radar-responses")).to_have_text("1", timeout=WAIT)
    board = json_of(console, f"/api/sessions/{session_id}/board")
    assert board["club_id"] and board["radar"]["responses"] == 1
    # open, one answer: the projected board draws no value (medians once closed, from 5)
    projected = console.context.new_page()
    projected.goto(f"{live.server.url}/sessions/{session_id}/board")
    expect(projected.locator("#radar-n")).to_have_text("1", timeout=WAIT)
    expect(projected.locator("#radar-wait")).to_be_visible()
    expect(projected.locator("#radar-svg .median")).to_have_count(0)


def test_console_panel_updates_projects_by_keyboard_and_the_club_board_follows(
        chromium: Any, live: browser.Live, contexts: list[Any]) -> None:
    console = facilitator_page(chromium, live, contexts)
    club_id, _ = club_meeting(console, live, "Club entreprendre Roubaix", ["Fatou", "Moussa"])
    session_id = console.url.split("/")[-2]
    club_board = console.context.new_page()
    club_board.set_viewport_size({"width": 1280, "height": 720})
    club_board.goto(f"{live.server.url}/clubs/{club_id}/board")
    expect(club_board.locator("#road")).to_have_attribute("data-ready", "1", timeout=WAIT)
    club_board.evaluate("window.__sameDocument = true")

    rows = console.locator("#cp-list .cp-row")
    expect(rows).to_have_count(2)
    fatou, moussa = (rows.filter(has_text=name) for name in ("Fatou", "Moussa"))
    # P comes to the panel; ↓ moves to the next member; 3 sets "Démarrage" (launch).
    console.locator("body").click(position={"x": 5, "y": 5})
    console.keyboard.press("p")
    expect(fatou).to_be_focused()
    console.keyboard.press("ArrowDown")
    expect(moussa).to_be_focused()
    console.keyboard.press("3")
    expect(moussa.locator("[data-stage=launch]")).to_have_attribute("aria-pressed", "true")
    expect(moussa.locator(".cp-state")).to_have_attribute("data-state", "saved", timeout=WAIT)
    launch = club_board.locator(".col[data-stage=launch] .m")
    expect(launch).to_have_count(1, timeout=WAIT)
    expect(launch).to_contain_text("Moussa")
    expect(club_board.locator(".col[data-stage=launch] h2 .c")).to_have_text("1")
    assert club_board.evaluate("window.__sameDocument") is True

    # Enter: a next step, its date after "@"; the board shows the first one.
    console.keyboard.press("Enter")
    step = moussa.locator(".cp-step")
    expect(step).to_be_focused()
    step.type("voir la banque @10/12/2026")
    step.press("Enter")
    expect(moussa.locator(".cp-steps li")).to_have_count(1, timeout=WAIT)
    expect(moussa.locator(".cp-steps li")).to_contain_text("voir la banque")
    expect(step).to_have_value("")
    expect(launch.locator(".n")).to_contain_text("voir la banque", timeout=WAIT)
    expect(launch.locator(".n .d")).to_have_text(re.compile(r"^10 déc\.( 2026)?$"))

    # A refusal keeps what was typed: a date that does not exist, then a step too long.
    step.fill("appeler l'Adie @31/02/2027")
    step.press("Enter")
    expect(moussa.locator(".cp-state")).to_have_attribute("data-state", "error")
    expect(step).to_have_value("appeler l'Adie @31/02/2027")
    too_long = "x" * 210
    step.fill(too_long)
    step.press("Enter")
    expect(moussa.locator(".cp-state")).to_have_attribute("data-state", "error", timeout=WAIT)
    expect(moussa.locator(".cp-state")).not_to_be_empty()
    expect(step).to_have_value(too_long)
    # ↑ goes to the same field of the member above; text is text.
    step.press("ArrowUp")
    expect(fatou.locator(".cp-step")).to_be_focused()
    console.keyboard.type(HOSTILE)
    console.keyboard.press("Enter")
    expect(fatou.locator(".cp-steps li")).to_have_text([HOSTILE], timeout=WAIT)
    expect(step).to_have_value(too_long)

    # Difficulties are saved when the field is left.
    difficulties = fatou.locator(".cp-diff")
    difficulties.fill("pas de local pour l'atelier")
    difficulties.press("Tab")
    expect(fatou.locator(".cp-state")).to_have_attribute("data-state", "saved", timeout=WAIT)
    club = json_of(console, f"/api/clubs/{club_id}")
    by_name = {m["name"]: m for m in club["members"]}
    assert by_name["Fatou"]["project"]["difficulties"] == "pas de local pour l'atelier"
    assert by_name["Moussa"]["project"]["stage"] == "launch"
    assert by_name["Moussa"]["project"]["next_steps"] == [{"text": "voir la banque",
                                                           "due": "2026-12-10"}]
    # …as updates of this meeting, in the member's timeline
    timeline = json_of(console, f"/clubs/{club_id}/members/{by_name['Moussa']['id']}"
                                "/timeline.json")
    assert [s["meeting"] for s in timeline["steps"]] == ["Rencontre de décembre"] * 2
    for page in (console, club_board):
        expect(page.locator("img")).to_have_count(0)
    assert session_id and club_board.evaluate("window.__sameDocument") is True
