"""A `client_id` belongs to the phone that sent it: another phone re-using it is another
action, recorded for that phone; the same phone re-sending it gets its first answer."""

from __future__ import annotations

from facilitation.domain.events import ContributionAdded
from facilitation.store import log
from facilitation.store.models import EventRow, MeetingSession, ParticipantToken
from facilitation.usecases import imports

from ..conftest import new_client_id


def _card(phone, client_id: str, text: str) -> dict:
    return phone.emit("contribute", {"client_id": client_id, "text": text, "kind": "blocker"},
                      callback=True)


def test_two_phones_with_the_same_client_id_both_get_their_card(palabre, phone,
                                                                service) -> None:
    awa, binta = phone(palabre.code, name="Awa"), phone(palabre.code, name="Binta")
    shared = new_client_id()
    first = _card(awa, shared, "Les banques refusent")
    other = _card(binta, shared, "Pas de local pour travailler")
    assert first["ok"] and other["ok"], (first, other)
    assert other["contribution_id"] != first["contribution_id"]
    assert _card(awa, shared, "Les banques refusent") == first  # a re-send: same answer
    assert _card(binta, shared, "Pas de local pour travailler") == other
    cards = service.board(palabre.session_id).contributions.values()
    by_phone = {c.participant_id: c.text for c in cards}
    assert by_phone == {awa.ack["participant_id"]: "Les banques refusent",
                        binta.ack["participant_id"]: "Pas de local pour travailler"}


def test_two_phones_with_the_same_client_id_both_ask_for_the_floor(palabre, phone,
                                                                   service) -> None:
    awa, binta = phone(palabre.code), phone(palabre.code)
    shared = new_client_id()
    assert awa.emit("request_floor", {"client_id": shared}, callback=True)["position"] == 1
    assert binta.emit("request_floor", {"client_id": shared}, callback=True)["position"] == 2
    assert len(service.board(palabre.session_id).floor.queue) == 2


def test_an_action_recorded_before_keys_were_scoped_is_still_recognised(
    palabre, phone, service
) -> None:
    awa = phone(palabre.code)
    pid, raw = awa.ack["participant_id"], new_client_id()
    board = service.board(palabre.session_id)
    with service.db.write() as db:  # as an older server stored it: the raw client_id
        old = log.append(db, palabre.session_id, [ContributionAdded(
            "c-old", pid, "Carte d'avant", "blocker", None)], actor=pid, client_id=raw,
            after=board.seq)
    again = _card(awa, raw, "Carte d'avant")
    assert again == {"ok": True, "seq": old[0].seq, "contribution_id": "c-old"}
    # another phone re-using that id is another card
    assert _card(phone(palabre.code), raw, "Une autre carte")["contribution_id"] != "c-old"


def test_scoped_keys_travel_in_exported_logs(palabre, phone, service, facilitator,
                                             other_facilitator) -> None:
    awa, binta = phone(palabre.code), phone(palabre.code)
    shared = new_client_id()
    _card(awa, shared, "Les banques refusent")
    _card(binta, shared, "Pas de local")
    lines = imports.export_lines(service, palabre.session_id)
    records = imports.parse(lines)
    # the other server: a fresh copy of the session under another facilitator
    with service.db.write() as db:
        for table in (EventRow, ParticipantToken):
            db.query(table).filter_by(session_id=palabre.session_id).delete()
        db.query(MeetingSession).filter_by(id=palabre.session_id).delete()
    service.boards = type(service.boards)(service.db)
    report, _ = imports.import_log(service, records, other_facilitator.id)
    assert report.added == len(records)
    again, _ = imports.import_log(service, imports.parse(lines), other_facilitator.id)
    assert again.added == 0 and again.skipped == len(records)
    texts = sorted(c.text for c in service.board(palabre.session_id).contributions.values())
    assert texts == ["Les banques refusent", "Pas de local"]
