"""HTTP transport: blueprints for facilitators, participants and the JSON API."""

from __future__ import annotations

from flask import Flask, abort, request
from flask_babel import get_locale

from .. import languages
from ..messages import kind_name, stage_names
from . import api, auth, clubs, console, errors, headers, participant, voice


def register(app: Flask) -> None:
    auth.init_app(app)
    errors.init_app(app)
    headers.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(console.bp)
    app.register_blueprint(participant.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(clubs.bp)
    app.register_blueprint(voice.bp)
    app.add_url_rule("/healthz", "healthz", api.healthz)
    # Socket.IO's requests never reach Flask (its middleware answers them), but each socket
    # event runs in a request context made from its connection's environ: with no rule for
    # that path, routing raised NotFound for every event, and its traceback was a cycle of
    # ~60 objects (frames, the context) only a garbage collection frees. Matching this rule
    # instead costs nothing; over HTTP it is unreachable (and would answer 404).
    app.add_url_rule("/socket.io/", "socket_io", _not_found, methods=["GET", "POST"],
                     strict_slashes=False)
    app.add_url_rule("/socket.io/", "socket_io_websocket", _not_found, websocket=True,
                     strict_slashes=False)

    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["kind_name"] = kind_name  # in the page's language
    app.jinja_env.globals["stage_names"] = stage_names

    @app.after_request
    def remember_language(response):  # type: ignore[no-untyped-def]
        asked = request.args.get("lang")
        if asked in languages.available():
            response.set_cookie("lang", asked, max_age=365 * 24 * 3600, samesite="Lax")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


def _not_found() -> None:
    abort(404)
