"""Input rules shared by every transport: clean what people type, refuse what cannot be kept."""

from __future__ import annotations

import hashlib
import itertools
import re
import secrets
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any

from .errors import Rejected
from .kinds import (
    CONTRIBUTION_KINDS,
    LANGUAGES,
    PHASES,
    PROFILE_QUESTIONS,
    SESSION_KINDS,
    TEXT_MAX,
)

# Join codes avoid look-alikes (O/0, I/1/L) so they can be read aloud and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
NAME_MAX = 40
TITLE_MAX = 120
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# Control and invisible format characters (bidi marks and overrides, zero-width ones,
# the Arabic letter mark, word joiner, BOM, Mongolian vowel separator), lone surrogates,
# and what XML 1.0 cannot carry (noncharacters U+FFFE/U+FFFF): a .docx refuses them.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff\ufffe\uffff\ud800-\udfff]"
)
COMBINING_MAX = 3  # stacked combining marks kept in a row ("zalgo" text is capped)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: object) -> str:
    """What someone typed as a join code, as stored: upper case, no spaces or dashes."""
    if not isinstance(raw, str):
        raise Rejected("invalid_payload", field="code")
    code = re.sub(r"[\s\-_.]", "", raw).upper()
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        raise Rejected("unknown_session")
    return code


def clean_text(raw: object, *, limit: int = TEXT_MAX) -> str:
    """A card's text: NFC, no control characters, trimmed; 1 to `limit` characters."""
    if not isinstance(raw, str):
        raise Rejected("invalid_payload", field="text")
    if len(raw) > 8 * limit:  # hopeless whatever is stripped: spare the work
        raise Rejected("text_too_long", limit=limit, length=len(raw))
    text = cap_combining(_CONTROL.sub("", unicodedata.normalize("NFC", without_surrogates(raw))))
    text = text.strip()
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    if not text:
        raise Rejected("empty_text")
    if len(text) > limit:
        raise Rejected("text_too_long", limit=limit, length=len(text))
    return text


def without_surrogates(text: str) -> str:
    """Lone surrogates (from JSON escapes) cannot be stored or encoded: dropped."""
    return _SURROGATE.sub("", text) if _SURROGATE.search(text) else text


_SURROGATE = re.compile("[\ud800-\udfff]")


def cap_combining(text: str, limit: int = COMBINING_MAX) -> str:
    """At most `limit` combining marks in a row on one character."""
    out: list[str] = []
    run = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me"):
            run += 1
            if run > limit:
                continue
        else:
            run = 0
        out.append(char)
    return "".join(out)


def clean_name(raw: object) -> str | None:
    """An optional first name: trimmed, at most NAME_MAX characters, None when empty."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise Rejected("invalid_payload", field="name")
    name = _CONTROL.sub("", unicodedata.normalize("NFC", raw)).strip()
    name = re.sub(r"\s+", " ", name)
    if len(name) > NAME_MAX:
        raise Rejected("name_too_long", limit=NAME_MAX)
    return name or None


def one_line(raw: object, field: str) -> str:
    """Text typed in a one-line field: no control characters, spaces collapsed, trimmed."""
    if not isinstance(raw, str):
        raise Rejected("invalid_payload", field=field)
    return re.sub(r"\s+", " ", _CONTROL.sub("", raw)).strip()


def _required(raw: object, field: str, limit: int) -> str:
    """A one-line field that must be filled: `empty_<field>` / `<field>_too_long`."""
    text = one_line(raw, field)
    if not text:
        raise Rejected(f"empty_{field}")
    if len(text) > limit:
        raise Rejected(f"{field}_too_long", limit=limit)
    return text


def clean_title(raw: object) -> str:
    return _required(raw, "title", TITLE_MAX)


LABEL_MAX = 60
SHORT_MAX = 80
CONCLUSIONS_MAX = 5000
DECISIONS_MAX = 30


def clean_short(raw: object, field: str) -> str | None:
    """An optional short text (territory, place, owner of a decision)."""
    if raw is None or raw == "":
        return None
    text = one_line(raw, field)
    if len(text) > SHORT_MAX:
        raise Rejected("text_too_long", limit=SHORT_MAX, length=len(text))
    return text or None


def iso_date(raw: object) -> str | None:
    """An optional date, as YYYY-MM-DD."""
    if raw is None or raw == "":
        return None
    try:
        return date.fromisoformat(str(raw)).isoformat()
    except ValueError:
        raise Rejected("invalid_date") from None
PROMPT_MAX = 200
TERRITORY_MAX = 60


def secret_hash(secret: str) -> str:
    """How secrets (tokens, invitation links) are stored: never in clear."""
    return hashlib.sha256(secret.encode()).hexdigest()


def prompt_of(board: Any, prompt_id: object) -> str | None:
    """The prompt a card answers: the one named (it must exist) or the active one."""
    if prompt_id is None:
        return board.active_prompt
    if not isinstance(prompt_id, str) or prompt_id not in {p["id"] for p in board.prompts}:
        raise Rejected("unknown_prompt")
    return prompt_id


def profile_answers(questions: tuple[str, ...], raw: object) -> dict[str, str]:
    """A participant's answers to the session's profile questions (all optional)."""
    if not isinstance(raw, dict):
        raise Rejected("invalid_payload", field="answers")
    answers: dict[str, str] = {}
    for key, value in raw.items():
        if key not in questions or not isinstance(value, str):
            raise Rejected("invalid_profile_answer")
        options = PROFILE_QUESTIONS[key]
        clean = re.sub(r"\s+", " ", _CONTROL.sub("", value)).strip()
        if options is not None and clean not in options or len(clean) > TERRITORY_MAX:
            raise Rejected("invalid_profile_answer")
        if clean:
            answers[key] = clean
    return answers
PROGRAMME_MAX = 80


def clean_label(raw: object) -> str:
    """A theme's label as the facilitator typed it."""
    return _required(raw, "label", LABEL_MAX)


def clean_programme(raw: object) -> str | None:
    """An optional programme name grouping sessions (e.g. "MIES Kayes 2026")."""
    if raw is None or raw == "":
        return None
    name = one_line(raw, "programme")
    if len(name) > PROGRAMME_MAX:
        raise Rejected("programme_too_long", limit=PROGRAMME_MAX)
    return name or None


def check_choice(raw: object, choices: tuple[str, ...] | dict[str, object], code: str) -> str:
    if not isinstance(raw, str) or raw not in choices:
        raise Rejected(code, value=str(raw)[:40])
    return raw


def contribution_kind(raw: object) -> str:
    return check_choice(raw, CONTRIBUTION_KINDS, "invalid_kind")


def session_kind(raw: object) -> str:
    return check_choice(raw, SESSION_KINDS, "invalid_session_kind")


def language(raw: object) -> str:
    return check_choice(raw, LANGUAGES, "invalid_language")


def phase(raw: object) -> str:
    return check_choice(raw, PHASES, "invalid_phase")


_STREAM_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def stream_id(raw: object, code: str = "unknown_session") -> str:
    """A session's (or club's) id as a client names it: anything else cannot exist."""
    if not isinstance(raw, str) or not _STREAM_ID.fullmatch(raw):
        raise Rejected(code)
    return raw


def client_id(raw: object) -> str:
    """The id a client gives an action so that a re-send is recognised (UUID-like)."""
    if not isinstance(raw, str) or not _CLIENT_ID.fullmatch(raw):
        raise Rejected("invalid_client_id")
    return raw


def command_type(raw: object) -> str:
    """A command's `type`: a name (which command it is, the registry says)."""
    if not isinstance(raw, str) or not re.fullmatch(r"[a-z_]{1,40}", raw):
        raise Rejected("unknown_command")
    return raw


def scoped_client_id(actor: str, raw: str) -> str:
    """The key an action is stored under: its `client_id` within its author (a phone, a
    facilitator), so that another phone re-using the same id is a different action.
    40 hex digits: still a valid `client_id` for logs exported to another server."""
    return hashlib.sha256(f"{actor}\n{raw}".encode()).hexdigest()[:40]


SEQ_MAX = 2**53  # beyond any log; bigger numbers do not fit the database's integers


def optional_seq(raw: object, field: str = "last_seq") -> int:
    """A `seq` a client says it has seen (0 when absent)."""
    if raw is None:
        return 0
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= SEQ_MAX:
        raise Rejected("invalid_payload", field=field)
    return raw


def count_arg(raw: str | None, field: str, default: int) -> int:
    """A number given in a query string (`?after=`, `?limit=`): ASCII digits, bounded."""
    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]{1,16}", raw) or int(raw) > SEQ_MAX:
        raise Rejected("invalid_payload", field=field)
    return int(raw)


JSON_DEPTH_MAX = 32  # no message of the protocol nests deeper than a few levels
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def json_depth(text: str) -> int:
    """How deep a JSON text nests arrays and objects, without parsing it (which would
    recurse that deep): strings are skipped, brackets counted."""
    if text.count("[") + text.count("{") <= JSON_DEPTH_MAX:
        return 0  # cannot nest deeper than its brackets: the usual, cheap case
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    return max(itertools.accumulate(map(_STEP.__getitem__, brackets)), default=0)


_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


# A phone may send this many cards in this many seconds: enough for an outbox emptied
# after a network cut, too few to flood the board.
BURST_CARDS, BURST_SECONDS = 20, 60


def too_fast(board: Any, participant_id: str, now: datetime) -> bool:
    """Whether this phone already sent BURST_CARDS cards in the last BURST_SECONDS."""
    since = now - timedelta(seconds=BURST_SECONDS)
    sender = board.participants.get(participant_id)
    recent = sum(1 for sent in sender.sent_at if sent >= since) if sender else 0
    return recent >= BURST_CARDS


INVITATION_DAYS = 7  # a co-facilitator invitation link works this long, once


def invitation_expired(made_at: datetime, now: datetime) -> bool:
    """Whether an invitation made at `made_at` is too old to accept at `now`."""
    return now - made_at > timedelta(days=INVITATION_DAYS)
