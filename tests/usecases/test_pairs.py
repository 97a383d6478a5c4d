"""Double-espace: two rooms linked live, and the offline merge of an exported log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from facilitation.domain.errors import Rejected
from facilitation.transport.cli import main
from facilitation.usecases import imports
from facilitation.usecases.steering import FacilitatorCommands

from ..conftest import new_client_id


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def room(service: Any, facilitator: Any, title: str, territory: str,
         cards: dict[str, str]) -> str:
    board = service.create_session(facilitator.id, title, "palabre", "fr",
                                   programme="Ici et là-bas")
    sid = board.session_id
    FacilitatorCommands(service).run(sid, facilitator.id,
                                  {"type": "set_details", "territory": territory})
    FacilitatorCommands(service).run(sid, facilitator.id,
                                  {"type": "change_phase", "phase": "collect"})
    joined = service.join(board.code, name="Awa")
    for text, kind in cards.items():
        service.add_contribution(sid, joined.participant_id, new_client_id(), text, kind)
    return sid


def other_server(tmp_path: Path, make_app: Any, name: str = "kayes") -> tuple[Any, Any, Any]:
    """Another server (its own database) with the Kayes room's facilitator:
    (app, service, facilitator)."""
    from facilitation.usecases import accounts

    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / (name + '.db')}",
                   INSTANCE_PATH=str(tmp_path / name))
    service = app.extensions["facilitation"]
    return app, service, accounts.create(service.db, "moussa@kayes.example", "the-palabre-1")


LILLE = {"la banque refuse mon crédit": "blocker", "pas de prêt de la banque": "blocker",
         "les papiers de la préfecture": "blocker", "une tontine entre nous": "lever"}
KAYES = {"la banque ne prête pas aux femmes": "blocker", "crédit bancaire refusé": "blocker",
         "pas d'électricité au village": "blocker", "la caisse villageoise": "lever"}


def command(client: Any, token: str, sid: str, **data: Any) -> Any:
    return client.post(f"/api/sessions/{sid}/commands", json=data, headers=bearer(token))


def test_linked_rooms_see_both_sides_and_shared_themes(client, service, facilitator) -> None:
    lille = room(service, facilitator, "Petit-déjeuner de Lille", "Lille", LILLE)
    kayes = room(service, facilitator, "Thé-palabre de Kayes", "Kayes", KAYES)
    assert client.get(f"/api/sessions/{lille}/pair",
                      headers=bearer(facilitator.token)).status_code == 404  # not linked
    answer = command(client, facilitator.token, lille, type="link_session", session_id=kayes)
    assert answer.status_code == 200 and answer.get_json()["linked"] == kayes
    assert service.board(kayes).linked == lille  # both sides record the link
    pair = client.get(f"/api/sessions/{lille}/pair", headers=bearer(facilitator.token))
    assert pair.status_code == 200
    data = pair.get_json()
    assert data["here"]["territory"] == "Lille" and data["there"]["territory"] == "Kayes"
    assert data["here"]["contributions"] == 4 and data["there"]["contributions"] == 4
    # every card of both rooms is counted once, on its own side
    here_cards = sum(t["here"]["cards"] for t in data["blockers"] + data["levers"] if t["here"])
    there_cards = sum(t["there"]["cards"] for t in data["blockers"] + data["levers"]
                      if t["there"])
    assert (here_cards, there_cards) == (4, 4)
    assert all(t["shared"] == (t["here"] is not None and t["there"] is not None)
               for t in data["blockers"] + data["levers"])
    # seen from the other room, here and there swap
    other = client.get(f"/api/sessions/{kayes}/pair", headers=bearer(facilitator.token))
    assert other.get_json()["here"]["id"] == kayes and other.get_json()["there"]["id"] == lille


def test_shared_blocker_is_found_with_the_real_engine(service, facilitator) -> None:
    """The credit blocker both rooms raised is one shared theme (model backend)."""
    from facilitation.usecases import pairs

    lille = room(service, facilitator, "Lille", "Lille", LILLE)
    kayes = room(service, facilitator, "Kayes", "Kayes", KAYES)
    pairs.run(service, lille, facilitator.id, {"type": "link_session", "session_id": kayes})
    data = pairs.view(service, lille, facilitator.id, backend="use")
    shared = [t for t in data["blockers"] if t["shared"]]
    assert shared, data["blockers"]
    texts = " ".join(e for t in shared for side in ("here", "there") for e in t[side]["examples"])
    assert "banque" in texts or "crédit" in texts


def test_link_rules(client, service, facilitator, other_facilitator) -> None:
    mine = room(service, facilitator, "Lille", "Lille", {})
    second = room(service, facilitator, "Roubaix", "Roubaix", {})
    third = room(service, facilitator, "Kayes", "Kayes", {})
    theirs = service.create_session(other_facilitator.id, "Autre", "club", "fr").session_id
    assert command(client, facilitator.token, mine, type="link_session",
                   session_id=mine).status_code == 400  # not with itself
    refused = command(client, facilitator.token, mine, type="link_session", session_id=theirs)
    assert refused.status_code == 403  # a session the facilitator does not run
    assert command(client, other_facilitator.token, mine, type="link_session",
                   session_id=theirs).status_code == 403
    command(client, facilitator.token, mine, type="link_session", session_id=second)
    # linking to a third room unpairs the second one
    command(client, facilitator.token, mine, type="link_session", session_id=third)
    assert (service.board(mine).linked, service.board(third).linked) == (third, mine)
    assert service.board(second).linked is None
    command(client, facilitator.token, third, type="unlink_session")
    assert service.board(mine).linked is None and service.board(third).linked is None


def test_board_of_the_other_room_is_told_when_cards_arrive(service, facilitator, phone,
                                                           board_client) -> None:
    lille = room(service, facilitator, "Lille", "Lille", {})
    kayes = room(service, facilitator, "Kayes", "Kayes", {})
    from facilitation.usecases import pairs

    pairs.run(service, lille, facilitator.id, {"type": "link_session", "session_id": kayes})
    kayes_board = board_client(kayes)
    kayes_board.get_received()
    lille_phone = phone(service.board(lille).code)
    ack = lille_phone.emit("contribute", {"client_id": new_client_id(),
                                          "text": "pas de crédit", "kind": "blocker"},
                           callback=True)
    assert ack["ok"]
    pushed = [m for m in kayes_board.get_received() if m["name"] == "pair_changed"]
    assert pushed and pushed[-1]["args"][0]["session_id"] == lille
    # the text itself never travels to the other room's socket: it fetches the pair view
    assert "pas de crédit" not in json.dumps(pushed)


def _export(service: Any, sid: str, path: Path) -> Path:
    path.write_text("\n".join(imports.export_lines(service, sid)) + "\n", encoding="utf-8")
    return path


def test_offline_merge_twice_gives_the_same_result(tmp_path, make_app, facilitator) -> None:
    """Kayes works offline on its own server; Lille imports its log twice, then a newer one."""

    kayes_app, kayes_service, moussa = other_server(tmp_path, make_app, "kayes")
    kayes = room(kayes_service, moussa, "Thé-palabre de Kayes", "Kayes", KAYES)
    FacilitatorCommands(kayes_service).run(kayes, moussa.id, {"type": "invite_cofacilitator"})
    first = _export(kayes_service, kayes, tmp_path / "kayes-1.jsonl")

    lille_app = make_app()
    service = lille_app.extensions["facilitation"]
    lille = room(service, facilitator, "Petit-déjeuner de Lille", "Lille", LILLE)
    report, _ = imports.import_log(service, imports.parse(first.read_text().splitlines()),
                                   facilitator.id)
    assert report.created and report.session_id == kayes
    copy = service.board(kayes)
    assert copy.facilitator_id == facilitator.id and not copy.invitations  # not imported
    assert sorted(c.text for c in copy.contributions.values()) == sorted(KAYES)
    again, recorded = imports.import_log(service,
                                         imports.parse(first.read_text().splitlines()),
                                         facilitator.id)
    assert recorded == []
    assert (again.created, again.added) == (False, 0)
    assert service.board(kayes).seq == copy.seq

    # Kayes goes on offline, Lille links the copy; the newer export merges the new card once
    joined = kayes_service.join(kayes_service.board(kayes).code, name="Fatou")
    kayes_service.add_contribution(kayes, joined.participant_id, new_client_id(),
                                   "former les femmes à la gestion", "lever")
    from facilitation.usecases import pairs

    pairs.run(service, lille, facilitator.id, {"type": "link_session", "session_id": kayes})
    second = _export(kayes_service, kayes, tmp_path / "kayes-2.jsonl")
    for _ in range(2):
        imports.import_log(service, imports.parse(second.read_text().splitlines()),
                           facilitator.id)
    merged = service.board(kayes)
    texts = [c.text for c in sorted(merged.contributions.values(), key=lambda c: c.seq)]
    original = kayes_service.board(kayes)
    assert texts == [c.text for c in sorted(original.contributions.values(),
                                            key=lambda c: c.seq)]  # their own order, once
    assert merged.linked == lille  # the local link survives the merge
    data = pairs.view(service, lille, facilitator.id, backend="lexical")
    assert data["there"]["contributions"] == 5


def test_import_refuses_bad_files_and_originals(service, facilitator) -> None:


    sid = room(service, facilitator, "Lille", "Lille", LILLE)
    lines = imports.export_lines(service, sid)
    try:
        imports.import_log(service, imports.parse(lines), facilitator.id)
    except Rejected as error:
        assert error.code == "import_original"
    else:
        raise AssertionError("a session born here was imported into itself")
    for bad in (["not json"], [lines[1]], [lines[0], lines[0]]):
        try:
            imports.parse(bad)
        except Rejected as error:
            assert error.code == "invalid_import"
        else:
            raise AssertionError(bad)


def test_cli_export_then_import(tmp_path, make_app, facilitator) -> None:

    source_app, source, owner = other_server(tmp_path, make_app, "source")
    kayes = room(source, owner, "Kayes", "Kayes", KAYES)
    log_file = tmp_path / "kayes.jsonl"
    runner = CliRunner()
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'source.db'}",
           "FACILITATION_INSTANCE": str(tmp_path / "source")}
    result = runner.invoke(main, ["export", kayes, "--format", "events", "-o", str(log_file)],
                           env=env)
    assert result.exit_code == 0, result.output
    target_env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'test.db'}",
                  "FACILITATION_INSTANCE": str(tmp_path / "instance")}
    make_app()  # the target database, with the facilitator fixture's account
    lille = room(make_app().extensions["facilitation"], facilitator, "Lille", "Lille", LILLE)
    for expected in ("new here", "updated"):
        result = runner.invoke(main, ["import", str(log_file), "--facilitator",
                                      facilitator.email, "--link", lille], env=target_env)
        assert result.exit_code == 0, result.output
        assert expected in result.output
    target = make_app().extensions["facilitation"]
    assert len(target.board(kayes).contributions) == len(KAYES)
    assert target.board(lille).linked == kayes
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{}\n")
    result = runner.invoke(main, ["import", str(bad), "--facilitator", facilitator.email],
                           env=target_env)
    assert result.exit_code != 0 and "ligne 1" in result.output  # French first


def test_programme_synthesis_compares_a_linked_pair_by_default(client, service,
                                                               facilitator) -> None:
    from facilitation.usecases import pairs

    lille = room(service, facilitator, "Lille", "Lille", LILLE)
    kayes = room(service, facilitator, "Kayes", "Kayes", KAYES)
    plain = client.get("/api/programmes/Ici et là-bas/synthesis.json",
                       headers=bearer(facilitator.token)).get_json()
    assert plain["comparison"] is None
    pairs.run(service, lille, facilitator.id, {"type": "link_session", "session_id": kayes})
    linked = client.get("/api/programmes/Ici et là-bas/synthesis.json",
                        headers=bearer(facilitator.token)).get_json()
    assert (linked["comparison"]["here"], linked["comparison"]["there"]) == ("Lille", "Kayes")


def test_upload_form_on_the_home_page(client, service, facilitator) -> None:
    import io

    kayes = room(service, facilitator, "Kayes", "Kayes", KAYES)
    lines = "\n".join(imports.export_lines(service, kayes)).encode()
    client.post("/login", data={"email": facilitator.email, "password": facilitator.password})
    home = client.get("/").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in home
    # its own session: refused with a message, nothing changes
    seq = service.board(kayes).seq
    refused = client.post("/imports", data={"log": (io.BytesIO(lines), "kayes.jsonl")},
                          follow_redirects=True)
    assert refused.status_code == 200 and service.board(kayes).seq == seq
    assert "créée ici" in refused.get_data(as_text=True) or \
        "created here" in refused.get_data(as_text=True)
    empty = client.post("/imports", data={}, follow_redirects=True)
    assert empty.status_code == 200


def test_bench_pair_runs_end_to_end() -> None:
    """The benchmark's code path (not its timings): two rooms, the view, two imports."""
    from facilitation.transport.bench.classic import pair_and_import

    rows = [{"text": text, "kind": kind} for text, kind in {**LILLE, **KAYES}.items()]
    result = pair_and_import(12, "lexical", runs=1, rows=rows)
    assert result["cards"] == 12 and result["themes"] >= 1
    assert result["events"] > 12  # the cards and the session's own events


def test_console_links_rooms_with_a_form(client, service, facilitator) -> None:
    lille = room(service, facilitator, "Lille", "Lille", {})
    kayes = room(service, facilitator, "Kayes", "Kayes", {})
    client.post("/login", data={"email": facilitator.email, "password": facilitator.password})
    page = client.get(f"/sessions/{lille}/console").get_data(as_text=True)
    assert f'value="{kayes}"' in page and f"/api/sessions/{lille}/log.jsonl" in page
    client.post(f"/sessions/{lille}/link", data={"session_id": kayes})
    assert service.board(kayes).linked == lille
    page = client.get(f"/sessions/{lille}/console").get_data(as_text=True)
    assert 'name="unlink"' in page
    refused = client.post(f"/sessions/{lille}/link", data={"session_id": lille},
                          follow_redirects=True)
    assert "flash-error" in refused.get_data(as_text=True)
    client.post(f"/sessions/{lille}/link", data={"unlink": "1"})
    assert service.board(kayes).linked is None


def _line(session_id: str, seq: int, type_: str, payload: dict[str, Any],
          client_id: str | None = None) -> str:
    return json.dumps({"session_id": session_id, "seq": seq, "type": type_, "version": 1,
                       "payload": payload, "actor": None, "client_id": client_id,
                       "at": "2026-11-20T10:00:00+00:00"})


def _created(session_id: str, **extra: Any) -> str:
    return _line(session_id, 1, "session_created", {
        "title": "Copie", "kind": "palabre", "language": "fr", "code": "ABCDEF",
        "facilitator_id": 99, "prompts": [], **extra})


def test_a_crafted_log_cannot_reach_another_facilitators_data(client, app, service,
                                                              facilitator,
                                                              other_facilitator) -> None:
    """The other room's file is not trusted: links to sessions the importer does not run,
    club ids, club members' identities and unfoldable events are not merged."""
    theirs = room(service, other_facilitator, "Secret", "Ailleurs", LILLE)
    clubs = app.extensions["clubs"]
    club = clubs.create(other_facilitator.id, "Club d'à côté")
    member, _ = clubs.add_member(club.id, other_facilitator.id, "Fatou")
    lines = [_created("evil1", club_id=club.id),
             _line("evil1", 2, "session_linked", {"session_id": theirs}),
             _line("evil1", 3, "participant_joined",
                   {"participant_id": "p1", "name": "X", "member_id": member})]
    report, _ = imports.import_log(service, imports.parse(lines), facilitator.id)
    copy = service.board(report.session_id)
    assert copy.linked is None and copy.club_id is None
    assert copy.participants["p1"].member_id is None
    assert copy.facilitator_id == facilitator.id
    assert client.get(f"/api/sessions/{copy.session_id}/pair",
                      headers=bearer(facilitator.token)).status_code == 404
    # a link recorded on one side only shows nothing of the other room
    from facilitation.domain.events import SessionLinked
    from facilitation.usecases.sessions import append_events  # a forged one-sided link

    service.boards.transact(copy.session_id, lambda db, b: (
        append_events(db, b, [SessionLinked(theirs)], "test"), None))
    leak = client.get(f"/api/sessions/{copy.session_id}/pair",
                      headers=bearer(facilitator.token))
    assert leak.status_code == 403 and "Secret" not in leak.get_data(as_text=True)
    # an event the board cannot fold is refused, and nothing of the file is kept
    broken = [_created("evil2"),
              _line("evil2", 2, "themes_updated", {"themes": [{"nolabel": 1}], "based_on": 1})]
    try:
        imports.import_log(service, imports.parse(broken), facilitator.id)
    except Rejected as error:
        assert error.code == "invalid_import" and error.params["line"] == 2
    else:
        raise AssertionError("an unfoldable event was merged")
    assert service.boards.get("evil2") is None
    assert client.get("/", headers=bearer(facilitator.token)).status_code in (200, 302)
    # a club's events, unknown kinds, odd ids are refused at parsing
    for bad in ([_created("evil3", kind="zzz")],
                [_created("evil/4")],
                [_created("evil5"), _line("evil5", 2, "member_added",
                                          {"member_id": "m", "name": "x"})],
                [_created("evil6"), _line("evil6", 2, "phase_changed",
                                          {"phase": "collect", "previous": "welcome"},
                                          client_id=["list"])]):
        try:
            imports.parse(bad)
        except Rejected as error:
            assert error.code == "invalid_import"
        else:
            raise AssertionError(bad)


def test_merged_copy_keeps_regrouping_locally(service, facilitator, tmp_path,
                                              make_app) -> None:
    """Events left out of the file (radar answers) shift the numbering: the copy's
    `based_on` is rewritten, so this server's own regroupings are not thrown away."""
    from facilitation.domain import grouping
    from facilitation.usecases.steering import FacilitatorCommands as Commands

    source_app, source, owner = other_server(tmp_path, make_app, "src")
    sid = room(source, owner, "Kayes", "Kayes", KAYES)
    Commands(source).run(sid, owner.id, {"type": "open_radar"})
    for _ in range(3):
        joined = source.join(source.board(sid).code)
        source.rate_radar(sid, joined.participant_id, new_client_id(), {"finance": 3})
    result = grouping.compute(grouping.snapshot(source.board(sid)), "lexical")
    assert Commands(source).apply_result(sid, result)
    report, _ = imports.import_log(service, imports.parse(imports.export_lines(source, sid)),
                                   facilitator.id)
    copy = service.board(sid)
    assert copy.grouped_seq <= copy.seq
    joined = service.join(copy.code)
    service.add_contribution(sid, joined.participant_id, new_client_id(),
                             "pas de banque au village", "blocker")
    local = grouping.compute(grouping.snapshot(service.board(sid)), "lexical")
    assert Commands(service).apply_result(sid, local)  # not dropped as stale


def test_log_download_and_upload_over_http(client, tmp_path, make_app, facilitator) -> None:
    """The facilitators' way without a terminal: download the log, upload it elsewhere."""
    from facilitation.usecases import accounts

    kayes_app, kayes_service, moussa = other_server(tmp_path, make_app)
    moussa_token = accounts.issue_token(kayes_service.db, moussa.email)
    kayes = room(kayes_service, moussa, "Kayes", "Kayes", KAYES)
    download = kayes_app.test_client().get(f"/api/sessions/{kayes}/log.jsonl",
                                           headers=bearer(moussa_token))
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.data.count(b"\n") == len(kayes_service.events_after(kayes, 0))
    ndjson = {**bearer(facilitator.token), "Content-Type": "application/x-ndjson"}
    for created in (True, False):
        answer = client.post("/api/imports", data=download.data, headers=ndjson)
        assert answer.status_code == 200, answer.get_json()
        assert answer.get_json()["created"] is created
    assert answer.get_json()["added"] == 0
    # what a cross-site form could send is refused, whatever it holds
    forged = client.post("/api/imports", data=download.data,
                         headers={**bearer(facilitator.token), "Content-Type": "text/plain"})
    assert forged.status_code == 400
    bad = client.post("/api/imports", data=b"{}\n", headers=ndjson)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_import"
    # a log bigger than a command is accepted (commands stop at 64 KB)
    big = download.data + b"\n" * (200 * 1024)
    assert client.post("/api/imports", data=big, headers=ndjson).status_code == 200


def test_deleting_one_room_unpairs_the_other(client, service, facilitator) -> None:
    """The partner of a deleted session is told (a `session_linked(None)` in its log): it
    no longer points at a session that is gone, and its board leaves the pair view."""
    from facilitation.usecases import erasure, pairs

    lille = room(service, facilitator, "Lille", "Lille", {})
    kayes = room(service, facilitator, "Kayes", "Kayes", {})
    pairs.run(service, lille, facilitator.id, {"type": "link_session", "session_id": kayes})
    told: list[tuple[str, list[Any]]] = []
    erasure.delete_session(service, kayes, facilitator.id,
                           committed=lambda sid, events: told.append((sid, events)))
    assert service.board(lille).linked is None
    [(where, [event])] = told
    assert where == lille and event.type == "session_linked" and event.actor == "erasure"
    answer = client.get(f"/api/sessions/{lille}/pair", headers=bearer(facilitator.token))
    assert answer.get_json()["error"]["code"] == "not_linked"
