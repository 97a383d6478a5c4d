"""Voice cards (pure): the limits a recording must fit and what its container is, known
by its first bytes (never by a file name or a declared type)."""

from __future__ import annotations

from .errors import Rejected

SECONDS_MAX = 30  # a voice card is a short spoken card, like 280 typed characters
DURATION_GRACE_MS = 1500  # a recorder stops a little after its timer
BYTES_MIN = 64  # a container header with no audio behind it is not a recording
# 30 s of Opus at 24 kbit/s is ~90 KB, of AAC at 64 kbit/s (iOS ignores lower) ~240 KB:
# room for both, and for a recorder that overshoots its bitrate
BYTES_MAX = 512 * 1024
CARDS_MAX = 20  # voice cards one participant may leave in a session (storage is finite)

# first bytes -> the MIME type the audio is served with
_EBML = b"\x1a\x45\xdf\xa3"  # Matroska / WebM (Chromium, Firefox)
_OGG = b"OggS"  # Ogg (Firefox's Opus)


def container(data: bytes) -> str:
    """The MIME type of a recording, from its magic bytes; `voice_not_audio` for anything
    that is not WebM, Ogg or MP4 (ISO BMFF: a box whose type is `ftyp`)."""
    if data.startswith(_EBML):
        return "audio/webm"
    if data.startswith(_OGG):
        return "audio/ogg"
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return "audio/mp4"
    raise Rejected("voice_not_audio")


def check(data: bytes, duration_ms: object) -> tuple[str, int]:
    """A recording as kept: (its MIME type, its duration in ms), or a refusal."""
    if isinstance(duration_ms, bool) or not isinstance(duration_ms, int):
        raise Rejected("invalid_payload", field="duration_ms")
    if len(data) > BYTES_MAX:
        raise Rejected("voice_too_large", limit=BYTES_MAX // 1024)
    if len(data) < BYTES_MIN or duration_ms <= 0:
        raise Rejected("voice_empty")
    if duration_ms > SECONDS_MAX * 1000 + DURATION_GRACE_MS:
        raise Rejected("voice_too_long", limit=SECONDS_MAX)
    return container(data), duration_ms


def duration_arg(raw: str | None) -> int:
    """A duration in ms as a query string gives it (ASCII digits, bounded)."""
    if raw is None or not raw.isascii() or not raw.isdigit() or len(raw) > 7:
        raise Rejected("invalid_payload", field="duration_ms")
    return int(raw)
