"""Bad input never makes a server error: every socket event (every command type) and every
HTTP route (API and forms) gets hostile values — wrong types, huge numbers, lone
surrogates, invisible characters, nesting — first field by field (a sweep: every event,
command and field is covered), then at random (Hypothesis, derandomised so the run is
bounded and repeatable). A case fails on a 5xx, an `internal_error` or missing answer,
or any ERROR logged meanwhile (a traceback in a handler or a background task).

The number of cases run is printed at the end (`test_fuzz_cases_were_run`).
"""

from __future__ import annotations

import logging
import math
import re
import secrets
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitation.domain import commands
from facilitation.domain.commands import ACTIONS
from facilitation.domain.kinds import PHASES
from facilitation.extensions import socketio
from facilitation.usecases import pairs

CASES: Counter[str] = Counter()
FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])

EVENTS: dict[str, tuple[str, ...]] = {
    "join": ("code", "participant_token", "name", "lang", "last_seq"),
    "contribute": ("client_id", "text", "kind", "prompt_id"),
    "state": (),
    "vote": ("client_id", "target_id"),
    "unvote": ("client_id", "target_id"),
    "request_floor": ("client_id",),
    "withdraw_floor": ("client_id",),
    "rate_radar": ("client_id", "ratings"),
    "answer_profile": ("client_id", "answers"),
    "join_board": ("session_id", "last_seq", "lang"),
    "join_club": ("club_id",),
    "command": ("session_id", "type", "client_id"),
    "sync": ("last_seq", "session_id"),
}
COMMAND_TYPES = tuple(sorted({*ACTIONS, *pairs.COMMANDS}))


def _fields_of_commands() -> dict[str, tuple[str, ...]]:
    """The fields each command reads, from its source (`data.get("…")`, `_flag(data, "…")`)."""
    blocks = re.split(r'@action\("([a-z_]+)"\)', Path(commands.__file__).read_text())
    found = {name: tuple(dict.fromkeys(re.findall(
        r'(?:data\.get\(|_flag\(data, |_whole\(data, |data\[)"([a-z_]+)"', body)))
        for name, body in zip(blocks[1::2], blocks[2::2], strict=True)}
    return {**found, "link_session": ("session_id",), "unlink_session": ()}


FIELDS_OF = _fields_of_commands()
COMMAND_FIELDS = tuple(sorted({field for fields in FIELDS_OF.values() for field in fields}))

# values that broke or could break a handler: wrong types, out-of-range numbers, text
# no database or document can store, nesting
HOSTILE: tuple[Any, ...] = (
    None, True, -1, 2**64, -(2**63) - 1, math.nan, "", "\ud800", "\ufffe\uffff",
    "a\u202e\u2066\u061c\u2060\ufeff\u180e" + "\u0301" * 40, "x" * 3000, "²", [], ["x"],
    {"a": 1}, [[[[[["deep"]]]]]],
)
scalars = (st.none() | st.booleans() | st.integers() | st.floats()
           | st.sampled_from([v for v in HOSTILE if not isinstance(v, list | dict)])
           | st.text(st.characters(exclude_categories=()), max_size=30))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=6)


class ErrorLog(logging.Handler):
    """Every ERROR (or worse) logged anywhere while the fuzz runs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def check(self, case: object) -> None:
        if self.records:
            record = self.records[0]
            self.records.clear()
            detail = record.exc_text or (logging.Formatter().formatException(record.exc_info)
                                         if record.exc_info else "")
            pytest.fail(f"logged {record.levelname} for {case!r}: {record.getMessage()}\n"
                        f"{detail}")


@pytest.fixture
def errors() -> Iterator[ErrorLog]:
    handler = ErrorLog()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


class World:
    """A session with cards, themes, a radar and profile questions; a club with a member;
    a console that is also a phone in the session."""

    def __init__(self, app: Any, service: Any, facilitator: Any) -> None:
        self.app, self.service, self.facilitator = app, service, facilitator
        clubs = app.extensions["clubs"]
        self.club = clubs.create(facilitator.id, "Club de Lille")
        self.member_id, self.member_token = clubs.add_member(self.club.id, facilitator.id,
                                                             "Awa")
        board = clubs.open_meeting(self.club.id, facilitator.id, "Rencontre")
        self.session_id, self.code = board.session_id, board.code
        self.other = service.create_session(facilitator.id, "Autre salle", "palabre")
        self.client = socketio.test_client(app, auth={"token": facilitator.token})
        self.client.emit("join", {"code": self.code, "name": "Moussa"}, callback=True)
        self.command({"type": "change_phase", "phase": "collect"})
        for text in ("Les banques refusent", "Pas de local", "Une tontine entre nous"):
            self.client.emit("contribute", {"client_id": uuid.uuid4().hex, "text": text,
                                            "kind": "blocker"}, callback=True)
        self.command({"type": "set_profile_questions", "questions": ["age"]})
        self.command({"type": "open_radar"})
        self.command({"type": "regroup"})
        self.http = app.test_client()
        self.http.post("/login", data={"email": facilitator.email,
                                       "password": facilitator.password})

    def command(self, data: dict[str, Any]) -> Any:
        return self.client.emit("command", {"session_id": self.session_id, **data},
                                callback=True)

    def ids(self, field: str) -> list[Any]:
        """Valid values for a field, so that the checks past the first one are reached."""
        board = self.service.board(self.session_id)
        known: dict[str, list[Any]] = {
            "session_id": [self.session_id, self.other.session_id],
            "code": [self.code], "club_id": [self.club.id], "member_id": [self.member_id],
            "client_id": [uuid.uuid4().hex], "kind": ["blocker", "lever"],
            "phase": list(PHASES), "type": list(COMMAND_TYPES), "lang": ["fr", "en"],
            "prompt_id": [p["id"] for p in board.prompts],
            "contribution_id": list(board.contributions)[:2],
            "theme_id": list(board.themes)[:2], "into": list(board.themes)[:1],
            "participant_id": list(board.participants)[:1],
            "speaker": list(board.participants)[:1],
            "target_id": [item["id"] for item in board.ballot()][:2],
            "text": ["Trop de papiers"], "label": ["Banques"], "seconds": [60],
        }
        return known.get(field, [])

    def path_values(self, name: str) -> list[str]:
        """Valid values for a URL segment."""
        return {
            "session_id": [self.session_id, secrets.token_hex(8)], "code": [self.code],
            "club_id": [self.club.id], "member_id": [self.member_id],
            "token": [self.member_token, "nope"], "fmt": list(FORMATS),
            "name": ["votes", "kinds", "radar", "Programme"],
            "clip_id": list(self.service.board(self.session_id).contributions)[:1] or ["x"],
            "prompt_id": [p["id"] for p in self.service.board(self.session_id).prompts][:1],
        }.get(name, [])


@pytest.fixture
def world(app: Any, service: Any, facilitator: Any) -> Iterator[World]:
    built = World(app, service, facilitator)
    yield built
    built.client.disconnect()


def emit(world: World, event: str, data: Any) -> None:
    """Send one event; its answer must be a refusal or a success, never a crash."""
    CASES[f"socket:{event}"] += 1
    if event == "command" and isinstance(data, dict) and isinstance(data.get("type"), str):
        CASES[f"command:{data['type']}"] += 1
    ack = world.client.emit(event, data, callback=True)
    assert isinstance(ack, dict), (event, data, ack)
    assert ack.get("ok") or ack["error"]["code"] != "internal_error", (event, data, ack)
    if not world.client.is_connected():  # a hostile `join` cannot disconnect; be sure
        pytest.fail(f"disconnected by {event} {data!r}")


# -- the sweep: every event and command, every field, every hostile value -----------------
def test_every_socket_event_and_field_refuses_hostile_values(world, errors) -> None:
    for event, fields in EVENTS.items():
        base = {field: (world.ids(field) or [None])[0] for field in fields}
        for field in fields:
            for value in HOSTILE:
                emit(world, event, {**base, field: value})
                errors.check((event, field, value))
        for whole in HOSTILE:  # the payload itself
            emit(world, event, whole)
            errors.check((event, whole))


def test_every_command_and_field_refuses_hostile_values(world, errors) -> None:
    world.command({"type": "change_phase", "phase": "group"})
    for kind in COMMAND_TYPES:
        for field in FIELDS_OF[kind] if kind != "change_phase" else ():
            base = {f: (world.ids(f) or [None])[0] for f in FIELDS_OF[kind]}
            for value in HOSTILE:
                data = {**base, "session_id": world.session_id, "type": kind, field: value}
                emit(world, "command", data)
                errors.check(data)
        emit(world, "command", {"session_id": world.session_id, "type": kind})
    for value in HOSTILE:
        emit(world, "command", {"session_id": world.session_id, "type": value})
        emit(world, "command", {"session_id": value, "type": "regroup"})
        emit(world, "command", {"session_id": world.session_id, "type": "change_phase",
                                "phase": value})
        errors.check(value)


# -- at random -------------------------------------------------------------------------------
@st.composite
def socket_case(draw: Any, world: World) -> tuple[str, Any]:
    event = draw(st.sampled_from(sorted(EVENTS)))
    fields = list(EVENTS[event])
    if event == "command":
        fields += draw(st.lists(st.sampled_from(COMMAND_FIELDS), max_size=4, unique=True))
    data: dict[str, Any] = {}
    for field in fields:
        if draw(st.booleans()):
            known = world.ids(field)
            data[field] = draw(st.sampled_from(known) | values if known else values)
    if draw(st.integers(0, 9)) == 0:
        return event, draw(values)  # not even an object
    return event, data


@FUZZ
@given(data=st.data())
def test_random_socket_events_never_crash(world, errors, data) -> None:
    event, payload = data.draw(socket_case(world))
    if event == "command" and payload.get("type") == "change_phase" if isinstance(
            payload, dict) else False:
        payload = {**payload, "phase": "collect"}  # keep the session open for the others
    emit(world, event, payload)
    errors.check((event, payload))


# -- HTTP ------------------------------------------------------------------------------------
ROUTES = (
    ("GET", "/login"), ("POST", "/login"), ("GET", "/setup/{token}"),
    ("POST", "/setup/{token}"), ("GET", "/"),
    ("POST", "/sessions"), ("POST", "/imports"), ("GET", "/sessions/{session_id}/board"),
    ("GET", "/sessions/{session_id}/qr.svg"), ("GET", "/sessions/{session_id}/console"),
    ("POST", "/sessions/{session_id}/link"), ("GET", "/sessions/{session_id}/team/{token}"),
    ("POST", "/sessions/{session_id}/team/{token}"), ("GET", "/join"),
    ("GET", "/join/{code}"), ("POST", "/join/{code}"), ("GET", "/join/{code}/qr.svg"),
    ("POST", "/api/sessions"), ("GET", "/api/sessions/{session_id}/board"),
    ("GET", "/api/sessions/{session_id}/events"),
    ("POST", "/api/sessions/{session_id}/commands"),
    ("GET", "/api/sessions/{session_id}/synthesis.{fmt}"),
    ("GET", "/api/sessions/{session_id}/log.jsonl"), ("POST", "/api/imports"),
    ("GET", "/api/sessions/{session_id}/charts/{name}.svg"),
    ("GET", "/api/sessions/{session_id}/pair"), ("GET", "/api/programmes"),
    ("GET", "/api/programmes/{name}/synthesis.{fmt}"), ("POST", "/clubs"),
    ("GET", "/clubs/{club_id}"), ("GET", "/clubs/{club_id}/board"),
    ("GET", "/api/clubs/{club_id}"), ("GET", "/clubs/{club_id}/charts/stages.svg"),
    ("POST", "/clubs/{club_id}/members"), ("POST", "/clubs/{club_id}/members/{member_id}/link"),
    ("POST", "/clubs/{club_id}/members/{member_id}/project"),
    ("POST", "/clubs/{club_id}/meetings"),
    ("GET", "/clubs/{club_id}/members/{member_id}/timeline.{fmt}"), ("GET", "/m/{token}"),
    ("POST", "/m/{token}/project"), ("POST", "/m/{token}/join"),
    ("GET", "/m/{token}/timeline.{fmt}"), ("GET", "/healthz"),
    ("POST", "/sessions/{session_id}/delete"), ("DELETE", "/api/sessions/{session_id}"),
    ("POST", "/clubs/{club_id}/members/{member_id}/remove"),
    ("DELETE", "/api/clubs/{club_id}/members/{member_id}"),
    ("POST", "/join/{code}/voice"), ("GET", "/sessions/{session_id}/voice/{clip_id}"),
    ("POST", "/sessions/{session_id}/prompts/{prompt_id}/audio"),
    ("DELETE", "/sessions/{session_id}/prompts/{prompt_id}/audio"),
    ("GET", "/join/{code}/question/{clip_id}"),
)
FORM_FIELDS = ("title", "kind", "language", "programme", "text", "client_id", "prompt_id",
               "email", "password", "name", "session_id", "unlink", "project", "stage",
               "strengths", "difficulties", "step_text", "step_due", "step_helper", "code")
QUERY_FIELDS = ("after", "limit", "lang", "inline", "here", "there", "code", "next",
                "duration_ms", "kind")
FORMATS = ("md", "html", "docx", "csv", "json")  # pdf: WeasyPrint is slow (and optional)


def test_every_route_is_listed(app) -> None:
    """A new route must join the fuzz: the list above is the app's (minus static, logout,
    and the Socket.IO path's rules: its middleware answers them before Flask, and the
    socket events have their own fuzz below)."""
    listed = {(method, path.replace("{", "<").replace("}", ">")) for method, path in ROUTES}
    served = {(method, rule.rule) for rule in app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}
              if rule.endpoint not in ("static", "auth.logout", "socket_io",
                                       "socket_io_websocket")}
    assert served == listed


def _encoded(value: Any) -> str:
    """Percent-encoded as a browser would, lone surrogates too (their UTF-8 bytes)."""
    return quote(str(value).encode("utf-8", "surrogatepass"), safe="")


def _segment(world: World, name: str, value: Any) -> str:
    if value is None:
        return _encoded((world.path_values(name) or ["x"])[0])
    return _encoded(value) or "x"




def request(world: World, method: str, path: str, *, segments: dict[str, Any],
            query: dict[str, Any], body: Any, as_json: bool, bearer: bool) -> None:
    url = path
    for name in ("session_id", "code", "club_id", "member_id", "token", "fmt", "name", "clip_id",
                 "prompt_id"):
        if "{" + name + "}" in url:
            url = url.replace("{" + name + "}", _segment(world, name, segments.get(name)))
    CASES[f"http:{method} {path}"] += 1
    headers = {"Authorization": f"Bearer {world.facilitator.token}"} if bearer else {}
    if query:
        url += "?" + "&".join(f"{_encoded(k)}={_encoded(v)}" for k, v in query.items())
    options: dict[str, Any] = {"headers": headers}
    if method == "POST":
        if as_json:
            options["json"] = body
        elif isinstance(body, dict):
            options["data"] = "&".join(f"{_encoded(k)}={_encoded(v)}" for k, v in body.items())
            options["content_type"] = "application/x-www-form-urlencoded"
    response = getattr(world.http, method.lower())(url, **options)
    assert response.status_code < 500, (method, url, body, response.status_code)


HTTP_HOSTILE = ("", "\ud800", "\ufffe\uffff", "x" * 3000, "²", "-1", str(2**64), "../x",
                "a\u202e" + "\u0301" * 40)


SLOW = ("/login", "/setup/{token}", "/clubs/{club_id}/members/{member_id}/link")


def test_every_route_refuses_hostile_values(world, errors) -> None:
    for method, path in ROUTES:
        names = [n for n in ("session_id", "code", "club_id", "member_id", "token", "fmt",
                             "name", "clip_id", "prompt_id") if "{" + n + "}" in path]
        plain = {"segments": {}, "query": {}, "body": {}, "as_json": False, "bearer": False}
        request(world, method, path, **plain)
        # a password is hashed on purpose slowly: fewer cases there
        for text in HTTP_HOSTILE[:3] if path in SLOW else HTTP_HOSTILE:
            for name in names:
                request(world, method, path, **{**plain, "segments": {name: text}})
            request(world, method, path, **{**plain, "query": dict.fromkeys(QUERY_FIELDS,
                                                                             text)})
            if method == "POST":
                request(world, method, path, **{**plain, "body": dict.fromkeys(FORM_FIELDS,
                                                                               text)})
            errors.check((method, path, text))
        for value in HOSTILE if method == "POST" else ():
            request(world, method, path, **{**plain, "as_json": True, "bearer": True,
                                            "body": value})
            request(world, method, path, **{
                **plain, "as_json": True, "bearer": True,
                "body": {"type": value, "title": value, "kind": value, "changes": value,
                         "session_id": value}})
            errors.check((method, path, value))


@FUZZ
@given(data=st.data())
def test_random_requests_never_crash(world, errors, data) -> None:
    method, path = data.draw(st.sampled_from(ROUTES))
    segments = {name: data.draw(st.none() | scalars)
                for name in ("session_id", "code", "club_id", "member_id", "token", "fmt",
                             "name", "clip_id", "prompt_id")}
    query = data.draw(st.dictionaries(st.sampled_from(QUERY_FIELDS), scalars, max_size=3))
    as_json = data.draw(st.booleans())
    if as_json:
        body = data.draw(st.fixed_dictionaries({}, optional={
            key: (st.sampled_from(COMMAND_TYPES) if key == "type" else values)
            for key in ("type", "title", "kind", "changes", "session_id", *COMMAND_FIELDS)})
            | values)
    else:
        body = data.draw(st.dictionaries(st.sampled_from(FORM_FIELDS), scalars, max_size=4))
    if isinstance(body, dict) and body.get("type") == "change_phase":
        body = {**body, "phase": "collect"}
    request(world, method, path, segments=segments, query=query, body=body, as_json=as_json,
            bearer=data.draw(st.booleans()))
    errors.check((method, path, segments, query, body))


# -- what the wire itself cannot read --------------------------------------------------------
def raw_ack(client: Any, encoded: str) -> Any:
    """Send a Socket.IO packet as written (the test client would refuse to encode it)."""
    client.acks = None
    socketio.server._handle_eio_message(client.eio_sid, encoded)
    return client.acks["args"][0] if client.acks else None


def test_nested_payloads_are_answered_with_a_refusal(world, errors) -> None:
    for depth in (40, 1000, 5000):
        nested = "[" * depth + "]" * depth
        for event in EVENTS:
            CASES[f"socket:{event}"] += 1
            ack = raw_ack(world.client, f'21["{event}",{{"x":{nested}}}]')
            assert ack is not None and ack["error"]["code"] == "too_deep", (event, ack)
        CASES["http:POST /api/sessions/{session_id}/commands"] += 1
        response = world.http.post(
            f"/api/sessions/{world.session_id}/commands", data='{"type":' + nested + "}",
            content_type="application/json",
            headers={"Authorization": f"Bearer {world.facilitator.token}"})
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "invalid_payload"
        errors.check(depth)


MALFORMED = (
    '21{"a":1}', '21[["join"],{}]', "21[]", '21["nothing",{}]', '21["disconnect","x"]',
    '21["connect",{"token":"x"}]', '21["join",{"last_seq":' + "9" * 5000 + "}]",
    '21["state",{},{},{}]', '21["join",{"code":"\\ud800"}]', '21["join",', "21[1,2]",
)


def test_malformed_packets_are_answered(world, errors) -> None:
    """Each gets an answer (a refusal, or the state for `state` with extra arguments)."""
    for encoded in MALFORMED:
        CASES["socket:(raw)"] += 1
        ack = raw_ack(world.client, encoded)
        assert isinstance(ack, dict), (encoded, ack)
        assert ack["ok"] if encoded.startswith('21["state"') else (
            ack["error"]["code"] != "internal_error"), (encoded, ack)
        errors.check(encoded)
    assert world.service.boards.sizes()[1] == 0  # no lock left behind


def test_fuzz_cases_were_run(capsys) -> None:
    """Every event, every command type and every route got cases (run after the others)."""
    if not CASES:
        pytest.skip("run with the fuzz tests above")
    missing = ([e for e in EVENTS if not CASES[f"socket:{e}"]]
               + [t for t in COMMAND_TYPES if not CASES[f"command:{t}"]]
               + [f"{m} {p}" for m, p in ROUTES if not CASES[f"http:{m} {p}"]])
    sockets = sum(v for k, v in CASES.items() if k.startswith("socket:"))
    http = sum(v for k, v in CASES.items() if k.startswith("http:"))
    with capsys.disabled():
        print(f"\nfuzz: {sockets + http} cases ({sockets} socket events, {http} HTTP "
              f"requests), 0 server errors")
    assert not missing, missing
