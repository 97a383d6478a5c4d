"""Taking part by voice: a phone records a voice card with Chromium's fake microphone,
sends it while offline, then back online (exactly once); the board shows it with its
duration, the console plays it to the room and transcribes it, and the synthesis lists
the transcript."""

from __future__ import annotations

import os
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import CHROMIUM, CHROMIUM_ARGS
from .conftest import WAIT, Live
from .test_pictures import expect, open_board, shots

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]
SHOTS = os.environ.get("SCREENSHOTS")
FAKE_MIC = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            "--autoplay-policy=no-user-gesture-required"]


@pytest.fixture(scope="module")
def with_mic(chromium: Any) -> Iterator[Any]:
    """Chromium with a fake microphone (a beep) that every page may use without asking."""
    browser = chromium.browser_type.launch(executable_path=CHROMIUM,
                                           args=[*CHROMIUM_ARGS, *FAKE_MIC])
    yield browser
    browser.close()


def open_phone(browser: Any, url: str, contexts: list[Any]) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True, locale="fr-FR")
    contexts.append(context)
    page = context.new_page()
    page.goto(url)
    expect()(page.locator("#net")).to_have_attribute("data-state", "online", timeout=WAIT)
    return context, page


def text_of(live: Live, path: str) -> str:
    request = urllib.request.Request(live.server.url + path,
                                     headers={"Authorization": f"Bearer {live.token}"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.read().decode()


def record(page: Any, seconds: float) -> None:
    """Tap "Parler", speak for a while (the fake microphone beeps), stop."""
    page.locator("#talk").click()
    expect()(page.locator(".vrec[data-step=rec]")).to_be_visible(timeout=WAIT)
    page.wait_for_timeout(seconds * 1000)


def test_a_voice_card_goes_from_a_phone_to_the_synthesis(
        with_mic: Any, live: Live, contexts: list[Any], tmp_path: Path) -> None:
    session = live.open_session("Thé-palabre vocal")
    live.command(session, type="change_phase", phase="collect")
    context, phone = open_phone(with_mic, session["join_url"], contexts)
    assert phone.evaluate("typeof window.FacilitationVoice") == "undefined", \
        "the recorder is not part of the first load"

    record(phone, 3.2)
    left = phone.locator("#v-left").text_content()
    assert left in ("0:27", "0:26", "0:28"), left  # the seconds left, counting down
    # the level meter moves with the voice (the fake microphone beeps now and then)
    phone.wait_for_function(
        "() => parseFloat(document.getElementById('v-meter').style.width) > 10", timeout=WAIT)
    if SHOTS:
        phone.locator(".vrec").scroll_into_view_if_needed()
        phone.screenshot(path=str(shots(tmp_path) / "phone-voice-recording-360x740.png"))
    phone.locator("[data-v=stop]").click()
    review = phone.locator(".vrec[data-step=review]")
    expect()(review).to_be_visible(timeout=WAIT)
    expect()(review.locator(".vtime")).to_contain_text(re.compile(r"0:0[3-6]"))
    if SHOTS:
        review.scroll_into_view_if_needed()
        phone.screenshot(path=str(shots(tmp_path) / "phone-voice-review-360x740.png"))
    # the person can listen before sending (the recording plays on the phone)
    phone.locator("[data-v=play]").click()

    context.set_offline(True)
    expect()(phone.locator("#net")).to_have_attribute("data-state", "offline", timeout=WAIT)
    phone.locator("[data-v=blocker]").click()
    mine = phone.locator("#mine li")
    expect()(mine).to_have_count(1, timeout=WAIT)
    expect()(mine.first.locator(".vc")).to_contain_text(re.compile(r"[3-6] s"))
    expect()(mine.first.locator(".s")).to_have_attribute("data-state", "waiting")
    phone.wait_for_timeout(1500)
    assert [c for c in live.board(session)["contributions"]] == []  # nothing got through

    context.set_offline(False)
    expect()(mine.first.locator(".s")).to_have_attribute("data-state", "received",
                                                          timeout=30_000)
    cards = live.board(session)["contributions"]
    assert len(cards) == 1, "exactly once"
    [card] = cards
    assert card["kind"] == "blocker" and card["text"] == ""
    assert 3000 <= card["voice"]["duration_ms"] <= 6000
    secs = -(-card["voice"]["duration_ms"] // 1000)
    shown = f"0:{secs:02d}"  # as every screen writes it (seconds rounded up)
    # the recording left the phone's storage once acknowledged
    kept = phone.evaluate("""() => new Promise(done => {
      const r = indexedDB.open("facilitation-voice", 1);
      r.onsuccess = () => { const q = r.result.transaction("clips").objectStore("clips").count();
                            q.onsuccess = () => done(q.result); };
    })""")
    assert kept == 0
    phone.reload()
    expect()(phone.locator("#net")).to_have_attribute("data-state", "online", timeout=WAIT)
    expect()(phone.locator("#mine li")).to_have_count(1, timeout=WAIT)
    assert len(live.board(session)["contributions"]) == 1

    board = open_board(with_mic, live, session, contexts)
    on_board = board.locator(f"#card-{card['id']}")
    expect()(on_board.locator(".dur")).to_have_text(shown, timeout=WAIT)
    assert on_board.locator(".play svg").count() == 1  # the speaker pictogram
    if SHOTS:
        board.screenshot(path=str(shots(tmp_path) / "board-voice-card-1280x720.png"))

    console = board.context.new_page()
    console.goto(session["board_url"].replace("/board", "/console"))
    item = console.locator(f"li[data-card='{card['id']}']")
    expect()(item.locator("[data-play]")).to_be_visible(timeout=WAIT)
    item.locator("[data-play]").click()
    console.wait_for_function(
        "() => { const a = document.getElementById('voice-player');"
        " return a && !a.paused && a.currentTime > 0.3; }", timeout=WAIT)
    field = item.locator("input.transcribe")
    field.fill("Les banques demandent un garant")
    field.press("Enter")
    expect()(on_board).to_contain_text("Les banques demandent un garant", timeout=WAIT)
    transcribed = live.board(session)["contributions"][0]
    assert transcribed["text"] == "Les banques demandent un garant"
    assert transcribed["voice"]["transcribed"]

    markdown = text_of(live, f"/api/sessions/{session['id']}/synthesis.md")
    assert "Les banques demandent un garant" in markdown
    assert shown in markdown
