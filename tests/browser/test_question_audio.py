"""A question recorded aloud: the facilitator records it in the console with Chromium's fake
microphone, listens back and saves it; a phone's question then has a speaking-person button
that plays the facilitator's voice, fetched only when tapped; recording again replaces it on
the phone, removing it gives the phone's own reading back."""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from .conftest import WAIT, Live
from .test_pictures import NO_SPEECH, SPEECH, expect, open_board, open_phone, shots
from .test_voice import with_mic  # noqa: F401  (the fixture, for this module)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]
SHOTS = os.environ.get("SCREENSHOTS")
PLAYING = ("() => { const a = document.getElementById('q-audio');"
           " return a && !a.paused && a.currentTime > 0.3; }")


def record_in_console(console: Any, prompt_id: str, seconds: float,
                      shot: Path | None = None) -> None:
    """Record the question (the fake microphone beeps), listen back, save."""
    row = console.locator(f"[data-qaudio='{prompt_id}']")
    row.locator("[data-qrecord]").click()
    panel = console.locator(".vrec")
    expect()(panel).to_have_attribute("data-step", "rec", timeout=WAIT)
    console.wait_for_timeout(seconds * 1000)
    panel.locator("[data-v=stop]").click()
    expect()(panel).to_have_attribute("data-step", "review", timeout=WAIT)
    assert panel.locator("[data-v=blocker]").count() == 0  # a question has no kind
    if shot is not None:
        console.locator("section.prompts").screenshot(path=str(shot))
    panel.locator("[data-v=play]").click()  # heard back before it is saved
    panel.locator("[data-v=save]").click()
    expect()(panel).to_have_count(0, timeout=WAIT)


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_console_records_a_question_and_a_phone_plays_it(
        with_mic: Any, live: Live, contexts: list[Any], tmp_path: Path) -> None:  # noqa: F811
    session = live.open_session("Thé-palabre à Kayes")
    live.command(session, type="set_prompts", prompts=[
        "Qu'est-ce qui vous freine pour créer votre activité ?", "Qu'est-ce qui vous aide ?"])
    live.command(session, type="change_phase", phase="collect")
    first = live.board(session)["prompts"][0]["id"]

    desk = with_mic.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR",
                                storage_state=live.login_state)
    contexts.append(desk)
    console = desk.new_page()
    console.goto(session["board_url"].replace("/board", "/console"))
    expect()(console.locator(f"[data-qaudio='{first}'] [data-qrecord]")).to_be_visible(
        timeout=WAIT)
    record_in_console(console, first, 2.6,
                      shots(tmp_path) / "console-question-review.png" if SHOTS else None)
    saved = console.locator(f"[data-qaudio='{first}'] [data-play]")
    expect()(saved).to_contain_text(re.compile(r"00:0[2-5]"), timeout=WAIT)
    audio = live.board(session)["prompt_audio"][first]
    assert 2000 <= audio["duration_ms"] <= 5000
    if SHOTS:
        console.locator("section.prompts").screenshot(
            path=str(shots(tmp_path) / "console-question-recorded.png"))

    # the projected board marks the recorded question with a small speaker
    board = open_board(with_mic, live, session, contexts)
    expect()(board.locator(f".prompt.rec[data-prompt='{first}']")).to_have_count(1, timeout=WAIT)
    assert board.locator(".prompt.rec").count() == 1

    phone = open_phone(with_mic, session["join_url"], contexts, SPEECH)
    mute = open_phone(with_mic, session["join_url"], contexts, NO_SPEECH)
    fetched: list[str] = []
    phone.on("request", lambda request: fetched.append(request.url)
             if "/question/" in request.url else None)
    button = phone.locator(f"[data-say='prompt:{first}']")
    expect()(button).to_have_attribute("data-clip", audio["clip"], timeout=WAIT)
    expect()(button).to_have_class(re.compile(r"\brec\b"))
    assert button.get_attribute("aria-label").startswith("Écouter la question")
    phone.wait_for_timeout(500)
    assert fetched == [], "nothing is downloaded before the tap"
    if SHOTS:
        phone.screenshot(path=str(shots(tmp_path) / "phone-question-recorded-360x740.png"))

    button.click()

    phone.wait_for_function(PLAYING, timeout=WAIT)
    assert fetched and all(audio["clip"] in url for url in fetched)
    assert phone.evaluate("window.__spoken") == []  # the recording, not the phone's voice
    # a phone without speech synthesis has no speaker buttons, but the recorded question's
    expect()(mute.locator(f"[data-say='prompt:{first}']")).to_have_attribute(
        "data-clip", audio["clip"], timeout=WAIT)
    assert mute.locator("button.say").count() == 1
    expect()(button).to_have_attribute("aria-pressed", "true")
    button.click()  # a second tap stops it
    expect()(button).to_have_attribute("aria-pressed", "false", timeout=WAIT)

    # recorded again: the phone's button plays the new one; the old one is gone
    record_in_console(console, first, 1.6)
    again = live.board(session)["prompt_audio"][first]
    assert again["clip"] != audio["clip"]
    expect()(button).to_have_attribute("data-clip", again["clip"], timeout=WAIT)
    code = session["join_url"].rstrip("/").rsplit("/", 1)[1]
    old = f"{live.server.url}/join/{code}/question/{audio['clip']}"
    assert phone.request.get(old).status == 404  # with the phone's cookie: gone
    assert status_of(old) == 401  # without it: not a phone of the session
    button.click()
    phone.wait_for_function(PLAYING, timeout=WAIT)

    # removed: the question's button reads the text with the phone's voice again
    remove = console.locator(f"[data-qaudio='{first}'] [data-qremove]")
    remove.click()
    remove.click()  # twice: it cannot be undone
    expect()(button).not_to_have_attribute("data-clip", re.compile(".+"), timeout=WAIT)
    expect()(button).to_have_class("say")
    assert first not in live.board(session)["prompt_audio"]
    expect()(board.locator(".prompt.rec")).to_have_count(0, timeout=WAIT)
    button.click()
    said = phone.evaluate("window.__spoken")
    assert said and said[0]["text"].startswith("Qu'est-ce qui vous freine"), said
    expect()(mute.locator("button.say")).to_have_count(0, timeout=WAIT)
    phone.wait_for_function(
        "() => document.getElementById('q-audio').paused", timeout=WAIT)
