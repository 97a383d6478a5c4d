"""Throwaway servers for the tests: the app itself, PostgreSQL and Redis, on free ports."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(check: object, seconds: float = 30.0, what: str = "service") -> None:
    deadline = time.monotonic() + seconds
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if check():  # type: ignore[operator]
                return
        except Exception as error:  # noqa: BLE001 - retried until the deadline
            last = error
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not start in {seconds}s: {last}")


def _port_open(port: int) -> bool:
    with contextlib.closing(socket.socket()) as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class AppServer:
    """`facilitation serve` in a subprocess (eventlet, as in production)."""

    def __init__(self, instance: Path, env: dict[str, str] | None = None) -> None:
        self.instance = instance
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "FACILITATION_INSTANCE": str(instance), **(env or {})}
        self.env.setdefault("FACILITATION_ASYNC_MODE", "eventlet")
        self.process: subprocess.Popen[bytes] | None = None
        self.log = instance / f"server-{self.port}.log"

    def start(self) -> AppServer:
        self.instance.mkdir(parents=True, exist_ok=True)
        out = self.log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "facilitation", "serve", "--port", str(self.port)],
            env=self.env, stdout=out, stderr=subprocess.STDOUT,
        )

        def healthy() -> bool:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(self.log.read_text())
            with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                return response.status == 200

        wait_for(healthy, 60, "facilitation server")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


@contextlib.contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise FileNotFoundError("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: _port_open(port), 20, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


@contextlib.contextmanager
def postgres_server(workdir: Path) -> Iterator[str]:
    """A PostgreSQL cluster in `workdir`, run as the `postgres` user when we are root."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise FileNotFoundError("PostgreSQL server binaries are not installed")
    bindir = Path(found[-1]).parent
    as_user: list[str] = []
    data = workdir / "pgdata"
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        workdir.mkdir(parents=True, exist_ok=True)
        shutil.chown(workdir, "postgres")
    port = free_port()
    subprocess.run(
        [*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
         "-E", "UTF8", "--no-sync"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    subprocess.run(
        [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(workdir / "pg.log"),
         "-o", f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off", "-w",
         "start"],
        check=True, stdout=subprocess.DEVNULL,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
