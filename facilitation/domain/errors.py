"""Domain refusals: a stable code the transports translate into the user's language."""

from __future__ import annotations


class Rejected(Exception):
    """An action refused for a reason the user can act on (bad input, closed session…)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __repr__(self) -> str:
        return f"Rejected({self.code!r}, {self.params!r})"
