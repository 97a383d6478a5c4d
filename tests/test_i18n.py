"""French first, English second: every message of the code has its French translation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "facilitation/translations/fr/LC_MESSAGES"


def test_every_message_in_the_code_is_translated_to_french(tmp_path: Path) -> None:
    template = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "N_", "-o", str(template), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with template.open("rb") as handle:
        in_code = {m.id for m in read_po(handle) if m.id}
    with (CATALOGUE / "messages.po").open("rb") as handle:
        french = {m.id: m.string for m in read_po(handle) if m.id and "fuzzy" not in m.flags}
    def done(string: object) -> bool:  # every plural form filled in, too
        return all(string) if isinstance(string, tuple) else bool(string)

    untranslated = sorted(str(i) for i in in_code if not done(french.get(i)))
    assert untranslated == [], "run `make translations` and translate these"


def test_the_compiled_catalogue_matches_the_sources() -> None:
    def plain(value: object) -> object:  # plural forms: tuples in .po, lists in .mo
        return tuple(value) if isinstance(value, list | tuple) else value

    with (CATALOGUE / "messages.po").open("rb") as handle:
        source = {plain(m.id): plain(m.string) for m in read_po(handle) if m.id and m.string}
    with (CATALOGUE / "messages.mo").open("rb") as handle:
        compiled = {plain(m.id): plain(m.string) for m in read_mo(handle) if m.id}
    assert compiled == source, "run `pybabel compile -d facilitation/translations`"
