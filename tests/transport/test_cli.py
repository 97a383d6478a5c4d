"""The command line: facilitator accounts, tokens, and the LAN address for hotspots."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from click.testing import CliRunner

from facilitation.transport.cli import lan_address, main
from facilitation.usecases import accounts


def test_facilitator_add_then_token(tmp_path: Path, monkeypatch, make_app) -> None:
    monkeypatch.setenv("FACILITATION_INSTANCE", str(tmp_path / "cli"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()
    added = runner.invoke(main, ["facilitator", "add", "awa@grdr.example",
                                 "--password", "palabre-2026"])
    assert added.exit_code == 0, added.output
    again = runner.invoke(main, ["facilitator", "add", "awa@grdr.example",
                                 "--password", "palabre-2026"])
    assert again.exit_code == 1 and "déjà" in again.output
    short = runner.invoke(main, ["facilitator", "add", "b@grdr.example", "--password", "x"])
    assert short.exit_code == 1 and "8" in short.output
    issued = runner.invoke(main, ["facilitator", "token", "awa@grdr.example"])
    assert issued.exit_code == 0
    token = issued.output.strip()
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}")
    assert accounts.by_token(app.extensions["facilitation"].db, token) == 1
    unknown = runner.invoke(main, ["facilitator", "token", "nobody@grdr.example"])
    assert unknown.exit_code == 1


def test_the_password_is_asked_for_when_not_given(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("FACILITATION_INSTANCE", str(tmp_path / "cli"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    result = CliRunner().invoke(main, ["facilitator", "add", "awa@grdr.example"],
                                input="palabre-2026\npalabre-2026\n")
    assert result.exit_code == 0, result.output
    assert "palabre-2026" not in result.output


def test_the_lan_address_is_an_ipv4_address() -> None:
    assert ipaddress.ip_address(lan_address()).version == 4
