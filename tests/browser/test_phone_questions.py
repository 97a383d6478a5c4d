"""Questions set while phones are on the page: a phone shows a question added, edited,
or removed mid-meeting without being reloaded, with its speaker button, and
escapes the facilitator's text."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from .conftest import WAIT, Live
from .test_pictures import NO_SPEECH, SPEECH, expect, open_phone, shots

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]


def texts(phone: Any) -> list[str]:
    return phone.locator("#prompts [data-prompt]").evaluate_all(
        "ps => ps.map(p => p.textContent.replace(/\\s+/g, ' ').trim())")


def test_questions_set_after_the_phone_joined_appear_without_reload(
        chromium: Any, live: Live, contexts: list[Any], tmp_path: Path) -> None:
    session = live.open_session("Club entreprendre de Roubaix")
    live.command(session, type="change_phase", phase="collect")
    phone = open_phone(chromium, session["join_url"], contexts, SPEECH)
    mute = open_phone(chromium, session["join_url"], contexts, NO_SPEECH)
    served = texts(phone)  # the kind's default questions
    assert served and "Qu'est-ce qui vous freine ?" not in served

    live.command(session, type="set_prompts", prompts=[
        "Qu'est-ce qui vous freine ?", "<b>Qu'est-ce qui vous aide</b> ?"])
    board = live.board(session)
    first, second = (p["id"] for p in board["prompts"])
    expect()(phone.locator(f"[data-prompt='{first}']")).to_have_class("active", timeout=WAIT)
    assert texts(phone) == ["Qu'est-ce qui vous freine ?", "<b>Qu'est-ce qui vous aide</b> ?"]
    assert phone.locator("#prompts b").count() == 0  # the text is text, never markup
    assert phone.locator(f"[data-say='prompt:{second}']").count() == 1  # read aloud on tap
    expect()(mute.locator(f"[data-prompt='{first}']")).to_have_class("active", timeout=WAIT)
    assert mute.locator("#prompts button.say").count() == 0  # no speech: no button
    if os.environ.get("SCREENSHOTS"):
        phone.screenshot(path=str(shots(tmp_path) / "phone-questions-set-later-360x740.png"))
    phone.locator(f"[data-say='prompt:{first}']").click()
    assert phone.evaluate("window.__spoken")[-1]["text"] == "Qu'est-ce qui vous freine ?"

    live.command(session, type="activate_prompt", prompt_id=second)
    expect()(phone.locator(f"[data-prompt='{second}']")).to_have_class("active", timeout=WAIT)
    expect()(phone.locator(f"[data-prompt='{first}']")).to_have_class("", timeout=WAIT)

    live.command(session, type="set_prompts", prompts=["Et demain, qui peut vous aider ?"])
    expect()(phone.locator("#prompts [data-prompt]")).to_have_count(1, timeout=WAIT)
    assert texts(phone) == ["Et demain, qui peut vous aider ?"]
    expect()(phone.locator("#prompts [data-prompt]")).to_have_class("active", timeout=WAIT)

