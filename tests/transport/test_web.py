"""HTTP: the JSON API, facilitator log-in and first run, and the participant pages."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import pytest

from facilitation.extensions import socketio
from facilitation.usecases import accounts
from facilitation.usecases.steering import FacilitatorCommands

from ..conftest import new_client_id


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_script_opens_a_session_and_reads_its_board_and_events(client, facilitator) -> None:
    created = client.post("/api/sessions", headers=bearer(facilitator.token),
                          json={"title": "Petit-déj ESS Lille", "kind": "breakfast",
                                "language": "fr"})
    assert created.status_code == 201
    body = created.json
    assert re.fullmatch(r"[A-HJ-KMNP-Z2-9]{6}", body["code"])
    assert body["join_url"].endswith(f"/join/{body['code']}")
    assert body["board_url"].endswith(f"/sessions/{body['id']}/board")

    board = client.get(f"/api/sessions/{body['id']}/board", headers=bearer(facilitator.token))
    assert board.status_code == 200
    assert board.json["kind"] == "breakfast" and board.json["seq"] == 1
    assert board.json["prompts"][0]["text"].startswith("Quels freins")
    events = client.get(f"/api/sessions/{body['id']}/events?after=0",
                        headers=bearer(facilitator.token))
    assert [e["type"] for e in events.json["events"]] == ["session_created"]


def test_the_board_api_lists_cards_with_their_author(client, facilitator, palabre, phone):
    awa = phone(palabre.code, name="Awa")
    awa.emit("contribute", {"client_id": new_client_id(), "text": "tontine", "kind": "lever"},
             callback=True)
    board = client.get(f"/api/sessions/{palabre.session_id}/board",
                       headers=bearer(facilitator.token)).json
    [card] = board["contributions"]
    assert (card["text"], card["kind"], card["author"]) == ("tontine", "lever", "Awa")
    assert {"id", "seq", "at", "prompt_id"} <= set(card)
    after = client.get(f"/api/sessions/{palabre.session_id}/events?after={card['seq'] - 1}",
                       headers=bearer(facilitator.token)).json["events"]
    assert [e["seq"] for e in after] == [card["seq"]]


def test_the_boards_live_view_carries_what_moves_and_no_cards(client, facilitator, palabre,
                                                               phone) -> None:
    """What the projected board re-reads after each event: small whatever the session's
    size (no cards, no participants), with the counts and ballot it draws."""
    awa = phone(palabre.code, name="Awa")
    awa.emit("contribute", {"client_id": new_client_id(), "text": "tontine", "kind": "lever"},
             callback=True)
    url = f"/api/sessions/{palabre.session_id}/board"
    full = client.get(url, headers=bearer(facilitator.token)).json
    live = client.get(url + "?view=live", headers=bearer(facilitator.token)).json
    assert "contributions" not in live and "participants" not in live and "themes" not in live
    assert live["participant_count"] == full["participant_count"] == 1
    for key in ("seq", "phase", "results", "timer", "floor", "voters", "radar"):
        assert live[key] == full[key], key
    assert len(str(live)) < len(str(full))


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}])
def test_the_api_needs_a_facilitator(client, palabre, headers) -> None:
    for response in (
        client.post("/api/sessions", headers=headers, json={"title": "x", "kind": "club"}),
        client.get(f"/api/sessions/{palabre.session_id}/board", headers=headers),
        client.get(f"/api/sessions/{palabre.session_id}/events", headers=headers),
    ):
        assert response.status_code == 401
        assert response.json["error"]["code"] == "unauthenticated"


def test_a_facilitator_cannot_read_someone_elses_session(client, palabre, other_facilitator):
    response = client.get(f"/api/sessions/{palabre.session_id}/board",
                          headers=bearer(other_facilitator.token))
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"


def test_the_api_explains_bad_input(client, facilitator) -> None:
    cases = {
        "not_json": client.post("/api/sessions", headers=bearer(facilitator.token),
                                data="title=x"),
        "kind": client.post("/api/sessions", headers=bearer(facilitator.token),
                            json={"title": "x", "kind": "party"}),
        "title": client.post("/api/sessions", headers=bearer(facilitator.token),
                             json={"title": "  ", "kind": "club"}),
        "language": client.post("/api/sessions", headers=bearer(facilitator.token),
                                json={"title": "x", "kind": "club", "language": "de"}),
        "huge": client.post("/api/sessions", headers=bearer(facilitator.token),
                            json={"title": "x" * 100_000, "kind": "club"}),
        "after": client.get("/api/sessions/nope/events?after=-1",
                            headers=bearer(facilitator.token)),
    }
    codes = {name: (r.status_code, r.json["error"]["code"]) for name, r in cases.items()}
    assert codes == {
        "not_json": (400, "invalid_payload"),
        "kind": (400, "invalid_session_kind"),
        "title": (400, "empty_title"),
        "language": (400, "invalid_language"),
        "huge": (413, "too_large"),
        "after": (404, "unknown_session"),
    }
    french = client.post("/api/sessions", headers=bearer(facilitator.token),
                         json={"title": "", "kind": "club"})
    assert french.json["error"]["message"] == "Donnez un titre à la session."
    english = client.post("/api/sessions?lang=en", headers=bearer(facilitator.token),
                          json={"title": "", "kind": "club"})
    assert english.json["error"]["message"] == "Give the session a title."


def test_healthz(client) -> None:
    assert client.get("/healthz").json == {"ok": True}


def test_a_facilitator_logs_in_with_a_csrf_protected_form(make_app, tmp_path) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    service = app.extensions["facilitation"]
    accounts.create(service.db, "awa@grdr.example", "palabre-2026")
    client = app.test_client()
    assert client.get("/").status_code == 302  # the console needs a login
    without_token = client.post("/login", data={"email": "awa@grdr.example",
                                                "password": "palabre-2026"})
    assert without_token.status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    wrong = client.post("/login", data={"email": "awa@grdr.example", "password": "nope",
                                        "csrf_token": token})
    assert wrong.status_code == 401 and "incorrect" in wrong.get_data(as_text=True)
    good = client.post("/login", data={"email": "AWA@grdr.example ", "password": "palabre-2026",
                                       "csrf_token": token})
    assert good.status_code == 302
    assert "Ouvrir une session" in client.get("/").get_data(as_text=True)


def test_the_first_account_is_created_once_through_the_printed_link(app, client) -> None:
    link = accounts.SetupLink(Path(app.instance_path))
    token = link.ensure()
    assert client.get("/setup/not-the-token").status_code == 404
    assert client.get(f"/setup/{token}").status_code == 200
    short = client.post(f"/setup/{token}", data={"email": "a@grdr.example", "password": "x"})
    assert short.status_code == 400 and "8" in short.get_data(as_text=True)
    made = client.post(f"/setup/{token}", data={"email": "a@grdr.example",
                                                "password": "long enough"})
    assert made.status_code == 302
    assert client.get(f"/setup/{token}").status_code == 404  # one time only
    assert accounts.count(app.extensions["facilitation"].db) == 1


def test_the_board_page_is_the_owners_only(app, client, facilitator, other_facilitator, palabre):
    url = f"/sessions/{palabre.session_id}/board"
    assert client.get(url).status_code == 302
    client.post("/login", data={"email": other_facilitator.email,
                                "password": other_facilitator.password})
    assert client.get(url).status_code == 404
    client.post("/logout")
    client.post("/login", data={"email": facilitator.email, "password": facilitator.password})
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert palabre.code in html and "<svg" in html and f"/join/{palabre.code}" in html
    assert "Freins" in html and "Leviers" in html


def test_the_console_creates_a_session_from_its_form(client, facilitator) -> None:
    client.post("/login", data={"email": facilitator.email, "password": facilitator.password})
    created = client.post("/sessions", data={"title": "Club entreprendre de Roubaix",
                                             "kind": "club", "language": "fr"})
    assert created.status_code == 302 and "/board" in created.headers["Location"]
    assert "Club entreprendre de Roubaix" in client.get("/").get_data(as_text=True)


def test_a_socket_sees_the_login_cookie(app, client, facilitator, palabre) -> None:
    client.post("/login", data={"email": facilitator.email, "password": facilitator.password})
    board = socketio.test_client(app, flask_test_client=client)
    ack = board.emit("join_board", {"session_id": palabre.session_id}, callback=True)
    assert ack["ok"] and ack["board"]["code"] == palabre.code


def test_the_join_page_is_french_first_and_switches_to_english(client, palabre) -> None:
    french = client.get(f"/join/{palabre.code}").get_data(as_text=True)
    assert 'lang="fr"' in french and "Frein" in french and "Levier" in french
    english = client.get(f"/join/{palabre.code}?lang=en")
    assert "Blocker" in english.get_data(as_text=True)
    assert "lang=en" in english.headers["Set-Cookie"]
    remembered = client.get(f"/join/{palabre.code}").get_data(as_text=True)
    assert 'lang="en"' in remembered


def test_a_code_typed_by_hand_finds_the_session(client, palabre) -> None:
    typed = f" {palabre.code[:3].lower()}-{palabre.code[3:].lower()} "
    response = client.get("/join", query_string={"code": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/join/{palabre.code}")
    unknown = client.get("/join", query_string={"code": "nope"})
    assert unknown.status_code == 404 and "Aucune session" in unknown.get_data(as_text=True)


def test_a_closed_session_says_so_to_its_phones(app, client, service, facilitator,
                                                palabre) -> None:
    form = {"client_id": new_client_id(), "text": "Les papiers", "kind": "blocker"}
    assert client.post(f"/join/{palabre.code}", data=form).status_code == 302
    FacilitatorCommands(service).change_phase(palabre.session_id, facilitator.id, "closed")
    page = client.get(f"/join/{palabre.code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "La session est close" in html
    assert 'data-phase="closed"' in html  # the stylesheet hides the form in this phase
    # a new phone is answered exactly as for a code that never existed: no title
    stranger = app.test_client()
    closed = stranger.get(f"/join/{palabre.code}")
    unknown = stranger.get("/join/ZZZZZZ")
    assert closed.status_code == unknown.status_code == 404
    closed_html = closed.get_data(as_text=True)
    assert "palabre de Kayes" not in closed_html and "Aucune session" in closed_html
    assert closed_html.replace(palabre.code, "ZZZZZZ") == unknown.get_data(as_text=True)
    assert stranger.get(f"/join/{palabre.code}/qr.svg").status_code == 404
    posted = stranger.post(f"/join/{palabre.code}", data={**form, "client_id": new_client_id()})
    assert posted.status_code == 404 and "Kayes" not in posted.get_data(as_text=True)


def test_without_javascript_the_form_posts_and_keeps_what_was_typed(client, service, palabre):
    refused = client.post(f"/join/{palabre.code}", data={"client_id": new_client_id(),
                                                          "text": "Les papiers", "kind": ""})
    assert refused.status_code == 400
    assert "Choisissez Frein ou Levier." in refused.get_data(as_text=True)
    assert "Les papiers" in refused.get_data(as_text=True)
    client_id = new_client_id()
    form = {"client_id": client_id, "text": "Les papiers <b>prennent</b> des mois",
            "kind": "blocker"}
    sent = client.post(f"/join/{palabre.code}", data=form)
    assert sent.status_code == 302
    assert client.post(f"/join/{palabre.code}", data=form).status_code == 302  # double tap
    page = client.get(f"/join/{palabre.code}").get_data(as_text=True)
    assert "Les papiers &lt;b&gt;prennent&lt;/b&gt; des mois" in page
    assert "Reçu" in page
    cards = list(service.board(palabre.session_id).contributions.values())
    assert [c.text for c in cards] == ["Les papiers <b>prennent</b> des mois"]


def test_hostile_text_is_escaped_everywhere(client, facilitator, service) -> None:
    hostile = '<script>alert("x")</script>"\'>'
    board = service.create_session(facilitator.id, hostile, "palabre", "fr")
    client.post("/login", data={"email": facilitator.email, "password": facilitator.password})
    for url in ("/", f"/sessions/{board.session_id}/board", f"/join/{board.code}"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(" in html


def test_the_phone_page_first_load_stays_under_40_kb_compressed(client, palabre) -> None:
    """Everything a phone downloads on first visit, compressed as the server sends it."""
    headers = {"Accept-Encoding": "gzip, deflate"}
    page = client.get(f"/join/{palabre.code}", headers=headers)
    assert page.headers["Content-Encoding"] == "gzip"
    html = gzip.decompress(page.data).decode()
    assets = re.findall(r'(?:src|href)="(/static/[^"?]+)', html)
    assert assets, "the page loads its script"
    total = len(page.data)
    for asset in assets:
        response = client.get(asset, headers=headers)
        assert response.status_code == 200
        body: Any = response.get_data()
        assert response.headers.get("Content-Encoding") in ("gzip", "deflate")
        total += len(body)
    assert not re.search(r'(?:src|href)="https?://', html), "no external asset"
    print(f"first load: {total} bytes compressed")
    assert total <= 40 * 1024, f"first load is {total} bytes compressed"


def test_the_join_qr_code_encodes_the_join_link(client, palabre) -> None:
    svg = client.get(f"/join/{palabre.code}/qr.svg")
    assert svg.mimetype == "image/svg+xml" and svg.data.startswith(b"<svg")
    assert client.get("/join/ZZZZZZ/qr.svg").status_code == 404


def test_public_url_goes_into_join_links(make_app) -> None:
    app = make_app(PUBLIC_URL="http://192.168.43.10:5000/")
    service = app.extensions["facilitation"]
    account = accounts.create(service.db, "x@grdr.example", "long enough")
    token = accounts.issue_token(service.db, account.email)
    created = app.test_client().post("/api/sessions", headers=bearer(token),
                                     json={"title": "Kayes", "kind": "palabre"}).json
    assert created["join_url"] == f"http://192.168.43.10:5000/join/{created['code']}"


def test_the_board_speaks_the_sessions_language_not_the_laptops(client, facilitator, palabre):
    client.post("/login", data={"email": facilitator.email, "password": facilitator.password})
    url = f"/sessions/{palabre.session_id}/board"
    english_laptop = client.get(url, headers={"Accept-Language": "en-GB,en"})
    html = english_laptop.get_data(as_text=True)
    assert 'lang="fr"' in html and "Freins" in html and "Scannez" in html
    asked = client.get(url + "?lang=en").get_data(as_text=True)
    assert 'lang="en"' in asked and "Blockers" in asked
