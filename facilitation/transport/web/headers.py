"""Security headers of every response (issue 12 · 15).

Content-Security-Policy: scripts only from this server's files (no inline script, no
`on*=` attribute: tests/browser/test_csp.py loads every main page in Chromium and fails on
any violation), no framing (`frame-ancestors 'none'`, and X-Frame-Options for old
browsers), no plugins, no `<base>`, forms post here only. Styles: this server's files and,
explicitly allowed, inline `<style>` blocks and `style` attributes — the phone pages inline
their CSS to save a request on slow networks, and the syntheses are self-contained
documents; a style cannot run code.
"""

from __future__ import annotations

from flask import Flask, Response

POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "media-src 'self' blob:",  # a voice card heard back on the phone before it is sent
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


def init_app(app: Flask) -> None:
    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
