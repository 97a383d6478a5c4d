"""Taking part without writing: a ballot in pictures (the same pictogram and colour on the
board and on the phone) and questions read aloud by the phone's own voice."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from .conftest import WAIT, Live

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]
# The screenshots go to docs/screenshots/ only when asked for:
#   SCREENSHOTS=docs/screenshots pytest tests/browser/test_pictures.py
SHOTS = os.environ.get("SCREENSHOTS")

# A stand-in for the phone's speech synthesis: records what would be said, in which language,
# by which voice (French and English voices of the phone, and a French network voice, which
# would send the text away: the phone's own is preferred).
SPEECH = """(() => {
  window.__spoken = [];
  const voices = [{name: "Réseau", lang: "fr-FR", localService: false},
                  {name: "Daniel", lang: "en-GB", localService: true},
                  {name: "Amadou", lang: "fr-FR", localService: true}];
  const synth = {speak(u) { window.__spoken.push({text: u.text, lang: u.lang,
                                                  voice: u.voice ? u.voice.name : null}); },
                 cancel() {}, getVoices() { return voices; }};
  Object.defineProperty(window, "speechSynthesis", {configurable: true, get: () => synth});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ""; };
})();"""
NO_SPEECH = """Object.defineProperty(window, "speechSynthesis", {configurable: true,
  get: () => undefined});"""


def expect() -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


def ballot_session(live: Live, title: str = "Thé-palabre de Kayes",
                   until: str = "vote") -> dict[str, Any]:
    """A session in the vote phase (or `until`): a money theme, a housing theme (named by
    hand, found by its words) and a loose card no pictogram fits."""
    import socketio as socketio_client

    session = live.open_session(title)
    phone = socketio_client.SimpleClient()
    phone.connect(live.server.url, transports=["websocket"])
    phone.client.call("join", {"code": session["code"]}, timeout=10)
    texts = ["la banque refuse de me prêter", "pas de logement, je dors chez un cousin",
             "bonjour à tous"]
    for text in texts:
        ack = phone.client.call("contribute", {"client_id": os.urandom(8).hex(), "text": text,
                                               "kind": "blocker"}, timeout=10)
        assert ack["ok"], ack
    phone.disconnect()
    ids = {c["text"]: c["id"] for c in live.board(session)["contributions"]}
    live.command(session, type="move_card", contribution_id=ids[texts[0]],
                 label="Crédit bancaire")
    live.command(session, type="move_card", contribution_id=ids[texts[1]],
                 label="Trouver un toit")
    for phase in ("collect", "group", "vote")[:("collect", "group", "vote").index(until) + 1]:
        live.command(session, type="change_phase", phase=phase)
    return session


def open_phone(chromium: Any, url: str, contexts: list[Any], script: str | None = None) -> Any:
    context = chromium.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                   has_touch=True, locale="fr-FR")
    contexts.append(context)
    page = context.new_page()
    if script:
        page.add_init_script(script)
    page.goto(url)
    expect()(page.locator("#net")).to_have_attribute("data-state", "online", timeout=WAIT)
    return page


def open_board(chromium: Any, live: Live, session: dict[str, Any], contexts: list[Any]) -> Any:
    context = chromium.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR",
                                   storage_state=live.login_state)
    contexts.append(context)
    page = context.new_page()
    page.goto(session["board_url"])
    expect()(page.locator("#board")).to_have_attribute("data-ready", "1", timeout=WAIT)
    return page


def shots(tmp_path: Path) -> Path:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_every_ballot_item_has_a_picture_with_words_and_the_board_shows_the_same(
        chromium: Any, live: Live, contexts: list[Any], tmp_path: Path) -> None:
    session = ballot_session(live)
    phone = open_phone(chromium, session["join_url"], contexts)
    board = open_board(chromium, live, session, contexts)
    items = phone.locator("#ballot li")
    expect()(items).to_have_count(3, timeout=WAIT)
    expect()(board.locator("#rank-blocker li")).to_have_count(3, timeout=WAIT)
    results = {r["id"]: r for r in live.board(session)["results"]}
    seen = {}
    for i in range(3):
        pick = items.nth(i).locator(".pick")
        item_id = pick.get_attribute("data-vote")
        pic = pick.locator(".pic")
        picto = pic.get_attribute("data-picto")
        assert picto == results[item_id]["picto"], "the server decides the picture"
        if picto:  # a drawing: an image with its words, for screen readers and on hover
            drawing = pic.locator("svg")
            assert drawing.get_attribute("role") == "img"
            assert drawing.get_attribute("aria-label")
            assert drawing.locator("title").text_content() == drawing.get_attribute(
                "aria-label")
        else:  # no drawing fits: the theme's number in a round shape
            assert pic.get_attribute("role") == "img"
            assert pic.get_attribute("aria-label") == f"Numéro {results[item_id]['number']}"
            assert pic.text_content() == str(results[item_id]["number"])
        seen[item_id] = (picto, pic.evaluate("n => getComputedStyle(n).borderTopColor"))
    assert sorted(p for p, _ in seen.values()) == ["", "housing", "money"]
    for item_id, (picto, colour) in seen.items():
        on_board = board.locator(f"#rank-blocker li[data-item='{item_id}'] .pic")
        assert on_board.get_attribute("data-picto") == picto, "same picture on the board"
        # the board redraws its ranking as votes land: poll rather than read once
        expect()(on_board).to_have_css("border-top-color", colour, timeout=WAIT)
    board.wait_for_timeout(300)
    board.screenshot(path=str(shots(tmp_path) / "board-vote-pictograms-1280x720.png"))
    phone.screenshot(path=str(shots(tmp_path) / "phone-ballot-pictograms-360x740.png"))


def test_the_board_shows_each_themes_picture_while_grouping(
        chromium: Any, live: Live, contexts: list[Any], tmp_path: Path) -> None:
    """The room sees the pictures beside the themes before the vote, where it will look for
    them on the phone."""
    session = ballot_session(live, "Thé-palabre de Nioro", until="group")
    board = open_board(chromium, live, session, contexts)
    themes = {t["label"]: t for t in live.board(session)["themes"]}
    for label, picto in (("Crédit bancaire", "money"), ("Trouver un toit", "housing")):
        assert themes[label]["picto"] == picto
        head = board.locator(f"#col-blocker .theme[data-theme='{themes[label]['id']}'] .tl")
        expect()(head.locator(f".pic[data-picto={picto}] svg[role=img]")).to_be_visible(
            timeout=WAIT)
    board.wait_for_timeout(300)
    board.screenshot(path=str(shots(tmp_path) / "board-group-pictograms-1280x720.png"))


def test_a_person_votes_by_tapping_the_picture(chromium: Any, live: Live,
                                               contexts: list[Any]) -> None:
    session = ballot_session(live, "Rencontre de Lille-Sud")
    phone = open_phone(chromium, session["join_url"], contexts)
    house = phone.locator("#ballot li").filter(has=phone.locator(".pic[data-picto=housing]"))
    expect()(house).to_have_count(1, timeout=WAIT)
    theme_id = house.locator(".pick").get_attribute("data-vote")
    house.locator(".pic").tap()
    expect()(house).to_have_class("blocker voted", timeout=WAIT)
    results = {r["id"]: r for r in live.board(session)["results"]}
    assert results[theme_id]["votes"] == 1 and results[theme_id]["picto"] == "housing"
    assert sum(r["votes"] for r in results.values()) == 1


def spoken(page: Any) -> list[dict[str, Any]]:
    return json.loads(page.evaluate("JSON.stringify(window.__spoken)"))


def test_the_speaker_buttons_read_aloud_in_the_pages_language(chromium: Any, live: Live,
                                                              contexts: list[Any]) -> None:
    session = live.open_session("Thé-palabre de Bamako")
    phone = open_phone(chromium, session["join_url"], contexts, SPEECH)
    prompt = phone.locator("#prompts [data-prompt]").first
    question = prompt.text_content()
    prompt.locator("button.say").tap()
    said = spoken(phone)
    assert said == [{"text": " ".join(question.split()), "lang": "fr", "voice": "Amadou"}]

    phone.evaluate("window.__spoken = []")
    kind = phone.locator("#kind-q button.say")
    assert kind.get_attribute("aria-label") == "Lire à voix haute"
    kind.tap()
    said = spoken(phone)
    assert len(said) == 1 and said[0]["lang"] == "fr" and said[0]["voice"] == "Amadou"
    for words in ("Est-ce un frein ou un levier", "Frein", "Levier"):
        assert words in said[0]["text"], said
    expect()(phone.locator("#kind-blocker")).not_to_be_checked()  # reading is not choosing

    phone.close()
    session = ballot_session(live, "Thé-palabre de Kayes, vote")
    phone = open_phone(chromium, session["join_url"], contexts, SPEECH)
    house = phone.locator("#ballot li").filter(has=phone.locator(".pic[data-picto=housing]"))
    expect()(house).to_have_count(1, timeout=WAIT)
    house.locator("button.say").tap()
    assert spoken(phone) == [
        {"text": "Frein", "lang": "fr", "voice": "Amadou"},
        {"text": "Trouver un toit", "lang": "fr", "voice": "Amadou"},
        {"text": "pas de logement, je dors chez un cousin", "lang": "fr", "voice": "Amadou"},
    ]
    phone.wait_for_timeout(300)
    expect()(house).to_have_class("blocker")  # reading is not voting
    assert all(r["votes"] == 0 for r in live.board(session)["results"])


def test_an_english_phone_speaks_english_and_no_speaker_without_speech(
        chromium: Any, live: Live, contexts: list[Any]) -> None:
    session = live.open_session("Meeting in Kayes")
    phone = open_phone(chromium, session["join_url"] + "?lang=en", contexts, SPEECH)
    phone.locator("#kind-q button.say").tap()
    said = spoken(phone)
    assert said[0]["lang"] == "en" and said[0]["voice"] == "Daniel", said
    assert "Blocker" in said[0]["text"]

    mute = open_phone(chromium, session["join_url"], contexts, NO_SPEECH)
    expect()(mute.locator("#send")).to_be_visible()
    expect()(mute.locator("button.say")).to_have_count(0)
