"""The console erases, at a person's request, what a facilitator typed under their name."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import WAIT, Live, open_screen

pytestmark = [pytest.mark.browser, pytest.mark.timeout(60)]


def test_the_console_erases_the_cards_typed_for_a_speaker(chromium: Any, live: Live,
                                                         contexts: list[Any]) -> None:
    from playwright.sync_api import expect

    session = live.open_session("Club entreprendre de Roubaix")
    live.command(session, type="change_phase", phase="collect")
    for text, speaker in (("Le loyer du local est trop cher", "Fatou Diallo"),
                          ("Une tontine entre voisines", "fatou diallo"),
                          ("Un parrain à la chambre des métiers", "Issa")):
        live.command(session, type="scribe_contribution", kind="blocker", text=text,
                     speaker=speaker)
    console = open_screen(chromium, live, session, contexts, "console", (1280, 800))

    fatou = console.locator("#people li.speaker", has_text="Fatou Diallo")
    expect(fatou).to_have_count(1, timeout=WAIT)  # one name, whatever its case
    expect(fatou.locator(".meta")).to_have_text("2 cartes saisies par l’animation")
    fatou.get_by_role("button").click()
    expect(fatou.get_by_role("button")).to_have_text(
        re.compile("Cliquez encore"))
    fatou.get_by_role("button").click()

    expect(console.locator("#people li.speaker")).to_have_text(
        [re.compile("Issa")], timeout=WAIT)
    texts = [card["text"] for card in live.board(session)["contributions"]]
    assert texts == ["Un parrain à la chambre des métiers"]
