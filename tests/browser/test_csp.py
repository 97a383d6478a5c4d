"""Issue 12 · 15: every main page runs under the Content-Security-Policy in Chromium.

The policy forbids inline scripts and `on*=` attributes: a page that still had one would
log a CSP violation in the console (and lose that script). Each page is loaded, used a
little (its scripts connect and draw), and must log no violation; its HTML holds no inline
script, and the response carries the policy with `frame-ancestors 'none'`."""

from __future__ import annotations

import re
from typing import Any

import pytest

from . import test_club as club_browser
from . import test_meeting as browser

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

live = browser.live
WAIT = browser.WAIT
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def watch(page: Any) -> list[str]:
    """Every CSP violation the page reports, from the console and from the DOM event."""
    found: list[str] = []
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "console.error('Content Security Policy: ' + e.violatedDirective"
                         " + ' ' + e.blockedURI))")
    page.on("console", lambda m: found.append(m.text)
            if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text
            else None)
    page.on("pageerror", lambda e: found.append(f"error: {e}"))
    return found


def check(page: Any, url: str, violations: list[str], ready: str | None = None) -> None:
    """Load `url` (and wait until the element `ready` says data-ready=1): the policy is
    sent, the HTML has no inline script, nothing was reported."""
    response = page.goto(url)
    assert response is not None and response.ok, (url, response and response.status)
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, url
    if ready:
        browser.expect(page.locator(ready)).to_have_attribute(
            "data-ready", "1", timeout=WAIT)
    page.wait_for_timeout(300)
    html = page.content()
    assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html))
    assert not HANDLER.search(html), (url, HANDLER.search(html))
    assert violations == [], (url, violations)


def test_no_page_breaks_the_content_security_policy(chromium: Any, live: browser.Live,
                                                    contexts: list[Any]) -> None:
    session = live.open_session("Palabre sous CSP")
    # a facilitator's pages
    desk = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR",
                                storage_state=live.login_state)
    contexts.append(desk)
    page = desk.new_page()
    violations = watch(page)
    base = live.server.url
    check(page, base + "/", violations)
    check(page, session["board_url"], violations, "#board")
    check(page, session["board_url"].replace("/board", "/console"), violations, "#console")
    club_id, links = club_browser.club_meeting(page, live, "Club CSP", ["Awa"])
    assert violations == [], violations  # the club page and a club meeting's console
    check(page, f"{base}/clubs/{club_id}", violations)
    check(page, f"{base}/clubs/{club_id}/board", violations)
    # a phone's pages and the login page, without the facilitator's cookies
    phone_context = chromium.new_context(viewport={"width": 360, "height": 740},
                                         is_mobile=True, has_touch=True, locale="fr-FR")
    contexts.append(phone_context)
    phone = phone_context.new_page()
    seen = watch(phone)
    check(phone, base + "/login", seen)
    check(phone, base + "/join", seen)
    check(phone, session["join_url"], seen)
    phone.wait_for_timeout(500)  # participant.js connects and draws
    assert seen == [], seen
    check(phone, links["Awa"], seen)
    # the watcher itself: an inline script slipped into a page is blocked and reported
    phone.evaluate("() => { const s = document.createElement('script');"
                   " s.textContent = 'window.injected = 1'; document.body.appendChild(s); }")
    phone.wait_for_timeout(300)
    assert any("Content Security Policy" in v for v in seen), seen
    assert phone.evaluate("window.injected") is None
