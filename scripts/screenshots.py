"""Screenshots of the three screens, for review and for the docs.

Starts a real server (eventlet) on a throwaway instance folder, opens a demo thé-palabre,
fills it with cards sent like phones do (Socket.IO), and writes PNGs into docs/screenshots/:

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

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
                shoot(browser, server, demo, empty, args.out)
                browser.close()
        finally:
            server.stop()
    for png in sorted(args.out.glob("*.png")):
        print(png.relative_to(ROOT))


def shoot(browser, server: AppServer, demo: dict, empty: dict, out: Path) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    def desk(width: int, height: int):  # noqa: ANN202
        return browser.new_context(viewport={"width": width, "height": height},
                                   locale="fr-FR")

    # Login page, then log in once and reuse the cookies for every desk-size context.
    context = desk(1280, 720)
    page = context.new_page()
    page.goto(server.url + "/login")
    page.screenshot(path=out / "login-1280x720.png")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")
    cookies = context.cookies()

    # The empty board: welcome state, big QR code.
    page.goto(empty["board_url"])
    expect(page.locator("#board")).to_have_attribute("data-ready", "1")
    page.screenshot(path=out / "board-empty-1280x720.png")

    # Phone, empty, then after sending two cards through the page itself.
    phone_context = browser.new_context(viewport={"width": 360, "height": 740},
                                        device_scale_factor=2, is_mobile=True, has_touch=True,
                                        locale="fr-FR")
    phone = phone_context.new_page()
    phone.goto(demo["join_url"])
    expect(phone.locator("#net")).to_have_attribute("data-state", "online", timeout=10_000)
    phone.screenshot(path=out / "phone-empty-360x740.png")

    # A board already open while the cards arrive (pages turn live), the others load later.
    live_context = desk(1280, 720)
    live_context.add_cookies(cookies)
    live = live_context.new_page()
    live.goto(demo["board_url"])
    expect(live.locator("#board")).to_have_attribute("data-ready", "1")

    # Seed the demo from a throwaway page (one socket per participant).
    seeder = phone_context.new_page()
    seeder.goto(demo["join_url"])
    seeder.evaluate(SEED_JS, {"code": demo["code"], "cards": CARDS})
    seeder.close()

    mine = [("blocker", "Je ne sais pas à qui demander pour le statut d'auto-entrepreneur."),
            ("lever", "Le groupe WhatsApp des commerçants maliens de Lille.")]
    for kind, text in mine:
        phone.locator(f"label[for=kind-{kind}]").tap()
        phone.fill("#text", text)
        phone.locator("#send").tap()
    expect(phone.locator("#mine li .s[data-state=received]")).to_have_count(2, timeout=10_000)
    phone.fill("#text", "Un local partagé avec d'autres")
    phone.screenshot(path=out / "phone-sent-360x740.png")
    phone.screenshot(path=out / "phone-sent-full-360.png", full_page=True)

    # The network drops: the card waits on the phone (clock), the indicator says so calmly.
    phone_context.set_offline(True)
    expect(phone.locator("#net")).to_have_attribute("data-state", "offline")
    phone.locator("label[for=kind-lever]").tap()
    phone.fill("#text", "Un local partagé avec d'autres commerçants")
    phone.locator("#send").tap()
    expect(phone.locator("#mine li .s[data-state=waiting]")).to_have_count(1)
    phone.fill("#text", "Un atelier sur la TVA")
    phone.evaluate("window.scrollTo(0, document.getElementById('mine').offsetTop - 420)")
    phone.screenshot(path=out / "phone-offline-360x740.png")
    phone_context.set_offline(False)
    expect(phone.locator("#mine li .s[data-state=received]")).to_have_count(3, timeout=10_000)

    # The filled board, live, at projector sizes.
    total = len(CARDS) + 3
    expect(live.locator("#cards")).to_have_text(str(total), timeout=10_000)
    live.wait_for_timeout(800)  # arrival fade-in
    live.screenshot(path=out / "board-live-1280x720.png")
    live_context.close()
    for width, height in [(1280, 720), (1920, 1080), (1024, 768)]:
        board_context = desk(width, height)
        board_context.add_cookies(cookies)
        board = board_context.new_page()
        board.goto(demo["board_url"])
        expect(board.locator("#cards")).to_have_text(str(total), timeout=10_000)
        board.wait_for_timeout(800)  # arrival fade-in
        board.screenshot(path=out / f"board-{width}x{height}.png")
        board_context.close()

    page.goto(server.url + "/")
    page.screenshot(path=out / "home-1280x720.png")

    # English versions of the phone and the board.
    phone.goto(demo["join_url"] + "?lang=en")
    expect(phone.locator("#mine li .s[data-state=received]")).to_have_count(3, timeout=10_000)
    phone.screenshot(path=out / "phone-en-360x740.png")
    phone_context.close()
    context.close()


if __name__ == "__main__":
    main()
