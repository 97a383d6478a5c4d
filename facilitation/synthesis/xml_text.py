"""Text an XML document can carry: XML 1.0 refuses control characters, lone surrogates
and the noncharacters U+FFFE/U+FFFF. Cards are cleaned when they arrive
(`domain.rules.clean_text`), but logs written before that still hold such text: the
.docx renderer cleans its whole model first, so an old session still exports."""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

T = TypeVar("T")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def xml_safe(value: T) -> T:
    """`value` with every string in it (dataclasses, tuples, lists, dicts) XML-safe."""
    return _clean(value)  # type: ignore[no-any-return]


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return xml_text(value) if _NOT_XML.search(value) else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _clean(getattr(value, f.name))
                   for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        items = (_clean(item) for item in value)
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    return value
