"""The facilitator's first ten minutes: where the server listens and what it says, a taken
port, the setup link's pages, and every error page in French and English."""

from __future__ import annotations

import html
import importlib.util
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from flask import abort

from facilitation.transport.serving import plan, terminal_language
from facilitation.usecases import accounts

from ..services import AppServer, free_port

# --- where `serve` listens and which address it gives out ---------------------------------

HOTSPOT = "192.168.43.10"


def test_serve_alone_stays_on_this_computer() -> None:
    where = plan(None, 5000, lan=False, probe=lambda: HOTSPOT)
    assert (where.host, where.public_url, where.phones_url) == ("127.0.0.1", None, None)
    assert where.local_url == "http://127.0.0.1:5000"


def test_make_run_listens_on_the_network_and_gives_out_the_lan_address() -> None:
    where = plan(None, 5001, lan=True, probe=lambda: HOTSPOT)
    assert where.host == "0.0.0.0"
    assert where.public_url == where.phones_url == f"http://{HOTSPOT}:5001"
    assert where.local_url == "http://127.0.0.1:5001" and not where.offline


def test_with_no_network_make_run_still_starts_on_this_computer_and_says_so() -> None:
    where = plan(None, 5000, lan=True, probe=lambda: "127.0.0.1")
    assert where.host == "127.0.0.1" and where.offline
    assert where.public_url is None and where.phones_url is None


def test_public_url_and_host_win_over_the_guess() -> None:
    proxied = plan(None, 5000, lan=True, public_url="https://atelier.example.org",
                   probe=lambda: HOTSPOT)
    assert proxied.public_url == "https://atelier.example.org"
    one_interface = plan("10.0.0.7", 5000, lan=True, probe=lambda: HOTSPOT)
    assert one_interface.host == "10.0.0.7"
    assert one_interface.public_url == "http://10.0.0.7:5000"
    local_only = plan("127.0.0.1", 5000, lan=True, probe=lambda: HOTSPOT)
    assert local_only.host == "127.0.0.1" and local_only.phones_url is None
    assert not local_only.offline
    behind_proxy = plan("0.0.0.0", 8000, lan=False, probe=lambda: HOTSPOT)  # the Procfile
    assert behind_proxy.host == "0.0.0.0" and behind_proxy.public_url is None


@pytest.mark.parametrize(("environ", "language"), [
    ({"LANG": "fr_FR.UTF-8"}, "fr"),
    ({"LANG": "en_GB.UTF-8"}, "en"),
    ({"LANG": "fr_FR.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "fr_ML.UTF-8"}, "fr"),
    ({"LANG": "fr_FR.UTF-8", "LANGUAGE": "en:fr"}, "en"),
    ({"LANG": "C.UTF-8", "LANGUAGE": "fr"}, "en"),
    ({}, "en"),
])
def test_the_terminal_speaks_the_locales_language(environ: dict[str, str],
                                                 language: str) -> None:
    assert terminal_language(environ) == language


# --- a taken port is an error, never a silent share ----------------------------------------

MODES = ["eventlet", "threading"] + (["gevent"] if importlib.util.find_spec("gevent") else [])
IN_USE = {"fr": "déjà utilisé", "en": "already in use"}


def _holder(port: int) -> socket.socket:
    """A socket on the port that, like eventlet's default, would share it (SO_REUSEPORT)."""
    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    holder.bind(("0.0.0.0", port))
    holder.listen()
    return holder


def _serve(instance: Path, port: int, *extra: str, **env: str) -> tuple[int, str, float]:
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith(("LC_", "LANG"))}
    environ.update({"FACILITATION_INSTANCE": str(instance), **env})
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "facilitation", "serve", "--port", str(port),
                           *extra], env=environ, capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_taken_port_stops_the_server_at_once_with_one_line(
        tmp_path: Path, mode: str, language: str) -> None:
    port = free_port()
    holder = _holder(port)
    try:
        code, output, seconds = _serve(
            tmp_path / "instance", port, "--lan", FACILITATION_ASYNC_MODE=mode,
            LANG="fr_FR.UTF-8" if language == "fr" else "en_US.UTF-8")
    finally:
        holder.close()
    lines = [line for line in output.splitlines() if line.strip()]
    assert code != 0
    # seconds, not the model's load (a loaded shared CI machine is slow to import, though)
    assert seconds < 15, f"bind before the slow start: took {seconds:.1f}s"
    assert len(lines) == 1, output
    assert str(port) in lines[0] and IN_USE[language] in lines[0]
    assert "Traceback" not in output


def test_a_second_real_server_on_the_same_port_is_refused(tmp_path: Path) -> None:
    first = AppServer(tmp_path / "first",
                      env={"FACILITATION_CLUSTERING_BACKEND": "lexical"}).start()
    try:
        code, output, seconds = _serve(tmp_path / "second", first.port, "--lan",
                                       LANG="C.UTF-8")
        assert code != 0 and seconds < 15
        assert output.strip().splitlines() == [output.strip()]
        assert f"port {first.port} is already in use" in output
        assert first.process is not None and first.process.poll() is None  # untouched
    finally:
        first.stop()


def test_a_free_port_says_ready_with_both_addresses(tmp_path: Path) -> None:
    server = AppServer(tmp_path / "instance", env={
        "FACILITATION_CLUSTERING_BACKEND": "lexical", "LANG": "en_US.UTF-8", "LC_ALL": ""})
    server.start()
    try:
        printed = server.log.read_text()
    finally:
        server.stop()
    assert "facilitation: ready (eventlet)" in printed
    assert f"On this computer: http://127.0.0.1:{server.port}" in printed
    setup = next(line for line in printed.splitlines() if "/setup/" in line)
    assert setup.startswith("First run:") and f"127.0.0.1:{server.port}/setup/" in setup
    assert printed.index("ready") < printed.index("/setup/")


# --- the first-run pages -----------------------------------------------------------------

FR, EN = {"Accept-Language": "fr"}, {"Accept-Language": "en"}


def text(response: Any) -> str:
    """The page's text as a reader sees it (apostrophes unescaped)."""
    return html.unescape(response.get_data(as_text=True))


def test_the_login_page_says_where_the_setup_link_is_until_an_account_exists(
        app: Any, client: Any) -> None:
    french = text(client.get("/login", headers=FR))
    assert "Premier démarrage" in french and "/setup/" in french and "make run" in french
    assert "relancez-le" in french and "facilitator add" in french
    english = text(client.get("/login", headers=EN))
    assert "First start: no facilitator account yet" in english
    assert "start it again: it prints the link again" in english
    accounts.create(app.extensions["facilitation"].db, "awa@grdr.example", "palabre-2026")
    assert "/setup/" not in text(client.get("/login", headers=FR))


def test_an_unknown_setup_link_answers_a_page_in_the_users_language(
        app: Any, client: Any) -> None:
    accounts.SetupLink(Path(app.instance_path)).ensure()
    french = client.get("/setup/not-the-token", headers=FR)
    assert french.status_code == 404 and french.mimetype == "text/html"
    page = text(french)
    assert '<html lang="fr" dir="ltr">' in page and "Ce lien de création n'est pas valide" in page
    assert 'href="/login"' in page
    english = text(client.get("/setup/not-the-token", headers=EN))
    assert "This setup link is not valid" in english and "Not Found" not in english


def test_a_used_setup_link_says_so_and_how_to_add_accounts(app: Any, client: Any) -> None:
    token = accounts.SetupLink(Path(app.instance_path)).ensure()
    made = client.post(f"/setup/{token}", data={"email": "awa@grdr.example",
                                                "password": "palabre-2026"})
    assert made.status_code == 302
    client.post("/logout")
    again = client.get(f"/setup/{token}", headers=FR)
    assert again.status_code == 404
    assert "Ce lien de création a déjà servi" in text(again)
    english = text(client.get(f"/setup/{token}", headers=EN))
    assert "already used" in english and "facilitator add" in english


# --- every error page, in French and English; JSON under /api/ -----------------------------

TITLES = {
    400: ("La demande n'a pas été comprise", "The request was not understood"),
    403: ("Accès refusé", "Not allowed"),
    404: ("Page introuvable", "Page not found"),
    405: ("Non autorisé ici", "Not allowed here"),
    413: ("Trop volumineux", "Too large"),
    429: ("Trop de demandes", "Too many requests"),
    500: ("Un problème est survenu", "Something went wrong"),
}


@pytest.fixture
def failing_app(make_app: Any) -> Any:
    """The app with routes that fail on demand, as pages and under /api/."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    def fail(code: int) -> Any:
        if code == 500:
            raise RuntimeError("a bug")
        abort(code)

    app.add_url_rule("/fail/<int:code>", "fail", fail)
    app.add_url_rule("/api/fail/<int:code>", "api_fail", fail)
    return app


@pytest.mark.parametrize("code", sorted(TITLES))
@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_error_is_a_page_in_the_users_language_with_a_way_back(
        failing_app: Any, code: int, language: str) -> None:
    response = failing_app.test_client().get(f"/fail/{code}",
                                             headers={"Accept-Language": language})
    page = text(response)
    assert response.status_code == code and response.mimetype == "text/html"
    assert f'<html lang="{language}" dir="ltr">' in page
    assert TITLES[code][language == "en"] in page
    assert ("Erreur" if language == "fr" else "Error") + f" {code}" in page
    assert 'href="/"' in page and 'href="/join"' in page  # home, or a session's code


@pytest.mark.parametrize("code", sorted(TITLES))
def test_the_api_keeps_answering_json_errors(failing_app: Any, code: int) -> None:
    response = failing_app.test_client().get(f"/api/fail/{code}", headers=FR)
    assert response.status_code == code and response.is_json
    body = response.get_json()
    assert body["ok"] is False and body["error"]["message"]


def test_real_errors_are_pages_too(make_app: Any) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    missing = client.get("/nowhere", headers=EN)
    assert missing.status_code == 404 and "Page not found" in text(missing)
    no_token = client.post("/login", data={"email": "a@b.example", "password": "x"},
                           headers=FR)  # a form without its CSRF token
    assert no_token.status_code == 400
    assert "La demande n'a pas été comprise" in text(no_token)
    huge = client.post("/login", data={"email": "x" * 100_000}, headers=FR)
    assert huge.status_code == 413 and "Trop volumineux" in text(huge)
    wrong_method = client.delete("/login", headers=EN)
    assert wrong_method.status_code == 405
    unknown_api = client.get("/api/nowhere", headers=EN)
    assert unknown_api.status_code == 404
    assert unknown_api.get_json()["error"]["code"] == "not_found"
    wrong_api_method = client.delete("/api/sessions", headers=EN)
    assert wrong_api_method.status_code == 405 and wrong_api_method.is_json


@pytest.mark.parametrize("mode", MODES)
def test_every_async_mode_serves_on_the_socket_it_bound_first(tmp_path: Path,
                                                              mode: str) -> None:
    import socketio as socketio_client

    server = AppServer(tmp_path / "instance", env={
        "FACILITATION_ASYNC_MODE": mode, "FACILITATION_CLUSTERING_BACKEND": "lexical"})
    server.start()
    try:
        phone = socketio_client.SimpleClient()
        phone.connect(server.url)
        answer = phone.client.call("join", {"code": "ZZZZZZ"}, timeout=10)
        assert answer["ok"] is False and answer["error"]["code"] == "unknown_session"
        phone.disconnect()
        assert "ready" in server.log.read_text()
    finally:
        server.stop()
