"""The newcomer's path, in a real browser against a server started as `make run` starts it:
the setup link from the terminal, the first account, log in, a session, and a join link and
QR code that phones can use (the LAN address, never 127.0.0.1 when there is a network)."""

from __future__ import annotations

import ipaddress
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from facilitation.transport import qr
from facilitation.transport.serving import VIRTUAL

from ..services import free_port, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

ROOT = Path(__file__).resolve().parents[2]
EMAIL, PASSWORD = "awa@grdr.example", "palabre-2026"
WAIT = 15_000  # ms


def make_run_command(port: int) -> list[str]:
    """What `make run` runs (read from the Makefile, nothing executed), with this Python."""
    if shutil.which("make") is None:
        return ["serve", "--lan", "--port", str(port)]
    planned = subprocess.run(["make", "-s", "-n", "run", f"PORT={port}"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
    line = next(line for line in planned.splitlines() if " serve" in line)
    words = shlex.split(line)
    assert words[0].endswith("/facilitation"), line
    return words[1:]


def network_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses, as `ip` sees them (an independent
    oracle for the server's own guess)."""
    if shutil.which("ip") is None:
        return []
    listed = subprocess.run(["ip", "-4", "-o", "addr", "show", "scope", "global"],
                            capture_output=True, text=True).stdout
    return [fields[3].split("/")[0] for fields in map(str.split, listed.splitlines())
            if len(fields) > 3 and not fields[1].startswith(VIRTUAL)]


@dataclass
class MadeRun:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def printed(self) -> str:
        return self.log.read_text()


@pytest.fixture
def made_run(tmp_path: Path) -> Iterator[MadeRun]:
    port = free_port()
    command = make_run_command(port)
    assert command[:2] == ["serve", "--lan"] and f"--port {port}" in " ".join(command)
    instance = tmp_path / "instance"
    log = tmp_path / "terminal.log"
    env = {**os.environ, "FACILITATION_INSTANCE": str(instance), "LANG": "en_US.UTF-8",
           "LC_ALL": "", "FACILITATION_ASYNC_MODE": "eventlet"}
    env.pop("PUBLIC_URL", None)
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "facilitation", *command],
                                   env=env, stdout=out, stderr=subprocess.STDOUT)
    run = MadeRun(process, port, log)

    def set_up() -> bool:
        if process.poll() is not None:
            raise RuntimeError(run.printed())
        return "/setup/" in run.printed()

    try:
        wait_for(set_up, 90, "make run")
        yield run
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def test_a_newcomer_opens_the_setup_link_logs_in_and_projects_a_joinable_session(
        chromium: Any, made_run: MadeRun, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    printed = made_run.printed()
    setup_url = re.search(r"(http://\S+/setup/\S+)", printed).group(1)
    local = f"http://127.0.0.1:{made_run.port}"
    assert setup_url.startswith(local + "/setup/")
    assert "facilitation: ready" in printed and f"On this computer: {local}" in printed
    phones = re.search(r"For phones \(same Wi-Fi or hotspot\): (\S+)", printed)
    machine_has_network = bool(network_addresses())
    if machine_has_network:
        assert phones, printed
        assert urllib.parse.urlsplit(phones.group(1)).hostname in network_addresses()
    else:
        assert "No network" in printed

    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    try:
        page = context.new_page()
        # The login page, before any account: it says where the setup link is.
        page.goto(local + "/login")
        expect(page.locator(".first-run")).to_contain_text("/setup/")
        expect(page.locator(".first-run")).to_contain_text("make run")

        page.goto(setup_url)
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(local + "/", timeout=WAIT)
        page.click("form[action='/logout'] button")
        page.wait_for_url(re.compile(r".*/login$"), timeout=WAIT)
        expect(page.locator(".first-run")).to_have_count(0)
        page.goto(setup_url)  # the link worked once
        expect(page.locator("h1")).to_have_text("Ce lien de création a déjà servi")

        page.goto(local + "/login")
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(local + "/", timeout=WAIT)
        page.fill("#title", "Thé-palabre de Kayes")
        page.click("form[action='/sessions'] button[type=submit]")
        page.wait_for_url(re.compile(r".*/sessions/[^/]+/board$"), timeout=WAIT)
        expect(page.locator("#board")).to_have_attribute("data-ready", "1", timeout=WAIT)

        join_link = page.locator(".code[title]").first.get_attribute("title")
        host = urllib.parse.urlsplit(join_link).hostname
        if machine_has_network:
            assert not ipaddress.ip_address(host).is_loopback, join_link
            assert join_link.startswith(phones.group(1) + "/join/")
        session_id = page.url.rstrip("/").split("/")[-2]
        drawn = page.request.get(f"{local}/sessions/{session_id}/qr.svg")
        assert drawn.ok and drawn.text() == qr.svg(join_link)  # the QR code says the same

        page.screenshot(path=str(tmp_path / "board.png"))
    finally:
        context.close()

    # A phone on the same network opens the join link as printed on the board.
    phone = chromium.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                 has_touch=True, locale="fr-FR")
    try:
        started = time.monotonic()
        screen = phone.new_page()
        screen.goto(join_link)
        expect(screen.locator("#net")).to_have_attribute("data-state", "online", timeout=WAIT)
        assert time.monotonic() - started < 20
    finally:
        phone.close()
