"""The retention setting: with FACILITATION_RETENTION_DAYS=N, sessions closed for more
than N days are deleted for good — once when the server starts, then every hour, in a
background task (a green thread under eventlet; each deletion is a short transaction)."""

from __future__ import annotations

import logging

from flask import Flask

from ...extensions import socketio
from ..erasing import purge

log = logging.getLogger(__name__)
PERIOD = 3600.0  # seconds between two purges


def purge_once(app: Flask) -> list[str]:
    """Delete the sessions closed for longer than the setting (none when it is unset)."""
    days = app.config.get("FACILITATION_RETENTION_DAYS")
    if not days:
        return []
    with app.app_context():
        purged = purge(days)
    if purged:
        log.info("retention: %d closed session(s) deleted", len(purged))
    return purged


def _loop(app: Flask, period: float) -> None:
    while True:
        try:
            purge_once(app)
        except Exception:
            log.exception("retention purge failed")
        socketio.sleep(period)


def init_app(app: Flask) -> None:
    """Start the purge loop when the setting is there."""
    if app.config.get("FACILITATION_RETENTION_DAYS"):
        socketio.start_background_task(_loop, app, PERIOD)
