"""The JSON API's guard against cross-site writes (issue 12 · 13).

The API is exempt from the form CSRF check (scripts call it), so a browser's login cookie
must not be enough to write through it: a cookie-authenticated write (any method but GET,
HEAD, OPTIONS) needs either the page's CSRF token in `X-CSRFToken`, or a body type a
cross-site page cannot send without a CORS preflight (which this server never grants: no
empty, `text/plain`, form or multipart body) together with, when the browser sends one, an
`Origin` that is this server's. Requests with a bearer token carry no ambient credential
and are exempt. The rule no longer depends on the server (eventlet used to turn a missing
Content-Type into text/plain; threading mode let a cookie-only cross-origin POST import a
session).
"""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user
from flask_wtf.csrf import ValidationError, validate_csrf

from ...domain.errors import Rejected

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SIMPLE_TYPES = frozenset({"", "text/plain", "application/x-www-form-urlencoded",
                          "multipart/form-data"})  # what a cross-site page may send freely


def _own_origins() -> set[str]:
    origins = {request.host_url.rstrip("/")}
    if current_app.config.get("PUBLIC_URL"):
        public = current_app.config["PUBLIC_URL"]
        scheme, _, rest = public.partition("://")
        origins.add(f"{scheme}://{rest.split('/', 1)[0]}")
    return origins


def guard() -> None:
    """Refuse a cookie-authenticated write that could come from another site."""
    if request.method in SAFE_METHODS:
        return
    if request.headers.get("Authorization", "").startswith("Bearer "):
        return
    if not current_user.is_authenticated:
        return  # the view refuses it as unauthenticated
    token = request.headers.get("X-CSRFToken")
    if token:
        try:
            validate_csrf(token)
        except ValidationError:
            raise Rejected("cross_site") from None
        return
    if request.mimetype in SIMPLE_TYPES:
        raise Rejected("cross_site")
    origin = request.headers.get("Origin")
    if origin is not None and origin.rstrip("/") not in _own_origins():
        raise Rejected("cross_site")
