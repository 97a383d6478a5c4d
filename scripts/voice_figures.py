"""Voice card figures for docs/benchmarks.md: the bytes of a voice card recorded by
Chromium's fake microphone, and the time from "send" to "received" on a throttled 2G
profile (Chrome DevTools' network emulation: 250 kbit/s down, 50 kbit/s up, 300 ms RTT).

    PYTHONPATH=$PWD .venv/bin/python scripts/voice_figures.py [--seconds 10] [--runs 3]

A real server (`facilitation serve`, eventlet) on this machine, one phone in Chromium.
Needs Debian's chromium and the test dependencies (Playwright).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.services import AppServer  # noqa: E402

EMAIL, PASSWORD = "bench@grdr.example", "palabre-2026"
PROFILE_2G = {"offline": False, "latency": 300, "downloadThroughput": 250_000 / 8,
              "uploadThroughput": 50_000 / 8}


def cli(instance: Path, *args: str) -> str:
    env = {"FACILITATION_INSTANCE": str(instance), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "facilitation", *args], env=env, check=True,
                          capture_output=True, text=True, cwd=ROOT)
    return done.stdout.strip().splitlines()[-1]


def call(server: AppServer, token: str, method: str, path: str, body: object = None) -> dict:
    request = urllib.request.Request(
        server.url + path, method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    instance = Path(tempfile.mkdtemp(prefix="voice-bench-")) / "instance"
    instance.mkdir()
    cli(instance, "facilitator", "add", EMAIL, "--password", PASSWORD)
    token = cli(instance, "facilitator", "token", EMAIL)
    server = AppServer(instance, env={"FACILITATION_CLUSTERING_BACKEND": "lexical"}).start()
    sizes, acks = [], []
    try:
        session = call(server, token, "POST", "/api/sessions",
                       {"title": "Bench vocal", "kind": "palabre", "language": "fr"})
        call(server, token, "POST", f"/api/sessions/{session['id']}/commands",
             {"type": "change_phase", "phase": "collect"})
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream",
                      "--use-fake-ui-for-media-stream"])
            context = browser.new_context(viewport={"width": 360, "height": 740},
                                          is_mobile=True, locale="fr-FR")
            page = context.new_page()
            page.goto(session["join_url"])
            page.wait_for_selector("#net[data-state=online]")
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", PROFILE_2G)
            for run in range(args.runs):
                page.click("#talk")
                page.wait_for_selector(".vrec[data-step=rec]")
                page.wait_for_timeout(args.seconds * 1000)
                page.click("[data-v=stop]")
                page.wait_for_selector(".vrec[data-step=review]")
                started = time.perf_counter()
                page.click("[data-v=lever]")
                page.wait_for_function(
                    f"() => document.querySelectorAll('#mine .s[data-state=received]')"
                    f".length >= {run + 1}", polling="raf", timeout=120_000)
                acks.append((time.perf_counter() - started) * 1000)
            browser.close()
        board = call(server, token, "GET", f"/api/sessions/{session['id']}/board")
        for card in board["contributions"]:
            request = urllib.request.Request(
                f"{server.url}/sessions/{session['id']}/voice/{card['id']}",
                headers={"Authorization": f"Bearer {token}"})
            with urllib.request.urlopen(request, timeout=30) as response:
                sizes.append((len(response.read()), card["voice"]["duration_ms"],
                              response.headers["Content-Type"]))
    finally:
        server.stop()
    for (size, ms, mime), ack in zip(sizes, acks, strict=False):
        print(f"voice card: {ms} ms, {size} bytes ({mime}); ack on 2G after {ack:.0f} ms")
    print(f"median: {statistics.median(s for s, _, _ in sizes):.0f} bytes, "
          f"ack {statistics.median(acks):.0f} ms (runs: {len(acks)})")


if __name__ == "__main__":
    main()
