"""The package's folders are its layers, and imports flow one way (docs/architecture.md).

Imports are read with `ast` (every `import`, also inside functions), so a lazy import
cannot hide a dependency; the pure layers are also imported for real in a fresh
interpreter, to see that no framework gets loaded behind their back.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "facilitation"

# layer -> the layers it may import (itself included)
ALLOWED: dict[str, set[str]] = {
    "clustering": {"clustering"},
    "domain": {"domain", "clustering"},
    "synthesis": {"synthesis", "domain", "clustering"},
    "store": {"store", "domain"},
    "usecases": {"usecases", "store", "domain", "clustering", "synthesis"},
    "transport": {"transport", "usecases", "store", "domain", "clustering", "synthesis",
                  "extensions"},
    "wiring": {"wiring", "extensions", "transport", "usecases", "store", "domain",
               "clustering", "synthesis"},
}
PURE = ("domain", "clustering", "synthesis")
FRAMEWORKS = ("flask", "flask_socketio", "flask_babel", "flask_login", "flask_wtf",
              "socketio", "engineio", "sqlalchemy", "alembic", "eventlet", "gevent",
              "werkzeug")
# The transport's front doors: none reaches into another (they share broadcast, links,
# messages, commands and the background tasks instead).
DOORS = ("transport.socket", "transport.web", "transport.cli")
# The command line starts the app (the factory) and drives the benchmarks.
ENTRY_POINTS = {"transport.cli": {"wiring", "transport.bench"},
                "transport.bench": {"wiring"}}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")
            if "migrations" not in p.parts}


def imports_of(name: str, path: Path, known: set[str] = frozenset()) -> set[str]:
    """Absolute names of every module `path` imports (relative ones resolved): for
    `from X import a`, `X.a` when it is a module of `known`, else `X`."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.add(submodule if submodule in known else target)
    return found


def layer(name: str) -> str | None:
    """The layer of a module of the package; None for third-party modules."""
    parts = name.split(".")
    if parts[0] != "facilitation":
        return None
    if len(parts) == 1 or parts[1] in ("app", "config", "__main__"):
        return "wiring"
    if parts[1] in ALLOWED or parts[1] == "extensions":
        return parts[1]
    return "unknown"


def door(name: str) -> str | None:
    short = name.removeprefix("facilitation.")
    return next((d for d in (*DOORS, "transport.bench")
                 if short == d or short.startswith(d + ".")), None)


def test_every_module_lives_in_a_layer() -> None:
    strays = sorted(n for n in modules() if layer(n) == "unknown")
    assert strays == [], "each module belongs in domain/, store/, usecases/, transport/…"


def test_imports_flow_one_way() -> None:
    known = modules()
    wrong = []
    for name, path in known.items():
        own = layer(name)
        assert own is not None
        for target in imports_of(name, path, set(known)):
            target_layer = layer(target)
            if target_layer is None:
                continue
            own_door, target_door = door(name), door(target)
            if own_door and target_door and own_door != target_door:
                if target_door not in ENTRY_POINTS.get(own_door, set()):
                    wrong.append(f"{name} -> {target} (another transport's internals)")
                continue
            if target_layer == "wiring" and own_door in ENTRY_POINTS:
                continue
            if target_layer not in ALLOWED[own]:
                wrong.append(f"{name} -> {target}")
    assert wrong == []


def test_pure_layers_import_no_framework_in_their_source() -> None:
    wrong = [
        f"{name} -> {target}"
        for name, path in modules().items() if layer(name) in PURE
        for target in imports_of(name, path)
        if target.split(".")[0] in FRAMEWORKS
    ]
    assert wrong == []


def test_pure_layers_load_no_framework_when_imported() -> None:
    pure = sorted(n for n in modules() if layer(n) in PURE and not n.endswith("__main__"))
    script = (
        "import sys\n"
        f"for name in {pure!r}: __import__(name)\n"
        f"print(sorted(m for m in {FRAMEWORKS!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def test_the_layer_check_sees_a_wrong_import(tmp_path: Path) -> None:
    """The check itself: a domain module importing the store would be caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("from ..store import log\n\ndef f():\n    from flask import g\n")
    found = imports_of("facilitation.domain.bad", bad, {"facilitation.store.log"})
    assert "facilitation.store.log" in found and "flask" in found
    assert "store" not in ALLOWED[layer("facilitation.domain.bad") or ""]
