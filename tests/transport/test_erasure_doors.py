"""Erasure from every front door: the console's confirmed button, DELETE on the API, the
console's "erase their contributions" command, a club member's removal, the CLI, and the
retention setting purging closed sessions at start."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import update

from facilitation.store.models import EventRow, utcnow
from facilitation.transport.cli import main
from facilitation.transport.tasks import retention
from facilitation.usecases.clubs import Clubs
from facilitation.usecases.steering import FacilitatorCommands

from ..conftest import pushed_events


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def received(client: Any, name: str) -> list[Any]:
    return [m["args"] for m in client.get_received() if m["name"] == name]


def test_delete_on_the_api_tells_the_board_and_phones(
        client: Any, facilitator: Any, other_facilitator: Any, palabre: Any, phone: Any,
        board_client: Any) -> None:
    amina = phone(palabre.code, name="Amina")
    amina.emit("contribute", {"client_id": uuid.uuid4().hex, "text": "Pas de local",
                              "kind": "blocker"}, callback=True)
    board = board_client(palabre.session_id)
    board.get_received()
    amina.get_received()

    refused = client.delete(f"/api/sessions/{palabre.session_id}",
                            headers=bearer(other_facilitator.token))
    assert refused.status_code == 403
    done = client.delete(f"/api/sessions/{palabre.session_id}",
                         headers=bearer(facilitator.token))

    assert done.status_code == 200 and done.get_json()["events_deleted"] >= 3
    assert received(board, "session_deleted") and received(amina, "session_deleted")
    gone = client.get(f"/api/sessions/{palabre.session_id}/board",
                      headers=bearer(facilitator.token))
    assert gone.status_code == 404
    ack = amina.emit("contribute", {"client_id": uuid.uuid4().hex, "text": "Encore",
                                    "kind": "lever"}, callback=True)
    assert ack["ok"] is False
    assert phone(palabre.code).ack["error"]["code"] == "unknown_session"


def test_the_console_button_needs_its_confirmation(client: Any, facilitator: Any,
                                                   palabre: Any, service: Any) -> None:
    client.post("/login", data={"email": facilitator.email, "password": facilitator.password})
    page = client.get(f"/sessions/{palabre.session_id}/console").get_data(as_text=True)
    assert f"/sessions/{palabre.session_id}/delete" in page

    unconfirmed = client.post(f"/sessions/{palabre.session_id}/delete")
    assert unconfirmed.status_code == 302
    assert service.boards.get(palabre.session_id) is not None
    confirmed = client.post(f"/sessions/{palabre.session_id}/delete", data={"confirm": "1"})

    assert confirmed.status_code == 302
    assert service.boards.get(palabre.session_id) is None
    assert client.get(f"/sessions/{palabre.session_id}/console").status_code == 404


def test_the_console_erases_a_persons_contributions(
        palabre: Any, phone: Any, board_client: Any, service: Any) -> None:
    amina = phone(palabre.code, name="Amina")
    amina.emit("contribute", {"client_id": uuid.uuid4().hex, "text": "Pas de zqxlocal",
                              "kind": "blocker"}, callback=True)
    board = board_client(palabre.session_id)
    board.get_received()
    pid = amina.ack["participant_id"]

    ack = board.emit("command", {"session_id": palabre.session_id,
                                 "type": "erase_participant", "participant_id": pid},
                     callback=True)

    assert ack["ok"] is True and ack["cards"] == 1
    assert [e["type"] for e in pushed_events(board)] == ["contributions_erased"]
    assert "zqxlocal" not in str(service.board(palabre.session_id).to_dict())
    again = board.emit("command", {"session_id": palabre.session_id,
                                   "type": "erase_participant", "participant_id": "nobody"},
                       callback=True)
    assert again["error"]["code"] == "unknown_participant"


def test_removing_a_club_member_from_the_club_page_and_the_api(
        app: Any, client: Any, facilitator: Any, service: Any) -> None:
    clubs: Clubs = app.extensions["clubs"]
    club = clubs.create(facilitator.id, "Club de Lille")
    fatou, _ = clubs.add_member(club.id, facilitator.id, "Fatou")
    ibrahim, _ = clubs.add_member(club.id, facilitator.id, "Ibrahim")
    client.post("/login", data={"email": facilitator.email, "password": facilitator.password})
    assert f"/members/{fatou}/remove" in client.get(f"/clubs/{club.id}").get_data(as_text=True)

    client.post(f"/clubs/{club.id}/members/{fatou}/remove")  # not confirmed
    assert fatou in clubs.club(club.id).members
    client.post(f"/clubs/{club.id}/members/{fatou}/remove", data={"confirm": "1"})
    assert fatou not in clubs.club(club.id).members

    api = app.test_client()
    assert api.delete(f"/api/clubs/{club.id}/members/{ibrahim}").status_code == 401
    done = api.delete(f"/api/clubs/{club.id}/members/{ibrahim}",
                      headers=bearer(facilitator.token))
    assert done.status_code == 200 and clubs.club(club.id).members == {}


def test_the_cli_deletes_a_session(tmp_path: Path, monkeypatch: Any, make_app: Any,
                                   facilitator: Any, palabre: Any) -> None:
    monkeypatch.setenv("FACILITATION_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'test.db'}")
    result = CliRunner().invoke(main, ["session", "delete", palabre.code, "--yes"])
    assert result.exit_code == 0, result.output
    assert make_app().extensions["facilitation"].boards.get(palabre.session_id) is None
    unknown = CliRunner().invoke(main, ["session", "delete", "nothing", "--yes"])
    assert unknown.exit_code == 1


def _closed_long_ago(service: Any, session_id: str, owner: int, days: int) -> None:
    FacilitatorCommands(service).change_phase(session_id, owner, "closed")
    with service.db.write() as db:
        db.execute(update(EventRow).where(EventRow.session_id == session_id)
                   .values(created_at=utcnow() - timedelta(days=days)))


def test_retention_purges_closed_sessions_at_start(make_app: Any, service: Any,
                                                   facilitator: Any) -> None:
    old = service.create_session(facilitator.id, "Vieille", "palabre", "fr").session_id
    recent = service.create_session(facilitator.id, "Récente", "palabre", "fr").session_id
    still_open = service.create_session(facilitator.id, "Ouverte", "palabre", "fr").session_id
    _closed_long_ago(service, old, facilitator.id, 40)
    _closed_long_ago(service, recent, facilitator.id, 10)
    with service.db.write() as db:
        db.execute(update(EventRow).where(EventRow.session_id == still_open)
                   .values(created_at=utcnow() - timedelta(days=90)))

    started = make_app(FACILITATION_RETENTION_DAYS=30)  # the task purges at start
    fresh = started.extensions["facilitation"]
    deadline = time.monotonic() + 10
    while fresh.boards.get(old) is not None and time.monotonic() < deadline:
        time.sleep(0.05)

    assert fresh.boards.get(old) is None
    assert fresh.boards.get(recent) is not None and fresh.boards.get(still_open) is not None
    assert retention.purge_once(started) == []
    assert retention.purge_once(make_app()) == []  # no setting: nothing is ever purged
