"""Hostile or careless clients cannot hurt a live session: limits per connection and per
address (docs/security.md), one identity per connection, wrong codes and failed logins
throttled, password hashes off the event loop."""

from __future__ import annotations

import re
import statistics
import threading
import time
import urllib.parse
import urllib.request
from html import unescape
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
from werkzeug.security import check_password_hash, generate_password_hash

from facilitation.domain.errors import Rejected
from facilitation.domain.rules import BURST_CARDS
from facilitation.extensions import socketio
from facilitation.transport.throttle import spender
from facilitation.usecases.steering import FacilitatorCommands

from ..conftest import new_client_id
from ..services import AppServer
from ..usecases.test_meeting import voting_session


def card(phone: Any, text: str) -> dict[str, Any]:
    return phone.emit("contribute", {"client_id": new_client_id(), "text": text,
                                     "kind": "blocker"}, callback=True)


def join(phone: Any, code: str, **data: Any) -> dict[str, Any]:
    return phone.emit("join", {"code": code, **data}, callback=True)


def limits_heard(board: Any) -> list[str]:
    return [m["args"][0]["limit"] for m in board.get_received() if m["name"] == "limit"]


# -- one connection, one identity ------------------------------------------------------------
def test_a_rejoining_script_cannot_send_more_cards_than_a_phone(app, palabre, service) -> None:
    """Today's script: re-join without a token before every card, a new identity each
    time, so no per-participant pace applies (3,940 cards in 20 s)."""
    script = socketio.test_client(app)
    accepted = 0
    for n in range(3 * BURST_CARDS):
        join(script, palabre.code)  # past JOINS_PER_CONNECTION it is refused: no matter
        accepted += bool(card(script, f"spam {n}").get("ok"))
    assert accepted == BURST_CARDS
    board = service.board(palabre.session_id)
    assert len(board.participants) == 1, "the connection kept one identity"


def test_rejoining_does_not_refill_the_vote_budget(app, service, facilitator) -> None:
    sid, ids = voting_session(service, facilitator.id)
    code = service.board(sid).code
    script = socketio.test_client(app)
    landed = 0
    for _ in range(10):
        join(script, code)
        for _ in range(3):
            answer = script.emit("vote", {"client_id": new_client_id(), "target_id": ids[0]},
                                 callback=True)
            landed += bool(answer.get("ok"))
    budget = service.board(sid).vote_budget
    assert landed == budget
    assert sum(len(v) for v in service.board(sid).votes.values()) == budget


def test_a_blocked_phone_stays_blocked_when_it_rejoins(app, phone, palabre, service,
                                                       facilitator) -> None:
    moussa = phone(palabre.code, name="Moussa")
    FacilitatorCommands(service).run(palabre.session_id, facilitator.id, {
        "type": "block_participant", "participant_id": moussa.ack["participant_id"]})
    again = join(moussa, palabre.code)  # a fresh start without the token, same connection
    assert again["participant_id"] == moussa.ack["participant_id"]
    assert card(moussa, "encore")["error"]["code"] == "blocked"
    assert moussa.emit("request_floor", {"client_id": new_client_id()},
                       callback=True)["error"]["code"] == "blocked"


# -- floor requests and renames --------------------------------------------------------------
def test_floor_requests_and_renames_are_throttled_and_the_console_hears(
        phone, palabre, board_client) -> None:
    board = board_client(palabre.session_id)
    awa = phone(palabre.code, name="Awa")
    answers = []
    for _ in range(30):
        for event in ("request_floor", "withdraw_floor"):
            answers.append(awa.emit(event, {"client_id": new_client_id()}, callback=True))
    assert sum(a["ok"] for a in answers) == 10  # FLOOR_PER_CONNECTION: 10/minute
    refused = next(a for a in answers if not a["ok"])
    assert refused["error"]["code"] == "rate_limited"
    assert "Trop d'essais" in refused["error"]["message"]

    renames = [join(awa, palabre.code, name=f"Awa {n}",
                    participant_token=awa.ack["participant_token"]) for n in range(8)]
    assert [r["ok"] for r in renames] == [True] * 5 + [False] * 3  # RENAMES_PER_CONNECTION
    assert renames[-1]["error"]["code"] == "rate_limited"
    heard = limits_heard(board)
    assert "floor_per_connection" in heard and "renames_per_connection" in heard
    assert heard.count("floor_per_connection") == 1, "one line, not one per refusal"


# -- many sockets from one address -----------------------------------------------------------
def test_many_sockets_from_one_address_are_limited(make_app, service, facilitator) -> None:
    app = make_app(FACILITATION_LIMIT_CONNECTIONS_PER_ADDRESS="40/minute",
                   FACILITATION_LIMIT_NEW_PARTICIPANTS_PER_ADDRESS="25 per 10 minutes")
    board = app.extensions["facilitation"].create_session(facilitator.id, "Atelier", "palabre")
    sockets = [socketio.test_client(app) for _ in range(60)]
    connected = [s for s in sockets if s.is_connected()]
    assert len(connected) == 40
    joined = [join(s, board.code) for s in connected]
    assert sum(a["ok"] for a in joined) == 25
    assert joined[-1]["error"]["code"] == "rate_limited"
    participants = app.extensions["facilitation"].board(board.session_id).participants
    assert len(participants) == 25
    # a phone already in the session comes back even so (its token is not a new identity)
    back = join(connected[-1], board.code, participant_token=joined[0]["participant_token"])
    assert back["ok"] and back["participant_id"] == joined[0]["participant_id"]


def test_a_room_of_200_phones_behind_one_nat_never_hits_a_limit(app, palabre, service,
                                                                board_client) -> None:
    """Every phone of a big room on one Wi-Fi (one address): each connects, joins once,
    sends three cards, asks for the floor and withdraws — all within seconds, burstier
    than a real room, with the default limits."""
    board = board_client(palabre.session_id)
    phones = []
    for n in range(200):
        client = socketio.test_client(app)
        assert client.is_connected()
        assert join(client, palabre.code, name=f"P{n}")["ok"]
        phones.append(client)
    for round_ in range(3):
        for n, client in enumerate(phones):
            assert card(client, f"carte {round_} de {n}")["ok"]
    for client in phones[:100]:
        for event in ("request_floor", "withdraw_floor"):
            assert client.emit(event, {"client_id": new_client_id()}, callback=True)["ok"]
    assert len(service.board(palabre.session_id).contributions) == 600
    assert limits_heard(board) == []
    for client in phones:
        client.disconnect()


def test_the_room_votes_within_the_limits(app, service, facilitator) -> None:
    sid, ids = voting_session(service, facilitator.id)
    code = service.board(sid).code
    for _ in range(200):
        client = socketio.test_client(app)
        assert join(client, code)["ok"]
        for target in ids[:3]:
            assert client.emit("vote", {"client_id": new_client_id(), "target_id": target},
                               callback=True)["ok"]
        client.disconnect()
    assert sum(len(v) for v in service.board(sid).votes.values()) == 600


# -- join codes ------------------------------------------------------------------------------
def test_wrong_codes_are_throttled_over_sockets(app, palabre, phone) -> None:
    awa = phone(palabre.code)
    guesser = socketio.test_client(app)
    answers = [join(guesser, f"ZZZZ{a}{b}") for a in "23" for b in "23456789ABCDEFGH"][:40]
    codes = [a["error"]["code"] for a in answers]
    assert codes[:10] == ["unknown_session"] * 10  # JOINS_PER_CONNECTION first
    assert set(codes[10:]) == {"rate_limited"}
    spare = [join(socketio.test_client(app), "ZZZZZZ") for _ in range(40)]
    wrong = sum(a["error"]["code"] == "unknown_session" for a in spare)
    assert wrong == 30 - 10  # WRONG_CODES_PER_ADDRESS: 30 a minute from this address
    # past the limit a real code says nothing more to a stranger than a wrong one…
    stranger = join(socketio.test_client(app), palabre.code)
    assert stranger["error"]["code"] == "rate_limited"
    # …but a phone of the session comes back in
    back = join(socketio.test_client(app), palabre.code,
                participant_token=awa.ack["participant_token"])
    assert back["ok"] and back["participant_id"] == awa.ack["participant_id"]


def test_wrong_codes_are_throttled_over_http(client, palabre, facilitator) -> None:
    statuses = [client.get(f"/join/ZZZZ{n}A").status_code for n in range(2, 10)]
    statuses += [client.get(f"/join/ZZZ{n}AB").status_code for n in range(2, 10)]
    statuses += [client.post(f"/join/ZZ{n}ABC", data={"text": "x"}).status_code
                 for n in range(2, 10)]
    statuses += [client.get(f"/join/Z{n}ABCD/qr.svg").status_code for n in range(2, 10)]
    assert statuses[:30] == [404] * 30 and statuses[30:] == [429] * 2
    page = client.get(f"/join/{palabre.code}")
    assert page.status_code == 429 and int(page.headers["Retry-After"]) > 0
    assert "Trop d'essais" in unescape(page.get_data(as_text=True))
    english = client.get("/join/ZZZZZZ?lang=en")
    assert english.status_code == 429
    assert "Too many tries from this connection or network" in english.get_data(as_text=True)
    # the facilitator, logged in on the same network, still gets the session's QR code
    client.post("/login", data={"email": facilitator.email, "password": facilitator.password})
    assert client.get(f"/join/{palabre.code}/qr.svg").status_code == 200


# -- logins ----------------------------------------------------------------------------------
def login(client: Any, email: str, password: str) -> Any:
    return client.post("/login", data={"email": email, "password": password})


def test_failed_logins_are_throttled_per_account(client, facilitator) -> None:
    statuses = [login(client, facilitator.email, "wrong").status_code for _ in range(12)]
    assert statuses == [401] * 10 + [429] * 2
    refused = login(client, facilitator.email, facilitator.password)  # even the right one
    assert refused.status_code == 429
    assert "Trop d'essais" in unescape(refused.get_data(as_text=True))
    assert int(refused.headers["Retry-After"]) > 0
    assert login(client, "luc@apes.example", "wrong").status_code == 401  # another account


def test_failed_logins_are_throttled_per_address(client, facilitator) -> None:
    statuses = [login(client, f"guess{n}@example.org", "wrong").status_code for n in range(31)]
    assert statuses == [401] * 30 + [429]
    assert login(client, facilitator.email, facilitator.password).status_code == 429


def test_password_hashes_go_through_the_offload(app, client, facilitator) -> None:
    used: list[Any] = []

    def offload(fn: Any, *args: Any) -> Any:
        used.append(fn)
        return fn(*args)

    app.extensions["offload"] = offload
    assert login(client, facilitator.email, facilitator.password).status_code == 302
    assert login(client, "nobody@example.org", "wrong").status_code == 401
    assert used == [check_password_hash, check_password_hash]


def test_account_creation_hashes_through_the_offload(app, client) -> None:
    used: list[Any] = []
    app.extensions["offload"] = lambda fn, *args: used.append(fn) or fn(*args)
    from facilitation.transport.web.auth import setup_link

    token = setup_link(app).ensure()
    created = client.post(f"/setup/{token}", data={"email": "awa@grdr.example",
                                                   "password": "palabre-2026"})
    assert created.status_code == 302 and used == [generate_password_hash]


# -- Redis -----------------------------------------------------------------------------------
@pytest.mark.redis
def test_counts_live_in_redis_without_addresses(make_app, redis_url) -> None:
    """Two processes (two apps) with REDIS_URL share their counts. The counter store is
    built as `init_app` builds it with REDIS_URL; the apps themselves keep no message queue
    (Socket.IO's test client cannot run with one)."""
    import redis

    from facilitation.transport.throttle import Throttle

    apps = [make_app(), make_app()]
    for app in apps:
        app.extensions["throttle"] = Throttle({"WRONG_CODES_PER_ADDRESS": "3/minute"},
                                              redis_url, app.config["SECRET_KEY"])
    statuses = [app.test_client().get("/join/ZZZZZZ").status_code
                for app in (apps[0], apps[1], apps[0], apps[1])]
    assert statuses == [404, 404, 404, 429], "two processes share the count"
    keys = [key.decode() for key in redis.Redis.from_url(redis_url).keys("*")]
    assert keys and not any("127.0.0.1" in key for key in keys)


# -- the event loop under a login storm (real eventlet server) -------------------------------
def _csrf_session(url: str) -> tuple[Any, str]:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    html = opener.open(url + "/login", timeout=10).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    return opener, token.group(1) if token else ""


def phone_round_trips_under_login_storm(url: str, clients: int = 8,
                                        seconds: float = 4.0) -> list[float]:
    """A phone's socket round trips (ms) while `clients` post wrong passwords to /login."""
    import socketio as socketio_client

    stop = threading.Event()
    posted = [0]

    def hammer() -> None:
        opener, token = _csrf_session(url)
        body = urllib.parse.urlencode({"email": "nobody@example.org", "password": "wrong",
                                       "csrf_token": token}).encode()
        while not stop.is_set():
            try:
                opener.open(url + "/login", data=body, timeout=30).read()
            except urllib.error.HTTPError:
                pass
            posted[0] += 1

    phone = socketio_client.Client()
    phone.connect(url, transports=["websocket"])
    threads = [threading.Thread(target=hammer, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    trips = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        start = time.perf_counter()
        phone.call("state", {}, timeout=30)
        trips.append((time.perf_counter() - start) * 1000)
        time.sleep(0.05)
    stop.set()
    for thread in threads:
        thread.join(30)
    phone.disconnect()
    assert not clients or posted[0] > clients, "the logins were hammered"
    return trips


def test_a_phone_stays_responsive_while_logins_are_hammered(tmp_path: Path) -> None:
    server = AppServer(tmp_path / "instance", {
        "FACILITATION_CLUSTERING_BACKEND": "lexical",
        "FACILITATION_LIMIT_LOGIN_FAILURES_PER_ADDRESS": "100000/minute",
        "FACILITATION_LIMIT_LOGIN_FAILURES_PER_ACCOUNT": "100000/minute",
    }).start()
    try:
        trips = phone_round_trips_under_login_storm(server.url)
    finally:
        server.stop()
    median = statistics.median(trips)
    print(f"phone round trip under 8 login clients: median {median:.0f} ms, "
          f"max {max(trips):.0f} ms over {len(trips)} trips")
    assert median < 300, f"the event loop stalls: median round trip {median:.0f} ms"


def test_counter_keys_hide_the_address_and_group_an_ipv6_lan(app) -> None:
    from facilitation.transport.throttle import address_key

    def key(address: str) -> str:
        with app.test_request_context(environ_base={"REMOTE_ADDR": address}):
            return address_key()

    assert key("2001:db8::1") == key("2001:db8::ffff:2") != key("2001:db8:0:1::1")
    assert key("192.0.2.7") != key("192.0.2.8")
    assert "192.0.2.7" not in key("192.0.2.7") and len(key("192.0.2.7")) == 32


# As in production with several processes: eventlet, a thousand phones' cards counted at
# the same moment in the shared store.
COUNT_BURST = """
import eventlet
eventlet.monkey_patch()
import json, logging, sys
from facilitation.transport.throttle import Throttle

url, phones = sys.argv[1], int(sys.argv[2])
failures = []
class Count(logging.Handler):
    def emit(self, record):
        failures.append(record.getMessage())
logging.getLogger("facilitation.transport.throttle").addHandler(Count())
throttle = Throttle({"CARDS_PER_CONNECTION": "2/minute"}, url, "secret")
pool = eventlet.GreenPool(phones)
first = list(pool.imap(lambda n: throttle.hit("CARDS_PER_CONNECTION", f"phone-{n}"),
                       range(phones)))
list(pool.imap(lambda n: throttle.hit("CARDS_PER_CONNECTION", f"phone-{n}"), range(phones)))
third = list(pool.imap(lambda n: throttle.hit("CARDS_PER_CONNECTION", f"phone-{n}"),
                       range(phones)))
print(json.dumps({"first": sum(first), "third": sum(third), "failures": len(failures)}))
"""


@pytest.mark.redis
def test_a_burst_of_counts_in_redis_is_counted_not_let_through(redis_url: str) -> None:
    """redis-py's default pool refuses its 101st connection at once: each refused count
    was logged with its traceback and let through, so the limits were off under load."""
    import subprocess
    import sys
    from pathlib import Path

    phones = 500
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", COUNT_BURST, redis_url, str(phones)],
        cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    outcome = result.stdout.strip().splitlines()[-1]
    assert outcome == f'{{"first": {phones}, "third": 0, "failures": 0}}'


@pytest.mark.redis
def test_a_connections_counts_stay_in_its_process(redis_url: str) -> None:
    """A connection lives on one process: its counts never cross to Redis (half of a
    card's round trips there), and still refuse past the limit; an address's are shared."""
    import redis

    from facilitation.transport.throttle import Throttle

    store = redis.Redis.from_url(redis_url)
    store.flushdb()
    rates = {"CARDS_PER_CONNECTION": "2/minute", "CARDS_PER_ADDRESS": "3/minute"}
    here, there = Throttle(rates, redis_url, "s"), Throttle(rates, redis_url, "s")
    assert [here.hit("CARDS_PER_CONNECTION", "sid-1") for _ in range(3)] == [True, True, False]
    assert not here.allowed("CARDS_PER_CONNECTION", "sid-1")
    assert there.allowed("CARDS_PER_CONNECTION", "sid-1")  # another process: another socket
    assert not [key for key in store.keys("*") if b"PER_CONNECTION" in key]
    assert [here.hit("CARDS_PER_ADDRESS", "a"), there.hit("CARDS_PER_ADDRESS", "a"),
            here.hit("CARDS_PER_ADDRESS", "a"), there.hit("CARDS_PER_ADDRESS", "a")] == [
        True, True, True, False]


def _evalsha_calls(store: Any) -> int:
    """How many scripts (a moving window's count is one) Redis has run so far."""
    stats = store.info("commandstats")
    return int(stats.get("cmdstat_evalsha", {}).get("calls", 0))


@pytest.mark.redis
def test_a_busy_address_is_counted_in_redis_a_few_at_a_time(redis_url: str) -> None:
    """A thousand phones behind one venue's address send their cards to a process: the
    shared count was one Redis round trip per card (a tenth of a 2-process server's CPU
    in a burst); a busy address now reserves several counts per round trip."""
    import redis

    from facilitation.transport.throttle import Throttle

    store = redis.Redis.from_url(redis_url)
    store.flushdb()
    throttle = Throttle({"CARDS_PER_ADDRESS": "1000/minute"}, redis_url, "s")
    before = _evalsha_calls(store)
    assert all(throttle.hit("CARDS_PER_ADDRESS", "venue") for _ in range(300))
    assert _evalsha_calls(store) - before <= 300 // 10


@pytest.mark.redis
def test_processes_sharing_an_address_never_pass_its_limit(redis_url: str) -> None:
    """A script spread over three processes, in turn: together they get the address's
    limit exactly (a lease's counts are counted in Redis when reserved), and a fourth
    process, fresh, is refused too."""
    import redis

    from facilitation.transport.throttle import Throttle

    redis.Redis.from_url(redis_url).flushdb()
    rates = {"CARDS_PER_ADDRESS": "200/minute"}
    processes = [Throttle(rates, redis_url, "s") for _ in range(3)]
    accepted = sum(processes[n % 3].hit("CARDS_PER_ADDRESS", "script") for n in range(900))
    assert accepted == 200
    assert not Throttle(rates, redis_url, "s").hit("CARDS_PER_ADDRESS", "script")
    assert not processes[0].allowed("CARDS_PER_ADDRESS", "script")


@pytest.mark.redis
def test_an_address_sending_slowly_is_not_refused_early(redis_url: str,
                                                        monkeypatch: Any) -> None:
    """Counts reserved and never spent stay counted (the address is refused early, never
    late): a lease is sized by the address's recent pace, so one that slows down wastes
    at most what it reserved last, and its window still holds what the limit allows."""
    import redis

    from facilitation.transport import leases
    from facilitation.transport.throttle import Throttle

    monkeypatch.setattr(leases, "LEASE_S", 0.05)
    redis.Redis.from_url(redis_url).flushdb()
    throttle = Throttle({"CARDS_PER_ADDRESS": "100/minute"}, redis_url, "s")
    burst = sum(throttle.hit("CARDS_PER_ADDRESS", "venue") for _ in range(40))
    slow = 0
    for _ in range(60):
        time.sleep(0.06)  # past the lease: each count alone
        slow += throttle.hit("CARDS_PER_ADDRESS", "venue")
    assert burst == 40 and slow >= 60 - leases.LeasedWindows.lease_max(
        throttle.rates["CARDS_PER_ADDRESS"][0])


# As in production: eventlet, a burst of cards from one venue's address at the same moment.
ADDRESS_BURST = """
import eventlet
eventlet.monkey_patch()
import json, sys
import redis
from facilitation.transport.throttle import Throttle

url, phones, rate = sys.argv[1], int(sys.argv[2]), sys.argv[3]
store = redis.Redis.from_url(url)
store.flushdb()
calls = lambda: int(store.info("commandstats").get("cmdstat_evalsha", {}).get("calls", 0))
throttle = Throttle({"CARDS_PER_ADDRESS": rate}, url, "secret")
before = calls()
pool = eventlet.GreenPool(phones)
accepted = sum(pool.imap(lambda n: throttle.hit("CARDS_PER_ADDRESS", "venue"), range(phones)))
print(json.dumps({"accepted": accepted, "round_trips": calls() - before}))
"""


@pytest.mark.redis
@pytest.mark.parametrize(("rate", "accepted"), [("1000/minute", 500), ("300/minute", 300)])
def test_a_burst_from_one_address_waits_for_one_reservation(redis_url: str, rate: str,
                                                           accepted: int) -> None:
    """Five hundred cards from one address at the same moment: while one green thread
    reserves counts, the others wait and spend from its lease (each asked Redis on its
    own before); past the limit they are refused, exactly at it."""
    import json
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", ADDRESS_BURST, redis_url, "500", rate],
        cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["accepted"] == accepted
    assert outcome["round_trips"] <= 500 // 10 + (500 - accepted)


def test_a_join_decided_outside_its_request_counts_its_own_address(make_app,
                                                                    facilitator) -> None:
    """A group commit may run a join's decision on another phone's green thread or on
    none: the gate's counts were read from the request then, and 4 joins in 5 meetings of
    1,000 phones answered `internal_error` ("working outside of request context"). The
    keys are now taken in the joining phone's own request (`spender`)."""
    app = make_app(FACILITATION_LIMIT_NEW_PARTICIPANTS_PER_ADDRESS="2 per 10 minutes")
    service = app.extensions["facilitation"]
    board = service.create_session(facilitator.id, "Atelier", "palabre")
    gates = {}
    for address in ("203.0.113.7", "198.51.100.9"):
        with app.test_request_context(environ_base={"REMOTE_ADDR": address}):
            gates[address] = spender(board.session_id, "NEW_PARTICIPANTS_PER_ADDRESS")
    outcomes: list[str] = []

    def decide_elsewhere() -> None:  # no Flask context at all, as a batch's leader may be
        for address in ("203.0.113.7", "203.0.113.7", "198.51.100.9", "203.0.113.7"):
            try:
                service.join(board.code, None, None, gate=lambda _what, a=address: gates[a]())
                outcomes.append("joined")
            except Rejected as error:
                outcomes.append(error.code)

    worker = threading.Thread(target=decide_elsewhere)
    worker.start()
    worker.join()
    assert outcomes == ["joined", "joined", "joined", "rate_limited"], \
        "each join counted against its own phone's address, none failed"
    assert len(service.board(board.session_id).participants) == 3
