"""Live grouping: cards become themes on the board; the facilitator's corrections stay."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest

from facilitation.domain import grouping
from facilitation.usecases.steering import FacilitatorCommands

from ..conftest import new_client_id, pushed_events

CREDIT = ["la banque refuse mon crédit", "pas de prêt bancaire pour nous",
          "le crédit de la banque est impossible", "la banque ne prête pas aux migrants"]
PAPERS = ["trop de papiers administratifs", "les papiers de la préfecture prennent des mois",
          "dossier administratif trop long", "papiers administratifs compliqués"]


def send(phone: Any, text: str, kind: str = "blocker") -> dict[str, Any]:
    return phone.emit("contribute", {"client_id": new_client_id(), "text": text, "kind": kind},
                      callback=True)


def command(client: Any, session_id: str, **data: Any) -> dict[str, Any]:
    return client.emit("command", {"session_id": session_id, **data}, callback=True)


def wait_for_themes(service: Any, session_id: str, cards: int, seconds: float = 20) -> Any:
    """A copy of the board once every one of its `cards` cards sits in a theme."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        board = service.boards.view(session_id, copy.deepcopy)
        if len(board.contributions) == cards and not board.ungrouped():
            return board
        time.sleep(0.05)
    raise AssertionError(f"cards still ungrouped: {service.board(session_id).ungrouped()}")


def theme_of(board: Any, text: str) -> Any:
    card = next(c for c in board.contributions.values() if c.text == text)
    return board.themes[board.theme_of[card.id]]


def test_cards_arrive_and_a_themes_event_follows(palabre, phone, board_client, service) -> None:
    board = board_client(palabre.session_id)
    awa = phone(palabre.code)
    for text in CREDIT + PAPERS:
        assert send(awa, text)["ok"]
    grouped = wait_for_themes(service, palabre.session_id, 8)
    themes_events = [e for e in pushed_events(board) if e["type"] == "themes_updated"]
    assert themes_events, "the board was told"
    last = themes_events[-1]["payload"]
    assert {cid for t in last["themes"] for cid in t["card_ids"]} == set(grouped.contributions)
    assert theme_of(grouped, CREDIT[0]).id == theme_of(grouped, CREDIT[2]).id
    assert theme_of(grouped, PAPERS[0]).id == theme_of(grouped, PAPERS[3]).id
    assert theme_of(grouped, CREDIT[0]).id != theme_of(grouped, PAPERS[0]).id
    assert all(t.kind == "blocker" for t in grouped.themes.values())


def test_phones_do_not_see_the_themes(palabre, phone, service) -> None:
    awa = phone(palabre.code)
    for text in CREDIT:
        send(awa, text)
    wait_for_themes(service, palabre.session_id, 4)
    assert service.board(palabre.session_id).themes, "the board has themes"
    assert [e for e in pushed_events(awa) if e["type"] != "session_created"] == []


def test_corrections_survive_new_cards_and_regrouping(
    palabre, phone, board_client, service
) -> None:
    board = board_client(palabre.session_id)
    awa = phone(palabre.code)
    for text in CREDIT + PAPERS:
        send(awa, text)
    grouped = wait_for_themes(service, palabre.session_id, 8)
    credit, papers = theme_of(grouped, CREDIT[0]), theme_of(grouped, PAPERS[0])
    odd = next(c for c in grouped.contributions.values() if c.text == CREDIT[3])
    sid = palabre.session_id

    assert command(board, sid, type="rename_theme", theme_id=credit.id,
                   label="Accès au crédit")["ok"]
    assert command(board, sid, type="move_card", contribution_id=odd.id,
                   theme_id=papers.id)["ok"]
    assert command(board, sid, type="pin_theme", theme_id=papers.id, pinned=True)["ok"]

    more = ["la banque demande trop de garanties", "encore des papiers administratifs"]
    for text in more:
        send(awa, text)
    assert command(board, sid, type="regroup")["ok"]
    after = wait_for_themes(service, sid, 10)
    assert after.grouped_seq > grouped.grouped_seq, "the engine ran again"
    assert after.themes[credit.id].label == "Accès au crédit"
    assert after.theme_of[odd.id] == papers.id, "a moved card stays where it was put"
    assert set(after.themes[papers.id].card_ids) >= set(grouped.themes[papers.id].card_ids)
    assert after.themes[papers.id].pinned


def test_merge_and_split(palabre, phone, board_client, service) -> None:
    board = board_client(palabre.session_id)
    awa = phone(palabre.code)
    for text in CREDIT + PAPERS:
        send(awa, text)
    grouped = wait_for_themes(service, palabre.session_id, 8)
    credit, papers = theme_of(grouped, CREDIT[0]), theme_of(grouped, PAPERS[0])
    sid = palabre.session_id
    others = [tid for tid in grouped.themes if tid != credit.id]  # papers, maybe "Divers"
    assert papers.id in others
    assert command(board, sid, type="merge_themes", theme_ids=others, into=credit.id)["ok"]
    merged = service.boards.view(sid, copy.deepcopy)
    assert list(merged.themes) == [credit.id]
    assert len(merged.themes[credit.id].card_ids) == 8
    card = next(c for c in merged.contributions.values() if c.text == PAPERS[1])
    split = command(board, sid, type="move_card", contribution_id=card.id, theme_id=None,
                    label="Préfecture")
    assert split["ok"]
    after = service.board(sid)
    new_theme = after.themes[after.theme_of[card.id]]
    assert new_theme.label == "Préfecture" and new_theme.card_ids == [card.id]
    send(awa, "autre papier administratif")
    final = wait_for_themes(service, sid, 9)
    assert final.theme_of[card.id] == new_theme.id
    assert all(final.theme_of[c] == credit.id for c in merged.themes[credit.id].card_ids
               if c != card.id)


def test_a_result_computed_before_a_correction_is_not_shown(palabre, phone, service,
                                                            facilitator) -> None:
    awa = phone(palabre.code)
    sid = palabre.session_id
    service.boards.view(sid, lambda b: None)
    commands = FacilitatorCommands(service)
    commands.run(sid, facilitator.id, {"type": "set_grouping", "auto": False})
    for text in CREDIT:
        send(awa, text)
    stale = grouping.compute(service.boards.view(sid, grouping.snapshot), "lexical")
    assert commands.apply_result(sid, stale), "a fresh result is shown"
    theme_id = next(iter(service.board(sid).themes))
    late = grouping.compute(service.boards.view(sid, grouping.snapshot), "lexical")
    commands.run(sid, facilitator.id, {"type": "rename_theme", "theme_id": theme_id,
                                       "label": "Banques"})
    assert commands.apply_result(sid, late) == [], "it would undo the rename"
    assert service.board(sid).themes[theme_id].label == "Banques"


def test_a_locked_board_is_left_alone(palabre, phone, board_client, service) -> None:
    board = board_client(palabre.session_id)
    sid = palabre.session_id
    assert command(board, sid, type="set_grouping", locked=True)["ok"]
    awa = phone(palabre.code)
    for text in CREDIT:
        send(awa, text)
    time.sleep(0.5)
    assert service.board(sid).themes == {}
    refused = command(board, sid, type="regroup")
    assert refused["error"]["code"] == "board_locked"
    assert command(board, sid, type="set_grouping", locked=False)["ok"]
    wait_for_themes(service, sid, 4)


@pytest.mark.parametrize("data, code", [
    ({"type": "explode"}, "unknown_command"),
    ({"type": "rename_theme", "theme_id": "nope", "label": "x"}, "unknown_theme"),
    ({"type": "move_card", "contribution_id": "nope", "theme_id": None}, "unknown_contribution"),
    ({"type": "set_grouping", "granularity": 3}, "invalid_granularity"),
    ({"type": "set_grouping", "auto": "yes"}, "invalid_payload"),
])
def test_bad_commands_are_explained(palabre, board_client, data, code) -> None:
    board = board_client(palabre.session_id)
    answer = command(board, palabre.session_id, **data)
    assert answer["ok"] is False and answer["error"]["code"] == code
    assert answer["error"]["message"]


def test_participants_cannot_correct_the_grouping(palabre, phone) -> None:
    awa = phone(palabre.code)
    answer = command(awa, palabre.session_id, type="set_grouping", locked=True)
    assert answer["error"]["code"] == "forbidden"


def test_a_command_resent_with_its_client_id_is_recorded_once(palabre, board_client, service):
    board = board_client(palabre.session_id)
    client_id = new_client_id()
    first = command(board, palabre.session_id, type="set_grouping", granularity=0.8,
                    client_id=client_id)
    again = command(board, palabre.session_id, type="set_grouping", granularity=0.8,
                    client_id=client_id)
    assert first == again and first["ok"]
    events = service.events_after(palabre.session_id, 0)
    assert [e.type for e in events].count("grouping_set") == 1


def test_the_programme_remembers_its_themes(service, facilitator, phone, board_client) -> None:
    first = service.create_session(facilitator.id, "Palabre 1", "palabre", "fr",
                                   programme="MIES Kayes 2026")
    awa = phone(first.code)
    for text in CREDIT:
        send(awa, text)
    grouped = wait_for_themes(service, first.session_id, 4)
    board = board_client(first.session_id)
    theme_id = theme_of(grouped, CREDIT[0]).id
    command(board, first.session_id, type="rename_theme", theme_id=theme_id,
            label="Accès au crédit bancaire")

    second = service.create_session(facilitator.id, "Palabre 2", "palabre", "fr",
                                    programme="MIES Kayes 2026")
    moussa = phone(second.code)
    for text in ["la banque refuse le crédit", "crédit bancaire impossible",
                 "pas de crédit à la banque", *PAPERS]:
        send(moussa, text)
    later = wait_for_themes(service, second.session_id, 7)
    labels = {t.label for t in later.themes.values()}
    assert "Accès au crédit bancaire" in labels


def test_a_grouping_event_payload_is_what_asdict_gives_and_a_copy() -> None:
    """`ThemesUpdated.to_payload` skips `asdict`'s slow deep copy: same data, still a copy."""
    import dataclasses

    from facilitation.domain.events import ThemesUpdated

    themes = tuple({"id": f"t{n}", "kind": "lever", "label": f"Thème {n}",
                    "card_ids": [f"c{n}-{i}" for i in range(30)], "colour": "#123456",
                    "example": "", "misc": n == 3, "pinned": False} for n in range(8))
    flags = ({"contribution_id": "c1-2", "suggested_kind": "blocker", "confidence": 0.8},)
    event = ThemesUpdated(themes, 42, "use", flags)
    payload = event.to_payload()
    assert payload == dataclasses.asdict(event)
    payload["themes"][0]["card_ids"].append("intrus")
    payload["flags"][0]["confidence"] = 0
    assert "intrus" not in event.themes[0]["card_ids"] and event.flags[0]["confidence"] == 0.8
