"""Settings from the environment, with defaults that are safe on a facilitator's laptop."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ASYNC_MODES = ("eventlet", "gevent", "threading")

# Rate limits on anonymous clients and on logins, in the `limits` package's notation
# ("20/minute", several separated by ";"). Each is the setting (and environment variable)
# FACILITATION_LIMIT_<NAME>; docs/security.md says why each value.
LIMITS = {
    "CONNECTIONS_PER_ADDRESS": "400/minute",
    "NEW_PARTICIPANTS_PER_ADDRESS": "300 per 10 minutes",
    "WRONG_CODES_PER_ADDRESS": "30/minute;300/hour",
    "JOINS_PER_CONNECTION": "10/minute",
    "RENAMES_PER_CONNECTION": "5/minute",
    "RENAMES_PER_ADDRESS": "300/minute",
    "CARDS_PER_CONNECTION": "30/minute",
    "CARDS_PER_ADDRESS": "1000/minute",
    "VOICE_CARDS_PER_PHONE": "6/minute",
    "VOICE_CARDS_PER_ADDRESS": "300/minute",
    "VOTES_PER_CONNECTION": "30/minute",
    "VOTES_PER_ADDRESS": "1500/minute",
    "FLOOR_PER_CONNECTION": "10/minute",
    "FLOOR_PER_ADDRESS": "600/minute",
    "LOGIN_FAILURES_PER_ACCOUNT": "10 per 15 minutes",
    "LOGIN_FAILURES_PER_ADDRESS": "30 per 15 minutes",
}


def _secret_key(instance: Path) -> str:
    """SECRET_KEY, or one generated on first start and kept in the instance folder."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.touch(mode=0o600)
    path.write_text(key)
    return key


def from_environment(instance: Path, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The app's settings: `overrides` (tests) win over the environment over defaults."""
    overrides = dict(overrides or {})
    env = os.environ
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    if instance.stat().st_mode & 0o077:  # secret key, setup link, SQLite files: owner only
        instance.chmod(0o700)

    def setting(name: str, default: Any = None) -> Any:
        if name in overrides:
            return overrides[name]
        return env.get(name) or default

    async_mode = setting("FACILITATION_ASYNC_MODE", "eventlet")
    extra_translations = str(setting("FACILITATION_TRANSLATIONS", ""))
    if async_mode not in ASYNC_MODES:
        raise ValueError(f"FACILITATION_ASYNC_MODE must be one of {', '.join(ASYNC_MODES)}")
    public_url = setting("PUBLIC_URL")
    grouping_worker = setting("FACILITATION_GROUPING_WORKER", "process")
    if grouping_worker not in ("process", "inline"):
        raise ValueError("FACILITATION_GROUPING_WORKER must be process or inline")
    retention = setting("FACILITATION_RETENTION_DAYS")
    if retention is not None and (not str(retention).isdigit() or int(retention) < 1):
        raise ValueError("FACILITATION_RETENTION_DAYS must be a whole number of days (1 or more)")
    proxies = str(setting("FACILITATION_PROXY_FIX", 0)).strip()
    if not proxies.isdigit():
        raise ValueError("FACILITATION_PROXY_FIX must be the number of trusted proxies (0: none)")
    https = bool(public_url and public_url.startswith("https://"))
    settings: dict[str, Any] = {
        "DATABASE_URL": setting("DATABASE_URL", f"sqlite:///{instance / 'facilitation.db'}"),
        "SECRET_KEY": setting("SECRET_KEY") or _secret_key(instance),
        "PUBLIC_URL": public_url.rstrip("/") if public_url else None,
        "REDIS_URL": setting("REDIS_URL"),
        "FACILITATION_ASYNC_MODE": async_mode,
        "FACILITATION_CLUSTERING_BACKEND": setting("FACILITATION_CLUSTERING_BACKEND", "use"),
        "FACILITATION_GROUPING_DELAY": float(setting("FACILITATION_GROUPING_DELAY", 1.5)),
        # "process": embedding and clustering in a worker process (the server's event loop
        # never computes them); "inline": in this process (tests, one-off commands).
        "FACILITATION_GROUPING_WORKER": grouping_worker,
        # closed sessions are deleted for good after this many days (None: kept)
        "FACILITATION_RETENTION_DAYS": int(retention) if retention is not None else None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": https,  # the one-year cookie never leaves over plain HTTP
        "REMEMBER_COOKIE_HTTPONLY": True,
        # behind a TLS reverse proxy: how many proxies' X-Forwarded-* headers to trust
        # (werkzeug's ProxyFix), so that https requests are seen as such
        "FACILITATION_PROXY_FIX": int(proxies),
        "WTF_CSRF_TIME_LIMIT": None,  # a console stays open for a whole meeting
        "BABEL_DEFAULT_LOCALE": "fr",
        # the package's catalogues, then any folder FACILITATION_TRANSLATIONS names
        # (';'-separated): every compiled catalogue found there is an interface language
        "BABEL_TRANSLATION_DIRECTORIES": overrides.get("BABEL_TRANSLATION_DIRECTORIES") or ";".join(
            ["translations", *(d for d in extra_translations.split(";") if d)]),
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "SEND_FILE_MAX_AGE_DEFAULT": 3600,
        "COMPRESS_MIMETYPES": [
            "text/html", "text/css", "text/javascript", "application/javascript",
            "application/json", "image/svg+xml",
        ],
        "COMPRESS_MIN_SIZE": 256,
        "COMPRESS_ALGORITHM": ["gzip", "deflate"],
        "COMPRESS_ALGORITHM_STREAMING": ["deflate"],  # static files stream
    }
    for name, default in LIMITS.items():
        settings[f"FACILITATION_LIMIT_{name}"] = str(setting(f"FACILITATION_LIMIT_{name}", default))
    for key, value in overrides.items():  # settings read above are already cleaned
        settings.setdefault(key, value)
    return settings
