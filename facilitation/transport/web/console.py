"""The facilitator's pages: their sessions, a form to open one, the projected board."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from ...domain import rules
from ...domain.errors import Rejected
from ...domain.kinds import LANGUAGES, PROFILE_QUESTIONS, SESSION_KINDS
from ...usecases import accounts, imports
from ...usecases.sessions import Service
from .. import erasing, qr
from ..broadcast import notify, publish
from ..commands import run_command
from ..green import in_thread, yield_now
from ..links import join_entry_url, join_url
from ..messages import describe, kind_name

bp = Blueprint("console", __name__)


def service() -> Service:
    return current_app.extensions["facilitation"]


def _owned(session_id: str):  # type: ignore[no-untyped-def]
    try:
        return service().require_facilitator(session_id, int(current_user.get_id()))
    except Rejected:
        abort(404)


@bp.route("/")
@login_required
def home():  # type: ignore[no-untyped-def]
    sessions = service().sessions_of(int(current_user.get_id()))
    programmes: dict[str, dict[str, Any]] = {}
    for board in sessions:
        if board.programme:
            entry = programmes.setdefault(board.programme, {
                "name": board.programme, "sessions": 0, "territories": set()})
            entry["sessions"] += 1
            if board.territory:
                entry["territories"].add(board.territory)
    listed = [{**p, "territories": sorted(p["territories"])}
              for p in sorted(programmes.values(), key=lambda p: p["name"])]
    return render_template("home.html", sessions=sessions, kinds=SESSION_KINDS,
                           programmes=listed,
                           clubs=current_app.extensions["clubs"].clubs_of(
                               int(current_user.get_id())))


@bp.route("/sessions", methods=["POST"])
@login_required
def create():  # type: ignore[no-untyped-def]
    try:
        board = service().create_session(
            int(current_user.get_id()),
            request.form.get("title"),
            request.form.get("kind"),
            request.form.get("language", "fr"),
            request.form.get("programme") or None,
        )
    except Rejected as error:
        flash(describe(error)["message"], "error")
        return redirect(url_for("console.home"))
    return redirect(url_for("console.board", session_id=board.session_id))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):  # type: ignore[no-untyped-def]
    """A log above its cap (or a form above 64 KB): the home page says so, nothing bare."""
    refused = (Rejected("import_too_large", limit=imports.UPLOAD_MAX // (1024 * 1024))
               if request.endpoint == "console.import_log" else Rejected("too_large"))
    flash(describe(refused)["message"], "error")
    return redirect(url_for("console.home"), code=303)


@bp.route("/imports", methods=["POST"])
@login_required
def import_log():  # type: ignore[no-untyped-def]
    """The other room's log (double-espace offline): merged once, then its console."""
    request.max_content_length = imports.UPLOAD_MAX  # a log is bigger than a form
    try:
        upload = request.files.get("log")
        if upload is None or not upload.filename:
            raise Rejected("missing_file")
        lines = imports.records_of(upload.read())
        records = imports.parse(lines, pause=yield_now)
        report, recorded = imports.import_log(
            service(), records, int(current_user.get_id()), pause=yield_now, offload=in_thread,
            committed=lambda recorded: recorded and publish(recorded[0].session_id, recorded,
                                                       listeners=False))
        notify(report.session_id, recorded)  # regrouping, the linked board: once, at the end
    except Rejected as error:
        flash(describe(error)["message"], "error")
        return redirect(url_for("console.home"))
    except RequestEntityTooLarge as error:
        return too_large(error)
    flash(_("“%(title)s”: %(added)s events merged, %(skipped)s already here.",
            title=report.title, added=report.added, skipped=report.skipped), "ok")
    return redirect(url_for("console.console", session_id=report.session_id))


@bp.route("/sessions/<session_id>/board")
@login_required
def board(session_id: str):  # type: ignore[no-untyped-def]
    """The projected board speaks the session's language (the room's), not the laptop's;
    `?lang=` overrides it."""
    found = _owned(session_id)
    link = join_url(found.code)
    asked = request.args.get("lang")
    language = asked if asked in LANGUAGES else found.language
    with force_locale(language):
        return render_template(
            "board.html",
            board=found,
            join_link=link,
            entry_link=join_entry_url(),
            qr_svg=qr.svg(link, _("QR code: scan it to take part")),
            kind_name=kind_name(found.kind),
        )


@bp.route("/sessions/<session_id>/qr.svg")
@login_required
def qr_code(session_id: str) -> Response:
    found = _owned(session_id)
    return Response(qr.svg(join_url(found.code)), mimetype="image/svg+xml")


@bp.route("/sessions/<session_id>/console")
@login_required
def console(session_id: str):  # type: ignore[no-untyped-def]
    """The facilitator's console: phases, prompts, timer, votes, moderation, scribe,
    speaking circle — everything reachable by keyboard."""
    found = _owned(session_id)
    mine = [b for b in service().sessions_of(int(current_user.get_id()))
            if b.session_id != session_id]
    linked = service().boards.get(found.linked) if found.linked else None
    return render_template(
        "console.html",
        board=found,
        linked=linked,
        partners=mine,
        join_link=join_url(found.code),
        kind_name=kind_name(found.kind),
        profile_questions=PROFILE_QUESTIONS,
        is_owner=found.facilitator_id == int(current_user.get_id()),
        team=_team(found),
        invitation_days=rules.INVITATION_DAYS,
    )


@bp.route("/sessions/<session_id>/delete", methods=["POST"])
@login_required
def delete(session_id: str):  # type: ignore[no-untyped-def]
    """Delete the session for good (its owner, after ticking the confirmation)."""
    _owned(session_id)
    if not request.form.get("confirm"):
        flash(describe(Rejected("not_confirmed"))["message"], "error")
        return redirect(url_for("console.console", session_id=session_id))
    try:
        erasing.delete_session(session_id, int(current_user.get_id()))
    except Rejected as error:
        flash(describe(error)["message"], "error")
        return redirect(url_for("console.console", session_id=session_id))
    flash(_("The session was deleted for good."), "ok")
    return redirect(url_for("console.home"))


def _team(board: Any) -> list[dict[str, Any]]:
    """The session's co-facilitators, for the owner's "remove" buttons."""
    team = []
    for facilitator_id in sorted(board.cofacilitators):
        found = accounts.get(service().db, facilitator_id)
        if found is not None:
            team.append({"id": facilitator_id, "label": found.name or found.email})
    return team


@bp.route("/sessions/<session_id>/link", methods=["POST"])
@login_required
def link(session_id: str):  # type: ignore[no-untyped-def]
    """Link (or unlink) this session with another room's, from the console's form."""
    data = ({"type": "unlink_session"} if request.form.get("unlink")
            else {"type": "link_session", "session_id": request.form.get("session_id")})
    try:
        run_command(session_id, int(current_user.get_id()), data)
    except Rejected as error:
        flash(describe(error)["message"], "error")
    return redirect(url_for("console.console", session_id=session_id))


@bp.route("/sessions/<session_id>/team/<token>", methods=["GET", "POST"])
@login_required
def join_team(session_id: str, token: str):  # type: ignore[no-untyped-def]
    """A co-facilitator's invitation link: a logged-in facilitator joins the team."""
    if request.method == "GET":
        return render_template("join_team.html", session_id=session_id, token=token)
    try:
        service().accept_invitation(session_id, int(current_user.get_id()), token)
    except Rejected as error:
        flash(describe(error)["message"], "error")
        return redirect(url_for("console.home"))
    return redirect(url_for("console.console", session_id=session_id))
