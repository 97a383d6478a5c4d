"""Real browsers against the real server: a phone sends, the projected board shows it live.

One `facilitation serve` (eventlet) for the module, Debian's Chromium through Playwright.
Each test opens its own session so they do not see each other's cards.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import WAIT, Live, logged_in_server, open_screen

pytestmark = [pytest.mark.browser, pytest.mark.timeout(60)]

EMAIL, PASSWORD = "awa@grdr.example", "palabre-2026"
HOSTILE = "<img src=x onerror=alert(1)>"
MINUTE = re.compile(r"^(1:00|0:[0-5]\d)$")  # a one-minute countdown, whatever the second

expect: Any = None  # playwright.sync_api.expect, imported with the chromium fixture


@pytest.fixture(scope="module")
def live(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """One real server for the module, with the real grouping model (the themes test)."""
    global expect
    from playwright.sync_api import expect as playwright_expect

    expect = playwright_expect
    with logged_in_server(chromium, tmp_path_factory, "browser") as running:
        yield running


def open_board(chromium: Any, live: Live, session: dict[str, str], contexts: list[Any]) -> Any:
    page = open_screen(chromium, live, session, contexts)
    page.evaluate("window.__sameDocument = true")  # gone if the page ever reloads
    return page


def open_phone(chromium: Any, url: str, contexts: list[Any], javascript: bool = True) -> Any:
    context = chromium.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                   has_touch=True, locale="fr-FR",
                                   java_script_enabled=javascript)
    contexts.append(context)
    page = context.new_page()
    page.goto(url)
    if javascript:
        expect(page.locator("#net")).to_have_attribute("data-state", "online", timeout=WAIT)
    return page


def choose(phone: Any, kind: str) -> None:
    """Tap the big Frein/Levier button, as a thumb would."""
    phone.locator(f"label[for=kind-{kind}]").tap()
    expect(phone.locator(f"#kind-{kind}")).to_be_checked()


def still_same_document(board: Any) -> None:
    assert board.evaluate("window.__sameDocument === true"), "the board reloaded"


def test_lever_from_a_phone_appears_live_on_the_board(chromium: Any, live: Live,
                                                     contexts: list[Any]) -> None:
    session = live.open_session()
    board = open_board(chromium, live, session, contexts)
    expect(board.locator("#cards")).to_have_text("0")
    phone = open_phone(chromium, session["join_url"], contexts)
    expect(board.locator("#connected")).to_have_text("1", timeout=WAIT)

    choose(phone, "lever")
    phone.fill("#text", "La tontine du quartier pour le premier stock")
    expect(phone.locator("#count")).to_contain_text("236")
    phone.locator("#send").tap()

    sent = phone.locator("#mine li").first
    expect(sent).to_contain_text("La tontine du quartier pour le premier stock")
    expect(sent.locator(".s")).to_have_attribute("data-state", "received", timeout=WAIT)
    expect(phone.locator("#text")).to_have_value("")

    levers = board.locator("#col-lever .card")
    expect(levers).to_have_text(["La tontine du quartier pour le premier stock"], timeout=WAIT)
    expect(board.locator("#col-blocker .card")).to_have_count(0)
    expect(board.locator("#cards")).to_have_text("1")
    still_same_document(board)


def test_blocker_without_javascript_goes_through_the_plain_form(chromium: Any, live: Live,
                                                               contexts: list[Any]) -> None:
    session = live.open_session()
    board = open_board(chromium, live, session, contexts)
    phone = open_phone(chromium, session["join_url"], contexts, javascript=False)

    choose(phone, "blocker")
    phone.fill("#text", "Les banques demandent un CDI")
    phone.locator("#send").tap()

    expect(phone.locator(".msg.ok")).to_be_visible(timeout=WAIT)
    expect(phone.locator("#mine li").first).to_contain_text("Les banques demandent un CDI")
    expect(board.locator("#col-blocker .card")).to_have_text(["Les banques demandent un CDI"],
                                                            timeout=WAIT)
    still_same_document(board)


def test_card_written_offline_is_kept_and_sent_when_the_network_returns(
        chromium: Any, live: Live, contexts: list[Any]) -> None:
    session = live.open_session()
    board = open_board(chromium, live, session, contexts)
    phone = open_phone(chromium, session["join_url"], contexts)

    phone.context.set_offline(True)
    # The indicator must notice on its own (browser `offline` event), calmly.
    expect(phone.locator("#net")).to_have_attribute("data-state", "offline", timeout=WAIT)
    choose(phone, "blocker")
    phone.fill("#text", "Le bus pour Kayes est trop cher")
    phone.locator("#send").tap()
    sent = phone.locator("#mine li").first
    expect(sent.locator(".s")).to_have_attribute("data-state", "waiting")
    expect(phone.locator("#text")).to_have_value("")
    expect(board.locator("#col-blocker .card")).to_have_count(0)

    phone.context.set_offline(False)
    expect(phone.locator("#net")).to_have_attribute("data-state", "online", timeout=WAIT)
    expect(sent.locator(".s")).to_have_attribute("data-state", "received", timeout=WAIT)
    expect(board.locator("#col-blocker .card")).to_have_text(["Le bus pour Kayes est trop cher"],
                                                            timeout=WAIT)
    # Sent once, even though the phone may have tried twice.
    expect(board.locator("#cards")).to_have_text("1")
    still_same_document(board)


def test_hostile_text_is_shown_as_text(chromium: Any, live: Live, contexts: list[Any]) -> None:
    session = live.open_session()
    board = open_board(chromium, live, session, contexts)
    phone = open_phone(chromium, session["join_url"], contexts)
    dialogs: list[str] = []
    for page in (board, phone):
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    choose(phone, "lever")
    phone.fill("#text", HOSTILE)
    phone.locator("#send").tap()

    expect(phone.locator("#mine li .t").first).to_have_text(HOSTILE)
    expect(phone.locator("#mine li").first.locator(".s")).to_have_attribute(
        "data-state", "received", timeout=WAIT)
    expect(board.locator("#col-lever .card")).to_have_text([HOSTILE], timeout=WAIT)
    # Rendered by the server too (reload: the list comes from the page, not only from JS).
    phone.reload()
    expect(phone.locator("#mine li .t").first).to_have_text(HOSTILE)
    for page in (board, phone):
        expect(page.locator("img")).to_have_count(0)
    assert dialogs == []


def test_cards_gather_into_themes_and_the_facilitator_renames_one(chromium, live, contexts):
    """Real server, real model: cards sent by phones show up grouped under theme labels."""
    import socketio as socketio_client

    session = live.open_session("Club entreprendre de Roubaix")
    board = open_board(chromium, live, session, contexts)
    phone = socketio_client.SimpleClient()
    phone.connect(live.server.url, transports=["websocket"])
    phone.client.call("join", {"code": session["code"]}, timeout=10)
    texts = [
        "la banque refuse de me prêter", "pas de crédit bancaire pour les migrants",
        "impossible d'avoir un prêt à la banque", "le banquier ne me fait pas confiance",
        "trop de papiers pour la préfecture", "les démarches administratives sont longues",
        "dossier administratif incompréhensible", "la paperasse prend des mois",
    ]
    for text in texts:
        ack = phone.client.call("contribute", {"client_id": os.urandom(8).hex(), "text": text,
                                               "kind": "blocker"}, timeout=10)
        assert ack["ok"], ack
    phone.disconnect()
    themed = board.locator("#col-blocker .theme:not(.fresh)[data-theme]")
    expect(themed.first).to_be_visible(timeout=30_000)
    expect(board.locator("#col-blocker .theme.fresh")).to_have_count(0, timeout=30_000)
    first = themed.first
    board.once("dialog", lambda dialog: dialog.accept("Accès au crédit"))
    first.locator(".label").dblclick()
    expect(first.locator(".label")).to_have_text("Accès au crédit", timeout=WAIT)
    assert board.evaluate("window.__sameDocument") is True


def open_console(chromium: Any, live: Live, session: dict[str, str], contexts: list[Any]) -> Any:
    return open_screen(chromium, live, session, contexts, "console", (1280, 800))


def to_phase(console: Any, phase: str) -> None:
    if phase == "closed":
        console.locator("#phase-close").click()
        console.locator("#phase-close").click()  # the second click confirms
    else:
        console.locator("#phase-next").click()
    expect(console.locator("#steps li[aria-current]")).to_have_attribute("data-phase", phase,
                                                                       timeout=WAIT)


def test_a_whole_session_through_every_phase(chromium: Any, live: Live,
                                             contexts: list[Any]) -> None:
    """Board, console and two phones: welcome → collect → group → vote → synthesis → closed."""
    session = live.open_session("Thé-palabre de Lille-Moulins")
    board = open_board(chromium, live, session, contexts)
    console = open_console(chromium, live, session, contexts)
    awa, moussa = (open_phone(chromium, session["join_url"], contexts) for _ in range(2))

    # Welcome: the QR code takes the stage; phones may already send.
    expect(board.locator(".qr svg")).to_be_visible()
    expect(awa.locator(".p-welcome")).to_be_visible()
    choose(awa, "blocker")
    awa.fill("#text", "Les banques demandent un CDI")
    awa.locator("#send").tap()
    expect(awa.locator("#mine li .s").first).to_have_attribute("data-state", "received",
                                                               timeout=WAIT)

    to_phase(console, "collect")
    expect(awa.locator(".p-welcome")).to_be_hidden(timeout=WAIT)
    for phone, kind, text in [(moussa, "lever", "La tontine du quartier"),
                              (moussa, "blocker", "Texte à retirer du tableau")]:
        choose(phone, kind)
        phone.fill("#text", text)
        phone.locator("#send").tap()
    expect(moussa.locator("#mine li .s[data-state=received]")).to_have_count(2, timeout=WAIT)
    expect(board.locator(".column .card")).to_have_count(3, timeout=WAIT)
    expect(console.locator("#cards-list .c-card")).to_have_count(3, timeout=WAIT)

    # The console hides a card: it leaves the board at once.
    console.locator("#cards-list .c-card", has_text="Texte à retirer").get_by_role(
        "button", name="Masquer").click()
    expect(board.locator(".column .card", has_text="Texte à retirer")).to_have_count(
        0, timeout=WAIT)
    expect(console.locator("#hidden-list .c-card")).to_have_count(1)

    to_phase(console, "group")
    to_phase(console, "vote")
    for phone in (awa, moussa):
        expect(phone.locator("#ballot li")).to_have_count(2, timeout=WAIT)
        expect(phone.locator("#send-form")).to_be_hidden()
    # Awa puts her three dots on the blocker, then tries a fourth: refused in plain words.
    pick = awa.locator("#ballot li", has_text="Les banques").locator(".pick")
    for placed in (1, 2, 3):
        pick.tap()
        expect(awa.locator("#ballot .mine-dots .dot")).to_have_count(placed, timeout=WAIT)
    pick.tap()
    expect(awa.locator("#vote-err")).to_be_visible(timeout=WAIT)
    expect(awa.locator("#ballot .mine-dots .dot")).to_have_count(3)
    moussa.locator("#ballot li", has_text="La tontine").locator(".pick").tap()
    expect(moussa.locator("#ballot .mine-dots .dot")).to_have_count(1, timeout=WAIT)
    # The board ranks them live; nobody sees the hidden card.
    expect(board.locator("#rank-blocker li").first).to_have_attribute("data-votes", "3",
                                                                      timeout=WAIT)
    expect(board.locator("#rank-lever li").first).to_have_attribute("data-votes", "1",
                                                                    timeout=WAIT)
    expect(board.locator("#voters")).to_have_text("2", timeout=WAIT)
    expect(board.locator("#ranked")).not_to_contain_text("Texte à retirer")

    # The speaking circle: Moussa asks, the console gives him the floor.
    moussa.locator("#ask").tap()
    expect(moussa.locator("#where")).not_to_be_empty(timeout=WAIT)
    expect(console.locator("#queue li")).to_have_count(1, timeout=WAIT)
    console.locator("#give-next").click()
    expect(moussa.locator("#floor")).to_have_class("floor p-floor has", timeout=WAIT)
    expect(board.locator("#floor")).to_be_visible(timeout=WAIT)
    expect(board.locator("#speaker")).to_have_text("#2", timeout=WAIT)
    expect(awa.locator("#speaks")).to_contain_text("#2", timeout=WAIT)

    # A one-minute timer, on the board and on the phones.
    console.locator("[data-minutes='1']").click()
    expect(board.locator("#clock")).to_be_visible(timeout=WAIT)
    expect(board.locator("#clock-left")).to_have_text(MINUTE, timeout=WAIT)
    for phone in (awa, moussa):
        expect(phone.locator("#timer")).to_be_visible(timeout=WAIT)
        expect(phone.locator("#timer-left")).to_have_text(MINUTE)

    to_phase(console, "synthesis")
    expect(board.locator("#rank-blocker li").first).to_have_attribute("data-votes", "3",
                                                                     timeout=WAIT)
    expect(awa.locator(".p-synthesis")).to_be_visible(timeout=WAIT)
    to_phase(console, "closed")
    for phone in (awa, moussa):
        expect(phone.locator(".p-closed")).to_be_visible(timeout=WAIT)
        expect(phone.locator("#send-form")).to_be_hidden()
        expect(phone.locator("#ask")).to_be_hidden()
    expect(board.locator("#closing")).to_be_visible(timeout=WAIT)
    still_same_document(board)


def test_competence_radar_from_console_to_phone_and_board(chromium: Any, live: Live,
                                                          contexts: list[Any]) -> None:
    """The console opens the default radar, a phone rates every axis one screen at a time,
    the board shows the room's radar (aggregates only), the phone its own radar."""
    session = live.open_session("Club entreprendre de Kayes")
    board = open_board(chromium, live, session, contexts)
    console = open_console(chromium, live, session, contexts)
    phone = open_phone(chromium, session["join_url"], contexts)
    expect(phone.locator("#radar")).to_be_hidden()

    console.locator("#radar-open").click()
    expect(console.locator("#radar-close")).to_be_visible(timeout=WAIT)
    expect(console.locator("#radar-rows tr")).to_have_count(7)
    expect(board.locator("#radar-stage")).to_be_visible(timeout=WAIT)
    expect(board.locator("#radar-n")).to_have_text("0")
    expect(board.locator("#radar-svg .al")).to_have_count(7)

    expect(phone.locator("#rq")).to_be_visible(timeout=WAIT)
    expect(phone.locator("#r-axis")).to_have_text("Gestion financière")
    box = phone.locator("#r-rate [data-rate='1']").bounding_box()
    assert box and box["width"] >= 48 and box["height"] >= 48, box
    values = [3, 4, 2, 5, 1, 3, 2]
    for i, value in enumerate(values):
        expect(phone.locator("#r-step")).to_have_text(f"{i + 1} / 7", timeout=WAIT)
        phone.locator(f"#r-rate [data-rate='{value}']").tap()
        expect(phone.locator("#r-sent")).to_have_attribute("data-state", "sent", timeout=WAIT)
    expect(phone.locator("#rdone")).to_be_visible(timeout=WAIT)
    expect(phone.locator("#r-svg polygon.me")).to_have_count(1)
    expect(phone.locator("#r-list li")).to_have_count(7)
    expect(phone.locator("#r-list li").first.locator(".dot.on")).to_have_count(3)

    expect(board.locator("#radar-n")).to_have_text("1", timeout=WAIT)
    expect(console.locator("#radar-responses")).to_have_text("1", timeout=WAIT)
    # open, and one answer: the board draws no value (medians once closed, from 5 answers)
    expect(board.locator("#radar-svg .median")).to_have_count(0)
    expect(board.locator("#radar-wait")).to_be_visible()

    console.locator("#radar-close").click()
    console.locator("#radar-close").click()  # the second click confirms
    expect(console.locator("#radar-open")).to_be_visible(timeout=WAIT)
    expect(phone.locator("#r-closed")).to_be_visible(timeout=WAIT)
    expect(phone.locator("#r-edit")).to_be_hidden()
    expect(phone.locator("#r-svg polygon.me")).to_have_count(1)
    expect(board.locator("#radar-closed")).to_be_visible(timeout=WAIT)
    still_same_document(board)
