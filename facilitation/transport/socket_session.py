"""A socket event's request context, without the work Flask redoes for every event.

The session: the connection's own, without opening the cookie again.

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
from werkzeug.routing import MapAdapter


class SocketAwareSessions(SecureCookieSessionInterface):
    """The cookie session for HTTP requests; a socket event's saved session for events."""

    def open_session(self, app: Flask, request: Request) -> Any:
        saved = request.environ.get("saved_session")
        if saved is not None:
            return saved
        return super().open_session(app, request)


class SocketAwareFlask(Flask):
    """Flask, binding its URL map once per socket connection, not once per event.

    Every socket event builds a request context, whose URL adapter binds the whole URL
    map to the connection's environ (~4 % of a 1,000-phone burst's loop samples). A
    connection's environ does not change: once it has its saved session (its second
    event on), the adapter bound for it is kept in the environ and used again."""

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        if (request is None or "saved_session" not in request.environ
                or self.config["TRUSTED_HOSTS"] is not None):
            return super().create_url_adapter(request)
        adapter = request.environ.get("facilitation.url_adapter")
        if adapter is None:
            adapter = super().create_url_adapter(request)
            request.environ["facilitation.url_adapter"] = adapter
        return adapter
