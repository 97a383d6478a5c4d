"""Public addresses of a session: what goes into join links and QR codes."""

from __future__ import annotations

from flask import current_app, request, url_for


def public_base() -> str:
    """PUBLIC_URL when set (or the LAN address with --lan), else the address in use."""
    return current_app.config.get("PUBLIC_URL") or request.host_url.rstrip("/")


def join_url(code: str) -> str:
    return public_base() + url_for("participant.join", code=code)


def join_entry_url() -> str:
    return public_base() + url_for("participant.enter")


def board_url(session_id: str) -> str:
    return public_base() + url_for("console.board", session_id=session_id)
