"""A projected board cut off during a busy stretch catches up when it reconnects: by the
missed events, or from a fresh snapshot when it is too far behind for a replay."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from facilitation.transport.socket import REPLAY_LIMIT

from .conftest import Live, open_screen

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

WAIT = 20_000


def test_a_board_far_behind_starts_again_from_a_snapshot(chromium: Any, live: Live,
                                                         contexts: list[Any]) -> None:
    from playwright.sync_api import expect

    session = live.open_session("Forum régional")
    live.command(session, type="change_phase", phase="collect")
    live.command(session, type="scribe_contribution", kind="lever", text="Avant la coupure")
    board = open_screen(chromium, live, session, contexts)
    expect(board.locator("#cards")).to_have_text("1", timeout=WAIT)

    board.evaluate("window.boardSocket.disconnect()")  # the projector's Wi-Fi drops
    missed = REPLAY_LIMIT + 20
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda n: live.command(session, type="scribe_contribution",
                                             kind="blocker", text=f"Pendant la coupure {n}"),
                      range(missed)))
    board.evaluate("window.boardSocket.connect()")

    expect(board.locator("#cards")).to_have_text(str(missed + 1), timeout=WAIT)
    expect(board.locator("#board")).to_contain_text(f"Pendant la coupure {missed - 1}")
    # and it is live again
    live.command(session, type="scribe_contribution", kind="lever", text="Après la coupure")
    expect(board.locator("#board")).to_contain_text("Après la coupure", timeout=WAIT)
    expect(board.locator("#cards")).to_have_text(str(missed + 2), timeout=WAIT)
