"""Reading what clients send, before any handler: JSON nested too deep (which would make
the parser recurse until it fails) or not shaped as an event becomes a value the
handlers refuse with a clear code, so every message gets an answer; lone surrogates
(from `\\udXXX` escapes) become U+FFFD, as Werkzeug does for form fields."""

from __future__ import annotations

import json
import re
from typing import Any

from flask.json.provider import DefaultJSONProvider
from socketio import packet

from ..domain.rules import JSON_DEPTH_MAX, json_depth

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")
RESERVED = frozenset({"connect", "disconnect", "connect_error"})
_EVENT_NAME = re.compile(r'\s*\[\s*"([A-Za-z_]{1,40})"')


class Unreadable(dict):  # type: ignore[type-arg]
    """Stands for a payload that could not be read; `code` says why."""

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code


class TooDeep(ValueError):
    """JSON nested deeper than `JSON_DEPTH_MAX`."""


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    if isinstance(value, dict):
        return {_scrub(key): _scrub(item) for key, item in value.items()}
    return value


def loads(text: str | bytes, **options: Any) -> Any:
    """`json.loads`, refusing deep nesting (`TooDeep`) and replacing lone surrogates."""
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8", errors="replace")
    if json_depth(text) > JSON_DEPTH_MAX:
        raise TooDeep(JSON_DEPTH_MAX)
    try:
        value = json.loads(text, **options)
    except RecursionError:
        raise TooDeep(JSON_DEPTH_MAX) from None
    return _scrub(value) if _SURROGATE_ESCAPE.search(text) else value


class SafePacket(packet.Packet):
    """Socket.IO packets whose EVENT data is always `[name: str, ...]`: an unreadable
    payload becomes `[name, Unreadable(code)]` (the name `"unknown"` when it cannot be
    read), which the namespace answers with a refusal."""

    def decode(self, encoded_packet: str) -> int:  # type: ignore[override]
        try:
            count = super().decode(encoded_packet)
        except ValueError as error:  # TooDeep, bad JSON, a number too long to read
            code = "too_deep" if isinstance(error, TooDeep) else "invalid_payload"
            is_event = self.packet_type in (packet.EVENT, packet.BINARY_EVENT)
            self.data = self._unreadable(encoded_packet, code) if is_event else None
            return 0
        if self.packet_type in (packet.EVENT, packet.BINARY_EVENT):
            if (not isinstance(self.data, list) or not self.data
                    or not isinstance(self.data[0], str)):
                self.data = ["unknown", Unreadable("invalid_payload")]
            elif self.data[0] in RESERVED:  # the server's own events, not a client's
                self.data = ["unknown", *self.data[1:]]
        return count

    @staticmethod
    def _unreadable(encoded: object, code: str) -> list[Any]:
        text = encoded if isinstance(encoded, str) else ""
        found = _EVENT_NAME.match(text[text.find("["):]) if "[" in text else None
        name = found.group(1) if found and found.group(1) not in RESERVED else "unknown"
        return [name, Unreadable(code)]


SafePacket.json = type("BoundedJson", (), {"dumps": staticmethod(json.dumps),
                                           "loads": staticmethod(loads)})


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing deep nesting: `request.get_json(silent=True)` gives None."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s, **kwargs)
