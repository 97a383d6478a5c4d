"""Render the fixture documents in every format, to look at them:

    .venv/bin/python -m tests.synthesis.demo /tmp/synthesis-demo
    pdftoppm -r 70 -png /tmp/synthesis-demo/session-fr.pdf /tmp/synthesis-demo/session-fr

The programmes: "programme" (French, compared Hauts-de-France / Kayes: both programme
charts), "programme-en", "programme-plain" (no comparison: the themes chart only) and
"programme-crowded" (long, hostile names, more themes than the charts keep).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from facilitation.synthesis import formats

from . import fixtures


def main(out: str) -> None:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    documents = {"session-fr": fixtures.with_radar("fr"), "session-en": fixtures.with_radar("en"),
                 "hostile": fixtures.hostile(), "club-fr": fixtures.club_meeting("fr"),
                 "club-en": fixtures.club_meeting("en")}
    for name, synthesis in documents.items():
        for fmt in formats.FORMATS:
            (folder / f"{name}.{fmt}").write_bytes(formats.render(synthesis, fmt))
    base = fixtures.programme()
    programmes = {"programme": base, "programme-en": replace(base, language="en"),
                  "programme-plain": replace(base, comparison=None),
                  "programme-crowded": fixtures.crowded_programme()}
    for name, programme in programmes.items():
        for fmt in formats.FORMATS:
            (folder / f"{name}.{fmt}").write_bytes(formats.render_programme(programme, fmt))
    print(folder)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "synthesis-demo")
