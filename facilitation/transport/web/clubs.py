"""Clubs entreprendre over HTTP: the facilitator's club page and club board, the member's
personal page (a phone, no account, no JavaScript needed) and timeline downloads."""

from __future__ import annotations

import dataclasses
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

from ...domain.club import STAGES, timeline
from ...domain.club.project import STEPS_MAX
from ...domain.club.words import stage_names as document_stage_names
from ...domain.errors import Rejected
from ...domain.events import Recorded
from ...domain.kinds import LANGUAGES
from ...extensions import csrf, socketio
from ...synthesis.formats import PdfUnavailable, media_type, slug
from ...synthesis.render_timeline import FORMATS
from ...synthesis.render_timeline import render as render_timeline
from ...usecases.clubs import Clubs, MemberAccess
from .. import erasing, qr
from ..broadcast import publish
from ..links import public_base
from ..messages import describe, refusal, stage_names
from .auth import current_facilitator_id
from .participant import TOKEN_COOKIE, remember_phone

bp = Blueprint("clubs", __name__)
MAX_STEPS_IN_FORM = 3  # empty rows offered; a form always shows every existing step


def clubs() -> Clubs:
    return current_app.extensions["clubs"]


def club_room(club_id: str) -> str:
    return f"club:{club_id}"


def announce(club_id: str, recorded: list[Recorded] | None = None) -> None:
    """The club board redraws from the club's view (members' names and projects only)."""
    if recorded is None or recorded:
        socketio.emit("club", clubs().view(club_id), to=club_room(club_id))


def _facilitator() -> int:
    return int(current_user.get_id())


def _club(club_id: str) -> Any:
    try:
        return clubs().require(club_id, _facilitator())
    except Rejected:
        abort(404)


def member_url(token: str) -> str:
    return public_base() + url_for("clubs.member", token=token)


def _project_form() -> dict[str, Any]:
    """A project form's fields (facilitator's or member's): only those sent."""
    changes: dict[str, Any] = {}
    for field in ("project", "stage", "strengths", "difficulties"):
        if field in request.form:
            changes[field] = request.form[field]
    if changes.get("stage") == "":
        changes.pop("stage")
    if "step_text" in request.form:
        texts = request.form.getlist("step_text")
        dues = request.form.getlist("step_due")
        helpers = request.form.getlist("step_helper")
        changes["next_steps"] = [
            {"text": text, "due": dues[i] if i < len(dues) else "",
             "helper": helpers[i] if i < len(helpers) else ""}
            for i, text in enumerate(texts)
        ]
    return changes


# -- the facilitator ----------------------------------------------------------------------
@bp.post("/clubs")
@login_required
def create():  # type: ignore[no-untyped-def]
    try:
        club = clubs().create(_facilitator(), request.form.get("name"),
                              request.form.get("language", "fr"))
    except Rejected as error:
        flash(describe(error)["message"], "error")
        return redirect(url_for("console.home"))
    return redirect(url_for("clubs.page", club_id=club.id))


@bp.get("/clubs/<club_id>")
@login_required
def page(club_id: str):  # type: ignore[no-untyped-def]
    club = _club(club_id)
    view = clubs().view(club_id)
    meetings = clubs().meetings(club_id)
    return render_template(
        "club.html", club=club, view=view, meetings=meetings, stages=STAGES,
        stage_names=stage_names(), steps_in_form=MAX_STEPS_IN_FORM,
        steps_max=STEPS_MAX, formats=FORMATS, current=clubs().current_meeting(club_id))


@bp.get("/clubs/<club_id>/board")
@login_required
def board(club_id: str):  # type: ignore[no-untyped-def]
    """The projected club board: where each project stands, in the club's language (the
    room's, like a session's board); `?lang=` overrides it."""
    club = _club(club_id)
    asked = request.args.get("lang")
    with force_locale(asked if asked in LANGUAGES else club.language):
        return render_template("club_board.html", club=club, view=clubs().view(club_id),
                               stages=STAGES, stage_names=stage_names())


@bp.get("/api/clubs/<club_id>")
def api_view(club_id: str):  # type: ignore[no-untyped-def]
    """The club view for scripts and the console panel (bearer token or login cookie)."""
    try:
        clubs().require(club_id, current_facilitator_id())
    except Rejected as error:
        return refusal(error), 404
    return {**clubs().view(club_id), "stage_names": stage_names()}  # the asking page's


@bp.get("/clubs/<club_id>/charts/stages.svg")
@login_required
def stages_chart(club_id: str) -> Response:
    """Projects by stage, drawn as in the documents (one code path)."""
    from ...synthesis import charts

    club = _club(club_id)
    counts = {stage: len(members) for stage, members in club.by_stage().items() if stage}
    chart = charts.projects_by_stage(counts, document_stage_names(club.language), club.language)
    if chart is None:
        abort(404)
    return Response(charts.svg(chart), mimetype="image/svg+xml",
                    headers={"Cache-Control": "no-store"})


@bp.post("/clubs/<club_id>/members")
@login_required
def add_member(club_id: str):  # type: ignore[no-untyped-def]
    _club(club_id)
    try:
        member_id, token = clubs().add_member(club_id, _facilitator(), request.form.get("name"))
    except Rejected as error:
        flash(describe(error)["message"], "error")
        return redirect(url_for("clubs.page", club_id=club_id))
    announce(club_id)
    return _show_link(club_id, member_id, token)


@bp.post("/clubs/<club_id>/members/<member_id>/link")
@login_required
def reissue(club_id: str, member_id: str):  # type: ignore[no-untyped-def]
    _club(club_id)
    try:
        token = clubs().reissue_link(club_id, _facilitator(), member_id)
    except Rejected:
        abort(404)
    return _show_link(club_id, member_id, token)


@bp.post("/clubs/<club_id>/members/<member_id>/remove")
@login_required
def remove_member(club_id: str, member_id: str):  # type: ignore[no-untyped-def]
    """Remove a member and everything of theirs (after ticking the confirmation)."""
    _club(club_id)
    if not request.form.get("confirm"):
        flash(describe(Rejected("not_confirmed"))["message"], "error")
        return redirect(url_for("clubs.page", club_id=club_id))
    try:
        erasing.remove_member(club_id, _facilitator(), member_id)
    except Rejected:
        abort(404)
    announce(club_id)
    flash(_("The member and everything of theirs were erased."), "ok")
    return redirect(url_for("clubs.page", club_id=club_id))


@bp.delete("/api/clubs/<club_id>/members/<member_id>")
def api_remove_member(club_id: str, member_id: str):  # type: ignore[no-untyped-def]
    """The same for scripts (bearer token)."""
    facilitator_id = current_facilitator_id()
    try:
        cards = erasing.remove_member(club_id, facilitator_id, member_id)
    except Rejected as error:
        status = 401 if facilitator_id is None else 404
        return refusal(error), status
    announce(club_id)
    return {"ok": True, "cards_erased": cards}


csrf.exempt(api_remove_member)  # DELETE: no cross-site form can send it


def _show_link(club_id: str, member_id: str, token: str):  # type: ignore[no-untyped-def]
    """The personal link is shown once (QR code to scan, link to send); only its hash
    is kept, so it cannot be shown again — a new one can be issued."""
    club = clubs().club(club_id)
    link = member_url(token)
    return render_template("member_link.html", club=club, member=club.members[member_id],
                           link=link, qr_svg=qr.svg(link, _(
                               "QR code of the personal link of %(name)s",
                               name=club.members[member_id].name)))


@bp.post("/clubs/<club_id>/members/<member_id>/project")
@login_required
def update_project(club_id: str, member_id: str):  # type: ignore[no-untyped-def]
    """From the club page (form) or the meeting's console (JSON, with `session_id`)."""
    _club(club_id)
    data = request.get_json(silent=True)
    as_json = isinstance(data, dict)
    changes = data.get("changes") if as_json else _project_form()
    session_id = (data.get("session_id") if as_json else request.form.get("session_id")) or None
    try:
        recorded = clubs().update_project(club_id, member_id, changes,
                                          facilitator_id=_facilitator(), session_id=session_id)
    except Rejected as error:
        if as_json:
            return {"ok": False, "error": describe(error)}, 400
        flash(describe(error)["message"], "error")
        return redirect(url_for("clubs.page", club_id=club_id) + f"#m-{member_id}")
    announce(club_id, recorded)
    if as_json:
        club = clubs().club(club_id)
        return {"ok": True, "changed": bool(recorded),
                "member": club.member_dict(club.members[member_id])}
    flash(_("Project saved.") if recorded else _("Nothing changed."), "ok")
    return redirect(url_for("clubs.page", club_id=club_id) + f"#m-{member_id}")


@bp.post("/clubs/<club_id>/meetings")
@login_required
def open_meeting(club_id: str):  # type: ignore[no-untyped-def]
    _club(club_id)
    try:
        board = clubs().open_meeting(club_id, _facilitator(), request.form.get("title"))
    except Rejected as error:
        flash(describe(error)["message"], "error")
        return redirect(url_for("clubs.page", club_id=club_id))
    return redirect(url_for("console.console", session_id=board.session_id))


def _timeline_response(club_id: str, member_id: str, fmt: str, own: bool,
                       since: Any = None) -> Response:
    """A member's timeline; their radars only in their own copy (`own`): one person's
    ratings are theirs, the facilitator sees the room's radar only; `since`: the link's
    issue time (a re-issued link reads no earlier link's radars)."""
    if fmt not in FORMATS:
        abort(404)
    club = clubs().club(club_id)
    member = club.members.get(member_id)
    if member is None:
        abort(404)
    document = timeline.build(club, member, clubs().meetings(club_id), since)
    if not own:
        document = dataclasses.replace(document, radars=())
    try:
        body = render_timeline(document, fmt)
    except PdfUnavailable:
        return Response(describe(Rejected("pdf_unavailable"))["message"], status=503)
    response = Response(body, mimetype=media_type(fmt))
    name = f"suivi-{slug(member.name) or 'membre'}-{slug(club.name)}.{fmt}"
    disposition = "inline" if fmt == "html" else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/clubs/<club_id>/members/<member_id>/timeline.<fmt>")
@login_required
def member_timeline(club_id: str, member_id: str, fmt: str) -> Response:
    _club(club_id)
    return _timeline_response(club_id, member_id, fmt, own=False)


# -- the member (personal link, no account) --------------------------------------------------
def _access(token: str) -> MemberAccess:
    try:
        return clubs().member_by_link(token)
    except Rejected as error:
        abort(Response(render_template("member.html", error=describe(error)["message"],
                                       club=None, member=None), status=404))


@bp.get("/m/<token>")
def member(token: str):  # type: ignore[no-untyped-def]
    access = _access(token)
    club = clubs().club(access.club_id)
    response = Response(render_template(
        "member.html", error=None, club=club, member=club.members[access.member_id],
        view=club.member_dict(club.members[access.member_id]), token=token, stages=STAGES,
        stage_names=stage_names(), meeting=clubs().current_meeting(club.id),
        steps_in_form=MAX_STEPS_IN_FORM, steps_max=STEPS_MAX,
        others=[m for m in club.members.values() if m.id != access.member_id]))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the link is the member's key
    return response


@bp.post("/m/<token>/project")
def member_project(token: str):  # type: ignore[no-untyped-def]
    access = _access(token)
    try:
        recorded = clubs().update_project(access.club_id, access.member_id, _project_form(),
                                          by_member=True)
    except Rejected as error:
        flash(describe(error)["message"], "error")
        return redirect(url_for("clubs.member", token=token))
    announce(access.club_id, recorded)
    flash(_("Project saved.") if recorded else _("Nothing changed."), "ok")
    return redirect(url_for("clubs.member", token=token))


@bp.post("/m/<token>/join")
def member_join(token: str):  # type: ignore[no-untyped-def]
    """Into the club's open meeting as themself: their radars follow them."""
    access = _access(token)
    meeting = clubs().current_meeting(access.club_id)
    cookie = TOKEN_COOKIE.format(meeting.session_id) if meeting else ""
    try:
        joined = clubs().join_meeting(access, request.cookies.get(cookie) if cookie else None)
    except Rejected as error:
        flash(describe(error)["message"], "error")
        return redirect(url_for("clubs.member", token=token))
    publish(joined.board.session_id, joined.events)
    target = url_for("participant.join", code=joined.board.code) + f"#t={joined.token}"
    return remember_phone(redirect(target), joined.board.session_id, joined.token)


@bp.get("/m/<token>/timeline.<fmt>")
def member_own_timeline(token: str, fmt: str) -> Response:
    access = _access(token)
    return _timeline_response(access.club_id, access.member_id, fmt, own=True,
                              since=access.since)
