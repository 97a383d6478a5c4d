"""`POST /api/imports` merges a big log in chunks, letting the server serve others
between them, and a second post of the same file adds nothing."""

from __future__ import annotations

from typing import Any

import pytest

from facilitation.extensions import socketio
from facilitation.transport.bench.classic import synthetic_log
from facilitation.usecases import imports


def test_a_big_log_is_merged_chunk_by_chunk_over_http(client: Any, facilitator: Any,
                                                      service: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    yields: list[float] = []
    monkeypatch.setattr(socketio, "sleep", lambda seconds=0: yields.append(seconds))
    body = "\n".join(synthetic_log("bigone", 2000)) + "\n"
    headers = {"Authorization": f"Bearer {facilitator.token}",
               "Content-Type": "application/x-ndjson"}

    first = client.post("/api/imports", data=body, headers=headers).get_json()

    assert first["ok"] and first["added"] == 2000 and first["created"]
    chunks = -(-2000 // imports.CHUNK)
    assert len(yields) >= 2 * chunks  # while parsing, checking and between the chunks
    again = client.post("/api/imports", data=body, headers=headers).get_json()
    assert (again["added"], again["skipped"]) == (0, 2000)
    assert service.board("bigone").seq == 2000
