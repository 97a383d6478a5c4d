"""Fill missing French translations from a {msgid: msgstr} mapping in a Python file.

Usage: python scripts/fill_catalogue.py MAPPING.py   (the file defines FR = {...})
Then `make translations` compiles. Existing translations are kept unless the mapping
gives a new one; msgids still untranslated are listed so none is forgotten.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "facilitation/translations/fr/LC_MESSAGES/messages.po"


def main(mapping_file: str) -> int:
    mapping = runpy.run_path(mapping_file)["FR"]
    with PO.open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    missing = []
    for message in catalogue:
        if not message.id:
            continue
        if message.id in mapping:
            message.string = mapping[message.id]
            message.flags.discard("fuzzy")
        elif not message.string:
            missing.append(message.id)
    with PO.open("wb") as handle:
        write_po(handle, catalogue, width=100)
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
