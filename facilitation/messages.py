"""Refusal codes in words, French first: shared by the socket, HTTP and form transports."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale, gettext

from .errors import Rejected


def N_(message: str) -> str:
    """Marks a message for the catalogue; it is translated when used."""
    return message


MESSAGES = {
    "empty_text": N_("Write something before sending."),
    "text_too_long": N_(
        "Too long: %(limit)s characters at most (yours has %(length)s)."
    ),
    "invalid_kind": N_("Choose Blocker or Lever."),
    "unknown_session": N_("No session has this code. Check the code and try again."),
    "session_closed": N_("This session is closed: it no longer takes contributions."),
    "invalid_payload": N_("The request was not understood (field: %(field)s)."),
    "invalid_client_id": N_("The request was not understood (missing identifier)."),
    "not_joined": N_("Join the session first."),
    "forbidden": N_("Only the session's facilitator can do this."),
    "unauthenticated": N_("Log in as a facilitator first."),
    "unknown_prompt": N_("This question does not exist in the session."),
    "name_too_long": N_("First name too long: %(limit)s characters at most."),
    "empty_title": N_("Give the session a title."),
    "title_too_long": N_("Title too long: %(limit)s characters at most."),
    "invalid_session_kind": N_("Unknown kind of session."),
    "invalid_language": N_("Unknown language: choose French or English."),
    "invalid_phase": N_("Unknown phase."),
    "invalid_email": N_("This email address is not valid."),
    "password_too_short": N_("The password needs at least %(limit)s characters."),
    "email_taken": N_("An account already uses this email address."),
    "unknown_facilitator": N_("No facilitator has this email address."),
    "too_large": N_("The request is too large."),
    "unknown_command": N_("Unknown command."),
    "unknown_theme": N_("This theme no longer exists: the board has changed, look again."),
    "unknown_contribution": N_("This card does not exist in the session."),
    "kind_mismatch": N_("A blocker and a lever cannot share a theme."),
    "empty_label": N_("Give the theme a name."),
    "label_too_long": N_("Theme name too long: %(limit)s characters at most."),
    "invalid_granularity": N_("The grouping level goes from 0 (few themes) to 1 (many)."),
    "board_locked": N_("The board is locked: unlock it to regroup."),
    "programme_too_long": N_("Programme name too long: %(limit)s characters at most."),
    "internal_error": N_("Something went wrong on the server. Please try again."),
}


def describe(error: Rejected, language: str | None = None) -> dict[str, Any]:
    """`{code, message}` for a refusal, in `language` (or the request's language)."""
    template = MESSAGES.get(error.code, MESSAGES["internal_error"])
    params = {"limit": "", "length": "", "field": "", **error.params}
    if language:
        with force_locale(language):
            return {"code": error.code, "message": gettext(template, **params)}
    return {"code": error.code, "message": gettext(template, **params)}


def refusal(error: Rejected, language: str | None = None) -> dict[str, Any]:
    """The `{ok: false, error}` answer every transport gives for a refusal."""
    return {"ok": False, "error": describe(error, language)}
