"""`facilitation bench room`: a room of simulated phones on real server processes, then
on a bare Flask-SocketIO relay in the same async mode, in the same run.

Phones are real python-socketio clients, in processes of their own (`phones.py`) so the
client side is not what limits the figures; a board per session, in this process,
timestamps every card it is shown. Figures per run: lost (acknowledged, never on the
board), duplicated (on the board twice), refused (not acknowledged), ack and board
latencies, throughput, its ratio to the relay's, the server's longest event-loop stall
and its memory.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...config import LIMITS

RUN = [sys.executable, "-m", "facilitation"]
JOIN_ERRORS_SHOWN = 5  # a join that failed says why, in the figures
VOTE_SEED_CARDS = 200  # `vote`: the cards typed in before the vote, for the ballot
VOTE_SEED_TEXTS = (
    "la banque refuse les prêts aux nouveaux arrivants", "trop de papiers pour le statut",
    "une tontine entre commerçants du quartier", "un parrain pour chaque porteur de projet",
    "pas de local à loyer abordable", "des cours de français en soirée",
    "vendre sur les marchés solidaires", "le microcrédit coûte trop cher",
    "une coopérative pour acheter les semences", "les transports vers Bamako sont chers",
)


@dataclass
class RoomPlan:
    participants: int
    cards: int
    scenario: str = "meeting"
    sessions: int = 1
    async_mode: str = "eventlet"
    database_url: str | None = None
    redis_url: str | None = None
    processes: int = 1
    spread: str = "session"  # "session": a session's phones on one process; "phone": all
    grouping: bool = True
    backend: str = "use"
    client_processes: int = 2
    arrival_s: float = 10.0


@dataclass
class Run:
    """What one target (our servers or the relay) did with the room."""

    acks: list[dict[str, Any]] = field(default_factory=list)
    seen: dict[str, list[float]] = field(default_factory=dict)
    join_errors: int = 0
    join_error_samples: list[str] = field(default_factory=list)  # the first few, as said
    started: float = 0.0
    cpu_s: float = 0.0  # the target's processes' CPU from "go" to the last ack
    joins: tuple[float, float, int] | None = None  # burst: seconds, CPU seconds, phones in
    redis_cpu_s: float | None = None  # the Redis server's, over the same span (when used)
    redis_publishes: int | None = None  # PUBLISH calls over the same span
    opened_at: float = 0.0  # `vote`: when the facilitator's command opened the vote
    views: list[dict[str, Any]] = field(default_factory=list)  # `vote`: each phone's view
    view_errors: int = 0
    votes_seen: list[int] = field(default_factory=list)  # `vote`: seq of each vote pushed


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server ended ({process.returncode})")
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url}: not ready after {seconds} s")


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _cpu_s(pids: list[int]) -> float:
    """CPU seconds (user + system) the processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def _redis_info(url: str | None, section: str) -> dict[str, Any] | None:
    """One section of the Redis server's `INFO` (None without Redis)."""
    if not url:
        return None
    import redis

    client = redis.Redis.from_url(url)
    try:
        return dict(client.info(section))
    finally:
        client.close()


def _redis_cpu_s(url: str | None) -> float | None:
    """CPU seconds (user + system) the Redis server has used so far (its `INFO cpu`):
    with several processes every broadcast crosses it, a cost one process does not pay."""
    info = _redis_info(url, "cpu")
    return None if info is None else float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def _redis_publishes(url: str | None) -> int | None:
    """PUBLISH calls the Redis server has answered so far (its `INFO commandstats`)."""
    stats = _redis_info(url, "commandstats")
    return None if stats is None else int(stats.get("cmdstat_publish", {}).get("calls", 0))


def _percentile(samples: list[float], q: float) -> float | None:
    if not samples:
        return None
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)


class Servers:
    """`facilitation serve` processes sharing one database (and Redis when several)."""

    def __init__(self, plan: RoomPlan, scratch: Path) -> None:
        self.plan = plan
        self.env = {**os.environ, "FACILITATION_INSTANCE": str(scratch),
                    "FACILITATION_ASYNC_MODE": plan.async_mode,
                    "FACILITATION_CLUSTERING_BACKEND": plan.backend,
                    "SECRET_KEY": "bench-secret"}
        self.env.pop("DATABASE_URL", None)
        self.env.pop("REDIS_URL", None)
        # Every simulated phone comes from 127.0.0.1: the limits per address (sized for one
        # venue's NAT) are lifted; the limits per connection stay as they are.
        for name in LIMITS:
            if name.endswith("_PER_ADDRESS"):
                self.env[f"FACILITATION_LIMIT_{name}"] = "1000000/minute"
        if plan.database_url:
            self.env["DATABASE_URL"] = plan.database_url
        if plan.redis_url:
            self.env["REDIS_URL"] = plan.redis_url
        self.processes: list[subprocess.Popen[bytes]] = []
        self.urls: list[str] = []
        self.token = ""
        self.log = scratch / "servers.log"

    def start(self) -> Servers:
        email = f"bench-{os.getpid()}@example.org"
        subprocess.run([*RUN, "facilitator", "add", email, "--password", "benchmark"],
                       env=self.env, check=True, capture_output=True)
        self.token = subprocess.run([*RUN, "facilitator", "token", email], env=self.env,
                                    check=True, capture_output=True, text=True).stdout.strip()
        out = self.log.open("ab")
        for _ in range(self.plan.processes):
            port = _free_port()
            self.processes.append(subprocess.Popen([*RUN, "serve", "--port", str(port)],
                                                   env=self.env, stdout=out, stderr=out))
            self.urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(self.urls, self.processes, strict=True):
            _wait_healthy(url, process)
        return self

    def api(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(
            self.urls[0] + path, method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {self.token}",
                     "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def open_sessions(self) -> list[dict[str, Any]]:
        sessions = []
        for index in range(self.plan.sessions):
            made = self.api("POST", "/api/sessions",
                            {"title": f"bench {index + 1}", "kind": "breakfast"})
            if not self.plan.grouping:
                self.api("POST", f"/api/sessions/{made['id']}/commands",
                         {"type": "set_grouping", "auto": False})
            sessions.append({"id": made["id"], "code": made["code"]})
        return sessions

    def prepare_vote(self, sessions: list[dict[str, Any]]) -> None:
        """`vote`: each session gets cards (typed in by the facilitator), themes from the
        grouping, a budget of `cards` votes, and is brought to the step before the vote."""
        for session in sessions:
            path = f"/api/sessions/{session['id']}/commands"
            self.api("POST", path, {"type": "set_vote_budget", "votes": self.plan.cards})
            for n in range(VOTE_SEED_CARDS):
                text = f"{VOTE_SEED_TEXTS[n % len(VOTE_SEED_TEXTS)]} ({n})"
                self.api("POST", path, {"type": "scribe_contribution", "text": text,
                                        "kind": "blocker" if n % 2 else "lever"})
            deadline = time.monotonic() + 120
            while self.plan.grouping and time.monotonic() < deadline:
                board = self.api("GET", f"/api/sessions/{session['id']}/board")
                if any(not theme["misc"] for theme in board["themes"]):
                    break
                time.sleep(0.5)
            self._step_to(session["id"], "group")

    def open_vote(self, sessions: list[dict[str, Any]]) -> None:
        for session in sessions:
            self._step_to(session["id"], "vote")

    def _step_to(self, session_id: str, phase: str) -> None:
        """Move the session one phase at a time (the allowed steps) up to `phase`."""
        from ...domain.kinds import PHASES

        current = self.api("GET", f"/api/sessions/{session_id}/board")["phase"]
        for step in PHASES[PHASES.index(current) + 1:PHASES.index(phase) + 1]:
            self.api("POST", f"/api/sessions/{session_id}/commands",
                     {"type": "change_phase", "phase": step})

    def stall_ms(self, seconds: float) -> dict[str, float | str | None]:
        """The longest event-loop stall of the run, and the longest garbage collection;
        each also in CPU time of the server's loop (what the machine's load does not add)."""
        stalls, collections, stalls_cpu, collections_cpu = [], [], [], []
        kinds: list[tuple[float, str]] = []
        for url in self.urls:
            window = max(1, min(600, int(seconds) + 1))
            with urllib.request.urlopen(f"{url}/healthz?stall_window={window}",
                                        timeout=10) as response:
                health = json.loads(response.read())
            if health.get("loop_max_stall_ms") is not None:
                stalls.append(float(health["loop_max_stall_ms"]))
                collections.append(float(health.get("gc_max_ms") or 0))
                stalls_cpu.append(float(health.get("loop_max_stall_cpu_ms") or 0))
                collections_cpu.append(float(health.get("gc_max_cpu_ms") or 0))
                kinds.append((collections[-1], str(health.get("gc_max_kind") or "")))
        return {"event_loop_max_stall_ms": max(stalls) if stalls else None,
                "event_loop_max_stall_cpu_ms": max(stalls_cpu) if stalls_cpu else None,
                "gc_max_ms": max(collections) if collections else None,
                "gc_max_cpu_ms": max(collections_cpu) if collections_cpu else None,
                "gc_max_kind": max(kinds)[1] if kinds else None}

    def memory(self) -> dict[str, float]:
        servers = [_rss_mb(p.pid) for p in self.processes]
        workers = [_rss_mb(c) for p in self.processes for c in _children(p.pid)]
        return {"server_rss_mb": max(servers), "worker_rss_mb": max(workers, default=0.0)}

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()


class Relay:
    """The bare Flask-SocketIO relay (`relay.py`), in the plan's async mode."""

    def __init__(self, plan: RoomPlan) -> None:
        self.port = _free_port()
        self.urls = [f"http://127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "facilitation.transport.bench.relay", "--port",
             str(self.port), "--async-mode", plan.async_mode],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.token = ""
        _wait_healthy(self.urls[0], self.process)

    def open_sessions(self, count: int) -> list[dict[str, Any]]:
        return [{"id": f"relay-{n}", "code": f"RELAY{n}"} for n in range(count)]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _boards(urls: list[str], token: str, sessions: list[dict[str, Any]],
            run: Run) -> list[Any]:
    """One board per session, timestamping each card it is shown (by its tag)."""
    import socketio

    lock = threading.Lock()
    clients = []
    for index, session in enumerate(sessions):
        client = socketio.Client(reconnection=False)

        def on_events(events: list[dict[str, Any]]) -> None:
            now = time.time()
            with lock:
                for event in events:
                    if event.get("type") == "vote_cast":
                        run.votes_seen.append(int(event["seq"]))
                    if event.get("type") != "contribution_added":
                        continue
                    text = str(event.get("payload", {}).get("text", ""))
                    if "#" in text:
                        run.seen.setdefault(text.rsplit("#", 1)[1], []).append(now)

        client.on("events", on_events)
        client.connect(urls[index % len(urls)], auth={"token": token},
                       transports=["websocket"], wait_timeout=30)
        answer = client.call("join_board", {"session_id": session["id"]}, timeout=60)
        if not answer.get("ok"):
            raise RuntimeError(f"the board could not join: {answer}")
        clients.append(client)
    return clients


def _play(plan: RoomPlan, urls: list[str], token: str, sessions: list[dict[str, Any]],
          label: str, progress: bool, pids: list[int] | None = None,
          redis_url: str | None = None,
          open_vote: Callable[[], None] | None = None) -> Run:
    """Boards first, then every phone process; returns what was acknowledged and seen.
    `open_vote` (scenario `vote`): the facilitator's command, sent once the phones wait."""
    run = Run()
    boards = _boards(urls, token, sessions, run)
    phones = []
    for index in range(plan.participants):
        session_index = index % len(sessions)
        server = session_index if plan.spread == "session" else index
        phones.append({"index": index, "session": session_index,
                       "code": sessions[session_index]["code"],
                       "url": urls[server % len(urls)]})
    groups = [phones[n::plan.client_processes] for n in range(plan.client_processes)]
    workers = []
    joining, joining_cpu, joined = time.time(), _cpu_s(pids or []), 0
    for number, group in enumerate(groups):
        worker = subprocess.Popen(
            [sys.executable, "-m", "facilitation.transport.bench.phones"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        assert worker.stdin is not None
        worker.stdin.write(json.dumps({"phones": group, "cards": plan.cards,
                                       "scenario": plan.scenario, "seed": number,
                                       "arrival_s": plan.arrival_s}) + "\n")
        worker.stdin.flush()
        workers.append(worker)
    for worker in workers:  # every phone process has connected its phones (burst)
        assert worker.stdout is not None
        for line in worker.stdout:
            message = json.loads(line)
            if "join_error" in message:
                run.join_errors += 1
                if len(run.join_error_samples) < JOIN_ERRORS_SHOWN:
                    run.join_error_samples.append(str(message["join_error"]))
            if "ready" in message:
                joined += int(message["ready"])
                break
    run.started = time.time()
    cpu_before = _cpu_s(pids or [])
    if plan.scenario == "burst":  # (a meeting's phones join while it plays)
        run.joins = (run.started - joining, cpu_before - joining_cpu, joined)
    redis_before = _redis_cpu_s(redis_url)
    publishes_before = _redis_publishes(redis_url)
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    if open_vote is not None:
        run.opened_at = time.time()
        open_vote()
    bar = _progress(plan.participants * plan.cards, label, progress)
    lock = threading.Lock()

    def read(worker: subprocess.Popen[str]) -> None:
        assert worker.stdout is not None
        for line in worker.stdout:
            message = json.loads(line)
            with lock:
                if "tag" in message:
                    run.acks.append(message)
                    bar.update(1)
                elif "join_error" in message:
                    run.join_errors += 1
                    if len(run.join_error_samples) < JOIN_ERRORS_SHOWN:
                        run.join_error_samples.append(str(message["join_error"]))
                elif "view" in message:
                    run.views.append(message)
                elif "view_error" in message:
                    run.view_errors += 1

    readers = [threading.Thread(target=read, args=(w,)) for w in workers]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    run.cpu_s = _cpu_s(pids or []) - cpu_before
    if redis_before is not None:
        run.redis_cpu_s = (_redis_cpu_s(redis_url) or 0.0) - redis_before
    if publishes_before is not None:
        run.redis_publishes = (_redis_publishes(redis_url) or 0) - publishes_before
    for worker in workers:
        worker.wait()
    bar.close()
    expected = {a["tag"] for a in run.acks if a["ok"]}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (
            len(set(run.votes_seen)) >= len(expected) if open_vote else expected <= set(run.seen)):
        time.sleep(0.2)
    time.sleep(0.5)  # late duplicates, if any
    for board in boards:
        board.disconnect()
    return run


class _Silent:
    def update(self, n: int) -> None: ...

    def close(self) -> None: ...


def _progress(total: int, label: str, shown: bool) -> Any:
    if not shown:
        return _Silent()
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit="card", file=sys.stderr, leave=False)


def _figures(run: Run) -> dict[str, Any]:
    ok = [a for a in run.acks if a["ok"]]
    refused = Counter(a["code"] for a in run.acks if not a["ok"])
    acks = [a["acked"] - a["sent"] for a in ok]
    sent_at = {a["tag"]: a["sent"] for a in run.acks}
    board = [seen[0] - sent_at[tag] for tag, seen in run.seen.items() if tag in sent_at]
    duration = (max(a["acked"] for a in ok) - min(a["sent"] for a in ok)) if ok else 0.0
    return {
        "sent": len(run.acks),
        "acknowledged": len(ok),
        "refused": dict(refused),
        "join_errors": run.join_errors,
        "join_error_samples": run.join_error_samples,
        "lost": sum(1 for a in ok if a["tag"] not in run.seen),
        "duplicated": sum(1 for seen in run.seen.values() if len(seen) > 1),
        "ack_p50_ms": _percentile(acks, 0.50),
        "ack_p99_ms": _percentile(acks, 0.99),
        "board_p50_ms": _percentile(board, 0.50),
        "board_p99_ms": _percentile(board, 0.99),
        "throughput": round(len(ok) / duration, 1) if duration else None,
        # what each card cost the server's (or the relay's) process: steadier than the
        # throughput on a shared machine, where the clock also counts waiting for a core
        "cpu_ms_per_card": round(1000 * run.cpu_s / len(ok), 3) if ok and run.cpu_s else None,
        # burst: every phone connects and joins before the first card (the phones'
        # processes starting included in the seconds, not in the server's CPU)
        "join_s": round(run.joins[0], 2) if run.joins else None,
        "join_cpu_ms_per_phone": (round(1000 * run.joins[1] / run.joins[2], 3)
                                  if run.joins and run.joins[2] else None),
        "redis_cpu_ms_per_card": (round(1000 * run.redis_cpu_s / len(ok), 3)
                                  if ok and run.redis_cpu_s is not None else None),
        "redis_publish_per_card": (round(run.redis_publishes / len(ok), 3)
                                   if ok and run.redis_publishes is not None else None),
    }


def _vote_figures(run: Run) -> dict[str, Any]:
    """`vote`: how fast the phones got their ballot once the vote opened, and whether every
    acknowledged vote reached the board once (votes carry no tag: counted by `seq`)."""
    acknowledged = sum(1 for a in run.acks if a["ok"])
    seen = set(run.votes_seen)
    views = [v["at"] - run.opened_at for v in run.views]
    return {
        "lost": max(0, acknowledged - len(seen)),
        "duplicated": len(run.votes_seen) - len(seen),
        "board_p50_ms": None, "board_p99_ms": None,
        "views": len(run.views), "view_errors": run.view_errors,
        "view_p50_ms": _percentile(views, 0.50), "view_p99_ms": _percentile(views, 0.99),
        "view_max_ms": _percentile(views, 1.0),
        "ballot_items": max((v["items"] for v in run.views), default=0),
    }


def bench_room(plan: RoomPlan, relay: bool = True, progress: bool = True) -> dict[str, Any]:
    """One run on our server(s), then the relay in the same async mode."""
    result: dict[str, Any] = {"participants": plan.participants, "cards": plan.cards,
                              "scenario": plan.scenario, "sessions": plan.sessions,
                              "processes": plan.processes, "async_mode": plan.async_mode,
                              "database": (plan.database_url or "sqlite").split(":", 1)[0],
                              "grouping": plan.grouping}
    with tempfile.TemporaryDirectory() as scratch:
        servers = Servers(plan, Path(scratch)).start()
        try:
            sessions = servers.open_sessions()
            started = time.monotonic()
            voting = plan.scenario == "vote"
            if voting:
                servers.prepare_vote(sessions)
            run = _play(plan, servers.urls, servers.token, sessions, "server", progress,
                        [p.pid for p in servers.processes], plan.redis_url,
                        (lambda: servers.open_vote(sessions)) if voting else None)
            result.update(_figures(run))
            if voting:
                result.update(_vote_figures(run))
            result.update(servers.stall_ms(time.monotonic() - started))
            result.update(servers.memory())
        finally:
            servers.stop()
    if relay and plan.scenario != "vote":  # the bare relay has no ballot to vote on
        baseline = Relay(plan)
        try:
            sessions = baseline.open_sessions(plan.sessions)
            figures = _figures(_play(plan, baseline.urls, "", sessions, "relay", progress,
                                     [baseline.process.pid]))
        finally:
            baseline.stop()
        result["relay"] = {k: figures[k] for k in
                           ("acknowledged", "lost", "ack_p50_ms", "ack_p99_ms",
                            "board_p50_ms", "board_p99_ms", "throughput", "cpu_ms_per_card")}
        if figures["throughput"] and result.get("throughput"):
            result["throughput_ratio_to_baseline"] = round(
                result["throughput"] / figures["throughput"], 2)
    return result
