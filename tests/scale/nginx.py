"""nginx in front of the test's server processes, with the site file shipped in deploy/.

The shipped file is used as it is, except for what a test cannot use: its ports (free
loopback ports instead of 80/443 and the systemd processes' 8001…), its certificate (a
throwaway self-signed one for 127.0.0.1) and its IPv6 listeners. Each substitution must
match, so a change to the shipped file that the test no longer covers fails loudly.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..services import _port_open, free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx-facilitation.conf"
NGINX = "/usr/sbin/nginx"
UPSTREAM = re.compile(r"^(\s*)server 127\.0\.0\.1:\d+( [^;]*)?;$", re.MULTILINE)


@dataclass
class Proxy:
    url: str  # https://127.0.0.1:port
    ca: Path  # the certificate the clients must trust
    access_log: Path


def render_site(upstreams: list[int], https_port: int, http_port: int, cert: Path,
                key: Path) -> str:
    """deploy/nginx-facilitation.conf with the test's ports and certificate."""
    text = SITE.read_text()

    def swap(old: str, new: str, count: int = 1) -> None:
        nonlocal text
        found = text.count(old)
        assert found == count, f"{SITE.name}: expected {count} × {old!r}, found {found}"
        text = text.replace(old, new)

    servers = UPSTREAM.findall(text)
    assert servers, f"{SITE.name}: no `server 127.0.0.1:PORT` line in the upstream"
    indent, options = servers[0]
    lines = "\n".join(f"{indent}server 127.0.0.1:{port}{options};" for port in upstreams)
    text = UPSTREAM.sub("", text, count=len(servers) - 1)  # keep the first line's place
    text = UPSTREAM.sub(lines, text, count=1)
    swap("    listen [::]:80;\n", "")
    swap("    listen [::]:443 ssl http2;\n", "")
    swap("listen 80;", f"listen 127.0.0.1:{http_port};")
    swap("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    swap("/etc/letsencrypt/live/facilitation.example.org/fullchain.pem", str(cert))
    swap("/etc/letsencrypt/live/facilitation.example.org/privkey.pem", str(key))
    swap("server_name facilitation.example.org;", "server_name 127.0.0.1;", count=2)
    listens = re.findall(r"^\s*listen\s+(\S+)", text, re.MULTILINE)
    assert listens and all(a.startswith("127.0.0.1:") for a in listens), listens
    return text


def self_signed(workdir: Path) -> tuple[Path, Path]:
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


@contextlib.contextmanager
def nginx_proxy(workdir: Path, upstreams: list[int]) -> Iterator[Proxy]:
    """Debian's nginx as this user: pid, logs and temporary files all in `workdir`."""
    workdir.mkdir(parents=True, exist_ok=True)
    cert, key = self_signed(workdir)
    https_port, http_port = free_port(), free_port()
    (workdir / "site.conf").write_text(
        render_site(upstreams, https_port, http_port, cert, key))
    temp = "\n".join(f"    {kind}_temp_path {workdir / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # as root, nginx would hand its workers to `nobody`: keep them this user's
    user = "user root root;\n" if os.geteuid() == 0 else ""
    access_log = workdir / "access.log"
    (workdir / "nginx.conf").write_text(
        f"{user}worker_processes 1;\ndaemon off;\npid {workdir / 'nginx.pid'};\n"
        f"error_log {workdir / 'error.log'} info;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        f"    access_log {access_log};\n{temp}\n"
        f"    include {workdir / 'site.conf'};\n}}\n"
    )
    command = [NGINX, "-p", str(workdir), "-e", str(workdir / "error.log"),
               "-c", str(workdir / "nginx.conf")]
    subprocess.run([*command, "-t"], check=True, capture_output=True)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def listening() -> bool:
            if process.poll() is not None:
                raise RuntimeError((workdir / "error.log").read_text())
            return _port_open(https_port)

        wait_for(listening, 20, "nginx")
        yield Proxy(f"https://127.0.0.1:{https_port}", cert, access_log)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
