"""Running a meeting: phases, prompts, timer, votes, moderation, scribe, speaking circle,
co-facilitators and profile questions — the facilitator's commands and the phones' actions."""

from __future__ import annotations

import itertools
import re
import tempfile
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitation.domain.commands import allowed_phases
from facilitation.domain.errors import Rejected
from facilitation.domain.kinds import PHASES
from facilitation.store.db import Database
from facilitation.usecases import accounts
from facilitation.usecases.sessions import Service
from facilitation.usecases.steering import FacilitatorCommands

from ..conftest import new_client_id, pushed_events


def run(service: Service, session_id: str, facilitator_id: int, **data: Any) -> dict[str, Any]:
    return FacilitatorCommands(service).run(session_id, facilitator_id, data).ack


def refusal(call: Any) -> str:
    with pytest.raises(Rejected) as caught:
        call()
    return caught.value.code


def card(service: Service, session_id: str, participant_id: str | None, text: str,
         kind: str = "blocker") -> str:
    return service.add_contribution(session_id, participant_id, new_client_id(), text,
                                    kind).ack["contribution_id"]


def walk_to(service: Service, session_id: str, facilitator_id: int, phase: str) -> None:
    board = service.board(session_id)
    while board.phase != phase:
        step = PHASES[PHASES.index(board.phase) + 1]
        run(service, session_id, facilitator_id, type="change_phase", phase=step)


# -- phases ------------------------------------------------------------------------------
def test_every_phase_change_is_legal_or_refused_with_a_reason(service, facilitator) -> None:
    for current, target in itertools.product(PHASES, PHASES):
        if current == target:
            continue
        board = service.create_session(facilitator.id, f"{current}->{target}", "club", "fr")
        walk_to(service, board.session_id, facilitator.id, current)
        index_gap = PHASES.index(target) - PHASES.index(current)
        legal = abs(index_gap) == 1 or target == "closed"
        assert (target in allowed_phases(current)) == legal
        if legal:
            assert run(service, board.session_id, facilitator.id, type="change_phase",
                       phase=target)["ok"]
            assert service.board(board.session_id).phase == target
        else:
            code = refusal(lambda b=board, t=target: run(service, b.session_id, facilitator.id,
                                                         type="change_phase", phase=t))
            assert code == "illegal_transition"
            assert service.board(board.session_id).phase == current


def test_going_back_is_recorded_and_cards_follow_the_phase(service, facilitator, palabre):
    sid = palabre.session_id
    awa = service.join(palabre.code).participant_id
    assert card(service, sid, awa, "accueil: déjà une idée")  # welcome takes cards
    walk_to(service, sid, facilitator.id, "vote")
    assert refusal(lambda: card(service, sid, awa, "trop tard")) == "phase_closed"
    run(service, sid, facilitator.id, type="change_phase", phase="group")
    assert card(service, sid, awa, "encore une idée")
    phases = [e.event.phase for e in service.events_after(sid, 0) if e.type == "phase_changed"]
    assert phases == ["collect", "group", "vote", "group"]
    run(service, sid, facilitator.id, type="change_phase", phase="closed")
    assert refusal(lambda: card(service, sid, awa, "fermé")) == "session_closed"
    assert len(service.board(sid).contributions) == 2  # a closed session stays readable


def test_the_refusal_names_the_phases_in_the_users_language(app, palabre, board_client):
    board = board_client(palabre.session_id)
    answer = board.emit("command", {"session_id": palabre.session_id, "type": "change_phase",
                                    "phase": "vote"}, callback=True)
    assert answer["error"]["code"] == "illegal_transition"
    assert "« Accueil »" in answer["error"]["message"]
    assert "« Vote »" in answer["error"]["message"]


# -- prompts and timer -------------------------------------------------------------------
def test_prompts_are_edited_and_cards_answer_the_active_one(service, facilitator, palabre):
    sid = palabre.session_id
    first = service.board(sid).prompts[0]["id"]
    run(service, sid, facilitator.id, type="set_prompts",
        prompts=[{"id": first, "text": "Quels freins pour financer ?"}, "Qui peut aider ?"])
    board = service.board(sid)
    assert [p["text"] for p in board.prompts] == ["Quels freins pour financer ?",
                                                 "Qui peut aider ?"]
    assert board.prompts[0]["id"] == first and board.active_prompt == first
    second = board.prompts[1]["id"]
    run(service, sid, facilitator.id, type="activate_prompt", prompt_id=second)
    cid = card(service, sid, None, "la mairie", "lever")
    assert service.board(sid).contributions[cid].prompt_id == second
    assert refusal(lambda: run(service, sid, facilitator.id, type="set_prompts",
                               prompts=[])) == "invalid_prompts"
    assert refusal(lambda: run(service, sid, facilitator.id, type="activate_prompt",
                               prompt_id="nope")) == "unknown_prompt"


def test_the_timer_counts_from_server_time(service, facilitator, palabre) -> None:
    sid = palabre.session_id
    run(service, sid, facilitator.id, type="start_timer", seconds=300, label="Tour de table")
    started = service.events_after(sid, 0)[-1].created_at
    timer = service.board(sid).timer
    assert timer.state == "running" and timer.ends_at == started + timedelta(seconds=300)
    run(service, sid, facilitator.id, type="pause_timer")
    paused = service.events_after(sid, 0)[-1].created_at
    timer = service.board(sid).timer
    assert timer.state == "paused"
    assert timer.remaining == pytest.approx(300 - (paused - started).total_seconds())
    run(service, sid, facilitator.id, type="extend_timer", seconds=60)
    assert service.board(sid).timer.remaining == pytest.approx(timer.remaining)
    remaining = service.board(sid).timer.remaining
    run(service, sid, facilitator.id, type="resume_timer")
    resumed = service.events_after(sid, 0)[-1].created_at
    assert service.board(sid).timer.ends_at == resumed + timedelta(seconds=remaining)
    run(service, sid, facilitator.id, type="stop_timer")
    assert service.board(sid).timer.state == "idle"
    assert refusal(lambda: run(service, sid, facilitator.id, type="extend_timer",
                               seconds=60)) == "no_timer"
    assert refusal(lambda: run(service, sid, facilitator.id, type="start_timer",
                               seconds=0)) == "invalid_duration"


def test_a_reconnecting_phone_gets_the_timer_from_server_timestamps(
    palabre, phone, service, facilitator
) -> None:
    run(service, palabre.session_id, facilitator.id, type="start_timer", seconds=120)
    awa = phone(palabre.code)
    timer = awa.ack["session"]["timer"]
    assert timer["state"] == "running" and timer["total"] == 120
    assert timer["ends_at"] == service.board(palabre.session_id).timer.ends_at.isoformat()


# -- votes ---------------------------------------------------------------------------------
def voting_session(service: Service, facilitator_id: int, cards: int = 4) -> tuple[str, list]:
    board = service.create_session(facilitator_id, "Vote", "breakfast", "fr")
    sid = board.session_id
    ids = [card(service, sid, None, f"idée {n}", "lever") for n in range(cards)]
    walk_to(service, sid, facilitator_id, "vote")
    return sid, ids


def test_votes_stay_within_the_budget_and_are_ranked(service, facilitator) -> None:
    sid, ids = voting_session(service, facilitator.id)
    awa = service.join(service.board(sid).code).participant_id
    for target in (ids[0], ids[0], ids[1]):
        assert service.vote(sid, awa, new_client_id(), target).ack["ok"]
    assert refusal(lambda: service.vote(sid, awa, new_client_id(), ids[2])) == (
        "vote_budget_exceeded")
    answer = service.unvote(sid, awa, new_client_id(), ids[0]).ack
    assert answer["my_votes"] == [ids[0], ids[1]] and answer["remaining"] == 1
    results = service.board(sid).results()
    assert [(r["id"], r["votes"]) for r in results[:2]] == [(ids[0], 1), (ids[1], 1)]
    assert refusal(lambda: service.vote(sid, awa, new_client_id(), "nope")) == "unknown_target"


def test_a_resent_vote_counts_once(service, facilitator) -> None:
    sid, ids = voting_session(service, facilitator.id)
    awa = service.join(service.board(sid).code).participant_id
    client_id = new_client_id()
    first = service.vote(sid, awa, client_id, ids[0]).ack
    again = service.vote(sid, awa, client_id, ids[0]).ack
    assert first["my_votes"] == again["my_votes"] == [ids[0]]


def test_lowering_the_budget_withdraws_the_newest_votes(service, facilitator) -> None:
    sid, ids = voting_session(service, facilitator.id)
    awa = service.join(service.board(sid).code).participant_id
    for target in ids[:3]:
        service.vote(sid, awa, new_client_id(), target)
    run(service, sid, facilitator.id, type="set_vote_budget", votes=1)
    assert service.board(sid).votes[awa] == [ids[0]]


def test_hidden_cards_leave_the_ballot(service, facilitator) -> None:
    """Also once phones have asked for the ballot: it is computed once per board version
    and shared, and a change makes a new one."""
    sid, ids = voting_session(service, facilitator.id)
    before = service.board(sid).ballot()
    assert ids[0] in {item["id"] for item in before}
    assert service.board(sid).ballot() is before  # shared while nothing changes
    run(service, sid, facilitator.id, type="hide_contribution", contribution_id=ids[0])
    after = service.board(sid).ballot()
    assert ids[0] not in {item["id"] for item in after}
    assert [item["number"] for item in after] == list(range(1, len(after) + 1))


vote_steps = st.lists(
    st.tuples(st.sampled_from(["vote", "unvote", "rejoin", "budget"]), st.integers(0, 3),
              st.integers(0, 3)),
    max_size=30,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vote_steps)
def test_no_sequence_of_votes_ever_exceeds_the_budget(steps: list[tuple[str, int, int]]):
    """Random votes, withdrawals, reconnections and budget changes by three phones."""
    with tempfile.TemporaryDirectory() as scratch:
        db = Database(f"sqlite:///{Path(scratch) / 'votes.db'}")
        db.upgrade()
        service = Service(db)
        owner = accounts.create(db, "awa@grdr.example", "palabre-2026")
        sid, ids = voting_session(service, owner.id)
        code = service.board(sid).code
        joined = [service.join(code) for _ in range(3)]
        budget = 3
        for action, who, what in steps:
            phone = joined[who % 3]
            try:
                if action == "vote":
                    service.vote(sid, phone.participant_id, new_client_id(), ids[what])
                elif action == "unvote":
                    service.unvote(sid, phone.participant_id, new_client_id(), ids[what])
                elif action == "rejoin":
                    again = service.join(code, phone.token)
                    assert again.participant_id == phone.participant_id
                else:
                    budget = what + 1
                    run(service, sid, owner.id, type="set_vote_budget", votes=budget)
            except Rejected as error:
                assert error.code == "vote_budget_exceeded" and action == "vote"
            board = service.board(sid)
            assert all(len(v) <= board.vote_budget for v in board.votes.values())
            assert board.vote_budget == budget
        board = service.boards.view(sid, lambda b: b)
        tally = board.votes_for()
        assert sum(tally.values()) == sum(len(v) for v in board.votes.values())
        fresh = Service(db).board(sid)  # rebuilt from the log alone
        assert fresh.votes == board.votes
        db.dispose()


def test_phones_vote_over_the_socket(service, facilitator, phone) -> None:
    sid, ids = voting_session(service, facilitator.id)
    awa = phone(service.board(sid).code)
    ballot = awa.ack["session"]["ballot"]
    assert {item["id"] for item in ballot} == set(ids)
    answer = awa.emit("vote", {"client_id": new_client_id(), "target_id": ids[2]},
                      callback=True)
    assert answer["ok"] and answer["remaining"] == 2
    state = awa.emit("state", {}, callback=True)["session"]
    assert state["my_votes"] == [ids[2]] and state["phase"] == "vote"


# -- moderation ------------------------------------------------------------------------------
def test_moderation_hides_edits_moves_and_blocks(service, facilitator, palabre, phone) -> None:
    sid = palabre.session_id
    moussa = phone(palabre.code, name="Moussa")
    cid = moussa.emit("contribute", {"client_id": new_client_id(), "text": "insulte",
                                     "kind": "blocker"}, callback=True)["contribution_id"]
    pushed_events(moussa)
    run(service, sid, facilitator.id, type="hide_contribution", contribution_id=cid)
    view = service.board(sid).to_dict()
    assert [c["hidden"] for c in view["contributions"]] == [True]
    assert cid not in view["ungrouped"]
    assert "insulte" not in str(pushed_events(moussa))  # phones never receive cards

    other = card(service, sid, moussa.ack["participant_id"], "pas de banque")
    run(service, sid, facilitator.id, type="edit_contribution", contribution_id=other,
        text="Pas d'accès à la banque")
    run(service, sid, facilitator.id, type="move_contribution", contribution_id=other,
        kind="lever")
    edited = service.board(sid).contributions[other]
    assert (edited.text, edited.original_text, edited.kind) == (
        "Pas d'accès à la banque", "pas de banque", "lever")
    first = next(e for e in service.events_after(sid, 0)
                 if e.type == "contribution_added" and e.event.contribution_id == other)
    assert first.event.text == "pas de banque", "the log keeps the original"

    run(service, sid, facilitator.id, type="block_participant",
        participant_id=moussa.ack["participant_id"])
    refused = moussa.emit("contribute", {"client_id": new_client_id(), "text": "encore",
                                         "kind": "blocker"}, callback=True)
    assert refused["error"]["code"] == "blocked"
    assert "suspendu" in refused["error"]["message"]
    assert moussa.emit("request_floor", {"client_id": new_client_id()},
                       callback=True)["error"]["code"] == "blocked"
    run(service, sid, facilitator.id, type="block_participant",
        participant_id=moussa.ack["participant_id"], blocked=False)
    assert moussa.emit("contribute", {"client_id": new_client_id(), "text": "merci",
                                      "kind": "lever"}, callback=True)["ok"]


def test_premoderation_holds_cards_until_approved(service, facilitator, palabre) -> None:
    sid = palabre.session_id
    run(service, sid, facilitator.id, type="set_premoderation", enabled=True)
    awa = service.join(palabre.code).participant_id
    held = card(service, sid, awa, "à vérifier")
    board = service.board(sid)
    assert board.contributions[held].pending and not board.visible_cards()
    scribed = run(service, sid, facilitator.id, type="scribe_contribution",
                  text="dit à voix haute", kind="lever")["contribution_id"]
    assert [c.id for c in service.board(sid).visible_cards()] == [scribed]
    run(service, sid, facilitator.id, type="approve_contribution", contribution_id=held)
    assert {c.id for c in service.board(sid).visible_cards()} == {held, scribed}


# -- scribe -------------------------------------------------------------------------------------
def test_the_scribe_types_what_is_said_aloud(service, facilitator, palabre, phone) -> None:
    sid = palabre.session_id
    answer = run(service, sid, facilitator.id, type="scribe_contribution",
                 text="Les jeunes partent à Bamako", kind="blocker", speaker="Le chef de village")
    board = service.board(sid).to_dict()
    [card_view] = board["contributions"]
    assert card_view["id"] == answer["contribution_id"]
    assert card_view["author"] == "Le chef de village" and card_view["participant_id"] is None
    awa = phone(palabre.code)
    refused = awa.emit("command", {"session_id": sid, "type": "scribe_contribution",
                                   "text": "x", "kind": "lever"}, callback=True)
    assert refused["error"]["code"] == "forbidden"


# -- speaking circle ---------------------------------------------------------------------------
def test_the_speaking_queue_keeps_the_order_of_requests(service, facilitator, palabre):
    sid = palabre.session_id
    phones = [service.join(palabre.code).participant_id for _ in range(8)]
    barrier = threading.Barrier(len(phones))
    errors: list[BaseException] = []

    def ask(pid: str) -> None:
        try:
            barrier.wait()
            service.request_floor(sid, pid, new_client_id())
            service.request_floor(sid, pid, new_client_id())  # a double tap changes nothing
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=ask, args=(pid,)) for pid in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    requested = [e.event.participant_id for e in service.events_after(sid, 0)
                 if e.type == "floor_requested"]
    assert sorted(requested) == sorted(phones), "each phone once"
    assert service.board(sid).floor.queue == requested, "first come, first heard"
    run(service, sid, facilitator.id, type="give_floor", seconds=90)
    board = service.board(sid)
    assert board.floor.speaking == requested[0] and board.floor.queue == requested[1:]
    assert board.timer.state == "running" and board.timer.total == 90
    run(service, sid, facilitator.id, type="give_floor", participant_id=requested[5])
    assert service.board(sid).floor.queue == [requested[i] for i in (1, 2, 3, 4, 6, 7)]
    run(service, sid, facilitator.id, type="end_floor")
    assert service.board(sid).floor.speaking is None


def test_a_phone_sees_its_place_in_the_queue(palabre, phone, board_client) -> None:
    board = board_client(palabre.session_id)
    awa, moussa = phone(palabre.code, name="Awa"), phone(palabre.code)
    assert awa.emit("request_floor", {"client_id": new_client_id()},
                    callback=True)["position"] == 1
    assert moussa.emit("request_floor", {"client_id": new_client_id()},
                       callback=True)["position"] == 2
    assert board.emit("command", {"session_id": palabre.session_id, "type": "give_floor"},
                      callback=True)["ok"]
    pushed = pushed_events(moussa)
    assert [e["type"] for e in pushed][-1] == "floor_given"
    assert "participant_id" not in pushed[-1]["payload"]
    state = moussa.emit("state", {}, callback=True)["session"]
    assert state["floor_position"] == 1 and state["speaking"] == "Awa"
    assert awa.emit("state", {}, callback=True)["session"]["has_floor"] is True


# -- co-facilitators --------------------------------------------------------------------------
def test_a_cofacilitator_joins_by_a_one_time_link(app, client, service, facilitator,
                                                  other_facilitator, palabre) -> None:
    sid = palabre.session_id
    assert refusal(lambda: run(service, sid, other_facilitator.id, type="start_timer",
                               seconds=60)) == "forbidden"
    client.post("/login", data={"email": facilitator.email, "password": facilitator.password})
    answer = client.post(f"/api/sessions/{sid}/commands",
                         json={"type": "invite_cofacilitator"}).json
    assert answer["ok"] and "/team/" in answer["invite_url"]
    token = answer["invite_url"].rsplit("/", 1)[1]
    assert token not in str([e.to_wire() for e in service.events_after(sid, 0)])
    client.post("/logout")

    client.post("/login", data={"email": other_facilitator.email,
                                "password": other_facilitator.password})
    assert client.get(f"/sessions/{sid}/console").status_code == 404
    joined = client.post(f"/sessions/{sid}/team/{token}")
    assert joined.status_code == 302 and joined.headers["Location"].endswith("/console")
    assert client.get(f"/sessions/{sid}/console").status_code == 200
    assert sid in client.get("/").get_data(as_text=True)  # on the co-facilitator's home too
    assert [b.session_id for b in service.sessions_of(other_facilitator.id)] == [sid]
    assert run(service, sid, other_facilitator.id, type="start_timer", seconds=60)["ok"]
    assert refusal(lambda: run(service, sid, other_facilitator.id,
                               type="invite_cofacilitator")) == "forbidden"
    third = accounts.create(service.db, "fanta@grdr.example", "kayes-2026")
    assert refusal(lambda: service.accept_invitation(sid, third.id, token)) == (
        "invalid_invitation")


# -- profiles ------------------------------------------------------------------------------------
def test_profile_questions_are_optional_categories(service, facilitator, palabre, phone):
    sid = palabre.session_id
    run(service, sid, facilitator.id, type="set_profile_questions",
        questions=["actor_type", "territory"])
    awa = phone(palabre.code)
    assert awa.ack["session"]["profile_questions"] == ["actor_type", "territory"]
    answer = awa.emit("answer_profile", {"client_id": new_client_id(), "answers": {
        "actor_type": "porteur_de_projet", "territory": "Kayes"}}, callback=True)
    assert answer["profile"] == {"actor_type": "porteur_de_projet", "territory": "Kayes"}
    wrong = awa.emit("answer_profile", {"client_id": new_client_id(),
                                        "answers": {"actor_type": "banquier"}}, callback=True)
    assert wrong["error"]["code"] == "invalid_profile_answer"
    assert refusal(lambda: run(service, sid, facilitator.id, type="set_profile_questions",
                               questions=["age"])) == "invalid_profile_questions"


def test_commands_over_http_share_the_socket_contract(client, facilitator, palabre) -> None:
    headers = {"Authorization": f"Bearer {facilitator.token}"}
    url = f"/api/sessions/{palabre.session_id}/commands"
    ok = client.post(url, headers=headers, json={"type": "change_phase", "phase": "collect"})
    assert ok.status_code == 200 and ok.json["ok"]
    bad = client.post(url, headers=headers, json={"type": "change_phase", "phase": "vote"})
    assert bad.status_code == 400 and bad.json["error"]["code"] == "illegal_transition"
    unknown = client.post(url, headers=headers, json={"type": "dance"})
    assert unknown.json["error"]["code"] == "unknown_command"
    assert re.search("Commande inconnue", unknown.json["error"]["message"])
