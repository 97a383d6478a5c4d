"""The app factory: settings, database, extensions, blueprints and socket namespace."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, request

from . import config as config_module
from .extensions import babel, compress, csrf, login_manager, socketio
from .store.db import Database
from .transport import languages, offload, throttle
from .transport.socket_session import SocketAwareFlask, SocketAwareSessions
from .transport.tasks import grouping as live_grouping
from .transport.tasks import pairs as live_pairs
from .transport.tasks import retention
from .transport.wire import BoundedJSONProvider, SafePacket
from .usecases.clubs import Clubs
from .usecases.sessions import Service


def select_locale() -> str:
    """?lang= wins (and is remembered in a cookie), then the cookie, then the browser. Any
    interface language (a compiled catalogue, or English) may be chosen, whatever the
    session's language."""
    offered = languages.available()
    asked = request.args.get("lang")
    if asked in offered:
        return asked
    cookie = request.cookies.get("lang")
    if cookie in offered:
        return cookie
    return request.accept_languages.best_match(list(offered)) or "fr"


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings, database, extensions, blueprints, socket namespace, CLI."""
    instance = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("FACILITATION_INSTANCE")
    app = SocketAwareFlask(__name__,
                           instance_path=os.path.abspath(instance) if instance else None)
    app.config.from_mapping(config_module.from_environment(Path(app.instance_path), test_config))
    app.json = BoundedJSONProvider(app)  # JSON nested too deep is refused, not a crash

    if app.config["FACILITATION_PROXY_FIX"]:  # trusted proxies in front (TLS ends there)
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["FACILITATION_PROXY_FIX"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops,  # type: ignore[method-assign]
                                x_host=hops, x_port=hops, x_prefix=hops)

    db = Database(app.config["DATABASE_URL"],
                  offload.blocking_io_for_mode(app.config["FACILITATION_ASYNC_MODE"]))
    if app.config.get("AUTO_MIGRATE", True):
        db.upgrade()
    app.extensions["facilitation"] = Service(db)
    app.extensions["clubs"] = Clubs(app.extensions["facilitation"])
    app.extensions["offload"] = offload.for_mode(app.config["FACILITATION_ASYNC_MODE"])
    throttle.init_app(app)

    babel.init_app(app, locale_selector=select_locale)
    languages.init_app(app)
    from .transport.web import uploads

    uploads.init_app(app)  # before CSRFProtect reads a form under the global cap
    csrf.init_app(app)
    compress.init_app(app)
    login_manager.init_app(app)
    from .transport.message_queue import client_manager

    queue = client_manager(app.config["REDIS_URL"])
    socketio.init_app(
        app,
        async_mode=app.config["FACILITATION_ASYNC_MODE"],
        message_queue=app.config["REDIS_URL"],
        **({"client_manager": queue} if queue else {}),
        max_http_buffer_size=64 * 1024,
        ping_interval=20,
        ping_timeout=30,
        serializer=SafePacket,  # every event gets an answer, however it is malformed
    )

    from .transport.socket import LiveNamespace
    app.session_interface = SocketAwareSessions()
    from .transport.web import register

    socketio.on_namespace(LiveNamespace("/"))
    register(app)
    live_grouping.init_app(app, app.extensions["facilitation"])
    live_pairs.init_app(app, app.extensions["facilitation"])
    retention.init_app(app)
    return app
