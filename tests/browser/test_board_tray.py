"""The board shows the cards the grouping has not placed in a theme yet as "À trier" / "To
sort" (the engine's Divers: a card leaves it only for a theme it clearly fits, issue 15),
never as "Divers" / "Other"; a name the facilitator gives that box wins."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from .conftest import Live

pytestmark = [pytest.mark.browser, pytest.mark.timeout(90)]

WAIT = 15_000
CREDIT = ["la banque refuse le crédit", "pas de crédit à la banque", "crédit refusé par la banque",
          "la banque ne fait pas crédit"]  # a theme even for the lexical engine
LEFTOVERS = ["le bus ne passe pas le dimanche", "trop de bruit dans la salle"]
SCREENSHOTS = os.environ.get("TRAY_SCREENSHOTS")  # a folder: keep pictures of the boards


@pytest.mark.parametrize(("language", "locale", "tray", "misc"),
                         [("fr", "fr-FR", "À trier", "Divers"),
                          ("en", "en-GB", "To sort", "Other")])
def test_cards_not_placed_yet_wait_under_to_sort(chromium: Any, live: Live,
                                                 contexts: list[Any], language: str,
                                                 locale: str, tray: str, misc: str) -> None:
    from playwright.sync_api import expect

    session = live.call("POST", "/api/sessions", {"title": "Thé-palabre de Kayes",
                                                  "kind": "palabre", "language": language})
    live.command(session, type="change_phase", phase="collect")
    for text in CREDIT + LEFTOVERS:
        live.command(session, type="scribe_contribution", text=text, kind="blocker")
    context = chromium.new_context(viewport={"width": 1280, "height": 720}, locale=locale,
                                   storage_state=live.login_state)
    contexts.append(context)
    board = context.new_page()
    board.goto(session["board_url"])
    expect(board.locator("#board")).to_have_attribute("data-ready", "1", timeout=WAIT)
    box = board.locator("#col-blocker .theme.misc")
    expect(box).to_be_visible(timeout=WAIT)
    expect(board.locator(".theme.fresh")).to_have_count(0, timeout=WAIT)
    expect(box.locator(".label")).to_have_text(tray)
    # the box holds the leftovers, the theme the credit cards
    for text in LEFTOVERS:
        expect(box).to_contain_text(text)
    expect(board.locator("#col-blocker .theme[data-theme]:not(.misc)").first) \
        .to_contain_text("banque")
    assert misc not in board.locator("#board").inner_text()
    if SCREENSHOTS:
        board.screenshot(path=str(Path(SCREENSHOTS) / f"board-tray-{language}.png"))
    # A facilitator who names the box turns it into their theme: their name is shown.
    misc_id = next(t["id"] for t in live.board(session)["themes"] if t["misc"])
    live.command(session, type="rename_theme", theme_id=misc_id, label="Mobilité")
    expect(box.locator(".label")).to_have_text("Mobilité", timeout=WAIT)
    board.reload()
    expect(board.locator("#board")).to_have_attribute("data-ready", "1", timeout=WAIT)
    expect(board.locator("#col-blocker .theme.misc .label")).to_have_text("Mobilité")
