"""Upload routes get their own size cap before anything reads the body (issue 12 · 12).

The global `MAX_CONTENT_LENGTH` (64 KB) suits forms and commands. The import of another
room's log may reach `imports.UPLOAD_MAX` (32 MB); CSRFProtect reads the form in its own
`before_request`, under the global cap, before the view could raise it — so this hook is
registered before CSRFProtect's (see `create_app`) and raises the cap for those routes
only. Above their cap the console answers with a readable message (`console.too_large`).
"""

from __future__ import annotations

from flask import Flask, request

from ...domain import voice
from ...usecases import imports

UPLOAD_ENDPOINTS = frozenset({"console.import_log", "api.import_log"})
VOICE_ENDPOINTS = frozenset({"voice.upload", "voice.set_question"})


def init_app(app: Flask) -> None:
    """Call before `csrf.init_app(app)`: hooks run in the order they were registered."""

    @app.before_request
    def upload_cap() -> None:
        if request.endpoint in UPLOAD_ENDPOINTS:
            request.max_content_length = imports.UPLOAD_MAX
        elif request.endpoint in VOICE_ENDPOINTS:  # a recording: its own cap, refused in words
            request.max_content_length = voice.BYTES_MAX + 1
