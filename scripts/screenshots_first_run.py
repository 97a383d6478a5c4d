"""Screenshots of the facilitator's first minutes: the login page before any account exists
(it says where the setup link is) and the 404 page, in French, at 1280×720 and 360×740.

    .venv/bin/python scripts/screenshots_first_run.py [--out docs/screenshots]

A real server (eventlet, lexical grouping) on a throwaway instance folder; Debian's
/usr/bin/chromium through Playwright.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.services import AppServer  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
SIZES = {"1280x720": {"width": 1280, "height": 720}, "360x740": {"width": 360, "height": 740}}
PAGES = {"login-first-run": "/login", "error-404": "/sessions/nowhere/console-typo"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs/screenshots")
    out = parser.parse_args().out
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        server = AppServer(Path(folder) / "instance",
                           env={"FACILITATION_CLUSTERING_BACKEND": "lexical"}).start()
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            for size, viewport in SIZES.items():
                context = browser.new_context(viewport=viewport, locale="fr-FR")
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(server.url + path)
                    target = out / f"{name}-{size}.png"
                    page.screenshot(path=str(target))
                    print(target)
                context.close()
        finally:
            browser.close()
            server.stop()


if __name__ == "__main__":
    main()
