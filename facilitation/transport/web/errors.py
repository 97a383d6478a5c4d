"""Error pages: every HTTP error answers a page in the visitor's language with a way back;
the JSON API (/api/…) and JSON requests get the `{ok: false, error}` answer instead."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from ...domain.errors import Rejected
from ..messages import N_, refusal

PAGES = {
    400: (N_("The request was not understood"),
          N_("The page may have stayed open too long. Go back, reload it and try again.")),
    401: (N_("Log in first"), N_("This page is for facilitators: log in first.")),
    403: (N_("Not allowed"),
          N_("This page belongs to someone else, or your account cannot open it.")),
    404: (N_("Page not found"),
          N_("Nothing is at this address: it may be mistyped, or the page no longer exists.")),
    405: (N_("Not allowed here"), N_("This address does not take this kind of request.")),
    413: (N_("Too large"), N_("What was sent is too large for the server. Send less at once.")),
    429: (N_("Too many requests"), N_("Gently: wait a moment, then try again.")),
    500: (N_("Something went wrong"),
          N_("The server met an error. Try again in a moment; if it goes on, tell the "
             "person who runs the server.")),
    503: (N_("Not available"), N_("This is not available on this server right now.")),
}
GENERIC = (N_("Something went wrong"), N_("The request could not be answered."))
JSON_CODES = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 413: "too_large",
              429: "too_many_requests", 500: "internal_error"}


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.is_json:
        return True
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == (
        "application/json")


def answer(error: HTTPException) -> ResponseReturnValue:
    code = error.code or 500
    if code < 400:
        return error
    if wants_json():
        body = refusal(Rejected(JSON_CODES.get(code, "invalid_payload"), field=request.path))
        return jsonify(body), code
    title, text = PAGES.get(code, GENERIC)
    try:
        return render_template("error.html", code=code, title=gettext(title),
                               text=gettext(text)), code
    except Exception:  # noqa: BLE001 - the page itself failed (a broken database?): plain
        return (f"<!doctype html><title>{code}</title><h1>{code}</h1>"
                f"<p>{escape(gettext(text))}</p><p><a href=\"/\">facilitation</a></p>"), code


def init_app(app: Flask) -> None:
    # HTTPException covers every abort() and, through InternalServerError, any exception
    # a view let escape (when exceptions do not propagate, as in tests).
    app.register_error_handler(HTTPException, answer)
