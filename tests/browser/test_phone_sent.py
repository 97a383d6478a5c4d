"""The phone after Envoyer: the card lands in view and goes "sending" → "received"; a lost
acknowledgement never lists a card twice (after the reconnect, after a reload)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from .conftest import WAIT, WEBSOCKET_ONLY, Live

pytestmark = [pytest.mark.browser, pytest.mark.timeout(90)]
SOCKET = re.compile(r"/socket\.io/")
ACK = re.compile(r"^43(\d+)")
CONTRIBUTE = re.compile(r'^42(\d+)\["contribute"')


def expect() -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


class Wire:
    """Stands between the phone and the server on the WebSocket: every frame passes, except
    the acknowledgements of `contribute`, which are held (`hold`) or lost with the
    connection (`lose`)."""

    def __init__(self, page: Any) -> None:
        self.mode = "pass"
        self.held: list[tuple[Any, str]] = []
        self.lost = 0
        self.connections = 0
        page.route_web_socket(SOCKET, self._route)

    def _route(self, ws: Any) -> None:
        server = ws.connect_to_server()
        self.connections += 1
        asked: set[str] = set()

        def up(message: str | bytes) -> None:
            if isinstance(message, str) and (m := CONTRIBUTE.match(message)):
                asked.add(m.group(1))
            server.send(message)

        def down(message: str | bytes) -> None:
            m = ACK.match(message) if isinstance(message, str) else None
            if m and m.group(1) in asked and self.mode == "hold":
                self.held.append((ws, message))
                return
            if m and m.group(1) in asked and self.mode == "lose":
                self.mode = "pass"  # once: the card reached the server, its answer is lost
                self.lost += 1
                ws.close()
                server.close()
                return
            ws.send(message)

        ws.on_message(up)
        server.on_message(down)

    def release(self) -> None:
        self.mode = "pass"
        for ws, message in self.held:
            ws.send(message)
        self.held.clear()


def phone(chromium: Any, url: str, contexts: list[Any], *, wire: bool = False,
          javascript: bool = True) -> tuple[Any, Wire | None]:
    context = chromium.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                   has_touch=True, locale="fr-FR",
                                   java_script_enabled=javascript)
    contexts.append(context)
    page = context.new_page()
    spy = None
    if wire:
        page.add_init_script(WEBSOCKET_ONLY)
        spy = Wire(page)
    page.goto(url)
    if javascript:
        expect()(page.locator("#net")).to_have_attribute("data-state", "online", timeout=WAIT)
    return page, spy


def in_viewport(page: Any, locator: Any) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (box is not None and box["y"] >= 0 and box["x"] >= 0
            and box["y"] + box["height"] <= size["height"]
            and box["x"] + box["width"] <= size["width"])


def write(page: Any, kind: str, text: str) -> None:
    page.locator(f"label[for=kind-{kind}]").tap()
    page.fill("#text", text)


def test_the_sent_card_lands_in_view_and_goes_from_sending_to_received(
        chromium: Any, live: Live, contexts: list[Any]) -> None:
    session = live.open_session()
    page, wire = phone(chromium, session["join_url"], contexts, wire=True)
    assert wire is not None
    # two cards already sent: the list is not empty, the new one must still be seen
    for text in ("Le loyer du local est trop cher", "La tontine des femmes du quartier"):
        write(page, "blocker", text)
        page.locator("#send").tap()
        expect()(page.locator("#mine li .s[data-state=received]").first).to_be_visible(
            timeout=WAIT)
    expect()(page.locator("#mine li .s[data-state=received]")).to_have_count(2, timeout=WAIT)
    page.evaluate("window.scrollTo(0, 0)")  # back at the top, as after reading the question

    wire.mode = "hold"  # the network is slow: the answer takes its time
    write(page, "lever", "Un mentor qui a déjà créé son entreprise")
    page.locator("#send").tap()
    sent = page.locator("#mine li", has_text="Un mentor qui a déjà créé son entreprise")
    expect()(sent).to_have_count(1)
    expect()(sent.locator(".s")).to_have_attribute("data-state", "waiting")
    assert in_viewport(page, sent), f"sent card out of view: {sent.bounding_box()}"
    assert in_viewport(page, sent.locator(".s")), "its state is out of view"
    assert in_viewport(page, page.locator("#send")), "the Send button left the screen"
    expect()(page.locator("#text")).to_have_value("")
    page.wait_for_timeout(300)  # the answer has come back from the server and is held
    assert len(wire.held) == 1, "the acknowledgement was not held"
    expect()(sent.locator(".s")).to_have_attribute("data-state", "waiting")

    wire.release()
    expect()(sent.locator(".s")).to_have_attribute("data-state", "received", timeout=WAIT)
    assert in_viewport(page, sent), "the received card moved out of view"
    expect()(page.locator("#mine li")).to_have_count(3)


def test_a_lost_acknowledgement_never_lists_the_card_twice(
        chromium: Any, live: Live, contexts: list[Any]) -> None:
    session = live.open_session()
    page, wire = phone(chromium, session["join_url"], contexts, wire=True)
    assert wire is not None
    text = "Les papiers de la préfecture prennent des mois"
    write(page, "blocker", text)
    wire.mode = "lose"  # the card reaches the server; the phone drops before the answer
    page.locator("#send").tap()

    expect()(page.locator("#net")).not_to_have_attribute("data-state", "online", timeout=WAIT)
    assert wire.lost == 1
    expect()(page.locator("#net")).to_have_attribute("data-state", "online", timeout=WAIT)
    assert wire.connections >= 2, "the phone did not reconnect"
    cards = page.locator("#mine li")
    expect()(cards.locator(".s[data-state=received]")).to_have_count(1, timeout=WAIT)
    page.wait_for_timeout(1500)  # any second copy (re-send, merge) would have come by now
    expect()(cards).to_have_count(1)
    expect()(cards.first).to_contain_text(text)
    assert len(live.board(session)["contributions"]) == 1  # the server has it once

    page.reload()
    expect()(page.locator("#net")).to_have_attribute("data-state", "online", timeout=WAIT)
    page.wait_for_timeout(1000)
    expect()(cards).to_have_count(1)
    expect()(cards.first.locator(".s")).to_have_attribute("data-state", "received")
    stored = json.loads(page.evaluate(
        f"localStorage.getItem('facilitation:{session['code']}')"))
    assert [c["text"] for c in stored["cards"]] == [text]

    # and the next card is listed once too, above it
    write(page, "lever", "Le groupe WhatsApp des commerçants")
    page.locator("#send").tap()
    expect()(cards.locator(".s[data-state=received]")).to_have_count(2, timeout=WAIT)
    expect()(cards.locator(".t")).to_have_text(["Le groupe WhatsApp des commerçants", text])


def test_a_phone_that_already_listed_a_card_twice_shows_it_once(
        chromium: Any, live: Live, contexts: list[Any]) -> None:
    """Phones that met the bug before keep the double in their storage: it is mended."""
    session = live.open_session()
    page, _ = phone(chromium, session["join_url"], contexts)
    write(page, "lever", "Le prêt d'honneur pour démarrer")
    page.locator("#send").tap()
    expect()(page.locator("#mine li .s[data-state=received]")).to_have_count(1, timeout=WAIT)
    key = f"facilitation:{session['code']}"
    page.evaluate("""key => {
        const state = JSON.parse(localStorage.getItem(key));
        const card = state.cards[0];
        state.cards.push({client_id: "", contribution_id: card.contribution_id,
                          text: card.text, kind: card.kind, status: "received"});
        localStorage.setItem(key, JSON.stringify(state));
    }""", key)
    page.reload()
    expect()(page.locator("#net")).to_have_attribute("data-state", "online", timeout=WAIT)
    page.wait_for_timeout(500)
    expect()(page.locator("#mine li")).to_have_count(1)


def test_without_javascript_the_confirmation_shows_the_card_in_view(
        chromium: Any, live: Live, contexts: list[Any]) -> None:
    session = live.open_session()
    page, _ = phone(chromium, session["join_url"], contexts, javascript=False)
    write(page, "blocker", "Le bus pour Kayes coûte trop cher")
    page.locator("#send").tap()
    confirmation = page.locator("#sent-ok")
    expect()(confirmation).to_be_visible(timeout=WAIT)
    expect()(confirmation).to_contain_text("Reçu")
    expect()(confirmation).to_contain_text("Le bus pour Kayes coûte trop cher")
    assert in_viewport(page, confirmation), confirmation.bounding_box()
