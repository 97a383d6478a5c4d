"""Voice clips: the audio of voice cards and recorded questions, kept beside the log.

A clip is added in the transaction that appends its event (so it is committed, and
fsynced, before the card is acknowledged) and read back by its session and id. Deleting
clips is erasure's business (`store/erasure.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import VoiceClip, utcnow


@dataclass(frozen=True)
class Clip:
    session_id: str
    id: str
    mime: str
    duration_ms: int
    data: bytes
    participant_id: str | None = None


def add(db: Session, clip: Clip) -> None:
    """Keep a clip, in the caller's transaction."""
    db.add(VoiceClip(session_id=clip.session_id, id=clip.id, participant_id=clip.participant_id,
                     mime=clip.mime, duration_ms=clip.duration_ms, data=clip.data,
                     created_at=utcnow()))


def get(db: Session, session_id: str, clip_id: str) -> Clip | None:
    row = db.get(VoiceClip, (session_id, clip_id))
    if row is None:
        return None
    return Clip(row.session_id, row.id, row.mime, row.duration_ms, bytes(row.data),
                row.participant_id)


def of_session(db: Session, session_id: str) -> dict[str, Clip]:
    """Every clip of a session, by id (an export carries them)."""
    rows = db.scalars(select(VoiceClip).where(VoiceClip.session_id == session_id))
    return {row.id: Clip(row.session_id, row.id, row.mime, row.duration_ms, bytes(row.data),
                         row.participant_id) for row in rows}


def ids_of(db: Session, session_id: str) -> set[str]:
    return set(db.scalars(select(VoiceClip.id).where(VoiceClip.session_id == session_id)))
