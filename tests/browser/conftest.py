"""A real server (eventlet) for the module and helpers to drive phones and the board
(Debian's Chromium through Playwright; the `chromium` fixture is tests/conftest.py's)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ..services import AppServer

EMAIL, PASSWORD = "awa@grdr.example", "palabre-2026"
WAIT = 10_000  # ms: generous for a loaded machine; expect() returns as soon as it holds

# The phone page connects over polling first, then upgrades. Tests that watch or drop the
# socket's frames need them on the WebSocket from the start: this wraps `io()` so.
WEBSOCKET_ONLY = """(() => {
  let wrapped;
  Object.defineProperty(window, "io", {configurable: true, get() { return wrapped; },
    set(real) {
      wrapped = function (url, opts) {
        if (typeof url === "object") { opts = url; url = undefined; }
        opts = Object.assign({}, opts || {}, {transports: ["websocket"]});
        return url === undefined ? real(opts) : real(url, opts);
      };
      Object.assign(wrapped, real);
    }});
})();"""


@dataclass
class Live:
    server: AppServer
    token: str
    login_state: dict[str, Any]

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(
            self.server.url + path, method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {self.token}",
                     "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=20) as response:
            return json.load(response)

    def open_session(self, title: str = "Thé-palabre de Kayes") -> dict[str, str]:
        return self.call("POST", "/api/sessions",
                         {"title": title, "kind": "palabre", "language": "fr"})

    def command(self, session: dict[str, str], **fields: Any) -> dict[str, Any]:
        answer = self.call("POST", f"/api/sessions/{session['id']}/commands", fields)
        assert answer.get("ok"), answer
        return answer

    def board(self, session: dict[str, str]) -> dict[str, Any]:
        return self.call("GET", f"/api/sessions/{session['id']}/board")


def _cli(instance: Path, *args: str) -> str:
    env = {**os.environ, "FACILITATION_INSTANCE": str(instance)}
    done = subprocess.run([sys.executable, "-m", "facilitation", *args], env=env,
                          check=True, capture_output=True, text=True)
    return done.stdout.strip()


@contextmanager
def logged_in_server(chromium: Any, tmp_path_factory: pytest.TempPathFactory, name: str,
                     env: dict[str, str] | None = None) -> Iterator[Live]:
    """A real server with one facilitator, and that facilitator's login cookies."""
    instance = tmp_path_factory.mktemp(name) / "instance"
    instance.mkdir()
    _cli(instance, "facilitator", "add", EMAIL, "--password", PASSWORD)
    token = _cli(instance, "facilitator", "token", EMAIL).splitlines()[-1]
    server = AppServer(instance, env=env).start()
    try:
        context = chromium.new_context(locale="fr-FR")
        page = context.new_page()
        page.goto(server.url + "/login")
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(server.url + "/")
        state = context.storage_state()
        context.close()
        yield Live(server, token, state)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def live(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """One server for the folder. The lexical grouping engine: these tests are about
    screens, not about the model."""
    with logged_in_server(chromium, tmp_path_factory, "browser-ux",
                          {"FACILITATION_CLUSTERING_BACKEND": "lexical"}) as running:
        yield running


def open_screen(chromium: Any, live: Live, session: dict[str, str], contexts: list[Any],
                screen: str = "board", size: tuple[int, int] = (1280, 720)) -> Any:
    """The logged-in facilitator's `board` or `console` of a session, once it is live."""
    from playwright.sync_api import expect

    context = chromium.new_context(viewport={"width": size[0], "height": size[1]},
                                   locale="fr-FR", storage_state=live.login_state)
    contexts.append(context)
    page = context.new_page()
    page.goto(session["board_url"].replace("/board", "/" + screen))
    expect(page.locator("#" + screen)).to_have_attribute("data-ready", "1", timeout=20_000)
    return page


@pytest.fixture
def contexts(chromium: Any) -> Iterator[list[Any]]:
    opened: list[Any] = []
    yield opened
    for context in opened:
        context.close()
