"""The projected board with a full room: 150 and 300 cards in about 20 and 30 themes, at
1280×720 and 1920×1080. Every theme is on screen or counted ("+4 thèmes · page 1/2"),
every page can be reached, no label is cut, nothing scrolls, and a new card does not move
what the room is reading."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import WAIT, Live
from .crowd import fill

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]
SIZES = [(1280, 720), (1920, 1080)]

AUDIT = """() => {
  const out = {scroll: [document.documentElement.scrollWidth - innerWidth,
                        document.documentElement.scrollHeight - innerHeight], kinds: {}};
  for (const kind of ["blocker", "lever"]) {
    const column = document.getElementById("col-" + kind), cbox = column.getBoundingClientRect();
    const foot = document.getElementById("more-" + kind);
    const shown = [], problems = [];
    for (const theme of column.querySelectorAll(".theme")) {
      if (theme.hidden || !theme.offsetHeight) continue;
      const label = theme.querySelector(".label"), box = label.getBoundingClientRect();
      const name = label.textContent;
      if (theme.dataset.theme) shown.push(theme.dataset.theme);
      if (box.top < cbox.top - 1 || box.bottom > cbox.bottom + 1 || box.bottom > innerHeight)
        problems.push("label outside its column: " + name);
      if (label.scrollHeight > label.clientHeight + 1 || label.scrollWidth > label.clientWidth + 1)
        problems.push("label clipped: " + name);
      // a word broken over two lines is a word cut
      const text = label.firstChild, words = /\\S+/g;
      let m;
      while ((m = words.exec(text.data))) {
        const range = document.createRange();
        range.setStart(text, m.index); range.setEnd(text, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) problems.push("word cut: " + m[0] + " in " + name);
      }
    }
    const away = foot.hidden ? 0
      : parseInt(foot.querySelector(".away").textContent.replace(/\\D/g, ""), 10);
    const fbox = foot.getBoundingClientRect();
    if (!foot.hidden && (fbox.bottom > innerHeight || fbox.top < cbox.bottom - 1))
      problems.push("page cue not in view");
    out.kinds[kind] = {shown, away, problems, page: +(foot.dataset.page || 1),
                       pages: foot.hidden ? 1 : +foot.dataset.pages,
                       cue: foot.hidden ? "" : foot.textContent,
                       overflow: column.scrollHeight - column.clientHeight};
  }
  return out;
}"""


def expect() -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


def themes_by_kind(live: Live, session: dict[str, str]) -> dict[str, set[str]]:
    board = live.board(session)
    visible = {c["id"] for c in board["contributions"] if not c["hidden"] and not c["pending"]}
    out: dict[str, set[str]] = {"blocker": set(), "lever": set()}
    for theme in board["themes"]:
        if visible & set(theme["card_ids"]):
            out[theme["kind"]].add(theme["id"])
    return out


def open_board(chromium: Any, live: Live, session: dict[str, str], contexts: list[Any],
               size: tuple[int, int]) -> Any:
    context = chromium.new_context(viewport={"width": size[0], "height": size[1]},
                                   locale="fr-FR", storage_state=live.login_state)
    contexts.append(context)
    page = context.new_page()
    page.goto(session["board_url"])
    expect()(page.locator("#board")).to_have_attribute("data-ready", "1", timeout=WAIT)
    page.wait_for_timeout(400)
    return page


def check_every_theme_seen_or_counted(page: Any, expected: dict[str, set[str]]) -> dict:
    first = page.evaluate(AUDIT)
    assert first["scroll"] == [0, 0], "the projected page scrolls"
    for kind, want in expected.items():
        seen: set[str] = set()
        pages = first["kinds"][kind]["pages"]
        for _ in range(max(first["kinds"][k]["pages"] for k in expected)):
            audit = page.evaluate(AUDIT)["kinds"][kind]
            assert audit["problems"] == [], audit["problems"]
            assert audit["overflow"] <= 1, f"{kind}: {audit['overflow']}px hidden below"
            shown = set(audit["shown"])
            assert shown <= want
            # what is not on screen is counted, exactly
            assert len(shown) + audit["away"] == len(want), (kind, len(shown), audit)
            if audit["pages"] > 1:
                assert f"page {audit['page']}/{audit['pages']}" in audit["cue"], audit["cue"]
            seen |= shown
            page.keyboard.press("PageDown")
            page.wait_for_timeout(150)
        assert seen == want, f"{kind}: {len(want - seen)} themes never on screen ({pages} pages)"
    return first


@pytest.fixture(scope="module")
def full_room(live: Live) -> tuple[dict[str, str], dict[str, int]]:
    session = live.open_session("Thé-palabre de Lille-Moulins – Kayes")
    sizes = fill(lambda **f: live.command(session, **f), lambda: live.board(session), 150)
    return session, sizes


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_150_cards_every_theme_is_on_screen_or_counted(
        chromium: Any, live: Live, contexts: list[Any], full_room: Any,
        size: tuple[int, int]) -> None:
    session, sizes = full_room
    expected = themes_by_kind(live, session)
    assert sum(len(v) for v in expected.values()) == len(sizes) >= 18
    page = open_board(chromium, live, session, contexts, size)
    check_every_theme_seen_or_counted(page, expected)


def test_a_new_card_does_not_move_what_the_room_reads(
        chromium: Any, live: Live, contexts: list[Any], full_room: Any) -> None:
    session, _ = full_room
    page = open_board(chromium, live, session, contexts, (1280, 720))
    labels = page.locator("#col-blocker .theme:not([hidden]) .label")
    before = [labels.nth(i).bounding_box() for i in range(labels.count())]
    cards = int(page.locator("#cards").inner_text())
    live.command(session, type="scribe_contribution", kind="blocker",
                 text="Le bus de nuit ne passe plus après 22 heures")
    expect()(page.locator("#cards")).to_have_text(str(cards + 1), timeout=WAIT)
    page.wait_for_timeout(300)
    after = [labels.nth(i).bounding_box() for i in range(labels.count())]
    assert after == before, "a new card moved the themes on screen"
    expect()(page.locator("#col-blocker .theme.fresh .card", has_text="après 22 heures")
             ).to_be_visible()


@pytest.fixture(scope="module")
def crowded_room(live: Live) -> dict[str, str]:
    session = live.open_session("Grande assemblée des entrepreneurs")
    fill(lambda **f: live.command(session, **f), lambda: live.board(session), 300)
    return session


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_300_cards_every_theme_is_on_screen_or_counted(
        chromium: Any, live: Live, contexts: list[Any], crowded_room: dict[str, str],
        size: tuple[int, int]) -> None:
    expected = themes_by_kind(live, crowded_room)
    assert sum(len(v) for v in expected.values()) >= 28
    page = open_board(chromium, live, crowded_room, contexts, size)
    first = check_every_theme_seen_or_counted(page, expected)
    if size == (1280, 720):
        assert any(k["pages"] > 1 for k in first["kinds"].values()), "expected pages at 300"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_30_cards_every_theme_is_on_screen_without_pages(
        chromium: Any, live: Live, contexts: list[Any], size: tuple[int, int]) -> None:
    session = live.open_session("Petit-déjeuner des entrepreneurs, Roubaix")
    fill(lambda **f: live.command(session, **f), lambda: live.board(session), 30)
    expected = themes_by_kind(live, session)
    page = open_board(chromium, live, session, contexts, size)
    first = check_every_theme_seen_or_counted(page, expected)
    for kind, audit in first["kinds"].items():
        assert audit["pages"] == 1 and set(audit["shown"]) == expected[kind], (kind, audit)
    # cards too, not only labels
    expect()(page.locator("#col-blocker .card:not([hidden])").first).to_be_visible()
