"""Database tables. The `events` table is the truth; the others are indexes and secrets."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Facilitator(Base):
    __tablename__ = "facilitators"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str | None] = mapped_column(String(80))  # shown in syntheses
    password_hash: Mapped[str] = mapped_column(String(255))
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MeetingSession(Base):
    """Index of sessions: who owns it and its join code (details live in the log)."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitators.id"), index=True)
    programme: Mapped[str | None] = mapped_column(String(80), index=True)
    club_id: Mapped[str | None] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TeamMember(Base):
    """Index of co-facilitators (the log's `cofacilitator_added`), so that a session shows
    on its co-facilitators' home page too."""

    __tablename__ = "session_team"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitators.id"),
                                                primary_key=True, index=True)


class Club(Base):
    """Index of clubs entreprendre: who runs it (members and projects live in its log,
    the `events` rows whose stream id is the club's id)."""

    __tablename__ = "clubs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitators.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MemberLink(Base):
    """A member's personal link, stored hashed (the newest one of a member works)."""

    __tablename__ = "member_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    club_id: Mapped[str] = mapped_column(ForeignKey("clubs.id"), index=True)
    member_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ParticipantToken(Base):
    """A phone's secret, stored hashed; no IP, no device data."""

    __tablename__ = "participants"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class VoiceClip(Base):
    """The audio of a voice card (its id is the card's) or of a recorded question: in the
    database, written in the transaction that records its event, so it is as durable as
    the card, shared by every process, and erased with it."""

    __tablename__ = "voice_clips"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    participant_id: Mapped[str | None] = mapped_column(String(32))
    mime: Mapped[str] = mapped_column(String(40))
    duration_ms: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EventRow(Base):
    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("session_id", "seq", name="uq_events_session_seq"),
        UniqueConstraint("session_id", "client_id", name="uq_events_session_client"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int]
    type: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)
    payload: Mapped[str] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(64))
    client_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FacilitatorLogin(Base):
    """One browser's login (issue 12 · 11), stored hashed: the session and remember-me
    cookies carry `<facilitator id>.<secret>`, a new secret at each login; logging out
    deletes the row, so a copied or left-behind cookie stops working."""

    __tablename__ = "facilitator_logins"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitators.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
