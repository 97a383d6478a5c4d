"""Refusal codes in words, French first: shared by the socket, HTTP and form transports."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale, gettext

from ..domain.errors import Rejected


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
    "empty_name": N_("Give a first name or a pseudonym."),
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
    "illegal_transition": N_(
        "The session cannot go from “%(current)s” to “%(phase)s”: one step forward, one step "
        "back, or close it."
    ),
    "phase_closed": N_("Not now: the current phase does not allow it."),
    "invalid_prompts": N_("Give between 1 and %(limit)s questions."),
    "invalid_duration": N_("A duration goes from %(low)s to %(high)s seconds."),
    "no_timer": N_("No timer is running."),
    "invalid_vote_budget": N_("Each participant gets between %(low)s and %(high)s votes."),
    "vote_budget_exceeded": N_("You have used all your votes (%(limit)s). Remove one to "
                               "vote elsewhere."),
    "unknown_target": N_("This item is not on the vote any more."),
    "unknown_participant": N_("This participant is not in the session."),
    "unknown_speaker": N_("No card was typed for this name in the session."),
    "blocked": N_("The facilitator has paused your contributions."),
    "queue_empty": N_("Nobody is waiting to speak."),
    "invalid_profile_questions": N_("Unknown profile question."),
    "invalid_profile_answer": N_("This answer is not one of the choices."),
    "invalid_invitation": N_("This invitation link is not valid or was already used."),
    "conclusions_too_long": N_("Conclusions too long: %(limit)s characters at most."),
    "invalid_decisions": N_("Give at most %(limit)s decisions, each with a text."),
    "invalid_date": N_("A date is written YYYY-MM-DD, e.g. 2026-03-12."),
    "unknown_programme": N_("You have no session in this programme."),
    "invalid_axes": N_("A radar has %(low)s to %(high)s axes, each with a short name."),
    "radar_closed": N_("The radar is not open."),
    "invalid_ratings": N_("Rate each axis from 1 to 5."),
    "too_fast": N_("Gently: wait a little before sending another card."),
    "unknown_territory": N_("No session of this programme took place in “%(territory)s”."),
    "unknown_format": N_("Unknown format: choose md, html, pdf, docx, csv or json."),
    "pdf_unavailable": N_("PDF export is not available on this server (WeasyPrint needs "
                          "Pango); download the HTML and print it to PDF."),
    "invalid_link": N_("Choose another session to link with this one."),
    "not_linked": N_("This session is not linked to another room."),
    "invalid_import": N_("This file is not a session log exported by facilitation "
                         "(line %(line)s)."),
    "unknown_chart": N_("Unknown chart: choose votes, kinds or radar."),
    "no_chart": N_("Nothing to draw yet."),
    "missing_file": N_("Choose a file first."),
    "import_original": N_("This session was created here: its own log cannot be imported."),
    "unknown_club": N_("This club does not exist, or it is not yours."),
    "unknown_member": N_("This member is not in the club."),
    "invalid_member_link": N_("This personal link is not valid any more. Ask your "
                              "facilitator for a new one."),
    "invalid_project": N_("This project update is not valid."),
    "project_too_long": N_("Project name too long: %(limit)s characters at most."),
    "invalid_stage": N_("Choose a stage: idea, creation, launch or development."),
    "note_too_long": N_("Strengths and difficulties: %(limit)s characters at most each."),
    "step_too_long": N_("A next step is %(limit)s characters at most."),
    "too_many_steps": N_("%(limit)s next steps at most."),
    "no_meeting": N_("No club meeting is open right now."),
    "unknown_event": N_("The request was not understood (unknown message)."),
    "too_deep": N_("The request was not understood (nested too deep)."),
    "rate_limited": N_("Too many tries from this connection or network. Wait %(seconds)s "
                       "seconds, then try again."),
    "not_confirmed": N_("Tick the box to confirm: this cannot be undone."),
    "import_too_large": N_("This log is too large: %(limit)s MB at most."),
    "invitation_expired": N_("This invitation link has expired (after %(days)s days): ask "
                             "the session's facilitator for a new one."),
    "unknown_cofacilitator": N_("This facilitator is not a co-facilitator of the session."),
    "cross_site": N_("This request came from another site: reload the page and try again."),
    "voice_not_audio": N_("This recording is not a sound file this server keeps (WebM, Ogg "
                          "or MP4)."),
    "voice_too_large": N_("This recording is too large: %(limit)s KB at most."),
    "voice_too_long": N_("This recording is too long: %(limit)s seconds at most."),
    "voice_empty": N_("Nothing was recorded: try again, closer to the phone."),
    "too_many_voice_cards": N_("You have sent %(limit)s voice cards in this session: write "
                               "the next ones, or ask to speak."),
    "not_a_voice_card": N_("This card has no recording to transcribe."),
    "unknown_clip": N_("This recording does not exist in the session."),
    "internal_error": N_("Something went wrong on the server. Please try again."),
    "not_found": N_("Nothing is at this address (%(field)s)."),
    "too_many_requests": N_("Too many requests: wait a moment, then try again."),
}


PHASE_NAMES = {
    "welcome": N_("Welcome"), "collect": N_("Collecting cards"), "group": N_("Grouping"),
    "vote": N_("Voting"), "synthesis": N_("Synthesis"), "closed": N_("Closed"),
}


# The domain's names as the screens say them, in the screen's language (the documents, built
# outside a request, have their own word tables: club/words.py, synthesis/words.py).
KIND_NAMES = {
    "breakfast": N_("Breakfast meeting"), "club": N_("Entrepreneurs' club"),
    "palabre": N_("Tea talking circle"),
}
STAGE_NAMES = {
    "idea": N_("Idea"), "creation": N_("Creation"), "launch": N_("Launch"),
    "development": N_("Development"),
}


def kind_name(kind: str) -> str:
    """A session kind's name in the request's language."""
    return gettext(KIND_NAMES[kind]) if kind in KIND_NAMES else kind


def stage_names() -> dict[str, str]:
    """The club stages' names in the request's language, in their order."""
    return {stage: gettext(name) for stage, name in STAGE_NAMES.items()}


def _message(error: Rejected) -> dict[str, Any]:
    template = MESSAGES.get(error.code, MESSAGES["internal_error"])
    params: dict[str, Any] = {"limit": "", "length": "", "field": "", "low": "", "high": "",
                              "seconds": 60, **error.params}
    for name in ("current", "phase"):
        if params.get(name) in PHASE_NAMES:
            params[name] = gettext(PHASE_NAMES[params[name]])
    return {"code": error.code, "message": gettext(template, **params)}


def describe(error: Rejected, language: str | None = None) -> dict[str, Any]:
    """`{code, message}` for a refusal, in `language` (or the request's language)."""
    if language:
        with force_locale(language):
            return _message(error)
    return _message(error)


def refusal(error: Rejected, language: str | None = None) -> dict[str, Any]:
    """The `{ok: false, error}` answer every transport gives for a refusal."""
    return {"ok": False, "error": describe(error, language)}
