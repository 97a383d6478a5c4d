"""The app factory: settings, database, extensions, blueprints and socket namespace."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, request

from . import config as config_module
from .domain.kinds import LANGUAGES
from .extensions import babel, compress, csrf, login_manager, socketio
from .store.db import Database
from .transport.tasks import grouping as live_grouping
from .transport.tasks import pairs as live_pairs
from .usecases.clubs import Clubs
from .usecases.sessions import Service


def select_locale() -> str:
    """?lang= wins (and is remembered in a cookie), then the cookie, then the browser."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    cookie = request.cookies.get("lang")
    if cookie in LANGUAGES:
        return cookie
    return request.accept_languages.best_match(LANGUAGES) or "fr"


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings, database, extensions, blueprints, socket namespace, CLI."""
    instance = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("FACILITATION_INSTANCE")
    app = Flask(__name__, instance_path=os.path.abspath(instance) if instance else None)
    app.config.from_mapping(config_module.from_environment(Path(app.instance_path), test_config))

    db = Database(app.config["DATABASE_URL"])
    if app.config.get("AUTO_MIGRATE", True):
        db.upgrade()
    app.extensions["facilitation"] = Service(db)
    app.extensions["clubs"] = Clubs(app.extensions["facilitation"])

    babel.init_app(app, locale_selector=select_locale)
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
    )

    from .transport.socket import LiveNamespace
    from .transport.web import register

    socketio.on_namespace(LiveNamespace("/"))
    register(app)
    live_grouping.init_app(app, app.extensions["facilitation"])
    live_pairs.init_app(app, app.extensions["facilitation"])
    return app
