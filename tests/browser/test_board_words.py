"""The board's counts agree in number: "1 carte", "2 cartes", "0 participant·e"."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import WAIT, Live, open_screen

pytestmark = [pytest.mark.browser, pytest.mark.timeout(60)]


def test_the_synthesis_summary_says_one_card_and_two_cards(chromium: Any, live: Live,
                                                          contexts: list[Any]) -> None:
    from playwright.sync_api import expect

    for texts, expected in ((["Tontine"], "0 participant·e · 1 carte · 0 votant·e"),
                            (["Tontine", "Loyer"], "0 participant·e · 2 cartes · 0 votant·e")):
        session = live.open_session("Petit-déjeuner ESS")
        live.command(session, type="change_phase", phase="collect")
        for text in texts:
            live.command(session, type="scribe_contribution", kind="lever", text=text)
        for phase in ("group", "vote", "synthesis"):
            live.command(session, type="change_phase", phase=phase)
        board = open_screen(chromium, live, session, contexts)
        expect(board.locator(".sum")).to_have_text(expected, timeout=WAIT)
        # and the counters beside the QR code
        expect(board.locator("#cards-w")).to_have_text("carte" if len(texts) == 1 else "cartes")
        expect(board.locator("#participants-w")).to_have_text("participant·e")
        expect(board.locator("#connected-w")).to_have_text("en ligne")
