"""Facilitator authentication: login form, first-run setup link, bearer tokens."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import UserMixin, current_user, login_user, logout_user

from ...domain.errors import Rejected
from ...extensions import login_manager
from ...usecases import accounts
from ...usecases.sessions import Service
from ..messages import describe
from ..throttle import address_key, throttle

bp = Blueprint("auth", __name__)


class LoggedIn(UserMixin):
    """The logged-in facilitator as Flask-Login sees it. Its cookies carry the login's id
    (`<facilitator id>.<secret>`, see `accounts.open_login`), not the bare facilitator id:
    each login gets a new value and logout revokes it; `get_id()` stays the number the
    views use."""

    def __init__(self, facilitator_id: int, email: str, login_id: str) -> None:
        self.id = facilitator_id
        self.email = email
        self.login_id = login_id

    def get_id(self) -> str:
        return str(self.id)

    def get_login_id(self) -> str:
        """What Flask-Login stores in the cookies (`login_manager.id_attribute`)."""
        return self.login_id


def sign_in(facilitator_id: int, email: str) -> None:
    """A new login for this browser (session and one-year remember-me cookie)."""
    login_id = accounts.open_login(service().db, facilitator_id)
    login_user(LoggedIn(facilitator_id, email, login_id), remember=True)


def service() -> Service:
    return current_app.extensions["facilitation"]


def setup_link(app: Flask) -> accounts.SetupLink:
    return accounts.SetupLink(Path(app.instance_path))


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.id_attribute = "get_login_id"  # the cookies carry the login, not the id
    login_manager.login_message = ""

    @login_manager.user_loader
    def load(login_id: str) -> LoggedIn | None:
        found = accounts.by_login(service().db, login_id)
        return LoggedIn(found.id, found.email, login_id) if found else None


def current_facilitator_id() -> int | None:
    """The facilitator behind this request: bearer token first, then the login cookie."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return accounts.by_token(service().db, header[len("Bearer "):].strip())
    if current_user.is_authenticated:
        return int(current_user.get_id())
    return None


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("console.home")


def _login_keys() -> dict[str, str]:
    """The counters a failed login spends: its account's and its address's."""
    email = str(request.form.get("email") or "").strip().lower()
    return {"LOGIN_FAILURES_PER_ACCOUNT": throttle().key("account:" + email),
            "LOGIN_FAILURES_PER_ADDRESS": address_key()}


def _too_many_failures(keys: dict[str, str]):  # type: ignore[no-untyped-def]
    """A 429 page when this account or address failed too often; no password is checked
    then (not even a right one) until the window frees up."""
    spent = [name for name, key in keys.items() if not throttle().allowed(name, key)]
    if not spent:
        return None
    seconds = max(throttle().retry_after(name, keys[name]) for name in spent)
    flash(describe(Rejected("rate_limited", seconds=seconds))["message"], "error")
    page = render_template("login.html", email=request.form.get("email", ""))
    return page, 429, {"Retry-After": str(seconds)}


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    if request.method == "POST":
        keys = _login_keys()
        refused = _too_many_failures(keys)
        if refused is not None:
            return refused
        found = accounts.authenticate(service().db, request.form.get("email"),
                                      request.form.get("password"),
                                      offload=current_app.extensions["offload"])
        if found is None:
            for name, key in keys.items():
                throttle().hit(name, key)
        else:
            sign_in(found.id, found.email)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong email or password."), "error")
        return _login_page(request.form.get("email", "")), 401
    return _login_page("")


def _login_page(email: str) -> str:
    """The form; before any account exists it says where the one-time setup link is."""
    return render_template("login.html", email=email,
                           first_run=accounts.count(service().db) == 0)


@bp.route("/logout", methods=["POST"])
def logout():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        accounts.close_login(service().db, current_user.login_id)
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token: str):  # type: ignore[no-untyped-def]
    """First run: whoever holds the printed link creates the first facilitator account."""
    link = setup_link(current_app)
    if accounts.count(service().db) > 0:  # used: its account exists
        return render_template("setup_gone.html", used=True), 404
    if not link.matches(token):
        return render_template("setup_gone.html", used=False), 404
    error = None
    if request.method == "POST":
        try:
            created = accounts.create(
                service().db, request.form.get("email"), request.form.get("password"),
                offload=current_app.extensions["offload"],
            )
        except Rejected as rejected:
            error = describe(rejected)["message"]
        else:
            link.consume()
            sign_in(created.id, created.email)
            return redirect(url_for("console.home"))
    return render_template("setup.html", error=error, email=request.form.get("email", "")), (
        400 if error else 200
    )
