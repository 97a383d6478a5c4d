"""Socket.IO stories of a meeting: phones join and send, the board follows live."""

from __future__ import annotations

from typing import Any

from facilitation.extensions import socketio
from facilitation.usecases.steering import FacilitatorCommands

from ..conftest import new_client_id, pushed_events


def contribute(phone: Any, text: str, kind: str = "blocker", client_id: str | None = None,
               **extra: Any) -> dict[str, Any]:
    payload = {"client_id": client_id or new_client_id(), "text": text, "kind": kind, **extra}
    return phone.emit("contribute", payload, callback=True)


def test_phones_send_and_the_board_sees_every_card_live(palabre, phone, board_client) -> None:
    board = board_client(palabre.session_id)
    assert board.ack["ok"] and board.ack["board"]["contributions"] == []
    awa = phone(palabre.code, name="Awa")
    moussa = phone(palabre.code.lower())  # codes are typed in any case
    assert awa.ack["ok"] and moussa.ack["ok"]
    assert awa.ack["participant_id"] != moussa.ack["participant_id"]
    pushed_events(board)

    first = contribute(awa, "Les banques nous fatiguent", "blocker")
    second = contribute(moussa, "Monter une tontine entre porteurs de projet", "lever")

    assert first["ok"] and second["ok"] and second["seq"] == first["seq"] + 1
    live = pushed_events(board)
    added = [e for e in live if e["type"] == "contribution_added"]
    assert [e["payload"]["text"] for e in added] == [
        "Les banques nous fatiguent", "Monter une tontine entre porteurs de projet"]
    assert [e["seq"] for e in added] == [first["seq"], second["seq"]]
    assert added[0]["payload"]["participant_id"] == awa.ack["participant_id"]


def test_phones_never_receive_other_peoples_cards_or_names(palabre, phone) -> None:
    awa = phone(palabre.code, name="Awa")
    moussa = phone(palabre.code, name="Moussa")
    pushed_events(awa)
    contribute(moussa, "je ne parle pas bien français", "blocker")
    assert pushed_events(awa) == []
    assert "Awa" not in str(awa.ack["session"])


def test_a_resent_contribution_is_acknowledged_again_and_recorded_once(
    palabre, phone, service
) -> None:
    awa = phone(palabre.code)
    client_id = new_client_id()
    first = contribute(awa, "Trop de papiers à remplir", client_id=client_id)
    again = contribute(awa, "Trop de papiers à remplir", client_id=client_id)
    assert first["ok"] and again == first
    # even from another connection (the phone reloaded the page)
    reloaded = phone(palabre.code, participant_token=awa.ack["participant_token"])
    assert contribute(reloaded, "Trop de papiers à remplir", client_id=client_id) == first
    texts = [c.text for c in service.board(palabre.session_id).contributions.values()]
    assert texts == ["Trop de papiers à remplir"]


def test_a_returning_phone_keeps_its_identity_and_sees_its_cards(palabre, phone) -> None:
    awa = phone(palabre.code, name="Awa")
    contribute(awa, "Accès au microcrédit", "lever")
    awa.disconnect()
    back = phone(palabre.code, participant_token=awa.ack["participant_token"])
    assert back.ack["participant_id"] == awa.ack["participant_id"]
    assert [m["text"] for m in back.ack["mine"]] == ["Accès au microcrédit"]
    stranger = phone(palabre.code, participant_token="not-a-real-token")
    assert stranger.ack["participant_id"] != awa.ack["participant_id"]
    assert stranger.ack["mine"] == []


def test_a_board_that_reconnects_gets_exactly_the_events_it_missed(
    palabre, phone, board_client
) -> None:
    board = board_client(palabre.session_id)
    seen = board.ack["seq"]
    board.disconnect()
    awa = phone(palabre.code)
    missed = [contribute(awa, f"frein numéro {n}")["seq"] for n in range(3)]

    back = board_client(palabre.session_id, last_seq=seen)
    replayed = pushed_events(back)
    assert [e["seq"] for e in replayed] == list(range(seen + 1, missed[-1] + 1))
    assert [e["type"] for e in replayed] == ["participant_joined"] + ["contribution_added"] * 3
    assert back.ack["seq"] == missed[-1]


def test_a_phone_that_reconnects_gets_the_missed_events_in_its_own_view(
    palabre, phone, service, facilitator
) -> None:
    awa = phone(palabre.code)
    seen = awa.ack["seq"]
    awa.disconnect()
    moussa = phone(palabre.code)
    contribute(moussa, "manque de réseau")
    FacilitatorCommands(service).change_phase(palabre.session_id, facilitator.id, "collect")
    back = phone(palabre.code, participant_token=awa.ack["participant_token"], last_seq=seen)
    replayed = pushed_events(back)
    assert [e["type"] for e in replayed] == ["phase_changed"]
    assert replayed[0]["payload"] == {"phase": "collect", "previous": "welcome"}


def test_a_phone_that_notices_a_gap_can_ask_for_it(palabre, phone, service, facilitator) -> None:
    awa = phone(palabre.code)
    FacilitatorCommands(service).change_phase(palabre.session_id, facilitator.id, "collect")
    pushed_events(awa)
    assert awa.emit("sync", {"last_seq": awa.ack["seq"]}, callback=True) == {"ok": True}
    assert [e["type"] for e in pushed_events(awa)] == ["phase_changed"]


def test_facilitator_actions_are_refused_to_participants(palabre, phone, app) -> None:
    awa = phone(palabre.code)
    as_board = awa.emit("join_board", {"session_id": palabre.session_id}, callback=True)
    assert as_board["ok"] is False and as_board["error"]["code"] == "unauthenticated"
    close = awa.emit("command", {"session_id": palabre.session_id, "type": "change_phase",
                                 "phase": "closed"}, callback=True)
    assert close["error"]["code"] == "forbidden"
    assert close["error"]["message"] == "Seul·e l'animateur·rice de la session peut faire cela."
    assert contribute(awa, "toujours ouverte")["ok"]


def test_another_facilitator_cannot_open_the_board(palabre, board_client, other_facilitator):
    intruder = board_client(palabre.session_id, token=other_facilitator.token)
    assert intruder.ack["error"]["code"] == "forbidden"
    forged = board_client(palabre.session_id, token="forged-token")
    assert forged.ack["error"]["code"] == "unauthenticated"


def test_bad_input_gets_a_clear_refusal_and_loses_nothing(palabre, phone, service) -> None:
    awa = phone(palabre.code)
    kept = contribute(awa, "Trouver un local abordable", "blocker")
    refusals = {
        "empty": contribute(awa, "   \n\t "),
        "long": contribute(awa, "x" * 281),
        "kind": contribute(awa, "idée", "maybe"),
        "text_type": contribute(awa, 42),  # type: ignore[arg-type]
        "no_client_id": awa.emit("contribute", {"text": "salut", "kind": "lever"},
                                 callback=True),
        "not_a_dict": awa.emit("contribute", ["text"], callback=True),
        "prompt": contribute(awa, "idée", prompt_id="p99"),
    }
    codes = {name: answer["error"]["code"] for name, answer in refusals.items()}
    assert codes == {
        "empty": "empty_text", "long": "text_too_long", "kind": "invalid_kind",
        "text_type": "invalid_payload", "no_client_id": "invalid_client_id",
        "not_a_dict": "invalid_payload", "prompt": "unknown_prompt",
    }
    assert refusals["long"]["error"]["message"] == (
        "Trop long : 280 caractères au maximum (le vôtre en compte 281).")
    assert all(not answer["ok"] for answer in refusals.values())
    assert contribute(awa, "x" * 280)["ok"]
    texts = [c.text for c in service.board(palabre.session_id).contributions.values()]
    assert texts == ["Trouver un local abordable", "x" * 280]
    assert kept["ok"]


def test_refusals_speak_the_language_of_the_session(service, facilitator, phone) -> None:
    english = service.create_session(facilitator.id, "Lille breakfast", "breakfast", "en")
    awa = phone(english.code)
    assert contribute(awa, "")["error"]["message"] == "Write something before sending."
    bilingual = phone(english.code, lang="fr")
    assert contribute(bilingual, "")["error"]["message"] == "Écrivez quelque chose avant d'envoyer."


def test_unknown_and_closed_codes_are_refused(palabre, phone, service, facilitator) -> None:
    assert phone("ZZZZZZ").ack["error"]["code"] == "unknown_session"
    assert phone("0O1I").ack["error"]["code"] == "unknown_session"
    assert phone(12345).ack["error"]["code"] == "invalid_payload"
    awa = phone(palabre.code)
    FacilitatorCommands(service).change_phase(palabre.session_id, facilitator.id, "closed")
    # a new phone learns nothing more than for a wrong code; Awa's phone is told it closed
    assert phone(palabre.code).ack["error"]["code"] == "unknown_session"
    again = phone(palabre.code, participant_token=awa.ack["participant_token"])
    assert again.ack["error"]["code"] == "session_closed"
    assert contribute(awa, "trop tard")["error"]["code"] == "session_closed"


def test_contributing_without_joining_is_refused(app) -> None:
    stranger = socketio.test_client(app)
    answer = contribute(stranger, "bonjour")
    assert answer["error"]["code"] == "not_joined"


def test_the_board_counts_connected_phones(palabre, phone, board_client) -> None:
    board = board_client(palabre.session_id)
    awa = phone(palabre.code)
    phone(palabre.code)

    def last_presence() -> int:
        counts = [m["args"][0]["connected"] for m in board.get_received()
                  if m["name"] == "presence"]
        return counts[-1]

    assert last_presence() == 2
    awa.disconnect()
    assert last_presence() == 1


def test_a_huge_payload_does_not_take_the_server_down(palabre, phone) -> None:
    awa = phone(palabre.code)
    answer = contribute(awa, "é" * 100_000)
    assert answer["error"]["code"] == "text_too_long"
    assert contribute(awa, "encore là")["ok"]


def test_a_phone_cannot_flood_the_board(palabre, phone, service) -> None:
    awa = phone(palabre.code)
    from facilitation.domain.rules import BURST_CARDS

    answers = [contribute(awa, f"carte {n}") for n in range(BURST_CARDS + 1)]
    assert all(a["ok"] for a in answers[:BURST_CARDS])
    assert answers[-1]["error"]["code"] == "too_fast"
    assert answers[-1]["error"]["message"].startswith("Doucement")
    moussa = phone(palabre.code)
    assert contribute(moussa, "moi aussi")["ok"], "other phones are not slowed down"
    assert len(service.board(palabre.session_id).contributions) == BURST_CARDS + 1


def test_socket_events_leave_no_cycles_for_the_garbage_collector(palabre, phone) -> None:
    """Each event runs in a request context: a routing failure there (a NotFound and its
    traceback) was a cycle of frames per card, walked by every collection (issue 14)."""
    import gc
    from collections import Counter

    awa = phone(palabre.code)
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for number in range(5):
            assert contribute(awa, f"Carte {number}")["ok"]
        gc.collect()
        left = Counter(type(o).__name__ for o in gc.garbage)
        # only the request handling's own frames: threads other tests left running (in
        # the whole suite) make garbage of their own meanwhile
        handling = [o for o in gc.garbage if type(o).__name__ == "frame"
                    and any(part in o.f_code.co_filename for part in ("/flask/", "/werkzeug/"))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left["RequestContext"] == 0 and left["NotFound"] == 0
    assert handling == []


def test_socket_events_use_the_connections_session_without_opening_the_cookie_again(
        palabre, phone, monkeypatch) -> None:
    from flask.sessions import SecureCookieSessionInterface

    awa = phone(palabre.code, name="Awa")
    assert awa.ack["ok"]
    opened: list[str] = []
    real = SecureCookieSessionInterface.open_session

    def counting(self: Any, app: Any, request: Any) -> Any:
        opened.append(request.path)
        return real(self, app, request)

    monkeypatch.setattr(SecureCookieSessionInterface, "open_session", counting)
    first = contribute(awa, "Les banques nous fatiguent")
    second = contribute(awa, "Monter une tontine")
    assert first["ok"] and second["ok"]  # the session still knows the phone joined
    assert opened == []
    mine = awa.emit("state", {}, callback=True)
    assert mine["ok"]


def test_socket_events_bind_the_url_map_once_per_connection(palabre, phone,
                                                            monkeypatch) -> None:
    from werkzeug.routing import Map

    awa = phone(palabre.code, name="Awa")
    assert awa.ack["ok"]
    bound: list[str] = []
    real = Map.bind_to_environ

    def counting(self: Any, environ: Any, *args: Any, **kwargs: Any) -> Any:
        bound.append(environ.get("PATH_INFO", ""))
        return real(self, environ, *args, **kwargs)

    monkeypatch.setattr(Map, "bind_to_environ", counting)
    assert contribute(awa, "Les banques nous fatiguent")["ok"]
    assert contribute(awa, "Monter une tontine")["ok"]
    assert bound == []
