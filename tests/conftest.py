"""Fixtures: an app on a fresh SQLite file, a facilitator, phones and boards as socket
clients; throwaway PostgreSQL/Redis servers and a real server process for the suites
that need them. REQUIRE_SUITES=browser,postgres,redis,nginx turns their skips into failures."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from facilitation import create_app
from facilitation.extensions import socketio
from facilitation.store.db import Database
from facilitation.usecases import accounts

from .services import postgres_server, redis_server

REQUIRED = {name for name in os.environ.get("REQUIRE_SUITES", "").split(",") if name}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync",
]


def unavailable(suite: str, why: str) -> None:
    """Skip a suite whose service is missing, unless CI requires it."""
    if suite in REQUIRED:
        pytest.fail(f"required suite '{suite}' cannot run: {why}")
    pytest.skip(why)


_passed: dict[str, int] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed:
        for suite in ("browser", "postgres", "redis", "nginx"):
            if suite in report.keywords:
                _passed[suite] = _passed.get(suite, 0) + 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    missing = [suite for suite in sorted(REQUIRED) if not _passed.get(suite)]
    if missing and exitstatus == 0:
        print(f"\nrequired suites with no passing test: {', '.join(missing)}")
        session.exitstatus = 1


def new_client_id() -> str:
    return uuid.uuid4().hex


@dataclass
class FacilitatorAccount:
    id: int
    email: str
    password: str
    token: str


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., Any]:
    """Build apps on one database (several apps = several server processes)."""
    database = f"sqlite:///{tmp_path / 'test.db'}"

    def build(**overrides: Any) -> Any:
        settings = {
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": database,
            "FACILITATION_ASYNC_MODE": "threading",
            # instant; the models are tested in tests/clustering
            "FACILITATION_CLUSTERING_BACKEND": "lexical",
            "FACILITATION_GROUPING_DELAY": 0.05,
            "FACILITATION_GROUPING_WORKER": "inline",  # the worker has its own tests
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "TESTING": True,
            **overrides,
        }
        return create_app(settings)

    return build


@pytest.fixture
def app(make_app: Callable[..., Any]) -> Any:
    return make_app()


@pytest.fixture
def service(app: Any) -> Any:
    return app.extensions["facilitation"]


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def facilitator(service: Any) -> FacilitatorAccount:
    created = accounts.create(service.db, "awa@grdr.example", "palabre-2026")
    token = accounts.issue_token(service.db, created.email)
    return FacilitatorAccount(created.id, created.email, "palabre-2026", token)


@pytest.fixture
def other_facilitator(service: Any) -> FacilitatorAccount:
    created = accounts.create(service.db, "luc@apes.example", "breakfast-59")
    token = accounts.issue_token(service.db, created.email)
    return FacilitatorAccount(created.id, created.email, "breakfast-59", token)


@pytest.fixture
def palabre(service: Any, facilitator: FacilitatorAccount) -> Any:
    """A thé-palabre in French, opened by the facilitator."""
    return service.create_session(facilitator.id, "Thé-palabre de Kayes", "palabre", "fr")


@pytest.fixture
def phone(app: Any) -> Callable[..., Any]:
    """A participant's phone: a Socket.IO test client, joined to the session."""
    clients: list[Any] = []

    def connect(code: str, **join: Any) -> Any:
        client = socketio.test_client(app)
        clients.append(client)
        client.ack = client.emit("join", {"code": code, **join}, callback=True)
        return client

    yield connect
    for client in clients:
        if client.is_connected():
            client.disconnect()


@pytest.fixture
def board_client(app: Any, facilitator: FacilitatorAccount) -> Callable[..., Any]:
    """The projected board: a socket client authenticated by the facilitator's token."""
    clients: list[Any] = []

    def connect(session_id: str, token: str | None = None, **join: Any) -> Any:
        client = socketio.test_client(app, auth={"token": token or facilitator.token})
        clients.append(client)
        client.ack = client.emit("join_board", {"session_id": session_id, **join}, callback=True)
        return client

    yield connect
    for client in clients:
        if client.is_connected():
            client.disconnect()


def pushed_events(client: Any) -> list[dict[str, Any]]:
    """Every `events` item the server pushed to this client since the last call."""
    return [
        item
        for message in client.get_received()
        if message["name"] == "events"
        for batch in message["args"]
        for item in batch
    ]


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("TEST_DATABASE_URL"):
        yield os.environ["TEST_DATABASE_URL"]
        return
    # Not under pytest's tmp dir: that one is private to root, and PostgreSQL runs as postgres.
    workdir = Path(tempfile.mkdtemp(prefix="facilitation-pg-"))
    try:
        with postgres_server(workdir) as url:
            yield url
    except (FileNotFoundError, OSError, subprocess.CalledProcessError) as error:
        unavailable("postgres", str(error))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("TEST_REDIS_URL"):
        yield os.environ["TEST_REDIS_URL"]
        return
    try:
        with redis_server(tmp_path_factory.mktemp("redis")) as url:
            yield url
    except (FileNotFoundError, OSError) as error:
        unavailable("redis", str(error))


@pytest.fixture(scope="session")
def nginx_binary() -> str:
    """Debian's nginx (and openssl for its throwaway certificate), run as this user."""
    from .scale.nginx import NGINX

    if not Path(NGINX).exists():
        unavailable("nginx", f"{NGINX} is not installed (Debian package nginx)")
    if shutil.which("openssl") is None:
        unavailable("nginx", "openssl is not installed (Debian package openssl)")
    return NGINX


@pytest.fixture
def fresh_postgres(postgres_url: str) -> Iterator[str]:
    """An empty database of its own on the test PostgreSQL server."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield postgres_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        unavailable("browser", f"{CHROMIUM} is not installed (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The storage contract runs on each backend: a fresh SQLite file, a fresh PostgreSQL
    database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'facilitation.db'}"
    else:
        url = request.getfixturevalue("fresh_postgres")
    db = Database(url)
    db.upgrade()
    yield db
    db.dispose()
