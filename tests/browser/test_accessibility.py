"""Accessibility of every screen, checked by axe-core in Chromium: no critical and no serious
violation on the login, home, enter-code, console, board and phone pages in each phase, the
club pages and a member's page; no landmark problem either ("region", "landmark-one-main").

The English board also says its words in English once cards are grouped (the cards not
placed in a theme yet are "To sort", never "Divers"). axe-core is vendored in tests/vendor
(see its README), one real server (`facilitation serve`, eventlet) for the module, Debian's
Chromium through Playwright.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ..services import AppServer
from ..test_languages import foreign_phrases, strip_typed
from .conftest import _cli

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js"
EMAIL, PASSWORD = "awa@grdr.example", "palabre-2026"
WAIT = 15_000
BLOCKING = {"critical", "serious"}
LANDMARKS = {"region", "landmark-one-main"}  # moderate, but cheap to hold
ENGLISH_FOREIGN = foreign_phrases("en")  # French phrases English never says
OTHER_TITLES = ["Thé-palabre de Kayes", "Rencontre de décembre"]
SCREENSHOTS = os.environ.get("A11Y_SCREENSHOTS")  # a folder: keep pictures of the boards
CREDIT = ["la banque refuse de me prêter", "pas de crédit bancaire pour les migrants",
          "impossible d'avoir un prêt à la banque", "le banquier ne me fait pas confiance"]
LEFTOVERS = ["le bus ne passe pas le dimanche", "trop de bruit dans la salle"]
LEVERS = ["le réseau des anciens nous aide", "un parrain du club m'accompagne",
          "le réseau des anciens du club", "un parrain pour chaque projet"]


def expect(*args: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(*args)


@dataclass
class Site:
    server: AppServer
    token: str
    login_state: dict[str, Any]
    found: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def api(self, path: str, data: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(
            self.server.url + path, method="POST" if data is not None else "GET",
            data=json.dumps(data).encode() if data is not None else None,
            headers={"Authorization": f"Bearer {self.token}",
                     "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def command(self, session_id: str, **data: Any) -> Any:
        answer = self.api(f"/api/sessions/{session_id}/commands", data)
        assert answer.get("ok", True), answer
        return answer


@pytest.fixture(scope="module")
def site(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    instance = tmp_path_factory.mktemp("a11y") / "instance"
    instance.mkdir()
    _cli(instance, "facilitator", "add", EMAIL, "--password", PASSWORD)
    token = _cli(instance, "facilitator", "token", EMAIL).splitlines()[-1]
    server = AppServer(instance, env={"FACILITATION_CLUSTERING_BACKEND": "lexical",
                                      "FACILITATION_GROUPING_DELAY": "0.1"}).start()
    try:
        # axe-core is injected as an inline script, which our CSP blocks (as it should):
        # the audit's own contexts bypass it (tests/browser/test_csp.py checks the policy)
        context = chromium.new_context(locale="fr-FR", bypass_csp=True)
        page = context.new_page()
        page.goto(server.url + "/login")
        audit(page, "login", found := {})
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(server.url + "/")
        state = context.storage_state()
        context.close()
        yield Site(server, token, state, found)
    finally:
        server.stop()


def audit(page: Any, name: str, found: dict[str, list[dict[str, Any]]]) -> None:
    """Run axe-core on the page as it is now; keep its violations under `name`."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # evaluated through the debugging protocol: the pages' CSP forbids inline scripts
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;void 0")
    found[name] = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 4).map(n => n.target.join(" "))}));
    }""")


def summary(found: dict[str, list[dict[str, Any]]], keep: Any) -> list[str]:
    return [f"{page}: {v['impact']} {v['id']} ({v['help']}) on {', '.join(v['nodes'])}"
            for page, violations in found.items() for v in violations if keep(v)]


def new_context(chromium: Any, site: Site, phone: bool = False, **options: Any) -> Any:
    if phone:
        options.update(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    else:
        options.setdefault("viewport", {"width": 1280, "height": 720})
        options.setdefault("storage_state", site.login_state)
    return chromium.new_context(locale=options.pop("locale", "fr-FR"), bypass_csp=True,
                                **options)


@pytest.fixture
def contexts() -> Iterator[list[Any]]:
    opened: list[Any] = []
    yield opened
    for context in opened:
        context.close()


def open_page(chromium: Any, site: Site, contexts: list[Any], url: str, **options: Any) -> Any:
    context = new_context(chromium, site, **options)
    contexts.append(context)
    page = context.new_page()
    page.goto(url)
    return page


def test_every_screen_in_every_phase(chromium: Any, site: Site, contexts: list[Any]) -> None:
    found = site.found
    url = site.server.url
    session = site.api("/api/sessions", {"title": OTHER_TITLES[0], "kind": "palabre",
                                         "language": "fr"})
    sid = session["id"]
    enter = open_page(chromium, site, contexts, url + "/join", phone=True)
    audit(enter, "enter-code", found)
    enter.goto(url + "/join/ZZZZZZ")
    audit(enter, "enter-code (wrong code)", found)

    home = open_page(chromium, site, contexts, url + "/")
    audit(home, "home", found)
    console = open_page(chromium, site, contexts, url + f"/sessions/{sid}/console",
                        viewport={"width": 1280, "height": 800})
    expect(console.locator("#console")).to_have_attribute("data-ready", "1", timeout=WAIT)
    board = open_page(chromium, site, contexts, session["board_url"])
    expect(board.locator("#board")).to_have_attribute("data-ready", "1", timeout=WAIT)
    phone = open_page(chromium, site, contexts, session["join_url"], phone=True)
    expect(phone.locator("#net")).to_have_attribute("data-state", "online", timeout=WAIT)
    for page, name in ((console, "console"), (board, "board"), (phone, "phone")):
        audit(page, f"{name} (welcome)", found)

    for phase in ("collect", "group", "vote", "synthesis", "closed"):
        site.command(sid, type="change_phase", phase=phase)
        expect(console.locator("#steps li[aria-current]")).to_have_attribute(
            "data-phase", phase, timeout=WAIT)
        expect(board.locator(f"body.phase-{phase}")).to_have_count(1, timeout=WAIT)
        expect(phone.locator("#app")).to_have_attribute("data-phase", phase, timeout=WAIT)
        if phase == "collect":
            for text in CREDIT + LEFTOVERS:
                site.command(sid, type="scribe_contribution", text=text, kind="blocker")
            for text in LEVERS:
                site.command(sid, type="scribe_contribution", text=text, kind="lever")
            expect(board.locator("#col-blocker .theme[data-theme]").first).to_be_visible(
                timeout=WAIT)
            expect(board.locator(".theme.fresh")).to_have_count(0, timeout=WAIT)
            expect(console.locator("#cards-list li").first).to_be_visible(timeout=WAIT)
        if phase == "vote":
            expect(phone.locator("#ballot li").first).to_be_visible(timeout=WAIT)
            phone.locator("#ballot li button").first.tap()
        for page, name in ((console, "console"), (board, "board"), (phone, "phone")):
            audit(page, f"{name} ({phase})", found)

    synthesis = open_page(chromium, site, contexts,
                          url + f"/api/sessions/{sid}/synthesis.html?inline=1")
    audit(synthesis, "synthesis (HTML)", found)
    club_pages(chromium, site, contexts, found)

    serious = summary(found, lambda v: v["impact"] in BLOCKING)
    landmarks = summary(found, lambda v: v["id"] in LANDMARKS)
    print("\naxe-core violations per page:")
    for page, violations in found.items():
        counts: dict[str, int] = {}
        for v in violations:
            counts[v["impact"]] = counts.get(v["impact"], 0) + 1
        print(f"  {page}: {counts or 'none'} "
              f"{[(v['id'], v['nodes']) for v in violations]}")
    assert serious == [], "\n".join(serious)
    assert landmarks == [], "\n".join(landmarks)


def club_pages(chromium: Any, site: Site, contexts: list[Any],
               found: dict[str, list[dict[str, Any]]]) -> None:
    """A club with two members, a member's personal page, the club board, a meeting."""
    url = site.server.url
    page = open_page(chromium, site, contexts, url + "/",
                     viewport={"width": 1280, "height": 800})
    page.fill("#club-name", "Club entreprendre Lille-Sud")
    page.locator("#club-name").press("Enter")
    page.wait_for_url("**/clubs/*")
    club_url = page.url
    links = []
    for name in ("Awa", "Moussa"):
        page.fill("#member-name", name)
        page.locator("#member-name").press("Enter")
        links.append(page.locator("input[readonly]").input_value())
        if name == "Awa":
            audit(page, "member link", found)
        page.goto(club_url)
    page.locator("details.project summary").first.click()
    page.locator("details.project input[name=project]").first.fill("Épicerie solidaire")
    page.locator("details.project input[name=stage][value=creation]").first.check()
    page.locator("details.project input[name=step_text]").first.fill("voir la banque")
    page.locator("details.project button[type=submit].primary").first.click()
    page.wait_for_url("**/clubs/*")
    audit(page, "club page", found)

    member = open_page(chromium, site, contexts, links[0], phone=True)
    audit(member, "member page", found)
    member.goto(url + "/m/not-a-link")
    audit(member, "member page (wrong link)", found)

    board = open_page(chromium, site, contexts, club_url + "/board")
    expect(board.locator("#road")).to_have_attribute("data-ready", "1", timeout=WAIT)
    audit(board, "club board", found)
    if SCREENSHOTS:
        english = open_page(chromium, site, contexts, club_url + "/board?lang=en",
                            locale="en-GB")
        expect(english.locator("#road")).to_have_attribute("data-ready", "1", timeout=WAIT)
        english.screenshot(path=str(Path(SCREENSHOTS) / "club-board-en.png"))

    page.goto(club_url)
    page.fill("#m-title", OTHER_TITLES[1])
    page.locator("#m-title").press("Enter")
    page.wait_for_url("**/console")
    expect(page.locator("#console")).to_have_attribute("data-ready", "1", timeout=WAIT)
    expect(page.locator("#club-panel")).to_have_attribute("data-ready", "1", timeout=WAIT)
    audit(page, "club meeting console", found)


SAID = """() => [document.body.innerText, ...Array.from(
    document.querySelectorAll("[aria-label],[title],[placeholder],img[alt]"),
    e => [e.getAttribute("aria-label"), e.getAttribute("title"), e.getAttribute("placeholder"),
          e.getAttribute("alt")].filter(Boolean).join(" | "))].join("\\n")"""


def french_on(page: Any, name: str, typed: list[str]) -> list[str]:
    """French phrases of the product on an English screen, as the browser shows it now
    (the scripts' words too), user data aside."""
    text = strip_typed(page.evaluate(SAID), typed)
    return [f"{name}: {phrase!r} in {line.strip()!r}"
            for line in text.splitlines() for phrase, pattern in ENGLISH_FOREIGN
            if pattern.search(line)]


def test_english_screens_speak_english(chromium: Any, site: Site, contexts: list[Any]) -> None:
    """French cards in an English session, screens in English: what the scripts draw (themes,
    the misc theme, the ballot, votes left, the console's lists) is English too."""
    session = site.api("/api/sessions", {"title": "Tea circle in Kayes", "kind": "palabre",
                                         "language": "en"})
    sid = session["id"]
    typed = ["Tea circle in Kayes", session["code"], *CREDIT, *LEFTOVERS, *LEVERS,
             *OTHER_TITLES]  # the console offers to link with the other test's sessions
    board = open_page(chromium, site, contexts, session["board_url"], locale="en-GB")
    expect(board.locator("#board")).to_have_attribute("data-ready", "1", timeout=WAIT)
    console = open_page(chromium, site, contexts,
                        site.server.url + f"/sessions/{sid}/console?lang=en",
                        viewport={"width": 1280, "height": 800}, locale="en-GB")
    expect(console.locator("#console")).to_have_attribute("data-ready", "1", timeout=WAIT)
    phone = open_page(chromium, site, contexts, session["join_url"], phone=True,
                      locale="en-GB")
    expect(phone.locator("#net")).to_have_attribute("data-state", "online", timeout=WAIT)
    site.command(sid, type="change_phase", phase="collect")
    for text in CREDIT + LEFTOVERS:
        site.command(sid, type="scribe_contribution", text=text, kind="blocker")
    for text in LEVERS:
        site.command(sid, type="scribe_contribution", text=text, kind="lever")
    expect(board.locator("#col-blocker .theme[data-theme]").first).to_be_visible(timeout=WAIT)
    expect(board.locator(".theme.fresh")).to_have_count(0, timeout=WAIT)
    text = board.locator("#board").inner_text()
    assert "Divers" not in text
    assert "To sort" in text, text
    if SCREENSHOTS:
        board.screenshot(path=str(Path(SCREENSHOTS) / "board-en-misc.png"))
    found: dict[str, list[dict[str, Any]]] = {}
    audit(board, "board (English, collect)", found)
    french = french_on(board, "board (collect)", typed)
    french += french_on(console, "console (collect)", typed)
    french += french_on(phone, "phone (collect)", typed)

    site.command(sid, type="change_phase", phase="group")
    site.command(sid, type="change_phase", phase="vote")
    expect(phone.locator("#ballot li").first).to_be_visible(timeout=WAIT)
    phone.locator("#ballot li button").first.tap()
    phone.locator("#ballot li button").first.tap()
    expect(phone.locator("#left-text")).to_have_text("1 of 3 vote left", timeout=WAIT)
    for page, name in ((board, "board"), (console, "console"), (phone, "phone")):
        audit(page, f"{name} (English, vote)", found)
        french += french_on(page, f"{name} (vote)", typed)
    site.command(sid, type="open_radar")
    expect(board.locator("#radar-stage")).to_be_visible(timeout=WAIT)
    expect(phone.locator("#radar")).to_be_visible(timeout=WAIT)
    for page, name in ((board, "board"), (console, "console"), (phone, "phone")):
        audit(page, f"{name} (English, radar)", found)
    board.keyboard.press("g")  # the synthesis charts
    expect(board.locator("#charts")).to_be_visible(timeout=WAIT)
    board.wait_for_timeout(1000)  # the tool strip's fade (.4 s) is over
    for page, name in ((board, "board"),):
        audit(page, f"{name} (English, charts)", found)
    assert summary(found, lambda v: v["impact"] in BLOCKING) == []
    assert summary(found, lambda v: v["id"] in LANDMARKS) == []
    assert french == [], "\n".join(french)
