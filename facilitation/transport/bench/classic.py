"""Benchmarks (`facilitation bench …`): figures for docs/benchmarks.md, never timed tests."""

from __future__ import annotations

import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from ...store.db import Database
from ...usecases import accounts
from ...usecases.sessions import Service


def machine() -> str:
    cpus = os.cpu_count()
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {cpus} cores {model}, Python " \
           f"{platform.python_version()}"


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "max_ms": ordered[-1] * 1000,
            "mean_ms": statistics.fmean(ordered) * 1000}


def log_commits(url: str | None, cards: int, writers: int) -> dict[str, Any]:
    """Contributions committed per second through the real use case (one commit each)."""
    with tempfile.TemporaryDirectory() as scratch:
        db = Database(url or f"sqlite:///{Path(scratch) / 'bench.db'}")
        db.upgrade()
        service = Service(db)
        owner = accounts.create(db, f"bench-{uuid.uuid4().hex[:8]}@example.org", "benchmark")
        session_id = service.create_session(owner.id, "bench", "palabre", "fr").session_id
        latencies: list[float] = []
        lock = threading.Lock()

        def writer(index: int) -> None:
            for n in range(cards // writers):
                started = time.perf_counter()
                service.add_contribution(session_id, None, uuid.uuid4().hex,
                                         f"carte {index}-{n}", "blocker")
                with lock:
                    latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        stored = len(service.board(session_id).contributions)
        db.dispose()
    return {"backend": db.url.split(":", 1)[0], "writers": writers, "cards": stored,
            "per_second": stored / elapsed, **_percentiles(latencies)}


class BenchServer:
    """`facilitation serve` (production settings, fresh SQLite) in a subprocess."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory()
        self.env = {**os.environ, "FACILITATION_INSTANCE": self._dir.name}
        self.env.pop("DATABASE_URL", None)
        # every benchmark client comes from one address: lift the per-address limits
        # (docs/security.md), which would otherwise cut a burst of 1,000 cards short
        for name in ("CONNECTIONS", "NEW_PARTICIPANTS", "CARDS", "VOTES", "FLOOR"):
            self.env.setdefault(f"FACILITATION_LIMIT_{name}_PER_ADDRESS", "1000000/minute")
        self.url = ""
        self.token = ""
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> BenchServer:
        run = [sys.executable, "-m", "facilitation"]
        subprocess.run([*run, "facilitator", "add", "bench@example.org", "--password",
                        "benchmark"], env=self.env, check=True, capture_output=True)
        self.token = subprocess.run(
            [*run, "facilitator", "token", "bench@example.org"], env=self.env, check=True,
            capture_output=True, text=True).stdout.strip()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.process = subprocess.Popen([*run, "serve", "--port", str(port)], env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def __exit__(self, *_: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
        self._dir.cleanup()

    def api(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(
            self.url + path, method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {self.token}",
                     "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def open_session(self) -> str:
        """A new session's join code."""
        return str(self.api("POST", "/api/sessions", {"title": "bench", "kind": "palabre"})
                   ["code"])


def _phone(url: str, code: str) -> Any:
    """A Socket.IO client joined to a session (TCP_NODELAY, like a browser)."""
    import socketio

    nodelay = {"sockopt": ((socket.IPPROTO_TCP, socket.TCP_NODELAY, 1),)}
    client = socketio.Client(websocket_extra_options=nodelay)
    client.connect(url, transports=["websocket"])
    answer = client.call("join", {"code": code}, timeout=30)
    if not answer.get("ok"):
        raise RuntimeError(answer)
    return client


SAMPLE_TEXTS = (
    "la banque refuse mon crédit", "trop de papiers à la préfecture",
    "créer une tontine entre nous", "un parrain pour les démarches",
    "je ne parle pas bien français", "des cours de français le soir",
    "pas de local abordable", "un atelier numérique à la mairie",
)


def grouping_stall(server: BenchServer, cards: int) -> dict[str, Any]:
    """Round trips of a phone in a quiet session while a busy one gets `cards` cards and
    is regrouped; also how long until the busy board shows them all in themes."""
    busy_code, quiet_code = server.open_session(), server.open_session()
    from ...domain.rules import BURST_CARDS

    # a phone may send BURST_CARDS cards a minute: a burst of N cards needs N / 20 phones
    senders = [_phone(server.url, busy_code) for _ in range(max(10, cards // BURST_CARDS))]
    quiet = _phone(server.url, quiet_code)
    stop = threading.Event()
    latencies: list[float] = []

    def watch() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            quiet.call("sync", {"last_seq": 1}, timeout=30)
            latencies.append(time.perf_counter() - started)
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    started = time.perf_counter()

    def send(client: Any, index: int) -> None:
        for n in range(cards // len(senders)):
            text = f"{SAMPLE_TEXTS[(index + n) % len(SAMPLE_TEXTS)]} {index}-{n}"
            ack = client.call("contribute", {"client_id": uuid.uuid4().hex, "text": text,
                                             "kind": "blocker" if n % 2 else "lever"},
                              timeout=60)
            if not ack.get("ok"):
                raise RuntimeError(ack)

    threads = [threading.Thread(target=send, args=(c, i)) for i, c in enumerate(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = cards // len(senders) * len(senders)
    session_id = _session_of(server, busy_code)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        board = server.api("GET", f"/api/sessions/{session_id}/board")
        if len(board["contributions"]) >= sent and not board["ungrouped"]:
            break
        time.sleep(0.2)
    regroup = time.perf_counter() - started
    stop.set()
    watcher.join()
    for client in [*senders, quiet]:
        client.disconnect()
    return {"regroup_s": regroup, **_percentiles(latencies)}


class ExportedLog:
    """The lines of an exported log (what `facilitation import` and `POST /api/imports`
    read), written event by event, one second apart, ending about now."""

    def __init__(self, session_id: str, events: int) -> None:
        self.session_id = session_id
        self.start = time.time() - events
        self.lines: list[dict[str, Any]] = []

    def __len__(self) -> int:
        return len(self.lines)

    def add(self, kind: str, payload: dict[str, Any], client_id: str | None = None) -> None:
        seq = len(self.lines) + 1
        at = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(self.start + seq))
        self.lines.append({"session_id": self.session_id, "seq": seq, "type": kind,
                           "version": 1, "payload": payload, "actor": None,
                           "client_id": client_id, "at": at})

    def text(self) -> list[str]:
        return [json.dumps(line, ensure_ascii=False) for line in self.lines]


def synthetic_log(session_id: str, events: int) -> list[str]:
    """An exported log of about `events` events: a session, 20 phones, cards, and a
    grouping every 500 cards (the lines `facilitation import` reads)."""
    lines = ExportedLog(session_id, events)
    add = lines.add

    add("session_created", {"title": "Import", "kind": "palabre", "language": "fr",
                            "code": "ABCDEF", "facilitator_id": 1})
    add("phase_changed", {"phase": "collect", "previous": "welcome"})
    for n in range(20):
        add("participant_joined", {"participant_id": f"p{n}", "name": None})
    n = 0
    while len(lines) < events:
        text = f"{SAMPLE_TEXTS[n % len(SAMPLE_TEXTS)]} {n}"
        add("contribution_added", {"contribution_id": f"c{n}", "participant_id": f"p{n % 20}",
                                   "text": text, "kind": "lever" if n % 2 else "blocker"},
            client_id=uuid.uuid5(uuid.NAMESPACE_OID, f"{session_id}-{n}").hex)
        n += 1
        if n % 500 == 0:
            add("themes_updated", {"themes": [{"id": f"t{n}", "kind": None, "label": "x",
                                               "card_ids": [f"c{n - 1}"], "colour": "#123"}],
                                   "based_on": len(lines)})
    return lines.text()


def import_stall(server: BenchServer, events: int) -> dict[str, Any]:
    """Round trips of a phone in a quiet session while `POST /api/imports` merges a log
    of `events` events: the longest one is how long the import froze the server."""
    quiet = _phone(server.url, server.open_session())
    body = ("\n".join(synthetic_log(f"imp{uuid.uuid4().hex[:8]}", events)) + "\n").encode()
    stop = threading.Event()
    latencies: list[float] = []
    answered = [float("inf")]

    def watch() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                quiet.call("sync", {"last_seq": 1}, timeout=120)
            except Exception:  # the server froze past the ping timeout: the phone dropped
                stop.wait()  # the stall lasted at least until the import answered
                latencies.append(min(time.perf_counter(), answered[0]) - started)
                return
            latencies.append(time.perf_counter() - started)
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    time.sleep(0.5)
    request = urllib.request.Request(
        server.url + "/api/imports", method="POST", data=body,
        headers={"Authorization": f"Bearer {server.token}",
                 "Content-Type": "application/x-ndjson"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        report = json.loads(response.read())
    answered[0] = time.perf_counter()
    took = answered[0] - started
    stop.set()
    watcher.join()
    quiet.disconnect()
    if not report.get("ok"):
        raise RuntimeError(report)
    return {"events": report["added"], "import_s": took, "samples": len(latencies),
            **_percentiles(latencies)}


def _session_of(server: BenchServer, code: str) -> str:
    """The id of the session with this join code (the bench facilitator owns them all)."""
    with urllib.request.urlopen(server.url + f"/join/{code}", timeout=10) as response:
        html = response.read().decode()
    marker = 'data-session="'
    return html[html.index(marker) + len(marker):].split('"', 1)[0]


def socket_round_trips(url: str, code: str, phones: int, cards: int) -> dict[str, Any]:
    """`phones` real Socket.IO clients each send `cards` cards; ack latency and rate."""
    clients = [_phone(url, code) for _ in range(phones)]
    latencies: list[float] = []
    lock = threading.Lock()

    def phone(client: Any, index: int) -> None:
        for n in range(cards):
            started = time.perf_counter()
            ack = client.call("contribute", {"client_id": uuid.uuid4().hex,
                                             "text": f"idée {index}-{n}", "kind": "lever"},
                              timeout=30)
            if not ack.get("ok"):
                raise RuntimeError(ack)
            with lock:
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    threads = [threading.Thread(target=phone, args=(c, i)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    for client in clients:
        client.disconnect()
    return {"phones": phones, "cards": len(latencies), "per_second": len(latencies) / elapsed,
            **_percentiles(latencies)}


def _room(service: Service, owner: int, title: str, texts: list[tuple[str, str]],
          backend: str) -> str:
    """A session with these cards, grouped once by the engine as the live board would be."""
    from ...domain import grouping
    from ...usecases.steering import FacilitatorCommands

    session_id = service.create_session(owner, title, "palabre", "fr").session_id
    commands = FacilitatorCommands(service)
    commands.run(session_id, owner, {"type": "change_phase", "phase": "collect"})
    for text, kind in texts:  # typed by a scribe: no phone's rate limit
        service.add_contribution(session_id, None, uuid.uuid4().hex, text, kind, actor="bench")
    board = service.board(session_id)
    result = grouping.compute(grouping.snapshot(board), backend)
    commands.apply_result(session_id, result)
    return session_id


def pair_and_import(cards: int, backend: str, runs: int = 5,
                    rows: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """Double-espace costs: the "here / there" view of two linked rooms of `cards` cards
    each, and merging one room's exported log into another server (first and second time).
    `rows`: `{text, kind}` to draw the cards from (default: the domain dev set)."""
    from ...usecases import imports, pairs

    rows = rows or [json.loads(line) for line in Path(_dev_set()).read_text(encoding="utf-8")
                    .splitlines() if line.strip()]
    texts = [(rows[i % len(rows)]["text"] + ("" if i < len(rows) else f" ({i})"),
              rows[i % len(rows)]["kind"]) for i in range(2 * cards)]
    with tempfile.TemporaryDirectory() as scratch:
        db = Database(f"sqlite:///{Path(scratch) / 'bench.db'}")
        db.upgrade()
        service = Service(db)
        owner = accounts.create(db, "bench@example.org", "benchmark").id
        here = _room(service, owner, "Lille", texts[:cards], backend)
        there = _room(service, owner, "Kayes", texts[cards:], backend)
        pairs.run(service, here, owner, {"type": "link_session", "session_id": there})
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            view = pairs.view(service, here, owner, backend)
            timings.append(time.perf_counter() - started)
        lines = imports.export_lines(service, there)
        other = Database(f"sqlite:///{Path(scratch) / 'other.db'}")
        other.upgrade()
        target = Service(other)
        importer = accounts.create(other, "other@example.org", "benchmark").id
        import_s = []
        for _ in range(2):
            started = time.perf_counter()
            imports.import_log(target, imports.parse(lines), importer)
            import_s.append(time.perf_counter() - started)
        db.dispose()
        other.dispose()
    return {"cards": cards, "themes": len(view["blockers"]) + len(view["levers"]),
            "shared": sum(t["shared"] for t in view["blockers"] + view["levers"]),
            **_percentiles(timings), "events": len(lines), "import_first_s": import_s[0],
            "import_again_s": import_s[1]}


def _dev_set() -> Path:
    """Card texts for benchmarks: the domain dev set beside the checkout."""
    here = Path(__file__).resolve().parents[4] / "shared" / "eval" / "fr_gold_dev.jsonl"
    if not here.exists():
        raise RuntimeError(f"benchmark cards not found: {here}")
    return here
