"""Erasure for good: after deleting a session, erasing a participant's cards or removing a
club member, their text is in no table, not in the SQLite file or its WAL, and in no
export; the retention setting purges closed sessions."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from facilitation.domain.board import rebuild
from facilitation.domain.errors import Rejected
from facilitation.domain.events import ThemesUpdated
from facilitation.store.db import Database
from facilitation.store.models import EventRow, MeetingSession, ParticipantToken, utcnow
from facilitation.synthesis.formats import FORMATS, render
from facilitation.usecases import accounts, erasure, exports, imports
from facilitation.usecases.clubs import Clubs
from facilitation.usecases.sessions import Service
from facilitation.usecases.steering import FacilitatorCommands

from .conftest import OtherServer


def marker() -> str:
    return f"zq{uuid.uuid4().hex[:10]}"


def raw_bytes(database: Database) -> bytes:
    """The SQLite file and its WAL as they are on disk."""
    path = Path(database.url.split("///", 1)[1])
    found = b""
    for name in (path, path.with_name(path.name + "-wal")):
        if name.exists():
            found += name.read_bytes()
    return found


def every_table(database: Database) -> str:
    """Every row of every table, as text."""
    dump = []
    with database.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                dump.append(repr(tuple(row)))
    return "\n".join(dump)


def assert_gone(database: Database, secret: str) -> None:
    assert secret not in every_table(database)
    if database.is_sqlite:
        assert secret.encode() not in raw_bytes(database)


def exported(service: Service, session_id: str, owner: int) -> str:
    """Every export of the session: its log and its synthesis in every text format."""
    texts = ["\n".join(imports.export_lines(service, session_id))]
    synthesis = exports.session_synthesis(service, session_id, owner)
    for fmt in FORMATS:
        if fmt in ("md", "html", "csv", "json"):
            texts.append(bytes(render(synthesis, fmt)).decode())
    return "\n".join(texts)


def a_meeting(service: Service, owner: int, secret: str) -> tuple[str, str, str]:
    """A session where a participant wrote a card carrying `secret`, edited by the
    facilitator (with the secret in its new wording too), grouped and voted on; and
    another participant's card. The session id, the participant and the other card."""
    board = service.create_session(owner, "Atelier", "palabre", "fr")
    sid = service.board(board.session_id).session_id
    amina = service.join(board.code, name=f"Amina {secret}")
    other = service.join(board.code, name="Moussa")
    card = service.add_contribution(sid, amina.participant_id, uuid.uuid4().hex,
                                    f"Pas de {secret} pour le crédit", "blocker")
    kept = service.add_contribution(sid, other.participant_id, uuid.uuid4().hex,
                                    "Le microcrédit du quartier", "lever")
    cid = card.ack["contribution_id"]
    steering = FacilitatorCommands(service)
    steering.run(sid, owner, {"type": "edit_contribution", "contribution_id": cid,
                              "text": f"Aucun {secret}, trop de garanties"})
    seq = service.board(sid).seq
    grouped = steering.apply_result(sid, ThemesUpdated(({
        "id": "t1", "kind": None, "label": f"{secret} et microcrédit", "colour": "#123456",
        "card_ids": [cid, kept.ack["contribution_id"]],
        "example": f"Aucun {secret}, trop de garanties"},), based_on=seq))
    assert grouped
    steering.run(sid, owner, {"type": "move_card", "contribution_id": cid,
                              "theme_id": None, "label": "Garanties"})
    steering.run(sid, owner, {"type": "mark_quote", "contribution_id": cid})
    for phase in ("collect", "group", "vote"):
        steering.change_phase(sid, owner, phase)
    service.vote(sid, other.participant_id, uuid.uuid4().hex, service.board(sid).theme_of[cid])
    return sid, amina.participant_id, kept.ack["contribution_id"]


def test_a_deleted_session_leaves_no_trace(service: Service, owner: int) -> None:
    secret = marker()
    sid, _, _ = a_meeting(service, owner, secret)
    assert secret in exported(service, sid, owner)
    other = accounts.create(service.db, "luc@apes.example", "breakfast-59").id
    with pytest.raises(Rejected, match="forbidden"):
        erasure.delete_session(service, sid, other)

    deleted = erasure.delete_session(service, sid, owner)

    assert deleted > 5
    assert_gone(service.db, secret)
    assert sid not in every_table(service.db)
    with pytest.raises(Rejected, match="unknown_session"):
        service.board(sid)
    with pytest.raises(Rejected, match="unknown_session"):
        imports.export_lines(service, sid) or service.board(sid)


def test_another_process_learns_the_session_is_gone(service: Service, owner: int) -> None:
    sid, _, _ = a_meeting(service, owner, marker())
    elsewhere = Service(service.db)  # a second server process on the same database
    assert elsewhere.board(sid).seq > 1

    erasure.delete_session(service, sid, owner)

    with pytest.raises(Rejected, match="unknown_session"):
        elsewhere.board(sid)


def test_erasing_a_participant_removes_every_version_of_their_cards(
        service: Service, owner: int) -> None:
    secret = marker()
    sid, amina, kept = a_meeting(service, owner, secret)
    elsewhere = Service(service.db)
    assert any(secret in c.text for c in elsewhere.board(sid).contributions.values())
    assert secret in every_table(service.db)
    if service.db.is_sqlite:  # the grep below can find it: it is on disk before
        assert secret.encode() in raw_bytes(service.db)

    theirs = [c.id for c in service.board(sid).my_cards(amina)]
    assert len(theirs) == 1 and secret in service.board(sid).contributions[theirs[0]].text
    assert [c.id for c in elsewhere.board(sid).my_cards(amina)] == theirs
    done = erasure.erase_participant(service, sid, owner, amina)

    assert done.cards == 1 and done.rows_rewritten >= 6
    assert [e.type for e in done.events] == ["contributions_erased"]
    assert_gone(service.db, secret)
    assert secret not in exported(service, sid, owner)
    board = service.board(sid)
    assert list(board.contributions) == [kept]
    assert board.participants[amina].name is None
    assert board.quotes == [] and secret not in str(board.to_dict())
    assert [t.card_ids for t in board.themes.values()] == [[kept]]
    # another process folds the tombstone onto the board it built from the old rows
    other = elsewhere.board(sid)
    assert list(other.contributions) == [kept] and other.participants[amina].name is None
    assert board.my_cards(amina) == [] and other.my_cards(amina) == []  # a rejoin shows none
    assert other.to_dict() == board.to_dict()
    # a replay of the rewritten log gives the same board
    assert rebuild(sid, service.events_after(sid, 0)).to_dict() == board.to_dict()


def test_erasing_needs_a_facilitator_and_a_participant(service: Service, owner: int) -> None:
    sid, amina, _ = a_meeting(service, owner, marker())
    with pytest.raises(Rejected, match="forbidden"):
        erasure.erase_participant(service, sid, None, amina)
    with pytest.raises(Rejected, match="unknown_participant"):
        erasure.erase_participant(service, sid, owner, "nobody")


def test_erasing_what_was_typed_for_a_speaker(service: Service, owner: int) -> None:
    """A person who spoke (the facilitator typed it under their name) asks for it to go:
    every version of those cards, from every table, the file and the exports; the other
    cards, and the room's phones, stay."""
    secret = marker()
    sid, amina, kept = a_meeting(service, owner, marker())
    steering = FacilitatorCommands(service)
    said = [steering.run(sid, owner, {"type": "scribe_contribution", "kind": kind,
                                      "text": f"{text} {secret}", "speaker": speaker}
                         ).ack["contribution_id"]
            for text, kind, speaker in (("Le loyer du local", "blocker", "Fatou Diallo"),
                                        ("Une tontine", "lever", "  fatou   DIALLO "))]
    other = steering.run(sid, owner, {"type": "scribe_contribution", "kind": "lever",
                                      "text": "Un parrain", "speaker": "Issa"}
                         ).ack["contribution_id"]
    steering.run(sid, owner, {"type": "edit_contribution", "contribution_id": said[0],
                              "text": f"Le loyer trop cher {secret}"})
    with pytest.raises(Rejected, match="unknown_speaker"):
        erasure.erase_speaker(service, sid, owner, "Personne")
    with pytest.raises(Rejected, match="forbidden"):
        erasure.erase_speaker(service, sid, None, "Fatou Diallo")

    done = erasure.erase_speaker(service, sid, owner, "Fatou Diallo")

    assert done.cards == 2
    assert_gone(service.db, secret)
    assert secret not in exported(service, sid, owner)
    board = service.board(sid)
    assert not set(said) & set(board.contributions)
    assert {kept, other} <= set(board.contributions)
    assert board.participants[amina].name is not None  # the phones are not touched
    assert rebuild(sid, service.events_after(sid, 0)).to_dict() == board.to_dict()


def test_a_removed_member_leaves_no_trace(service: Service, owner: int) -> None:
    secret = marker()
    clubs = Clubs(service)
    club = clubs.create(owner, "Club de Lille")
    member, link = clubs.add_member(club.id, owner, f"Fatou{secret}")
    kept, _ = clubs.add_member(club.id, owner, "Ibrahim")
    clubs.update_project(club.id, member, {"project": f"Traiteur {secret}",
                                           "difficulties": f"Local {secret}"},
                         facilitator_id=owner)
    clubs.update_project(club.id, kept, {"next_steps": [{"text": "Voir la banque",
                                                         "helper": member}]},
                         facilitator_id=owner)
    meeting = clubs.open_meeting(club.id, owner, "Réunion de mars")
    steering = FacilitatorCommands(service)
    steering.run(meeting.session_id, owner, {"type": "open_radar"})
    joined = clubs.join_meeting(clubs.member_by_link(link))
    service.add_contribution(meeting.session_id, joined.participant_id, uuid.uuid4().hex,
                             f"Mon {secret} avance", "lever")
    radar = service.board(meeting.session_id).radar
    service.rate_radar(meeting.session_id, joined.participant_id, uuid.uuid4().hex,
                       {"finance": 4, "network": 2})
    assert clubs.earlier_radars(club.id, member)

    erasure.remove_member(clubs, club.id, owner, member)

    assert_gone(service.db, secret)
    assert member not in clubs.club(club.id).members
    assert clubs.club(club.id).members[kept].project.next_steps == [{"text": "Voir la banque"}]
    assert clubs.earlier_radars(club.id, member) == []
    assert secret not in exported(service, meeting.session_id, owner)
    with pytest.raises(Rejected, match="invalid_member_link"):
        clubs.member_by_link(link)
    board = service.board(meeting.session_id)
    assert board.radars[radar].ratings == {} and not board.contributions
    assert service.participant_for(meeting.session_id, joined.token) is None


def test_retention_purges_closed_sessions_only(service: Service, owner: int) -> None:
    closed, _, _ = a_meeting(service, owner, marker())
    still_open, _, _ = a_meeting(service, owner, marker())
    FacilitatorCommands(service).change_phase(closed, owner, "closed")

    assert erasure.purge_closed(service, 30) == []  # closed today: kept
    later = utcnow() + timedelta(days=31)
    assert erasure.purge_closed(service, 30, now=later) == [closed]

    with service.db.read() as db:
        assert db.scalar(select(MeetingSession.id).where(MeetingSession.id == closed)) is None
        assert not db.scalars(select(EventRow.id).where(EventRow.session_id == closed)).all()
        assert not db.scalars(select(ParticipantToken.id)
                              .where(ParticipantToken.session_id == closed)).all()
    assert service.board(still_open).seq > 1


def test_an_erasure_on_the_other_server_reaches_the_imported_copy(
        service: Service, owner: int, kayes_laptop: OtherServer) -> None:
    secret = marker()
    kayes, moussa = kayes_laptop.service, kayes_laptop.owner
    sid, amina, kept = a_meeting(kayes, moussa, secret)
    imports.import_log(service, imports.parse(imports.export_lines(kayes, sid)), owner)
    assert secret in every_table(service.db)

    erasure.erase_participant(kayes, sid, moussa, amina)
    report, _ = imports.import_log(service, imports.parse(imports.export_lines(kayes, sid)),
                                   owner)

    assert report.added == 1  # the tombstone; the rewritten rows were known already
    assert_gone(service.db, secret)
    assert list(service.board(sid).contributions) == [kept]
    assert secret not in exported(service, sid, owner)


def test_a_speakers_erasure_on_the_other_server_reaches_only_their_cards_in_the_copy(
        service: Service, owner: int, kayes_laptop: OtherServer) -> None:
    """The tombstone of cards typed for a speaker names no participant: the copy erases
    those cards, not every card a facilitator typed."""
    secret = marker()
    kayes, moussa = kayes_laptop.service, kayes_laptop.owner
    sid, _, _ = a_meeting(kayes, moussa, marker())
    steering = FacilitatorCommands(kayes)
    for said, speaker in ((f"Le loyer {secret}", "Fatou"), ("Un parrain", "Issa")):
        steering.run(sid, moussa, {"type": "scribe_contribution", "kind": "blocker",
                                   "text": said, "speaker": speaker})
    imports.import_log(service, imports.parse(imports.export_lines(kayes, sid)), owner)

    erasure.erase_speaker(kayes, sid, moussa, "Fatou")
    imports.import_log(service, imports.parse(imports.export_lines(kayes, sid)), owner)

    assert_gone(service.db, secret)
    texts = [card.text for card in service.board(sid).contributions.values()]
    assert "Un parrain" in texts and len(texts) == 3


def test_the_engine_forgets_erased_texts() -> None:
    from facilitation import clustering
    from facilitation.clustering import lexical

    cache = clustering.get_cache("lexical")
    secret = f"Le {marker()} du quartier"
    cache.add([secret, "Un autre texte"])
    lexical.text_features(secret)
    assert any("zq" in key for key in cache._store)
    assert lexical.text_features.cache_info().currsize

    clustering.forget([secret])

    assert not any("zq" in key for key in cache._store)
    assert lexical.text_features.cache_info().currsize == 0


def test_a_regrouping_computed_before_a_deletion_does_not_bring_the_session_back(
        service: Service, owner: int) -> None:
    """The engine's answer may arrive after the session was deleted: it records nothing."""
    from facilitation.domain import grouping

    board = service.create_session(owner, "Atelier", "breakfast", "fr")
    service.add_contribution(board.session_id, None, "c" * 32, "Pas de local", "blocker")
    shot = service.boards.view(board.session_id, grouping.snapshot)
    assert shot is not None
    result = grouping.compute(shot, "lexical")
    erasure.delete_session(service, board.session_id, owner)
    assert FacilitatorCommands(service).apply_result(board.session_id, result) == []
    assert service.boards.get(board.session_id) is None
