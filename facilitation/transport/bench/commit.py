"""`facilitation bench commit`: the durable write path alone — a burst of phones' cards
through the use case and the group commit, in one eventlet process as `serve` runs them
(PostgreSQL through psycopg's green wait, SQLite's commit in a native thread), with no
socket in the way. Figures: cards per second and this process's CPU per card.

Run as `python -m facilitation.transport.bench.commit URL PHONES CARDS` (the launcher
patches before anything else is imported); prints one JSON line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

GAP_S = 0.05  # between a phone's cards, as `bench room --scenario burst`


def run_commit(url: str | None, phones: int, cards: int) -> dict[str, Any]:
    """One burst in a fresh process (a fresh SQLite file when no URL is given)."""
    with tempfile.TemporaryDirectory() as scratch:
        target = url or f"sqlite:///{Path(scratch) / 'bench.db'}"
        env = {**os.environ, "PSYCOPG_WAIT_FUNC": "wait_select"}  # as `serve` under eventlet
        done = subprocess.run(
            [sys.executable, "-m", "facilitation.transport.bench.commit", target,
             str(phones), str(cards)], env=env, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        raise RuntimeError(f"bench commit failed: {done.stderr[-2000:]}")
    return dict(json.loads(lines[-1]))


def _burst(url: str, phones: int, cards: int) -> dict[str, Any]:
    import time
    import uuid

    import eventlet

    from ...store.db import Database
    from ...usecases import accounts
    from ...usecases.sessions import Service
    from ..offload import blocking_io_for_mode

    db = Database(url, blocking_io_for_mode("eventlet"))
    db.upgrade()
    service = Service(db)
    owner = accounts.create(db, f"bench-{uuid.uuid4().hex[:8]}@example.org", "benchmark")
    session_id = service.create_session(owner.id, "bench", "breakfast", "fr").session_id

    def phone(index: int) -> None:
        for n in range(cards):
            service.add_contribution(session_id, None, uuid.uuid4().hex,
                                     f"carte {index}-{n} : tontine du quartier", "blocker")
            eventlet.sleep(GAP_S)

    pool = eventlet.GreenPool(phones)
    started, cpu = time.perf_counter(), time.process_time()
    for index in range(phones):
        pool.spawn_n(phone, index)
    pool.waitall()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    stored = len(service.board(session_id).contributions)
    db.dispose()
    return {"database": url.split(":", 1)[0], "phones": phones, "cards": stored,
            "cards_per_s": round(stored / elapsed, 1),
            "cpu_ms_per_card": round(1000 * cpu / max(1, stored), 4)}


if __name__ == "__main__":
    import warnings

    with warnings.catch_warnings():  # eventlet warns it is in maintenance mode (known)
        warnings.simplefilter("ignore")
        import eventlet
    eventlet.monkey_patch()
    print(json.dumps(_burst(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))))
