"""The session of a socket event: the connection's own, without opening the cookie again.

Flask-SocketIO runs each event in a request context built from the connection's first
request, and at once replaces that context's session with the connection's own
(`environ["saved_session"]`, kept since the first event). Flask opens the cookie session
first all the same — a signer built, the cookie verified — for every card a phone sends
(~5 % of a 1,000-phone burst's samples), only for it to be thrown away. Once the
connection has its saved session, that is what is opened.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSessionInterface


class SocketAwareSessions(SecureCookieSessionInterface):
    """The cookie session for HTTP requests; a socket event's saved session for events."""

    def open_session(self, app: Flask, request: Request) -> Any:
        saved = request.environ.get("saved_session")
        if saved is not None:
            return saved
        return super().open_session(app, request)
