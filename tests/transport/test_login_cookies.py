"""Issue 12 · 11: the one-year remember-me cookie rotates at each login, dies at logout and
is Secure behind https; behind a TLS proxy (FACILITATION_PROXY_FIX) the participant cookie
is Secure too."""

from __future__ import annotations

from typing import Any

import pytest

from facilitation.transport.web.participant import TOKEN_COOKIE
from facilitation.usecases import accounts


def set_cookies(response: Any, name: str) -> list[str]:
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]


def cookie_value(response: Any, name: str) -> str:
    found = set_cookies(response, name)
    assert found, response.headers.getlist("Set-Cookie")
    return found[0].split(";", 1)[0].split("=", 1)[1]


def log_in(client: Any) -> Any:
    answer = client.post("/login", data={"email": "awa@grdr.example",
                                         "password": "palabre-2026"})
    assert answer.status_code == 302
    return answer


@pytest.fixture
def account(service: Any) -> None:
    accounts.create(service.db, "awa@grdr.example", "palabre-2026")


def logged_in_with(app: Any, remember: str) -> bool:
    browser = app.test_client()
    browser.set_cookie("remember_token", remember)
    return browser.get("/").status_code == 200


def test_each_login_gets_its_own_remember_cookie_and_logout_revokes_it(app, account) -> None:
    laptop, phone = app.test_client(), app.test_client()
    first = cookie_value(log_in(laptop), "remember_token")
    second = cookie_value(log_in(phone), "remember_token")
    assert first != second  # the same value on every login before
    assert logged_in_with(app, first) and logged_in_with(app, second)
    session_cookie = cookie_value(log_in(app.test_client()), "session")
    laptop.post("/logout")
    assert not logged_in_with(app, first)  # still valid after logout before
    assert logged_in_with(app, second)  # the phone's own login is another one
    assert laptop.get("/").status_code == 302
    # a bare facilitator id, signed (what the cookie carried before), opens nothing
    from flask_login.utils import encode_cookie

    with app.test_request_context():
        assert not logged_in_with(app, encode_cookie("1"))
    stolen = app.test_client()
    stolen.set_cookie("session", session_cookie)
    assert stolen.get("/").status_code == 200


def test_the_remember_cookie_is_secure_behind_https(make_app, service, account) -> None:
    plain = make_app()
    assert "Secure" not in set_cookies(log_in(plain.test_client()), "remember_token")[0]
    https = make_app(PUBLIC_URL="https://palabre.grdr.example")
    header = set_cookies(log_in(https.test_client()), "remember_token")[0]
    assert "Secure" in header and "HttpOnly" in header


def test_behind_a_tls_proxy_the_participant_cookie_is_secure(make_app, service,
                                                             facilitator) -> None:
    board = service.create_session(facilitator.id, "Palabre", "palabre", "fr")
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.0.0.9"}
    form = {"text": "le crédit", "kind": "blocker", "client_id": "c" * 16}

    def phone_cookie(app: Any) -> str:
        answer = app.test_client().post(f"/join/{board.code}", data=form, headers=forwarded)
        assert answer.status_code == 302, answer.status_code
        return set_cookies(answer, TOKEN_COOKIE.format(board.session_id))[0]

    assert "Secure" not in phone_cookie(make_app())  # a forged header is not trusted
    assert "Secure" in phone_cookie(make_app(FACILITATION_PROXY_FIX="1"))
    with pytest.raises(ValueError):
        make_app(FACILITATION_PROXY_FIX="yes")
