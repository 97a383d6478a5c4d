"""The five set-ups of `docs/benchmarks.md`, "Past one machine", in turn, each round.

Usage:  .venv/bin/python scripts/scale_setups.py [ROUNDS]     (env PHONES, default 1000)
        TREES=/work/wt/a,/work/wt/b .venv/bin/python scripts/scale_setups.py [ROUNDS]
        (each set-up run once per code tree, in turn, the order reversed every other
        round: old and new measured in the same minutes, on one PostgreSQL and Redis)
        ONLY=plenary …: only the set-ups whose label contains it

Starts a throwaway PostgreSQL 15 and Redis (as the tests do), then runs `facilitation
bench room --cards 5 --scenario burst --no-relay --json` for: SQLite, 1 process;
PostgreSQL, 1 process; PostgreSQL, 2 processes + Redis, one plenary with phones on both
(`--spread phone`); PostgreSQL, 1 process, 10 sessions; PostgreSQL, 2 processes + Redis,
10 sessions. Prints one JSON line per run with the load average and the key figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.services import postgres_server, redis_server  # noqa: E402

KEYS = ("acknowledged", "refused", "join_errors", "lost", "duplicated", "throughput",
        "ack_p50_ms", "ack_p99_ms", "board_p99_ms", "cpu_ms_per_card",
        "redis_cpu_ms_per_card", "redis_publish_per_card", "join_cpu_ms_per_phone",
        "event_loop_max_stall_ms",
        "server_rss_mb")


def main(rounds: int) -> None:
    cmd = [sys.executable, "-m", "facilitation", "bench", "room", "--participants",
           os.environ.get("PHONES", "1000"), "--cards", "5", "--scenario", "burst",
           "--no-relay", "--json"]
    with tempfile.TemporaryDirectory() as work, tempfile.TemporaryDirectory() as pgwork, \
            postgres_server(Path(pgwork)) as pg, redis_server(Path(work)) as redis:
        setups = [("sqlite 1p", []), ("postgres 1p", ["--database-url", pg]),
                  ("postgres 2p plenary", ["--database-url", pg, "--processes", "2",
                                           "--redis-url", redis, "--spread", "phone"]),
                  ("postgres 1p 10 sessions", ["--database-url", pg, "--sessions", "10"]),
                  ("postgres 2p 10 sessions", ["--database-url", pg, "--processes", "2",
                                               "--redis-url", redis, "--sessions", "10"])]
        trees = [Path(t) for t in os.environ.get("TREES", str(ROOT)).split(",")]
        only = os.environ.get("ONLY")  # e.g. ONLY="2p": the set-ups whose label has it
        setups = [setup for setup in setups if not only or only in setup[0]]
        for round_ in range(rounds):
            for number, (label, extra) in enumerate(setups):
                turn = trees if (round_ + number) % 2 == 0 else trees[::-1]
                for tree in turn:  # the tree's own code: cwd and PYTHONPATH both
                    load = Path("/proc/loadavg").read_text().split()[0]
                    out = subprocess.run(cmd + extra, capture_output=True, text=True,
                                         cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)})
                    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
                    if not lines:
                        print(label, tree.name, "FAILED", out.stderr[-1500:], flush=True)
                        continue
                    result = json.loads(lines[-1])
                    print(json.dumps({"setup": label, "tree": tree.name, "round": round_ + 1,
                                      "load": load, **{k: result.get(k) for k in KEYS}}),
                          flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
