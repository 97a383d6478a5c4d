"""The grouping worker: themes computed in a process of their own, the same as inline;
a worker that dies or hangs is replaced and the regrouping goes on."""

from __future__ import annotations

import io
import os
import signal
import threading
from typing import Any

import pytest

from facilitation import clustering
from facilitation.domain import grouping
from facilitation.transport.tasks import worker as worker_module
from facilitation.transport.tasks.worker import GroupingWorker, WorkerCrashed

CARDS = [
    ("c1", "Les banques refusent le crédit aux porteurs de projet", "blocker"),
    ("c2", "Pas de prêt bancaire sans garant", "blocker"),
    ("c3", "La banque ne prête pas aux nouveaux arrivants", "blocker"),
    ("c4", "Le réseau des anciens aide à trouver des clients", "lever"),
    ("c5", "Un parrain du réseau ouvre des portes", "lever"),
    ("c6", "Le titre de séjour bloque l'inscription", "blocker"),
]


def snapshot() -> grouping.Snapshot:
    cards = tuple(clustering.Card(cid, text, kind) for cid, text, kind in CARDS)
    return grouping.Snapshot(len(cards), "fr", 1.0, cards, (), clustering.Constraints())


@pytest.fixture
def worker() -> Any:
    started = GroupingWorker("lexical", timeout=60)
    yield started
    started.stop()


def test_the_worker_gives_the_themes_computed_inline(worker: GroupingWorker) -> None:
    shot = snapshot()
    assert worker.compute(shot) == grouping.compute(shot, "lexical")
    assert worker.pid is not None and worker.pid != os.getpid()


def test_a_killed_worker_is_replaced_on_the_next_request(worker: GroupingWorker) -> None:
    worker.start()
    first = worker.pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    shot = snapshot()
    assert worker.compute(shot) == grouping.compute(shot, "lexical")
    assert worker.pid not in (None, first)
    assert worker.restarts == 1


def test_a_hung_worker_is_killed_by_the_watchdog_then_replaced() -> None:
    hung = GroupingWorker("lexical", timeout=0.3)
    stop = threading.Event()

    def watchdog() -> None:
        while not stop.wait(0.1):
            hung.expire()

    threading.Thread(target=watchdog, daemon=True).start()
    try:
        hung.start()
        stuck = hung.pid
        assert stuck is not None
        os.kill(stuck, signal.SIGSTOP)  # alive, but answers nothing
        with pytest.raises(WorkerCrashed):
            hung.compute(snapshot())
        shot = snapshot()
        assert hung.compute(shot) == grouping.compute(shot, "lexical")
        assert hung.pid not in (None, stuck)
    finally:
        stop.set()
        hung.stop()


def test_an_error_inside_the_worker_is_reported_and_the_worker_lives_on(
        worker: GroupingWorker) -> None:
    worker.start()
    pid = worker.pid
    with pytest.raises(RuntimeError, match="grouping worker failed"):
        worker.compute("not a snapshot")  # type: ignore[arg-type]
    shot = snapshot()
    assert worker.compute(shot) == grouping.compute(shot, "lexical")
    assert worker.pid == pid


class _GreenPipe(io.RawIOBase):
    """Like eventlet's green pipe: each read gives at most what one read(2) gives."""

    def __init__(self, data: bytes, piece: int = 65536) -> None:
        self._data, self._piece = memoryview(data), piece

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = self._piece if size < 0 else min(size, self._piece)
        chunk, self._data = bytes(self._data[:size]), self._data[size:]
        return chunk


def test_an_answer_bigger_than_one_pipe_read_arrives_whole() -> None:
    # a plenary's themes (thousands of card ids) are far more than the 64 KiB one read of
    # eventlet's pipe gives: the first piece used to be taken for a truncated message
    themes = {"cards": [f"carte-{n:05d}" for n in range(20_000)]}
    sent = io.BytesIO()
    worker_module._send(sent, ("ok", themes))
    assert len(sent.getvalue()) > 3 * 65536
    assert worker_module._receive(_GreenPipe(sent.getvalue())) == ("ok", themes)
    with pytest.raises(EOFError):  # a message really cut short is still refused
        worker_module._receive(_GreenPipe(sent.getvalue()[:-1]))
