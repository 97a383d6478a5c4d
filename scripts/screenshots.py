"""Screenshots of the three screens, for review and for the docs.

Starts a real server (eventlet) on a throwaway instance folder, opens a demo thé-palabre,
fills it with cards sent like phones do (Socket.IO), then a club entreprendre over two
meetings (members' links, projects, the competence radar), and writes PNGs into
docs/screenshots/:

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--only club]

Uses Debian's /usr/bin/chromium through Playwright (no browser download).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.services import AppServer  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
]
EMAIL, PASSWORD = "awa@grdr.example", "palabre-2026"

# (first name or None, kind, text): blockers and levers heard in thé-palabres of migrant
# entrepreneurs between Hauts-de-France and the Kayes region.
CARDS = [
    (None, "blocker", "Les banques refusent le crédit sans CDI ni apport personnel."),
    (None, "lever", "La tontine du quartier m'a permis d'acheter le premier stock."),
    (None, "blocker", "Trop de démarches administratives : URSSAF, CFE, Kbis… on s'y perd."),
    (None, "lever", "Le microcrédit de l'Adie, obtenu en trois semaines."),
    (None, "blocker", "Le français écrit des formulaires, c'est difficile pour moi."),
    (None, "lever", "Permanence gratuite d'un comptable à la Maison de l'emploi."),
    (None, "blocker", "Envoyer du matériel à Kayes coûte cher et prend des mois."),
    (None, "lever", "Mobile money (Orange Money) to pay suppliers in Mali quickly."),
    (None, "blocker", "No one explained to me how VAT works for a small shop."),
    ("Mariam", "blocker", "Titre de séjour renouvelé tous les ans : la banque n'a pas confiance."),
    ("Ousmane", "lever", "Un parrain chef d'entreprise qui relit mon prévisionnel."),
    (None, "blocker", "Pas de local commercial abordable à Lille-Moulins."),
    ("Fatoumata", "lever", "Les femmes de l'association se relaient pour garder les enfants."),
    (None, "lever", "Cours de français pro le soir, gratuits, avec le centre social."),
    # a real room says the same things several times, in other words
    (None, "blocker", "La banque m'a dit non pour le prêt, sans explication."),
    ("Koffi", "blocker", "pas de credit bancaire sans garant"),
    (None, "blocker", "Les papiers de la préfecture et de l'URSSAF prennent des mois."),
    (None, "blocker", "jsp quels papiers remplir pour déclarer mon activité"),
    (None, "blocker", "Je comprends mal les courriers administratifs en français."),
    (None, "lever", "Une caisse d'épargne entre femmes du village, comme une tontine."),
    (None, "lever", "Le prêt d'honneur de France Active pour démarrer."),
    ("Aïssata", "lever", "Des ateliers de français à l'oral pour les commerçants."),
    (None, "lever", "Un mentor qui a déjà créé son entreprise pour me conseiller."),
    (None, "lever", "Parrainage par un ancien du club entreprendre."),
]

# Sends cards as phones do: one socket per participant, `join` then `contribute`.
SEED_JS = """async ({code, cards}) => {
  function call(socket, name, data) {
    return new Promise((ok, ko) => socket.timeout(10000).emit(name, data, (err, ack) => {
      if (err) ko(err); else if (!ack.ok) ko(new Error(JSON.stringify(ack))); else ok(ack);
    }));
  }
  for (const [name, kind, text] of cards) {
    const socket = io({forceNew: true, transports: ["websocket"]});
    await call(socket, "join", {code, name});
    await call(socket, "contribute", {
      client_id: crypto.randomUUID().replace(/-/g, ""), kind, text});
    socket.disconnect();
  }
}"""


def facilitator(instance: Path) -> str:
    """Create the demo facilitator; return an API token."""
    env = {**os.environ, "FACILITATION_INSTANCE": str(instance)}
    cli = str(Path(sys.executable).parent / "facilitation")
    subprocess.run([cli, "facilitator", "add", EMAIL, "--password", PASSWORD], env=env,
                   check=True, capture_output=True)
    out = subprocess.run([cli, "facilitator", "token", EMAIL], env=env, check=True,
                         capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def open_session(server: AppServer, token: str, title: str, kind: str = "palabre") -> dict:
    request = urllib.request.Request(
        server.url + "/api/sessions", method="POST",
        data=json.dumps({"title": title, "kind": kind, "language": "fr"}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", choices=["radar", "club", "pair", "full"],
                        help="club (or radar): the club's shots (club board, member page, "
                             "console panel) and the competence radar's, taken in a club "
                             "meeting; pair: the double-espace board; full: a phone right "
                             "after sending and the board with 150 and 300 cards")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="facilitation-shots-") as tmp:
        instance = Path(tmp) / "instance"
        instance.mkdir()
        token = facilitator(instance)
        server = AppServer(instance).start()
        try:
            demo = open_session(server, token, "Thé-palabre de Lille-Moulins – Kayes")
            empty = open_session(server, token, "Petit-déjeuner des entrepreneurs, Roubaix",
                                 "breakfast")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                     args=CHROMIUM_ARGS)
                if not args.only:
                    shoot(browser, server, demo, empty, args.out, token)
                if args.only in (None, "radar", "club"):
                    shoot_club(browser, server, token, args.out)
                if args.only in (None, "pair"):
                    shoot_pair(browser, server, token, args.out)
                if args.only in (None, "full"):
                    shoot_full(browser, server, token, args.out)
                browser.close()
        finally:
            server.stop()
    for png in sorted(args.out.glob("*.png")):
        print(png.relative_to(ROOT) if png.is_relative_to(ROOT) else png)


def command(server: AppServer, token: str, session: dict, **fields) -> dict:  # noqa: ANN003
    """A facilitator command over HTTP, as scripts do."""
    request = urllib.request.Request(
        f"{server.url}/api/sessions/{session['id']}/commands", method="POST",
        data=json.dumps(fields).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.load(response)
    assert answer.get("ok"), answer
    return answer


# Participants who vote (dots on the ballot's first items, biased to the top) and two who
# ask for the floor, each on its own socket, as phones do.
VOTE_JS = """async ({code, voters, floor}) => {
  function call(socket, name, data) {
    return new Promise((ok, ko) => socket.timeout(10000).emit(name, data, (err, ack) => {
      if (err) ko(err); else if (!ack.ok) ko(new Error(JSON.stringify(ack))); else ok(ack);
    }));
  }
  const id = () => crypto.randomUUID().replace(/-/g, "");
  for (let v = 0; v < voters; v++) {
    const socket = io({forceNew: true, transports: ["websocket"]});
    await call(socket, "join", {code});
    const state = (await call(socket, "state", {})).session;
    const ballot = state.ballot;
    for (let d = 0; d < 3; d++) {
      const pick = ballot[Math.floor(Math.pow(Math.random(), 1.8) * ballot.length)];
      await call(socket, "vote", {client_id: id(), target_id: pick.id});
    }
    socket.disconnect();
  }
  window.__floor = [];
  for (const name of floor) {
    const socket = io({forceNew: true, transports: ["websocket"]});
    await call(socket, "join", {code, name});
    await call(socket, "request_floor", {client_id: id()});
    window.__floor.push(socket);  // stays connected: still in line
  }
}"""


def shoot(browser, server: AppServer, demo: dict, empty: dict, out: Path,  # noqa: ANN001
          token: str) -> None:
    from playwright.sync_api import expect

    def desk(width: int, height: int, **extra):  # noqa: ANN003, ANN202
        context = browser.new_context(viewport={"width": width, "height": height},
                                      locale="fr-FR", **extra)
        context.add_cookies(cookies)
        return context

    def board_shot(name: str, size: tuple[int, int] = (1280, 720), wait: str = "",
                   key: str = "") -> None:
        context = desk(*size)
        board = context.new_page()
        board.goto(demo["board_url"])
        expect(board.locator("#board")).to_have_attribute("data-ready", "1")
        if key:  # a view the facilitator calls up by keyboard (G: the synthesis charts)
            board.wait_for_timeout(500)
            board.keyboard.press(key)
            board.wait_for_timeout(4500)  # the tools shown by the key press hide again
        if wait:
            expect(board.locator(wait).first).to_be_visible(timeout=30_000)
        board.wait_for_timeout(900)  # arrival fade-in, bars
        board.screenshot(path=out / f"board-{name}-{size[0]}x{size[1]}.png")
        context.close()

    # Login page, then log in once and reuse the cookies for every desk-size context.
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR")
    page = context.new_page()
    page.goto(server.url + "/login")
    page.screenshot(path=out / "login-1280x720.png")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")
    cookies = context.cookies()

    # Welcome: the QR code takes the stage; the phone says the session starts soon.
    board_shot("welcome")
    phone_context = browser.new_context(viewport={"width": 360, "height": 740},
                                        device_scale_factor=2, is_mobile=True, has_touch=True,
                                        locale="fr-FR")
    phone = phone_context.new_page()
    phone.goto(demo["join_url"])
    expect(phone.locator("#net")).to_have_attribute("data-state", "online", timeout=10_000)
    phone.screenshot(path=out / "phone-welcome-360x740.png")

    # The console stays open through the whole session, as on the facilitator's laptop.
    console_context = desk(1280, 800)
    console = console_context.new_page()
    console.goto(demo["board_url"].replace("/board", "/console"))
    expect(console.locator("#console")).to_have_attribute("data-ready", "1")
    console.locator("#phase-next").click()  # → collect
    expect(console.locator("#steps li[aria-current]")).to_have_attribute("data-phase", "collect")

    seeder = phone_context.new_page()
    seeder.goto(demo["join_url"])
    seeder.evaluate(SEED_JS, {"code": demo["code"], "cards": CARDS})
    # From now on phones' cards wait for approval: the console shows them under "To decide".
    command(server, token, demo, type="set_premoderation", enabled=True)
    mine = [("blocker", "Je ne sais pas à qui demander pour le statut d'auto-entrepreneur."),
            ("lever", "Le groupe WhatsApp des commerçants maliens de Lille.")]
    for kind, text in mine:
        phone.locator(f"label[for=kind-{kind}]").tap()
        phone.fill("#text", text)
        phone.locator("#send").tap()
    expect(phone.locator("#mine li .s[data-state=received]")).to_have_count(2, timeout=10_000)
    phone.fill("#text", "Un local partagé avec d'autres")
    phone.screenshot(path=out / "phone-collect-360x740.png")
    phone.fill("#text", "")

    # A scribe card typed from the console, for someone speaking in the circle.
    console.keyboard.press("/")
    console.keyboard.type("Les anciens connaissent les fournisseurs de Kayes")
    console.keyboard.press("Control+b")
    console.fill("#scribe-speaker", "Mamadou")
    console.locator("#scribe-text").press("Enter")
    expect(console.locator("#scribe-sent")).not_to_be_empty()

    # Collect, with the themes the engine found.
    board_shot("collect", wait="#col-blocker .theme:not(.fresh)[data-theme]")
    board_shot("collect", (1920, 1080), wait="#col-blocker .theme:not(.fresh)[data-theme]")

    # Vote: the console moves on; people put their dots.
    console.locator("#phase-next").click()  # → group
    expect(console.locator("#steps li[aria-current]")).to_have_attribute("data-phase", "group")
    console.locator("#phase-next").click()  # → vote
    expect(console.locator("#steps li[aria-current]")).to_have_attribute("data-phase", "vote")
    expect(phone.locator("#ballot li").first).to_be_visible(timeout=10_000)
    phone.locator("#ballot .pick").nth(1).tap()
    expect(phone.locator("#ballot .minus")).to_have_count(1, timeout=10_000)
    phone.locator("#ballot .pick").nth(0).tap()
    expect(phone.locator("#ballot .minus")).to_have_count(2, timeout=10_000)
    seeder.evaluate(VOTE_JS, {"code": demo["code"], "voters": 11, "floor": ["Aïssata", "Koffi"]})
    phone.evaluate("window.scrollTo(0, document.getElementById('vote').offsetTop - 8)")
    phone.screenshot(path=out / "phone-vote-360x740.png")

    # The speaking circle: the console gives the floor, a timer runs, the phone asks too.
    expect(console.locator("#queue li")).to_have_count(2, timeout=10_000)
    console.locator("#give-next").click()
    expect(console.locator("#speaking .name")).to_have_text("Aïssata", timeout=10_000)
    console.locator("[data-minutes='3']").click()
    phone.locator("#ask").tap()
    expect(phone.locator("#where")).not_to_be_empty(timeout=10_000)
    phone.evaluate("window.scrollTo(0, document.getElementById('floor').offsetTop - 330)")
    phone.screenshot(path=out / "phone-floor-360x740.png")
    phone.locator("#ballot .pick").nth(2).tap()  # a third dot: the page still works
    expect(console.locator("#results li").first).to_be_visible()
    console.wait_for_timeout(600)
    console.screenshot(path=out / "console-1280x800.png")
    console.screenshot(path=out / "console-full-1280.png", full_page=True)
    narrow = desk(390, 844, device_scale_factor=2, is_mobile=True, has_touch=True)
    small = narrow.new_page()
    small.goto(demo["board_url"].replace("/board", "/console"))
    expect(small.locator("#console")).to_have_attribute("data-ready", "1")
    small.wait_for_timeout(400)
    small.screenshot(path=out / "console-390x844.png")
    narrow.close()
    board_shot("vote", wait="#rank-blocker li")
    board_shot("vote", (1920, 1080), wait="#rank-blocker li")

    # Synthesis, then closed.
    command(server, token, demo, type="end_floor")
    command(server, token, demo, type="stop_timer")
    console.locator("#phase-next").click()  # → synthesis
    expect(console.locator("#steps li[aria-current]")).to_have_attribute("data-phase", "synthesis")
    board_shot("synthesis", wait="#rank-lever li")
    board_shot("charts", wait="#charts figure:not([hidden]) img", key="g")
    console.locator("#phase-close").click()
    console.locator("#phase-close").click()  # second click confirms
    expect(console.locator("#steps li[aria-current]")).to_have_attribute("data-phase", "closed")
    expect(phone.locator(".p-closed")).to_be_visible(timeout=10_000)
    phone.evaluate("window.scrollTo(0, 0)")
    phone.screenshot(path=out / "phone-closed-360x740.png")
    board_shot("closed", wait="#closing")
    seeder.close()

    page.goto(server.url + "/")
    page.screenshot(path=out / "home-1280x720.png")
    console_context.close()
    phone_context.close()
    context.close()


# Phones of a club entreprendre rating themselves on the radar's axes, each on its own socket.
RATE_JS = """async ({code, people}) => {
  function call(socket, name, data) {
    return new Promise((ok, ko) => socket.timeout(10000).emit(name, data, (err, ack) => {
      if (err) ko(err); else if (!ack.ok) ko(new Error(JSON.stringify(ack))); else ok(ack);
    }));
  }
  const id = () => crypto.randomUUID().replace(/-/g, "");
  for (const ratings of people) {
    const socket = io({forceNew: true, transports: ["websocket"]});
    await call(socket, "join", {code});
    await call(socket, "rate_radar", {client_id: id(), ratings});
    socket.disconnect();
  }
}"""
# (finance, commercial, network, digital, governance, ess, writing) for each phone
RATINGS = [(2, 4, 3, 2, 3, 1, 2), (1, 3, 4, 3, 2, 2, 1), (3, 4, 2, 2, 4, 2, 3),
           (2, 5, 4, 1, 3, 1, 2), (2, 3, 3, 4, 2, 3, 4), (1, 4, 5, 2, 3, 2, 2)]


# A club entreprendre between Lille and the Kayes region: (first name, project, stage in
# September, stage in November, first next step, due, helper's first name or None).
MEMBERS = [
    ("Awa", "Épicerie solidaire à Lille-Sud", "creation", "launch",
     "Rendez-vous à la banque pour le prêt", "2026-12-10", "Mariam"),
    ("Moussa", "Transport de colis Lille – Kayes", "idea", "creation",
     "Comparer trois transitaires", "2026-12-05", None),
    ("Fatoumata", "Atelier de couture et retouches", "launch", "development",
     "Embaucher une apprentie", "2027-01-15", None),
    ("Ousmane", "Maraîchage bio à Wazemmes", "idea", "idea",
     "Visiter les jardins de la Maison de l'emploi", "2026-11-28", "Ibrahim"),
    ("Aïssata", "Traiteur africain pour les fêtes", "creation", "launch",
     "Déclarer l'activité à l'URSSAF", None, None),
    ("Koffi", "Réparation de téléphones", "idea", "creation",
     "Trouver un local partagé", "2026-12-20", "Fatoumata"),
    ("Mariam", "Salon de coiffure afro", "development", "development",
     "Ouvrir le samedi", None, None),
    ("Ibrahim", "Soutien scolaire en ligne", "idea", "idea",
     "Tester avec cinq familles", "2027-01-08", None),
    ("Samba", "", None, None, "", None, None),
]
DIFFICULTIES = {
    "Awa": "La banque demande un apport de 20 %.",
    "Moussa": "Les frais de douane à Bamako changent souvent.",
    "Koffi": "Pas de local abordable près du métro.",
}
# Awa's own ratings (finance, commercial, network, digital, governance, ess, writing):
# in September, then in November.
AWA_BEFORE = (1, 3, 2, 1, 2, 1, 2)
AWA_NOW = (3, 4, 3, 2, 3, 2, 3)
AXES = ["finance", "commercial", "network", "digital", "governance", "ess", "writing"]


def shoot_club(browser, server: AppServer, token: str, out: Path) -> None:  # noqa: ANN001, C901
    """A club over two meetings: the club board, a member's page, the console's club
    panel, and the competence radar (a member's phone with the earlier meeting's radar)."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    page = context.new_page()
    page.goto(server.url + "/login")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")

    # The club and its members, through the facilitator's pages.
    page.fill("#club-name", "Club entreprendre Lille – Kayes")
    page.locator("#club-name").press("Enter")
    page.wait_for_url("**/clubs/*")
    club_id = page.url.rsplit("/", 1)[-1]
    links: dict[str, str] = {}
    for name, *_ in MEMBERS:
        page.fill("#member-name", name)
        page.locator("#member-name").press("Enter")
        links[name] = page.locator("input[readonly]").input_value()
        page.goto(f"{server.url}/clubs/{club_id}")
    club = page.context.request.get(f"{server.url}/api/clubs/{club_id}").json()
    ids = {m["name"]: m["id"] for m in club["members"]}

    def meeting(title: str) -> dict:
        page.goto(f"{server.url}/clubs/{club_id}")
        page.fill("#m-title", title)
        page.locator("#m-title").press("Enter")
        page.wait_for_url("**/console")
        expect(page.locator("#club-panel")).to_have_attribute("data-ready", "1")
        session_id = page.url.split("/")[-2]
        board = page.context.request.get(f"{server.url}/api/sessions/{session_id}/board").json()
        return {"id": session_id, "code": board["code"],
                "board_url": f"{server.url}/sessions/{session_id}/board"}

    def update(session: dict, name: str, changes: dict) -> None:
        csrf = page.locator("#club-panel").get_attribute("data-csrf")
        answer = page.context.request.post(
            f"{server.url}/clubs/{club_id}/members/{ids[name]}/project",
            data=json.dumps({"changes": changes, "session_id": session["id"]}),
            headers={"Content-Type": "application/json", "X-CSRFToken": csrf or ""})
        assert answer.ok, answer.text()

    phone_context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                        has_touch=True, locale="fr-FR")
    phone = phone_context.new_page()

    def join_as_awa() -> None:
        phone.goto(links["Awa"])
        phone.locator("button.join").tap()
        phone.wait_for_url("**/join/**")
        expect(phone.locator("#net")).to_have_attribute("data-state", "online")

    def rate(values: tuple[int, ...], shot_at: int | None = None) -> None:
        expect(phone.locator("#rq")).to_be_visible(timeout=10_000)
        for i, value in enumerate(values):
            expect(phone.locator("#r-step")).to_have_text(f"{i + 1} / {len(values)}")
            phone.locator(f"#r-rate [data-rate='{value}']").tap()
            expect(phone.locator("#r-sent")).to_have_attribute("data-state", "sent")
            if i + 1 == shot_at:
                phone.mouse.move(0, 0)  # no hover left on a button
                phone.wait_for_timeout(150)  # the tap's ✓ shows before the next axis
                phone.screenshot(path=out / "radar-phone-axis-360x740.png")
        expect(phone.locator("#rdone")).to_be_visible()

    # September: where each project starts; Awa rates herself for the first time.
    september = meeting("Rencontre de septembre")
    command(server, token, september, type="set_details", territory="Lille", place="",
            date=(date.today() - timedelta(days=63)).isoformat())  # the earlier radar says when
    for name, project, before, _now, *_ in MEMBERS:
        if project:
            update(september, name, {"project": project, "stage": before})
    command(server, token, september, type="open_radar")
    join_as_awa()
    rate(AWA_BEFORE)
    command(server, token, september, type="change_phase", phase="closed")

    # November: projects move on, steps are set; the radar again.
    november = meeting("Rencontre de novembre")
    for name, _project, _before, now, step, due, helper in MEMBERS:
        changes: dict = {}
        if now:
            changes["stage"] = now
        if step:
            changes["next_steps"] = [{"text": step, "due": due or "",
                                      "helper": ids[helper] if helper else ""}]
        if name in DIFFICULTIES:
            changes["difficulties"] = DIFFICULTIES[name]
        if changes:
            update(november, name, changes)

    # The member's page, on her phone, with the meeting open.
    phone.goto(links["Awa"])
    phone.wait_for_timeout(200)
    phone.screenshot(path=out / "club-member.png")

    # The projected club board.
    projected = context.new_page()
    projected.set_viewport_size({"width": 1280, "height": 720})
    projected.goto(f"{server.url}/clubs/{club_id}/board")
    expect(projected.locator("#road")).to_have_attribute("data-ready", "1")
    projected.wait_for_timeout(300)
    projected.screenshot(path=out / "club-board.png")

    # The console's panel, after a few keystrokes: Koffi's step typed with its date.
    page.reload()
    expect(page.locator("#club-panel")).to_have_attribute("data-ready", "1")
    koffi = page.locator("#cp-list .cp-row", has_text="Koffi")
    koffi.focus()
    page.keyboard.press("Enter")
    page.keyboard.type("Demander un devis pour l'atelier @15/12/2026")
    page.keyboard.press("Enter")
    expect(koffi.locator(".cp-steps li")).to_have_count(2)
    page.keyboard.press("Escape")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.keyboard.type("Appeler la CCI @12/2026")  # not a date: refused, the text stays
    page.keyboard.press("Enter")
    expect(page.locator("#cp-list .cp-row", has_text="Aïssata").locator(".cp-state")
           ).to_have_attribute("data-state", "error")
    page.wait_for_timeout(200)
    page.locator("#club-panel").screenshot(path=out / "console-club.png")
    page.locator(".cp-row .cp-step").nth(4).fill("")

    # The radar: Awa on her phone, then the room.
    command(server, token, november, type="change_phase", phase="collect")
    command(server, token, november, type="open_radar")
    join_as_awa()
    rate(AWA_NOW, shot_at=1)
    phone.evaluate("document.getElementById('radar').scrollIntoView()")
    phone.wait_for_timeout(200)
    phone.screenshot(path=out / "radar-phone-360x740.png")
    people = [dict(zip(AXES, values, strict=True)) for values in RATINGS]
    phone.evaluate(RATE_JS, {"code": november["code"], "people": people})
    projected.goto(november["board_url"])
    expect(projected.locator("#board")).to_have_attribute("data-ready", "1")
    expect(projected.locator("#radar-n")).to_have_text(str(len(RATINGS) + 1), timeout=10_000)
    projected.wait_for_timeout(500)
    projected.screenshot(path=out / "radar-board-1280x720.png")
    projected.set_viewport_size({"width": 1920, "height": 1080})
    projected.wait_for_timeout(300)
    projected.screenshot(path=out / "radar-board-1920x1080.png")
    page.reload()
    expect(page.locator("#console")).to_have_attribute("data-ready", "1")
    page.locator("#h-radar").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.locator(".box.radar").screenshot(path=out / "radar-console.png")
    phone_context.close()
    context.close()




# The other room of the double-espace: a thé-palabre in Kayes, said in its own words.
KAYES_CARDS = [
    (None, "blocker", "La banque ne prête pas aux femmes du village."),
    (None, "blocker", "Pas de crédit sans garantie foncière."),
    (None, "blocker", "Les coupures d'électricité arrêtent l'atelier."),
    (None, "blocker", "Les papiers de la mairie prennent trop de temps."),
    (None, "lever", "La tontine des femmes finance les premiers achats."),
    (None, "lever", "Les ressortissants en France envoient du matériel."),
    (None, "lever", "Un mentor de la diaspora pour le plan d'affaires."),
    (None, "blocker", "Le transport des marchandises vers Bamako coûte cher."),
    (None, "lever", "Des cours d'alphabétisation le soir au centre."),
]


def shoot_pair(browser, server: AppServer, token: str, out: Path) -> None:  # noqa: ANN001
    """Two linked rooms, Lille and Kayes: the board's "here / there" view."""
    from playwright.sync_api import expect

    lille = open_session(server, token, "Petit-déjeuner de Lille-Moulins")
    kayes = open_session(server, token, "Thé-palabre de Kayes")
    for session, territory in ((lille, "Lille"), (kayes, "Kayes")):
        command(server, token, session, type="set_details", territory=territory)
        command(server, token, session, type="change_phase", phase="collect")
    command(server, token, lille, type="link_session", session_id=kayes["id"])
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR")
    page = context.new_page()
    page.goto(server.url + "/login")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(lille["board_url"])
    expect(page.locator("#board")).to_have_attribute("data-ready", "1")
    page.evaluate(SEED_JS, {"code": lille["code"], "cards": [list(c) for c in CARDS[:16]]})
    page.evaluate(SEED_JS, {"code": kayes["code"], "cards": [list(c) for c in KAYES_CARDS]})
    for session in (lille, kayes):
        command(server, token, session, type="change_phase", phase="group")
        command(server, token, session, type="regroup")
    expect(page.locator("#pair")).to_be_visible(timeout=30_000)
    expect(page.locator("#pair-blocker li.shared").first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(2500)  # both rooms' regroupings land, then the view is fetched
    page.screenshot(path=out / "pair-board-1280x720.png")
    context.close()


def shoot_full(browser, server: AppServer, token: str, out: Path) -> None:  # noqa: ANN001
    """A phone right after Envoyer (its card in view, still sending), and the board of a full
    room: 150 and 300 cards in many themes, at both projector sizes."""
    import re

    from playwright.sync_api import expect

    from tests.browser.conftest import WEBSOCKET_ONLY
    from tests.browser.crowd import fill

    session = open_session(server, token, "Thé-palabre de Lille-Moulins – Kayes")
    command(server, token, session, type="change_phase", phase="collect")
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, locale="fr-FR")
    phone = context.new_page()
    phone.add_init_script(WEBSOCKET_ONLY)  # so that the answer can be held a moment
    held: list = []

    def route(ws) -> None:  # noqa: ANN001
        server_side = ws.connect_to_server()
        ws.on_message(server_side.send)
        server_side.on_message(lambda m: held.append((ws, m)) if hold and isinstance(m, str)
                               and re.match(r"^43\d", m) else ws.send(m))

    hold = False
    phone.route_web_socket(re.compile(r"/socket\.io/"), route)
    phone.goto(session["join_url"])
    expect(phone.locator("#net")).to_have_attribute("data-state", "online", timeout=10_000)
    for kind, text in [("blocker", "Les banques refusent le crédit sans CDI"),
                       ("lever", "La tontine du quartier pour le premier stock")]:
        phone.locator(f"label[for=kind-{kind}]").tap()
        phone.fill("#text", text)
        phone.locator("#send").tap()
        expect(phone.locator("#mine li .s[data-state=received]").first).to_be_visible()
    phone.evaluate("window.scrollTo(0, 0)")
    phone.locator("label[for=kind-blocker]").tap()
    phone.fill("#text", "Je ne sais pas à qui demander pour le statut d'auto-entrepreneur")
    hold = True
    phone.locator("#send").tap()
    expect(phone.locator("#mine li .s").first).to_have_attribute("data-state", "waiting")
    phone.wait_for_timeout(250)
    phone.screenshot(path=out / "phone-sending-360x740.png")
    hold = False
    for ws, message in held:
        ws.send(message)
    expect(phone.locator("#mine li .s").first).to_have_attribute("data-state", "received")
    phone.wait_for_timeout(900)  # the landing highlight fades
    phone.screenshot(path=out / "phone-sent-360x740.png")
    context.close()

    # Without JavaScript: the plain form posts, the confirmation at the top shows the card.
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, locale="fr-FR",
                                  java_script_enabled=False)
    phone = context.new_page()
    phone.goto(session["join_url"])
    phone.locator("label[for=kind-lever]").tap()
    phone.fill("#text", "Le groupe WhatsApp des commerçants maliens de Lille")
    phone.locator("#send").tap()
    expect(phone.locator("#sent-ok")).to_be_visible()
    phone.screenshot(path=out / "phone-nojs-sent-360x740.png")
    context.close()

    def call(session: dict, **fields) -> dict:  # noqa: ANN003
        return command(server, token, session, **fields)

    def board(session: dict) -> dict:
        request = urllib.request.Request(
            f"{server.url}/api/sessions/{session['id']}/board",
            headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    desk = browser.new_context(locale="fr-FR")
    login = desk.new_page()
    login.goto(server.url + "/login")
    login.fill("#email", EMAIL)
    login.fill("#password", PASSWORD)
    login.click("button[type=submit]")
    login.wait_for_url(server.url + "/")
    for total in (150, 300):
        room = open_session(server, token, "Thé-palabre de Lille-Moulins – Kayes")
        fill(lambda room=room, **f: call(room, **f), lambda room=room: board(room), total)
        for width, height in ((1280, 720), (1920, 1080)):
            page = desk.new_page()
            page.set_viewport_size({"width": width, "height": height})
            page.goto(room["board_url"])
            expect(page.locator("#board")).to_have_attribute("data-ready", "1")
            page.wait_for_timeout(900)
            page.screenshot(path=out / f"board-full-{total}-{width}x{height}.png")
            page.close()
    desk.close()


if __name__ == "__main__":
    main()
