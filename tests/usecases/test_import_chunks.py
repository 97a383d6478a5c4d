"""A big import is committed in short chunks, yielding between them, and stays
idempotent even when it stops halfway."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from facilitation.domain.errors import Rejected
from facilitation.usecases import imports


def big_log(session_id: str, cards: int) -> list[str]:
    """An exported log: the session, 20 phones, `cards` cards, a phase change and a
    grouping every 500 cards (pointing at a seq of the source)."""
    start = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    lines: list[dict[str, Any]] = []

    def add(kind: str, payload: dict[str, Any], client_id: str | None = None) -> None:
        seq = len(lines) + 1
        lines.append({"session_id": session_id, "seq": seq, "type": kind, "version": 1,
                      "payload": payload, "actor": None, "client_id": client_id,
                      "at": (start + timedelta(seconds=seq)).isoformat()})

    add("session_created", {"title": "Kayes", "kind": "palabre", "language": "fr",
                            "code": "ABCDEF", "facilitator_id": 9})
    add("phase_changed", {"phase": "collect", "previous": "welcome"})
    for n in range(20):
        add("participant_joined", {"participant_id": f"p{n}", "name": None})
    for n in range(cards):
        add("contribution_added", {"contribution_id": f"c{n}", "participant_id": f"p{n % 20}",
                                   "text": f"idée numéro {n}", "kind": "lever"},
            client_id=f"{n:032x}")
        if n % 500 == 499:
            add("themes_updated", {"themes": [{"id": f"t{n}", "kind": "lever", "label": "x",
                                               "card_ids": [f"c{n}"], "colour": "#123456"}],
                                   "based_on": len(lines)})
    return [json.dumps(line) for line in lines]


class Watch:
    """Counts the pauses, and the size of every chunk written."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.pauses = 0
        self.done: list[int] = []  # events committed, after each chunk
        self.stop_after = stop_after

    def pause(self) -> None:
        self.pauses += 1

    def progress(self, done: int, total: int) -> None:
        self.done.append(done)
        if self.stop_after is not None and len(self.done) >= self.stop_after:
            raise KeyboardInterrupt  # the server stops in the middle of the import

    @property
    def chunks(self) -> list[int]:
        return [b - a for a, b in zip([0, *self.done], self.done, strict=False)]


class SlowClock:
    """A machine where every look at the clock finds `tick` seconds gone."""

    def __init__(self, tick: float) -> None:
        self.now, self.tick, self.looks = 0.0, tick, 0

    def __call__(self) -> float:
        self.now += self.tick
        self.looks += 1
        return self.now


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    sizes: list[int] = []
    append_rows = imports.log.append_rows

    def counting(db: Any, session_id: str, rows: Any, *, after: int) -> Any:
        sizes.append(len(rows))
        return append_rows(db, session_id, rows, after=after)

    monkeypatch.setattr(imports.log, "append_rows", counting)
    return sizes


def test_a_big_import_is_committed_in_short_chunks(service: Any, facilitator: Any,
                                                   watched: list[int]) -> None:
    lines = big_log("kayes20k", 3000)
    watch = Watch()
    records = imports.parse(lines, pause=watch.pause)
    assert watch.pauses >= len(lines) // imports.CHUNK
    watch.pauses = 0

    report, _ = imports.import_log(service, records, facilitator.id, pause=watch.pause,
                                   progress=watch.progress)

    assert report.added == len(lines) and report.created
    assert max(watch.chunks) <= imports.CHUNK  # each transaction writes a few hundred events
    assert sum(watch.chunks) == len(lines) and watch.done[-1] == len(lines)
    assert len(watch.chunks) >= -(-len(lines) // imports.CHUNK)
    assert max(watched) <= imports.STEP  # and inserts them a few rows at a time
    assert watch.pauses >= 2 * len(watch.chunks) - 1  # between chunks, and checking the file
    board = service.board("kayes20k")
    assert len(board.contributions) == 3000 and board.seq == len(lines)
    assert board.grouped_seq == len(lines) - 1  # based_on points here, not at the source


def test_an_interrupted_import_resumes_without_duplicates(service: Any, facilitator: Any,
                                                          watched: list[int]) -> None:
    lines = big_log("kayes", 2000)
    records = imports.parse(lines)
    stopping = Watch(stop_after=3)
    with pytest.raises(KeyboardInterrupt):
        imports.import_log(service, records, facilitator.id, pause=stopping.pause,
                           progress=stopping.progress)
    half = service.board("kayes").seq  # the board itself goes on changing
    assert 0 < half == stopping.done[-1] < len(lines)

    resumed, _ = imports.import_log(service, records, facilitator.id)
    again, recorded = imports.import_log(service, records, facilitator.id)

    assert (resumed.created, resumed.added, resumed.skipped) == (
        False, len(lines) - half, half)
    assert (again.added, again.skipped, recorded) == (0, len(lines), [])
    board = service.board("kayes")
    assert board.seq == len(lines) and len(board.contributions) == 2000
    assert [e.seq for e in service.events_after("kayes", 0)] == list(range(1, len(lines) + 1))


def test_a_broken_event_at_the_end_keeps_nothing(service: Any, facilitator: Any,
                                                 watched: list[int]) -> None:
    lines = big_log("broken", 1000)
    lines.append(json.dumps({**json.loads(lines[-1]), "seq": len(lines) + 1,
                             "type": "themes_updated", "client_id": None,
                             "payload": {"themes": [{"nolabel": 1}], "based_on": 1}}))
    with pytest.raises(Rejected) as refused:
        imports.import_log(service, imports.parse(lines), facilitator.id)
    assert refused.value.params["line"] == len(lines)
    assert watched == [] and service.boards.get("broken") is None


def test_on_a_slow_machine_chunks_end_when_their_time_is_spent(service: Any,
                                                               facilitator: Any) -> None:
    """Each look at the clock finds 4 ms gone: a chunk stops after BUDGET (15 ms) of
    work, long before CHUNK events, and the log is the same as imported in one go."""
    lines = big_log("lent", 600)
    clock = SlowClock(0.004)
    watch = Watch()
    records = imports.parse(lines, pause=watch.pause, clock=clock)
    assert watch.pauses >= len(lines) // 4  # parsing yields every few lines too
    watch.pauses = 0
    report, _ = imports.import_log(service, records, facilitator.id, pause=watch.pause,
                                   progress=watch.progress, clock=clock)
    assert report.added == len(lines)
    # the clock is read every STEP events: 4 reads (16 ms) end a chunk
    assert max(watch.chunks) <= 4 * imports.STEP < imports.CHUNK
    assert sum(watch.chunks) == len(lines)
    assert watch.pauses >= len(lines) // 4  # the trial fold yields as often
    fast = service.board("lent")
    imports.import_log(service, imports.parse(big_log("vite", 600)), facilitator.id,
                       chunk=10_000, budget=float("inf"))
    whole = service.board("vite")
    assert [(e.seq, e.type, e.client_id) for e in service.events_after("lent", 0)] == [
        (e.seq, e.type, e.client_id) for e in service.events_after("vite", 0)]
    assert fast.grouped_seq == whole.grouped_seq and len(fast.contributions) == 600


def test_the_seq_map_is_right_whatever_the_order() -> None:
    records = imports.parse(big_log("map", 10))
    seq_map = imports._SeqMap(records, {records[4].key: 40})
    for source, local in ((1, 10), (9, 90), (3, 30)):
        seq_map.add(source, local)
    seq_map.add(9, 91)  # a replayed chunk maps it again
    assert [seq_map.local(s) for s in (0, 1, 2, 3, 5, 8, 9, 100)] == [0, 10, 10, 30, 40, 40,
                                                                      91, 91]
