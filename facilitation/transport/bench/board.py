"""`facilitation bench board`: how long a big session's projected board takes to be live.

A real server (eventlet, SQLite) imports a session of N cards grouped into themes (still
collecting); headless
Chromium logs in as its facilitator and opens the board. Measured in the page: the time from
navigation to the board being live (snapshot folded, drawn, listening: `data-ready`), the
longest main-thread task, then how long a new card takes from a phone's send to the screen.
"""

from __future__ import annotations

import json
import os
import time
import urllib.request
import uuid
from typing import Any

from .classic import SAMPLE_TEXTS, BenchServer, ExportedLog, _percentiles, _phone

CHROMIUM = os.environ.get("FACILITATION_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"]
THEMES_PER_KIND = 12


def grouped_session_log(session_id: str, cards: int) -> list[str]:
    """An exported log: a session collecting cards, grouping locked, 40 phones, `cards`
    cards and one grouping that puts every card into one of 2 × 12 themes."""
    lines = ExportedLog(session_id, cards + 100)
    add = lines.add

    add("session_created", {"title": "Forum", "kind": "breakfast", "language": "fr",
                            "code": uuid.uuid4().hex[:6].upper(), "facilitator_id": 1})
    add("phase_changed", {"phase": "collect", "previous": "welcome"})
    # the themes stay as the log has them: a regrouping landing mid-measure would change
    # what is drawn from one load to the next
    add("grouping_set", {"auto": False, "locked": True, "granularity": 0.5})
    for n in range(40):
        add("participant_joined", {"participant_id": f"p{n}", "name": None})
    members: dict[tuple[str, int], list[str]] = {}
    for n in range(cards):
        kind = "lever" if n % 2 else "blocker"
        text = f"{SAMPLE_TEXTS[n % len(SAMPLE_TEXTS)]} ({n})"
        add("contribution_added", {"contribution_id": f"c{n}", "participant_id": f"p{n % 40}",
                                   "text": text, "kind": kind},
            client_id=uuid.uuid5(uuid.NAMESPACE_OID, f"{session_id}-{n}").hex)
        members.setdefault((kind, (n // 2) % THEMES_PER_KIND), []).append(f"c{n}")
    palette = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
    themes = [{"id": f"t-{kind}-{k}", "kind": kind, "label": f"Thème {k + 1}",
               "card_ids": ids, "colour": palette[k % len(palette)]}
              for (kind, k), ids in sorted(members.items())]
    add("themes_updated", {"themes": themes, "based_on": len(lines)})
    return lines.text()


def _import(server: BenchServer, session_id: str, cards: int) -> str:
    """Import the big session; its join code."""
    body = ("\n".join(grouped_session_log(session_id, cards)) + "\n").encode()
    request = urllib.request.Request(
        server.url + "/api/imports", method="POST", data=body,
        headers={"Authorization": f"Bearer {server.token}",
                 "Content-Type": "application/x-ndjson"})
    with urllib.request.urlopen(request, timeout=600) as response:
        report = json.loads(response.read())
    if not report.get("ok"):
        raise RuntimeError(report)
    return str(server.api("GET", f"/api/sessions/{session_id}/board")["code"])


_WATCH_LONG_TASKS = """
window.__longest = 0;
try {
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) {
      window.__longest = Math.max(window.__longest, e.duration);
    });
  }).observe({ type: "longtask", buffered: true });
} catch (e) { window.__longest = -1; }
"""


def board_load(cards: int, runs: int = 3, live_cards: int = 20,
               cpu_slowdown: float = 1.0) -> dict[str, Any]:
    """Open the board of an N-card session `runs` times (fresh page each time), then
    send `live_cards` cards from a phone and time each one until it is drawn."""
    from playwright.sync_api import sync_playwright

    with BenchServer() as server, sync_playwright() as playwright:
        session_id = f"big{uuid.uuid4().hex[:8]}"
        started = time.perf_counter()
        code = _import(server, session_id, cards)
        imported_s = time.perf_counter() - started
        snapshot = server.api("GET", f"/api/sessions/{session_id}/board")
        snapshot_kb = len(json.dumps(snapshot, ensure_ascii=False).encode()) / 1024
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        # waiting on a JS predicate needs eval, which the pages' CSP forbids
        context = browser.new_context(viewport={"width": 1920, "height": 1080}, bypass_csp=True)
        page = context.new_page()
        page.goto(server.url + "/login")
        page.fill("#email", "bench@example.org")
        page.fill("#password", "benchmark")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        live_ms: list[float] = []
        longest_ms: list[float] = []
        for _ in range(runs):
            page = context.new_page()
            if cpu_slowdown > 1:
                cdp = context.new_cdp_session(page)
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu_slowdown})
            page.add_init_script(_WATCH_LONG_TASKS)
            page.goto(server.url + f"/sessions/{session_id}/board", wait_until="commit")
            page.wait_for_function(
                "document.getElementById('board').getAttribute('data-ready') === '1'",
                polling="raf", timeout=120_000)
            live_ms.append(page.evaluate("performance.now()"))
            page.wait_for_timeout(300)  # the long-task observer reports after the task
            longest_ms.append(page.evaluate("window.__longest"))
            drawn = page.locator(".card").count()
            page.close()
        page = context.new_page()
        page.goto(server.url + f"/sessions/{session_id}/board")
        page.wait_for_function(
            "document.getElementById('board').getAttribute('data-ready') === '1'",
            timeout=120_000)
        phone = _phone(server.url, code)
        card_ms: list[float] = []
        for n in range(live_cards):
            text = f"nouvelle carte en direct {n} {uuid.uuid4().hex[:6]}"
            sent = time.perf_counter()
            answer = phone.call("contribute", {"text": text, "kind": "blocker",
                                               "client_id": uuid.uuid4().hex}, timeout=30)
            if not answer.get("ok"):
                raise RuntimeError(answer)
            page.wait_for_function(
                "t => document.getElementById('board').textContent.indexOf(t) >= 0",
                arg=text, polling="raf", timeout=30_000)
            card_ms.append((time.perf_counter() - sent) * 1000)
        phone.disconnect()
        browser.close()
    card = _percentiles([ms / 1000 for ms in card_ms])
    return {"cards": cards, "import_s": round(imported_s, 2),
            "snapshot_kb": round(snapshot_kb), "cards_drawn": drawn,
            "cpu_slowdown": cpu_slowdown, "runs": runs,
            "live_ms": [round(ms) for ms in live_ms],
            "live_ms_max": round(max(live_ms)),
            "longest_task_ms": round(max(longest_ms)),
            "new_card_on_board_p50_ms": round(card["p50_ms"]),
            "new_card_on_board_max_ms": round(card["max_ms"])}
