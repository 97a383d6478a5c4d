"""Facilitator accounts: passwords (Werkzeug's scrypt), API tokens and first-run setup."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain import rules
from ..domain.errors import Rejected
from ..store.db import Database
from ..store.models import Facilitator, FacilitatorLogin

PASSWORD_MIN = 8
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Checked against when an email is unknown, so a login takes as long either way.
_DUMMY_HASH = generate_password_hash("not a real password")
# `offload(fn, *args)`: how the caller runs a password hash (~100 ms of scrypt) without
# stalling its event loop (the transport passes eventlet's thread pool); a plain call here.
Offload = Callable[..., Any]


def _inline(fn: Callable[..., Any], *args: Any) -> Any:
    return fn(*args)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def clean_email(raw: object) -> str:
    if not isinstance(raw, str) or not _EMAIL.match(raw.strip()) or len(raw) > 254:
        raise Rejected("invalid_email")
    return raw.strip().lower()


def count(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count(Facilitator.id))) or 0)


def create(db: Database, email: object, password: object, name: object = None,
           offload: Offload = _inline) -> Facilitator:
    """A new facilitator; refuses a taken email or a password shorter than PASSWORD_MIN."""
    address = clean_email(email)
    display = rules.clean_short(name, "name")
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        raise Rejected("password_too_short", limit=PASSWORD_MIN)
    password_hash = offload(generate_password_hash, password)
    with db.write() as session:
        if session.scalar(select(Facilitator.id).where(Facilitator.email == address)):
            raise Rejected("email_taken")
        facilitator = Facilitator(email=address, name=display,
                                  password_hash=password_hash)
        session.add(facilitator)
    return facilitator


def authenticate(db: Database, email: object, password: object,
                 offload: Offload = _inline) -> Facilitator | None:
    """The facilitator with this email and password (the hash check through `offload`)."""
    if not isinstance(email, str) or not isinstance(password, str):
        return None
    with db.read() as session:
        found = session.scalar(
            select(Facilitator).where(Facilitator.email == email.strip().lower())
        )
    if found is None:
        offload(check_password_hash, _DUMMY_HASH, password)
        return None
    return found if offload(check_password_hash, found.password_hash, password) else None


def names(db: Database, ids: list[int]) -> list[str]:
    """How facilitators sign a synthesis: their name, else their email."""
    with db.read() as session:
        found = {f.id: f for f in session.scalars(select(Facilitator).where(
            Facilitator.id.in_(ids)))}
    return [found[i].name or found[i].email for i in ids if i in found]


def get(db: Database, facilitator_id: int) -> Facilitator | None:
    with db.read() as session:
        return session.get(Facilitator, facilitator_id)


def issue_token(db: Database, email: object) -> str:
    """A new API bearer token for the facilitator (the previous one stops working)."""
    address = clean_email(email)
    token = secrets.token_urlsafe(32)
    with db.write() as session:
        found = session.scalar(select(Facilitator).where(Facilitator.email == address))
        if found is None:
            raise Rejected("unknown_facilitator")
        found.api_token_hash = _token_hash(token)
    return token


def by_token(db: Database, token: str) -> int | None:
    """The facilitator id a bearer token belongs to."""
    if not token:
        return None
    with db.read() as session:
        return session.scalar(
            select(Facilitator.id).where(Facilitator.api_token_hash == _token_hash(token))
        )


def open_login(db: Database, facilitator_id: int) -> str:
    """A new login for one browser: the id its cookies carry, `<id>.<secret>` (a new
    secret each time, so no two logins share a cookie value)."""
    secret = secrets.token_urlsafe(24)
    with db.write() as session:
        session.add(FacilitatorLogin(token_hash=_token_hash(secret),
                                     facilitator_id=facilitator_id))
    return f"{facilitator_id}.{secret}"


def by_login(db: Database, login_id: str) -> Facilitator | None:
    """The facilitator of a live login (None once logged out, or for a bare old id)."""
    number, _, secret = login_id.partition(".")
    if not (number.isascii() and number.isdigit()) or not secret:
        return None
    with db.read() as session:
        row = session.get(FacilitatorLogin, _token_hash(secret))
        if row is None or row.facilitator_id != int(number):
            return None
        return session.get(Facilitator, row.facilitator_id)


def close_login(db: Database, login_id: str) -> None:
    """Logout: that browser's session and remember-me cookies stop working."""
    secret = login_id.partition(".")[2]
    if secret:
        with db.write() as session:
            session.execute(delete(FacilitatorLogin).where(
                FacilitatorLogin.token_hash == _token_hash(secret)))


class SetupLink:
    """The one-time secret that lets the first facilitator create an account."""

    def __init__(self, instance: Path) -> None:
        self.path = instance / "setup_token"

    def ensure(self) -> str:
        if self.path.exists():
            return self.path.read_text().strip()
        token = secrets.token_urlsafe(24)
        self.path.touch(mode=0o600)
        self.path.write_text(token)
        return token

    def matches(self, candidate: str) -> bool:
        if not self.path.exists():
            return False
        return hmac.compare_digest(self.path.read_text().strip(), candidate)

    def consume(self) -> None:
        self.path.unlink(missing_ok=True)


def resolve(db: Database, email: str | None) -> int | None:
    """The facilitator with this email, or the only facilitator when none is given."""
    with db.read() as session:
        if email is None:
            ids = session.scalars(select(Facilitator.id).limit(2)).all()
            return ids[0] if len(ids) == 1 else None
        found = session.scalar(select(Facilitator.id).where(
            Facilitator.email == clean_email(email)))
    if found is None:
        raise Rejected("unknown_facilitator")
    return found
