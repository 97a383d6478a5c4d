"""Issue 12 · 12 and 13: the home page's import form up to its own cap, with a readable
answer above it; the JSON API refuses a cookie-only cross-site write in threading mode."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from facilitation.domain.errors import Rejected
from facilitation.usecases import accounts, imports

from ..usecases.test_pairs import KAYES, other_server, room


@pytest.fixture
def guarded(make_app: Any) -> Any:
    """An app with the CSRF check on, a logged-in browser, and a Kayes log to import."""
    return make_app(WTF_CSRF_ENABLED=True)


def login(app: Any) -> tuple[Any, str]:
    service = app.extensions["facilitation"]
    accounts.create(service.db, "awa@grdr.example", "palabre-2026")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"email": "awa@grdr.example", "password": "palabre-2026",
                                       "csrf_token": token}).status_code == 302
    return client, token


def kayes_log(tmp_path: Any, make_app: Any) -> bytes:
    _, kayes_service, moussa = other_server(tmp_path, make_app)
    sid = room(kayes_service, moussa, "Kayes", "Kayes", KAYES)
    return ("\n".join(imports.export_lines(kayes_service, sid)) + "\n").encode()


def test_the_import_form_takes_a_log_above_64_kb(guarded, tmp_path, make_app) -> None:
    import io

    client, token = login(guarded)
    log = kayes_log(tmp_path, make_app) + b"\n" * (200 * 1024)  # above the global 64 KB
    answer = client.post("/imports", data={"csrf_token": token,
                                           "log": (io.BytesIO(log), "kayes.jsonl")},
                         content_type="multipart/form-data")
    assert answer.status_code == 302, answer.status_code
    assert "/console" in answer.headers["Location"] or "/sessions/" in answer.headers["Location"]


def test_a_log_above_its_cap_gets_a_readable_message(guarded) -> None:
    import io

    client, token = login(guarded)
    huge = b"{}\n" * (imports.UPLOAD_MAX // 3 + 10)
    answer = client.post("/imports", data={"csrf_token": token,
                                           "log": (io.BytesIO(huge), "big.jsonl")},
                         content_type="multipart/form-data")
    assert answer.status_code == 303
    home = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "32 Mo au maximum" in home


def test_a_cookie_only_cross_site_post_imports_nothing(guarded, tmp_path, make_app) -> None:
    """What a cross-site page can send with the login cookie: no Content-Type (a `fetch`
    with a Blob body in no-cors mode), text/plain, or JSON from another Origin."""
    client, token = login(guarded)
    log = kayes_log(tmp_path, make_app)
    service = guarded.extensions["facilitation"]
    sid = json.loads(log.splitlines()[0])["session_id"]
    for headers in ({}, {"Content-Type": "text/plain"},
                    {"Content-Type": "application/x-ndjson", "Origin": "https://evil.example"},
                    {"Content-Type": "application/x-ndjson", "X-CSRFToken": "forged"}):
        answer = client.post("/api/imports", data=log, headers=headers)
        assert answer.status_code == 403, (headers, answer.status_code, answer.get_json())
        assert answer.get_json()["error"]["code"] == "cross_site"
    with pytest.raises(Rejected):  # nothing was imported
        service.board(sid)
    # the page's own script (its token), or a same-origin JSON body, still imports
    same_origin = client.post("/api/imports", data=log, headers={
        "Content-Type": "application/x-ndjson", "Origin": "http://localhost"})
    assert same_origin.status_code == 200, same_origin.get_json()
    with_token = client.post("/api/imports", data=log, headers={
        "Content-Type": "application/x-ndjson", "X-CSRFToken": token})
    assert with_token.status_code == 200 and with_token.get_json()["added"] == 0
    # a bearer token is no ambient credential: exempt
    bearer = accounts.issue_token(service.db, "awa@grdr.example")
    fresh = guarded.test_client()
    scripted = fresh.post("/api/imports", data=log, headers={
        "Authorization": f"Bearer {bearer}", "Content-Type": "application/x-ndjson"})
    assert scripted.status_code == 200
