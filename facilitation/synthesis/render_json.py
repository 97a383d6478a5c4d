"""JSON: the model's documented `to_json()` form (docs/synthesis.md), keys sorted, UTF-8."""

from __future__ import annotations

import json
from typing import Any

from .model import Synthesis
from .programme import ProgrammeSynthesis


def _dump(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def render(s: Synthesis) -> bytes:
    return _dump(s.to_json())


def render_programme(p: ProgrammeSynthesis) -> bytes:
    return _dump(p.to_json())
