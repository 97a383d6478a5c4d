"""A member's project record: stage, strengths, difficulties, next steps (checked input)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..errors import Rejected
from ..rules import iso_date, one_line

STAGES = ("idea", "creation", "launch", "development")  # idée, création, démarrage, développement
PROJECT_MAX = 80
NOTE_MAX = 600
STEP_MAX = 200
STEPS_MAX = 8
FIELDS = ("project", "stage", "strengths", "difficulties", "next_steps")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _note(raw: object, field: str) -> str:
    """A few lines of free text (strengths, difficulties); may be empty."""
    if not isinstance(raw, str):
        raise Rejected("invalid_project", field=field)
    text = _CONTROL.sub("", unicodedata.normalize("NFC", raw)).strip()
    text = re.sub(r"[ \t]+", " ", re.sub(r"\n{3,}", "\n\n", text.replace("\r\n", "\n")))
    if len(text) > NOTE_MAX:
        raise Rejected("note_too_long", limit=NOTE_MAX)
    return text


def _steps(raw: object, helpers: set[str]) -> list[dict[str, str]]:
    """Next steps: [{text, due?, helper?}]; `helper` is the member id of who helps."""
    if not isinstance(raw, list):
        raise Rejected("invalid_project", field="next_steps")
    if len(raw) > STEPS_MAX:
        raise Rejected("too_many_steps", limit=STEPS_MAX)
    steps = []
    for item in raw:
        if not isinstance(item, dict):
            raise Rejected("invalid_project", field="next_steps")
        text = one_line(item.get("text", ""), "next_steps")
        if not text:
            continue
        if len(text) > STEP_MAX:
            raise Rejected("step_too_long", limit=STEP_MAX)
        step = {"text": text}
        due = iso_date(item.get("due") or None)
        if due:
            step["due"] = due
        helper = item.get("helper") or None
        if helper is not None:
            if not isinstance(helper, str) or helper not in helpers:
                raise Rejected("unknown_member")
            step["helper"] = str(helper)
        steps.append(step)
    return steps


def clean_changes(raw: object, current: dict[str, Any], members: set[str]) -> dict[str, Any]:
    """The fields that change, checked; unknown fields are refused, unchanged ones dropped."""
    if not isinstance(raw, dict) or not set(raw) <= set(FIELDS):
        raise Rejected("invalid_project", field=", ".join(sorted(set(raw) - set(FIELDS)))
                       if isinstance(raw, dict) else "(body)")
    clean: dict[str, Any] = {}
    for field, value in raw.items():
        if field == "project":
            text = one_line(value, "project")
            if len(text) > PROJECT_MAX:
                raise Rejected("project_too_long", limit=PROJECT_MAX)
            clean[field] = text
        elif field == "stage":
            if value not in STAGES:
                raise Rejected("invalid_stage")
            clean[field] = value
        elif field == "next_steps":
            clean[field] = _steps(value, members)
        else:
            clean[field] = _note(value, field)
    return {field: value for field, value in clean.items() if current.get(field) != value}
