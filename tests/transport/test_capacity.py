"""A plenary's phones all connect: no server-side cap below the room's size."""

from __future__ import annotations

import resource

import pytest

from facilitation.transport import serving


def test_the_server_holds_ten_thousand_connections_unless_told_otherwise(monkeypatch) -> None:
    monkeypatch.delenv("FACILITATION_MAX_CONNECTIONS", raising=False)
    assert serving.max_connections() == 10_000
    monkeypatch.setenv("FACILITATION_MAX_CONNECTIONS", "2500")
    assert serving.max_connections() == 2500
    for wrong in ("0", "-3", "many"):
        monkeypatch.setenv("FACILITATION_MAX_CONNECTIONS", wrong)
        assert serving.max_connections() == 10_000


def test_the_open_file_limit_is_raised_to_hold_the_room() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        if hard != resource.RLIM_INFINITY and hard < 1300:
            pytest.fail(f"this machine's hard limit ({hard}) is below a 1,000-phone room")
        resource.setrlimit(resource.RLIMIT_NOFILE, (512, hard))
        raised, _ = serving.open_files_for(1000)
        assert raised >= 1256 and resource.getrlimit(resource.RLIMIT_NOFILE)[0] == raised
        assert serving.open_files_for(100)[0] == raised  # never lowered
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))

